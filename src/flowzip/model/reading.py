"""Reading every member once: the one reader behind ``Archive.check`` and ``flowzip lint``.

Each member is read (inflated, its CRC and the limits checked); a JSON member is
parsed and matched against the kind of document its folder holds.  A member that
fails any of this is reported with the reason, never raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .. import jsonio
from ..document.kinds import kind_problem
from ..errors import FlowzipError
from ..package.store import Member

__all__ = ["Reading", "Problem", "read_member", "read_members", "member_problems"]


@dataclass(frozen=True)
class Problem:
    """Something found while reading: ``severity`` is ``error`` or ``warning``."""

    severity: str
    member: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.member}: {self.message}" if self.member else self.message


@dataclass
class Reading:
    """One member as read: its bytes (``None`` when they cannot be read), its parsed document (JSON
    members that parse), and why it cannot be used (``None`` when it can)."""

    member: Member
    data: bytes | None
    document: Any = None
    error: str | None = None


def read_member(member: Member) -> Reading:
    """Read *member*: bytes, and for a JSON member its document, checked against its folder."""
    try:
        data = member.read()
    except FlowzipError as exc:
        return Reading(member, None, error=exc.message)
    if not member.is_json:
        return Reading(member, data)
    try:
        doc = jsonio.loads(data, member=member.name)
    except FlowzipError as exc:
        return Reading(member, data, error=exc.message)
    problem = kind_problem(member.type, doc)
    if problem:
        return Reading(member, data, error=problem)
    return Reading(member, data, doc)


def read_members(members: Iterable[Member], *, progress: Callable[[Member], None] | None = None
                 ) -> Iterator[Reading]:
    """:func:`read_member` of every member but folder entries, in order."""
    for member in members:
        if progress:
            progress(member)
        if member.type == "directory":
            continue
        yield read_member(member)


def member_problems(members: Iterable[Member], progress: Callable[[Member], None] | None = None) -> list[Problem]:
    """What reading *members* finds (``Archive.check``): errors, and repeated keys as warnings, in order."""
    problems: list[Problem] = []
    with jsonio.gc_paused():  # each document is freed when the next is read: nothing for the collector
        for reading in read_members(members, progress=progress):
            if reading.error is not None:
                problems.append(Problem("error", reading.member.name, reading.error))
            elif reading.document is not None:
                for message in jsonio.repeated_keys(reading.data, reading.document):
                    problems.append(Problem("warning", reading.member.name, message))
    return problems
