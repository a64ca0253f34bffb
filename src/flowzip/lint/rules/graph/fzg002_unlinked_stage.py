from __future__ import annotations

from ....document.pipeline import stage_label
from ...engine import Context, FlowDoc, Rule


class UnlinkedStage(Rule):
    """A stage with no link at all: it does nothing, and the compiler rejects stages with missing links.

    **Bad**: a ``Peek_3`` left on the canvas after its input link was deleted.

    **Good**: connect it (``flowzip stage connect``) or remove it (``flowzip stage rm``).
    """

    code = "FZG002"
    name = "graph.unlinked-stage"
    family = "graph"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        for pipeline in flow.document.get("pipelines") or []:
            nodes = [n for n in pipeline.get("nodes") or [] if isinstance(n, dict)]
            if len(nodes) < 2:
                continue
            counts = flow.link_counts(pipeline)  # every node's links in and out, shared with the other rules
            for node in nodes:
                mine = counts.get(node.get("id"))
                if node.get("op") and not (mine is not None and mine.linked):
                    yield self.flow_finding(flow, f"stage {stage_label(node)!r} has no link",
                                            stage=stage_label(node), stage_id=node.get("id"))
