from __future__ import annotations

from ....document.catalog import catalog
from ....document.pipeline import stage_label
from ...engine import Context, FlowDoc, Rule


class UnknownOp(Rule):
    """A stage's ``op`` is not in the stage catalog: a build, wrapped or custom stage, or a legacy operator.

    flowzip cannot check its cardinality or properties; the platform needs the matching
    ``data_intg_build_stage`` / ``data_intg_wrapped_stage`` asset in the project.

    **Bad** (unverifiable): ``"op": "XMLInputPX"`` (a legacy operator the SDK does not know).

    **Good**: an op from ``flowzip stage types``, or a build/wrapped stage whose asset is in the archive.
    """

    code = "FZG004"
    name = "graph.unknown-op"
    family = "graph"
    severity = "info"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        types = catalog()
        custom = context.asset_names.get("data_intg_build_stage", set()) | context.asset_names.get(
            "data_intg_wrapped_stage", set()) | context.asset_names.get("data_intg_custom_stage", set())
        for _, node in flow.nodes():
            op = node.get("op")
            if op and types.by_op(op) is None and op not in custom and not (node.get("app_data") or {}).get(
                    "datastage", {}).get("custom_op_asset_id"):
                yield self.flow_finding(flow, f"stage {stage_label(node)!r} uses op {op!r}, which the stage catalog "
                                        "does not know", stage=stage_label(node), stage_id=node.get("id"))
