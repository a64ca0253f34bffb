from __future__ import annotations

from ...engine import Context, FlowDoc, Rule
from .fzi001_dangling_reference import integrity, stage_of


# Source: format.md §2.3, §7.4.
class CountMismatch(Rule):
    """A stage's ``input_count`` / ``output_count`` disagrees with its links.

    The SDK counts primary and reference links in, primary and reject links out; the canvas counts
    connected ports. A count that matches neither is stale.

    **Bad**: ``"input_count": 3`` on a Join with two links in.

    **Good**: ``"input_count": 2``.
    """

    code = "FZI004"
    name = "integrity.count-mismatch"
    family = "integrity"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        for problem in integrity(context, flow):
            if problem.code == "count-mismatch":
                yield self.flow_finding(flow, problem.message, **stage_of(flow, problem.node_id))
