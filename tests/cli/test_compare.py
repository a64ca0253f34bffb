"""flowzip diff and flowzip patch: exit codes, formats, all-or-nothing patches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import flowzip
from flowzip.cli import cli
from tests.conftest import REAL, REPO, require_shared

DEMO = REPO / "fixtures" / "demo" / "paramset.zip"

HISTORY = REAL / "drew-cp4d-prod1-git-test-history"
FLOW = "datastage/data_intg_flow/TestFlow2.json"


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def _moved_stage(demo: Path, tmp_path: Path) -> Path:
    """The demo with one stage moved on the canvas: a change only the canvas sees."""
    archive = flowzip.open(demo)
    flow = archive.flows.get(name="rowgen_peek")
    flow.stages[0].node["app_data"]["ui_data"]["x_pos"] += 100
    archive.update_flow(flow)
    archive.save(tmp_path / "moved.zip")
    return tmp_path / "moved.zip"


def test_exit_codes_are_those_of_diff(demo: Path, tmp_path: Path) -> None:
    moved = _moved_stage(demo, tmp_path)
    assert run("diff", demo, demo).exit_code == 0
    result = run("diff", demo, moved)
    assert result.exit_code == 1
    assert "~ data_intg_flow/rowgen_peek.json (data_intg_flow rowgen_peek)" in result.output
    assert "ui_data.x_pos" in result.output and "(ui)" in result.output
    quiet = run("diff", "--ignore-ui", demo, moved)
    assert quiet.exit_code == 0 and quiet.output.strip() == "no differences (ignoring the canvas)"
    assert run("diff", demo, tmp_path / "missing.zip").exit_code == 2


def test_json_and_patch_formats(tmp_path: Path) -> None:
    require_shared()
    a, b = HISTORY / "a9d2920" / FLOW, HISTORY / "bca0a88" / FLOW
    data = json.loads(run("diff", "--format", "json", a, b).output)
    assert data["different"] and [c["scope"] for c in data["members"][0]["changes"]].count("stage") == 2
    patch = run("diff", "--format", "patch", a, b)
    assert patch.exit_code == 1
    operations = json.loads(patch.output)
    assert isinstance(operations, list) and operations  # two files: one array
    target = tmp_path / "TestFlow2.json"
    target.write_bytes(a.read_bytes())
    (tmp_path / "p.json").write_text(patch.output)
    assert run("patch", target, tmp_path / "p.json", "--in-place").exit_code == 0
    assert target.read_bytes() == b.read_bytes()


def test_archive_patches_map_members_and_apply_to_another_copy(tmp_path: Path) -> None:
    require_shared()
    first, second = HISTORY / "a9d2920", HISTORY / "bca0a88"
    patch = run("diff", "--format", "patch", first, second)
    mapping = json.loads(patch.output)
    assert list(mapping) == ["data_intg_flow/TestFlow2.json"]
    (tmp_path / "p.json").write_text(patch.output)
    out = tmp_path / "out.zip"
    result = run("patch", first, tmp_path / "p.json", "-o", out, "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.output)["members"][0]["member"] == "datastage/data_intg_flow/TestFlow2.json"
    assert flowzip.open(out).read_bytes("data_intg_flow/TestFlow2.json") == (second / FLOW).read_bytes()


@pytest.mark.parametrize(("patch", "message"), [
    ({"data_intg_flow/rowgen_peek.json": [{"op": "test", "path": "/doc_type", "value": "nope"}]},
     "the test of /doc_type failed"),
    ({"data_intg_flow/rowgen_peek.json": [{"op": "remove", "path": "/nope"}]}, "does not apply"),
    ({"data_intg_flow/absent.json": []}, "absent.json"),
    ([{"op": "remove", "path": "/doc_type"}], "a bare patch array applies to a single JSON file"),
])
def test_a_bad_patch_writes_nothing(demo: Path, tmp_path: Path, patch: object, message: str) -> None:
    (tmp_path / "p.json").write_text(json.dumps(patch))
    before = demo.read_bytes()
    result = run("patch", demo, tmp_path / "p.json", "--in-place")
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert demo.read_bytes() == before


def test_a_patch_of_several_members_is_all_or_nothing(demo: Path, tmp_path: Path) -> None:
    good = [{"op": "replace", "path": "/parameter_set/description", "value": "changed"}]
    bad = [{"op": "test", "path": "/doc_type", "value": "nope"}]
    (tmp_path / "p.json").write_text(json.dumps({"parameter_set/peek_paramset.json": good,
                                                 "data_intg_flow/rowgen_peek.json": bad}))
    out = tmp_path / "out.zip"
    assert run("patch", demo, tmp_path / "p.json", "-o", out).exit_code == 2
    assert not out.exists()


@pytest.mark.parametrize("command", ["diff", "patch"])
def test_help_has_examples(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "Examples:" in result.output and f"flowzip {command}" in result.output


def test_a_list_without_names_shows_what_came_and_went(tmp_path: Path) -> None:
    # The manifest lists a flow and its binaries under one name: no key tells the items apart, and the
    # list shown whole was cut at the same place on both sides, hiding the change.
    def archive(path: Path, extra: list[dict]) -> Path:
        built = flowzip.new()
        assets = [{"name": "load", "type": "data_intg_flow"}, {"name": "load", "type": "px_executables"}]
        built.write_json("DataStage-README.json", {"project_name": "p", "assets": assets + extra})
        built.save(path)
        return path

    a = archive(tmp_path / "a.zip", [])
    b = archive(tmp_path / "b.zip", [{"name": "hierarchical_data", "type": "data_intg_flow"}])
    result = CliRunner().invoke(cli, ["diff", str(a), str(b)])
    assert result.exit_code == 1
    assert "+ json: assets[2]: {\"name\":\"hierarchical_data\",\"type\":\"data_intg_flow\"}" in result.stdout


def test_diff_stat_counts_changes_per_member(tmp_path: Path) -> None:
    changed = tmp_path / "changed.zip"
    assert CliRunner().invoke(cli, ["params", "set-default", str(DEMO), "peek_paramset", "row_count=99",
                                    "-o", str(changed)]).exit_code == 0
    result = CliRunner().invoke(cli, ["diff", "--stat", str(DEMO), str(changed)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["~  parameter_set/peek_paramset.json  1 changed",
                                          "1 member differs: 1 changed, 0 added, 0 removed"]
    data = json.loads(CliRunner().invoke(cli, ["diff", "--stat", "--format", "json", str(DEMO), str(changed)]).stdout)
    assert data["totals"] == {"added": 0, "removed": 0, "changed": 1}
