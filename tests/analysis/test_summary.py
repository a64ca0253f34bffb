"""``flowzip check``'s report: the same from worker processes as from one, problems in member order."""

from __future__ import annotations

import shutil
from pathlib import Path

import flowzip
from flowzip.analysis import summary
from flowzip.analysis.summary import check_archive
from tests.conftest import REAL, require_shared


def test_workers_report_what_one_process_reports(tmp_path: Path, monkeypatch) -> None:
    require_shared()
    tree = tmp_path / "tree"
    shutil.copytree(REAL / "lshort-mcix-cli-demo", tree)
    flows = sorted((tree / "data_intg_flow").glob("*.json")) if (tree / "data_intg_flow").is_dir() else \
        sorted(tree.rglob("data_intg_flow/*.json"))
    flows[1].write_bytes(b'{"pipelines": [')  # an error
    flows[-1].write_bytes(flows[-1].read_bytes().replace(b"{", b'{"id": 1, "id": 2, ', 1))  # a repeated key
    serial = check_archive(flowzip.open(tree), jobs=1)
    assert serial["errors"] == 1 and serial["warnings"] == 1
    seen: list[str] = []
    runs: list[int] = []
    spread = summary.run_in_workers
    monkeypatch.setattr(summary, "run_in_workers", lambda *args, **kw: runs.append(args[3]) or spread(*args, **kw))
    parallel = check_archive(flowzip.open(tree), jobs=2, progress=lambda member: seen.append(member.name))
    assert runs == [2]  # the workers did read it
    assert parallel == serial
    assert len(seen) == parallel["members"]
