from __future__ import annotations

from ....document.parameters import REFERENCE, parameter_names, reference_strings, unresolved_reason
from ....document.parameters import referenced_names as names_in_bytes
from ...engine import Context, FlowDoc, Rule


def referenced_names(flow: FlowDoc, context: Context) -> set[str]:
    """Every name referenced as ``#...#`` in the flow, found in its bytes (no tree walk)."""
    return flow.shared("referenced", lambda: names_in_bytes(flow.raw))


def references(flow: FlowDoc, wanted: set[str] | None = None) -> list[tuple[str, str | None, str | None]]:
    """(reference, stage label, stage id) for the references in *wanted* (all when None), by walking the flow."""
    return [(m.group(1), label, node_id) for _, label, node_id, text in reference_strings(flow.document)
            for m in REFERENCE.finditer(text) if wanted is None or m.group(1) in wanted]


def declared(flow: FlowDoc, context: Context) -> tuple[dict[str, set[str] | None], set[str]]:
    sets: dict[str, set[str] | None] = {}
    for entry in flow.document.get("external_paramsets") or []:
        if isinstance(entry, dict) and entry.get("name"):
            body = context.parameter_sets.get(entry["name"])
            sets[entry["name"]] = parameter_names(body) if body is not None else None
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
        projdef = context.parameter_sets.get("PROJDEF")
        projdef_names = parameter_names(projdef) if projdef is not None else None
        archive_sets = _ArchiveSets(context)
        unresolved: dict[str, str] = {}
        for name in sorted(referenced_names(flow, context)):
            why = unresolved_reason(name, used_sets=sets, archive_sets=archive_sets, local=local,
                                    projdef=projdef_names)
            if why is not None:
                unresolved[name] = why
        if not unresolved:
            return
        # Only now walk the flow, to say in which stage each unresolved reference stands.
        reported = set()
        for name, label, node_id in references(flow, set(unresolved)):
            if name not in reported:
                reported.add(name)
                why = unresolved[name]
                yield self.flow_finding(flow, f"#{name}# does not resolve: {why}", stage=label, stage_id=node_id)
        for name in sorted(set(unresolved) - reported):  # found in the bytes only (escaped text): no stage
            yield self.flow_finding(flow, f"#{name}# does not resolve: {unresolved[name]}")


class _ArchiveSets:
    """The archive's parameter sets by name, each with its parameters' names (``None`` for a set it lacks)."""

    def __init__(self, context: Context) -> None:
        self._sets = context.parameter_sets

    def get(self, name: str) -> set[str] | None:
        body = self._sets.get(name)
        return parameter_names(body) if body is not None else None
