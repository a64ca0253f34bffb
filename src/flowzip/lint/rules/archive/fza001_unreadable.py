from __future__ import annotations

from ....errors import FlowzipError
from ...engine import Rule


class Unreadable(Rule):
    """The archive cannot be opened: flowzip (and most likely the platform) refuses it.

    Raised for everything the reader refuses in the container itself: not a ZIP,
    truncated, names that escape the archive, duplicate or overlapping entries,
    zip bombs, too many members (see docs/safety.md).

    **Bad**: ``../evil.json`` as a member name, or a file cut short in transfer.

    **Good**: the archive exactly as ``cpdctl dsjob export-zip`` or Git integration wrote it.
    """

    code = "FZA001"
    name = "archive.unreadable"
    family = "archive"
    severity = "error"

    def check_unopened(self, label: str, error: FlowzipError):
        # The report names the archive and the member already: the message is what is wrong, and the hint.
        message = error.message + (f" ({error.hint})" if error.hint else "")
        yield self.finding(" ".join(message.splitlines()), archive=label, member=error.member)
