from __future__ import annotations

from ....document.manifest import LISTED_TYPES
from ...engine import Context, Rule


class ManifestUnlistedAsset(Rule):
    """The archive holds an asset its manifest does not list.

    **Bad**: ``parameter_set/psNew.json`` added by hand, absent from ``DataStage-README.json``.

    **Good**: add ``{"name": "psNew", "type": "parameter_set"}`` to the manifest's ``assets``
    (flowzip's own operations keep the manifest up to date).
    """

    code = "FZA006"
    name = "manifest.unlisted-asset"
    family = "archive"
    severity = "info"

    def check(self, context: Context):
        manifest = context.archive.manifest
        if manifest is None or context.json(manifest.member) is None or not manifest.assets:
            return
        listed = {(e.get("type"), str(e.get("name", "")).rstrip(".")) for e in manifest.assets}
        for member in context.archive.members:
            if member.type in LISTED_TYPES and member.asset_name and (member.type, member.asset_name) not in listed:
                yield self.finding("is not listed in the manifest's assets", member=member.name,
                                   asset_type=member.type)
