"""The pipeline-flow document's facts, each with one home (format.md §2, §6, §7)."""

from __future__ import annotations

import pytest

from flowzip.document.pipeline import (
    STAGE_SIZE,
    link_counts,
    link_type,
    new_flow_document,
    stage_box,
    stage_label,
    typed_link_counts,
    unwrap_flow_document,
)


def _node(node_id: str, *links: dict) -> dict:
    return {"id": node_id, "type": "execution_node", "app_data": {"ui_data": {"label": node_id}},
            "inputs": [{"id": f"in{i}", "links": [link]} for i, link in enumerate(links)], "outputs": []}


def _link(source: str, *, type_attr: str | None = None, legacy: str | None = None) -> dict:
    link: dict = {"id": f"l-{source}", "node_id_ref": source, "port_id_ref": "out"}
    if type_attr:
        link["type_attr"] = type_attr
    if legacy:
        link["app_data"] = {"datastage": {"link_type": legacy}}
    return link


@pytest.mark.parametrize(("link", "expected"), [
    (_link("a"), "PRIMARY"),
    (_link("a", type_attr="REJECT"), "REJECT"),
    (_link("a", legacy="REFERENCE"), "REFERENCE"),  # the older spelling, as the SDK's code generator reads it
    (_link("a", type_attr="PRIMARY", legacy="REFERENCE"), "PRIMARY"),  # type_attr wins
])
def test_link_type_reads_the_older_spelling_too(link: dict, expected: str) -> None:
    assert link_type(link) == expected


def test_link_counts_count_links_typed_the_older_way() -> None:
    # main and ref feed a lookup; ref's link is typed only by app_data.datastage.link_type.
    pipeline = {"nodes": [_node("main"), _node("ref"),
                          _node("lookup", _link("main"), _link("ref", legacy="REFERENCE")),
                          _node("rejects", _link("lookup", legacy="REJECT"))]}
    counts = typed_link_counts(pipeline)
    assert (counts["lookup"].primary_inputs, counts["lookup"].reference_inputs) == (1, 1)
    assert (counts["lookup"].primary_outputs, counts["lookup"].reject_outputs) == (0, 1)
    # input_count and output_count as the SDK computes them: primary + reference in, primary + reject out.
    assert link_counts(pipeline) == {"main": (0, 1), "ref": (0, 0), "lookup": (2, 1), "rejects": (0, 0)}


def test_a_resized_stage_keeps_its_size() -> None:
    plain = {"app_data": {"ui_data": {"x_pos": 10, "y_pos": 20}}}
    resized = {"app_data": {"ui_data": {"x_pos": 10, "y_pos": 20, "is_resized": True, "resize_width": 200,
                                        "resize_height": 90}}}
    not_really = {"app_data": {"ui_data": {"x_pos": 10, "y_pos": 20, "is_resized": False, "resize_width": 200}}}
    assert stage_box(plain) == (10.0, 20.0, STAGE_SIZE, STAGE_SIZE)
    assert stage_box(resized) == (10.0, 20.0, 200.0, 90.0)
    assert stage_box(not_really) == (10.0, 20.0, STAGE_SIZE, STAGE_SIZE)
    assert stage_box({"app_data": {"ui_data": {}}}) is None


def test_stage_label_tolerates_missing_and_odd_app_data() -> None:
    assert stage_label({"app_data": {"ui_data": {"label": "rows"}}}) == "rows"
    assert stage_label({}) is None
    assert stage_label({"app_data": None}) is None
    assert stage_label({"app_data": {"ui_data": "x"}}) is None


def test_a_new_flow_document_is_a_flow_with_fresh_ids() -> None:
    first, second = new_flow_document("d"), new_flow_document()
    assert unwrap_flow_document(first) is first
    assert first["primary_pipeline"] == first["pipelines"][0]["id"]
    assert first["pipelines"][0]["description"] == "d"
    assert first["id"] != second["id"]


def test_a_link_of_an_unknown_type_takes_a_primary_slot_but_is_no_count() -> None:
    # The SDK's counts know three types; the catalog's limits count anything else as a primary link.
    pipeline = {"nodes": [_node("a"), _node("b", _link("a", type_attr="LOOKUP"))]}
    counts = typed_link_counts(pipeline)
    assert counts["b"].primary_inputs == 1 and counts["a"].primary_outputs == 1
    assert link_counts(pipeline) == {"a": (0, 0), "b": (0, 0)}
