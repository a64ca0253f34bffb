"""Lossless JSON: parse fast, write back in the style the file already had.

The platform writes JSON with Jackson's default pretty printer (real-exports.md,
"Serialisation style"): two-space indent, ``"key" : value``, arrays on one line
(``[ 1, 2 ]``, ``[ {`` ... ``} ]``), ``[ ]`` and ``{ }`` for empties, raw UTF-8,
Java's double spelling and no trailing newline.  Some members are compact
single-line JSON, and files edited by people or other tools use
``json.dumps(indent=N)``-like layouts.  :func:`detect_style` recognises the
layout of a file and :func:`dumps` writes a document in it.

Numbers are the subtle part: orjson parses fast but turns integers beyond 64
bits into floats and forgets how a number was spelled (``1E5``, ``1.50``).
:func:`loads` falls back to the standard library when a long digit run could be
such an integer, and :class:`Spellings` remembers, for one original file, every
number whose spelling the printer would not reproduce, so that writing the
edited document back keeps them.
"""

from __future__ import annotations

import gc
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

from .errors import DocumentError

__all__ = ["Style", "JACKSON", "COMPACT", "loads", "dumps", "dumps_like", "detect_style", "Spellings",
           "repeated_keys"]

BOM = b"\xef\xbb\xbf"
# Integers beyond 64 bits have 19 or more digits: find such runs with a C-speed translate + search.
_DIGITS_TO_ZERO = bytes(0x30 if 0x30 <= i <= 0x39 else 0x20 for i in range(256))
_LONG_RUN = b"0" * 19
_CONTROL = re.compile("[\x00-\x1f]")
_JACKSON_SHORT = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]
_encode_str_ascii = json.encoder.encode_basestring_ascii  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Style:
    """How a JSON file is laid out.

    ``layout`` is ``"jackson"`` (the platform's pretty printer), ``"indent"``
    (one item per line, ``"key": value``, as ``json.dumps(indent=...)`` and
    ``JSON.stringify(..., 2)`` write) or ``"compact"`` (one line).
    """

    layout: str = "jackson"
    indent: str = "  "
    item_sep: str = ","
    key_sep: str = " : "
    ascii_only: bool = False
    newline: str = "\n"
    trailing: str = ""
    floats: str = "java"  # "java" (Double.toString) or "repr" (Python's shortest repr)


JACKSON = Style()
COMPACT = Style(layout="compact", indent="", item_sep=",", key_sep=":")


# --------------------------------------------------------------------------- parsing


def loads(raw: bytes, *, member: str | None = None) -> Any:
    """Parse JSON bytes without losing integer precision.

    Raises :class:`~flowzip.errors.DocumentError` naming *member* for a BOM,
    invalid UTF-8, invalid JSON, non-finite numbers or nesting beyond about
    1,000 levels (orjson's limit, and the standard library's recursion limit).
    """
    if raw.startswith(BOM):
        raise DocumentError(
            "starts with a UTF-8 byte-order mark, which the platform never writes",
            member=member,
            hint="save the file as UTF-8 without BOM",
        )
    if _LONG_RUN not in raw.translate(_DIGITS_TO_ZERO):
        # Parsed JSON holds no reference cycles, so the cyclic collector has nothing to find in it;
        # pausing it while orjson builds a large document avoids repeated traversals of it.
        paused = gc.isenabled()
        if paused:
            gc.disable()
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass  # let the exact parser give the verdict and the message
        finally:
            if paused:
                gc.enable()
    return _loads_exact(raw, member)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text} is too large for a double")
    return value


def _loads_exact(raw: bytes, member: str | None) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"is not valid UTF-8 (byte {exc.start})", member=member) from None
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except RecursionError:
        raise DocumentError("is not valid JSON: nested too deeply", member=member) from None
    except ValueError as exc:
        detail = str(exc).splitlines()[0]
        raise DocumentError(f"is not valid JSON: {detail}", member=member) from None


# --------------------------------------------------------------------------- style detection

# Strings are matched as runs ("[^"\\]*(?:\\.[^"\\]*)*"), never one character per repetition: the regular
# expression engine keeps state for each repetition, which over a 10 MB string costs over a gigabyte.
_JACKSON_KEY_LINE = re.compile(rb'^[ \t]+"[^"\\\n]*(?:\\.[^"\\\n]*)*" : ', re.MULTILINE)
_INDENT_KEY_LINE = re.compile(rb'^([ \t]+)"[^"\\\n]*(?:\\.[^"\\\n]*)*": ', re.MULTILINE)
_FIRST_INDENT = re.compile(rb"\n([ \t]+)\S")
_COMPACT_KEY = re.compile(rb'^\s*\{\s*"[^"\\]*(?:\\.[^"\\]*)*"(\s*:\s*)')
_ESCAPED_NON_ASCII = re.compile(rb"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])")
_FIRST_KEY = re.compile(rb'[{,]\s*"[^"\\]*(?:\\.[^"\\]*)*"(\s*:\s*)')


#: How much of a document its layout is judged from: the first key lines tell it (a whole-document scan
#: would cost as much as parsing, for every member read).
_HEAD = 65536


def detect_style(raw: bytes) -> Style:
    """Guess the :class:`Style` a JSON file was written in, from its first lines (and, for the two facts the
    whole text decides, byte scans that cost next to nothing: CRLF line ends, escaped non-ASCII)."""
    body = raw.rstrip(b" \t\r\n")
    trailing = raw[len(body):].decode("ascii", "replace")
    head = body[:_HEAD]
    newline = "\r\n" if b"\r\n" in head else "\n"
    ascii_only = b"\\u" in body and body.isascii() and _ESCAPED_NON_ASCII.search(body) is not None
    if b"\n" not in head:
        match = _COMPACT_KEY.match(head)
        key_sep = match.group(1).decode() if match else ":"
        item_sep = ", " if key_sep.endswith(" ") and b", " in head else ","
        return Style("compact", "", item_sep, key_sep, ascii_only, newline, trailing, "repr")
    first = _FIRST_INDENT.search(head)
    indent = first.group(1).decode() if first else "  "
    if _JACKSON_KEY_LINE.search(head) or body.startswith((b"{ }", b"[ ")):
        return Style("jackson", indent, ",", " : ", ascii_only, newline, trailing, "java")
    return Style("indent", indent, ",", ": ", ascii_only, newline, trailing, "repr")


def key_separator(raw: bytes) -> bytes:
    """What separates a key from its value in *raw* (``" : "``, ``": "``, ``":"``), from its first key."""
    match = _FIRST_KEY.search(raw, 0, _HEAD)
    return match.group(1) if match else b":"


# --------------------------------------------------------------------------- numbers


def java_double(value: float) -> str:
    """Spell a float as Java's ``Double.toString`` does (Jackson's output)."""
    if value == 0.0:
        return "-0.0" if math.copysign(1.0, value) < 0 else "0.0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 1e7:
        return repr(value)
    sign, digits, exponent = Decimal(repr(magnitude)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    exp10 = exponent + len(digits) - 1  # type: ignore[operator]
    mantissa = text[0] + "." + (text[1:] or "0")
    return f"{'-' if value < 0 else ''}{mantissa}E{exp10}"


def _spell_number(value: int | float, floats: str) -> str:
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"cannot write {value!r} as JSON")
    return java_double(value) if floats == "java" else repr(value)


def _number_key(value: int | float) -> tuple[str, Any]:
    return ("i", value) if isinstance(value, int) else ("f", repr(value))


_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)')


class Spellings:
    """The number spellings of one original file that the printer would not reproduce.

    When one value is spelled several ways in the file, its spellings are handed
    out in document order, which is right as long as the edit did not add or
    remove an occurrence of that value before the others.
    """

    def __init__(self, raw: bytes, floats: str) -> None:
        seen: dict[tuple[str, Any], list[str]] = defaultdict(list)
        odd: set[tuple[str, Any]] = set()
        for match in _TOKEN.finditer(raw):
            token = match.group(1)
            if token is None:
                continue
            text = token.decode("ascii")
            value: int | float = float(text) if any(c in text for c in ".eE") else int(text)
            key = _number_key(value)
            seen[key].append(text)
            if _spell_number(value, floats) != text:
                odd.add(key)
        self._single: dict[tuple[str, Any], str] = {}
        self._queues: dict[tuple[str, Any], list[str]] = {}
        for key in odd:
            spellings = seen[key]
            if len(set(spellings)) == 1:
                self._single[key] = spellings[0]
            else:
                self._queues[key] = spellings[::-1]  # popped from the end, in document order

    def __bool__(self) -> bool:
        return bool(self._single or self._queues)

    def spell(self, value: int | float, floats: str) -> str:
        key = _number_key(value)
        single = self._single.get(key)
        if single is not None:
            return single
        queue = self._queues.get(key)
        if queue:
            return queue.pop() if len(queue) > 1 else queue[0]
        return _spell_number(value, floats)


# --------------------------------------------------------------------------- writing


def _jackson_string(text: str) -> str:
    if _CONTROL.search(text) is None:
        return _encode_str(text)
    out = ['"']
    for ch in text:
        if ch in _JACKSON_SHORT:
            out.append(_JACKSON_SHORT[ch])
        elif ch < " ":
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def dumps(doc: Any, style: Style = JACKSON, spellings: Spellings | None = None) -> bytes:
    """Serialise *doc* in *style*; with *spellings*, keep the original number spellings."""
    if style.ascii_only:
        string = _encode_str_ascii
    elif style.layout == "jackson":
        string = _jackson_string
    else:
        string = _encode_str
    floats = style.floats
    spell = spellings.spell if spellings else (lambda v, f: _spell_number(v, f))
    out: list[str] = []
    emit = out.append
    newline, unit, key_sep, item_sep = style.newline, style.indent, style.key_sep, style.item_sep

    def scalar(value: Any) -> str:
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, str):
            return string(value)
        if isinstance(value, (int, float)):
            return spell(value, floats)
        raise TypeError(f"cannot write a {type(value).__name__} as JSON")

    # Jackson writes arrays on one line ("[ 1, 2 ]", "[ {" ... "} ]") and empties as "[ ]" / "{ }";
    # json.dumps(indent=...) puts each item on its own line and writes "[]" / "{}".
    inline_arrays = style.layout == "jackson"
    empty_object, empty_array = ("{ }", "[ ]") if inline_arrays else ("{}", "[]")

    def pretty(value: Any, depth: int) -> None:
        if isinstance(value, dict):
            if not value:
                emit(empty_object)
                return
            inner = newline + unit * (depth + 1)
            emit("{")
            first = True
            for key, item in value.items():
                emit(inner if first else "," + inner)
                first = False
                emit(string(key))
                emit(key_sep)
                pretty(item, depth + 1)
            emit(newline + unit * depth + "}")
        elif isinstance(value, list):
            if not value:
                emit(empty_array)
                return
            if inline_arrays:
                emit("[ ")
                for index, item in enumerate(value):
                    if index:
                        emit(", ")
                    pretty(item, depth)
                emit(" ]")
                return
            inner = newline + unit * (depth + 1)
            emit("[")
            for index, item in enumerate(value):
                emit("," + inner if index else inner)
                pretty(item, depth + 1)
            emit(newline + unit * depth + "]")
        else:
            emit(scalar(value))

    def compact(value: Any) -> None:
        if isinstance(value, dict):
            emit("{")
            first = True
            for key, item in value.items():
                if not first:
                    emit(item_sep)
                first = False
                emit(string(key))
                emit(key_sep)
                compact(item)
            emit("}")
        elif isinstance(value, list):
            emit("[")
            first = True
            for item in value:
                if not first:
                    emit(item_sep)
                first = False
                compact(item)
            emit("]")
        else:
            emit(scalar(value))

    try:
        if style.layout == "compact":
            compact(doc)
        else:
            pretty(doc, 0)
    except RecursionError:
        raise DocumentError("is nested too deeply to write") from None
    emit(style.trailing)
    return "".join(out).encode("utf-8")


def dumps_like(doc: Any, original: bytes | None) -> bytes:
    """Serialise *doc* the way *original* (the member's previous bytes) was written.

    A new member (``original is None``) gets the platform's Jackson style.
    """
    if original is None:
        return dumps(doc, JACKSON)
    style = detect_style(original)
    spellings = Spellings(original, style.floats)
    return dumps(doc, style, spellings or None)


def repeated_keys(data: bytes, doc: Any) -> list[str]:
    """Lossless-editing hazards in a JSON text that parses into *doc*: an object that repeats a key.

    Counting keys in the text and in the parsed document is fast; only when the
    counts differ is the document parsed again to name the repeated key.
    """
    key_sep = key_separator(data)
    try:
        compact = orjson.dumps(doc)
    except TypeError:  # orjson writes at most 255 levels
        return ["is nested more than 255 levels deep: flowzip can read it but not compare or edit it"]
    if data.count(b'"' + key_sep) == compact.count(b'":'):
        return []
    # Quotes escaped inside strings may have been counted: subtract them before deciding.
    in_text = data.count(b'"' + key_sep) - data.count(b'\\"' + key_sep)
    parsed = compact.count(b'":') - compact.count(b'\\":')
    if in_text == parsed:
        return []
    duplicates: list[str] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen and key not in duplicates:
                duplicates.append(key)
            seen.add(key)
        return dict(pairs)

    try:
        json.loads(data.decode("utf-8"), object_pairs_hook=hook)
    except (ValueError, RecursionError):
        return []
    if duplicates:
        keys = ", ".join(repr(k) for k in duplicates[:3])
        return [f"an object repeats the key {keys}; only the last value is kept when the member is edited"]
    return []
