from __future__ import annotations

from ...engine import Context, FlowDoc, Rule
from .fzi001_dangling_reference import integrity


class UnknownPrimaryPipeline(Rule):
    """``primary_pipeline`` names no pipeline of the document.

    **Bad**: ``"primary_pipeline": "p1"`` with ``"pipelines": [{"id": "p2", ...}]``.

    **Good**: ``primary_pipeline`` is the id of the flow's main pipeline.
    """

    code = "FZI002"
    name = "integrity.unknown-primary-pipeline"
    family = "integrity"
    severity = "error"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        for problem in integrity(context, flow):
            if problem.code == "unknown-primary-pipeline":
                yield self.flow_finding(flow, problem.message)
