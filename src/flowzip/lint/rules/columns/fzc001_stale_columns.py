from __future__ import annotations

from ....document.propagation import stale_columns
from ...engine import Context, FlowDoc, Rule


# Source: the lineage the platform writes on propagated columns (metadata.source_field_id,
# "<input link>.<column>"), measured on every real export before the rule was written (docs/columns.md).
class StaleColumns(Rule):
    """A link carries a column from an input column that its stage's input no longer has: the column was
    dropped or renamed upstream and the links downstream were not updated.

    A column's lineage (``LINK.COLUMN``, which the platform writes when it propagates the column) names the
    input link and column it came from; when that input link carries columns but not that one, the
    downstream column refers to nothing.  Columns without lineage, inputs with no columns, and inputs with
    runtime column propagation on (columns they do not list still flow at run time) are not judged.

    **Bad**: ``Link_1`` (Row Generator -> Copy) carries ``ID``; ``Link_2`` (Copy -> Peek) still carries
    ``NAME`` with lineage ``Link_1.NAME``.

    **Good**: ``Link_2`` carries what ``Link_1`` brings (``flowzip columns propagate --every-link``
    recomputes it).
    """

    code = "FZC001"
    name = "columns.stale"
    family = "columns"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return
        for pipeline in flow.document.get("pipelines") or []:
            if not isinstance(pipeline, dict):
                continue
            for stale in stale_columns(flow.document, pipeline):
                yield self.flow_finding(flow, f"link {stale.link!r} carries column {stale.column!r} from "
                                        f"{stale.source_link}.{stale.source_column}, which link "
                                        f"{stale.source_link!r} no longer carries (dropped or renamed upstream)",
                                        stage=stale.stage)
