"""Untrusted text made safe to show: no terminal control sequence, no bidirectional override, no endless line.

Labels, names, descriptions and messages come from archives anyone may have written.  Printed raw, a
label could clear the screen, set the terminal's title, hide text, fake a hyperlink (OSC 8) or reverse
what follows it (U+202E).  Everything flowzip prints for people passes through :func:`printable`.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["printable", "shorten", "printable_data", "counted", "MESSAGE_LIMIT"]

#: C0 and C1 controls, DEL, and the characters that change the direction or visibility of text.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_SPACES = {"\t": " ", "\n": " ", "\r": " ", "\v": " ", "\f": " "}
#: How many characters of a message are shown.
MESSAGE_LIMIT = 500


def _visible(match: re.Match[str]) -> str:
    char = match.group(0)
    if char in _SPACES:
        return _SPACES[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """*text* with control and direction characters shown as escapes (``\\x1b``, ``\\u202e``) and line
    breaks and tabs as spaces: one line, shown as written."""
    return _UNSAFE.sub(_visible, text) if _UNSAFE.search(text) else text


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """*text* cut to about *limit* characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[: limit - 40]}… ({len(text) - limit + 40} more characters)"


def printable_data(value: Any) -> Any:
    """*value* (a report's data: dicts, lists, strings) with every string made :func:`printable`."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable_data(k): printable_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [printable_data(item) for item in value]
    return value


def counted(number: int, noun: str) -> str:
    """"1 link", "2 links", "0 dependencies": a count with its noun in the right number."""
    if number == 1:
        return f"{number} {noun}"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return f"{number} {noun[:-1]}ies"
    return f"{number} {noun}{'es' if noun.endswith(('s', 'x', 'ch', 'sh')) else 's'}"
