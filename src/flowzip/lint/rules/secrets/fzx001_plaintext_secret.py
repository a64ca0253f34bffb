from __future__ import annotations

from ....document.pipeline import stage_label
from ....document.secrets import is_plaintext_secret
from ...engine import Context, Rule


class PlaintextSecret(Rule):
    """A password, key or token stored in clear in a connection, a parameter set or a flow's embedded
    connection. The value is never printed.

    **Bad**: ``"properties": {"password": "dummy"}`` in ``connection/pg.json``.

    **Good**: the platform's encrypted form (``{dsmenc}...``), a ``#ps.password#`` reference to an
    ``encrypted`` parameter, or an empty value filled in on the target.
    """

    code = "FZX001"
    name = "secrets.plaintext-secret"
    family = "secrets"
    severity = "error"

    def check(self, context: Context):
        for member in context.members("connection"):
            doc = context.json(member)
            properties = doc.get("properties") if isinstance(doc, dict) else None
            for key, value in (properties or {}).items():
                if is_plaintext_secret(key, value):
                    yield self.finding(f"connection property {key!r} holds a secret in clear (value not shown)",
                                       member=member.name, asset_type="connection")
        for member in context.members("parameter_set"):
            body = context.parameter_sets.get(member.asset_name) or {}
            for parameter in body.get("parameters") or []:
                if parameter.get("type") != "encrypted" and is_plaintext_secret(str(parameter.get("name", "")),
                                                                                parameter.get("value")):
                    yield self.finding(f"parameter {parameter.get('name')!r} looks like a secret and is stored in "
                                       "clear; make it an encrypted parameter (value not shown)",
                                       member=member.name, asset_type="parameter_set")

    def check_flow(self, context: Context, flow):
        for _, node in flow.nodes():
            connection = node.get("connection")
            properties = connection.get("properties") if isinstance(connection, dict) else None
            for key, value in (properties or {}).items() if isinstance(properties, dict) else ():
                if is_plaintext_secret(key, value):
                    yield self.flow_finding(flow, f"stage {stage_label(node)!r}: connection property {key!r} holds a "
                                            "secret in clear (value not shown)", stage=stage_label(node),
                                            stage_id=node.get("id"))
