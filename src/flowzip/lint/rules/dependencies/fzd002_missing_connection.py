from __future__ import annotations

from ....document.pipeline import stage_label
from ...engine import Context, FlowDoc, Rule


# Source: format.md §1.5.
class MissingConnection(Rule):
    """A connector stage refers to a project connection the archive does not hold.

    Connections embedded in the flow (``"ref": "local"``) and migrated ones (``"app_defined"``) need no
    asset, unless a migrated stage names one in ``connData.connectionName``.

    **Bad**: ``"connection": {"name": "pg_prod", "ref": "<asset id>"}`` with no ``connection/pg_prod.json``.

    **Good**: the connection's file in the archive, or an embedded connection.
    """

    code = "FZD002"
    name = "deps.missing-connection"
    family = "dependencies"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        available = context.asset_names.get("connection", set())
        for node, references in flow.references:
            for reference in references:
                if reference.folder == "connection" and reference.name not in available:
                    yield self.flow_finding(flow, f"stage {stage_label(node)!r} uses connection {reference.name!r}, "
                                            "which the archive does not hold", stage=stage_label(node),
                                            stage_id=node.get("id"))
