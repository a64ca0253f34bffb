"""The editing API against the SDK's own before/after examples, real exports and random edit sequences."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowzip
from flowzip.document.integrity import check_flow
from flowzip.errors import EditError, FlowzipError, NotFoundError
from tests.conftest import SHARED

SDK = SHARED / "fixtures" / "sdk-examples"


def normalised(doc: dict[str, Any]) -> tuple[dict, list, list]:
    """Stages (op, node type, parameters), links and comments of a flow, ids and positions aside."""
    pipeline = next(p for p in doc["pipelines"] if p["id"] == doc["primary_pipeline"])
    by_id = {n["id"]: n for n in pipeline["nodes"]}

    def label(node_id: str) -> str:
        return by_id[node_id]["app_data"]["ui_data"].get("label")

    stages, links = {}, []
    for node in pipeline["nodes"]:
        stages[node["app_data"]["ui_data"].get("label")] = (node.get("op"), node["type"], node.get("parameters"))
        for port in node.get("inputs") or []:
            for link in port.get("links") or []:
                links.append((label(link["node_id_ref"]), node["app_data"]["ui_data"].get("label"),
                              link.get("link_name"), link.get("type_attr")))
    comments = [(c.get("content"), c.get("contentType"), c.get("formats") or None,
                 sorted(label(r["node_ref"]) for r in c.get("associated_id_refs") or []))
                for c in pipeline["app_data"]["ui_data"].get("comments") or []]
    return stages, sorted(links), comments


def sdk_example(name: str) -> dict[str, Any]:
    from tests.conftest import require_shared

    require_shared()
    return json.loads((SDK / name).read_text(encoding="utf-8"))


@pytest.fixture
def archive() -> flowzip.Archive:
    return flowzip.new()


def _saved_integrity(archive: flowzip.Archive, tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    archive.save(out)
    for flow in flowzip.open(out).flows:
        assert check_flow(flow.document) == [], flow.name


# --------------------------------------------------------------------------- the SDK's examples


def test_rowgen_to_peek_matches_the_sdk(archive: flowzip.Archive, tmp_path: Path) -> None:
    flow = archive.create_flow("f")
    rowgen = flow.add_stage("Row Generator", "Row_Generator")
    peek = flow.add_stage("Peek", "Peek")
    link = rowgen.connect_output_to(peek)
    assert link.name == "Link_1" and link.type == "PRIMARY"
    assert normalised(flow.document) == normalised(sdk_example("01_rowgen_to_peek_minimal.json"))
    archive.update_flow(flow)
    _saved_integrity(archive, tmp_path)


def test_unconnected_stages_match_the_sdk(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    flow.add_stage("Row Generator", "Row_Generator")
    flow.add_stage("Peek", "Peek")
    expected = sdk_example("01e_two_stages_added_not_connected.json")
    assert normalised(flow.document) == normalised(expected)
    ours = {s.label: (s.node.get("inputs"), s.node.get("outputs")) for s in flow.stages}
    theirs = {n["app_data"]["ui_data"]["label"]: (n.get("inputs"), n.get("outputs"))
              for n in expected["pipelines"][0]["nodes"]}
    assert ours == theirs  # the same placeholder ports


def test_configuration_edits_match_the_sdk(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    rowgen = flow.add_stage("Row Generator", "Row_Generator")
    peek = flow.add_stage("Peek", "Peek")
    rowgen.configuration.records = 5
    rowgen.configuration["runtime_column_propagation"] = True
    peek.configuration.nrecs = 3
    rowgen.connect_output_to(peek).name = "lnk_rows"
    stages, links, _ = normalised(flow.document)
    expected_stages, expected_links, _ = normalised(sdk_example("01d_configuration_edits_records_nrecs_linkname.json"))
    assert links == expected_links
    for label, (op, node_type, params) in expected_stages.items():
        assert stages[label][:2] == (op, node_type)
        assert dict(sorted(stages[label][2].items())) == dict(sorted(params.items()))


def test_remove_stage_matches_the_sdk(tmp_path: Path) -> None:
    archive = flowzip.new()
    archive.write_json("data_intg_flow/f.json", sdk_example("11a_before_remove_stage.json"))
    flow = archive.flows.get(name="f")
    flow.remove_stage(flow.stages.get(label="B"))
    after = sdk_example("11b_after_remove_stage_B.json")
    assert normalised(flow.document) == normalised(after)
    ours = {s.label: (s.node.get("inputs"), s.node.get("outputs")) for s in flow.stages}
    theirs = {n["app_data"]["ui_data"]["label"]: (n.get("inputs"), n.get("outputs"))
              for n in after["pipelines"][0]["nodes"]}
    assert ours == theirs
    assert [s for s in flow.document["schemas"]] == [s for s in after["schemas"]]


def test_removing_a_link_leaves_the_flow_as_if_it_was_never_made(archive: flowzip.Archive) -> None:
    never = archive.create_flow("never")
    never.add_stage("Copy", "A"), never.add_stage("Peek", "B"), never.add_stage("Peek", "C")
    flow = archive.create_flow("made")
    a, b, c = flow.add_stage("Copy", "A"), flow.add_stage("Peek", "B"), flow.add_stage("Peek", "C")
    a.connect_output_to(b).name = "kept"
    a.connect_output_to(c).name = "gone"
    flow.remove_link(flow.links.get("gone"))
    assert [(link.name, link.source.label, link.target.label) for link in flow.links] == [("kept", "A", "B")]
    assert a.configuration.output_count == 1 and c.configuration.input_count == 0
    flow.remove_link(flow.links.get("kept"))
    assert normalised(flow.document) == normalised(never.document)
    assert check_flow(flow.document) == []


def test_a_stage_inserted_into_a_link_is_as_if_the_flow_was_built_with_it(archive: flowzip.Archive) -> None:
    built = archive.create_flow("built")
    a, peek, b = built.add_stage("Row Generator", "A"), built.add_stage("Peek", "P"), built.add_stage("Peek", "B")
    a.connect_output_to(peek).name = "into_p"
    peek.connect_output_to(b).name = "rows"
    flow = archive.create_flow("edited")
    flow.add_stage("Row Generator", "A").connect_output_to(flow.add_stage("Peek", "B")).name = "rows"
    before = flow.links.get("rows")
    inserted = flow.insert_stage(before, "Peek", "P", name="into_p")
    assert inserted.label == "P"
    # The link into B is the same link (id, port, name); only its source moved.
    assert flow.links.get("rows").id == before.id and flow.links.get("rows").source.label == "P"
    ours, theirs = normalised(flow.document), normalised(built.document)
    assert ours[0].keys() == theirs[0].keys() and ours[1] == theirs[1]
    for label in theirs[0]:
        for key in ("input_count", "output_count"):
            assert ours[0][label][2][key] == theirs[0][label][2][key], (label, key)
    assert check_flow(flow.document) == []


def test_a_stage_that_takes_no_input_cannot_be_inserted(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    flow.add_stage("Row Generator", "A").connect_output_to(flow.add_stage("Peek", "B"))
    with pytest.raises(flowzip.FlowzipError, match="Row Generator stages take no input link"):
        flow.insert_stage(flow.links[0], "Row Generator")
    assert [s.label for s in flow.stages] == ["A", "B"] and len(flow.links) == 1


def test_a_link_name_that_names_nothing_suggests_the_nearest(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    flow.add_stage("Row Generator", "A").connect_output_to(flow.add_stage("Peek", "B")).name = "lnk_rows"
    with pytest.raises(flowzip.FlowzipError, match=r"no link named 'lnk_row' \(did you mean 'lnk_rows'\?\)"):
        flow.links.get("lnk_row")


def test_lookup_reference_and_reject_links_match_the_sdk(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    primary, reference = flow.add_stage("Row Generator", "Primary_Src"), flow.add_stage("Row Generator", "Ref_Src")
    lookup = flow.add_stage("Lookup", "Lookup_1")
    matched, unmatched = flow.add_stage("Peek", "Matched"), flow.add_stage("Peek", "Unmatched")
    primary.connect_output_to(lookup).name = "prim"
    reference.connect_output_to(lookup).reference().name = "ref"
    lookup.connect_output_to(matched).name = "matched"
    lookup.connect_output_to(unmatched).reject().name = "unmatched"
    ours, links, _ = normalised(flow.document)
    theirs, expected_links, _ = normalised(sdk_example("08_lookup_reference_and_reject_links.json"))
    assert links == expected_links
    for label in theirs:
        for key in ("input_count", "output_count"):
            assert ours[label][2][key] == theirs[label][2][key], (label, key)
    assert check_flow(flow.document) == []


def test_join_with_two_inputs_matches_the_sdk(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    left, right = flow.add_stage("Row Generator", "Left_Src"), flow.add_stage("Row Generator", "Right_Src")
    join, peek = flow.add_stage("Join", "Join_1"), flow.add_stage("Peek", "Peek")
    left.connect_output_to(join).name = "left_in"
    right.connect_output_to(join).name = "right_in"
    join.connect_output_to(peek).name = "joined"
    join.configuration.InputlinkOrderingList = [{"link_label": "Left", "link_name": "left_in"},
                                                {"link_label": "Right", "link_name": "right_in"}]
    join.configuration.key_properties = [{"key": "K"}]
    join.configuration.operator = "innerjoin"
    ours, links, _ = normalised(flow.document)
    theirs, expected_links, _ = normalised(sdk_example("03_join_two_inputs.json"))
    assert links == expected_links
    assert dict(sorted(ours["Join_1"][2].items())) == dict(sorted(theirs["Join_1"][2].items()))


def test_comments_and_annotations_match_the_sdk(archive: flowzip.Archive, tmp_path: Path) -> None:
    flow = archive.create_flow("f")
    rowgen, peek = flow.add_stage("Row Generator", "Row_Generator"), flow.add_stage("Peek", "Peek")
    rowgen.connect_output_to(peek)
    flow.add_markdown_comment("# Heading\nSome *markdown* text").connect_to(rowgen)
    annotation = flow.add_annotation(
        "Styled annotation", bold=True, italics=True, font="IBM Plex Sans Condensed", text_decoration="underline",
        background_color="#1192E8", text_color="#DA1E28", horizontal_align="align-middle",
        vertical_align="align-center", text_size=18, outline=False)
    annotation.connect_to(rowgen).connect_to(peek)
    flow.add_markdown_comment("free-floating comment, no associations")
    expected = sdk_example("05_markdown_comment_and_annotation_connected.json")
    assert normalised(flow.document)[2] == normalised(expected)[2]
    assert [c.kind for c in flow.comments] == ["markdown", "annotation", "markdown"]
    archive.update_flow(flow)
    _saved_integrity(archive, tmp_path)


def test_annotation_attributes_set_one_by_one_as_the_seed_page_does_match_the_sdk(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    rowgen, peek = flow.add_stage("Row Generator", "Row_Generator"), flow.add_stage("Peek", "Peek")
    rowgen.connect_output_to(peek)
    flow.add_markdown_comment("# Heading\nSome *markdown* text").connect_to(rowgen)
    annotation = flow.add_annotation("Styled annotation")
    annotation.bold = True
    annotation.italics = True
    annotation.font = "IBM Plex Sans Condensed"
    annotation.text_decoration = "underline"
    annotation.background_color = "#1192E8"
    annotation.text_color = "#DA1E28"
    annotation.horizontal_align = "align-middle"
    annotation.vertical_align = "align-center"
    annotation.text_size = 18
    annotation.outline = False
    annotation.connect_to(rowgen).connect_to(peek)
    flow.add_markdown_comment("free-floating comment, no associations")
    expected = sdk_example("05_markdown_comment_and_annotation_connected.json")
    assert normalised(flow.document)[2] == normalised(expected)[2]
    assert (annotation.bold, annotation.text_size, annotation.outline) == (True, 18, False)
    annotation.bold = False  # and back: nothing else moves
    assert annotation.bold is False and annotation.italics is True and {"type": "bold"} not in annotation.formats


def test_a_markdown_comment_refuses_annotation_styling(archive: flowzip.Archive) -> None:
    comment = archive.create_flow("f").add_markdown_comment("# note")
    with pytest.raises(flowzip.FlowzipError, match="a markdown comment has no bold"):
        comment.bold = True


def test_duplicate_matches_the_sdk_up_to_ids(tmp_path: Path) -> None:
    archive = flowzip.new()
    original = sdk_example("14_duplicate_offline_emulation.json")
    archive.write_json("data_intg_flow/source.json", original)
    copy = archive.duplicate_flow(archive.flows.get(name="source"), "copy", description="the copy")
    assert normalised(copy.document) == normalised(original)
    assert copy.description == "the copy"
    old_ids = _all_strings(original)
    new_ids = {s.id for s in copy.stages} | {link.id for link in copy.links} | {copy.id}
    assert not new_ids & old_ids
    assert check_flow(copy.document) == []
    _saved_integrity(archive, tmp_path)


def _all_strings(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(_all_strings(v) for v in value.values()), set(value))
    if isinstance(value, list):
        return set().union(*(_all_strings(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) else set()


# --------------------------------------------------------------------------- rules


def test_cardinality_is_enforced(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    a, b, c = (flow.add_stage("Row Generator") for _ in range(3))
    peek = flow.add_stage("Peek")
    a.connect_output_to(peek)
    with pytest.raises(EditError, match="Peek takes at most 1 primary input link and already has 1"):
        b.connect_output_to(peek)
    with pytest.raises(EditError, match="Row Generator stages take no primary input link"):
        peek.connect_output_to(c)
    lookup, sink = flow.add_stage("Lookup"), flow.add_stage("Peek")
    b.connect_output_to(lookup)
    lookup.connect_output_to(sink)
    link = lookup.connect_output_to(flow.add_stage("Peek")).reject()
    with pytest.raises(EditError, match="at most 1 primary and 1 reject output links and already has 1 and 1"):
        lookup.connect_output_to(flow.add_stage("Peek"))
    with pytest.raises(EditError, match="Peek stages take no reference input link"):
        link.reference()
    assert check_flow(flow.document) == []


def test_labels_and_link_names_are_unique(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    first = flow.add_stage("Peek")
    assert first.label == "Peek_1" and flow.add_stage("peek").label == "Peek_2"
    with pytest.raises(EditError, match="already exists"):
        flow.add_stage("Peek", "Peek_1")
    with pytest.raises(EditError, match="already labelled"):
        first.label = "Peek_2"
    rowgen = flow.add_stage("Row Generator")
    rowgen.connect_output_to(first).name = "rows"
    with pytest.raises(EditError, match="link named 'rows' already exists"):
        flow.add_stage("Row Generator").connect_output_to(flow.stages.get(label="Peek_2"), name="rows")


def test_unknown_types_and_properties_get_a_did_you_mean(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    with pytest.raises(NotFoundError, match="did you mean 'Row Generator'"):
        flow.add_stage("Row Generatr")
    stage = flow.add_stage(stage_info=flow.available_stages.get(name="Sort"), label="sorter")
    assert stage.type == "Sort" and stage.label == "sorter"
    with pytest.raises(NotFoundError, match="did you mean"):
        stage.configuration.stabel = True
    with pytest.raises(EditError, match="must be a whole number"):
        flow.add_stage("Peek").configuration.nrecs = "ten"
    assert len(flow.available_stages) == 151


def test_every_catalog_type_can_be_added(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    added = []
    for stage_type in flow.available_stages:
        try:
            added.append(flow.add_stage(stage_type.type_name))
        except EditError:
            assert stage_type.type_name in ("Wrapped Stage", "Java Integration")
    assert len(added) >= 149
    assert len({s.label for s in added}) == len(added)
    boxes = {(s.x, s.y) for s in added}
    assert len(boxes) == len(added)  # no two stages on the same spot
    assert check_flow(flow.document) == []


def test_stage_filters(real: Path) -> None:
    flow = flowzip.open(real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip").flows[0]
    assert [s.label for s in flow.stages.get_all(type="Peek")] == ["Peek_1"]
    assert [s.label for s in flow.stages.get_all(type="row generator")] == ["Row_Generator_1"]
    assert flow.stages.get(label="Peek_1").get_input_links()[0].source.label == "Row_Generator_1"
    assert [s.label for s in flow.stages.get_all(output_count=1)] == ["Row_Generator_1"]
    with pytest.raises(NotFoundError, match="stages: Row_Generator_1, Peek_1"):
        flow.stages.get(label="nope")


def test_link_rename_rewrites_source_field_ids(real: Path) -> None:
    archive = flowzip.open(real / "520-521-Test" / "datastage")
    flow = archive.flows.get(name="Extract")
    link = next(link for link in flow.links if link.name == "inData")
    text = json.dumps(flow.document)
    assert '"inData.' in text
    link.name = "source_rows"
    text = json.dumps(flow.document)
    assert '"inData.' not in text and "inData." not in text
    assert '"source_rows.' in text
    assert check_flow(flow.document) == []


# --------------------------------------------------------------------------- flows in archives


def test_rename_flow_updates_every_reference(real: Path, tmp_path: Path) -> None:
    archive = flowzip.open(real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip")
    flow = archive.flows.get(name="rowgen_peek")
    flow.name = "generated_rows"
    out = tmp_path / "renamed.zip"
    archive.save(out)
    renamed = flowzip.open(out)
    assert renamed.flows.names() == ["generated_rows"]
    assert renamed.jobs[0].flow_name == "generated_rows"
    assert "px_executables/generated_rows.zip" in renamed
    manifest = renamed.manifest.assets
    assert {"name": "generated_rows", "type": "data_intg_flow"} in manifest
    assert {"name": "generated_rows", "type": "px_executables"} in manifest
    assert not any(a["name"] == "rowgen_peek" for a in manifest)
    # The flow itself did not change: same bytes under the new name.
    with zipfile.ZipFile(real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip") as a, zipfile.ZipFile(out) as b:
        assert a.read("data_intg_flow/rowgen_peek.json") == b.read("data_intg_flow/generated_rows.json")
        assert a.read("parameter_set/peek_paramset.json") == b.read("parameter_set/peek_paramset.json")
    with pytest.raises(FlowzipError, match="already exists"):
        renamed.create_flow("generated_rows")


def test_delete_flow_with_its_jobs(real: Path, tmp_path: Path) -> None:
    archive = flowzip.open(real / "ibm-datastage" / "dsjob" / "blogs" / "conn.zip")
    archive.delete_flow("testflow", delete_jobs=True)
    out = tmp_path / "deleted.zip"
    archive.save(out)
    left = flowzip.open(out)
    assert left.flows.names() == []
    # Both jobs name testflow as their flow (the second was made for a copy that kept the name).
    assert [j.name for j in left.jobs] == []
    assert "px_executables/testflow.zip" not in left
    assert not any(a["name"] == "testflow" for a in left.manifest.assets)


def test_create_flow_is_a_valid_platform_style_document(tmp_path: Path) -> None:
    archive = flowzip.new()
    archive.write_json("DataStage-README.json", {"project_name": "p", "assets": [], "flow_job_mapping": []})
    flow = archive.create_flow("nightly", description="loads the warehouse")
    assert flow.description == "loads the warehouse" and flow.stages == []
    out = tmp_path / "new.zip"
    archive.save(out)
    with zipfile.ZipFile(out) as written:
        raw = written.read("data_intg_flow/nightly.json")
    assert raw.startswith(b'{\n  "doc_type" : "pipeline",\n  "version" : "3.0",')
    assert {"name": "nightly", "type": "data_intg_flow"} in flowzip.open(out).manifest.assets


def test_editing_one_stage_of_a_real_export_changes_only_that_value(real: Path, tmp_path: Path) -> None:
    source = real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip"
    archive = flowzip.open(source)
    flow = archive.flows.get(name="rowgen_peek")
    before = archive.read_bytes(flow.member.name)
    peek = flow.stages.get(label="Peek_1")
    old = peek.configuration.nrecs
    peek.configuration.nrecs = 25
    archive.update_flow(flow)
    out = tmp_path / "edited.zip"
    archive.save(out)
    with zipfile.ZipFile(source) as a, zipfile.ZipFile(out) as b:
        changed = [n for n in a.namelist() if a.read(n) != b.read(n)]
        after = b.read(flow.member.name)
    assert changed == [flow.member.name]
    # A byte diff: one run of bytes differs, and it is the value.
    start = next(i for i in range(len(before)) if before[i] != after[i])
    end = 1
    while before[-end] == after[-end]:
        end += 1
    assert before[start:len(before) - end + 1] + b"|" + after[start:len(after) - end + 1] == \
        f"{old}|25".encode()


# --------------------------------------------------------------------------- property test

OPERATIONS = st.lists(
    st.tuples(st.sampled_from(["add", "connect", "remove", "rename_link", "rename_stage"]),
              st.sampled_from(["Row Generator", "Peek", "Copy", "Transformer", "Funnel", "Join", "Lookup", "Sort",
                               "Filter", "Sequential file"]),
              st.integers(0, 50), st.integers(0, 50)),
    max_size=25,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_random_edits_keep_every_reference_resolving(operations: list, tmp_path: Path) -> None:
    archive = flowzip.new()
    flow = archive.create_flow("f")
    for number, (operation, type_name, i, j) in enumerate(operations):
        stages = flow.stages
        try:
            if operation == "add" or not stages:
                flow.add_stage(type_name)
            elif operation == "connect":
                stages[i % len(stages)].connect_output_to(stages[j % len(stages)])
            elif operation == "remove":
                flow.remove_stage(stages[i % len(stages)])
            elif operation == "rename_link" and flow.links:
                flow.links[i % len(flow.links)].name = f"renamed_{number}"
            elif operation == "rename_stage":
                stages[i % len(stages)].label = f"stage_{number}"
        except EditError:
            pass  # refused edits (cardinality, self-links) must leave the flow consistent too
        assert check_flow(flow.document) == [], (operation, type_name)
    archive.update_flow(flow)
    out = tmp_path / "random.zip"
    archive.save(out)
    assert check_flow(flowzip.open(out).flows[0].document) == []


def test_configuration_reads_and_writes_by_name_alias_and_brackets(real: Path) -> None:
    archive = flowzip.open(real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip")
    flow = archive.flows[0]
    rowgen = flow.stages.get(label="Row_Generator_1")
    config = rowgen.configuration
    # A property the document does not set reads as the catalog's default.
    assert config.buf_mode == "default"
    # SDK name and JSON alias reach the same key.
    config.current_output_link_type = "PRIMARY"
    assert config["currentOutputLinkType"] == "PRIMARY"
    # Properties the catalog does not know, but the document has, stay readable and writable.
    rowgen.node["parameters"]["uiOnlySetting"] = "kept"
    assert config["uiOnlySetting"] == "kept"
    config["uiOnlySetting"] = "changed"
    assert rowgen.node["parameters"]["uiOnlySetting"] == "changed"
    with pytest.raises(NotFoundError, match="has no property 'anotherUnknown'"):
        config["anotherUnknown"] = 1
    with pytest.raises(AttributeError):
        _ = config.no_such_property_anywhere


def test_row_generator_records_are_mirrored_on_the_output_port(archive: flowzip.Archive) -> None:
    flow = archive.create_flow("f")
    rows = flow.add_stage("Row Generator")
    rows.connect_output_to(flow.add_stage("Peek"))
    rows.configuration.records = 77
    assert rows.node["parameters"]["records"] == 77
    assert rows.node["outputs"][0]["parameters"]["records"] == 77


def test_connector_usage_properties_go_to_the_connection(real: Path) -> None:
    flow = flowzip.open(real / "ibm-datastage" / "dsjob" / "blogs" / "conn.zip").flows[0]
    source = flow.stages[0]
    assert source.stage_type.needs_connection
    connection_props = source.node["connection"]["properties"]
    key = next(iter(connection_props))
    source.configuration[key] = connection_props[key]
    assert key not in (source.node.get("parameters") or {}) or key in connection_props
