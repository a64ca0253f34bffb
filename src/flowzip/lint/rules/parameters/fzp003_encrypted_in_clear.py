from __future__ import annotations

from ....document.parameters import is_encrypted
from ...engine import Context, Rule


class EncryptedInClear(Rule):
    """A parameter of type ``encrypted`` whose value (default or value-set value) is stored in clear.

    The secret is readable by anyone with the archive; the platform writes ``{dsmenc}...``. The value
    itself is never printed.

    **Bad**: ``{"name": "dbPassword", "type": "encrypted", "value": "hunter2"}``.

    **Good**: an empty value filled in on the target, or the platform's ``{dsmenc}`` form.
    """

    code = "FZP003"
    name = "params.encrypted-in-clear"
    family = "parameters"
    severity = "error"

    def check(self, context: Context):
        for member in context.members("parameter_set"):
            body = context.parameter_sets.get(member.asset_name)
            if not body:
                continue
            secret = {p.get("name") for p in body.get("parameters") or [] if isinstance(p, dict)
                      and p.get("type") == "encrypted"}
            for parameter in body.get("parameters") or []:
                if parameter.get("name") in secret and parameter.get("value") and not is_encrypted(parameter["value"]):
                    yield self.finding(f"encrypted parameter {parameter['name']!r} has its default in clear "
                                       "(value not shown)", member=member.name, asset_type="parameter_set")
            for value_set in body.get("value_sets") or []:
                for item in value_set.get("values") or []:
                    if item.get("name") in secret and item.get("value") and not is_encrypted(item["value"]):
                        yield self.finding(f"value set {value_set.get('name')!r} holds encrypted parameter "
                                           f"{item['name']!r} in clear (value not shown)", member=member.name,
                                           asset_type="parameter_set")
