from __future__ import annotations

from ...engine import Context, FlowDoc, Rule
from .fzp001_unresolved_reference import referenced_names


class UnusedParameter(Rule):
    """A local parameter the flow defines and never refers to.

    **Bad**: local parameter ``batch_size`` with no ``#batch_size#`` anywhere in the flow.

    **Good**: remove it, or use it.
    """

    code = "FZP002"
    name = "params.unused-parameter"
    family = "parameters"
    severity = "info"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        used = referenced_names(flow, context)
        for parameter in (flow.document.get("parameters") or {}).get("local_parameters") or []:
            name = parameter.get("name") if isinstance(parameter, dict) else None
            if name and name not in used and not name.startswith("$"):
                yield self.flow_finding(flow, f"local parameter {name!r} is never used")
