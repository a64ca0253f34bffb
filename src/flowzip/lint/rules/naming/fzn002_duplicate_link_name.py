from __future__ import annotations

from collections import Counter

from ...engine import Context, FlowDoc, Rule


# Source: format.md §2.4.
class DuplicateLinkName(Rule):
    """Two links of one pipeline share a name; derivations and orderings refer to links by name.

    A few migrated jobs carry these, so a warning.

    **Bad**: two links named ``DSLink6``.

    **Good**: unique names (``link.name = ...`` rewrites every reference to the old name).
    """

    code = "FZN002"
    name = "naming.duplicate-link-name"
    family = "naming"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        for pipeline in flow.document.get("pipelines") or []:
            names = Counter(link.get("link_name") for node in pipeline.get("nodes") or [] if isinstance(node, dict)
                            for port in node.get("inputs") or [] if isinstance(port, dict)
                            for link in port.get("links") or [] if isinstance(link, dict))
            for name, count in names.items():
                if name and count > 1:
                    yield self.flow_finding(flow, f"{count} links are named {name!r}; rename all but one")
