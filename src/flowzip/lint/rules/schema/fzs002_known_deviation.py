from __future__ import annotations

from ...engine import Context, FlowDoc, Rule
from .fzs001_schema import describe, schema_errors


# Source: real-exports.md, "Schema validity".
class SchemaKnownDeviation(Rule):
    """A flow departs from the pipeline-flow v3 schema in one of the ways the platform itself writes:
    a subflow's root ``name``, a connection without ``ref``, orchestration flows with numbers stored as
    strings. The platform imports these.

    Off by default, like FZS001.

    **Bad** (tolerated): ``{"doc_type": "subpipeline", "name": "scRegion", ...}``.

    **Good**: nothing to do; this is reported so that schema-strict tools are not surprised.
    """

    code = "FZS002"
    name = "schema.known-deviation"
    family = "schema"
    severity = "warning"
    default = False

    def check_flow(self, context: Context, flow: FlowDoc):
        for error, deviation in schema_errors(context, flow):
            if deviation is not None:
                yield self.flow_finding(flow, f"{deviation}: {describe(error)}")
