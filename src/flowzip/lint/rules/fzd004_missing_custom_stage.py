from __future__ import annotations

from ..engine import Context, FlowDoc, Rule, node_label

KINDS = {0: "data_intg_custom_stage", 1: "data_intg_build_stage", 2: "data_intg_wrapped_stage"}


class MissingCustomStage(Rule):
    """A build, wrapped or custom stage whose asset the archive does not hold
    (``app_data.datastage.custom_optype`` 1 = build, 2 = wrapped, 0 = custom; format.md §1.5).

    **Bad**: a node with ``"custom_optype": 1`` and ``"op": "MyBuildOp"``, no ``data_intg_build_stage/`` file.

    **Good**: the stage's asset in the archive.
    """

    code = "FZD004"
    name = "deps.missing-custom-stage"
    family = "dependencies"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        for _, node in flow.nodes():
            datastage = (node.get("app_data") or {}).get("datastage") or {}
            kind = KINDS.get(datastage.get("custom_optype"))
            if kind is None or not datastage.get("custom_op_asset_id"):
                continue
            names = context.asset_names.get(kind, set())
            if node.get("op") not in names:
                yield self.finding(f"stage {node_label(node)!r} needs {kind.split('_', 2)[-1].replace('_', ' ')} "
                                   f"{node.get('op')!r}, which the archive does not hold", **flow.where,
                                   stage=node_label(node), stage_id=node.get("id"))
