from __future__ import annotations

from ...engine import Context, Rule


class CaseCollision(Rule):
    """Two members whose names differ only in case: extracting them on Windows or macOS loses one.

    **Bad**: ``data_intg_flow/Load.json`` and ``data_intg_flow/load.json`` in one archive.

    **Good**: rename one of the flows (``flowzip flow rename``) so that the names differ in more than case.
    """

    code = "FZA003"
    name = "archive.case-collision"
    family = "archive"
    severity = "error"

    def check(self, context: Context):
        seen: dict[str, str] = {}
        for member in context.archive.members:
            folded = member.name.casefold()
            if folded in seen:
                yield self.finding(f"differs from {seen[folded]!r} only in case; case-insensitive file systems "
                                   "keep one of them", member=member.name, asset_type=member.type)
            else:
                seen[folded] = member.name
