"""What flows and jobs depend on (format.md §1.5), and re-pointing those references."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

import flowzip
import flowzip.jsonio
from flowzip.document.references import Reference, document_references, job_references, repoint, repoint_job
from flowzip.lint.config import LintConfig
from flowzip.model.relations import closure
from tests.conftest import real_archives_with_flows, real_or_missing, real_params


def _flow(nodes: list[dict], **top: object) -> dict:
    return {"doc_type": "pipeline", "version": "3.0", "id": "d", "primary_pipeline": "p",
            "pipelines": [{"id": "p", "nodes": nodes}], **top}


def _node(**fields: object) -> dict:
    return {"id": "n", "type": "execution_node", "op": "PxPeek", "app_data": {"ui_data": {"label": "s"}}, **fields}


# (document, the reference it makes) - one row per way format.md §1.5 lists.
CASES = {
    "external parameter set": (_flow([], external_paramsets=[{"name": "ps", "ref": "r"}]),
                               Reference("parameter_set", "ps")),
    "parameter string": (_flow([_node(parameters={"records": "#ps.rows#"})]), Reference("parameter_set", "ps")),
    "project connection": (_flow([_node(connection={"name": "pg", "ref": "id"})]), Reference("connection", "pg")),
    "migrated connection": (_flow([_node(connection={"ref": "app_defined", "connData": {
        "op": "existing-asset", "connectionName": "pg"}})]), Reference("connection", "pg")),
    "external subflow": (_flow([_node(type="super_node", subflow_ref={"name": "sc", "url": "https://h/x",
                                                                      "pipeline_id_ref": "q"})]),
                         Reference("data_intg_subflow", "sc")),
    "build stage": (_flow([_node(op="MyOp", app_data={"datastage": {"custom_optype": 1, "custom_op_asset_id": "a"}})]),
                    Reference("data_intg_build_stage", "MyOp")),
    "wrapped stage": (_flow([_node(op="Wr", app_data={"datastage": {"custom_optype": 2, "custom_op_asset_id": "a"}})]),
                      Reference("data_intg_wrapped_stage", "Wr")),
    "custom stage": (_flow([_node(op="Cu", app_data={"datastage": {"custom_optype": 0, "custom_op_asset_id": "a"}})]),
                     Reference("data_intg_custom_stage", "Cu")),
    "java library": (_flow([_node(op="JavaStagePX", parameters={"asset_name": "jl"})]),
                     Reference("data_intg_java_library", "jl")),
    "data definition": (_flow([], schemas=[{"id": "s", "fields": [{"name": "c", "app_data": {"table_def": "td"}}]}]),
                        Reference("data_definition", "td")),
    "function library": (_flow([], app_data={"datastage": {"function_libraries": [{"asset_name": "fl"}]}}),
                         Reference("data_intg_parallel_function", "fl")),
    "message handler": (_flow([], app_data={"datastage": {"external_message_handlers": ["mh-id"]}}),
                        Reference("data_intg_message_handler", "mh-id")),
}
NOT_REFERENCES = {
    "embedded connection": _flow([_node(connection={"name": "x", "ref": "local"})]),
    "local subflow": _flow([_node(type="super_node", subflow_ref={"pipeline_id_ref": "q"})]),
    "XML stage": _flow([_node(type="super_node", parameters={"stage_type": "XMLStage"},
                              subflow_ref={"name": "x", "url": "u"})]),
    "PROJDEF": _flow([], external_paramsets=[{"name": "PROJDEF"}]),
    "plain stage": _flow([_node(parameters={"records": "10 # not a #reference"})]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_way_a_flow_names_a_dependency(case: str) -> None:
    document, reference = CASES[case]
    assert document_references(document) == {reference}


@pytest.mark.parametrize("case", sorted(NOT_REFERENCES))
def test_what_is_not_a_dependency(case: str) -> None:
    assert document_references(NOT_REFERENCES[case]) == set()


@pytest.mark.parametrize("case", sorted(set(CASES) - {"message handler"}))  # handlers are named by id
def test_repoint_moves_every_kind_of_reference(case: str) -> None:
    document, reference = CASES[case]
    doc = copy.deepcopy(document)
    assert repoint(doc, reference.folder, reference.name, "renamed") == 1
    assert document_references(doc) == {Reference(reference.folder, "renamed")}
    assert repoint(doc, reference.folder, reference.name, "again") == 0  # nothing left to move


def test_parameter_strings_are_known_only_when_the_set_exists() -> None:
    doc = _flow([_node(parameters={"a": "#ps.x#", "b": "#other.y#"})])
    assert document_references(doc, {"ps"}) == {Reference("parameter_set", "ps")}


def test_jobs_name_their_parameter_sets_and_follow_a_rename() -> None:
    job = {"entity": {"job": {"parameter_sets": [{"name": "ps", "ref": "r"}, {"name": "PROJDEF"}],
                              "job_parameters": [{"name": "ps.x", "value": "#ps.y#"}, {"name": "local", "value": 1}]}}}
    assert job_references(job) == {Reference("parameter_set", "ps")}
    assert repoint_job(job, "parameter_set", "ps", "ps_1") == 3
    body = job["entity"]["job"]
    assert body["parameter_sets"][0]["name"] == "ps_1"
    assert body["job_parameters"][0] == {"name": "ps_1.x", "value": "#ps_1.y#"}


@pytest.mark.parametrize("path", real_params(real_archives_with_flows()))
def test_what_an_export_misses_is_what_lint_reports_missing(path: Path | None) -> None:
    """Two readings of one rule (format.md §1.5) agree on every real archive."""
    archive = flowzip.open(real_or_missing(path))
    flows = [f.member for f in list(archive.flows) + list(archive.subflows)]
    _, missing = closure(archive, flows)
    found = flowzip.lint(archive, LintConfig(select=["FZD001", "FZD002", "FZD003", "FZD004", "FZD006"])).findings
    assert {re.findall(r"'([^']*)', which", f.message)[0] for f in found} == {r.name for r in missing}


@pytest.mark.parametrize("text", ["#1ps.rows#", "#a#ps.rows#", "values #ps.rows# and #ps.cols#"])
def test_parameter_sets_named_in_strings_are_found_in_the_document_and_in_its_bytes(text: str) -> None:
    # The same sets whether the document's strings or its bytes are read (format.md §1.5).
    expected = {"1ps"} if text.startswith("#1ps") else {"ps"}
    doc = _flow([_node(parameters={"note": text})])
    found = {r.name for r in document_references(doc) if r.folder == "parameter_set"}
    raw = flowzip.jsonio.dumps(doc, flowzip.jsonio.JACKSON)
    from_bytes = {r.name for r in document_references(doc, raw=raw) if r.folder == "parameter_set"}
    assert found == from_bytes == expected
