"""Recipes, overlays, patches, lint configuration and baselines are read as carefully as archives:
a hostile one is refused in one line, exit 2, nothing written."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowzip.cli import cli
from tests.conftest import REPO

DEMO = REPO / "fixtures" / "demo" / "paramset.zip"
FLOW = "data_intg_flow/rowgen_peek.json"


def _write(name: str, data: bytes) -> Callable[[Path], list[str]]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path
    return make


def _symlinked_overlay(folder: Path) -> Path:
    (folder / "outside.json5").write_text("{description: 'read from outside'}")
    overlay = folder / "overlay" / "parameter_set"
    overlay.mkdir(parents=True)
    os.symlink(folder / "outside.json5", overlay / "column_name_paramset.json5")
    return folder / "overlay"


def _copy_bomb(folder: Path) -> Path:
    doubling = [{"op": "copy", "from": "/pipelines", "path": "/pipelines/-"}] * 40
    return _write("bomb.json", json.dumps({FLOW: doubling}).encode())(folder)


#: case -> (how to make the hostile file, the command with {a} the archive, {f} the file, {out} the output)
CASES = {
    "recipe: TOML nested 100,000 deep": (_write("deep.toml", b"x = " + b"[" * 100_000 + b"]" * 100_000),
                                         ["apply", "{a}", "{f}", "-o", "{out}"]),
    "recipe: JSON nested 100,000 deep": (_write("deep.json", b"[" * 100_000 + b"]" * 100_000),
                                         ["apply", "{a}", "{f}", "-o", "{out}"]),
    "recipe: not UTF-8": (_write("bad.toml", b"x = '\xff\xfe'"), ["apply", "{a}", "{f}", "-o", "{out}"]),
    "recipe: wrong shape": (_write("shape.json", b'[{"set": 5}]'), ["apply", "{a}", "{f}", "-o", "{out}"]),
    "lint config: TOML nested": (_write(".flowzip.toml", b"[lint]\nselect = " + b"[" * 50_000 + b"]" * 50_000),
                                 ["lint", "--config", "{f}", "{a}", "-o", "{out}"]),
    "baseline: not a baseline": (_write("baseline.json", b'{"version": 1, "findings": [1, 2]}'),
                                 ["lint", "--baseline", "{f}", "{a}", "-o", "{out}"]),
    "baseline: nested": (_write("baseline.json", b"[" * 100_000), ["lint", "--baseline", "{f}", "{a}", "-o", "{out}"]),
    "patch: copy doubling": (_copy_bomb, ["patch", "{a}", "{f}", "-o", "{out}"]),
    "patch: not a patch": (_write("p.json", b'{"' + FLOW.encode() + b'": [{"op": "frob"}]}'),
                           ["patch", "{a}", "{f}", "-o", "{out}"]),
    "overlay: a symbolic link out of its folder": (_symlinked_overlay, ["overlay", "{a}", "{f}", "-o", "{out}"]),
    "overlay: JSON5 nested": (_write("ov/parameter_set/column_name_paramset.json5", b"{a: " + b"[" * 100_000),
                              ["overlay", "{a}", "{f}", "-o", "{out}"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_hostile_input_is_refused_in_one_line(tmp_path: Path, case: str) -> None:
    make, args = CASES[case]
    archive = tmp_path / "a.zip"
    shutil.copy(DEMO, archive)
    hostile = make(tmp_path)
    if case.startswith("overlay: JSON5"):
        hostile = tmp_path / "ov"
    out = tmp_path / "out.zip"
    result = CliRunner().invoke(cli, [a.format(a=archive, f=hostile, out=out) for a in args])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("flowzip: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "internal error" not in result.stderr
    assert not out.exists()
    assert archive.read_bytes() == DEMO.read_bytes()
