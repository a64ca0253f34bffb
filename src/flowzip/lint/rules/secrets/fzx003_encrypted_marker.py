from __future__ import annotations

from ...engine import Context, Rule


# Source: format.md §1.2, §9.7.
class EncryptedMarker(Rule):
    """The archive holds encrypted values (``{dsmenc}``) but no ``ENCRYPTED`` marker, or a marker with an
    unexpected content. The import needs to know how the values were encrypted.

    **Bad**: ``{dsmenc}`` values and no ``ENCRYPTED`` file.

    **Good**: the ``ENCRYPTED`` file exactly as the export wrote it (8 bytes ``INTERNAL``), kept byte for byte.
    """

    code = "FZX003"
    name = "secrets.encrypted-marker"
    family = "secrets"
    severity = "info"

    def check(self, context: Context):
        markers = context.members("encrypted_marker")
        for marker in markers:
            try:
                content = marker.read()
            except Exception:  # noqa: BLE001 - unreadable members are FZA002's
                continue
            if content.strip() not in (b"INTERNAL",):
                yield self.finding("the ENCRYPTED marker does not say INTERNAL: the values were encrypted with "
                                   "an export key the target must be given", member=marker.name,
                                   asset_type="encrypted_marker")
        if markers:
            return
        for member in context.members("connection") + context.members("parameter_set"):
            try:
                data = member.read()
            except Exception:  # noqa: BLE001
                continue
            if b"{dsmenc}" in data:
                yield self.finding("holds {dsmenc} values but the archive has no ENCRYPTED marker",
                                   member=member.name, asset_type=member.type)
                return
