"""Parameters: their types, values that fit them, and ``#...#`` references (format.md §1.4, §5.2).

A parameter is referred to as ``#set.param#`` (a parameter set's), ``#local#`` (the
flow's own) or ``#$VAR#`` (an environment variable, defined in ``PROJDEF``).  A value
that is a whole reference fits any type.  These are the rules the SDK applies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..errors import SettingsError
from ..suggest import closest
from .pipeline import NODE_TYPES, stage_label

__all__ = ["TYPE_ALIASES", "PARAMETER_TYPES", "REFERENCE", "REFERENCE_BYTES", "INT", "normalise_type",
           "value_problem", "is_parameter_name", "is_reference", "is_encrypted", "parameter_names", "referenced_names",
           "reference_strings", "set_names", "set_names_in", "unresolved_reason", "SET_REFERENCE",
           "ENCRYPTED_PREFIXES"]

#: The SDK's aliases for parameter types (format.md §1.4).
TYPE_ALIASES = {"integer": "int64", "int": "int64", "float": "sfloat", "double": "sfloat", "list": "enum"}
PARAMETER_TYPES = ("string", "int64", "sfloat", "enum", "date", "time", "timestamp", "path", "encrypted",
                   "multilinestring", "email")
#: A reference inside any string: ``#set.param#``, ``#local#``, ``#$VAR#``.
REFERENCE = re.compile(r"#([A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z0-9_$]+)?)#")
#: The same, over a member's bytes: a reference never needs a JSON escape, so it can be found unparsed.
REFERENCE_BYTES = re.compile(rb"#([A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z0-9_$]+)?)#")
#: A reference to a parameter set's parameter, as dependencies are found (format.md §1.5): the set's name
#: is whatever stands between ``#`` and ``.``, so that no set a flow names is missed.
SET_REFERENCE = re.compile(r"#([A-Za-z0-9_]+)\.[A-Za-z0-9_$]+#")
SET_REFERENCE_BYTES = re.compile(rb"#([A-Za-z0-9_]+)\.[A-Za-z0-9_$]+#")
#: How the platform's encrypted values start (``{dsmenc}`` with the project's key or an export's).
ENCRYPTED_PREFIXES = ("{dsmenc}", "{dsnextenc}", "{iisenc}")
WHOLE_REFERENCE = re.compile(r"^#[^#]+#$")
#: What a parameter may be called: letters, digits and ``_`` (an environment variable starts with ``$``).
PARAMETER_NAME = re.compile(r"\$?[A-Za-z_][A-Za-z0-9_]*")
INT = re.compile(r"^[+-]?\d+$")
FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d+)?$")


def is_encrypted(value: Any) -> bool:
    """Whether *value* is a value the platform encrypted."""
    return isinstance(value, str) and value.startswith(ENCRYPTED_PREFIXES)


def parameter_names(body: Any) -> set[str]:
    """The names of the parameters a parameter set's body (``parameter_set``) defines."""
    parameters = body.get("parameters") if isinstance(body, dict) else None
    return {p.get("name") for p in parameters or [] if isinstance(p, dict)} if isinstance(parameters, list) else set()


def is_parameter_name(name: Any) -> bool:
    return isinstance(name, str) and bool(PARAMETER_NAME.fullmatch(name))


def is_reference(value: Any) -> bool:
    """Whether *value* is text that is one whole ``#...#`` reference (it then fits any type)."""
    return isinstance(value, str) and bool(WHOLE_REFERENCE.match(value))


def normalise_type(type_name: str) -> str:
    """A parameter type as the SDK writes it (``integer`` → ``int64``, ``float`` → ``sfloat``)."""
    lowered = type_name.strip().lower()
    lowered = TYPE_ALIASES.get(lowered, lowered)
    if lowered not in PARAMETER_TYPES:
        guess = closest(lowered, list(PARAMETER_TYPES))
        raise SettingsError(f"unknown parameter type {type_name!r}",
                            hint=f"did you mean {guess!r}?" if guess else f"use one of {', '.join(PARAMETER_TYPES)}")
    return lowered




def value_problem(parameter: dict[str, Any], value: Any) -> str | None:
    """Why *value* does not fit *parameter* (a parameter-set or local parameter), or ``None``.

    Strings that refer to another parameter (``#set.p#``), to an environment
    variable or to the project default (``$PROJDEF``, ``PROJDEF``) fit any type.
    """
    name = parameter.get("name", "?")
    type_name = str(parameter.get("type") or "string").lower()
    type_name = TYPE_ALIASES.get(type_name, type_name)
    if isinstance(value, str) and (is_reference(value) or value.startswith("$") or value == "PROJDEF"):
        return None
    if isinstance(value, bool):
        return f"{name} is a {type_name} parameter; {value!r} is a boolean"
    if type_name == "int64" or "int" in type_name:
        if isinstance(value, int) or (isinstance(value, str) and INT.match(value)):
            return None
        return f"{name} is an int64 parameter; {value!r} is not an integer"
    if type_name == "sfloat":
        if isinstance(value, (int, float)) or (isinstance(value, str) and FLOAT.match(value)):
            return None
        return f"{name} is an sfloat parameter; {value!r} is not a number"
    if type_name == "enum":
        allowed = [str(v) for v in parameter.get("valid_values") or []]
        if allowed and str(value) not in allowed:
            return f"{name} takes one of {', '.join(allowed)}; not {value!r}"
        return None
    patterns = {"date": (DATE, "YYYY-MM-DD"), "time": (TIME, "HH:MM:SS"),
                "timestamp": (TIMESTAMP, "YYYY-MM-DD HH:MM:SS")}
    if type_name in patterns:
        pattern, shape = patterns[type_name]
        if isinstance(value, str) and pattern.match(value):
            return None
        return f"{name} is a {type_name} parameter; {value!r} is not {shape}"
    if not isinstance(value, str):
        return f"{name} is a {type_name} parameter; {value!r} is not text"
    return None


# --------------------------------------------------------------------------- references


def referenced_names(raw: bytes) -> set[str]:
    """Every name referenced as ``#...#`` in a member's bytes (``set.param``, ``local``, ``$VAR``)."""
    return {m.decode("utf-8", "replace") for m in REFERENCE_BYTES.findall(raw)} if b"#" in raw else set()


def set_names(raw: bytes) -> set[str]:
    """The parameter sets that ``#set.param#`` references in a member's bytes name."""
    return {m.decode("utf-8", "replace") for m in SET_REFERENCE_BYTES.findall(raw)} if b"#" in raw else set()


def set_names_in(text: str) -> set[str]:
    """The parameter sets that ``#set.param#`` references in *text* name."""
    return set(SET_REFERENCE.findall(text)) if "#" in text else set()


def reference_strings(doc: Any) -> Iterator[tuple[str, str | None, str | None, str]]:
    """``(JSON pointer, stage label, stage id, text)`` for every string of *doc* that holds a ``#``."""
    if isinstance(doc, str):
        if "#" in doc:
            yield "", None, None, doc
        return
    # A pointer is built only for a string that holds a '#': a flow holds many thousands of values and few name a
    # parameter, so each container carries the chain (parent's chain, key) it is reached by, not its pointer.
    stack: list[tuple[Any, Any, str | None, str | None]] = [(doc, None, None, None)]
    while stack:
        value, chain, label, node_id = stack.pop()
        if isinstance(value, dict):
            if value.get("type") in NODE_TYPES and "id" in value:
                label, node_id = stage_label(value) or label, value.get("id")
            items: Iterable[tuple[Any, Any]] = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            continue
        for key, item in items:
            if isinstance(item, str):
                if "#" in item:
                    yield _pointer((chain, key)), label, node_id, item
            elif isinstance(item, (dict, list)):
                stack.append((item, (chain, key), label, node_id))


def _pointer(chain: Any) -> str:
    parts = []
    while chain is not None:
        chain, key = chain
        parts.append(_pointer_part(key))
    return "/" + "/".join(reversed(parts))


def _pointer_part(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def unresolved_reason(name: str, *, used_sets: Mapping[str, set[str] | None], archive_sets: Any,
                      local: set[str], projdef: set[str] | None) -> str | None:
    """Why reference *name* (``set.param``, ``local`` or ``$VAR``) resolves nowhere, or ``None`` when it resolves.

    *used_sets*: the sets the flow declares, with their parameters (``None`` when the archive lacks
    the set); *archive_sets*: the sets in the archive (anything with ``get(name)`` giving a set's
    parameter names, ``None`` for a set it lacks); *projdef*: the
    environment variables ``PROJDEF`` defines, ``None`` or empty without a ``PROJDEF`` (then any resolves).
    A set the flow names only in ``#...#`` strings still comes along with an export (format.md §1.5),
    so a set in the archive counts as well as a declared one.
    """
    if "." in name:
        set_name, _, param = name.partition(".")
        in_archive = archive_sets.get(set_name)
        members = in_archive if in_archive is not None else used_sets.get(set_name)
        if set_name not in used_sets and in_archive is None:
            return f"parameter set {set_name!r} is neither used by the flow nor in the archive"
        if members is not None and param not in members:
            return f"parameter set {set_name!r} has no parameter {param!r}"
        return None
    if name.startswith("$"):
        return None if not projdef or name in local or name in projdef else "no such environment variable"
    return None if name in local else "the flow has no such local parameter"
