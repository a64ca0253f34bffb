"""The editing commands: they write -o or --in-place, summarise, and refuse bad input with exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import flowzip
from flowzip.cli import cli
from flowzip.document.integrity import check_flow


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])



def test_building_a_flow_from_the_shell(demo: Path, real: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    steps = [
        ["flow", "new", demo, "nightly", "--description", "loads", "-o", out],
        ["stage", "add", out, "nightly", "Row Generator", "--label", "rows", "--in-place"],
        ["stage", "add", out, "nightly", "peek", "--in-place"],
        ["stage", "connect", out, "nightly", "rows", "Peek_1", "--name", "lnk", "--in-place"],
        ["stage", "set", out, "nightly", "rows", "records=500", "--in-place"],
        ["comment", "add", out, "nightly", "# Nightly", "--stage", "rows", "--in-place"],
        ["annotate", out, "nightly", "Careful", "--bold", "--text-size", "18", "--stage", "Peek_1", "--in-place"],
    ]
    for step in steps:
        result = run(*step)
        assert result.exit_code == 0, (step, result.output, result.stderr)
        assert result.output.splitlines()[-1].startswith("wrote ")
    flow = flowzip.open(out).flows.get(name="nightly")
    assert [s.label for s in flow.stages] == ["rows", "Peek_1"]
    assert flow.stages.get(label="rows").configuration.records == 500
    assert [(c.kind, [s.label for s in c.stages]) for c in flow.comments] == [
        ("markdown", ["rows"]), ("annotation", ["Peek_1"])]
    assert check_flow(flow.document) == []
    assert demo.read_bytes() == (real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip").read_bytes()


def test_stage_listing_and_links_as_json(demo: Path) -> None:
    rows = json.loads(run("stage", "ls", "--json", demo, "rowgen_peek").output)
    assert [(r["label"], r["type"]) for r in rows] == [("Row_Generator_1", "Row Generator"), ("Peek_1", "Peek")]
    links = json.loads(run("stage", "links", "--json", demo, "rowgen_peek", "Peek_1").output)
    assert [(r["direction"], r["name"], r["source"]) for r in links] == [("in", "Link_1", "Row_Generator_1")]
    types = json.loads(run("stage", "types", "--json", "--search", "generator").output)
    assert "Row Generator" in [t["type"] for t in types]


def test_flow_commands(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    assert run("flow", "dup", demo, "rowgen_peek", "copy", "--json", "-o", out).exit_code == 0
    assert run("flow", "rename", out, "rowgen_peek", "renamed", "--in-place").exit_code == 0
    assert run("flow", "describe", out, "copy", "a copy", "--in-place").exit_code == 0
    result = run("flow", "rm", out, "renamed", "--with-jobs", "--in-place", "--json")
    assert result.exit_code == 0
    assert json.loads(result.output)["removed"] == [
        "data_intg_flow/renamed.json", "job/rowgen_peek.DataStage job.json", "px_executables/renamed.zip"]
    archive = flowzip.open(out)
    assert archive.flows.names() == ["copy"] and archive.flows[0].description == "a copy"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["stage", "add", "{a}", "rowgen_peek", "Row Generatr", "-o", "{o}"], "did you mean 'Row Generator'"),
        (["stage", "set", "{a}", "rowgen_peek", "Peek_1", "nrec=3", "-o", "{o}"], "did you mean 'nrecs'"),
        (["stage", "set", "{a}", "rowgen_peek", "Peek_1", "nrecs=many", "-o", "{o}"], "must be a whole number"),
        (["stage", "connect", "{a}", "rowgen_peek", "Row_Generator_1", "Peek_1", "-o", "{o}"], "at most 1"),
        (["stage", "rm", "{a}", "rowgen_peek", "nope", "-o", "{o}"], "no stage labelled 'nope'"),
        (["stage", "rename", "{a}", "rowgen_peek", "Peek_1", "Row_Generator_1", "-o", "{o}"], "already"),
        (["link", "rm", "{a}", "rowgen_peek", "Link_2", "-o", "{o}"], "did you mean 'Link_1'"),
        (["link", "rename", "{a}", "rowgen_peek", "Lnk_1", "x", "-o", "{o}"], "did you mean 'Link_1'"),
        (["flow", "new", "{a}", "rowgen_peek", "-o", "{o}"], "already exists"),
        (["flow", "rm", "{a}", "nope", "-o", "{o}"], "no flow named 'nope'"),
        (["stage", "add", "{a}", "rowgen_peek", "Peek"], "give one of -o/--output, --in-place and --dry-run"),
        (["annotate", "{a}", "rowgen_peek", "x", "--text-size", "13", "-o", "{o}"], "--text-size must be one of"),
    ],
)
def test_bad_edits_exit_2_with_one_line_and_write_nothing(demo: Path, tmp_path: Path, args: list[str],
                                                          message: str) -> None:
    out = tmp_path / "never.zip"
    before = demo.read_bytes()
    result = run(*[a.format(a=demo, o=out) for a in args])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr, result.stderr
    assert not out.exists() and demo.read_bytes() == before


def test_renaming_stages_and_links_and_removing_links_from_the_shell(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    assert run("stage", "rename", str(demo), "rowgen_peek", "Peek_1", "peek", "-o", str(out)).exit_code == 0
    result = run("link", "rename", str(out), "rowgen_peek", "Link_1", "lnk_rows", "--in-place")
    assert result.exit_code == 0 and "link 'Link_1' renamed 'lnk_rows'" in result.output
    listed = json.loads(run("link", "ls", str(out), "rowgen_peek", "--json").output)
    assert [(r["name"], r["source"], r["target"]) for r in listed] == [("lnk_rows", "Row_Generator_1", "peek")]
    result = run("stage", "insert", str(out), "rowgen_peek", "lnk_rows", "Peek", "--label", "mid", "--in-place")
    assert result.exit_code == 0 and "inserted Peek stage 'mid' into link 'lnk_rows'" in result.output, result.output
    listed = json.loads(run("link", "ls", str(out), "rowgen_peek", "--json").output)
    assert [(r["name"], r["source"], r["target"]) for r in listed] == [("lnk_rows", "mid", "peek"),
                                                                       ("Link_1", "Row_Generator_1", "mid")]
    assert run("stage", "rm", str(out), "rowgen_peek", "mid", "--in-place").exit_code == 0
    assert run("stage", "connect", str(out), "rowgen_peek", "Row_Generator_1", "peek", "--name", "lnk_rows",
               "--in-place").exit_code == 0
    result = run("link", "rm", str(out), "rowgen_peek", "lnk_rows", "--in-place")
    assert result.exit_code == 0 and "removed link 'lnk_rows' ('Row_Generator_1' -> 'peek')" in result.output
    flow = flowzip.open(out).flows.get(name="rowgen_peek")
    assert flow.links == [] and [s.label for s in flow.stages] == ["Row_Generator_1", "peek"]


def test_comments_are_listed_edited_and_removed_from_the_shell(demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.zip"
    result = run("comment", "add", str(demo), "rowgen_peek", "# first", "--stage", "Peek_1", "-o", str(out))
    assert result.exit_code == 0
    assert run("annotate", str(out), "rowgen_peek", "styled", "--in-place").exit_code == 0
    listed = json.loads(run("comment", "ls", str(out), "rowgen_peek", "--json").output)
    assert [(c["kind"], c["stages"], c["content"]) for c in listed] == [("markdown", ["Peek_1"], "# first"),
                                                                        ("annotation", [], "styled")]
    first, second = listed[0]["id"], listed[1]["id"]
    assert run("comment", "edit", str(out), "rowgen_peek", first, "# changed", "--in-place").exit_code == 0
    assert run("comment", "rm", str(out), "rowgen_peek", second, "--in-place").exit_code == 0
    flow = flowzip.open(out).flows.get(name="rowgen_peek")
    assert [(c.id, c.content) for c in flow.comments] == [(first, "# changed")]
    result = run("comment", "rm", str(out), "rowgen_peek", "x" + first[1:], "--in-place")
    assert result.exit_code == 2 and f"did you mean {first!r}" in result.stderr, result.stderr
    assert run("comment", "rm", str(out), "rowgen_peek", first[:8], "--in-place").exit_code == 0  # a short id
    assert flowzip.open(out).flows.get(name="rowgen_peek").comments == []


@pytest.mark.parametrize("group", ["flow", "stage", "link", "comment"])
def test_edit_groups_have_help_with_examples(group: str) -> None:
    result = run(group, "--help")
    assert result.exit_code == 0 and "Example" in result.output
