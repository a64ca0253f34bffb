"""Typed views over a link's columns, with the SDK's names: ``link.create_schema().add_field(...)``.

A :class:`Schema` is attached to a link (its fields live in the flow document, edits land there at once)
or detached (``select_fields`` returns one; ``link.schema = detached`` gives a link copies of its
fields).  A :class:`Field` is one column: ``field.nullable = True``, ``field.length = 40``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from ..document.columns import READABLE, field_attribute, new_field, set_field_attribute
from ..errors import EditError, NotFoundError
from ..suggest import closest

__all__ = ["Field", "Schema"]


class Field:
    """One column of a link: ``name``, ``odbc_type``, ``nullable``, ``key``, ``length``, ``scale``,
    ``description``, ``source`` (the ``source_field_id``, ``"Link_1.NAME"``); setting one writes it as the
    SDK writes that attribute for the field's type."""

    _WRITABLE = ("nullable", "key", "length", "scale", "description", "source", "unicode", "unsigned")

    def __init__(self, field: dict[str, Any], on_change: Any = None) -> None:
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "_on_change", on_change)

    def __getattr__(self, name: str) -> Any:
        if name in READABLE:
            return field_attribute(self.field, name)
        raise AttributeError(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "name":
            if not isinstance(value, str) or not value:
                raise EditError("a column name cannot be empty")
            self.field["name"] = value
        else:
            set_field_attribute(self.field, name, value)
        if self._on_change is not None:
            self._on_change()

    def to_dict(self) -> dict[str, Any]:
        return {name: field_attribute(self.field, name) for name in READABLE}

    def __repr__(self) -> str:
        return f"Field(name={self.name!r}, odbc_type={self.odbc_type!r}, nullable={self.nullable!r})"


class Schema:
    """The columns of a link (or a detached set of columns)."""

    def __init__(self, schema: dict[str, Any] | None = None, on_change: Any = None) -> None:
        self.schema = schema if schema is not None else {"fields": []}
        self._on_change = on_change

    @property
    def attached(self) -> bool:
        return "id" in self.schema

    @property
    def _fields(self) -> list[Any]:
        fields = self.schema.get("fields")
        if not isinstance(fields, list):
            fields = self.schema["fields"] = []
        return fields

    @property
    def fields(self) -> list[Field]:
        return [Field(f, self._on_change) for f in self._fields if isinstance(f, dict)]

    def __iter__(self) -> Iterator[Field]:
        return iter(self.fields)

    def __len__(self) -> int:
        return len(self.fields)

    def __repr__(self) -> str:
        return f"Schema(fields={[f.name for f in self.fields]!r})"

    def names(self) -> list[str]:
        return [str(f.name) for f in self.fields]

    def _changed(self) -> None:
        if self._on_change is not None:
            self._on_change()

    def get_field(self, name: str) -> Field:
        for field in self.fields:
            if field.name == name:
                return field
        guess = closest(name, self.names())
        listing = f"columns: {', '.join(self.names()) or 'none'}"
        raise NotFoundError(f"no column named {name!r}", hint=f"did you mean {guess!r}?" if guess else listing)

    def add_field(self, odbc_type: str, name: str, description: str = "", **attributes: Any) -> Field:
        """A new last column, as the SDK's ``Schema.add_field`` writes it; names are unique."""
        if any(isinstance(f, dict) and f.get("name") == name for f in self._fields):
            raise EditError(f"the schema already has a column named {name!r}")
        field = new_field(odbc_type, name, description=description, **attributes)
        self._fields.append(field)
        self._changed()
        return Field(field, self._on_change)

    def remove_field(self, name: str) -> Schema:
        """Drop the column *name* (an error when there is none: a typo must not pass)."""
        self.get_field(name)
        self.schema["fields"] = [f for f in self._fields if not (isinstance(f, dict) and f.get("name") == name)]
        self._changed()
        return self

    @classmethod
    def from_rows(cls, rows: list[dict[str, Any]]) -> Schema:
        """A detached schema from rows of ``name``, ``type`` (the ODBC type) and attributes (a columns file)."""
        schema = cls()
        names: set[str] = set()
        for number, row in enumerate(rows, 1):
            attributes = {k: v for k, v in row.items() if k not in ("name", "type")}
            name = str(row["name"])
            try:
                if name in names:
                    raise EditError(f"a second column named {name!r}")
                schema._fields.append(new_field(str(row["type"]), name, **attributes))
            except EditError as exc:
                raise EditError(f"row {number} ({name}): {exc}") from None
            names.add(name)
        return schema

    def select_fields(self, *names: str) -> Schema:
        """A detached schema holding copies of the columns named, in this schema's order (as the SDK's)."""
        for name in names:
            self.get_field(name)
        return Schema({"fields": [copy.deepcopy(f) for f in self._fields
                                  if isinstance(f, dict) and f.get("name") in names]})
