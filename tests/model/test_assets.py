"""Typed views on real exports."""

from __future__ import annotations

from pathlib import Path

import pytest

import flowzip
from flowzip.errors import NotFoundError, WrongDocumentError
from tests.zipbuild import MINIMAL_FLOW, make_zip


def test_views_of_a_real_export(real: Path) -> None:
    archive = flowzip.open(real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip")
    assert archive.flows.names() == ["rowgen_peek"]
    flow = archive.flows.get(name="rowgen_peek")
    assert flow.flow_id == archive.jobs[0].asset_ref
    assert archive.flows.get(flow_id=flow.flow_id) == flow
    assert archive.flows.get_all(flow_type="batch") == [flow]
    assert archive.flows.get_all(flow_type="orchestration") == []
    assert [p.name for p in archive.parameter_sets] == ["peek_paramset", "description_paramset",
                                                         "column_name_paramset"]
    ps = archive.parameter_sets.get("peek_paramset")
    assert [p["name"] for p in ps.parameters] and ps.value_sets[0]["name"] == "peek_valueset"
    assert archive.jobs[0].flow_name == "rowgen_peek"
    assert archive.manifest is not None and len(archive.manifest.assets) == 6
    link = flow.links[0]
    assert (link.source.label, link.target.label, link.type) == ("Row_Generator_1", "Peek_1", "PRIMARY")
    with pytest.raises(NotFoundError, match=r"no flow named .nope. \(flows: rowgen_peek\)"):
        archive.flows.get(name="nope")


def test_every_real_flow_has_resolvable_links(real: Path) -> None:
    for tree in ("CPD_ocaso", "lshort-mcix-cli-demo", "stabledev1-DrewTest3", "drew-cp4d-prod1-git-test"):
        archive = flowzip.open(real / tree)
        for flow in list(archive.flows) + list(archive.subflows):
            for link in flow.links:
                assert link.target is not None
            assert all(stage.type for stage in flow.stages)


def test_a_flow_member_holding_the_wrong_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    path.write_bytes(make_zip({"data_intg_flow/f.json": b'{"parameter_set": {}}', "job/j.json": MINIMAL_FLOW}))
    archive = flowzip.open(path)
    with pytest.raises(WrongDocumentError, match="data_intg_flow/f.json: is not a pipeline-flow document"):
        _ = archive.flows[0].stages
    with pytest.raises(WrongDocumentError, match="no 'entity.job'"):
        _ = archive.jobs[0].flow_name


def test_envelope_and_list_forms_are_read_like_the_sdk(tmp_path: Path) -> None:
    import json

    doc = json.loads(MINIMAL_FLOW)
    path = tmp_path / "a.zip"
    path.write_bytes(make_zip({
        "data_intg_flow/env.json": json.dumps({"metadata": {}, "entity": {}, "attachments": doc}).encode(),
        "data_intg_flow/list.json": json.dumps([doc]).encode(),
    }))
    archive = flowzip.open(path)
    assert [f.primary_pipeline["id"] for f in archive.flows] == ["p", "p"]


def test_each_view_owns_its_document_until_update_flow(real: Path) -> None:
    archive = flowzip.open(real / "CPD_ocaso")
    first, second = archive.flows[0], archive.flows[0]
    assert first.document is not second.document
    first.description = "changed in the first view"
    assert second.description != "changed in the first view"
    assert archive.flows[0].description != "changed in the first view"
    archive.update_flow(first)
    assert archive.flows[0].description == "changed in the first view"


def test_low_level_documents_are_shared_while_held_and_freed_when_dropped(real: Path) -> None:
    import gc
    import weakref

    archive = flowzip.open(real / "CPD_ocaso")
    name = archive.flows[0].member.name
    doc = archive.read_json(name)
    assert archive.read_json(name) is doc
    ref = weakref.ref(archive.member(name).document())
    del doc
    archive._recent.clear()
    gc.collect()
    assert ref() is None  # nothing holds the parsed flow any more: its memory is free
    # A document stored for writing is held until saved, whoever else lets it go.
    doc = archive.read_json(name)
    archive.write_json(name, doc)
    ref = weakref.ref(archive.member(name).document())
    del doc
    archive._recent.clear()
    gc.collect()
    assert ref() is not None
