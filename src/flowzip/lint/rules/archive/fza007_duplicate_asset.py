from __future__ import annotations

from collections import Counter

from ...engine import Context, Rule


class DuplicateAsset(Rule):
    """The same asset appears twice: two files for one asset, or one asset listed twice in the manifest.

    **Bad**: ``px_executables/load.zip`` and ``px_executables/load/load.zip`` side by side, or
    ``{"name": "load", "type": "job"}`` twice in ``assets``.

    **Good**: one file and one manifest entry per asset.
    """

    code = "FZA007"
    name = "archive.duplicate-asset"
    family = "archive"
    severity = "warning"

    def check(self, context: Context):
        seen: dict[tuple[str, str], str] = {}
        for member in context.archive.members:
            if member.asset_name and member.type not in ("other", "directory"):
                key = (member.type, member.asset_name)
                if key in seen:
                    yield self.finding(f"is a second file for {member.type} {member.asset_name!r} "
                                       f"(the first is {seen[key]!r})", member=member.name, asset_type=member.type)
                else:
                    seen[key] = member.name
        manifest = context.archive.manifest
        if manifest is not None and context.json(manifest.member) is not None:
            counts = Counter((e.get("type"), e.get("name")) for e in manifest.assets)
            for (type_, name), count in counts.items():
                if count > 1:
                    yield self.finding(f"lists {type_} {name!r} {count} times", member=manifest.member.name,
                                       asset_type="manifest")
