"""Resource limits that keep a hostile archive from exhausting memory or disk."""

from __future__ import annotations

from dataclasses import dataclass

MiB = 1 << 20
GiB = 1 << 30


@dataclass(frozen=True)
class Limits:
    """Limits applied while reading an archive.

    ``max_ratio`` applies to members larger than ``ratio_floor`` bytes: a member
    that inflates to more than ``max_ratio`` times its compressed size is refused.
    Sizes are counted while inflating; the sizes a header declares are checked
    too, but never trusted.
    """

    max_members: int = 10_000
    max_total_bytes: int = 2 * GiB
    max_member_bytes: int = 512 * MiB
    max_ratio: int = 200
    ratio_floor: int = 1 * MiB

    def inflate_cap(self, compressed_size: int) -> int:
        """The most bytes a member of *compressed_size* may inflate to."""
        by_ratio = max(self.ratio_floor, self.max_ratio * compressed_size)
        return min(self.max_member_bytes, by_ratio)


DEFAULT_LIMITS = Limits()
