"""What a user mistypes gets a suggestion; what a command cannot do is said before any work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowzip.cli import cli
from tests.conftest import REPO

DEMO = str(REPO / "fixtures" / "demo" / "paramset.zip")


@pytest.mark.parametrize(("args", "suggestion"), [
    (["show", DEMO, "rowgen_peak"], "did you mean 'rowgen_peek'?"),
    (["stage", "links", DEMO, "rowgen_peek", "Peek_2"], "did you mean 'Peek_1'?"),
    (["stage", "ls", DEMO, "rowgen_peek", "--type", "Transfomer"], "did you mean 'Transformer'?"),
])
def test_a_near_miss_gets_a_suggestion(args: list[str], suggestion: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and suggestion in result.stderr and result.stderr.count("\n") == 1


def test_a_type_the_flow_has_is_listed() -> None:
    result = CliRunner().invoke(cli, ["stage", "ls", "--json", DEMO, "rowgen_peek", "--type", "peek"])
    assert result.exit_code == 0 and [row["label"] for row in json.loads(result.stdout)] == ["Peek_1"]


def test_render_refuses_a_picture_it_cannot_write(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["render", DEMO, "-o", str(tmp_path / "flow.pdf")])
    assert result.exit_code == 2 and "name the output .svg or .png" in result.stderr
    assert not (tmp_path / "flow.pdf").exists()


def test_lint_takes_json_as_the_other_commands_do() -> None:
    result = CliRunner().invoke(cli, ["lint", "--json", DEMO])
    assert result.exit_code in (0, 1) and "findings" in json.loads(result.stdout)
    clash = CliRunner().invoke(cli, ["lint", "--json", "--format", "sarif", DEMO])
    assert clash.exit_code == 2 and "--json is --format json" in clash.stderr
