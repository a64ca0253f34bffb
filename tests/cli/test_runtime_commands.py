"""flowzip settings and flowzip params."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import flowzip
from flowzip.cli import cli


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])



def test_settings_get_and_set(demo: Path, tmp_path: Path) -> None:
    data = json.loads(run("settings", "get", "--json", demo, "rowgen_peek").output)
    assert data["job"] == "rowgen_peek.DataStage job" and data["warn_limit"] == 100
    out = tmp_path / "out.zip"
    result = run("settings", "set", demo, "rowgen_peek", "--warn-limit", "20", "--retention-days", "15",
                 "--environment", "default_datastage_px", "-o", out)
    assert result.exit_code == 0, result.stderr
    settings = flowzip.open(out).flows[0].configuration
    assert (settings.warn_limit, settings.retention_days, settings.environment) == (20, 15, "default_datastage_px")
    assert run("settings", "set", out, "rowgen_peek", "--retention-days", "none", "--retention-amount", "3",
               "--in-place").exit_code == 0
    assert flowzip.open(out).flows[0].configuration.retention_amount == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--warn-limit", "0"], "greater than 0"), (["--warn-limit", "ten"], "not a whole number"),
     (["--retention-amount", "3", "--retention-days", "4"], "cannot both be set"), ([], "give at least one")],
)
def test_bad_settings_exit_2(demo: Path, tmp_path: Path, args: list[str], message: str) -> None:
    before = demo.read_bytes()
    result = run("settings", "set", demo, "rowgen_peek", *args, "--in-place")
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1
    assert demo.read_bytes() == before


def test_params_ls_get_set(demo: Path) -> None:
    sets = json.loads(run("params", "ls", "--json", demo).output)
    assert [s["name"] for s in sets] == ["peek_paramset", "description_paramset", "column_name_paramset"]
    result = run("params", "set", demo, "rowgen_peek", "peek_paramset.row_count=77", "num_records=abc",
                 "--value-set", "peek_paramset=peek_valueset", "--in-place")
    assert result.exit_code == 0, result.stderr
    assert run("params", "get", demo, "rowgen_peek", "peek_paramset.row_count").output.strip() == "77"
    data = json.loads(run("params", "ls", "--json", demo, "rowgen_peek").output)
    sources = {p["name"]: p["source"] for p in data["parameters"]}
    assert sources == {"peek_paramset.description": "value set peek_valueset", "peek_paramset.row_count": "job",
                       "num_records": "job"}
    assert any(not r["resolves"] for r in data["references"])
    assert run("params", "set-default", demo, "peek_paramset", "description=new text", "--in-place").exit_code == 0
    assert flowzip.open(demo).parameter_sets.get(name="peek_paramset").parameter("description")["value"] == \
        "new text"


def test_bad_params_exit_2(demo: Path) -> None:
    for args, message in ((["set", demo, "rowgen_peek", "peek_paramset.row_count=x"], "not an integer"),
                          (["set", demo, "rowgen_peek", "--value-set", "peek_paramset=nope"], "no value set"),
                          (["get", demo, "rowgen_peek", "nope"], "has no parameter 'nope'")):
        result = run("params", *args, *(["--in-place"] if args[0] == "set" else []))
        assert result.exit_code == 2 and message in result.stderr, result.stderr


@pytest.mark.parametrize("group", ["settings", "params"])
def test_help_has_examples(group: str) -> None:
    assert "Example" in run(group, "--help").output
