from __future__ import annotations

from ....document.secrets import ACCESS_KEY_ID, ACCESS_KEY_PREFIX
from ...engine import Context, Rule


# Source: real-exports.md, "Secrets".
class AwsAccessKey(Rule):
    """An AWS access-key id (``AKIA...``) in clear. The platform exports them unencrypted;
    with the secret key, elsewhere, it opens the account, and it tells an
    attacker which account to aim at. The id is never printed.

    **Bad**: ``"access_key": "AKIA................"`` in ``connection/s3.json``.

    **Good**: ``"access_key": "#psAws.accessKey#"`` with the value supplied at run time.
    """

    code = "FZX002"
    name = "secrets.aws-access-key"
    family = "secrets"
    severity = "warning"

    def check_bytes(self, context: Context, member, data: bytes):  # noqa: ANN001
        if ACCESS_KEY_PREFIX.search(data) is None:
            return  # the prefix alone is found three times faster than by two substring searches
        count = len(ACCESS_KEY_ID.findall(data))
        if count:
            yield self.finding(f"holds {count} AWS access-key id{'s' if count > 1 else ''} in clear (not shown)",
                               member=member.name, asset_type=member.type)
