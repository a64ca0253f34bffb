from __future__ import annotations

from ....document.integrity import check_flow
from ....document.pipeline import stage_label
from ...engine import Context, FlowDoc, Rule

DANGLING = {"dangling-node-ref", "dangling-port-ref", "dangling-source-of-link", "dangling-schema-ref",
            "dangling-comment-ref", "dangling-order", "dangling-pipeline-ref", "schema-ref-mismatch"}


def integrity(context: Context, flow: FlowDoc):
    """check_flow of the flow, computed once for the integrity rules."""
    return flow.shared("integrity", lambda: check_flow(flow.document, flow.link_counts))


def stage_of(flow: FlowDoc, node_id: str | None) -> dict:
    if not node_id:
        return {}
    for _, node in flow.nodes():
        if node.get("id") == node_id:
            return {"stage": stage_label(node), "stage_id": node_id}
    return {"stage_id": node_id}


# Source: format.md §7.2.
class DanglingReference(Rule):
    """A reference inside a flow names nothing: a link's source node or port, an output port's
    ``is_source_of_link``, a ``schema_ref``, an ordering, a comment's node, a local pipeline.

    The platform's canvas and compiler resolve these by id; a dangling one breaks the
    flow on import or compile.

    **Bad**: an output port with ``"is_source_of_link": "<id of a deleted link>"``.

    **Good**: every id a flow refers to is defined in it (flowzip's editing operations keep it so).
    """

    code = "FZI001"
    name = "integrity.dangling-reference"
    family = "integrity"
    severity = "error"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        for problem in integrity(context, flow):
            if problem.code in DANGLING:
                yield self.flow_finding(flow, f"{problem.message} ({problem.code})",
                                        **stage_of(flow, problem.node_id))
