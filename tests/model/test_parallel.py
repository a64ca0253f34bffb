"""Work shared among worker processes: only for an archive as stored on disk, results in the serial order."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

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


_WORKING = """
import os, sys, time
import flowzip
from flowzip.model.parallel import run_in_workers

def task(archive, state, names):
    sys.stdout.write(f"{os.getpid()}\\n")  # one write: two workers' lines never interleave
    sys.stdout.flush()
    time.sleep(60)
    return []

archive = flowzip.open(sys.argv[1])
for _ in run_in_workers(archive, [m.name for m in archive.members][:2], task, 2):
    pass
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_the_command_is_killed(tmp_path: Path) -> None:
    # A command killed outright cannot stop its workers: they notice they were left and end by themselves.
    script = tmp_path / "working.py"
    script.write_text(_WORKING)
    command = subprocess.Popen([sys.executable, str(script), str(_demo_tree())], stdout=subprocess.PIPE)
    assert command.stdout is not None
    workers = [int(command.stdout.readline()) for _ in range(2)]
    assert all(_alive(pid) for pid in workers)
    command.kill()
    command.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)
