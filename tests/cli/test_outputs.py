"""One write path: no command writes over what it reads, and a failed command leaves nothing behind."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowzip
from flowzip.cli import cli
from tests.conftest import REPO
from tests.zipbuild import MINIMAL_FLOW, make_zip

DEMO = REPO / "fixtures" / "demo" / "paramset.zip"

#: command -> arguments; {a} is the archive read, {b} a second archive read, {out} the destination.
COMMANDS = {
    "lint -o": ["lint", "{a}", "-o", "{out}"],
    "lint --update-baseline": ["lint", "{a}", "--baseline", "{out}", "--update-baseline"],
    "import -o": ["import", "{b}", "{a}", "-o", "{out}"],
    "render -o": ["render", "{a}", "rowgen_peek", "--format", "svg", "-o", "{out}"],
    "convert -o": ["convert", "{a}", "-o", "{out}"],
    "export -o": ["export", "{a}", "--flow", "rowgen_peek", "-o", "{out}"],
    "stage add -o": ["stage", "add", "{a}", "rowgen_peek", "Peek", "-o", "{out}"],
    "apply -o": ["apply", "{a}", "{recipe}", "-o", "{out}"],
}
#: Commands whose other inputs (a recipe, a patch) an output must not replace either.
OTHER_INPUTS = {
    "apply -o over its recipe": ["apply", "{a}", "{recipe}", "-o", "{recipe}"],
    "patch -o over its patch": ["patch", "{a}", "{patch}", "-o", "{patch}"],
    "overlay -o over its overlay": ["overlay", "{a}", "{overlay}", "-o", "{overlay}"],
}


@pytest.mark.parametrize("command", sorted(OTHER_INPUTS))
def test_no_command_writes_over_its_other_inputs(tmp_path: Path, command: str) -> None:
    a = tmp_path / "a.zip"
    shutil.copy(DEMO, a)
    (tmp_path / "recipe.json").write_text('[{"arrange": {}}]')
    (tmp_path / "patch.json").write_text('{"data_intg_flow/rowgen_peek.json": []}')
    (tmp_path / "overlay" / "parameter_set").mkdir(parents=True)
    (tmp_path / "overlay" / "parameter_set" / "peek_paramset.json5").write_text("{row_count: 5}")
    files = {p: p.read_bytes() for p in (tmp_path / "recipe.json", tmp_path / "patch.json")}
    args = [part.format(a=a, recipe=tmp_path / "recipe.json", patch=tmp_path / "patch.json",
                        overlay=tmp_path / "overlay") for part in OTHER_INPUTS[command]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr, result.stderr
    assert all(path.read_bytes() == data for path, data in files.items())


@pytest.mark.parametrize("how", ["same path", "symbolic link", "hard link"])
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_writes_over_an_archive_it_reads(tmp_path: Path, command: str, how: str) -> None:
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    shutil.copy(DEMO, a)
    shutil.copy(DEMO, b)
    (tmp_path / "recipe.json").write_text('[{"arrange": {}}]')
    out = tmp_path / "out.zip"
    if how == "same path":
        out = a
    elif how == "symbolic link":
        os.symlink(a, out)
    else:
        os.link(a, out)
    before = a.read_bytes()
    args = [part.format(a=a, b=b, out=out, recipe=tmp_path / "recipe.json") for part in COMMANDS[command]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert "refusing to overwrite" in result.stderr and result.stderr.count("\n") == 1
    assert a.read_bytes() == before


def test_a_split_that_fails_midway_leaves_no_folder(tmp_path: Path) -> None:
    good = MINIMAL_FLOW
    archive = tmp_path / "a.zip"
    # The second flow is not a flow: the split stops there, after writing the first archive.
    archive.write_bytes(make_zip({"data_intg_flow/a.json": good, "data_intg_flow/b.json": b"[1, 2]",
                                  "data_intg_flow/c.json": good}))
    result = CliRunner().invoke(cli, ["split", str(archive), "-o", str(tmp_path / "flows")])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip"]  # no folder, no temporary folder


def test_split_refuses_a_folder_that_holds_something(tmp_path: Path) -> None:
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["split", str(DEMO), "-o", str(tmp_path / "flows")])
    assert result.exit_code == 2 and "not empty" in result.stderr
    assert [p.name for p in (tmp_path / "flows").iterdir()] == ["keep.txt"]
    result = CliRunner().invoke(cli, ["split", str(DEMO), "-o", str(tmp_path / "new")])
    assert result.exit_code == 0 and [p.name for p in (tmp_path / "new").iterdir()] == ["rowgen_peek.zip"]
    assert len(flowzip.open(tmp_path / "new" / "rowgen_peek.zip").flows) == 1


@pytest.mark.parametrize("kind", ["config", "baseline"])
def test_lint_writes_over_neither_its_configuration_nor_its_baseline(tmp_path: Path, kind: str) -> None:
    config = tmp_path / "cfg.toml"
    config.write_text('[lint]\nselect = ["DEFAULT"]\n')
    baseline = tmp_path / "bl.json"
    CliRunner().invoke(cli, ["lint", str(DEMO), "--baseline", str(baseline), "--update-baseline"])
    before = {p: p.read_bytes() for p in (config, baseline)}
    extra = ["--config", str(config)] if kind == "config" else ["--baseline", str(baseline)]
    target = config if kind == "config" else baseline
    result = CliRunner().invoke(cli, ["lint", str(DEMO), *extra, "-o", str(target)])
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr
    assert all(path.read_bytes() == data for path, data in before.items())


@pytest.mark.parametrize("args", [
    ["stage", "add", "{a}", "rowgen_peek", "Peek", "-o", "{out}"],
    ["stage", "add", "{a}", "rowgen_peek", "Peek", "--in-place"],
    ["flow", "rename", "{a}", "rowgen_peek", "daily", "--in-place"], ["import", "{a}", "{a2}", "-o", "{out}"],
    ["apply", "{a}", "{recipe}", "-o", "{out}"], ["patch", "{a}", "{patch}", "--in-place"],
])
def test_dry_run_added_to_a_command_line_as_it_stands_writes_nothing(tmp_path: Path, args: list[str]) -> None:
    a, a2 = tmp_path / "a.zip", tmp_path / "a2.zip"
    shutil.copy(DEMO, a)
    shutil.copy(DEMO, a2)
    (tmp_path / "recipe.json").write_text('[{"arrange": {}}]')
    (tmp_path / "patch.json").write_text('{"data_intg_flow/rowgen_peek.json": []}')
    out = tmp_path / "out.zip"
    line = [x.format(a=a, a2=a2, out=out, recipe=tmp_path / "recipe.json", patch=tmp_path / "patch.json")
            for x in args]
    result = CliRunner().invoke(cli, [*line, "--dry-run"])
    assert result.exit_code in (0, 1), result.output
    assert "dry run: nothing written" in result.stdout
    assert not out.exists() and a.read_bytes() == DEMO.read_bytes()
