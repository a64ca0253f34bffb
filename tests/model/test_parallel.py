"""Work shared among worker processes: only for an archive as stored on disk, results in the serial order."""

from __future__ import annotations

from pathlib import Path

import flowzip
from flowzip.model.parallel import PARALLEL_MEMBERS, run_in_workers, workers_for
from tests.conftest import REAL, require_shared


def _member_sizes(archive: flowzip.Archive, _state: object, names: list[str]) -> list[tuple[str, int]]:
    return [(name, len(archive.member(name).read())) for name in names]


def _demo_tree() -> Path:
    require_shared()
    return REAL / "lshort-mcix-cli-demo"


def test_workers_return_each_chunk_in_order() -> None:
    archive = flowzip.open(_demo_tree())
    names = [m.name for m in archive.members if m.type != "directory"]
    results = [pair for _, found in run_in_workers(archive, names, _member_sizes, 2) for pair in found]
    assert results == [(name, len(archive.member(name).read())) for name in names]


def test_workers_only_for_an_archive_as_stored(tmp_path: Path) -> None:
    archive = flowzip.open(_demo_tree())
    assert workers_for(archive, PARALLEL_MEMBERS - 1) == 1
    assert workers_for(archive, 10, jobs=2) == 2
    flow = archive.flows[0]
    flow.description = "changed"
    archive.update_flow(flow)
    assert workers_for(archive, 10, jobs=2) == 1  # a worker would read the stored flow, not the changed one
    assert workers_for(flowzip.new(), 10, jobs=2) == 1  # nothing on disk
