"""Link columns: the schemas of a flow document and their fields, as the official SDK writes them.

A link's columns are a ``schemas`` entry of the flow document (``{"id", "fields": [...]}``) named by
``schema_ref`` on both halves of the link: the source stage's output port and the target stage's input
port.  A field is written as the SDK's ``Schema.add_field`` writes it: per ODBC type defaults (shipped
in ``data/field_types.json``, extracted from the SDK by ``tools/extract_field_types.py``), and each
keyword argument setting the keys the SDK sets for that type; the SDK's text-valued field properties
are joined, in the SDK's order, into ``app_data.apt_field_properties``.

Partitioning (``set_partitioning`` / ``add_partition_key``) lives on the target's input port
``parameters``: ``part_type``, ``part_coll``, ``keyColsPart`` and the options after them.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from importlib import resources
from typing import Any

import orjson

from ..errors import EditError
from ..suggest import closest
from .pipeline import new_id

__all__ = ["odbc_types", "field_type", "field_attributes", "new_field", "set_field_attribute", "field_attribute",
           "schema_by_id", "port_schema", "attach_schema", "set_schema_ref", "PART_TYPES", "set_partitioning",
           "add_partition_key", "remove_partition_key", "READABLE"]

# Source: the SDK's Schema.add_field / schema field classes (ibm-watsonx-data-integration 2.1.0), via
# tools/extract_field_types.py.
APT = "apt_field_properties"
#: What every field tells, whatever its type (read from any real field too).
READABLE = ("name", "odbc_type", "type", "nullable", "key", "length", "scale", "description", "source")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return orjson.loads(resources.files("flowzip").joinpath("data/field_types.json").read_bytes())


def odbc_types() -> list[str]:
    """The field types ``add_field`` takes (the SDK's ODBC type names), in the SDK's order."""
    return list(_data()["types"])


def _odbc(odbc_type: str) -> str:
    if not isinstance(odbc_type, str) or odbc_type.upper() not in _data()["types"]:
        guess = closest(str(odbc_type).upper(), odbc_types())
        hint = f"did you mean {guess!r}?" if guess else f"field types: {', '.join(odbc_types())}"
        raise EditError(f"unknown field type {odbc_type!r}", hint=hint)
    return odbc_type.upper()


@lru_cache(maxsize=1)
def _written_types() -> dict[str, str]:
    """The ODBC type as a field's ``app_data.odbc_type`` holds it -> the name ``add_field`` takes
    (the SDK writes NVARCHAR as WVARCHAR, NCHAR as WCHAR, LONGNVARCHAR as WLONGVARCHAR)."""
    return {field["app_data"]["odbc_type"]: odbc for odbc, field in _data()["types"].items()}


def field_type(field: dict[str, Any]) -> str | None:
    """The ``add_field`` type of a field (as written when it is none of them)."""
    written = _get_path(field, "app_data.odbc_type")
    return _written_types().get(written, written) if isinstance(written, str) else None


def field_attributes(odbc_type: str) -> list[str]:
    """The keyword arguments ``add_field`` takes for *odbc_type*."""
    odbc = _odbc(odbc_type)
    data = _data()
    direct = [name for name, by_type in data["attributes"].items() if odbc in by_type]
    return ["description", *(n for n in direct if n != "description"), *data["apt"].get(odbc, {})]


def _set_path(field: dict[str, Any], path: str, value: Any) -> None:
    *parents, last = path.split(".")
    target = field
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value


def _drop_path(field: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    target: Any = field
    for key in parents:
        target = target.get(key) if isinstance(target, dict) else None
    if isinstance(target, dict):
        target.pop(last, None)


def _get_path(field: dict[str, Any], path: str) -> Any:
    target: Any = field
    for key in path.split("."):
        if not isinstance(target, dict) or key not in target:
            return None
        target = target[key]
    return target


def _apt_items(text: str) -> list[tuple[str, str]] | None:
    """``key=value`` items of an ``apt_field_properties`` text, values whole (quoted, or braced lists that
    hold commas); None when the text is not such a list, so that it is never rewritten half-understood."""
    items, key, value, depth, quote, in_value = [], "", "", 0, False, False
    for char in text + ",":
        if quote:
            value += char
            quote = char != "'"
        elif char == "'" and in_value:
            value, quote = value + char, True
        elif char == "{" and in_value:
            value, depth = value + char, depth + 1
        elif char == "}" and in_value:
            if depth == 0:
                return None
            value, depth = value + char, depth - 1
        elif char == "," and depth == 0:
            if key:
                items.append((key, value))
            elif in_value:
                return None
            key, value, in_value = "", "", False
        elif char == "=" and not in_value and depth == 0:
            in_value = True
        elif in_value:
            value += char
        else:
            key += char
    if quote or depth:
        return None
    joined = ",".join(k if v == "" else f"{k}={v}" for k, v in items)
    return items if joined == text else None


def _apt_write(odbc: str, field: dict[str, Any], name: str, value: Any) -> None:
    spec = _data()["apt"][odbc]
    key, style = spec[name]
    app_data = field.setdefault("app_data", {})
    parsed = _apt_items(str(app_data.get(APT, "")))
    if parsed is None:
        raise EditError(f"the column's field properties ({app_data.get(APT)!r}) are not in a form flowzip can "
                        "edit without losing some; edit the document itself (flowzip patch)")
    items = dict(parsed)
    flag = style == "flag" or isinstance(style, list)  # true: the key (with a fixed text); false: nothing
    if value is None or (flag and not value):
        items.pop(key, None)
    elif flag:
        items[key] = style[1] if isinstance(style, list) else ""
    elif style == "quoted" and isinstance(value, str):
        items[key] = f"'{value}'"  # as the SDK writes it: quoted, not escaped
    else:
        items[key] = str(int(value)) if isinstance(value, bool) else str(value)
    order = [k for k, _ in spec.values()]
    ordered = sorted(items, key=lambda k: order.index(k) if k in order else len(order))
    text = ",".join(k if items[k] == "" else f"{k}={items[k]}" for k in ordered)
    if text:
        app_data[APT] = text
    else:
        app_data.pop(APT, None)


def set_field_attribute(field: dict[str, Any], name: str, value: Any) -> None:
    """Set one ``add_field`` attribute of *field* as the SDK writes it for the field's type."""
    _set_attribute(field, name, value)
    app_data = field.get("app_data")
    if isinstance(app_data, dict) and APT in app_data:
        app_data[APT] = app_data.pop(APT)  # the SDK joins them when it writes the field: the last key


def _set_attribute(field: dict[str, Any], name: str, value: Any) -> None:
    odbc = _odbc(field_type(field) or "UNKNOWN")
    data = _data()
    if name == "description":
        _set_path(field, "metadata.description", "" if value is None else str(value))
        return
    if name in data["attributes"] and odbc in data["attributes"][name]:
        base = data["types"][odbc]
        for path, how in data["attributes"][name][odbc]:
            if value is False and how != "not":
                # The SDK writes these only when they are on: off, the key keeps its default or is not there.
                if _get_path(base, path) is None:
                    _drop_path(field, path)
                else:
                    _set_path(field, path, _get_path(base, path) if isinstance(how, list) else value)
            elif how == "value":
                _set_path(field, path, value)
            elif how == "text":
                _set_path(field, path, str(value))
            elif how == "not":
                _set_path(field, path, not value)
            else:
                _set_path(field, path, how[1])
        return
    if name in data["apt"].get(odbc, {}):
        _apt_write(odbc, field, name, value)
        return
    takes = field_attributes(odbc)
    guess = closest(name, takes)
    raise EditError(f"a {odbc} field has no attribute {name!r}",
                    hint=f"did you mean {guess!r}?" if guess else f"it takes {', '.join(takes)}")


def new_field(odbc_type: str, name: str, **attributes: Any) -> dict[str, Any]:
    """A field as ``Schema.add_field(odbc_type, name, **attributes)`` writes it."""
    odbc = _odbc(odbc_type)
    if not isinstance(name, str) or not name:
        raise EditError("a column name cannot be empty")
    field = copy.deepcopy(_data()["types"][odbc])
    field["name"] = name
    order = _data()["order"]
    # In the order the SDK applies them: it decides the order of the keys they add.
    for key in sorted(attributes, key=lambda k: order.index(k) if k in order else len(order)):
        if attributes[key] is not None:
            set_field_attribute(field, key, attributes[key])
    return field


def field_attribute(field: dict[str, Any], name: str) -> Any:
    """What a field (built here or read from a real flow) says for one of :data:`READABLE`."""
    metadata = field.get("metadata") if isinstance(field.get("metadata"), dict) else {}
    if name == "odbc_type":
        return field_type(field)
    if name == "key":
        return metadata.get("is_key")
    if name == "length":
        return metadata.get("max_length")
    if name == "scale":
        return metadata.get("decimal_scale")
    if name == "description":
        return metadata.get("description")
    if name == "source":
        return metadata.get("source_field_id")
    return field.get(name)


# --------------------------------------------------------------------------- schemas of links


#: The schemas list last indexed, how many of its entries are indexed, id -> schema.  A flow's links are many
#: and each names a schema: a scan per lookup made propagation and lint quadratic in a flow's links.
_INDEX: list[Any] = [None, 0, {}]


def schema_by_id(document: dict[str, Any], schema_id: Any) -> dict[str, Any] | None:
    """The schema of *document* with id *schema_id* (None when there is none), from an index that follows
    the schemas list: entries appended since are indexed on the way, any other change rebuilds it."""
    schemas = document.get("schemas")
    if not schema_id or not isinstance(schemas, list):
        return None
    fresh = _INDEX[0] is not schemas or _INDEX[1] > len(schemas)
    if fresh:
        _INDEX[:] = [schemas, 0, {}]
    for schema in schemas[_INDEX[1]:]:
        if isinstance(schema, dict):
            _INDEX[2].setdefault(schema.get("id"), schema)
    _INDEX[1] = len(schemas)
    found = _INDEX[2].get(schema_id)
    if not fresh and (found is None or found.get("id") != schema_id):  # changed in place: index again
        _INDEX[:] = [None, 0, {}]
        return schema_by_id(document, schema_id)
    return found


def port_schema(document: dict[str, Any], *ports: dict[str, Any] | None) -> dict[str, Any] | None:
    """The schema the first of *ports* that names one names (a ``schema_ref`` naming no schema counts as
    none: the SDK writes such references)."""
    for port in ports:
        if isinstance(port, dict):
            found = schema_by_id(document, port.get("schema_ref"))
            if found is not None:
                return found
    return None


def attach_schema(document: dict[str, Any], source_port: dict[str, Any] | None, target_port: dict[str, Any],
                  fields: list[dict[str, Any]]) -> dict[str, Any]:
    """A new schema holding *fields*, named by both halves of a link (its old one is left for the caller to
    drop when nothing else names it)."""
    schema = {"id": new_id(), "fields": fields}
    if not isinstance(document.get("schemas"), list):
        document["schemas"] = []
    document["schemas"].append(schema)
    for port in (source_port, target_port):
        if isinstance(port, dict):
            set_schema_ref(port, schema["id"])
    return schema


def set_schema_ref(port: dict[str, Any], schema_id: str) -> None:
    """Name *schema_id* on *port*: where it was, else right after the port's ``id``, where the SDK writes it."""
    if "schema_ref" in port:
        port["schema_ref"] = schema_id
        return
    items = list(port.items())
    at = next((i + 1 for i, (k, _) in enumerate(items) if k == "id"), 0)
    items.insert(at, ("schema_ref", schema_id))
    port.clear()
    port.update(items)


# --------------------------------------------------------------------------- partitioning

# Source: the SDK's Link.set_partitioning / add_partition_key / remove_partition_key (models/flow/dag.py)
# and what its writer puts on the target's input port.
PART_TYPES = ("auto", "entire", "hash", "modulus", "random", "range", "roundrobin", "same")
_PART_OPTIONS = ("keyColSelect", "perform_sort", "part_stable", "part_unique")
_PART_KEYS = ("part_type", "part_coll", "keyColsPart", *_PART_OPTIONS)  # the order the SDK writes them in


def _in_order(parameters: dict[str, Any]) -> None:
    """The partitioning keys after the port's other parameters, in the SDK's order."""
    for key in _PART_KEYS:
        if key in parameters:
            parameters[key] = parameters.pop(key)


def _parameters(port: dict[str, Any]) -> dict[str, Any]:
    parameters = port.get("parameters")
    if not isinstance(parameters, dict):
        parameters = port["parameters"] = {}
    return parameters


def set_partitioning(port: dict[str, Any], part_type: str, perform_sort: bool | None = None,
                     part_stable: bool | None = None, part_unique: bool | None = None) -> None:
    """Partition the data a link brings into its target as ``Link.set_partitioning`` does."""
    if part_type not in PART_TYPES:
        guess = closest(str(part_type), list(PART_TYPES))
        raise EditError(f"unknown partitioning {part_type!r}",
                        hint=f"did you mean {guess!r}?" if guess else f"one of {', '.join(PART_TYPES)}")
    if perform_sort is not None and part_type not in ("hash", "range", "modulus"):
        raise EditError(f"perform_sort applies to hash, range and modulus partitioning, not {part_type}")
    if part_type == "auto" and (part_stable is not None or part_unique is not None):
        raise EditError("part_stable and part_unique do not apply to auto partitioning")
    parameters = _parameters(port)
    keys = parameters.get("keyColsPart") if isinstance(parameters.get("keyColsPart"), list) else []
    for name in _PART_KEYS:
        parameters.pop(name, None)
    parameters["part_type"] = part_type
    parameters["part_coll"] = "part_type"
    parameters["keyColsPart"] = keys
    if perform_sort is not None:
        parameters["perform_sort"] = perform_sort
    if part_type == "modulus":
        if perform_sort:
            parameters["keyColSelect"] = "default"
        elif keys:
            parameters["keyColSelect"] = keys[0].get("keyCol")
    if part_stable is not None:
        parameters["part_stable"] = part_stable
    if part_unique is not None:
        parameters["part_unique"] = part_unique
    _in_order(parameters)


def add_partition_key(port: dict[str, Any], key_col: str, sorting: bool = False, case_sensitive: bool = True,
                      sort_order: str = "asc", ebcdic: bool = False) -> None:
    parameters = _parameters(port)
    if "part_type" not in parameters:
        raise EditError("the link has no partitioning: set_partitioning first (a partition key needs a "
                        "partitioning type)")
    if sort_order not in ("asc", "desc"):
        raise EditError(f"sort_order must be 'asc' or 'desc', not {sort_order!r}")
    keys = parameters.setdefault("keyColsPart", [])
    if parameters["part_type"] == "modulus" and not parameters.get("perform_sort") and keys:
        raise EditError("modulus partitioning without perform_sort takes one partition key")
    if any(isinstance(k, dict) and k.get("keyCol") == key_col for k in keys):
        raise EditError(f"{key_col!r} is already a partition key")
    key: dict[str, Any] = {"keyCol": key_col, "partitioning": True, "sorting": sorting,
                           "ci-cs": "cs" if case_sensitive else "ci", "asc-desc": sort_order}
    if ebcdic:
        key["ebcdic"] = "ebcdic"
    keys.append(key)
    if parameters["part_type"] == "modulus" and not parameters.get("perform_sort") and len(keys) == 1:
        parameters["keyColSelect"] = key_col
    _in_order(parameters)


def remove_partition_key(port: dict[str, Any], key_col: str) -> None:
    parameters = _parameters(port)
    keys = parameters.get("keyColsPart") if isinstance(parameters.get("keyColsPart"), list) else []
    names = [k.get("keyCol") for k in keys if isinstance(k, dict)]
    if key_col not in names:
        guess = closest(key_col, [str(n) for n in names])
        raise EditError(f"{key_col!r} is not a partition key",
                        hint=f"did you mean {guess!r}?" if guess else f"keys: {', '.join(map(str, names)) or 'none'}")
    parameters["keyColsPart"] = [k for k in keys if not (isinstance(k, dict) and k.get("keyCol") == key_col)]
    if parameters.get("part_type") == "modulus" and not parameters.get("perform_sort") \
            and not parameters["keyColsPart"]:
        parameters.pop("keyColSelect", None)
