from __future__ import annotations

from ..engine import Context, FlowDoc, Rule, node_label


class MissingSubflow(Rule):
    """A flow uses an external subflow the archive does not hold (``subflow_ref.name``, format.md §1.5).

    **Bad**: a super node with ``"subflow_ref": {"name": "scRegion", "url": "..."}`` and no
    ``data_intg_subflow/scRegion.json``.

    **Good**: the subflow's file in the archive.
    """

    code = "FZD003"
    name = "deps.missing-subflow"
    family = "dependencies"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        available = context.asset_names.get("data_intg_subflow", set())
        for _, node in flow.nodes():
            ref = node.get("subflow_ref") if node.get("type") == "super_node" else None
            name = ref.get("name") if isinstance(ref, dict) else None
            if name and (ref.get("url") or name) and name not in available and node.get("parameters", {}).get(
                    "stage_type") != "XMLStage":
                yield self.finding(f"stage {node_label(node)!r} uses subflow {name!r}, which the archive does not "
                                   "hold", **flow.where, stage=node_label(node), stage_id=node.get("id"))
