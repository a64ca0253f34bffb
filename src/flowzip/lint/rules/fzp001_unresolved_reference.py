from __future__ import annotations

import re

from ..engine import Context, FlowDoc, Rule

REFERENCE = re.compile(r"#([A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z0-9_$]+)?)#")


RAW_REFERENCE = re.compile(rb"#([A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z0-9_$]+)?)#")


def referenced_names(flow: FlowDoc, context: Context) -> set[str]:
    """Every name referenced as ``#...#`` in the flow, found in its bytes (no tree walk)."""
    if "referenced" not in context.per_flow:
        raw = flow.raw
        names = {m.decode("utf-8", "replace") for m in RAW_REFERENCE.findall(raw)} if b"#" in raw else set()
        context.per_flow["referenced"] = names
    return context.per_flow["referenced"]


def references(flow: FlowDoc, context: Context, wanted: set[str] | None = None
               ) -> list[tuple[str, str | None, str | None]]:
    """(reference, stage label, stage id) for the references in *wanted* (all when None), by walking the flow."""
    found: list[tuple[str, str | None, str | None]] = []
    stack: list[tuple[object, str | None, str | None]] = [(flow.document, None, None)]
    while stack:
        value, label, node_id = stack.pop()
        if isinstance(value, str):
            if "#" in value:
                found.extend((m.group(1), label, node_id) for m in REFERENCE.finditer(value)
                             if wanted is None or m.group(1) in wanted)
        elif isinstance(value, dict):
            if value.get("type") in ("execution_node", "binding", "super_node") and "id" in value:
                label = ((value.get("app_data") or {}).get("ui_data") or {}).get("label")
                node_id = value.get("id")
            stack.extend((item, label, node_id) for item in value.values() if isinstance(item, (str, dict, list)))
        elif isinstance(value, list):
            stack.extend((item, label, node_id) for item in value if isinstance(item, (str, dict, list)))
    return found


def declared(flow: FlowDoc, context: Context) -> tuple[dict[str, set[str] | None], set[str]]:
    sets: dict[str, set[str] | None] = {}
    for entry in flow.document.get("external_paramsets") or []:
        if isinstance(entry, dict) and entry.get("name"):
            body = context.parameter_sets.get(entry["name"])
            sets[entry["name"]] = {p.get("name") for p in body.get("parameters") or []} if body else None
    local = {p.get("name") for p in (flow.document.get("parameters") or {}).get("local_parameters") or []
             if isinstance(p, dict)}
    return sets, local


class UnresolvedReference(Rule):
    """A ``#set.param#`` or ``#local#`` reference that resolves nowhere: the set is neither one the flow
    uses nor in the archive, the set has no such parameter, or there is no such local parameter.

    The job fails at run time with an undefined parameter.

    **Bad**: ``"records": "#psGlobal.rowCount#"`` in a flow that does not use ``psGlobal``.

    **Good**: ``flow.use_parameter_set("psGlobal")``, and ``rowCount`` defined in the set.
    """

    code = "FZP001"
    name = "params.unresolved-reference"
    family = "parameters"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        sets, local = declared(flow, context)
        projdef = {p.get("name") for p in (context.parameter_sets.get("PROJDEF") or {}).get("parameters") or []}
        unresolved: dict[str, str] = {}
        for name in sorted(referenced_names(flow, context)):
            if "." in name:
                # A set the flow names only in #...# strings still comes along with an export
                # (format.md §1.5), so a set in the archive counts as well as a declared one.
                set_name, _, param = name.partition(".")
                body = context.parameter_sets.get(set_name)
                members = {p.get("name") for p in body.get("parameters") or []} if body else sets.get(set_name)
                ok = (set_name in sets or body is not None) and (members is None or param in members)
                why = (f"parameter set {set_name!r} is neither used by the flow nor in the archive"
                       if set_name not in sets and body is None
                       else f"parameter set {set_name!r} has no parameter {param!r}")
            elif name.startswith("$"):
                ok, why = name in local or name in projdef or not projdef, "no such environment variable"
            else:
                ok, why = name in local, "the flow has no such local parameter"
            if not ok:
                unresolved[name] = why
        if not unresolved:
            return
        # Only now walk the flow, to say in which stage each unresolved reference stands.
        reported = set()
        for name, label, node_id in references(flow, context, set(unresolved)):
            if name not in reported:
                reported.add(name)
                why = unresolved[name]
                yield self.finding(f"#{name}# does not resolve: {why}", **flow.where, stage=label, stage_id=node_id)
        for name in sorted(set(unresolved) - reported):  # found in the bytes only (escaped text): no stage
            yield self.finding(f"#{name}# does not resolve: {unresolved[name]}", **flow.where)
