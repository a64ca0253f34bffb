from __future__ import annotations

from ....package.folders import JSON_ASSET_FOLDERS
from ...engine import Context, Rule

JUNK = {".DS_Store", "Thumbs.db", "desktop.ini", ".directory"}


class StrayFile(Rule):
    """Files that are no asset: operating-system clutter, or non-JSON files in a JSON asset folder.

    **Bad**: ``parameter_set/.DS_Store`` (a Finder file zipped along), ``data_intg_flow/load.json.bak``.

    **Good**: only ``<asset>.json`` files in the JSON asset folders; remove the rest before importing.
    """

    code = "FZA004"
    name = "archive.stray-file"
    family = "archive"
    severity = "warning"

    def check(self, context: Context):
        root = context.archive.root
        for member in context.archive.members:
            base = member.name.rstrip("/").rsplit("/", 1)[-1]
            parts = member.name[len(root):].split("/") if member.name.startswith(root) else []
            if base in JUNK or member.name.startswith("__MACOSX/"):
                yield self.finding("is operating-system clutter, not part of the export; remove it",
                                   member=member.name, asset_type=member.type)
            elif member.type == "other" and len(parts) > 1 and parts[0] in JSON_ASSET_FOLDERS:
                yield self.finding(f"is not a .json asset file, so the {parts[0]}/ folder cannot import it",
                                   member=member.name, asset_type="other")
