"""Batch transforms: the same change applied to every flow a selector picks, from Python or a recipe.

Each operation is a function on one flow (a :class:`~flowzip.flow.Flow` view) that
returns what it changed, one line per change; :func:`apply_recipe` runs a recipe's
steps over an archive.  A recipe is a JSON or TOML document::

    [[steps]]
    flows = "nightly_*"                       # flow name glob (default: every batch flow)
    stages = { type = "Peek", label = "Peek_*" }   # which stages (type, op, label glob)
    set = { nrecs = 20 }

Step actions (one per step): ``set`` (properties -> values), ``remove`` (property names),
``rename-stage`` / ``rename-link`` (``{from = .., to = ..}``), ``replace-text``
(``{old = .., new = .., in = "values"|"references"}``), ``repoint-connection`` /
``repoint-parameter-set`` (``{from = .., to = ..}``), ``add-parameter-set`` /
``remove-parameter-set`` (a name), ``settings`` (``environment``, ``warn_limit``,
``retention_days``, ``retention_amount``), ``arrange`` (``{keep_existing = ..}``).

A step whose selectors pick no flow is an error, unless it says ``optional = true``.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .. import jsonio
from ..document.catalog import catalog
from ..document.references import repoint, repoint_job
from ..document.secrets import SECRET, shown
from ..errors import FlowzipError, RecipeError
from ..inputs import loads_toml, read_input
from ..model.flow import Flow
from ..model.parallel import run_in_workers, workers_for
from ..suggest import closest

__all__ = ["StageSelector", "RecipeError", "select_flows", "set_properties", "remove_properties", "rename_stage",
           "rename_link", "replace_text", "repoint_connection", "repoint_parameter_set", "add_parameter_set",
           "remove_parameter_set", "set_settings", "arrange", "load_recipe", "apply_recipe", "RecipeResult",
           "ACTIONS"]



@dataclass(frozen=True)
class StageSelector:
    """Which stages a step changes: catalog type name, op, and label glob (all optional, all must hold)."""

    type: str | None = None
    op: str | None = None
    label: str | None = None

    def matches(self, stage: Any) -> bool:
        if self.type is not None and (stage.type or "").casefold() != self.type.casefold():
            return False
        if self.op is not None and stage.op != self.op:
            return False
        return self.label is None or fnmatch.fnmatchcase(stage.label or "", self.label)

    @property
    def empty(self) -> bool:
        return self.type is None and self.op is None and self.label is None

    def stages(self, flow: Any) -> list[Any]:
        return [s for s in flow.stages if self.matches(s)]

    def describe(self) -> str:
        """The selector in a recipe's words, for messages (``type = 'Peek', label = 'P*'``)."""
        return ", ".join(f"{key} = {value!r}" for key, value in
                         (("type", self.type), ("op", self.op), ("label", self.label)) if value is not None)


def select_flows(archive: Any, flows: str = "*", stages: StageSelector | None = None) -> list[Any]:
    """The batch flows whose name matches the *flows* glob and which have a stage *stages* picks."""
    return list(_picked(archive, flows, stages))


def _picked(archive: Any, flows: str, stages: StageSelector | None) -> Iterator[Any]:
    """:func:`select_flows` one flow at a time; a flow not picked lets its document go at once."""
    for flow in archive.flows:
        if _picks(flow, flows, stages):
            yield flow


def _picks(flow: Any, flows: str, stages: StageSelector | None) -> bool:
    """Whether the *flows* glob and the *stages* selector pick *flow* (a flow not picked lets its document go)."""
    if not fnmatch.fnmatchcase(flow.name, flows):
        return False
    if stages is not None and not stages.empty and not stages.stages(flow):
        flow.release()
        return False
    return True


# --------------------------------------------------------------------------- operations on one flow


def set_properties(flow: Any, stages: StageSelector, values: dict[str, Any]) -> list[str]:
    """Set configuration properties (SDK names or aliases, checked against the stage catalog)."""
    done = []
    for stage in stages.stages(flow):
        for name, value in values.items():
            try:
                before = getattr(stage.configuration, name)
            except (AttributeError, FlowzipError):
                before = None
            setattr(stage.configuration, name, value)
            if before != value:
                done.append(f"stage {stage.label!r}: {name} = {_show(value, name)}")
    return done


def remove_properties(flow: Any, stages: StageSelector, names: list[str]) -> list[str]:
    """Remove configuration properties from the stages' documents (the platform's default applies)."""
    done = []
    for stage in stages.stages(flow):
        for name in names:
            holders = [stage.node.get("parameters")] + [p.get("parameters") for p in
                                                        (stage.node.get("outputs") or []) + (stage.node.get("inputs")
                                                                                             or [])
                                                        if isinstance(p, dict)]
            connection = stage.node.get("connection")
            if isinstance(connection, dict):
                holders.append(connection.get("properties"))
            for holder in holders:
                if isinstance(holder, dict) and name in holder:
                    del holder[name]
                    done.append(f"stage {stage.label!r}: {name} removed")
    return done


def _renames(mapping: dict[str, Any], current: list[str]) -> Iterator[tuple[str, str]]:
    """(old, new) for ``{from, to}``: exact names, or a regular expression with ``regex = true``."""
    old, new = mapping.get("from"), mapping.get("to")
    if not isinstance(old, str) or not isinstance(new, str):
        raise RecipeError("a rename needs 'from' and 'to' strings")
    if mapping.get("regex"):
        pattern = re.compile(old)
        for name in current:
            if pattern.fullmatch(name):
                yield name, pattern.sub(new, name)
    elif old in current:
        yield old, new


def _rename_all(kind: str, named: dict[str, Any], mapping: dict[str, Any], attribute: str) -> list[str]:
    done = []
    for old, new in list(_renames(mapping, list(named))):
        if old != new:
            setattr(named[old], attribute, new)  # the views check uniqueness and rewrite what refers to them
            done.append(f"{kind} {old!r} renamed {new!r}")
    return done


def rename_stage(flow: Any, stages: StageSelector, mapping: dict[str, Any]) -> list[str]:
    """Relabel stages (``{from, to}``, or ``regex = true`` for a pattern); labels stay unique."""
    return _rename_all("stage", {s.label: s for s in stages.stages(flow) if s.label}, mapping, "label")


def rename_link(flow: Any, stages: StageSelector, mapping: dict[str, Any]) -> list[str]:
    """Rename links (into the picked stages, or every link); ``source_field_id`` and expressions follow."""
    targets = {s.id for s in stages.stages(flow)} if not stages.empty else None
    links = {link.name: link for link in flow.links if link.name and (targets is None or link.target.id in targets)}
    return _rename_all("link", links, mapping, "name")


REFERENCE = re.compile(r"#[A-Za-z0-9_$.]+#")


def replace_text(flow: Any, stages: StageSelector, mapping: dict[str, Any]) -> list[str]:
    """Replace text in property values (stage, port and connection properties of the picked stages, and local
    parameter defaults); with ``in = "references"`` only inside ``#...#`` parameter references."""
    old, new, where = mapping.get("old"), mapping.get("new"), mapping.get("in", "values")
    if not isinstance(old, str) or not old or not isinstance(new, str) or where not in ("values", "references"):
        raise RecipeError("replace-text needs 'old' (not empty) and 'new' strings, and 'in' = values or references")

    def fix(text: str) -> str:
        if where == "references":
            return REFERENCE.sub(lambda m: m.group(0).replace(old, new), text)
        return text.replace(old, new)

    done = []

    def walk(value: Any, label: str, key: Any = None) -> Any:
        if isinstance(value, str):
            fixed = fix(value)
            if fixed != value:
                done.append(f"{label}: {_show(value, key)} -> {_show(fixed, key)}")
            return fixed
        if isinstance(value, dict):
            for name in value:
                value[name] = walk(value[name], label, name)
        elif isinstance(value, list):
            value[:] = [walk(item, label, key) for item in value]
        return value

    for stage in stages.stages(flow):
        where_label = f"stage {stage.label!r}"
        walk(stage.node.get("parameters"), where_label)
        for port in (stage.node.get("inputs") or []) + (stage.node.get("outputs") or []):
            if isinstance(port, dict):
                walk(port.get("parameters"), where_label)
        if isinstance(stage.node.get("connection"), dict):
            walk(stage.node["connection"].get("properties"), where_label)
    for parameter in flow.local_parameters:
        if isinstance(parameter, dict) and isinstance(parameter.get("value"), str):
            parameter["value"] = walk(parameter["value"], f"local parameter {parameter.get('name')!r}")
    return done


def _repoint(folder: str, flow: Any, mapping: dict[str, Any]) -> list[str]:
    old, new = mapping.get("from"), mapping.get("to")
    if not isinstance(old, str) or not isinstance(new, str):
        raise RecipeError(f"repoint-{folder.replace('_', '-')} needs 'from' and 'to' names")
    count = repoint(flow.flow_document, folder, old, new)
    job = flow.configuration.job if folder == "parameter_set" else None
    if job is not None:
        doc = job.member.fresh_json()
        moved = repoint_job(doc, folder, old, new)
        if moved:
            job.member.set_json(doc)
            count += moved
    kind = folder.replace("_", " ")
    return [f"{kind} {old!r} -> {new!r} ({count} places)"] if count else []


def repoint_connection(flow: Any, stages: StageSelector, mapping: dict[str, Any]) -> list[str]:
    """Point the flow's stages that use connection ``from`` at connection ``to`` (by name, format.md §1.5)."""
    return _repoint("connection", flow, mapping)


def repoint_parameter_set(flow: Any, stages: StageSelector, mapping: dict[str, Any]) -> list[str]:
    """Point the flow (``external_paramsets`` and every ``#from.x#``) and its job at parameter set ``to``."""
    return _repoint("parameter_set", flow, mapping)


def add_parameter_set(flow: Any, stages: StageSelector, name: Any) -> list[str]:
    """Make the flow use a parameter set the archive holds (the SDK's ``use_parameter_set``)."""
    if not isinstance(name, str):
        raise RecipeError("add-parameter-set takes a parameter set name")
    if name in flow.parameter_sets:
        return []
    flow.use_parameter_set(name)
    return [f"uses parameter set {name!r}"]


def remove_parameter_set(flow: Any, stages: StageSelector, name: Any) -> list[str]:
    """Stop using a parameter set: its ``external_paramsets`` entry goes; references left are reported."""
    if not isinstance(name, str):
        raise RecipeError("remove-parameter-set takes a parameter set name")
    document = flow.flow_document
    entries = document.get("external_paramsets") or []
    kept = [e for e in entries if not (isinstance(e, dict) and e.get("name") == name)]
    if len(kept) == len(entries):
        return []
    document["external_paramsets"] = kept
    left = len(re.findall(r"#" + re.escape(name) + r"\.[A-Za-z0-9_$]+#", jsonio.dumps(document).decode()))
    note = f"; {left} #{name}.…# references remain (lint FZP001 lists them)" if left else ""
    return [f"no longer uses parameter set {name!r}{note}"]


SETTINGS = ("environment", "warn_limit", "retention_days", "retention_amount")


def set_settings(flow: Any, stages: StageSelector, values: dict[str, Any]) -> list[str]:
    """Runtime settings in the flow's job (created when missing), validated as ``flowzip settings set``."""
    if not isinstance(values, dict) or not set(values) <= set(SETTINGS):
        raise RecipeError(f"settings takes {', '.join(SETTINGS)}")
    done = []
    for name, value in values.items():
        if getattr(flow.configuration, name) != value:
            setattr(flow.configuration, name, value)
            done.append(f"{name} = {_show(value)}")
    return done


def arrange(flow: Any, stages: StageSelector, options: Any) -> list[str]:
    """Auto-arrange the flow (positions only)."""
    keep = bool(options.get("keep_existing")) if isinstance(options, dict) else False
    before = [(s.node.get("app_data") or {}).get("ui_data", {}).get("x_pos") for s in flow.stages]
    flow.auto_arrange(keep_existing=keep)
    after = [(s.node.get("app_data") or {}).get("ui_data", {}).get("x_pos") for s in flow.stages]
    return ["arranged"] if before != after else []


ACTIONS: dict[str, Callable[[Any, StageSelector, Any], list[str]]] = {
    "set": set_properties, "remove": remove_properties, "rename-stage": rename_stage, "rename-link": rename_link,
    "replace-text": replace_text, "repoint-connection": repoint_connection,
    "repoint-parameter-set": repoint_parameter_set, "add-parameter-set": add_parameter_set,
    "remove-parameter-set": remove_parameter_set, "settings": set_settings, "arrange": arrange,
}
STAGE_ACTIONS = {"set", "remove", "rename-stage", "replace-text"}
#: Actions whose change to a flow depends on that flow alone: a recipe of these runs in worker processes, each
#: with its share of the flows. Not so: settings and repoint-parameter-set (they change jobs) and
#: add-parameter-set (the reference it writes is the one other flows already use, or one it makes).
FLOW_LOCAL_ACTIONS = {"set", "remove", "rename-stage", "rename-link", "replace-text", "repoint-connection",
                      "remove-parameter-set", "arrange"}
#: What each action takes, checked when the recipe is read (so a wrong shape never reaches an action).
ARGUMENTS: dict[str, tuple[type, ...]] = {
    "set": (dict,), "remove": (list,), "rename-stage": (dict,), "rename-link": (dict,), "replace-text": (dict,),
    "repoint-connection": (dict,), "repoint-parameter-set": (dict,), "add-parameter-set": (str,),
    "remove-parameter-set": (str,), "settings": (dict,), "arrange": (dict, bool),
}
_ARGUMENT_WORDS = {dict: "a table", list: "a list", str: "a name", bool: "true or false"}


def _show(value: Any, key: Any = None) -> str:
    """A value for a change line; a secret (under *key*) is never shown."""
    value = shown(key, value)
    if value == SECRET:
        return value
    return repr(value) if isinstance(value, str) else jsonio.dumps(value, jsonio.COMPACT).decode()


# --------------------------------------------------------------------------- recipes


@dataclass
class Step:
    action: str
    argument: Any
    flows: str = "*"
    stages: StageSelector = field(default_factory=StageSelector)
    optional: bool = False  # picking no flow is fine (else it is an error)


@dataclass
class RecipeResult:
    """What a recipe did: per flow, the changes, one line each; the members that changed; and the steps (by
    number) that picked flows but had nothing to change there (already so: running a recipe twice is no error) or,
    allowed to, picked none."""

    flows: dict[str, list[str]] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)
    unchanged_steps: list[int] = field(default_factory=list)
    unmatched_steps: list[int] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"flows": self.flows, "members": self.members, "unchanged_steps": self.unchanged_steps,
                "unmatched_steps": self.unmatched_steps}


def load_recipe(path: str | os.PathLike[str]) -> list[Step]:
    """Read a recipe (``.toml``, else JSON) into steps, checking every action and selector."""
    name = os.fspath(path)
    raw = read_input(name, RecipeError)
    if name.endswith(".toml"):
        document = loads_toml(raw, name, RecipeError)
    else:
        document = jsonio.loads(raw, member=name)
    return parse_recipe(document, source=name)


STEP_KEYS = ("flows", "stages", "optional")  # what a step may hold besides its action


def parse_recipe(document: Any, source: str | None = None) -> list[Step]:
    steps = document.get("steps") if isinstance(document, dict) else document
    if not isinstance(steps, list) or not steps:
        raise RecipeError("a recipe holds a non-empty list of steps ('steps' in a table)", member=source)
    parsed = []
    for number, step in enumerate(steps, 1):
        if not isinstance(step, dict):
            raise RecipeError(f"step {number} is not a table", member=source)
        actions = [k for k in step if k in ACTIONS]
        unknown = [k for k in step if k not in ACTIONS and k not in STEP_KEYS]
        if unknown:
            key = str(unknown[0])
            guess = closest(key, [*ACTIONS, *STEP_KEYS])
            hint = (f"did you mean {guess!r}?" if guess else
                    f"a stage selector goes in stages = {{ {key} = ... }}" if key in ("type", "op", "label") else
                    f"a step takes {', '.join(STEP_KEYS)} and one action of {', '.join(ACTIONS)}")
            raise RecipeError(f"step {number}: unknown key {key!r}", member=source, hint=hint)
        if len(actions) != 1:
            raise RecipeError(f"step {number} needs exactly one action of {', '.join(ACTIONS)}"
                              + (f", not {len(actions)}" if actions else ""), member=source)
        selector = step.get("stages") or {}
        if not isinstance(selector, dict) or not set(selector) <= {"type", "op", "label"}:
            raise RecipeError(f"step {number}: 'stages' takes type, op and label", member=source)
        flows = step.get("flows", "*")
        if not isinstance(flows, str):
            raise RecipeError(f"step {number}: 'flows' is a name glob", member=source)
        optional = step.get("optional", False)
        if not isinstance(optional, bool):
            raise RecipeError(f"step {number}: 'optional' is true or false", member=source)
        argument = step[actions[0]]
        expected = ARGUMENTS[actions[0]]
        if not isinstance(argument, expected) or (isinstance(argument, list) and not all(
                isinstance(item, str) for item in argument)):
            words = " or ".join(_ARGUMENT_WORDS[kind] for kind in expected)
            raise RecipeError(f"step {number}: {actions[0]} takes {words}", member=source)
        if isinstance(argument, dict) and not all(isinstance(key, str) for key in argument):
            raise RecipeError(f"step {number}: {actions[0]} takes a table of names", member=source)
        if not all(isinstance(value, str) for value in selector.values()):
            raise RecipeError(f"step {number}: 'stages' selectors are text", member=source)
        if "type" in selector:
            try:
                selector["type"] = catalog().get(selector["type"]).type_name
            except FlowzipError as exc:
                raise RecipeError(f"step {number}: {exc.message}", member=source, hint=exc.hint) from None
        parsed.append(Step(actions[0], argument, flows, StageSelector(**selector), optional))
    return parsed


def apply_recipe(archive: Any, steps: list[Step], *, progress: Callable[[str], None] | None = None,
                 allow_no_match: bool = False, jobs: int | None = None) -> RecipeResult:
    """Run *steps* over *archive* (changed in memory; save it to keep the result).

    A step whose selectors pick no flow raises :class:`RecipeError` (with a did-you-mean) unless the step is
    ``optional`` or *allow_no_match* is set; it is then listed in ``unmatched_steps``.

    *jobs* is the number of worker processes (default: one per core from 200 flows on, for an archive as it
    is stored on disk); each takes its share of the flows through every step, with the same result.
    """
    with jsonio.gc_paused():  # every flow a step changes stays parsed until the archive is saved
        names = [member.name for member in archive.members_of_type("data_intg_flow")]
        workers = workers_for(archive, len(names), jobs)
        if workers > 1 and all(step.action in FLOW_LOCAL_ACTIONS for step in steps):
            result = _apply_in_workers(archive, steps, names, workers, progress, allow_no_match)
            if result is not None:
                return result
        return _apply_steps(archive, steps, progress, allow_no_match)


def _selector(step: Step) -> StageSelector:
    """The stages *step*'s action is given (the flow-wide actions are given none)."""
    return step.stages if step.action in STAGE_ACTIONS or step.action == "rename-link" else StageSelector()


def _recipe_chunk(archive: Any, steps: list[Step], names: list[str]) -> list[tuple[str, str, list[Any], Any]] | None:
    """In a worker: each flow of *names* through every step in turn, as ``(member, flow name, what each step
    did: None when it did not pick the flow, else its change lines, the flow's new bytes deflated when a step
    changed it)``; each step reads the flow as the one before stored it, as a step-by-step run does. None when a
    step raises or changes another member (a job): the recipe then runs step by step in the command, which
    raises or changes there what it raises and changes."""
    done = []
    before = {member.name for member in archive.members if member.changed}  # by this worker's earlier chunks
    try:
        for name in names:
            member = archive.member(name)
            outcome: list[Any] = []
            flow_name = ""
            for step in steps:
                flow = Flow(archive, member)
                flow_name = flow.name
                if not _picks(flow, step.flows, step.stages):
                    outcome.append(None)
                    continue
                changes = ACTIONS[step.action](flow, _selector(step), step.argument)
                outcome.append(changes)
                if changes:
                    archive.update_flow(flow, settle=True)
                else:
                    flow.release()
            done.append((name, flow_name, outcome, member.record_payload() if member.changed else None))
    except Exception:  # noqa: BLE001 - whatever it is, the step-by-step run meets it in its own order and says so
        return None
    mine = before | set(names)
    if any(member.changed and member.name not in mine for member in archive.members):
        return None
    return done


def _apply_in_workers(archive: Any, steps: list[Step], names: list[str], workers: int,
                      progress: Callable[[str], None] | None, allow_no_match: bool) -> RecipeResult | None:
    """:func:`_apply_steps` with the flows shared among *workers* processes: a step acts on one flow, so each
    flow goes through every step in a worker and this process takes the new bytes back, building the result as
    the steps, run one after the other over every flow, build it. None when the recipe must run here instead
    (a step raised, picked no flow where that is an error, or changed a member other than its flow)."""
    outcomes: dict[str, tuple[str, list[Any]]] = {}  # member -> (flow name, what each step did)
    new_bytes: dict[str, Any] = {}
    with run_in_workers(archive, names, _recipe_chunk, workers, state=steps) as results:
        for _, found in results:
            if found is None:
                return None
            for name, flow_name, outcome, deflated in found:
                outcomes[name] = (flow_name, outcome)
                if deflated is not None:
                    new_bytes[name] = deflated
                if progress:
                    for _ in filter(lambda changes: changes is not None, outcome):
                        progress(flow_name)
    result = RecipeResult()
    for number, step in enumerate(steps, 1):
        picked = [(flow_name, outcome[number - 1]) for flow_name, outcome in outcomes.values()
                  if outcome[number - 1] is not None]
        if not picked:
            if not (step.optional or allow_no_match):
                return None  # run here, to raise it as a step-by-step run raises it
            result.unmatched_steps.append(number)
            continue
        if not any(changes for _, changes in picked):
            result.unchanged_steps.append(number)
        for flow_name, changes in picked:
            if changes:
                result.flows.setdefault(flow_name, []).extend(changes)
    for name, deflated in new_bytes.items():
        archive.member(name).set_deflated(deflated)
    result.members = [m.name for m in archive.members if m.changed]
    return result


def _apply_steps(archive: Any, steps: list[Step], progress: Callable[[str], None] | None,
                 allow_no_match: bool) -> RecipeResult:
    result = RecipeResult()
    for number, step in enumerate(steps, 1):
        action = ACTIONS[step.action]
        # One flow at a time, each let go once done: a step over thousands of flows holds one document, not all.
        picked = changed = False
        for flow in _picked(archive, step.flows, step.stages):
            picked = True
            if progress:
                progress(flow.name)
            try:
                changes = action(flow, _selector(step), step.argument)
            except FlowzipError as exc:
                if exc.flow is None:
                    exc.flow = flow.name
                raise
            if changes:
                changed = True
                archive.update_flow(flow, settle=True)  # its bytes stand for it until the save
                result.flows.setdefault(flow.name, []).extend(changes)
            else:
                flow.release()
        if not picked:
            if not (step.optional or allow_no_match):
                raise _matched_nothing(archive, number, step)
            result.unmatched_steps.append(number)
            continue
        if not changed:
            result.unchanged_steps.append(number)
    result.members = [m.name for m in archive.members if m.changed]
    return result


def _matched_nothing(archive: Any, number: int, step: Step) -> RecipeError:
    """A step whose selectors pick no flow: a recipe that silently did nothing would read as done."""
    names = [f.name for f in archive.flows]
    named = [f for f in archive.flows if fnmatch.fnmatchcase(f.name, step.flows)]
    if not names:
        return RecipeError(f"step {number} ({step.action}): the archive holds no batch flow")
    if not named:
        guess = closest(step.flows, names)
        return RecipeError(f"step {number} ({step.action}): no batch flow is named {step.flows!r}",
                           hint=f"did you mean {guess!r}?" if guess else f"the flows are {_listed(names)}")
    labels = sorted({s.label for f in named for s in f.stages if s.label})
    guess = closest(step.stages.label, labels) if step.stages.label else None
    return RecipeError(f"step {number} ({step.action}): no stage matches {step.stages.describe()} in "
                       f"{_listed([f.name for f in named])}",
                       hint=f"did you mean label = {guess!r}?" if guess else None)


def _listed(names: list[str], limit: int = 5) -> str:
    shown_names = ", ".join(repr(n) for n in names[:limit])
    return shown_names + (f" and {len(names) - limit} more" if len(names) > limit else "")
