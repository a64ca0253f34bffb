from __future__ import annotations

from ...engine import Context, FlowDoc, Rule
from .fzi001_dangling_reference import integrity


# Source: format.md §7.1.
class DuplicateId(Rule):
    """Two objects of one flow (nodes, ports, links, schemas, comments, pipelines) share an id.

    References are by id, so one of the two cannot be reached.

    **Bad**: two ports with ``"id": "a9318f8f-..."``.

    **Good**: every id unique in its document (``flowzip flow dup`` renews them all).
    """

    code = "FZI003"
    name = "integrity.duplicate-id"
    family = "integrity"
    severity = "error"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        for problem in integrity(context, flow):
            if problem.code == "duplicate-id":
                yield self.flow_finding(flow, problem.message)
