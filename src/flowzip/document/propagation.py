"""Column propagation offline: the columns on every link, computed as the platform's automatic column
propagation (the official SDK's ACP) computes them.

Links are visited in the SDK's order (sources first, topologically; a stage's links out after all its links
in).  A link whose columns are declared keeps them; a link out of a stage that has input links gets the
columns the stage's rule computes from the columns on its inputs: the general rule passes every input column
through (``metadata.source_field_id`` = ``"<input link>.<column>"``), and stage types with their own rule
(Join by join type, Lookup, Merge, Funnel, Aggregator, Compare, Checksum, Column Export/Import/Generator,
Combine Records, Make Subrecord/Vector, Difference, Sort, Surrogate Key, Generic, Change Capture/Apply,
Pivot, Standardize, Address Verification, Complex Flat File, Investigate, Match Frequency, Rest, local
subflows) add, drop or rename columns.  Stages with no rule (Peek, Data set,
Transformer outputs are declared, ...) give their links no computed columns.

Source: ``services/datastage/models/acp.py`` and ``extractor.py`` of ibm-watsonx-data-integration 2.1.0
(Apache-2.0), re-written here; the SDK's failures (an assertion where a Compare input has no declared
columns) become "no columns"; its defects are not copied (see docs/columns.md).
"""

from __future__ import annotations

import copy
import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import orjson

from .columns import port_schema, schema_by_id, set_schema_ref
from .pipeline import new_id

__all__ = ["LinkRef", "pipeline_links", "propagation_order", "topological_ranks", "compute_link_columns", "propagate",
           "PropagationResult", "derive_values", "stale_columns", "StaleColumn", "RULE_OPS", "NO_RULE"]

METADATA_KEYS = ("description", "measure", "modeling_role", "max_length", "min_length", "decimal_precision",
                 "decimal_scale", "values", "range", "runtime_type", "is_key", "is_signed", "item_index",
                 "source_field_id")
FIELD_KEYS = ("name", "type", "nullable", "metadata", "app_data")


@dataclass
class LinkRef:
    """One link of a pipeline: the link object, its two ends and their ports."""

    link: dict[str, Any]
    source: dict[str, Any] | None
    source_port: dict[str, Any] | None
    target: dict[str, Any]
    target_port: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.link.get("link_name") or "")

    @property
    def type(self) -> str:
        kind = self.link.get("type_attr")
        return kind if isinstance(kind, str) else "PRIMARY"


def pipeline_links(pipeline: dict[str, Any]) -> list[LinkRef]:
    """Every link between stages of *pipeline*, with its ends."""
    nodes = [n for n in pipeline.get("nodes") or [] if isinstance(n, dict)]
    by_id = {n.get("id"): n for n in nodes}
    found = []
    for node in nodes:
        for port in node.get("inputs") or []:
            if not isinstance(port, dict):
                continue
            for link in port.get("links") or []:
                if not isinstance(link, dict):
                    continue
                source = by_id.get(link.get("node_id_ref"))
                source_port = None
                if source is not None:
                    source_port = next((p for p in source.get("outputs") or [] if isinstance(p, dict)
                                        and p.get("id") == link.get("port_id_ref")), None)
                found.append(LinkRef(link, source, source_port, node, port))
    return found


def _out_of(pipeline: dict[str, Any], links: list[LinkRef]) -> dict[int, list[LinkRef]]:
    """Stage (by ``id()``) -> the links out of it, in the order of its output ports (the order made)."""
    out_of: dict[int, list[LinkRef]] = {}
    for ref in links:
        if ref.source is not None:
            out_of.setdefault(id(ref.source), []).append(ref)
    for refs in out_of.values():
        source = refs[0].source
        ports = [p.get("id") for p in (source or {}).get("outputs") or [] if isinstance(p, dict)]
        refs.sort(key=lambda r: ports.index(r.link.get("port_id_ref")) if r.link.get("port_id_ref") in ports
                  else len(ports))
    return out_of


def topological_ranks(pipeline: dict[str, Any], links: list[LinkRef]) -> dict[int, int]:
    """Stage (by ``id()``) -> its place in the SDK's topological order (Kahn, first come first served;
    stages in cycles after the rest, in document order)."""
    nodes = [n for n in pipeline.get("nodes") or [] if isinstance(n, dict)]
    out_of = _out_of(pipeline, links)
    indegree = {id(n): 0 for n in nodes}
    for ref in links:
        if ref.source is not None:
            indegree[id(ref.target)] = indegree.get(id(ref.target), 0) + 1
    queue = [n for n in nodes if indegree[id(n)] == 0]
    order: list[dict[str, Any]] = []
    seen: set[int] = set()
    while queue:
        node = queue.pop(0)
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        for ref in out_of.get(id(node), []):
            indegree[id(ref.target)] -= 1
            if indegree[id(ref.target)] == 0:
                queue.append(ref.target)
    order += [n for n in nodes if id(n) not in seen]
    return {id(n): i for i, n in enumerate(order)}


def propagation_order(pipeline: dict[str, Any], links: list[LinkRef]) -> list[LinkRef]:
    """The links in the order the SDK computes them: stages in topological order, each stage's links out
    grouped by target in topological order, each group in port order."""
    rank = topological_ranks(pipeline, links)
    out_of = _out_of(pipeline, links)
    nodes = sorted((n for n in pipeline.get("nodes") or [] if isinstance(n, dict)), key=lambda n: rank[id(n)])
    ordered = []
    for node in nodes:
        ordered += sorted(out_of.get(id(node), []), key=lambda r: rank[id(r.target)])  # stable: port order
    return ordered


# --------------------------------------------------------------------------- fields


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _copy(value: Any) -> dict[str, Any]:
    """A copy of a column's metadata or app_data: scalars shared, lists and objects copied."""
    return {k: copy.deepcopy(v) if isinstance(v, (dict, list)) else v for k, v in _dict(value).items()}


def _ordered_metadata(metadata: Any) -> dict[str, Any]:
    metadata = metadata if isinstance(metadata, dict) else {}
    return {key: metadata[key] for key in METADATA_KEYS if metadata.get(key) is not None}


def passed(link_name: str, column: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    """A column passed through from the link *link_name* (renamed to *name*): its lineage is
    ``"<link>.<column>"``."""
    metadata = _ordered_metadata(_copy(column.get("metadata")))
    metadata["source_field_id"] = f"{link_name}.{column.get('name')}"
    return {"name": name if name is not None else column.get("name"), "type": column.get("type", "unknown"),
            "nullable": bool(column.get("nullable", False)), "metadata": metadata,
            "app_data": _copy(column.get("app_data"))}


def copied(column: dict[str, Any]) -> dict[str, Any]:
    """A column copied as it is (its lineage kept)."""
    return {"name": column.get("name"), "type": column.get("type", "unknown"),
            "nullable": bool(column.get("nullable", False)),
            "metadata": _ordered_metadata(_copy(column.get("metadata"))),
            "app_data": _copy(column.get("app_data"))}


def _new(name: str, kind: str, nullable: bool, metadata: dict[str, Any], app_data: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "type": kind, "nullable": nullable, "metadata": _ordered_metadata(metadata),
            "app_data": dict(app_data)}


def _zeros(**extra: Any) -> dict[str, Any]:
    """max/min length, precision and scale 0, not a key: the metadata of most columns a stage adds."""
    return {"max_length": 0, "min_length": 0, "decimal_precision": 0, "decimal_scale": 0, "is_key": False,
            **extra}


# --------------------------------------------------------------------------- rules

Inputs = list[tuple[LinkRef, list[dict[str, Any]]]]  # input links of the stage, in port order, with columns


def _params(node: dict[str, Any]) -> dict[str, Any]:
    parameters = node.get("parameters")
    return parameters if isinstance(parameters, dict) else {}


def _general(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    return [passed(ref.name, column) for ref, columns in inputs for column in columns]


def _by_name(columns: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(c.get("name")): c for c in columns}


Labelled = list[tuple[str, LinkRef, list[dict[str, Any]]]]


def _labelled(node: dict[str, Any], inputs: Inputs, auto: Callable[[int, int, LinkRef], str]) -> Labelled:
    """Inputs with their ordering labels: from ``InputlinkOrderingList`` when it names inputs, else by
    port order as the SDK labels them."""
    entries = _params(node).get("InputlinkOrderingList")
    labelled = []
    if isinstance(entries, list) and entries:
        by_name = {ref.name: (ref, cols) for ref, cols in inputs}
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("link_name"), str) and entry["link_name"] in by_name:
                ref, cols = by_name[entry["link_name"]]
                labelled.append((str(entry.get("link_label")), ref, cols))
        return labelled
    return [(auto(i, len(inputs), ref), ref, cols) for i, (ref, cols) in enumerate(inputs)]


def _keys(node: dict[str, Any], name: str = "keyProperties", key: str = "key") -> set[str]:
    return {str(k.get(key)) for k in _params(node).get(name) or [] if isinstance(k, dict) and key in k}


def _join(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    operator = _params(node).get("operator", "innerjoin")
    labelled = _labelled(node, inputs, lambda i, n, r: "Left" if i == 0 else "Right" if i == n - 1
                         else f"Intermediate {i}")
    result: dict[str, dict[str, Any]] = {}

    def take(label: str, replace: bool, only: Callable[[dict[str, Any]], bool] = lambda c: True) -> None:
        for entry_label, ref, columns in labelled:
            if entry_label != label:
                continue
            for column in columns:
                if not only(column):
                    continue
                name = str(column.get("name"))
                if replace or name not in result:
                    result[name] = passed(ref.name, column)

    middles = [f"Intermediate {i}" for i in range(1, len(inputs))]
    if operator in ("innerjoin", "leftouterjoin"):
        take("Left", True)
        for label in middles:
            take(label, False)
        take("Right", False)
        return list(result.values())
    keys = _keys(node)
    if operator == "rightouterjoin":
        if not keys:
            return None
        take("Right", True, lambda c: str(c.get("name")) in keys)
        take("Left", False)
        for label in middles:
            take(label, False)
        take("Right", False)
        return list(result.values())
    if operator == "fullouterjoin":
        if not keys or len(inputs) != 2:
            return None
        for label, prefix in (("Left", "leftRec_"), ("Right", "rightRec_")):
            for entry_label, ref, columns in labelled:
                if entry_label != label:
                    continue
                for column in columns:
                    name = str(column.get("name"))
                    if name in keys:
                        result[prefix + name] = passed(ref.name, column, prefix + name)
                    elif label == "Left" or name not in result:
                        result[name] = passed(ref.name, column)
        return list(result.values())
    return None


def _main_then_rest(labels: tuple[Callable[[int, int, LinkRef], str], str, str]) -> Callable[..., Any]:
    auto, first, rest = labels

    def rule(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
        labelled = _labelled(node, inputs, auto)
        result: dict[str, dict[str, Any]] = {}
        for label, ref, columns in labelled:
            if label == first:
                for column in columns:
                    result[str(column.get("name"))] = passed(ref.name, column)
        for i in range(1, len(inputs)):
            for label, ref, columns in labelled:
                if label == f"{rest} {i}":
                    for column in columns:
                        result.setdefault(str(column.get("name")), passed(ref.name, column))
        return list(result.values())

    return rule


def _lookup_auto(i: int, n: int, ref: LinkRef) -> str:
    return "Primary" if ref.type != "REFERENCE" else "Lookup"


def _lookup(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    if isinstance(_params(node).get("InputlinkOrderingList"), list) and _params(node)["InputlinkOrderingList"]:
        return _main_then_rest((_lookup_auto, "Primary", "Lookup"))(node, inputs, out)
    primaries = [(r, c) for r, c in inputs if r.type != "REFERENCE"]
    references = [(r, c) for r, c in inputs if r.type == "REFERENCE"]
    result: dict[str, dict[str, Any]] = {}
    for ref, columns in primaries:
        for column in columns:
            result[str(column.get("name"))] = passed(ref.name, column)
    for ref, columns in references:
        for column in columns:
            result.setdefault(str(column.get("name")), passed(ref.name, column))
    return list(result.values())


def _merge(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    if out.type == "REJECT":
        # The SDK's reject-link rule reads the wrong ordering entry and always ends with no columns, or with
        # none at all when no output ordering is set; its columns are those of the update link it rejects.
        return None if not _params(node).get("OutputlinkOrderingList") else []
    return _main_then_rest((lambda i, n, r: "Main" if i == 0 else f"Update {i}", "Main", "Update"))(node, inputs, out)


def _funnel(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    if not inputs:
        return []
    widest = max(inputs, key=lambda item: len(item[1]))[1] if any(c for _, c in inputs) else []
    # the first input with strictly the most columns
    for _, columns in inputs:
        if len(columns) == len(widest):
            widest = columns
            break
    kept = []
    for column in widest:
        odbc = _dict(column.get("app_data")).get("odbc_type")
        if odbc is None:
            continue
        if all(any(other.get("name") == column.get("name") and other.get("type") == column.get("type")
                   and _dict(other.get("app_data")).get("odbc_type") == odbc for other in columns)
               for _, columns in inputs):
            kept.append(copied(column))
    return kept


def _generic(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    labelled = _labelled(node, inputs, lambda i, n, r: str(i))
    result: dict[str, dict[str, Any]] = {}
    for i in range(len(inputs)):
        for label, ref, columns in labelled:
            if label == str(i):
                for column in columns:
                    result.setdefault(str(column.get("name")), passed(ref.name, column))
    return list(result.values())


def _then(extra: Callable[[dict[str, Any], Inputs], list[dict[str, Any]]]) -> Callable[..., Any]:
    """The general rule, then the columns *extra* adds."""
    def rule(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
        return [passed(ref.name, column) for ref, columns in inputs for column in columns] + extra(node, inputs)
    return rule


_STRING_APP = {"odbc_type": "CHAR", "is_unicode_string": False, "type_code": "STRING"}


def _checksum_column(node: dict[str, Any], inputs: Inputs) -> list[dict[str, Any]]:
    # The SDK always names it "checksum" here, whatever checksum_name says.
    return [_new("checksum", "string", False, {"max_length": 32, "min_length": 32, "decimal_precision": 0,
                                                "decimal_scale": 0, "is_key": False, "is_signed": True}, _STRING_APP)]


def _generated(name: str) -> dict[str, Any]:
    return _new(name, "string", False, _zeros(is_signed=True),
                {"odbc_type": "VARCHAR", "is_unicode_string": False, "type_code": "STRING"})


def _schema_names(node: dict[str, Any]) -> list[str]:
    names = []
    for item in _params(node).get("schema") or []:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict) and isinstance(item.get("ColumnName"), str):
            names.append(item["ColumnName"])
    return names


def _column_generator(node: dict[str, Any], inputs: Inputs) -> list[dict[str, Any]]:
    return [_generated(name) for name in _schema_names(node)]


def _column_import(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    imported = _params(node).get("field", " ")
    result: dict[str, dict[str, Any]] = {}
    for ref, columns in inputs:
        for column in columns:
            if column.get("name") != imported:
                result[str(column.get("name"))] = passed(ref.name, column)
    for name in _schema_names(node):
        result.setdefault(name, _generated(name))
    return list(result.values())


def _column_export(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    parameters = _params(node)
    dropped = set(_schema_names(node)) if parameters.get("keepExportedFields", " ") == " " and \
        parameters.get("selection", "explicit") == "explicit" else set()
    result = [passed(ref.name, c) for ref, columns in inputs for c in columns if c.get("name") not in dropped]
    kind = parameters.get("type", "raw")
    as_binary = kind == "ustring"  # the SDK's mapping of raw and ustring looks swapped; it is what it writes
    app = ({"is_unicode_string": False, "odbc_type": "VARBINARY", "type_code": "BINARY"} if as_binary else
           {"is_unicode_string": kind == "raw", "odbc_type": "VARCHAR", "type_code": "STRING"})
    result.append(_new(str(parameters.get("field")), "binary" if as_binary else "string", False,
                       {"max_length": parameters.get("maxLength", 200), "min_length": 0, "decimal_precision": 0,
                        "decimal_scale": 0, "is_key": False, "is_signed": False}, app))
    return result


def _subrecord(source_from: str | None) -> Callable[[dict[str, Any], Inputs], list[dict[str, Any]]]:
    def extra(node: dict[str, Any], inputs: Inputs) -> list[dict[str, Any]]:
        key = "name" if source_from == "name" else "subrecname"
        name = _params(node).get(key)
        if not name:
            return []
        metadata = {"max_length": 32, "min_length": 32, "decimal_precision": 0, "decimal_scale": 0,
                    "is_key": False, "is_signed": False}
        if source_from == "link" and inputs:
            metadata["source_field_id"] = f"{inputs[-1][0].name}.{name}"
        elif source_from == "name":
            metadata["source_field_id"] = str(name)
        return [_new(str(name), "string", False, metadata, _STRING_APP)]
    return extra


_TINY = {"odbc_type": "TINYINT", "is_unicode_string": False, "type_code": "INT8"}


def _difference(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    result: dict[str, dict[str, Any]] = {}
    for ref, columns in inputs:
        for column in columns:
            result.setdefault(str(column.get("name")), passed(ref.name, column))
    result["diff"] = _new("diff", "integer", False, _zeros(is_signed=False), _TINY)
    return list(result.values())


def _sort_columns(node: dict[str, Any], inputs: Inputs) -> list[dict[str, Any]]:
    parameters = _params(node)
    added = []
    for key, name in (("flagKey", "keyChange"), ("flagCluster", "clusterKeyChange")):
        if parameters.get(key) == key:
            added.append(_new(name, "unknown", False, _zeros(is_signed=True), _TINY))
    return added


def _surrogate_key(node: dict[str, Any], inputs: Inputs) -> list[dict[str, Any]]:
    name = _params(node).get("output_key")
    if not name:
        return []
    return [_new(str(name), "integer", False, {"min_length": 0, "decimal_precision": 0, "decimal_scale": 0,
                                                "is_key": False, "is_signed": False},
                 {"odbc_type": "BIGINT", "is_unicode_string": False, "type_code": "INT64"})]


def _two_inputs(node: dict[str, Any], inputs: Inputs, first: str, second: str) -> tuple[Any, Any] | None:
    """Compare / Change Capture / Change Apply: the two inputs by their labels (any case), else by port."""
    if len(inputs) != 2:
        return None
    entries = _params(node).get("InputlinkOrderingList") or []
    by_label = {str(e.get("link_label", "")).lower(): e.get("link_name") for e in entries
                if isinstance(e, dict) and isinstance(e.get("link_name"), str)}
    by_name = {ref.name: (ref, cols) for ref, cols in inputs}
    one, two = by_label.get(first), by_label.get(second)
    if one is None and two is None:
        return inputs[0], inputs[1]
    if (one is not None and one not in by_name) or (two is not None and two not in by_name):
        return None
    if one is None:
        picked_two = by_name[two]
        return next(i for i in inputs if i[0] is not picked_two[0]), picked_two
    picked_one = by_name[one]
    if two is None:
        return picked_one, next(i for i in inputs if i[0] is not picked_one[0])
    return picked_one, by_name[two]


_COMPARE_META = {"description": "Compare output", "max_length": 0, "min_length": 0, "decimal_precision": 0,
                 "decimal_scale": 0, "is_key": False}


def _compare(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    pair = _two_inputs(node, inputs, "first", "second")
    if pair is None:
        return None
    result = []
    for label, (ref, columns) in zip(("first", "second"), pair):
        result += [passed(ref.name, c, f"{label}.{c.get('name')}") for c in columns]
        result.append(_new(label, "string", False, {**_COMPARE_META, "is_signed": False},
                           {"is_unicode_string": False, "odbc_type": "UNKNOWN", "type_code": "UNKNOWN"}))
    result.append(_new("result", "integer", False, {**_COMPARE_META, "is_signed": True},
                       {"is_unicode_string": False, "odbc_type": "INTEGER", "type_code": "INT32"}))
    return result


def _change_capture(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    pair = _two_inputs(node, inputs, "before", "after")
    if pair is None:
        return None
    (before, before_columns), (after, after_columns) = pair
    values = _keys(node, "valueProperties", "value")
    result: dict[str, dict[str, Any]] = {}
    for column in after_columns:
        result[str(column.get("name"))] = passed(before.name, column)
    for column in before_columns:
        name = str(column.get("name"))
        if name not in result and name not in values:
            result[name] = passed(before.name, column)
    code = str(_params(node).get("codeField") or "change_code")
    result[code] = _new(code, "integer", True, _zeros(is_signed=True), _TINY)
    return list(result.values())


def _change_apply(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    pair = _two_inputs(node, inputs, "before", "change")
    if pair is None:
        return None
    (before, _), (_, change_columns) = pair
    code = str(_params(node).get("codeField") or "change_code")
    return [passed(before.name, c) for c in change_columns if c.get("name") != code]


def _fixed(columns: list[tuple[str, str, str, str, bool, str]]) -> Callable[..., Any]:
    """A stage whose output is a fixed set of columns whatever its inputs (Investigate, Match Frequency)."""
    def rule(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
        return [_new(name, kind, False, {"description": description, **_zeros(is_signed=False)},
                     {"odbc_type": odbc, "is_unicode_string": unicode, "type_code": code})
                for name, kind, odbc, code, unicode, description in columns]
    return rule


_INVESTIGATE = [
    ("qsInvColumnName", "string", "VARCHAR", "STRING", True,
     "Investigate pattern report: input column name(s) being investigated"),
    ("qsInvPattern", "string", "VARCHAR", "STRING", True, "Investigate pattern report: generated format pattern"),
    ("qsInvSample", "string", "VARCHAR", "STRING", True, "Investigate pattern report: sample data value"),
    ("qsInvCount", "double", "DOUBLE", "DFLOAT", True,
     "Investigate pattern token reports: frequency count of occurrences"),
    ("qsInvPercent", "double", "FLOAT", "SFLOAT", True,
     "Investigate pattern report: frequency count of occurrences expressed as percentage of whole"),
]
_MATCH_FREQUENCY = [
    ("qsFreqValue", "string", "VARCHAR", "STRING", True, "Frequency output: variable name or value"),
    ("qsFreqCounts", "string", "VARCHAR", "STRING", True, "Frequency output: frequency counts"),
    ("qsFreqColumnID", "integer", "INTEGER", "INT32", False, "Frequency output: variable numeric identifier"),
    ("qsFreqHeaderFlag", "integer", "TINYINT", "INT8", False,
     "Frequency output: flag to indicate variable header record, or regular record"),
]

_AGGREGATES = ("css", "max", "mean", "min", "missing", "count", "cv", "range", "std", "ste", "sumw", "sum", "uss",
               "var")
_SUMMARY_PARTS = ("n", "nMissing", "sumOfWeights", "minimum", "maximum", "mean", "css")


def _groups(value: Any) -> list[list[dict[str, Any]]]:
    """Aggregator property groups: a list of groups, each a list of one-key dicts (a flat list of dicts is
    read as one group per dict)."""
    groups = []
    for item in value or []:
        if isinstance(item, list):
            groups.append([d for d in item if isinstance(d, dict)])
        elif isinstance(item, dict):
            groups.append([item])
    return groups


def _aggregator(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    parameters = _params(node)
    selection = parameters.get("selection", "reduce")
    keys = _keys(node)
    result: list[dict[str, Any]] = []

    def agg(name: str) -> dict[str, Any]:
        return _new(name, "double", False, {**_zeros(is_signed=False), "max_length": 100},
                    {"odbc_type": "DOUBLE", "is_unicode_string": False, "type_code": "DFLOAT"})

    def small(name: str, nullable: bool, odbc: str, code: str, **extra: Any) -> dict[str, Any]:
        app = ({"odbc_type": odbc, "type_code": code, "is_unicode_string": False} if odbc == "UNKNOWN" else
               {"odbc_type": odbc, "is_unicode_string": False, "type_code": code})
        return _new(name, "double", nullable, {**_zeros(is_signed=False), "max_length": 6, **extra}, app)

    if selection not in ("reduce", "rereduce", "countField"):
        return None
    groups = _groups(parameters.get({"reduce": "reduceProperties", "rereduce": "rereduceProperties",
                                     "countField": "countFieldProperties"}[selection]))
    for ref, columns in inputs:
        for column in columns:
            name = column.get("name")
            for _ in range(sum(1 for k in keys if k == name)):
                result.append(passed(ref.name, column))
            if selection == "countField":
                continue
            for group in groups:
                if not any(d.get(selection) == name for d in group):
                    continue
                for entry in group:
                    for key, value in entry.items():
                        if key in _AGGREGATES:
                            result.append(agg(str(value)))
                        elif key == "summary" and selection == "reduce":
                            result.append(small(str(value), False, "UNKNOWN", "UNKNOWN"))
                            result += [small(f"{value}.{part}", True, "DOUBLE", "DFLOAT", item_index=2)
                                       for part in _SUMMARY_PARTS]
    if selection == "countField":
        for group in groups:
            for entry in group:
                if "countField" in entry:
                    result.append(small(str(entry["countField"]), True, "DOUBLE", "DFLOAT"))
    return result


def _empty(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    return []


#: ODBC type -> (document type, type code), as propagation writes new columns of that type.
TYPE_DATA = {
    "BIGINT": ("integer", "INT64"), "BINARY": ("binary", "BINARY"), "BIT": ("boolean", "BOOLEAN"),
    "CHAR": ("string", "STRING"), "DATE": ("date", "DATE"), "DECIMAL": ("double", "DECIMAL"),
    "DOUBLE": ("double", "DFLOAT"), "FLOAT": ("double", "SFLOAT"), "INTEGER": ("integer", "INT32"),
    "LONGVARBINARY": ("binary", "BINARY"), "LONGVARCHAR": ("string", "STRING"), "NUMERIC": ("double", "DECIMAL"),
    "REAL": ("double", "SFLOAT"), "SMALLINT": ("integer", "INT16"), "TIME": ("time", "TIME"),
    "TIMESTAMP": ("timestamp", "DATETIME"), "TINYINT": ("integer", "INT8"), "UNKNOWN": ("string", "UNKNOWN"),
    "VARBINARY": ("binary", "BINARY"), "VARCHAR": ("string", "STRING"), "WCHAR": ("string", "STRING"),
    "WLONGVARCHAR": ("string", "STRING"),
}


def _pivot(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    parameters = _params(node)
    props = [p for p in parameters.get("pivotProperties") or [] if isinstance(p, dict)]
    if not props:
        return None
    vertical = parameters.get("pivot_type", "pivot") != "pivot"
    result: list[dict[str, Any]] = []
    for ref, columns in inputs:
        for column in columns:
            name = column.get("name")
            matched = [p for p in props if p.get("name" if vertical else "derivation") == name]
            if not matched:
                result.append(passed(ref.name, column))
                continue
            for prop in matched:
                if not vertical:
                    pivoted = copied(column)
                    pivoted["name"] = prop.get("name")
                    if "sqlType" in prop:
                        pivoted["app_data"]["odbc_type"] = prop["sqlType"]
                    if "length" in prop:
                        try:
                            pivoted["metadata"]["max_length"] = int(prop["length"])
                        except (TypeError, ValueError):
                            pass  # a length that is no number: the column keeps its own
                    if "scale" in prop:
                        pivoted["metadata"]["decimal_scale"] = prop["scale"]
                    pivoted["metadata"] = _ordered_metadata(pivoted["metadata"])
                    result.append(pivoted)
                    continue
                if prop.get("sqlType") in TYPE_DATA:
                    kind, code = TYPE_DATA[prop["sqlType"]]
                    result.append(_new(str(name), kind, bool(column.get("nullable")),
                                       {"max_length": prop.get("length"), "min_length": prop.get("length"),
                                        "decimal_scale": prop.get("scale"), "is_signed": prop.get("signed")},
                                       {"odbc_type": prop["sqlType"], "type_code": code,
                                        "is_unicode_string": prop.get("unicode") or None}))
                for function in prop.get("aggFunction") or []:
                    if isinstance(function, dict) and function.get("sqlType") in TYPE_DATA:
                        kind, code = TYPE_DATA[function["sqlType"]]
                        result.append(_new(f"{name}_{function.get('functionName')}", kind,
                                           bool(column.get("nullable")),
                                           {"max_length": function.get("length"), "min_length": function.get("length"),
                                            "decimal_precision": function.get("precision"),
                                            "decimal_scale": function.get("scale")},
                                           {"odbc_type": function["sqlType"], "type_code": code}))
    index = [p for p in props if p.get("isPivotIndex")]
    description = "This is a pivot index column"
    app = {"time_scale": 0, "odbc_type": "BIGINT", "type_code": "INT64"}
    for prop in index:
        result.append(_new(str(prop.get("name")), "integer", True,
                           {"description": description, "max_length": 0, "min_length": 0, "decimal_precision": 0,
                            "decimal_scale": 0, "is_signed": True}, app))
    if not index and parameters.get("pivotIndex"):
        result.append(_new("Pivot_index", "integer", True, {"description": description, **_zeros(is_signed=True)},
                           app))
    return result


@lru_cache(maxsize=1)
def acp_data() -> dict[str, Any]:
    """Standardize rulesets and Address Verification columns, extracted from the SDK
    (``tools/extract_acp_data.py``)."""
    raw = resources.files("flowzip").joinpath("data/acp_data.json.gz").read_bytes()
    return orjson.loads(gzip.decompress(raw))


_QUALITY_APP = {"odbc_type": "VARCHAR", "is_unicode_string": True, "type_code": "STRING"}


def _rulesets(node: dict[str, Any]) -> list[str]:
    return [str(r["ruleset"]) for r in _params(node).get("rulesetProperties") or []
            if isinstance(r, dict) and "ruleset" in r]


def _standardize(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    rulesets = acp_data()["standardize_rulesets"]
    return [_new(c["name"], "string", True, {"description": c["description"], "max_length": c["max_length"],
                                              **_zeros(is_signed=False, max_length=c["max_length"])}, _QUALITY_APP)
            for name in _rulesets(node) if name in rulesets for c in rulesets[name]]


def _address_verification(node: dict[str, Any], inputs: Inputs, out: LinkRef) -> list[dict[str, Any]] | None:
    parameters = _params(node)
    error = any(isinstance(p, dict) and p.get("error") == "On" for p in parameters.get("parseProperties") or [])
    label = next((str(e.get("link_label")) for e in parameters.get("OutputlinkOrderingList") or []
                  if isinstance(e, dict) and e.get("link_name") == out.name), "")
    result = [passed(ref.name, column) for ref, columns in inputs for column in columns]
    if error and label == "Error":
        result.append(_new("ErrorCode_QSAV", "integer", True, {"description": "Error ID", **_zeros(is_signed=False)},
                           {"odbc_type": "INTEGER", "type_code": "INT32"}))
        result.append(_new("ErrorMessage_QSAV", "string", True,
                           {"description": "Error message text that is associated with error ID",
                            **_zeros(is_signed=False, max_length=200)},
                           {"odbc_type": "VARCHAR", "is_unicode_string": True, "type_code": "STRING"}))
    elif not (error and "unnamed" in label.lower()):
        result += [_new(c["name"], "string", True, {"description": c["description"],
                                                     **_zeros(is_signed=False, max_length=c["max_length"],
                                                              min_length=c.get("min_length", 0))}, _QUALITY_APP)
                   for c in acp_data()["address_verification_columns"]]
    return result


def _complex_flat_file(node: dict[str, Any], inputs: Inputs, out: LinkRef, document: dict[str, Any]
                       ) -> list[dict[str, Any]]:
    """Every column of the stage's records (the record schemas its ``stage_records`` name), in order."""
    records = _dict(_dict(node.get("app_data")).get("datastage")).get("stage_records")
    records = records if isinstance(records, list) else []
    columns = []
    for record in records:
        if isinstance(record, dict):
            for column in _columns_of(document, record) or []:
                kept = copied(column)
                kept["app_data"].pop("apt_field_properties", None)
                columns.append(kept)
    return columns


#: op -> the rule computing the columns of the links out of a stage of that op.
RULES: dict[str, Callable[[dict[str, Any], Inputs, LinkRef], list[dict[str, Any]] | None]] = {
    "PxCompare": _compare,
    "PxFunnel": _funnel,
    "PxJoin": _join,
    "PxLookup": _lookup,
    "PxMerge": _merge,
    "PxAggregator": _aggregator,
    "PxChecksum": _then(_checksum_column),
    "PxColumnExport": _column_export,
    "PxColumnGenerator": _then(_column_generator),
    "PxColumnImport": _column_import,
    "PxCombineRecords": _then(_subrecord("link")),
    "PxDifference": _difference,
    "PxMakeSubRec": _then(_subrecord(None)),
    "PxMakeVect": _then(_subrecord("name")),
    "PxSort": _then(_sort_columns),
    "PxSurrogateKeyGeneratorN": _then(_surrogate_key),
    "PxGeneric": _generic,
    "PxChangeCapture": _change_capture,
    "PxChangeApply": _change_apply,
    "Investigate": _fixed(_INVESTIGATE),
    "MatchFrequency": _fixed(_MATCH_FREQUENCY),
    "PxRest": _empty,
    "Standardize": _standardize,
    "PxPivot": _pivot,
    "AddressVerification2": _address_verification,
}
#: Ops passing every input column through (the general rule); connectors do too.
GENERAL_OPS = ("PxBLM", "PxCompress", "PxCopy", "PxDecode", "PxEncode", "PxExpand", "PxExternalFilter",
               "PxExternalTarget", "PxFilter", "PxHead", "JavaStagePX", "PxModify", "PxPromoteSubRec", "PxRemDup",
               "PxSample", "PxSplitSubRec", "PxSplitVect", "PxSwitch", "PxTail", "CTransformerStage",
               "PxWaveGenerator", "PxSequentialFile", "IADataRule", "Survive")
RULE_OPS = (*RULES, *GENERAL_OPS)
#: Ops whose links get no computed columns (the SDK has no rule for them, or no offline way to compute them).
NO_RULE = ("PxPeek", "PxRowGenerator", "PxDataSet", "PxFileSet", "PxLookupFileSet", "PxExternalSource", "PxSCD",
           "UnduplicateMatch", "ReferenceMatch", "WSTransformerPX", "PxWriteRangeMap", "XMLInputPX", "XMLOutputPX",
           "XMLStagePX")


def rule_for(node: dict[str, Any]) -> Callable[[dict[str, Any], Inputs, LinkRef], list[dict[str, Any]] | None] | None:
    """The rule for the links out of *node*, or None (no computed columns)."""
    op = node.get("op")
    if op in RULES:
        return RULES[op]
    if op in GENERAL_OPS or isinstance(node.get("connection"), dict):
        return _general
    return None


# --------------------------------------------------------------------------- the pass


def _columns_of(document: dict[str, Any], port: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    """The columns of the schema *port* names (None when it names none)."""
    schema = port_schema(document, port)
    if schema is None:
        return None
    fields = schema.get("fields")
    return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []


def _into(links: list[LinkRef]) -> dict[int, list[LinkRef]]:
    """Stage (by ``id()``) -> the links into it."""
    found: dict[int, list[LinkRef]] = {}
    for ref in links:
        found.setdefault(id(ref.target), []).append(ref)
    return found


def compute_link_columns(document: dict[str, Any], ref: LinkRef, links: list[LinkRef],
                         into: dict[int, list[LinkRef]] | None = None) -> list[dict[str, Any]] | None:
    """The columns propagation gives *ref* from the columns the links into its source carry now, or None
    (no computed columns: a source stage, a stage with no rule, a rule that cannot apply)."""
    source = ref.source
    if source is None:
        return None
    into = into if into is not None else _into(links)
    inputs = [(r, _columns_of(document, r.target_port) or []) for r in into.get(id(source), [])]
    if source.get("op") == "PxCFF":  # its columns come from its records: computed even with no input
        return _complex_flat_file(source, inputs, ref, document)
    if not inputs:
        return None
    if source.get("type") == "super_node":
        return _subflow(document, source, ref)
    rule = rule_for(source)
    if rule is None:
        return None
    order = {id(p): i for i, p in enumerate(p for p in source.get("inputs") or [] if isinstance(p, dict))}
    inputs.sort(key=lambda item: order.get(id(item[0].target_port), 0))
    return rule(source, inputs, ref)


def _subflow(document: dict[str, Any], node: dict[str, Any], ref: LinkRef) -> list[dict[str, Any]] | None:
    """A link out of a local subflow carries the columns of the link inside it that it continues
    (``partner_link_out``), as declared there; none when it names none (external subflows live in documents
    of their own: not followed)."""
    partner = _dict(_dict(ref.link.get("app_data")).get("datastage")).get("partner_link_out")
    pipeline_id = (node.get("subflow_ref") or {}).get("pipeline_id_ref") if isinstance(node.get("subflow_ref"),
                                                                                          dict) else None
    inner = next((p for p in document.get("pipelines") or [] if isinstance(p, dict) and p.get("id") == pipeline_id),
                 None)
    if not partner or inner is None:
        return None
    for inner_ref in pipeline_links(inner):
        if inner_ref.name == partner:
            columns = _columns_of(document, inner_ref.target_port)
            return [copied(c) for c in columns] if columns is not None else None
    return None


@dataclass
class PropagationResult:
    """What a propagation pass did: links given columns, links whose columns changed, links left alone."""

    computed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    schemas: list[str] = field(default_factory=list)  # ids of the schemas holding computed columns
    dropped: list[str] = field(default_factory=list)  # links whose computed columns went


def propagate(document: dict[str, Any], pipeline: dict[str, Any], declared: Callable[[LinkRef], bool],
              computed: Callable[[LinkRef], bool] | None = None) -> PropagationResult:
    """Compute the columns of every link of *pipeline* that *declared* says has no declared columns, in the
    SDK's order, and write them: a link keeps its schema's id when it had one of its own (only its fields
    change), else gets a new schema named by both halves of the link.  A link whose columns were computed
    before (*computed*) and now get none (its stage lost its inputs, its rule no longer applies) loses them,
    as the SDK writes no columns there."""
    result = PropagationResult(schemas=[])
    links = pipeline_links(pipeline)
    into = _into(links)
    using: dict[Any, int] = {}  # schema id -> how many ports name it
    for r in links:
        for p in (r.source_port, r.target_port):
            if isinstance(p, dict) and p.get("schema_ref"):
                using[p["schema_ref"]] = using.get(p["schema_ref"], 0) + 1
    for ref in propagation_order(pipeline, links):
        if declared(ref):
            result.kept.append(ref.name)
            continue
        columns = compute_link_columns(document, ref, links, into)
        if columns is None:
            if computed is not None and computed(ref):
                for port in (ref.source_port, ref.target_port):
                    if isinstance(port, dict) and port.pop("schema_ref", None) is not None:
                        result.dropped.append(ref.name)
            continue
        result.computed.append(ref.name)
        current = None
        ports = [p for p in (ref.source_port, ref.target_port) if isinstance(p, dict)]
        refs = {p.get("schema_ref") for p in ports}
        own = len(refs) == 1 and None not in refs and using.get(next(iter(refs)), 0) == len(ports)
        if own:  # the link's own schema, named by no other link: its fields are updated in place
            current = schema_by_id(document, next(iter(refs)))
        if current is not None:
            result.schemas.append(str(current.get("id")))
            if current.get("fields") != columns:
                current["fields"] = columns
                result.changed.append(ref.name)
            continue
        schema = {"id": new_id(), "fields": columns}
        result.schemas.append(schema["id"])
        if not isinstance(document.get("schemas"), list):
            document["schemas"] = []
        document["schemas"].append(schema)
        for port in (ref.source_port, ref.target_port):
            if isinstance(port, dict):
                if port.get("schema_ref"):
                    using[port["schema_ref"]] = using.get(port["schema_ref"], 1) - 1
                set_schema_ref(port, schema["id"])
                using[schema["id"]] = using.get(schema["id"], 0) + 1
        result.changed.append(ref.name)
    return result


# --------------------------------------------------------------------------- value derivations

_VD_DISCARD_DEFAULT = ("PxMerge", "PxJoin", "XMLStagePX", "PxCompare", "PxChangeCapture", "PxDifference",
                       "PxFunnel")
_UNDUPLICATE = ("qsMatchType", "qsMatchWeight", "qsMatchPattern", "qsMatchLRFlag", "qsMatchExactFlag",
                "qsMatchPassNumber", "qsMatchSetID", "qsMatchDataID", "qsMatchStatType", "qsMatchStatValue")
_AGGREGATE_FUNCTIONS = {"sum": "Sum", "min": "Min", "max": "Max", "css": "CorrectedSumSquares", "mean": "Mean",
                        "missing": "MissingValCount", "count": "Count", "cv": "PctCoeffVar", "range": "Range",
                        "std": "StandardDeviation", "ste": "StandardError", "sumw": "SumWeights",
                        "uss": "UncorrectedSumSquares", "var": "Variance"}
_SUMMARY_FUNCTIONS = {"n": "SummaryNumRecs", "nMissing": "SummaryNumMissingVals", "sumOfWeights": "SummarySumWeights",
                      "minimum": "SummaryMinimum", "maximum": "SummaryMaximum", "mean": "SummaryMean",
                      "css": "SummarySumSquares"}


def _entry(column: str, expression: str, source: str | None = None) -> dict[str, Any]:
    entry = {"columnName": column, "parsedExpression": expression}
    if source is not None:
        entry["sourceColumn"] = source
    return entry


def _derivations(document: dict[str, Any], node: dict[str, Any], inputs: Inputs, out: LinkRef,
                 outputs: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The ``valueDerivation`` list of the output port of *out* (step A, then the stage's own, as the SDK)."""
    op = node.get("op")
    parameters = _params(node)
    columns = _columns_of(document, out.source_port)
    entries: list[dict[str, Any]] = []
    primaries = [r for r, _ in inputs if r.type == "PRIMARY"]
    out_ports = [p for p in node.get("outputs") or [] if isinstance(p, dict) and p.get("id")]
    if len(inputs) > 1 and len(primaries) > 1 and len(out_ports) == 1 and columns is not None:
        for column in columns:
            name = column.get("name")
            sources = [f"{r.name}.{name}" for r, cols in inputs for c in cols if c.get("name") == name]
            entries.append(_entry(str(name), str(name), ";".join(sources)))
    if op in _VD_DISCARD_DEFAULT:
        entries = []
    every_output = [c for cols in outputs for c in cols]

    def flagged(key: str, default: str) -> str:
        return next((str(c.get("name")) for c in every_output if _dict(c.get("app_data")).get(key) is True), default)

    if op == "PxSort":
        for ref, _ in inputs:
            if parameters.get("flagKey") == "flagKey":
                entries.append(_entry(flagged("key_change", "keyChange"), "KeyChange()", f"{ref.name}.keyChange"))
            if parameters.get("flagCluster") == "flagCluster":
                name = flagged("cluster_key_change", "clusterKeyChange")
                entries.append(_entry(name, "ClusterKeyChange()", f"{ref.name}.{name}"))
    elif op == "PxPeek" and parameters.get("dataset") == "dataset":
        entries.append(_entry("rec", "Peek()", f"{out.name}.rec"))
    elif op == "PxDifference":
        for ref, _ in inputs:
            name = flagged("difference", "diff")
            entries.append(_entry(name, "DiffCode()", f"{ref.name}.{name}"))
    elif op == "PxChecksum":
        for ref, _ in inputs:
            name = str(parameters.get("checksum_name") or "checksum")
            entries.append(_entry(name, "Checksum()", f"{ref.name}.{name}"))
            if parameters.get("export_name"):
                exported = str(parameters["export_name"])
                entries.append(_entry(exported, "CRCBuffer()", f"{ref.name}.{exported}"))
    elif op == "PxBLM":
        entries.append(_entry("dflag", "IsADuplicate()", f"{out.name}.dflag"))
    elif op == "PxChangeCapture" and inputs:
        ordering = parameters.get("InputlinkOrderingList") or []
        after = next((e.get("link_name") for e in ordering if isinstance(e, dict)
                      and e.get("link_label") in ("1", "After")), None) or inputs[0][0].name
        code = flagged("change_code", str(parameters.get("codeField") or "change_code"))
        entries.append(_entry(code, "ChangeCode()", f"{after}.change_code"))
    elif op in ("MatchFrequency", "UnduplicateMatch", "ReferenceMatch"):
        names = ([n for n, *_ in _MATCH_FREQUENCY] if op == "MatchFrequency" else
                 list(_UNDUPLICATE) if op == "UnduplicateMatch" else ["qsMatchRefID", *_UNDUPLICATE])
        for ref, _ in inputs:
            entries += [_entry(n, f"{op}({n})", f"{ref.name}.{n}") for n in names]
    elif op == "PxFunnel":
        # The SDK clears the lineage here on metadata its Funnel shares with the input column, so that the
        # upstream link loses it and the Funnel's output keeps it: the output keeps it, the input is left alone.
        for cols in outputs:
            for column in cols:
                lineage = str(_dict(column.get("metadata")).get("source_field_id") or column.get("name"))
                entries.append(_entry(str(column.get("name")), lineage,
                                      ";".join(f"{ref.name}.{lineage}" for ref, _ in inputs)))
    elif op == "PxColumnGenerator":
        for name in _schema_names(node):
            entries += [_entry(name, f"Generate({name})", f"{ref.name}.{name}") for ref, _ in inputs]
    elif op == "Investigate":
        wanted = ("qsInvColumnName", "qsInvPattern", "qsInvSample", "qsInvCount", "qsInvPercent", "qsInvWord",
                  "qsInvClassCode")
        for column in every_output:
            if column.get("name") in wanted:
                entries += [_entry(str(column["name"]), f"Investigate({column['name']})",
                                   f"{ref.name}.{column['name']}") for ref, _ in inputs]
    elif op == "PxAggregator":
        entries += _aggregator_derivations(node, inputs, {str(c.get("name")) for c in every_output})
    elif op == "PxPivot":
        props = [p for p in parameters.get("pivotProperties") or [] if isinstance(p, dict)]
        vertical = parameters.get("pivot_type", "pivot") != "pivot"
        for ref, _ in inputs:
            for column in every_output:
                name = str(column.get("name"))
                if vertical:
                    entries.append(_entry(name, f"VerticalPivot({name})", f"{ref.name}.{name}"))
                    continue
                pivoted = _dict(column.get("app_data")).get("pivot_property")
                entries += [_entry(name, f"Pivot({p.get('name')})", f"{ref.name}.{name}") for p in props
                            if p.get("name") in (name, pivoted)]
    elif op == "Standardize":
        suffixes = tuple(_rulesets(node))
        for column in every_output:
            name = str(column.get("name"))
            if suffixes and name.endswith(suffixes):
                entries += [_entry(name, f"Standardize({name})", f"{ref.name}.{name}") for ref, _ in inputs]
    elif op == "AddressVerification2":
        expressions = acp_data()["address_verification_expressions"]
        entries += [_entry(str(c["name"]), expressions[c["name"]], f".{c['name']}") for c in columns or []
                    if c.get("name") in expressions]
    elif op == "PxColumnExport" and parameters.get("field"):
        # (With no export column set the SDK writes an entry naming column None: not copied.)
        listed = set(_schema_names(node))
        sources = [f"{ref.name}.{c.get('name')}" for ref, cols in inputs for c in cols if c.get("name") in listed]
        entries.append(_entry(str(parameters["field"]), f"ColumnExport({','.join(sources)},{parameters['field']})",
                              ";".join(sources)))
    elif op == "PxColumnImport" and parameters.get("field") and out.type == "PRIMARY":
        imported = str(parameters["field"])
        owner = next((ref.name for ref, cols in inputs if any(c.get("name") == imported for c in cols)), None)
        listed = set(_schema_names(node))
        entries += [_entry(str(c.get("name")), f"ColumnImport({owner}.{imported},{c.get('name')})",
                           f"{owner}.{imported}") for c in columns or [] if c.get("name") in listed]
    return entries


def _aggregator_derivations(node: dict[str, Any], inputs: Inputs, present: set[str]) -> list[dict[str, Any]]:
    parameters = _params(node)
    selection = parameters.get("selection", "reduce")
    entries: list[dict[str, Any]] = []
    if selection == "countField":
        for ref, _ in inputs:
            for group in _groups(parameters.get("countFieldProperties")):
                for entry in group:
                    if "countField" in entry:
                        name = str(entry["countField"])
                        entries.append(_entry(name, "RecCount()", f"{ref.name}.{name}"))
        return entries
    if selection not in ("reduce", "rereduce"):
        return entries
    groups = _groups(parameters.get("reduceProperties" if selection == "reduce" else "rereduceProperties"))
    for ref, _ in inputs:
        for group in groups:
            selected = next((str(d[selection]) for d in group if selection in d), None)
            if selected is None:
                continue
            source = f"{ref.name}.{selected}"
            for entry in group:
                for key, value in entry.items():
                    name = str(value) if str(value) in present else selected
                    if key in _AGGREGATE_FUNCTIONS:
                        entries.append(_entry(name, f"{_AGGREGATE_FUNCTIONS[key]}({source})", source))
                    elif key == "summary" and selection == "reduce":
                        entries.append(_entry(name, f"Summary({source})", source))
                        entries += [_entry(f"{name}.{part}", f"{function}({source})", source)
                                    for part, function in _SUMMARY_FUNCTIONS.items()]
    return entries


def derive_values(document: dict[str, Any], pipeline: dict[str, Any], nodes: list[dict[str, Any]]) -> None:
    """Write each output port's ``valueDerivation`` and complete its columns' lineage, as the SDK does when
    it saves a flow, for the stages *nodes*."""
    links = pipeline_links(pipeline)
    into = _into(links)
    out_of: dict[int, list[LinkRef]] = {}
    for r in links:
        if r.source is not None and isinstance(r.source_port, dict):
            out_of.setdefault(id(r.source), []).append(r)
    for node in nodes:
        inputs = [(r, _columns_of(document, r.target_port) or []) for r in into.get(id(node), [])]
        order = {id(p): i for i, p in enumerate(p for p in node.get("inputs") or [] if isinstance(p, dict))}
        inputs.sort(key=lambda item: order.get(id(item[0].target_port), 0))
        outs = out_of.get(id(node), [])
        outputs = [c for c in (_columns_of(document, r.source_port) for r in outs) if c is not None]
        for ref in outs:
            port = ref.source_port
            assert port is not None
            parameters = port.setdefault("parameters", {})
            if not isinstance(parameters, dict):
                continue
            parameters.pop("valueDerivation", None)
            entries = _derivations(document, node, inputs, ref, outputs)
            if entries:
                parameters["valueDerivation"] = entries
            named = {e["columnName"] for e in entries}
            every_input = [c.get("name") for _, cols in inputs for c in cols]
            for column in _columns_of(document, port) or []:
                if column.get("name") in named:
                    continue
                metadata = column.setdefault("metadata", {})
                if not isinstance(metadata, dict):
                    continue
                lineage = metadata.get("source_field_id")
                wanted = column.get("name") if not lineage else lineage if "." not in str(lineage) else None
                if wanted is not None and every_input.count(wanted) == 1:
                    owner = next(r for r, cols in inputs if any(c.get("name") == wanted for c in cols))
                    metadata["source_field_id"] = f"{owner.name}.{wanted}"


# --------------------------------------------------------------------------- stale columns


#: Stages whose columns' lineage names another input than the column's own (the platform's rules): Change
#: Capture and Change Apply credit the "before" link, Combine Records the last input.
LINEAGE_ELSEWHERE = ("PxChangeCapture", "PxChangeApply", "PxCombineRecords")


@dataclass(frozen=True)
class StaleColumn:
    """A column a link carries from an input column that input no longer has."""

    link: str
    stage: str
    column: str
    source_link: str
    source_column: str


def stale_columns(document: dict[str, Any], pipeline: dict[str, Any]) -> list[StaleColumn]:
    """Columns on links out of stages that propagate columns whose lineage (``metadata.source_field_id``,
    ``"<input link>.<column>"``) names an input link of the stage that carries columns, but not that one:
    dropped or renamed upstream and not followed downstream.  Inputs with runtime column propagation on (they
    bring columns their link does not list), inputs with no columns and columns with no lineage are not
    judged."""
    found: list[StaleColumn] = []
    schemas = document.get("schemas")
    if not isinstance(schemas, list) or not any(
            "." in str(_dict(f.get("metadata")).get("source_field_id") or "")
            for schema in schemas if isinstance(schema, dict)
            for f in (schema.get("fields") if isinstance(schema.get("fields"), list) else []) if isinstance(f, dict)):
        return found  # no column has a lineage to check
    links = pipeline_links(pipeline)
    into = _into(links)
    seen: dict[int, dict[str, set[Any]]] = {}  # stage -> its judged inputs' column names
    known: dict[int, list[dict[str, Any]] | None] = {}  # a link's columns are read as it goes out and comes in

    def columns_of(port: dict[str, Any] | None) -> list[dict[str, Any]] | None:
        key = id(port)
        if key not in known:
            known[key] = _columns_of(document, port)
        return known[key]

    for ref in links:
        if ref.source is None or rule_for(ref.source) is None or ref.source.get("op") in LINEAGE_ELSEWHERE:
            continue
        stored = columns_of(ref.target_port)
        if stored is None:
            stored = columns_of(ref.source_port)
        if not stored:
            continue
        inputs = seen.get(id(ref.source))
        if inputs is None:
            # An input with runtime column propagation on brings columns its link does not list: not judged.
            inputs = seen[id(ref.source)] = {
                r.name: {c.get("name") for c in columns_of(r.target_port) or []}
                for r in into.get(id(ref.source), []) if not _params(r.target_port).get("runtime_column_propagation")}
        for column in stored:
            metadata = column.get("metadata")
            lineage = metadata.get("source_field_id") if isinstance(metadata, dict) else None
            if not isinstance(lineage, str) or "." not in lineage:
                continue
            link_name, _, source_column = lineage.partition(".")
            names = inputs.get(link_name)
            if names and source_column not in names:
                label = _dict(_dict(ref.source.get("app_data")).get("ui_data")).get("label")
                found.append(StaleColumn(ref.name, str(label), str(column.get("name")), link_name, source_column))
    return found
