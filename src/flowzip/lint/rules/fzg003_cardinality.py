from __future__ import annotations

from ...catalog import StageType, catalog
from ..engine import Context, FlowDoc, Rule, node_label


def link_counts_by_type(pipeline: dict) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for node in pipeline.get("nodes") or []:
        if not isinstance(node, dict):
            continue
        counts.setdefault(node.get("id"), {})
        for port in node.get("inputs") or []:
            for link in (port.get("links") or []) if isinstance(port, dict) else []:
                if not isinstance(link, dict):
                    continue
                kind = link.get("type_attr") or "PRIMARY"
                mine = counts[node.get("id")]
                key = "in_reference" if kind == "REFERENCE" else "in_primary"
                mine[key] = mine.get(key, 0) + 1
                theirs = counts.setdefault(link.get("node_id_ref"), {})
                key = "out_reject" if kind == "REJECT" else "out_primary"
                theirs[key] = theirs.get(key, 0) + 1
    return counts


class Cardinality(Rule):
    """A stage has more (or fewer) links than its type takes: primary inputs and outputs, reference
    inputs, reject outputs, as the stage catalog gives them (format.md §4).

    Too many is an error (the SDK refuses to save it); too few is a warning (the SDK only logs it).

    **Bad**: a Peek with two input links; a Join with one.

    **Good**: a Peek with one input; a Join with two or more.
    """

    code = "FZG003"
    name = "graph.cardinality"
    family = "graph"
    severity = "error"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        types = catalog()
        for pipeline in flow.document.get("pipelines") or []:
            counts = link_counts_by_type(pipeline)
            for node in pipeline.get("nodes") or []:
                stage_type = types.by_op(node.get("op")) if isinstance(node, dict) else None
                if stage_type is None:
                    continue
                mine = counts.get(node.get("id"), {})
                label = node_label(node)
                where = {**flow.where, "stage": label, "stage_id": node.get("id")}
                linked = any(mine.values())
                checks = [
                    ("primary input", mine.get("in_primary", 0), stage_type.inputs),
                    ("primary output", mine.get("out_primary", 0), stage_type.outputs),
                    ("reference input", mine.get("in_reference", 0), (stage_type.min_reference_inputs,
                                                                      stage_type.max_reference_inputs)),
                    ("reject output", mine.get("out_reject", 0), (stage_type.min_reject_outputs,
                                                                  stage_type.max_reject_outputs)),
                ]
                for noun, used, (low, high) in checks:
                    if used > StageType.limit(high):
                        yield self.finding(f"{stage_type.type_name} {label!r} has {used} {noun} links; it takes "
                                           f"at most {high}", **where)
                    elif linked and used < low:
                        yield self.finding(f"{stage_type.type_name} {label!r} has {used} {noun} links; it needs "
                                           f"at least {low}", severity="warning", **where)
