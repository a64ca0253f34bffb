"""Which jobs run a flow: one rule for flow.job, export, import, rename, delete and lint (format.md §5.1)."""

from __future__ import annotations

from pathlib import Path

import pytest

import flowzip
from flowzip.lint import LintConfig, lint_archive
from flowzip.model.relations import flow_of_job, jobs_of_flow


def _job(name: str, **body: str) -> dict:
    return {"metadata": {"name": name, "asset_id": name + "-id"},
            "entity": {"job": {"asset_ref_type": "data_intg_flow", **body}}}


def _archive(**jobs: dict) -> flowzip.Archive:
    archive = flowzip.new()
    archive.write_json("DataStage-README.json", {"project_name": "p", "assets": [], "flow_job_mapping": []})
    archive.create_flow("load")
    archive.create_flow("other")
    for name, body in jobs.items():
        archive.write_json(f"job/{name}.json", _job(name, **body))
    return archive


def test_a_job_named_only_by_asset_ref_name_runs_its_flow() -> None:
    archive = _archive(nightly={"asset_ref_name": "load"})
    assert archive.flows.get(name="load").job.name == "nightly"
    assert [m.asset_name for m in jobs_of_flow(archive, "load")] == ["nightly"]
    assert flow_of_job(archive, archive.member("job/nightly.json")) == "load"
    assert archive.flows.get(name="other").job is None


def test_the_manifest_mapping_comes_first_then_the_platform_name_then_others() -> None:
    archive = _archive(**{"a": {"flow_name": "load"}, "load.DataStage job": {"flow_name": "load"},
                          "mapped": {"flow_name": "other"}})
    assert [m.asset_name for m in jobs_of_flow(archive, "load")] == ["load.DataStage job", "a"]
    archive.manifest.map_job("load", "mapped")
    assert [m.asset_name for m in jobs_of_flow(archive, "load")] == ["mapped", "load.DataStage job", "a"]
    assert archive.flows.get(name="load").job.name == "mapped"


def test_a_job_found_only_by_asset_ref_is_a_last_resort() -> None:
    archive = _archive(byref={"asset_ref": "the-flow-id"})
    assert jobs_of_flow(archive, "load", "the-flow-id")[0].asset_name == "byref"
    assert jobs_of_flow(archive, "load", lambda: "another-id") == []


def test_export_takes_a_job_named_only_by_asset_ref_name_along(tmp_path: Path) -> None:
    archive = _archive(nightly={"asset_ref_name": "load"})
    result = archive.export_flow("load", tmp_path / "load.zip")
    assert "job/nightly.json" in result.members
    exported = flowzip.open(tmp_path / "load.zip")
    assert exported.manifest.flow_job_mapping == [{"flow": "load", "job": "nightly", "type": "data_intg_flow"}]


def test_rename_and_delete_follow_a_job_named_only_by_asset_ref_name() -> None:
    archive = _archive(nightly={"asset_ref_name": "load"})
    flow = archive.flows.get(name="load")
    archive.rename_flow(flow, "daily")
    assert archive.jobs.get(name="nightly").job["asset_ref_name"] == "daily"
    assert archive.flows.get(name="daily").job.name == "nightly"
    archive.delete_flow("daily", delete_jobs=True)
    assert "job/nightly.json" not in archive


def test_import_brings_a_job_named_only_by_asset_ref_name_with_its_flow(tmp_path: Path) -> None:
    source = _archive(nightly={"asset_ref_name": "load"})
    source.save(tmp_path / "source.zip")
    target = _archive()
    response = target.import_flows(tmp_path / "source.zip", conflict_resolution="rename")
    jobs = [e for e in response.import_data_flows if e.type == "job"]
    assert [(e.original_name, e.name, e.status) for e in jobs] == [("nightly", "nightly", "imported")]
    assert target.jobs.get(name="nightly").job["asset_ref_name"] == "load_1"  # re-pointed at the renamed flow


@pytest.mark.parametrize(("body", "orphan"), [({"asset_ref_name": "load"}, False), ({"flow_name": "gone"}, True),
                                              ({"asset_ref_name": "gone"}, True)])
def test_lint_asks_the_same_rule(body: dict, orphan: bool) -> None:
    archive = _archive(job=body)
    found = [f for f in lint_archive(archive, LintConfig(select=["FZD005"])) if f.code == "FZD005"]
    assert bool(found) is orphan


def test_a_broken_flow_can_still_be_renamed_and_deleted() -> None:
    # Looking for a job by the flow's id must not need the flow's document: it may be the broken part.
    archive = _archive(byref={"asset_ref": "x"})
    archive.write_bytes("data_intg_flow/broken.json", b'{"not": "a flow"}')
    broken = archive.flows.get(name="broken")
    archive.rename_flow(broken, "still_broken")
    archive.delete_flow("still_broken", delete_jobs=True)
    assert "job/byref.json" in archive and "data_intg_flow/still_broken.json" not in archive


def test_a_job_that_names_another_flow_is_never_taken_by_its_asset_ref() -> None:
    archive = _archive(other_job={"flow_name": "other", "asset_ref": "id-of-load"})
    assert jobs_of_flow(archive, "load", "id-of-load") == []
