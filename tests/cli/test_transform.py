"""flowzip apply and flowzip overlay from the command line, and the worked examples of their docs page."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowzip
from flowzip.cli import cli

REPO = Path(__file__).resolve().parents[2]


def test_the_worked_examples_print_what_the_page_shows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = (REPO / "docs" / "diff-and-transforms.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(\w+)\n(.*?)```", page, re.DOTALL)
    (tmp_path / "fixtures" / "demo").mkdir(parents=True)
    (tmp_path / "fixtures" / "demo" / "paramset.zip").write_bytes((REPO / "fixtures/demo/paramset.zip").read_bytes())
    overlay = tmp_path / "overlays" / "prod" / "parameter_set" / "peek_paramset.json5"
    overlay.parent.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    ran = 0
    for language, body in blocks:
        if language == "toml":
            (tmp_path / "migrate.toml").write_text(body)
        elif language == "json5":
            overlay.write_text(body)
        elif language == "json":
            assert json.loads((tmp_path / "upgrade.json").read_text()) == json.loads(body)
        elif language == "console":
            lines = body.splitlines()
            starts = [i for i, line in enumerate(lines) if line.startswith("$ ")]
            for index, start in enumerate(starts):
                expected = lines[start + 1: starts[index + 1] if index + 1 < len(starts) else len(lines)]
                words = shlex.split(lines[start][2:])
                target = None
                if ">" in words:
                    target = words[words.index(">") + 1]
                    words = words[: words.index(">")]
                assert words[0] == "flowzip"
                result = CliRunner().invoke(cli, words[1:])
                assert result.exit_code in (0, 1), (words, result.stderr)
                if target:
                    (tmp_path / target).write_text(result.output)
                assert result.output.splitlines() == expected or target, (words, result.output)
                ran += 1
    assert ran == 6  # apply, diff, diff --format patch, patch, diff, overlay


def test_apply_dry_run_writes_nothing_and_json_has_the_diff(demo: Path, tmp_path: Path) -> None:
    recipe = tmp_path / "r.json"
    recipe.write_text(json.dumps([{"stages": {"type": "Peek"}, "set": {"nrecs": 3}}]))
    before = demo.read_bytes()
    result = CliRunner().invoke(cli, ["apply", str(demo), str(recipe), "--dry-run", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert data["written"] is None and data["flows"] == {"rowgen_peek": ["stage 'Peek_1': nrecs = 3"]}
    assert data["diff"]["members"][0]["changes"][0]["path"] == "parameters.nrecs"
    assert demo.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.zip", "r.json"]


@pytest.mark.parametrize(("recipe", "message"), [
    ('[{"frobnicate": 1}]', "unknown key 'frobnicate'"),
    ('[{"stages": {"type": "Peek"}, "set": {"nrecs": "many"}}]', "Peek_1"),
    ("[", "not valid JSON"),
])
def test_apply_errors_are_one_line_and_write_nothing(demo: Path, tmp_path: Path, recipe: str, message: str) -> None:
    (tmp_path / "r.json").write_text(recipe)
    before = demo.read_bytes()
    result = CliRunner().invoke(cli, ["apply", str(demo), str(tmp_path / "r.json"), "--in-place"])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert demo.read_bytes() == before


def test_apply_usage(demo: Path, tmp_path: Path) -> None:
    (tmp_path / "r.json").write_text('[{"arrange": {}}]')
    result = CliRunner().invoke(cli, ["apply", str(demo), str(tmp_path / "r.json")])
    assert result.exit_code == 2 and "give one of -o/--output, --in-place and --dry-run" in result.stderr
    out = tmp_path / "out.zip"
    assert CliRunner().invoke(cli, ["apply", str(demo), str(tmp_path / "r.json"), "-o", str(out)]).exit_code == 0
    assert flowzip.open(out).flows.names() == ["rowgen_peek"]


@pytest.mark.parametrize("command", ["apply", "overlay"])
def test_help_has_examples(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Examples:" in result.output and f"flowzip {command}" in result.output
