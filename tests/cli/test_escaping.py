"""Untrusted text is escaped wherever it is shown: the terminal, lint reports, pictures."""

from __future__ import annotations

import re
import xml.dom.minidom
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowzip
from flowzip.analysis.picture import flow_svg
from flowzip.cli import cli
from flowzip.display import printable, shorten

#: Clear screen, colour, set-title OSC, OSC 8 hyperlink, BEL, right-to-left override, a line break.
HOSTILE = "x\x1b[2J\x1b[31mred\x1b]0;title\x07\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\\u202eevil\nforged line"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    archive = flowzip.new()
    flow = archive.create_flow("load", description=HOSTILE)
    rows = flow.add_stage("Row Generator", "rows")
    rows.connect_output_to(flow.add_stage("Peek", "shown"), name="lnk")
    rows.node["app_data"]["ui_data"]["label"] = HOSTILE
    flow.add_markdown_comment(HOSTILE)
    archive.update_flow(flow)
    path = tmp_path / "hostile.zip"
    archive.save(path)
    return path


@pytest.mark.parametrize("args", [
    ["show", "{a}", "load"], ["stage", "ls", "{a}", "load"], ["stage", "links", "{a}", "load", "shown"],
    ["diff", "{b}", "{a}"], ["lint", "{a}"], ["lint", "--format", "github", "{a}"],
    ["stage", "rm", "{a}", "load", "nope", "-o", "{out}"], ["ls", "--members", "{a}"],
])
def test_no_control_character_reaches_the_terminal(hostile: Path, tmp_path: Path, args: list[str]) -> None:
    plain = tmp_path / "plain.zip"
    flowzip.new().save(plain)
    result = CliRunner().invoke(cli, [a.format(a=hostile, b=plain, out=tmp_path / "o.zip") for a in args])
    shown = result.stdout + result.stderr
    assert UNSAFE.findall(shown.replace("\n", "")) == []
    assert "forged line" not in [line.strip() for line in shown.splitlines()]  # no line of its own


def test_printable_shows_what_it_hides() -> None:
    assert printable("a\x1b[31mb\u202ec\td") == "a\\x1b[31mb\\u202ec d"
    assert printable("plain text, accents éà and 漢字") == "plain text, accents éà and 漢字"
    long = shorten("x" * 5_000_000)
    assert len(long) < 600 and "more characters" in long


def test_an_error_line_stays_short(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["show", str(tmp_path / ("x" * 300)), "y" * 3000])
    assert result.exit_code == 2 and len(result.stderr) < 700


def test_a_hostile_flow_draws_a_valid_picture_that_runs_nothing(hostile: Path) -> None:
    flow = flowzip.open(hostile).flows.get(name="load")
    flow.stages.get(label=HOSTILE).node["id"] = 'x" onload="alert(1)'
    svg = flow_svg(flow)
    xml.dom.minidom.parseString(svg)  # well-formed, whatever the labels hold
    assert 'onload="' not in svg and "<script" not in svg and "\x1b" not in svg
