"""Link columns are written as the official SDK writes them: every field type, every attribute, partitioning.

The SDK (ibm-watsonx-data-integration 2.1.0, in the test extra) is the producer: the same calls made on
its ``link.create_schema()`` and on flowzip's give the same JSON.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import flowzip
from flowzip.document.columns import field_attributes, new_field, odbc_types, set_field_attribute
from flowzip.errors import EditError, NotFoundError
from tests.conftest import real_exports, require_shared
from tests.sdkflow import sdk_batch_flow


def _sdk_document(build: Any) -> dict:
    flow = sdk_batch_flow()
    source, target = flow.add_stage("Row Generator", "A"), flow.add_stage("Sort", "B")
    build(source.connect_output_to(target))
    target.connect_output_to(flow.add_stage("Peek", "C"))
    return json.loads(flow._dag_to_json())


def _sdk_fields(calls: list[tuple[str, str, dict]]) -> list[dict]:
    def build(link: Any) -> None:
        schema = link.create_schema()
        for odbc, name, attributes in calls:
            schema.add_field(odbc, name, **attributes)

    document = _sdk_document(build)
    return next(s for s in document["schemas"] if s["fields"] and s["fields"][0]["name"] == calls[0][1])["fields"]


SAMPLES = {bool: True, int: 17, str: "ab"}


def _sample(odbc: str, name: str) -> Any:
    if name in ("nullable", "key", "unicode", "unsigned", "generate_on_output", "is_link_field", "key_change",
                "cluster_key_change", "difference", "change_code", "microseconds", "random_signed", "julian",
                "use_current_date", "check_packed", "packed_signed", "is_midnight_seconds",
                "export_ebcdic_as_ascii"):
        return True
    if name in ("description", "source", "pivot", "default", "c_format", "out_format", "format_string",
                "link_field_reference", "extended_type", "derivation", "alphabet"):
        return "ab"
    if name == "cycle_values":
        return [1, 2]
    return 17


@pytest.mark.parametrize("odbc", odbc_types())
def test_every_type_and_every_attribute_is_written_as_the_sdk_writes_it(odbc: str) -> None:
    attributes = field_attributes(odbc)
    assert {"description", "nullable", "key", "source"} <= set(attributes)
    calls = [(odbc, "BARE", {})] + [(odbc, f"C_{name}", {name: _sample(odbc, name)}) for name in attributes]
    # and all of them at once, for the order of the joined properties
    calls.append((odbc, "ALL", {name: _sample(odbc, name) for name in attributes}))
    sdk = _sdk_fields(calls)
    ours = [new_field(o, n, **a) for o, n, a in calls]
    for theirs, mine, call in zip(sdk, ours, calls):
        assert json.dumps(mine) == json.dumps(theirs), call  # the same keys, values and key order


def test_the_link_schema_api_builds_what_the_sdk_builds() -> None:
    def build(link: Any) -> None:
        schema = link.create_schema()
        schema.add_field("BIGINT", "CUSTOMER_ID")
        schema.add_field("VARCHAR", "NAME", nullable=True).length = 40
        schema.add_field("DECIMAL", "AMOUNT", length=12, scale=2, key=True, description="in euro")
        schema.remove_field("CUSTOMER_ID")
        link.set_partitioning("hash", perform_sort=True).add_partition_key("NAME")
        link.add_partition_key("AMOUNT", sorting=True, case_sensitive=False, sort_order="desc", ebcdic=True)
        link.remove_partition_key("NAME")

    sdk = _sdk_document(build)
    archive = flowzip.new()
    flow = archive.create_flow("p")
    source, target = flow.add_stage("Row Generator", "A"), flow.add_stage("Sort", "B")
    link = source.connect_output_to(target)
    build(link)
    target.connect_output_to(flow.add_stage("Peek", "C"))
    sdk_schema = next(s for s in sdk["schemas"] if s["fields"] and s["fields"][0]["name"] == "NAME")
    assert json.dumps(flow.flow_document["schemas"][0]["fields"]) == json.dumps(sdk_schema["fields"])
    sdk_sort = next(n for n in sdk["pipelines"][0]["nodes"] if n["app_data"]["ui_data"]["label"] == "B")
    assert link.target_port["parameters"] == sdk_sort["inputs"][0]["parameters"]
    assert [f.name for f in link.columns] == ["NAME", "AMOUNT"]
    assert link.source_port["schema_ref"] == link.target_port["schema_ref"] == flow.flow_document["schemas"][0]["id"]


@pytest.mark.parametrize(("part_type", "options"), [
    ("auto", {}), ("entire", {"part_stable": True}), ("modulus", {}), ("modulus", {"perform_sort": True}),
    ("range", {"perform_sort": False, "part_unique": True}),
    ("roundrobin", {"part_stable": True, "part_unique": False}), ("same", {}), ("random", {}),
])
def test_partitioning_is_written_as_the_sdk_writes_it(part_type: str, options: dict) -> None:
    def build(link: Any) -> None:
        link.set_partitioning(part_type, **options)
        if part_type in ("modulus", "range"):
            link.add_partition_key("K")

    sdk = _sdk_document(build)
    expected = next(n for n in sdk["pipelines"][0]["nodes"] if n["app_data"]["ui_data"]["label"] == "B")
    flow = flowzip.new().create_flow("p")
    link = flow.add_stage("Row Generator", "A").connect_output_to(flow.add_stage("Sort", "B"))
    build(link)
    assert json.dumps(link.target_port["parameters"]) == json.dumps(expected["inputs"][0]["parameters"])


def test_mistakes_are_named_with_the_nearest_right_word() -> None:
    flow = flowzip.new().create_flow("p")
    link = flow.add_stage("Row Generator", "A").connect_output_to(flow.add_stage("Peek", "B"))
    schema = link.create_schema()
    with pytest.raises(EditError, match=r"unknown field type 'VARCHR' \(did you mean 'VARCHAR'\?\)"):
        schema.add_field("VARCHR", "X")
    field = schema.add_field("varchar", "X")  # the SDK takes the type in any case
    with pytest.raises(EditError, match=r"a VARCHAR field has no attribute 'lenght' \(did you mean 'length'\?\)"):
        field.lenght = 3
    with pytest.raises(EditError, match="already has a column named 'X'"):
        schema.add_field("INTEGER", "X")
    with pytest.raises(NotFoundError, match=r"no column named 'NOPE' \(columns: X\)"):
        schema.remove_field("NOPE")
    with pytest.raises(EditError, match=r"unknown partitioning 'hsh' \(did you mean 'hash'\?\)"):
        link.set_partitioning("hsh")
    with pytest.raises(EditError, match="set_partitioning first"):
        link.add_partition_key("X")


def test_select_fields_and_assigning_a_schema_copy_columns() -> None:
    flow = flowzip.new().create_flow("p")
    a, b, c = (flow.add_stage(kind, label) for kind, label in (("Row Generator", "A"), ("Copy", "B"), ("Peek", "C")))
    first, second = a.connect_output_to(b), b.connect_output_to(c)
    schema = first.create_schema()
    for name in ("X", "Y", "Z"):
        schema.add_field("INTEGER", name)
    second.schema = schema.select_fields("Z", "X")
    assert [f.name for f in second.columns] == ["X", "Z"]  # the schema's order, as the SDK's
    second.columns[0].nullable = True
    assert first.columns[0].nullable is False  # copies, not shared
    first.schema = None
    assert first.schema is None and len(flow.flow_document["schemas"]) == 1  # the unused schema went


def test_the_columns_of_every_link_of_every_real_flow_can_be_read() -> None:
    require_shared()
    links = columns = 0
    for path in real_exports():
        if not path.is_dir():
            continue
        for flow in flowzip.open(path).flows:
            for link in flow.links:
                links += 1
                schema = link.schema
                for field in link.columns:
                    row = field.to_dict()
                    assert row["name"] and row["odbc_type"] is not None, (flow.name, link.name, row)
                    columns += 1
                if schema is not None:
                    assert len(link.columns) == len(schema.schema["fields"])
    assert links > 400 and columns > 1500  # 480 links, 1,956 columns on the corpus today


@pytest.mark.parametrize(("odbc", "attributes"), [
    ("INTEGER", {"default": 5}), ("VARCHAR", {"default": "it's a \\\\path"}), ("TINYINT", {"change_code": False}),
    ("TIMESTAMP", {"microseconds": False}), ("TINYINT", {"key_change": False, "difference": False}),
    ("VARCHAR", {"unicode": False}), ("BIGINT", {"nullable": False}),
])
def test_values_off_and_values_of_other_types_are_written_as_the_sdk_writes_them(odbc: str, attributes: dict) -> None:
    assert json.dumps(new_field(odbc, "C", **attributes)) == json.dumps(_sdk_fields([(odbc, "C", attributes)])[0])


def test_field_properties_flowzip_cannot_read_whole_are_never_rewritten() -> None:
    field = new_field("INTEGER", "C")
    field["app_data"]["apt_field_properties"] = "cycle={value='1',value='2',value='3'}"
    set_field_attribute(field, "default", 7)  # a braced list with commas is kept whole
    assert field["app_data"]["apt_field_properties"] == "default=7,cycle={value='1',value='2',value='3'}"
    field["app_data"]["apt_field_properties"] = "cycle={value='1'"  # broken: refused, not half-rewritten
    with pytest.raises(EditError, match="not in a form flowzip can edit"):
        set_field_attribute(field, "default", 8)
    assert field["app_data"]["apt_field_properties"] == "cycle={value='1'"
