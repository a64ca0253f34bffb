from __future__ import annotations

import re

from ....document.catalog import catalog
from ....document.pipeline import stage_label
from ...engine import Context, FlowDoc, Rule

DEFAULT_LABEL = re.compile(r"^[A-Z][A-Za-z_]*_\d+$")
DEFAULT_LINK = re.compile(r"^(Link_\d+|DSLink\d+[A-Z]?)$")


class DefaultName(Rule):
    """A stage or link still has the name the canvas gave it (``Row_Generator_1``, ``Link_3``).

    **Bad**: ``Transformer_1 -> Link_2 -> Peek_1``.

    **Good**: names that say what the stage does: ``txCleanAddresses -> lnkClean -> pkDebug``.
    """

    code = "FZN003"
    name = "naming.default-name"
    family = "naming"
    severity = "info"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        types = catalog()
        for _, node in flow.nodes():
            label = stage_label(node)
            stage_id = node.get("id")
            if label and DEFAULT_LABEL.match(label):
                stage_type = types.by_op(node.get("op"))
                if stage_type and label.rsplit("_", 1)[0].replace("_", " ").lower() == stage_type.type_name.lower():
                    yield self.flow_finding(flow, f"stage {label!r} keeps its default name", stage=label,
                                            stage_id=stage_id)
            for port in node.get("inputs") or []:
                for link in (port.get("links") or []) if isinstance(port, dict) else []:
                    if isinstance(link, dict) and DEFAULT_LINK.match(str(link.get("link_name", ""))):
                        yield self.flow_finding(flow, f"link {link.get('link_name')!r} into {label!r} keeps its "
                                                "default name", stage=label, stage_id=stage_id)
