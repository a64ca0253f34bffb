from __future__ import annotations

from ...engine import Context, FlowDoc, Rule


class MissingParameterSet(Rule):
    """A flow uses a parameter set (``external_paramsets``) the archive does not hold.

    The import then reports ``missing_parameter_set`` and the flow fails to compile unless the target
    project already has the set (dangling references are normal in partial Git commits, so a warning).

    **Bad**: ``"external_paramsets": [{"name": "psGlobal", ...}]`` with no ``parameter_set/psGlobal.json``.

    **Good**: export with dependencies, or add the set's file.
    """

    code = "FZD001"
    name = "deps.missing-parameter-set"
    family = "dependencies"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        available = context.asset_names.get("parameter_set", set())
        for entry in flow.document.get("external_paramsets") or []:
            name = entry.get("name") if isinstance(entry, dict) else None
            if name and name not in available and name != "PROJDEF":
                yield self.flow_finding(flow, f"uses parameter set {name!r}, which the archive does not hold")
