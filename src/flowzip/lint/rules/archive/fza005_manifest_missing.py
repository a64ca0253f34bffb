from __future__ import annotations

from ....document.manifest import LISTED_TYPES
from ...engine import Context, Rule


# Source: real-exports.md, "Manifest variants".
class ManifestMissingAsset(Rule):
    """The manifest (``DataStage-README.json``) lists an asset the archive does not hold.

    Common in Git-integration repositories where only part of a project is committed, so a warning.

    **Bad**: ``assets: [{"name": "load", "type": "data_intg_flow"}]`` with no ``data_intg_flow/load.json``.

    **Good**: every listed asset has its file; drop the entries of assets you removed.
    """

    code = "FZA005"
    name = "manifest.missing-asset"
    family = "archive"
    severity = "warning"

    def check(self, context: Context):
        manifest = context.archive.manifest
        if manifest is None or context.json(manifest.member) is None:
            return
        names = context.asset_names
        for entry in manifest.assets:
            name, type_ = entry.get("name"), entry.get("type")
            if not name or not type_ or type_ not in LISTED_TYPES:
                continue
            if name not in names.get(type_, set()) and name.rstrip(".") not in names.get(type_, set()):
                yield self.finding(f"lists {type_} {name!r}, which the archive does not hold",
                                   member=manifest.member.name, asset_type="manifest")
