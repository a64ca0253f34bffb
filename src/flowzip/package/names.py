"""Member-name safety: a member name must stay inside the archive wherever it is extracted."""

from __future__ import annotations

import re

from ..errors import UnsafeArchiveError

_DRIVE = re.compile(r"^[A-Za-z]:")
_SUSPECT = re.compile(r"[\x00-\x1f\x7f\\]|^/|^[A-Za-z]:|(?:^|/)\.{0,2}(?:/|$)")


def check_member_name(name: str, *, archive: str | None = None) -> str:
    """Return *name* if it is a safe, relative, forward-slash member name; raise otherwise.

    Refused: empty names, NUL and other control characters, backslashes, absolute
    paths, drive letters, and ``.``/``..`` components (a trailing ``/`` marks a
    directory entry and is allowed).
    """

    def refuse(rule: str) -> UnsafeArchiveError:
        shown = name.encode("unicode_escape").decode("ascii")
        return UnsafeArchiveError(
            f"unsafe member name: {rule}",
            archive=archive,
            member=shown,
            hint="the archive may be hostile; flowzip refuses it whole",
        )

    if name and _SUSPECT.search(name[:-1] if name.endswith("/") else name) is None:
        return name  # the common case, decided by one regular-expression scan
    if not name:
        raise refuse("the name is empty")
    if "\x00" in name:
        raise refuse("it contains a NUL byte")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in name):
        raise refuse("it contains a control character")
    if "\\" in name:
        raise refuse("it contains a backslash")
    if name.startswith("/"):
        raise refuse("it is an absolute path")
    if _DRIVE.match(name):
        raise refuse("it starts with a drive letter")
    body = name[:-1] if name.endswith("/") else name
    parts = body.split("/")
    if any(part in ("", ".", "..") for part in parts):
        if ".." in parts:
            raise refuse("it has a '..' component that escapes the archive")
        raise refuse("it has an empty or '.' component")
    return name
