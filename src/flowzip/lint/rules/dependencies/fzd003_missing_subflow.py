from __future__ import annotations

from ....document.pipeline import stage_label
from ...engine import Context, FlowDoc, Rule


# Source: format.md §1.5.
class MissingSubflow(Rule):
    """A flow uses an external subflow the archive does not hold (``subflow_ref.name``).

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
        for node, references in flow.references:
            for reference in references:
                if reference.folder == "data_intg_subflow" and reference.name not in available:
                    yield self.flow_finding(flow, f"stage {stage_label(node)!r} uses subflow {reference.name!r}, "
                                            "which the archive does not hold", stage=stage_label(node),
                                            stage_id=node.get("id"))
