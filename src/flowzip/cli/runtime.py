"""``flowzip settings`` and ``flowzip params``: runtime settings, runtime parameters and parameter sets."""

from __future__ import annotations

import json
from typing import Any

import click

from ..document.secrets import shown
from ..errors import SettingsError
from ..model.archive import Archive
from .common import find_flow
from .edit import write_options
from .options import json_option
from .reporters import emit, reporter

NONE_WORDS = ("none", "null", "")


def _int_or_none(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return ...  # not given
    if value.strip().lower() in NONE_WORDS:
        return None
    try:
        return int(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a whole number (or 'none' to clear it)") from None


def _value(text: str) -> Any:
    """A value from the command line: JSON when it parses, else the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _pairs(assignments: tuple[str, ...]) -> list[tuple[str, str]]:
    pairs = []
    for assignment in assignments:
        key, sep, text = assignment.partition("=")
        if not sep or not key:
            raise click.UsageError(f"{assignment!r} is not NAME=VALUE")
        pairs.append((key, text))
    return pairs


# --------------------------------------------------------------------------- settings


@click.group("settings")
def settings_group() -> None:
    """Runtime settings of a flow: environment, warning limit, retention (kept in its job).

    \b
    Examples:
      flowzip settings get export.zip nightly_load
      flowzip settings set export.zip nightly_load --warn-limit 20 --retention-days 15 --in-place
    """


@settings_group.command("get")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@json_option
@click.pass_context
def settings_get(ctx: click.Context, archive: str, flow: str, as_json: bool) -> None:
    """Show FLOW's runtime settings and the job that holds them.

    \b
    Example:
      flowzip settings get --json export.zip nightly_load
    """
    opened = ctx.obj["open"](archive)
    emit("settings", {"flow": flow, **find_flow(opened, flow).configuration.as_dict()}, as_json)


@reporter("settings")
def _settings(data: dict[str, Any]) -> None:
    click.echo(f"flow {data['flow']}  (job: {data['job'] or 'none yet'})")
    for key in ("environment", "warn_limit", "retention_days", "retention_amount"):
        value = data[key]
        click.echo(f"  {key:17} {'-' if value is None else value}")


@settings_group.command("set")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.option("--environment", help="Runtime environment name (one the archive defines, when it defines any).")
@click.option("--warn-limit", callback=_int_or_none, help="Warnings before the run stops: > 0, or 'none'.")
@click.option("--retention-days", callback=_int_or_none, help="Keep runs this many days: > 0, or 'none'.")
@click.option("--retention-amount", callback=_int_or_none, help="Keep this many runs: > 0, or 'none'.")
@write_options
def settings_set(archive: Archive, flow: str, environment: str | None, warn_limit: Any, retention_days: Any,
                 retention_amount: Any) -> dict[str, Any]:
    """Set FLOW's runtime settings (in its job, created if the flow has none).

    Retention is by days or by amount, never both: give the other as 'none'.

    \b
    Examples:
      flowzip settings set export.zip nightly_load --warn-limit 20 --retention-days 15 -o out.zip
      flowzip settings set export.zip nightly_load --retention-days none --retention-amount 5 --in-place
    """
    given = {key: value for key, value in (("environment", environment), ("warn_limit", warn_limit),
                                           ("retention_days", retention_days),
                                           ("retention_amount", retention_amount))
             if value is not ... and not (key == "environment" and value is None)}
    if not given:
        raise click.UsageError("give at least one of --environment, --warn-limit, --retention-days, "
                               "--retention-amount")
    chosen = find_flow(archive, flow)
    chosen.configuration.update(**given)
    settings = chosen.configuration.as_dict()
    lines = [f"flow {flow!r}: {key} = {settings[key]}" for key in given]
    return {"changes": lines, "flow": flow, **settings}


# --------------------------------------------------------------------------- params


@click.group("params")
def params_group() -> None:
    """Parameter sets, value sets, local parameters and runtime parameter values.

    \b
    Examples:
      flowzip params ls export.zip
      flowzip params ls export.zip nightly_load
      flowzip params get export.zip nightly_load psGlobal.DatasetDir
      flowzip params set export.zip nightly_load psGlobal.DatasetDir=/data --value-set psGlobal=dev --in-place
      flowzip params set-default export.zip psGlobal DatasetDir=/data --in-place
    """


@params_group.command("ls")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow", required=False)
@json_option
@click.pass_context
def params_ls(ctx: click.Context, archive: str, flow: str | None, as_json: bool) -> None:
    """List the parameter sets of ARCHIVE, or FLOW's runtime parameters and references.

    Without FLOW: every parameter set with its parameters (type and default) and
    value sets.  With FLOW: every parameter's effective value for the flow's job
    (job override, else the chosen value set, else the default) and where it
    comes from, then every #...# reference in the flow and whether it resolves.

    \b
    Examples:
      flowzip params ls export.zip
      flowzip params ls --json export.zip nightly_load
    """
    opened = ctx.obj["open"](archive)
    if flow is None:
        sets = [{"name": ps.name, "description": ps.description,
                 "parameters": [{"name": p.get("name"), "type": p.get("type"), "value": _masked(p)}
                                for p in ps.parameters],
                 "value_sets": [v.get("name") for v in ps.value_sets]} for ps in opened.parameter_sets]
        emit("parameter_sets", sets, as_json)
        return
    chosen = find_flow(opened, flow)
    data = {
        "flow": flow,
        "parameters": [{"name": p.name, "value": _masked({"name": p.name, "type": p.type, "value": p.value}),
                        "source": p.source,
                        "type": p.type} for p in chosen.runtime_parameters],
        "references": [{"reference": r.text, "kind": r.kind, "resolves": r.resolves, "stage": r.stage,
                        "path": r.path} for r in chosen.parameter_references()],
    }
    emit("runtime_parameters", data, as_json)


def _masked(parameter: dict[str, Any]) -> Any:
    """Secrets (encrypted parameters, credential-like names or values) are never printed."""
    return shown(str(parameter.get("name", "")).rpartition(".")[2], parameter.get("value"),
                 encrypted=str(parameter.get("type")) == "encrypted")


@reporter("parameter_sets")
def _parameter_sets(sets: list[dict[str, Any]]) -> None:
    for ps in sets:
        value_sets = f"  (value sets: {', '.join(ps['value_sets'])})" if ps["value_sets"] else ""
        click.echo(f"{ps['name']}{value_sets}")
        for p in ps["parameters"]:
            click.echo(f"  {p['name']}\t{p['type']}\t{json.dumps(p['value'])}")


@reporter("runtime_parameters")
def _runtime_parameters(data: dict[str, Any]) -> None:
    click.echo(f"flow {data['flow']}: runtime parameters")
    for p in data["parameters"]:
        click.echo(f"  {p['name']}\t{json.dumps(p['value'])}\t({p['source']})")
    if data["references"]:
        click.echo("references:")
        for r in data["references"]:
            where = f" in {r['stage']}" if r["stage"] else ""
            click.echo(f"  {r['reference']}\t{'resolves' if r['resolves'] else 'DOES NOT RESOLVE'}{where}")


@params_group.command("get")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("name")
@json_option
@click.pass_context
def params_get(ctx: click.Context, archive: str, flow: str, name: str, as_json: bool) -> None:
    """Print the effective value of parameter NAME (SET.PARAM or a local name) for FLOW's job.

    \b
    Example:
      flowzip params get export.zip nightly_load psGlobal.DatasetDir
    """
    chosen = find_flow(ctx.obj["open"](archive), flow)
    for parameter in chosen.runtime_parameters:
        if parameter.name == name:
            emit("parameter", {"name": name, "value": _masked({"name": name, "type": parameter.type,
                                                                "value": parameter.value}),
                               "source": parameter.source}, as_json)
            return
    names = ", ".join(p.name for p in chosen.runtime_parameters) or "none"
    raise SettingsError(f"flow {flow!r} has no parameter {name!r}", hint=f"its parameters: {names}")


@reporter("parameter")
def _parameter(data: dict[str, Any]) -> None:
    value = data["value"]
    click.echo(value if isinstance(value, str) else json.dumps(value))


@params_group.command("set")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("assignments", nargs=-1, metavar="[NAME=VALUE]...")
@click.option("--value-set", "value_sets", multiple=True, metavar="SET=VALUESET",
              help="Run with this value set of a parameter set (repeatable).")
@write_options
def params_set(archive: Archive, flow: str, assignments: tuple[str, ...],
               value_sets: tuple[str, ...]) -> dict[str, Any]:
    """Set runtime parameter values for FLOW's job: SET.PARAM=VALUE or LOCAL=VALUE.

    Values are checked against the parameter's type (VALUE is read as JSON when
    it parses, else as text); sets, value sets and parameters must exist.

    \b
    Examples:
      flowzip params set export.zip nightly_load psGlobal.DatasetDir=/data num_rows=500 --in-place
      flowzip params set export.zip nightly_load --value-set psGlobal=production -o out.zip
    """
    if not assignments and not value_sets:
        raise click.UsageError("give NAME=VALUE assignments or --value-set SET=VALUESET")
    chosen = find_flow(archive, flow)
    lines = []
    for set_name, value_set in _pairs(value_sets):
        chosen.set_runtime_value_set(set_name, value_set)
        lines.append(f"flow {flow!r}: runs with value set {value_set!r} of {set_name!r}")
    for name, text in _pairs(assignments):
        value = _value(text)
        if "." in name:
            set_name, _, parameter = name.partition(".")
            if not isinstance(value, str) and _is_text_parameter(archive, set_name, parameter):
                value = text
            chosen.set_runtime_parameter_value(set_name, parameter, value)
        else:
            if not isinstance(value, str) and str(chosen.local_parameter(name).get("type")) in ("string", "path"):
                value = text
            chosen.set_runtime_local_parameter(name, value)
        types = {p.name: p.type for p in chosen.runtime_parameters}
        masked = _masked({"name": name, "type": types.get(name), "value": value})
        lines.append(f"flow {flow!r}: {name} = {json.dumps(masked)}")
    return {"changes": lines, "flow": flow}


def _is_text_parameter(archive: Archive, set_name: str, parameter: str) -> bool:
    try:
        found = archive.parameter_sets.get(name=set_name).parameter(parameter)
    except Exception:  # noqa: BLE001 - the setter reports the real problem
        return False
    return str(found.get("type")) in ("string", "path", "encrypted", "multilinestring", "email")


@params_group.command("set-default")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("parameter_set", metavar="SET")
@click.argument("assignments", nargs=-1, required=True, metavar="PARAM=VALUE...")
@click.option("--in-value-set", help="Change the values of this value set instead of the defaults.")
@write_options
def params_set_default(archive: Archive, parameter_set: str, assignments: tuple[str, ...],
                       in_value_set: str | None) -> dict[str, Any]:
    """Change parameter defaults of parameter set SET (or the values of one of its value sets).

    \b
    Examples:
      flowzip params set-default export.zip psGlobal DatasetDir=/data --in-place
      flowzip params set-default export.zip psGlobal DatasetDir=/prod --in-value-set production -o out.zip
    """
    ps = archive.parameter_sets.get(name=parameter_set)
    lines = []
    for name, text in _pairs(assignments):
        parameter = ps.parameter(name)
        value = _value(text)
        if not isinstance(value, str) and str(parameter.get("type")) in ("string", "path", "encrypted"):
            value = text
        if in_value_set:
            ps.set_value(in_value_set, name, value)
            lines.append(f"parameter set {parameter_set!r}: value set {in_value_set!r}: {name} = "
                         f"{json.dumps(_masked({**parameter, 'value': value}))}")
        else:
            ps.set_parameter(name, value=value)
            lines.append(f"parameter set {parameter_set!r}: {name} defaults to "
                         f"{json.dumps(_masked({**parameter, 'value': value}))}")
    archive.update_parameter_set(ps)
    return {"changes": lines, "parameter_set": parameter_set}


COMMANDS = [settings_group, params_group]
