"""Editing commands: ``flowzip flow``, ``flowzip stage``, ``flowzip comment`` and ``flowzip annotate``.

Each opens the archive, makes the change with the library's editing API,
writes ``-o OUT`` or the input itself with ``--in-place``, and prints a short
summary (``--json`` for scripts).  Bad input exits 2 with a one-line reason.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

import click

from ..display import counted
from ..document.catalog import catalog
from ..document.secrets import shown
from ..errors import NotFoundError
from ..model.archive import Archive
from ..model.flow import Flow, Stage
from ..model.parallel import PARALLEL_MEMBERS
from ..ops.arrange import arrange_flows
from ..suggest import closest
from .common import find_flow, progress
from .options import check_destination, json_option, output_options, save
from .reporters import emit, reporter


def write_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """A command that changes the archive it opens: ``-o/--output`` or ``--in-place``, and ``--json``.

    The wrapped function gets the opened archive and returns a summary (``changes``: lines to print).
    """

    @output_options()
    @functools.wraps(func)
    def wrapper(*args: Any, output: str | None, in_place: bool, dry_run: bool, as_json: bool, **kwargs: Any) -> None:
        check_destination(output, in_place, dry_run)
        ctx = click.get_current_context()
        archive = ctx.obj["open"](kwargs.pop("archive"))
        summary = func(archive, *args, **kwargs)
        summary["written"] = save(archive, output, in_place, dry_run=dry_run)
        emit("change", summary, as_json)

    return wrapper


@reporter("change")
def _change(data: dict[str, Any]) -> None:
    for line in data["changes"]:
        click.echo(line)
    click.echo(f"wrote {data['written']}" if data["written"] else "dry run: nothing written")


def _stage(flow: Flow, label: str) -> Stage:
    return flow.stages.get(label=label)


def _summary(*changes: str, **data: Any) -> dict[str, Any]:
    return {"changes": list(changes), **data}


# --------------------------------------------------------------------------- flow


@click.group("flow")
def flow_group() -> None:
    """Create, remove, duplicate, rename and describe flows.

    \b
    Examples:
      flowzip flow new export.zip nightly_load --description "Loads the warehouse" -o out.zip
      flowzip flow dup export.zip nightly_load nightly_load_v2 --in-place
      flowzip flow rename export.zip nightly_load daily_load -o out.zip
      flowzip flow rm export.zip old_flow --with-jobs -o out.zip
    """


@flow_group.command("new")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("name")
@click.option("--description", default="", help="The flow's description.")
@write_options
def flow_new(archive: Archive, name: str, description: str) -> dict[str, Any]:
    """Add an empty batch flow NAME to ARCHIVE.

    \b
    Example:
      flowzip flow new export.zip nightly_load -o out.zip
    """
    flow = archive.create_flow(name, description=description)
    return _summary(f"created flow {name!r} ({flow.member.name})", flow=name, member=flow.member.name)


@flow_group.command("rm")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("name")
@click.option("--with-jobs", is_flag=True, help="Also remove the flow's jobs and compiled binaries.")
@write_options
def flow_rm(archive: Archive, name: str, with_jobs: bool) -> dict[str, Any]:
    """Remove flow NAME (and its manifest entries) from ARCHIVE.

    \b
    Example:
      flowzip flow rm export.zip old_flow --with-jobs --in-place
    """
    before = {m.name for m in archive.members}
    archive.delete_flow(find_flow(archive, name), delete_jobs=with_jobs)
    removed = sorted(before - {m.name for m in archive.members})
    return _summary(*(f"removed {m}" for m in removed), flow=name, removed=removed)


@flow_group.command("dup")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("name")
@click.argument("new_name")
@click.option("--description", default=None, help="The copy's description (default: the original's).")
@write_options
def flow_dup(archive: Archive, name: str, new_name: str, description: str | None) -> dict[str, Any]:
    """Copy flow NAME as NEW_NAME, with fresh ids throughout.

    \b
    Example:
      flowzip flow dup export.zip nightly_load nightly_load_test -o out.zip
    """
    copy = archive.duplicate_flow(find_flow(archive, name), new_name, description=description)
    return _summary(f"duplicated flow {name!r} as {new_name!r} ({copy.member.name})", flow=new_name,
                    member=copy.member.name)


@flow_group.command("rename")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("name")
@click.argument("new_name")
@write_options
def flow_rename(archive: Archive, name: str, new_name: str) -> dict[str, Any]:
    """Rename flow NAME to NEW_NAME, with its jobs' references, manifest entries and binaries.

    \b
    Example:
      flowzip flow rename export.zip nightly_load daily_load --in-place
    """
    flow = find_flow(archive, name)
    archive.rename_flow(flow, new_name)
    return _summary(f"renamed flow {name!r} to {new_name!r} ({flow.member.name})", flow=new_name,
                    member=flow.member.name)


@flow_group.command("describe")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("name")
@click.argument("description")
@write_options
def flow_describe(archive: Archive, name: str, description: str) -> dict[str, Any]:
    """Set the description of flow NAME.

    \b
    Example:
      flowzip flow describe export.zip nightly_load "Loads the warehouse at 02:00" --in-place
    """
    flow = find_flow(archive, name)
    flow.description = description
    archive.update_flow(flow)
    return _summary(f"set the description of flow {name!r}", flow=name, description=description)


# --------------------------------------------------------------------------- stage


@click.group("stage")
def stage_group() -> None:
    """List, add, remove, connect and configure stages.

    \b
    Examples:
      flowzip stage ls export.zip nightly_load
      flowzip stage add export.zip nightly_load "Row Generator" --label rows -o out.zip
      flowzip stage connect export.zip nightly_load rows Peek_1 --name lnk_rows --in-place
      flowzip stage set export.zip nightly_load rows records=500 --in-place
      flowzip stage links export.zip nightly_load Peek_1
    """


@stage_group.command("ls")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.option("--type", "type_", help="Only stages of this type (e.g. 'Transformer').")
@json_option
@click.pass_context
def stage_ls(ctx: click.Context, archive: str, flow: str, type_: str | None, as_json: bool) -> None:
    """List the stages of FLOW: label, type and id.

    \b
    Example:
      flowzip stage ls export.zip nightly_load --type Transformer
    """
    chosen = find_flow(ctx.obj["open"](archive), flow)
    present = {s.type for s in chosen.stages}
    if type_ and type_ not in present:
        # A misspelt type is an error with a suggestion, not an empty list.
        try:
            type_ = catalog().get(type_).type_name
        except NotFoundError:
            guess = closest(type_, sorted(present) + catalog().names())
            raise NotFoundError(f"unknown stage type {type_!r}", flow=flow,
                                hint=f"did you mean {guess!r}?" if guess else "'flowzip stage types' lists them") \
                from None
    stages = chosen.stages.get_all(type=type_) if type_ else chosen.stages
    ins: dict[str, int] = {}
    outs: dict[str, int] = {}
    for link in chosen.links:  # one pass over the links, not one per stage
        ins[link.target.id] = ins.get(link.target.id, 0) + 1
        source = link.link.get("node_id_ref")
        outs[source] = outs.get(source, 0) + 1
    rows = [{"label": s.label, "type": s.type, "op": s.op, "id": s.id,
             "inputs": ins.get(s.id, 0), "outputs": outs.get(s.id, 0)} for s in stages]
    emit("stages", rows, as_json)


@reporter("stages")
def _stages(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        click.echo(f"{row['label'] or '(no label)'}\t{row['type']}\t{row['inputs']} in, {row['outputs']} out\t"
                   f"{row['id']}")


@stage_group.command("types")
@click.option("--search", help="Only types whose name contains this text.")
@click.option("--properties", "properties_of", metavar="TYPE", help="List the configuration properties of TYPE.")
@json_option
def stage_types(search: str | None, properties_of: str | None, as_json: bool) -> None:
    """List the 151 stage types 'stage add' accepts, or one type's properties.

    \b
    Examples:
      flowzip stage types --search sql
      flowzip stage types --properties "Row Generator"
    """
    if properties_of:
        stage_type = catalog().get(properties_of)
        rows = [{"name": p.name, "alias": p.alias, "type": p.type, "default": p.default,
                 "values": list(p.enum_values) if p.enum_values is not None else None}
                for p in stage_type.properties]
        emit("properties", rows, as_json)
        return
    rows = [{"type": t.type_name, "op": t.op, "node_type": t.node_type, "inputs": list(t.inputs),
             "outputs": list(t.outputs)} for t in catalog()
            if not search or search.lower() in t.type_name.lower()]
    emit("types", rows, as_json)


@reporter("properties")
def _properties(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        values = f"\tone of {', '.join(map(repr, row['values']))}" if row["values"] else ""
        click.echo(f"{row['alias']}\t{row['type']}\tdefault {json.dumps(row['default'])}{values}")


@reporter("types")
def _types(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        click.echo(f"{row['type']}\t{row['op'] or '-'}\t{row['node_type']}")


@stage_group.command("add")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("type_name", metavar="TYPE")
@click.option("--label", help="The stage's label (default: Type_N).")
@write_options
def stage_add(archive: Archive, flow: str, type_name: str, label: str | None) -> dict[str, Any]:
    """Add a stage of TYPE (a name from 'flowzip stage types') to FLOW.

    \b
    Example:
      flowzip stage add export.zip nightly_load "Row Generator" --label rows --in-place
    """
    chosen = find_flow(archive, flow)
    stage = chosen.add_stage(type_name, label)
    archive.update_flow(chosen)
    return _summary(f"flow {flow!r}: added stage {stage.label!r} ({stage.type})", flow=flow, stage=stage.label,
                    type=stage.type, id=stage.id)


@stage_group.command("rm")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("label")
@write_options
def stage_rm(archive: Archive, flow: str, label: str) -> dict[str, Any]:
    """Remove stage LABEL from FLOW, with every link into or out of it.

    \b
    Example:
      flowzip stage rm export.zip nightly_load Peek_1 --in-place
    """
    chosen = find_flow(archive, flow)
    stage = _stage(chosen, label)
    links = [link.name for link in stage.get_input_links() + stage.get_output_links()]
    chosen.remove_stage(stage)
    archive.update_flow(chosen)
    lines = [f"flow {flow!r}: removed stage {label!r}"] + [f"flow {flow!r}: removed link {n!r}" for n in links]
    return _summary(*lines, flow=flow, stage=label, links=links)


@stage_group.command("insert")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("link")
@click.argument("type_name", metavar="TYPE")
@click.option("--label", help="The new stage's label (default: Type_N).")
@click.option("--name", help="The name of the new link into the stage (default: Link_N).")
@write_options
def stage_insert(archive: Archive, flow: str, link: str, type_name: str, label: str | None,
                 name: str | None) -> dict[str, Any]:
    """Put a new stage of TYPE into LINK of FLOW: source -> new stage -> target.

    The link into the target keeps its name, port settings and columns; a
    new link runs from the source into the stage.

    \b
    Example:
      flowzip stage insert export.zip nightly_load Link_1 Peek --label peek_rows --in-place
    """
    chosen = find_flow(archive, flow)
    original = chosen.links.get(link)
    source = original.source.label if original.source else None
    stage = chosen.insert_stage(original, type_name, label, name=name)
    archive.update_flow(chosen)
    new_link = stage.get_input_links()[0].name
    return _summary(f"flow {flow!r}: inserted {stage.type} stage {stage.label!r} into link {link!r} "
                    f"({source!r} -> {new_link!r} -> {stage.label!r} -> {link!r} -> {original.target.label!r})",
                    flow=flow, stage=stage.label, link=link, new_link=new_link)


@stage_group.command("rename")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("label")
@click.argument("new_label")
@write_options
def stage_rename(archive: Archive, flow: str, label: str, new_label: str) -> dict[str, Any]:
    """Relabel stage LABEL of FLOW NEW_LABEL (labels stay unique in the flow).

    \b
    Example:
      flowzip stage rename export.zip nightly_load Peek_1 peek_rows --in-place
    """
    chosen = find_flow(archive, flow)
    _stage(chosen, label).label = new_label
    archive.update_flow(chosen)
    return _summary(f"flow {flow!r}: stage {label!r} renamed {new_label!r}", flow=flow, stage=label,
                    new_label=new_label)


@stage_group.command("connect")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("source")
@click.argument("target")
@click.option("--name", help="The link's name (default: Link_N).")
@click.option("--type", "link_type", type=click.Choice(["primary", "reference", "reject"], case_sensitive=False),
              default="primary", show_default=True, help="The link's type.")
@write_options
def stage_connect(archive: Archive, flow: str, source: str, target: str, name: str | None,
                  link_type: str) -> dict[str, Any]:
    """Link SOURCE's output to TARGET's input in FLOW.

    \b
    Examples:
      flowzip stage connect export.zip nightly_load rows Peek_1 --in-place
      flowzip stage connect export.zip nightly_load states Lookup_1 --type reference -o out.zip
    """
    chosen = find_flow(archive, flow)
    link = _stage(chosen, source).connect_output_to(_stage(chosen, target), link_type=link_type.upper(), name=name)
    archive.update_flow(chosen)
    return _summary(f"flow {flow!r}: linked {source!r} -> {target!r} as {link.name!r} ({link.type})", flow=flow,
                    link=link.name, source=source, target=target, type=link.type)


def _parse_value(stage: Stage, key: str, text: str) -> Any:
    """KEY=VALUE: VALUE as JSON when that fits the property, else as text."""
    try:
        value = json.loads(text)
    except ValueError:
        return text
    stage_type = stage.stage_type
    if stage_type is not None and stage_type.has_property(key) and not isinstance(value, str):
        prop = stage_type.property(key)
        if prop.problem(value) and prop.problem(text) is None:
            return text
    return value


@stage_group.command("set")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("label")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
@write_options
def stage_set(archive: Archive, flow: str, label: str, assignments: tuple[str, ...]) -> dict[str, Any]:
    """Set configuration properties of stage LABEL in FLOW.

    KEY is the property's SDK name or JSON alias; VALUE is read as JSON when it
    fits the property (5, true, ["a"]) and as text otherwise.  Names and values
    are checked against the stage catalog.

    \b
    Examples:
      flowzip stage set export.zip nightly_load rows records=500 --in-place
      flowzip stage set export.zip nightly_load Peek_1 nrecs=20 all=all -o out.zip
    """
    chosen = find_flow(archive, flow)
    stage = _stage(chosen, label)
    lines, changed = [], {}
    for assignment in assignments:
        key, sep, text = assignment.partition("=")
        if not sep or not key:
            raise click.UsageError(f"{assignment!r} is not KEY=VALUE")
        value = _parse_value(stage, key, text)
        stage.configuration[key] = value
        changed[key] = shown(key, value)
        lines.append(f"flow {flow!r}: stage {label!r}: {key} = {json.dumps(shown(key, value))}")
    archive.update_flow(chosen)
    return _summary(*lines, flow=flow, stage=label, values=changed)


@stage_group.command("links")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("label")
@json_option
@click.pass_context
def stage_links(ctx: click.Context, archive: str, flow: str, label: str, as_json: bool) -> None:
    """List the links into and out of stage LABEL.

    \b
    Example:
      flowzip stage links export.zip nightly_load Lookup_1
    """
    stage = _stage(find_flow(ctx.obj["open"](archive), flow), label)
    rows = [_link_row(link, direction)
            for direction, links in (("in", stage.get_input_links()), ("out", stage.get_output_links()))
            for link in links]
    emit("links", rows, as_json)


def _link_row(link: Any, direction: str) -> dict[str, Any]:
    return {"direction": direction, "name": link.name, "source": link.source.label if link.source else None,
            "target": link.target.label, "type": link.type, "id": link.id}


@reporter("links")
def _links(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        click.echo(f"{row['direction']}\t{row['name']}\t{row['source']} -> {row['target']}\t{row['type']}")


# --------------------------------------------------------------------------- links


@click.group("link")
def link_group() -> None:
    """List, rename and remove links.

    \b
    Examples:
      flowzip link ls export.zip nightly_load
      flowzip link rename export.zip nightly_load Link_1 lnk_rows --in-place
      flowzip link rm export.zip nightly_load Link_1 -o out.zip
    """


@link_group.command("ls")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@json_option
@click.pass_context
def link_ls(ctx: click.Context, archive: str, flow: str, as_json: bool) -> None:
    """List the links of FLOW: name, source -> target, type.

    \b
    Example:
      flowzip link ls export.zip nightly_load --json
    """
    chosen = find_flow(ctx.obj["open"](archive), flow)
    emit("links", [_link_row(link, "link") for link in chosen.links], as_json)


@link_group.command("rename")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("name")
@click.argument("new_name")
@write_options
def link_rename(archive: Archive, flow: str, name: str, new_name: str) -> dict[str, Any]:
    """Rename link NAME of FLOW NEW_NAME; the source port and expressions that name it follow.

    \b
    Example:
      flowzip link rename export.zip nightly_load Link_1 lnk_rows --in-place
    """
    chosen = find_flow(archive, flow)
    chosen.links.get(name).name = new_name
    archive.update_flow(chosen)
    return _summary(f"flow {flow!r}: link {name!r} renamed {new_name!r}", flow=flow, link=name, new_name=new_name)


@link_group.command("rm")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("name")
@write_options
def link_rm(archive: Archive, flow: str, name: str) -> dict[str, Any]:
    """Remove link NAME from FLOW (disconnect its two stages); link counts follow.

    \b
    Example:
      flowzip link rm export.zip nightly_load Link_1 -o out.zip
    """
    chosen = find_flow(archive, flow)
    link = chosen.links.get(name)
    source = link.source.label if link.source else None
    chosen.remove_link(link)
    archive.update_flow(chosen)
    return _summary(f"flow {flow!r}: removed link {name!r} ({source!r} -> {link.target.label!r})", flow=flow,
                    link=name)


# --------------------------------------------------------------------------- comments


def _attach(flow: Flow, comment: Any, labels: tuple[str, ...]) -> list[str]:
    for label in labels:
        comment.connect_to(_stage(flow, label))
    return [f" attached to {', '.join(labels)}"] if labels else [""]


@click.group("comment")
def comment_group() -> None:
    """List, add, edit and remove the comments of a flow (annotations too).

    \b
    Examples:
      flowzip comment add export.zip nightly_load "# Nightly load" --stage rows -o out.zip
      flowzip comment ls export.zip nightly_load
      flowzip comment rm export.zip nightly_load 3f2a... --in-place
    """


@comment_group.command("add")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("text")
@click.option("--stage", "stages", multiple=True, help="Attach the comment to this stage (repeatable).")
@write_options
def comment_add(archive: Archive, flow: str, text: str, stages: tuple[str, ...]) -> dict[str, Any]:
    """Add a markdown comment with TEXT to FLOW.

    \b
    Example:
      flowzip comment add export.zip nightly_load "Reads **all** rows" --stage rows --in-place
    """
    chosen = find_flow(archive, flow)
    comment = chosen.add_markdown_comment(text)
    attached = _attach(chosen, comment, stages)[0]
    archive.update_flow(chosen)
    return _summary(f"flow {flow!r}: added a markdown comment{attached}", flow=flow, id=comment.id,
                    stages=list(stages))


@comment_group.command("ls")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@json_option
@click.pass_context
def comment_ls(ctx: click.Context, archive: str, flow: str, as_json: bool) -> None:
    """List the comments and annotations of FLOW: id, kind, attached stages, first line.

    \b
    Example:
      flowzip comment ls export.zip nightly_load
    """
    chosen = find_flow(ctx.obj["open"](archive), flow)
    rows = [{"id": c.id, "kind": c.kind, "stages": [s.label for s in c.stages], "content": c.content}
            for c in chosen.comments]
    emit("comments", rows, as_json)


@reporter("comments")
def _comments(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        first = (row["content"].splitlines() or [""])[0]
        click.echo(f"{row['id']}\t{row['kind']}\t{','.join(row['stages']) or '-'}\t{first}")


@comment_group.command("edit")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("comment_id", metavar="ID")
@click.argument("text")
@write_options
def comment_edit(archive: Archive, flow: str, comment_id: str, text: str) -> dict[str, Any]:
    """Replace the text of comment ID of FLOW with TEXT.

    \b
    Example:
      flowzip comment edit export.zip nightly_load 3f2a... "Reads **new** rows" --in-place
    """
    chosen = find_flow(archive, flow)
    chosen.comment(comment_id).content = text
    archive.update_flow(chosen)
    return _summary(f"flow {flow!r}: comment {comment_id!r} edited", flow=flow, id=comment_id)


@comment_group.command("rm")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("comment_id", metavar="ID")
@write_options
def comment_rm(archive: Archive, flow: str, comment_id: str) -> dict[str, Any]:
    """Remove comment (or annotation) ID from FLOW.

    \b
    Example:
      flowzip comment rm export.zip nightly_load 3f2a... -o out.zip
    """
    chosen = find_flow(archive, flow)
    chosen.remove_comment(chosen.comment(comment_id))
    archive.update_flow(chosen)
    return _summary(f"flow {flow!r}: removed comment {comment_id!r}", flow=flow, id=comment_id)


@click.command("annotate")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("text")
@click.option("--stage", "stages", multiple=True, help="Attach the annotation to this stage (repeatable).")
@click.option("--bold", is_flag=True)
@click.option("--italics", is_flag=True)
@click.option("--font", help="Font family, e.g. 'IBM Plex Sans'.")
@click.option("--text-decoration", type=click.Choice(["underline", "strikethrough"]))
@click.option("--background-color", help="#RRGGBB")
@click.option("--text-color", help="#RRGGBB")
@click.option("--horizontal-align", type=click.Choice(["left", "center", "right"]))
@click.option("--vertical-align", type=click.Choice(["top", "middle", "bottom"]))
@click.option("--text-size", type=int, help="One of 10, 11, 12, 14, 18, 24, 30, 36, 48, 60, 72, 96.")
@click.option("--outline/--no-outline", default=None, help="Draw an outline around the annotation.")
@write_options
def annotate(archive: Archive, flow: str, text: str, stages: tuple[str, ...], **formatting: Any) -> dict[str, Any]:
    """Add a styled annotation with TEXT to FLOW.

    \b
    Example:
      flowzip annotate export.zip nightly_load "Do not change" --bold --text-color "#DA1E28" --stage rows -o out.zip
    """
    chosen = find_flow(archive, flow)
    comment = chosen.add_annotation(text, **formatting)
    attached = _attach(chosen, comment, stages)[0]
    archive.update_flow(chosen)
    return _summary(f"flow {flow!r}: added an annotation{attached}", flow=flow, id=comment.id,
                    stages=list(stages), formats=comment.formats)


COMMANDS = [flow_group, stage_group, link_group, comment_group, annotate]

__all__ = ["COMMANDS", "write_options"]


@click.command("arrange")
@click.argument("archive", type=click.Path(exists=True))
@click.option("--flow", "flows", multiple=True, help="Arrange only this flow (repeatable; default: every flow).")
@click.option("--keep-existing", is_flag=True, help="Stages that already have a position keep it.")
@click.option("--jobs", type=click.IntRange(1), default=None,
              help=f"Worker processes (default: one per core for {PARALLEL_MEMBERS} flows or more).")
@write_options
def arrange(archive: Archive, flows: tuple[str, ...], keep_existing: bool, jobs: int | None) -> dict[str, Any]:
    """Lay flows out left to right; only stage and comment positions change.

    \b
    Examples:
      flowzip arrange export.zip --in-place
      flowzip arrange export.zip --flow nightly_load -o out.zip
    """
    chosen = [find_flow(archive, name) for name in flows] if flows else list(archive.flows)
    with progress(len(chosen), "Arranging") as advance:
        results = arrange_flows(archive, chosen, keep_existing=keep_existing, jobs=jobs, progress=advance)
    lines = [f"flow {name!r}: {counted(quality.stages, 'stage')} arranged, "
             f"{counted(quality.crossings, 'crossing')}, {counted(quality.overlaps, 'overlap')}"
             for name, quality in results.items()]
    return _summary(*lines, flows={name: quality.__dict__ for name, quality in results.items()})


COMMANDS.append(arrange)
