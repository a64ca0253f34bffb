from __future__ import annotations

from ....document.pipeline import stage_label
from ....document.references import CUSTOM_KINDS
from ...engine import Context, FlowDoc, Rule


# Source: format.md §1.5.
class MissingCustomStage(Rule):
    """A build, wrapped or custom stage whose asset the archive does not hold
    (``app_data.datastage.custom_optype`` 1 = build, 2 = wrapped, 0 = custom).

    **Bad**: a node with ``"custom_optype": 1`` and ``"op": "MyBuildOp"``, no ``data_intg_build_stage/`` file.

    **Good**: the stage's asset in the archive.
    """

    code = "FZD004"
    name = "deps.missing-custom-stage"
    family = "dependencies"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        for node, references in flow.references:
            for reference in references:
                if reference.folder in CUSTOM_KINDS.values() and \
                        reference.name not in context.asset_names.get(reference.folder, set()):
                    kind = reference.folder.split("_", 2)[-1].replace("_", " ")
                    yield self.flow_finding(flow, f"stage {stage_label(node)!r} needs {kind} {reference.name!r}, "
                                            "which the archive does not hold", stage=stage_label(node),
                                            stage_id=node.get("id"))
