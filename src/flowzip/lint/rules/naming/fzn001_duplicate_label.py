from __future__ import annotations

from collections import Counter

from ....document.pipeline import stage_label
from ...engine import Context, FlowDoc, Rule


class DuplicateLabel(Rule):
    """Two stages of one pipeline share a label; the label is the stage's identity (OSH operator name).

    **Bad**: two stages labelled ``Transformer_1``.

    **Good**: ``Transformer_1`` and ``Transformer_2`` (``stage.label = ...`` refuses duplicates).
    """

    code = "FZN001"
    name = "naming.duplicate-label"
    family = "naming"
    severity = "error"

    def check_flow(self, context: Context, flow: FlowDoc):
        for pipeline in flow.document.get("pipelines") or []:
            labels = Counter(stage_label(n) for n in pipeline.get("nodes") or [] if isinstance(n, dict))
            for label, count in labels.items():
                if label and count > 1:
                    yield self.flow_finding(flow, f"{count} stages are labelled {label!r}; give each a unique label",
                                            stage=label)
