"""The README's set-up commands are the ones the project runs."""

from __future__ import annotations

import shlex

from click.testing import CliRunner

from flowzip.cli import cli
from tests.conftest import REPO


def _first_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.strip().splitlines()]


def test_readme_opens_with_the_demo_and_the_test_command() -> None:
    demo, tests = _first_commands()
    assert demo.startswith("pip install . && flowzip ")
    assert "fixtures/demo/" in demo
    assert tests == ("apt-get update && apt-get install -y --no-install-recommends chromium"
                     " && pip install '.[test]' && python -m pytest")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    # The same steps, quieter: apt-get's and pip's -q flags change what they print, not what they do.
    assert ("apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null"
            " && python -m pip install --quiet '.[test]' && python -m pytest") in ci


def test_the_demo_command_runs_on_the_shipped_fixture(monkeypatch) -> None:  # noqa: ANN001
    demo = _first_commands()[0]
    monkeypatch.chdir(REPO)
    for command in demo.split(" && ")[1:]:
        argv = shlex.split(command)
        assert argv[0] == "flowzip"
        result = CliRunner().invoke(cli, argv[1:])
        assert result.exit_code == 0, (command, result.output, result.stderr)
        assert result.output
