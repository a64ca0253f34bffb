"""Did-you-mean: the nearest of some names to a word that matches none of them."""

from __future__ import annotations

__all__ = ["closest", "normalise"]


def normalise(name: str) -> str:
    """*name* as names are compared: case, spaces and ``/`` aside (the SDK's matching of stage types)."""
    return name.lower().replace(" ", "").replace("/", "")


def _osa_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance (optimal string alignment), as the SDK uses for suggestions."""
    rows = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        rows[i][0] = i
    for j in range(len(b) + 1):
        rows[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1)
    return rows[-1][-1]


def closest(word: str, choices: list[str], *, limit: int = 2) -> str | None:
    """The choice nearest to *word* (ignoring case, spaces and ``/``) within *limit* edits, if any."""
    target = normalise(word)
    best: tuple[int, str] | None = None
    for choice in choices:
        distance = _osa_distance(target, normalise(choice))
        if distance <= limit and (best is None or distance < best[0]):
            best = (distance, choice)
    return best[1] if best else None
