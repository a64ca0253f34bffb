from __future__ import annotations

from ...engine import Context, FlowDoc, Rule


# Source: format.md §1.5.
class MissingDataDefinition(Rule):
    """Columns copied from a data definition (table definition) the archive does not hold
    (``schemas[].fields[].app_data.table_def``). The columns are copied into the flow, so
    it still runs; the link back to the definition is lost on import.

    **Bad**: ``"table_def": "CUSTOMER"`` with no ``data_definition/CUSTOMER.json``.

    **Good**: export with dependencies so that the definition comes along.
    """

    code = "FZD006"
    name = "deps.missing-data-definition"
    family = "dependencies"
    severity = "info"

    def check_flow(self, context: Context, flow: FlowDoc):
        if b'"table_def"' not in flow.raw:
            return  # most flows carry none: skip the walk
        available = context.asset_names.get("data_definition", set())
        missing = set()
        for schema in flow.document.get("schemas") or []:
            for field in (schema.get("fields") or []) if isinstance(schema, dict) else []:
                name = ((field.get("app_data") or {}).get("table_def") if isinstance(field, dict) else None)
                if isinstance(name, str) and name and name not in available:
                    missing.add(name)
        for name in sorted(missing):
            yield self.flow_finding(flow, f"copies columns from data definition {name!r}, which the archive does "
                                    "not hold")
