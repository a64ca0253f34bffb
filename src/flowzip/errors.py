"""The exception hierarchy.

Every error flowzip raises for bad input derives from :class:`FlowzipError`,
itself a :class:`ValueError`, so callers can catch one type.  All of them are
defined here, whatever layer raises them.  Errors carry the
archive, member, flow and stage they concern; ``str(error)`` is a single line
that names them and, where it can, says what to do.
"""

from __future__ import annotations

__all__ = [
    "FlowzipError",
    "ArchiveError",
    "UnsafeArchiveError",
    "LimitExceededError",
    "MemberError",
    "DocumentError",
    "WrongDocumentError",
    "NotFoundError",
    "DestinationError",
    "EditError",
    "SettingsError",
    "PatchError",
    "RecipeError",
    "OverlayError",
    "PictureError",
    "ConfigError",
]


class FlowzipError(ValueError):
    """Root of flowzip's errors: the input is not something flowzip can use.

    Attributes name what the error concerns; any of them may be ``None``.
    """

    def __init__(
        self,
        message: str,
        *,
        archive: str | None = None,
        member: str | None = None,
        flow: str | None = None,
        stage: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.archive = archive
        self.member = member
        self.flow = flow
        self.stage = stage
        self.hint = hint
        super().__init__(message)

    def __str__(self) -> str:
        where = []
        if self.member:
            where.append(self.member)
        elif self.archive:
            where.append(self.archive)
        if self.flow and (not self.member or self.flow not in self.member):
            where.append(f"flow {self.flow!r}")
        if self.stage:
            where.append(f"stage {self.stage!r}")
        text = f"{': '.join(where)}: {self.message}" if where else self.message
        if self.hint:
            text = f"{text} ({self.hint})"
        # One line, always: a member name could smuggle a newline in.
        return " ".join(text.splitlines())


class ArchiveError(FlowzipError):
    """The container itself cannot be read: not a ZIP, truncated, malformed."""


class UnsafeArchiveError(ArchiveError):
    """The container is readable but hostile: path escapes, duplicates, overlaps."""


class LimitExceededError(ArchiveError):
    """A size, count or compression-ratio limit was exceeded (zip-bomb guard)."""


class MemberError(FlowzipError):
    """One member's bytes are broken: bad compressed data, CRC mismatch."""


class DocumentError(MemberError):
    """A JSON member is not valid JSON (or carries a byte-order mark)."""


class WrongDocumentError(DocumentError):
    """A JSON member is valid JSON but not the kind of document its place needs."""


class NotFoundError(FlowzipError, LookupError):
    """A flow, member or asset that was asked for does not exist."""


class DestinationError(FlowzipError):
    """The destination cannot be written as asked (would overwrite the input, not empty)."""


class EditError(FlowzipError):
    """An edit that would break the flow (cardinality, duplicate names, unknown properties)."""


class SettingsError(FlowzipError):
    """A runtime setting or parameter value that breaks a rule."""


class PatchError(FlowzipError):
    """A patch that cannot be applied: a failed ``test``, a path that does not exist, a bad operation."""


class RecipeError(FlowzipError):
    """A recipe that cannot be read or run: unknown action, bad selector, a value of the wrong kind."""


class OverlayError(FlowzipError):
    """An overlay that cannot be applied: unreadable, or naming what the archive does not hold."""


class PictureError(FlowzipError):
    """A picture that cannot be made (no PNG converter, a converter that failed)."""


class ConfigError(FlowzipError):
    """The lint configuration cannot be used."""
