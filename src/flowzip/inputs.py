"""Reading the files users give flowzip besides archives: recipes, overlays, patches, lint configuration,
baselines, columns files.  Each is read whole within a size limit, decoded strictly, and parsed with a nesting limit,
so that a hostile one is refused in one line like a hostile archive (exit 2, nothing written).
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from typing import Any

from .errors import FlowzipError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["MAX_INPUT_BYTES", "MAX_DEPTH", "read_input", "loads_toml", "check_depth", "read_columns", "COLUMN_KEYS"]

#: The largest recipe, overlay, patch, configuration or baseline flowzip reads.
MAX_INPUT_BYTES = 64 << 20
#: How deeply such a file may nest lists and tables (JSON members allow about 1,000 too).
MAX_DEPTH = 200


def read_input(path: str | os.PathLike[str], error: type[FlowzipError] = FlowzipError, *,
               limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the input file *path*; *error* (a :class:`FlowzipError` class) when it cannot be read or
    is over *limit* bytes."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise error(f"cannot be read: {exc.strerror or exc}", member=name) from None
    if len(data) > limit:
        raise error(f"is larger than {limit >> 20} MiB; flowzip reads no larger file of this kind", member=name)
    return data


def check_depth(data: bytes, name: str, error: type[FlowzipError] = FlowzipError, *, limit: int = MAX_DEPTH) -> None:
    """Refuse text whose brackets nest deeper than *limit* (counted over the whole text: quoted brackets
    count too, which only makes the check stricter than needed for odd texts)."""
    depth = deepest = 0
    for byte in data.translate(None, delete=bytes(set(range(256)) - set(b"[]{}"))):
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
        if deepest > limit:
            raise error(f"nests lists or tables more than {limit} deep", member=name)


def loads_toml(data: bytes, name: str, error: type[FlowzipError] = FlowzipError) -> dict[str, Any]:
    """Parse TOML *data* (UTF-8), refusing what is not valid TOML or nests too deeply."""
    check_depth(data, name, error)
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise error("is not valid UTF-8", member=name) from None
    except (tomllib.TOMLDecodeError, RecursionError) as exc:
        raise error(f"is not valid TOML: {str(exc)[:200]}", member=name) from None


#: What a row of a columns file may hold (``type`` is the field type, the SDK's ODBC type name).
COLUMN_KEYS = ("name", "type", "nullable", "key", "length", "scale", "description")


def read_columns(path: str | os.PathLike[str], error: type[FlowzipError] = FlowzipError) -> list[dict[str, Any]]:
    """The rows of a columns file: CSV with a header (name,type,nullable,key,length,scale,description; name
    and type required) or JSON (a list of objects with those keys).  Values are checked, not trusted."""
    raw = read_input(path, error)
    name = os.fspath(path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error("a columns file is UTF-8 text", member=name) from None
    if name.lower().endswith(".json"):
        check_depth(raw, name, error)
        try:
            rows = json.loads(text)
        except ValueError as exc:
            raise error(f"not JSON: {exc}", member=name) from None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise error("a JSON columns file is a list of objects (name, type, ...)", member=name)
    else:
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames:
            raise error("a CSV columns file starts with a header line (name,type,...)", member=name)
        repeated = sorted({h for h in reader.fieldnames if reader.fieldnames.count(h) > 1})
        if repeated:
            raise error(f"the header names {repeated[0]!r} twice", member=name)
        rows = []
        for number, row in enumerate(reader, 1):
            if None in row:
                raise error(f"row {number}: more cells than the header names", member=name)
            rows.append(dict(row))
    result = []
    for number, row in enumerate(rows, 1):
        unknown = [k for k in row if k not in COLUMN_KEYS]
        if unknown:
            raise error(f"row {number}: unknown column attribute {unknown[0]!r} (a row takes "
                        f"{', '.join(COLUMN_KEYS)})", member=name)
        clean: dict[str, Any] = {}
        for key, value in row.items():
            if value is None or value == "":
                continue
            if key in ("nullable", "key"):
                if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
                    value = value.strip().lower() in ("true", "yes", "1")
                if not isinstance(value, bool):
                    raise error(f"row {number}: {key} is true or false, not {value!r}", member=name)
            elif key in ("length", "scale"):
                text_value = value.strip() if isinstance(value, str) else value
                digits = isinstance(text_value, str) and text_value.isascii() and text_value.isdigit()
                if digits and len(text_value) < 11:  # more digits cannot fit: no huge int() of a hostile file
                    value = int(text_value)
                if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 2**31 - 1:
                    raise error(f"row {number}: {key} is a whole number from 0 to {2**31 - 1}, not {value!r}",
                                member=name)
            elif not isinstance(value, str):
                raise error(f"row {number}: {key} is text, not {value!r}", member=name)
            clean[key] = value
        for required in ("name", "type"):
            if required not in clean:
                raise error(f"row {number}: no {required}", member=name)
        result.append(clean)
    if not result:
        raise error("the file lists no columns (a link with no columns: remove its schema instead)", member=name)
    return result
