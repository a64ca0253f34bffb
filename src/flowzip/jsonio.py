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
           "repeated_keys", "gc_paused"]

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
        with gc_paused():  # orjson builds a large document: the collector would traverse it again and again
            try:
                return orjson.loads(raw)
            except orjson.JSONDecodeError:
                pass  # let the exact parser give the verdict and the message
    return _loads_exact(raw, member)


class gc_paused:  # noqa: N801 - used as a function: ``with gc_paused():``
    """Pause Python's cyclic garbage collector for the block.

    Parsed JSON holds no reference cycles, so the collector has nothing to find in it; but while many parsed
    documents are held (a recipe over 2,000 flows, a save, a lint), each of its full passes traverses all of
    them again, and the passes come as the number of objects grows: seconds over a large archive. Memory is
    still freed by reference counting; cycles made in the block are collected after it. (A class, not a
    generator: it is entered for every document parsed.)
    """

    __slots__ = ("paused",)

    def __enter__(self) -> None:
        self.paused = gc.isenabled()
        if self.paused:
            gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.paused:
            gc.enable()


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


#: How much of a document its layout is judged from: the first key lines tell it (a whole-document scan
#: would cost as much as parsing, for every member read).
_HEAD = 65536
_TRAILING = frozenset(b" \t\r\n")


def detect_style(raw: bytes) -> Style:
    """Guess the :class:`Style` a JSON file was written in, from its first lines (and, for the two facts the
    whole text decides, byte scans that cost next to nothing: CRLF line ends, escaped non-ASCII)."""
    end = len(raw)
    while end and raw[end - 1] in _TRAILING:  # the text's end, without copying it
        end -= 1
    trailing = raw[end:].decode("ascii", "replace")
    head = raw[:min(end, _HEAD)]
    # One byte is found ten times faster than two: each two-byte search only where its first byte is.
    newline = "\r\n" if b"\r" in head and b"\r\n" in head else "\n"
    # Escaped non-ASCII says the file is ASCII only: a text with raw non-ASCII is not.
    ascii_only = raw.isascii() and b"\\" in raw and b"\\u" in raw and _ESCAPED_NON_ASCII.search(raw) is not None
    if b"\n" not in head:
        match = _COMPACT_KEY.match(head)
        key_sep = match.group(1).decode() if match else ":"
        item_sep = ", " if key_sep.endswith(" ") and b", " in head else ","
        return Style("compact", "", item_sep, key_sep, ascii_only, newline, trailing, "repr")
    first = _FIRST_INDENT.search(head)
    indent = first.group(1).decode() if first else "  "
    if _JACKSON_KEY_LINE.search(head) or head.startswith((b"{ }", b"[ ")):
        return Style("jackson", indent, ",", " : ", ascii_only, newline, trailing, "java")
    return Style("indent", indent, ",", ": ", ascii_only, newline, trailing, "repr")


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


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NUMBER = re.compile(rb"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")


# Where a Jackson file (Java's Double.toString spelling) may hold a number spelled otherwise, so that the printer
# would not reproduce it. Decimals of at most 15 digits read back as the same digits (DBL_DIG), so a canonical
# fraction needs no check; what may be odd is: a fraction ending in 0 after its first digit (1.50), an exponent
# (1E5, 1.5e3), 16 digits or more, 10 million or more (Java writes 1.0E7), below 0.001 (1.0E-4), and -0.
# Each search starts at a literal (a dot, '" : ', '[ ', ', ') to run at C speed; text in strings that looks
# like a number is a false alarm, which only sends the file to the full scan of Spellings. A fraction of nine
# digits or more is common (a stage's position: 47.519999999999996) and usually spelled as the printer spells
# it: each one found is spelled again and compared, rather than sending the file to the full scan.
_ODD_FRACTION = re.compile(rb"\.(?:(?<=\d\.)(?:\d+0(?!\d)|\d+[eE])|(?<=\d{8}\.)|(?<=[^\d.]0\.)000)")
_LONG_FRACTION = re.compile(rb"\.(?<=\d\.)\d{9}")
_ODD_VALUE = re.compile(rb'" : (?:-?\d+[eE]|-0(?![\d.eE]))')
_ODD_FIRST_ITEM = re.compile(rb"\[ (?:-?\d+[eE]|-0(?![\d.eE]))")
_ODD_NEXT_ITEM = re.compile(rb", (?:-?\d+[eE]|-0(?![\d.eE]))")


def _may_have_odd_numbers(raw: bytes, floats: str) -> bool:
    """Whether *raw* may hold a number the printer would spell otherwise (no false negatives; a file in Python's
    spelling is always scanned in full)."""
    if floats != "java":
        return True
    if any(pattern.search(raw) for pattern in (_ODD_FRACTION, _ODD_VALUE, _ODD_FIRST_ITEM, _ODD_NEXT_ITEM)):
        return True
    for match in _LONG_FRACTION.finditer(raw):
        start = match.start()
        while start and raw[start - 1] in _DIGITS:
            start -= 1
        if start and raw[start - 1] == 0x2D:  # '-'
            start -= 1
        token = _NUMBER.match(raw, start)
        text = token.group().decode("ascii") if token else ""
        if not text or java_double(float(text)) != text:
            return True
    return False


_DIGITS = frozenset(b"0123456789")


class Spellings:
    """The number spellings of one original file that the printer would not reproduce.

    When one value is spelled several ways in the file, its spellings are handed
    out in document order, which is right as long as the edit did not add or
    remove an occurrence of that value before the others.
    """

    def __init__(self, raw: bytes, floats: str) -> None:
        # The numbers of the text in order, found at C speed: strings emptied first (a string may hold digits),
        # then every number token. Each spelling is judged once; only the numbers of odd values are then gone
        # through one by one.
        numbers = _NUMBER.findall(_STRING.sub(b'""', raw))
        keys: dict[bytes, tuple[str, Any]] = {}
        odd: set[tuple[str, Any]] = set()
        for token in set(numbers):
            text = token.decode("ascii")
            value: int | float = float(text) if any(c in text for c in ".eE") else int(text)
            keys[token] = key = _number_key(value)
            if _spell_number(value, floats) != text:
                odd.add(key)
        seen: dict[tuple[str, Any], list[str]] = defaultdict(list)
        if odd:
            for token in numbers:
                key = keys[token]
                if key in odd:
                    seen[key].append(token.decode("ascii"))
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


_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})
_CONTAINERS = (dict, list)
# Where orjson's text differs from Jackson's beyond what the replacements below turn (" : ", "{ }", "[ ]"): an
# escaped quote (it could hide a '": ' in a string) or a \u escape (orjson writes lowercase hex) in a string, and
# floats Java spells with an exponent (orjson writes 1e7 to 1e16 plainly, 10000000.0, numbers below 0.001 as
# 0.0001 or 1e-7, and 1e16 and up as 1e+16; an exponent ends the number, which tells it from a UUID's '9e-4a1b-').
# Each search starts at a literal, to run at C speed; text in strings that looks like these only costs the checks
# of each part.
#: Each pattern with the text it starts with: one search each (together they cost five times more), from where
#: that text first occurs (found at C speed; most documents hold no ".000" and no "e+").
_ORJSON_NOT_JAVA = [(literal, re.compile(pattern)) for literal, pattern in (
    (b".", rb"\.(?<=\d{8}\.)"), (b".000", rb"\.000(?<=[^\d]0\.000)"), (b"e-", rb"e-(?<=\de-)\d{1,3}[,}\]\s]"),
    (b"e+", rb"e\+(?<=\de\+)\d{1,3}[,}\]\s]"))]


def _orjson_differs(text: bytes) -> bool:
    if b"\\" in text and (b'\\"' in text or b"\\u" in text):
        return True
    for literal, pattern in _ORJSON_NOT_JAVA:
        at = text.find(literal)
        if at >= 0 and pattern.search(text, at) is not None:
            return True
    return False


def _jackson_scalar(value: Any) -> bytes:
    if value is None:
        return b"null"
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if isinstance(value, str):
        return _jackson_string(value).encode("utf-8")
    if isinstance(value, (int, float)):
        return _spell_number(value, "java").encode("ascii")
    raise TypeError(f"cannot write a {type(value).__name__} as JSON")


class _JacksonWriter:
    """Jackson's two-space layout (no number spellings to keep), written mostly by orjson.

    A value without a non-empty array below it is laid out by Jackson exactly as ``orjson.dumps(OPT_INDENT_2)``
    lays it out, but for ``" : "`` and the empties ``{ }`` / ``[ ]``, which byte replacements turn at C speed.
    So such a value is written by one orjson call and moved to where it sits (its lines indented by a
    replacement); so are the runs of an object's members between its arrays, and the runs of such objects in an
    array (a schema's fields), whose items Jackson joins on one line (``}, {``) at the array's own depth. orjson's
    text shows whether a value holds an array (``[`` then a line break, which no string holds), so a value is
    tried whole first and walked only when it does. When the document's orjson text holds something the
    replacements would not see (``_ORJSON_NOT_JAVA``), each part is checked and, where needed, written by the
    exact printer.
    """

    def __init__(self, doc: Any) -> None:
        self.doc = doc
        self.out: list[bytes] = []
        self.keys: dict[str, bytes] = {}
        try:
            self.checked = _orjson_differs(orjson.dumps(doc))
        except TypeError:  # integers beyond 64 bits, lone surrogates, keys that are no strings: check each part
            self.checked = True

    def write(self) -> bytes:
        self.value(self.doc, b"")
        return b"".join(self.out)

    @staticmethod
    def jackson(text: bytes) -> bytes:
        """orjson's indented text of values without arrays, with Jackson's key separator and empties."""
        text = text.replace(b'": ', b'" : ')
        if b"{}" in text:
            text = text.replace(b'" : {}', b'" : { }')
        if b"[]" in text:
            text = text.replace(b'" : []', b'" : [ ]')
        return text

    def flat_text(self, value: dict[str, Any] | list[Any], start: int = 0) -> bytes | None:
        """Jackson's text of *value* when it holds no non-empty array (after *start* of its text), else None."""
        try:
            text = orjson.dumps(value, option=orjson.OPT_INDENT_2)
        except TypeError:  # the parts decide (exactly) what is wrong or how it is written
            return None
        if text.find(b"[\n", start) >= 0:
            return None
        if self.checked and _orjson_differs(text):
            return _dumps_exact(value, JACKSON, None)  # without arrays inside, the same layout as orjson's
        return self.jackson(text)

    def put(self, text: bytes, pad: bytes) -> None:
        self.out.append(text.replace(b"\n", b"\n" + pad) if pad else text)

    def key(self, key: str) -> bytes:
        known = self.keys.get(key)
        if known is None:
            if not isinstance(key, str):
                raise TypeError(f"cannot write a {type(key).__name__} key as JSON")
            known = self.keys[key] = _jackson_string(key).encode("utf-8") + b" : "
        return known

    def value(self, value: Any, pad: bytes) -> None:
        kind = type(value)
        if kind is dict:
            if not value:
                self.out.append(b"{ }")
                return
            tried = False
            if not any(type(item) is list and item for item in value.values()):
                text = self.flat_text(value)
                if text is not None:
                    self.put(text, pad)
                    return
                tried = True
            self.obj(value, pad, tried)
        elif kind is list:
            if value:
                self.arr(value, pad)
            else:
                self.out.append(b"[ ]")
        elif isinstance(value, (dict, list)):  # subclasses are rare: the exact printer's way
            self.put(_dumps_exact(value, JACKSON, None), pad)
        else:
            self.out.append(_jackson_scalar(value))

    def obj(self, value: dict[str, Any], pad: bytes, tried: bool) -> None:
        """An object holding arrays: its members between arrays in runs, its arrays walked."""
        out = self.out
        inner = b"\n" + pad + b"  "
        out.append(b"{")
        sep = inner
        run: dict[str, Any] = {}
        for key, item in value.items():
            if type(item) is list and item:
                if run:
                    sep = self.members(run, pad, tried and len(run) == len(value), sep)
                    run = {}
                out.append(sep)
                sep = b"," + inner
                out.append(self.key(key))
                self.arr(item, pad + b"  ")
            else:
                run[key] = item
        if run:
            self.members(run, pad, tried and len(run) == len(value), sep)
        out.append(b"\n" + pad + b"}")

    def members(self, run: dict[str, Any], pad: bytes, tried: bool, sep: bytes) -> bytes:
        """Members of an object without arrays of their own, after *sep*: as one object by orjson, without its
        braces; when one holds arrays deeper, the plain ones in runs and the others one by one. Returns the
        separator for what follows."""
        inner = b"\n" + pad + b"  "
        text = None if tried else self.flat_text(run)
        if text is not None:
            self.out.append(sep)
            self.put(text[4:-2], pad)  # '{\n  ' ... '\n}'
            return b"," + inner
        plain: dict[str, Any] = {}
        for key, item in run.items():
            if type(item) in _PLAIN_SCALARS or (type(item) in _CONTAINERS and not item):
                plain[key] = item
                continue
            if plain:
                sep = self.plain(plain, pad, sep)
                plain = {}
            self.out.append(sep)
            sep = b"," + inner
            self.out.append(self.key(key))
            self.value(item, pad + b"  ")
        if plain:
            sep = self.plain(plain, pad, sep)
        return sep

    def plain(self, run: dict[str, Any], pad: bytes, sep: bytes) -> bytes:
        """Members holding scalars or empties, after *sep*, by orjson (by the exact printer when orjson cannot)."""
        text = self.flat_text(run)
        if text is None:
            text = _dumps_exact(run, JACKSON, None)
        self.out.append(sep)
        self.put(text[4:-2], pad)  # '{\n  ' ... '\n}'
        return b",\n" + pad + b"  "

    def arr(self, value: list[Any], pad: bytes) -> None:
        """A non-empty array on one line; runs of objects without arrays written by orjson."""
        out = self.out
        out.append(b"[ ")
        first = True
        run: list[dict[str, Any]] = []
        for item in value:
            if type(item) is dict and item:
                run.append(item)
                continue
            if run:
                self.items(run, first, pad)
                first, run = False, []
            if not first:
                out.append(b", ")
            first = False
            self.value(item, pad)
        if run:
            self.items(run, first, pad)
        out.append(b" ]")

    def items(self, run: list[dict[str, Any]], first: bool, pad: bytes) -> None:
        """Objects in an array. orjson indents them one level (Jackson does not) and puts each on lines of its
        own (Jackson joins them: ``}, {``); a ``{`` at the start of a line only opens an item."""
        head = run[0]
        text = None
        if not any(type(item) is list and item for item in head.values()):
            text = self.flat_text(run, 1)
        if text is not None:
            if not first:
                self.out.append(b", ")
            if text.startswith(b"[ "):  # the exact printer's text: already Jackson's
                body = text[2:-2]
            else:
                body = text[4:-2].replace(b"\n  ", b"\n").replace(b"},\n{", b"}, {")  # '[\n  ' ... '\n]'
            self.put(body, pad)
            return
        for item in run:
            if not first:
                self.out.append(b", ")
            first = False
            self.value(item, pad)


def dumps(doc: Any, style: Style = JACKSON, spellings: Spellings | None = None, *, exact: bool = False) -> bytes:
    """Serialise *doc* in *style*; with *spellings*, keep the original number spellings.

    Jackson's two-space layout without spellings to keep is written mostly by orjson; ``exact=True`` writes every
    value with the exact printer instead, giving the same bytes (the reference the fast way is tested against).
    """
    if not exact and not spellings and style.layout == "jackson" and style.indent == "  " and style.newline == "\n" \
            and not style.ascii_only and style.floats == "java":
        try:
            text = _JacksonWriter(doc).write()
        except RecursionError:
            raise DocumentError("is nested too deeply to write") from None
        return text + style.trailing.encode("ascii") if style.trailing else text
    return _dumps_exact(doc, style, spellings)


def _dumps_exact(doc: Any, style: Style, spellings: Spellings | None) -> bytes:
    """The exact printer: every value written here, in any style, keeping *spellings*."""
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
    if not _may_have_odd_numbers(original, style.floats):
        return dumps(doc, style)
    spellings = Spellings(original, style.floats)
    return dumps(doc, style, spellings or None)


def repeated_keys(data: bytes, doc: Any) -> list[str]:
    """Lossless-editing hazards in a JSON text that parses into *doc*: an object that repeats a key.

    Counting ':' in the text and in the parsed document's compact text is fast; only when they differ, or
    escapes make the count uncertain, is the text parsed again to find the repeated key.
    """
    try:
        compact = orjson.dumps(doc)
    except TypeError:  # orjson writes at most 255 levels
        return ["is nested more than 255 levels deep: flowzip can read it but not compare or edit it"]
    # A repeated key's pair is in the text and not in the document, so the text has more ':' than the document's
    # compact text. Every ':' of a string is a ':' in both texts, whatever else is escaped, unless the text
    # spells it \u003a: without that, the counts are equal exactly when no key repeats; with it, or when they
    # differ, the standard library's parse decides (and names the key).
    # (One byte is found ten times faster than five: the escape is looked for only in a text with a backslash.)
    if not (b"\\" in data and b"\\u003" in data) and data.count(b":") == compact.count(b":"):
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
