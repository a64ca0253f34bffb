"""Arranging many flows: in worker processes or here, the same bytes as arranging each flow by its view."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

import flowzip
from flowzip.document.layout import metrics
from flowzip.errors import FlowzipError
from flowzip.ops.arrange import arrange_flows
from tests.conftest import REAL, require_shared


def _arranged_flow_by_flow(path: Path, dest: Path) -> bytes:
    archive = flowzip.open(path)
    for flow in list(archive.flows):
        flow.auto_arrange()
        archive.update_flow(flow)
    archive.save(dest)
    return dest.read_bytes()


@pytest.mark.parametrize("name", ["lshort-mcix-cli-demo", "CPD_ocaso"])
def test_workers_write_what_each_flow_arranged_by_its_view_writes(name: str, tmp_path: Path) -> None:
    require_shared()
    path = REAL / name
    expected = _arranged_flow_by_flow(path, tmp_path / "views.zip")
    for jobs in (1, 2):
        archive = flowzip.open(path)
        results = archive.arrange_flows(jobs=jobs)
        archive.save(tmp_path / f"jobs{jobs}.zip")
        assert (tmp_path / f"jobs{jobs}.zip").read_bytes() == expected, jobs
    # What each flow is told to have is what its written layout measures.
    again = flowzip.open(tmp_path / "jobs2.zip")
    assert len(results) == len(again.flows) > 30
    assert {flow.name: metrics(flow.primary_pipeline) for flow in again.flows} == results


def _demo_tree() -> Path:
    require_shared()
    return REAL / "lshort-mcix-cli-demo"  # 36 flows, a folder tree


def test_only_the_chosen_flows_change(tmp_path: Path) -> None:
    flowzip.open(_demo_tree()).save(tmp_path / "before.zip")
    archive = flowzip.open(tmp_path / "before.zip")
    chosen = list(archive.flows)[3:5]
    results = arrange_flows(archive, chosen, jobs=2)
    assert list(results) == [flow.name for flow in chosen]
    archive.save(tmp_path / "after.zip")
    with zipfile.ZipFile(tmp_path / "before.zip") as before, zipfile.ZipFile(tmp_path / "after.zip") as after:
        changed = [info.filename for info in after.infolist() if after.read(info) != before.read(info.filename)]
    assert changed == [flow.member.name for flow in chosen]


def test_a_flow_of_another_archive_is_refused() -> None:
    archive, other = flowzip.open(_demo_tree()), flowzip.open(_demo_tree())
    with pytest.raises(FlowzipError, match="does not belong to this archive"):
        arrange_flows(archive, [other.flows[0]])


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_broken_flow_is_named_whichever_process_reads_it(jobs: int) -> None:
    archive = flowzip.open(_demo_tree())
    broken = archive.flows[-1].member.name
    archive.member(broken).set_bytes(b'{"pipelines": [')
    with pytest.raises(FlowzipError) as caught:
        arrange_flows(archive, jobs=jobs)
    assert caught.value.member == broken


def test_edits_in_the_views_given_are_kept_and_a_flow_named_twice_is_arranged_once(tmp_path: Path) -> None:
    flowzip.open(_demo_tree()).save(tmp_path / "before.zip")
    archive = flowzip.open(tmp_path / "before.zip")
    flow = archive.flows[2]
    flow.description = "edited before arranging"
    results = arrange_flows(archive, [flow, flow])
    assert list(results) == [flow.name]
    archive.save(tmp_path / "after.zip")
    again = flowzip.open(tmp_path / "after.zip").flows.get(name=flow.name)
    assert again.description == "edited before arranging"
    assert metrics(again.primary_pipeline) == results[flow.name]
