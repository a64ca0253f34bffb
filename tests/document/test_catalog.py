"""The shipped catalog against the full catalog extracted from the official SDK."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flowzip.document.catalog import catalog
from flowzip.errors import NotFoundError
from flowzip.suggest import closest


@pytest.fixture(scope="module")
def full(shared: Path) -> dict:
    return json.loads((shared / "catalog" / "stage-catalog.json").read_text(encoding="utf-8"))


def test_every_type_matches_the_full_catalog(full: dict) -> None:
    shipped = catalog()
    assert len(shipped) == full["stage_type_count"] == 151
    assert shipped.sdk_version == full["sdk_version"]
    for record in full["stages"]:
        stage_type = shipped.get(record["type_name"])
        assert stage_type.op == record["op"]
        assert stage_type.node_type == record["node_type"]
        assert stage_type.image == record["image"]
        assert stage_type.label == (record["ui_label"] or record["type_name"])
        for mine, theirs in ((stage_type.inputs, record.get("input_cardinality")),
                             (stage_type.outputs, record.get("output_cardinality"))):
            # Types whose cardinality the SDK could not compute (format.md §4) are left unbounded.
            assert mine == ((theirs["min"], theirs["max"]) if theirs else (0, -1))
        limits = record.get("link_limits") or {}
        assert stage_type.max_reference_inputs == limits.get("maxReferenceInputs", 0)
        assert stage_type.max_reject_outputs == limits.get("maxRejectOutputs", 0)
        assert stage_type.needs_connection == record["needs_connection"]
        assert stage_type.default_node_parameters == (record.get("default_node_parameters") or {})
        assert stage_type.isolated_node == record.get("serialized_isolated_node")
        assert [(p.name, p.alias, p.type, p.default) for p in stage_type.properties] == [
            (p["name"], p["alias"], p["type"], p.get("default")) for p in record.get("properties") or []
        ]
        for prop in record.get("properties") or []:
            if prop.get("enum_values") is not None:
                assert list(stage_type.property(prop["alias"]).enum_values) == prop["enum_values"]


@pytest.mark.parametrize(
    ("asked", "found"),
    [("Row Generator", "Row Generator"), ("row generator", "Row Generator"), ("ROWGENERATOR", "Row Generator"),
     ("sequentialfile", "Sequential file"), ("Amazon Aurora for MySQL", "Amazon Aurora for MySQL")],
)
def test_type_names_match_like_the_sdk(asked: str, found: str) -> None:
    assert catalog().get(asked).type_name == found


def test_unknown_type_gets_a_did_you_mean() -> None:
    with pytest.raises(NotFoundError, match="did you mean 'Transformer'"):
        catalog().get("Transfromer")
    with pytest.raises(NotFoundError, match="unknown stage type"):
        catalog().get("Completely Unknown")
    assert closest("Peak", ["Peek", "Sort"]) == "Peek"


@pytest.mark.parametrize(
    ("type_name", "key", "value", "ok"),
    [("Peek", "nrecs", 5, True), ("Peek", "nrecs", "5", False), ("Peek", "nrecs", True, False),
     ("Peek", "nrecs", "#ps.count#", True), ("Peek", "all", "all", True), ("Peek", "all", False, False),
     ("Row Generator", "records", 7, True),
     ("Row Generator", "part_type", "hash", True), ("Row Generator", "part_type", "sideways", False),
     ("Row Generator", "buf_mode", None, True), ("Row Generator", "records", None, False)],
)
def test_property_values_are_checked_against_types_and_enums(type_name: str, key: str, value: object,
                                                              ok: bool) -> None:
    problem = catalog().get(type_name).property(key).problem(value)
    assert (problem is None) == ok, problem
