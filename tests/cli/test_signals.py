"""A killed or interrupted command leaves its destination entirely old or entirely new, and no temporary file."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

import flowzip


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An export large enough that writing it takes a while (1,500 flows)."""
    path = tmp_path_factory.mktemp("big") / "big.zip"
    flow = json.loads(b'{"doc_type": "pipeline", "version": "3.0", "id": "d", "primary_pipeline": "p", '
                      b'"pipelines": [{"id": "p", "runtime_ref": "pxOsh", "nodes": []}]}')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(1500):
            flow["pipelines"][0]["description"] = f"flow {index} " + "x" * 4000
            archive.writestr(f"data_intg_flow/f{index}.json", json.dumps(flow, indent=2))
    return path


def _run(args: list[str], after: float, sig: int) -> int:
    process = subprocess.Popen([sys.executable, "-m", "flowzip", *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    time.sleep(after)
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    if process.returncode in (130, 143):
        assert err.decode().count("\n") == 1 and "every output is whole or absent" in err.decode()
    return process.returncode


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL])
@pytest.mark.parametrize("output", ["out.zip", "out"])
def test_a_killed_convert_leaves_all_or_nothing(big: Path, tmp_path: Path, sig: int, output: str) -> None:
    rng = random.Random(f"{sig}{output}")
    for attempt in range(2):
        workdir = tmp_path / f"run{attempt}"
        workdir.mkdir()
        dest = workdir / output
        code = _run(["convert", str(big), "-o", str(dest)], rng.uniform(0.3, 1.5), sig)
        leftovers = [p.name for p in workdir.iterdir() if p.name != output]
        if sig != signal.SIGKILL:
            assert leftovers == [], f"temporary files left: {leftovers}"  # SIGKILL cannot clean up
            # A signal that lands while Python is still starting ends it before flowzip runs (-sig).
            assert code in (0, -sig, 130 if sig == signal.SIGINT else 143)
        if dest.exists():
            assert len(flowzip.open(dest).members) == 1500  # complete, never half
        else:
            assert code != 0


def test_a_killed_in_place_edit_of_a_tree_leaves_the_old_or_the_new_tree(big: Path, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    flowzip.open(big).save(tree)
    rng = random.Random(7)
    for attempt in range(3):
        before = {p.name: p.read_bytes() for p in (tree / "data_intg_flow").iterdir()}
        code = _run(["stage", "add", str(tree), "f0", "Peek", "--in-place"], rng.uniform(0.3, 1.2), signal.SIGKILL)
        after = {p.name: p.read_bytes() for p in (tree / "data_intg_flow").iterdir()}
        changed = [name for name in before if before[name] != after.get(name)]
        assert set(after) == set(before) and changed in ([], ["f0.json"]), (attempt, code, changed[:3])
        for leftover in tmp_path.glob(".tree.*"):  # what a kill can leave: the new or the old tree, whole
            assert len(list((leftover / "data_intg_flow").iterdir())) == 1500
            shutil.rmtree(leftover)
