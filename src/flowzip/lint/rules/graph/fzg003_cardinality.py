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
                used = (mine.primary_inputs, mine.primary_outputs, mine.reference_inputs, mine.reject_outputs)
                lows, highs = _bounds(stage_type)
                linked = mine.linked
                if all(count <= high and (not linked or count >= low) for count, low, high in zip(used, lows, highs)):
                    continue  # the usual case: nothing to say, nothing more to build
                checks = [
                    ("primary input", mine.primary_inputs, stage_type.inputs),
                    ("primary output", mine.primary_outputs, stage_type.outputs),
                    ("reference input", mine.reference_inputs, (stage_type.min_reference_inputs,
                                                                stage_type.max_reference_inputs)),
                    ("reject output", mine.reject_outputs, (stage_type.min_reject_outputs,
                                                            stage_type.max_reject_outputs)),
                ]
                label, node_id = stage_label(node), node.get("id")
                for noun, used, (low, high) in checks:
                    if used > StageType.limit(high):
                        yield self.flow_finding(flow, f"{stage_type.type_name} {label!r} has {used} {noun} links; "
                                                f"it takes at most {high}", stage=label, stage_id=node_id)
                    elif linked and used < low:
                        yield self.flow_finding(flow, f"{stage_type.type_name} {label!r} has {used} {noun} links; "
                                                f"it needs at least {low}", severity="warning", stage=label,
                                                stage_id=node_id)


_BOUNDS: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {}


def _bounds(stage_type: StageType) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """The least and the most primary inputs, primary outputs, reference inputs and reject outputs *stage_type*
    takes (no most: infinity), worked out once per type."""
    found = _BOUNDS.get(stage_type.type_name)
    if found is not None:
        return found
    lows = (stage_type.inputs[0], stage_type.outputs[0], stage_type.min_reference_inputs,
            stage_type.min_reject_outputs)
    highs = tuple(map(StageType.limit, (stage_type.inputs[1], stage_type.outputs[1], stage_type.max_reference_inputs,
                                        stage_type.max_reject_outputs)))
    found = _BOUNDS[stage_type.type_name] = (lows, highs)
    return found
