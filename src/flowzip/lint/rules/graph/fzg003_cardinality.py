from __future__ import annotations

from ....document.catalog import StageType, catalog
from ....document.pipeline import LinkCounts, stage_label
from ...engine import Context, FlowDoc, Rule


# Source: format.md §4.
class Cardinality(Rule):
    """A stage has more (or fewer) links than its type takes: primary inputs and outputs, reference
    inputs, reject outputs, as the stage catalog gives them.

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
            counts = flow.link_counts(pipeline)
            for node in pipeline.get("nodes") or []:
                stage_type = types.by_op(node.get("op")) if isinstance(node, dict) else None
                if stage_type is None:
                    continue
                mine = counts.get(node.get("id")) or LinkCounts()
                linked = mine.linked
                checks = [
                    ("primary input", mine.primary_inputs, stage_type.inputs),
                    ("primary output", mine.primary_outputs, stage_type.outputs),
                    ("reference input", mine.reference_inputs, (stage_type.min_reference_inputs,
                                                                stage_type.max_reference_inputs)),
                    ("reject output", mine.reject_outputs, (stage_type.min_reject_outputs,
                                                            stage_type.max_reject_outputs)),
                ]
                if all((not linked or used >= low) and used <= StageType.limit(high)
                       for _, used, (low, high) in checks):
                    continue  # the usual case: nothing to say, nothing more to build
                label = stage_label(node)
                where = {**flow.where, "stage": label, "stage_id": node.get("id")}
                for noun, used, (low, high) in checks:
                    if used > StageType.limit(high):
                        yield self.finding(f"{stage_type.type_name} {label!r} has {used} {noun} links; it takes "
                                           f"at most {high}", **where)
                    elif linked and used < low:
                        yield self.finding(f"{stage_type.type_name} {label!r} has {used} {noun} links; it needs "
                                           f"at least {low}", severity="warning", **where)
