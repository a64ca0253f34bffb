"""A closed pipe ends a command quietly; a command group alone prints its help."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from flowzip.cli import cli
from tests.conftest import REPO

DEMO = str(REPO / "fixtures" / "demo" / "paramset.zip")


@pytest.mark.parametrize("args", [["stage", "types"], ["ls", "--members", DEMO], ["stage", "types", "--json"]])
def test_a_reader_that_stops_early_ends_the_command_quietly(args: list[str]) -> None:
    # `flowzip stage types | head -0`: the reader is gone before the first line (so the test never races).
    process = subprocess.Popen([sys.executable, "-m", "flowzip", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    assert process.stdout is not None
    process.stdout.close()
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and err == b"", err


@pytest.mark.parametrize("args", [[], ["stage"], ["params"]])
def test_a_group_alone_prints_its_help(args: list[str]) -> None:
    result = CliRunner().invoke(cli, args, prog_name="flowzip")
    assert result.exit_code == 0 and result.stdout.startswith("Usage: flowzip") and "Commands:" in result.stdout
    assert result.stderr == ""
