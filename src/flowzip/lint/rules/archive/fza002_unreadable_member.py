from __future__ import annotations

from ....package.store import Member
from ...engine import Context, Rule


class UnreadableMember(Rule):
    """A member cannot be read: corrupt data, CRC mismatch, over a size limit, invalid JSON or the wrong document.

    **Bad**: ``data_intg_flow/load.json`` holding ``{"parameter_set": ...}``, or JSON with a byte-order mark.

    **Good**: every member inflates, its CRC matches, and each JSON member is the document its folder holds.
    """

    code = "FZA002"
    name = "archive.unreadable-member"
    family = "archive"
    severity = "error"

    def check_unreadable(self, context: Context, member: Member, reason: str):
        yield self.finding(reason, archive=context.label, member=member.name, asset_type=member.type)
