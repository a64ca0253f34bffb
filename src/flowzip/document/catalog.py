"""The stage catalog: the 151 stage types the official SDK knows (format.md §4).

Shipped compact in ``data/stage_catalog.json.gz`` (built by ``tools/build_catalog.py``
from the catalog ``tools/extract_catalog.py`` extracts from the SDK).  Type names
are matched as the SDK's ``add_stage`` matches them: exactly, then ignoring case,
spaces and ``/``; a near miss gets a "did you mean".
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from typing import Any

import orjson

from ..errors import FlowzipError, NotFoundError
from ..suggest import closest, normalise
from .parameters import is_reference

__all__ = ["Property", "StageType", "Catalog", "catalog"]

_UNBOUNDED = -1


@dataclass(frozen=True)
class Property:
    """One configuration property of a stage type: its SDK name, JSON alias, type and default."""

    name: str
    alias: str
    type: str
    default: Any = None
    enum_values: tuple[Any, ...] | None = None

    @property
    def optional(self) -> bool:
        return "None" in self.type.split(" | ")

    def _kinds(self) -> set[str]:
        kinds = set()
        for part in self.type.split(" | "):
            part = part.strip()
            if part.startswith(("list", "dict", "int", "bool", "str", "float")):
                kinds.add(re.split(r"[\[ ]", part)[0])
            elif part != "None":
                kinds.add("enum" if self.enum_values is not None else "str")
        return kinds

    def problem(self, value: Any) -> str | None:
        """Why *value* does not fit this property, or ``None`` when it does.

        A ``#parameter#`` reference fits any property: the platform substitutes it at run time.
        """
        if isinstance(value, str) and is_reference(value):
            return None
        if value is None:
            return None if self.optional else f"{self.name} must be set"
        kinds = self._kinds()
        if "enum" in kinds and self.enum_values is not None:
            if value in self.enum_values and not isinstance(value, bool):
                return None
            if "str" not in kinds - {"enum"}:
                shown = ", ".join(repr(v) for v in self.enum_values)
                return f"{value!r} is not one of {shown}"
        checks = {
            "bool": lambda v: isinstance(v, bool),
            "int": lambda v: isinstance(v, int) and not isinstance(v, bool),
            "float": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
            "str": lambda v: isinstance(v, str),
            "list": lambda v: isinstance(v, list),
            "dict": lambda v: isinstance(v, dict),
        }
        if any(checks[k](value) for k in kinds if k in checks):
            return None
        words = {"bool": "true or false", "int": "whole number", "float": "number", "str": "text", "list": "list",
                 "dict": "JSON object"}
        expected = " or ".join(sorted(words.get(k, k) for k in kinds if k != "enum") or ["one of the listed values"])
        return f"{self.name} must be {_article(expected)}, not {value!r}"


def _article(words: str) -> str:
    return words if words.startswith(("true", "text", "one of")) else \
        ("an " if words[0] in "aeiou" else "a ") + words


@dataclass(frozen=True)
class StageType:
    """A stage type: what ``add_stage`` writes and what links it accepts."""

    type_name: str
    op: str | None
    node_type: str
    image: str
    label: str
    inputs: tuple[int, int]
    outputs: tuple[int, int]
    max_reference_inputs: int
    min_reference_inputs: int
    max_reject_outputs: int
    min_reject_outputs: int
    needs_connection: bool
    datasource_type: str | None
    default_node_parameters: dict[str, Any] = field(repr=False)
    default_input_port_parameters: dict[str, Any] = field(repr=False)
    default_output_port_parameters: dict[str, Any] = field(repr=False)
    default_source_props: dict[str, Any] | None = field(repr=False)
    default_target_props: dict[str, Any] | None = field(repr=False)
    isolated_node: dict[str, Any] | None = field(repr=False)
    properties: tuple[Property, ...] = field(repr=False)
    connection_fields: tuple[Property, ...] = field(repr=False)

    @property
    def name(self) -> str:
        return self.type_name

    def property(self, key: str) -> Property:
        """The property called *key* (its SDK name or its JSON alias); did-you-mean otherwise."""
        found = self._by_key().get(key)
        if found is None:
            keys = [p.name for p in self.properties] + [p.alias for p in self.properties]
            guess = closest(key, keys)
            listing = f"'flowzip stage types --properties \"{self.type_name}\"' lists them"
            hint = f"did you mean {guess!r}?" if guess else listing
            raise NotFoundError(f"{self.type_name} has no property {key!r}", hint=hint)
        return found

    def has_property(self, key: str) -> bool:
        return key in self._by_key()

    @cached_property
    def _index(self) -> dict[str, Property]:
        index = {p.alias: p for p in self.properties}
        index.update({p.name: p for p in self.properties})
        return index

    def _by_key(self) -> dict[str, Property]:
        return self._index

    @staticmethod
    def limit(value: int) -> float:
        return float("inf") if value == _UNBOUNDED else value


def _prop(row: list[Any]) -> Property:
    name, alias, type_, default, enum_values = row
    return Property(name, alias, type_, default, tuple(enum_values) if enum_values is not None else None)


def _stage_type(record: dict[str, Any]) -> StageType:
    limits = record.get("link_limits") or {}
    inputs = record.get("input_cardinality") or {"min": 0, "max": -1}
    outputs = record.get("output_cardinality") or {"min": 0, "max": -1}
    return StageType(
        type_name=record["type_name"],
        op=record.get("op"),
        node_type=record.get("node_type") or "execution_node",
        image=record.get("image") or "",
        label=record.get("ui_label") or record["type_name"],
        inputs=(inputs["min"], inputs["max"]),
        outputs=(outputs["min"], outputs["max"]),
        max_reference_inputs=limits.get("maxReferenceInputs", 0),
        min_reference_inputs=limits.get("minReferenceInputs", 0),
        max_reject_outputs=limits.get("maxRejectOutputs", 0),
        min_reject_outputs=limits.get("minRejectOutputs", 0),
        needs_connection=bool(record.get("needs_connection")),
        datasource_type=record.get("connection_datasource_type"),
        default_node_parameters=record.get("default_node_parameters") or {},
        default_input_port_parameters=record.get("default_input_port_parameters") or {},
        default_output_port_parameters=record.get("default_output_port_parameters") or {},
        default_source_props=record.get("default_source_props"),
        default_target_props=record.get("default_target_props"),
        isolated_node=record.get("serialized_isolated_node"),
        properties=tuple(_prop(row) for row in record.get("properties") or []),
        connection_fields=tuple(_prop(row) for row in record.get("connection_fields") or []),
    )


class Catalog:
    """Every stage type, by name and by op."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.sdk_version: str = data.get("sdk_version", "")
        self.types: list[StageType] = [_stage_type(r) for r in data["stages"]]
        self._by_name = {t.type_name: t for t in self.types}
        self._by_normalised = {normalise(t.type_name): t for t in self.types}
        self._by_op: dict[str, StageType] = {}
        for stage_type in self.types:
            if stage_type.op:
                self._by_op.setdefault(stage_type.op, stage_type)

    def __len__(self) -> int:
        return len(self.types)

    def __iter__(self):
        return iter(self.types)

    def names(self) -> list[str]:
        return [t.type_name for t in self.types]

    def get(self, name: str) -> StageType:
        """The type called *name*: exact, then ignoring case, spaces and ``/``; did-you-mean otherwise."""
        found = self._by_name.get(name) or self._by_normalised.get(normalise(name))
        if found is not None:
            return found
        guess = closest(name, self.names())
        hint = f"did you mean {guess!r}?" if guess else "'flowzip stage types' lists the 151 types"
        raise NotFoundError(f"unknown stage type {name!r}", hint=hint)

    def by_op(self, op: str | None) -> StageType | None:
        return self._by_op.get(op) if op else None


def stage_type_name(node: dict[str, Any]) -> str:
    """The name a stage node goes by, as ``show`` and ``diff`` print it: the SDK's type name when its op is
    in the catalog, ``Subflow`` / ``Local subflow`` for a subflow node, else what the node says it is."""
    op = node.get("op")
    known = catalog().by_op(op) if isinstance(op, str) else None
    if known is not None:
        return known.type_name
    node_type = node.get("type")
    if node_type == "super_node":
        ref = node.get("subflow_ref")
        ref = ref if isinstance(ref, dict) else {}
        return "Subflow" if ref.get("name") or ref.get("url") else "Local subflow"
    return str(op or node_type or "?")


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    """The shipped catalog (loaded once)."""
    raw = resources.files("flowzip").joinpath("data/stage_catalog.json.gz").read_bytes()
    try:
        return Catalog(orjson.loads(gzip.decompress(raw)))
    except (OSError, ValueError) as exc:  # pragma: no cover - a broken installation
        raise FlowzipError(f"the shipped stage catalog cannot be read: {exc}") from None
