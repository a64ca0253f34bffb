"""Every archive flowzip writes loads in the official SDK's reader (ibm-watsonx-data-integration 2.1.0).

The SDK is installed by the test extra.  Its ZipImporter classifies the members
(format.md §1.1) and its pydantic flow model (``extra="forbid"`` at flow, pipeline,
node, port and link level, format.md §2.9) validates every flow and subflow.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowzip
from flowzip.document.integrity import check_flow
from flowzip.errors import EditError
from tests.conftest import real_exports, real_or_missing, real_params


def _sdk():
    try:
        from ibm_watsonx_data_integration.services.datastage.codegen.importers import ZipImporter
        from ibm_watsonx_data_integration.services.datastage.models.flow_json_model import Flow
    except ImportError:  # pragma: no cover - the test extra installs it
        if os.environ.get("CI"):
            pytest.fail("the official SDK is not installed: pip install '.[test]'")
        pytest.skip("the official SDK is not installed")
    return ZipImporter, Flow


def sdk_dag(doc: dict) -> object:
    """Read a flow document into the SDK's BatchFlow (its DAG), as its code generator does offline."""
    import logging

    logging.getLogger("ibm_watsonx_data_integration").setLevel(logging.ERROR)
    from ibm_watsonx_data_integration.services.datastage.codegen.dag_generator import DAGGenerator

    _, flow_model = _sdk()
    return DAGGenerator(flow_model.model_validate(doc)).generate()


def dag_reads(doc: dict) -> bool:
    try:
        sdk_dag(doc)
    except Exception:  # noqa: BLE001 - the SDK reader fails on some real flows without a live project
        return False
    return True


def sdk_load(path: Path) -> int:
    """Load *path* as the SDK does; return the number of flows and subflows it validated."""
    zip_importer, flow_model = _sdk()
    importer = zip_importer(str(path))
    importer.run()
    count = 0
    for _info, raw in importer.flows + importer.subflows:
        doc = json.loads(raw)
        if isinstance(doc, dict) and "pipelines" not in doc and "attachments" in doc:
            doc = doc["attachments"]
        flow_model.model_validate(doc)
        count += 1
    return count


def assert_loads(archive: flowzip.Archive, out: Path) -> None:
    archive.save(out)
    reopened = flowzip.open(out)
    expected = len(reopened.flows) + len(reopened.subflows)
    assert sdk_load(out) == expected
    for flow in list(reopened.flows):
        problems = check_flow(flow.document)
        assert not [p for p in problems if p.code not in KNOWN_REAL_QUIRKS], (flow.name, problems)


#: Integrity problems real exports already carry (reported by lint, left as they are by flowzip).
KNOWN_REAL_QUIRKS = {"count-mismatch", "dangling-source-of-link", "duplicate-id", "duplicate-link-name",
                     "dangling-order", "dangling-schema-ref", "schema-ref-mismatch"}


def _zip_archives() -> list[Path]:
    # The *-history folders hold successive snapshots of one repository (for diff tests), not one export.
    return [p for p in real_exports() if p.is_dir() or zipfile.is_zipfile(p)]


@pytest.mark.parametrize("source", real_params(_zip_archives()))
def test_no_op_saves_of_real_exports_load_in_the_sdk(source: Path | None, tmp_path: Path) -> None:
    source = real_or_missing(source)
    assert_loads(flowzip.open(source), tmp_path / "out.zip")


def test_every_operation_writes_what_the_sdk_reads(real: Path, tmp_path: Path) -> None:
    archive = flowzip.open(real / "CPD_ocaso")
    names = archive.flows.names()[:12]
    readable = {name: dag_reads(archive.flows.get(name=name).document) for name in names}
    assert sum(readable.values()) >= 6
    for number, name in enumerate(names):
        flow = archive.flows.get(name=name)
        if flow.stages:
            flow.stages[0].label = f"first_{number}"
            if flow.links:
                flow.links[0].name = f"renamed_link_{number}"
            flow.remove_stage(flow.stages[-1])
        rows, peek = flow.add_stage("Row Generator"), flow.add_stage("Peek")
        rows.connect_output_to(peek)
        rows.configuration.records = 42
        flow.add_markdown_comment("note").connect_to(rows)
        flow.add_annotation("styled", bold=True, text_size=24).connect_to(peek)
        flow.description = "edited by flowzip"
        archive.update_flow(flow)
    archive.duplicate_flow(archive.flows.get(name=names[0]), "duplicated")
    archive.rename_flow(archive.flows.get(name=names[1]), "renamed_flow")
    archive.delete_flow(names[2], delete_jobs=True)
    created = archive.create_flow("created", description="new")
    lookup = created.add_stage("Lookup")
    created.add_stage("Row Generator").connect_output_to(lookup)
    created.add_stage("Row Generator").connect_output_to(lookup).reference()
    lookup.connect_output_to(created.add_stage("Peek"))
    lookup.connect_output_to(created.add_stage("Peek")).reject()
    archive.update_flow(created)
    assert_loads(archive, tmp_path / "edited.zip")
    edited = flowzip.open(tmp_path / "edited.zip")
    sdk_dag(edited.flows.get(name="created").document)
    for name, was_readable in readable.items():
        current = {names[1]: "renamed_flow"}.get(name, name)
        if was_readable and current in edited.flows.names():
            sdk_dag(edited.flows.get(name=current).document)  # what the SDK read before, it reads after editing


TYPES = ["Row Generator", "Peek", "Copy", "Transformer", "Funnel", "Join", "Lookup", "Sort", "Filter",
         "Sequential file", "PostgreSQL", "Amazon S3", "Aggregator", "Remove Duplicates"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=st.lists(st.tuples(st.sampled_from(["add", "connect", "remove", "reference", "reject"]),
                                     st.sampled_from(TYPES), st.integers(0, 40), st.integers(0, 40)), max_size=20))
def test_random_edit_sequences_load_in_the_sdk(operations: list, tmp_path: Path) -> None:
    archive = flowzip.new()
    flow = archive.create_flow("random")
    for operation, type_name, i, j in operations:
        stages = flow.stages
        try:
            if operation == "add" or not stages:
                flow.add_stage(type_name)
            elif operation == "connect":
                stages[i % len(stages)].connect_output_to(stages[j % len(stages)])
            elif operation == "remove":
                flow.remove_stage(stages[i % len(stages)])
            elif flow.links:
                getattr(flow.links[i % len(flow.links)], operation)()
        except EditError:
            pass
    archive.update_flow(flow)
    out = tmp_path / "random.zip"
    archive.save(out)
    assert sdk_load(out) == 1
    document = flowzip.open(out).flows[0].document
    assert check_flow(document) == []
    sdk_dag(document)
