"""No command prints a secret (passwords, keys, tokens, encrypted values) unless asked with --show-secrets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowzip
from flowzip.cli import cli
from flowzip.document.secrets import CHANGED_SECRET, SECRET

OLD = {"password": "hunter2-old-PW", "api": "sk-old-api-value", "encrypted": "{dsmenc}OLDBLOB",
       "aws": "AKIAOLDOLDOLDOLDOLD1", "stage": "stage-old-pw", "plain": "hushA-xyz", "override": "ovrA-xyz"}
NEW = {"password": "hunter2-new-PW", "api": "sk-new-api-value", "encrypted": "{dsmenc}NEWBLOB",
       "aws": "AKIANEWNEWNEWNEWNEW1", "stage": "stage-new-pw", "plain": "hushB-xyz", "override": "ovrB-xyz"}


def _archive(path: Path, values: dict[str, str]) -> Path:
    archive = flowzip.new()
    archive.write_json("DataStage-README.json", {"project_name": "p", "assets": [], "flow_job_mapping": []})
    archive.write_json("connection/pg.json", {"name": "pg", "properties": {
        "host": "db", "password": values["password"], "access_key": values["aws"]}})
    archive.write_json("parameter_set/psDb.json", {"parameter_set": {"name": "psDb", "parameters": [
        {"name": "dbPwd", "type": "encrypted", "value": values["encrypted"]},
        {"name": "api_key", "type": "string", "value": values["api"]},
        {"name": "rows", "type": "int64", "value": 10},
        {"name": "dbkey", "type": "encrypted", "value": values["plain"]}],  # a secret by its type only
        "value_sets": [{"name": "prod", "values": [{"name": "dbPwd", "value": values["encrypted"]},
                                                    {"name": "api_key", "value": values["api"]}]}]}})
    flow = archive.create_flow("load")
    rows = flow.add_stage("Row Generator", "rows")
    rows.connect_output_to(flow.add_stage("Peek", "shown"))
    rows.node["connection"] = {"ref": "local", "properties": {"password": values["stage"]}}
    flow.use_parameter_set("psDb")
    archive.update_flow(flow)
    flow.set_runtime_parameter_value("psDb", "dbkey", values["override"])  # a job's override of a secret
    archive.save(path)
    return path


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    return _archive(tmp_path / "old.zip", OLD), _archive(tmp_path / "new.zip", NEW)


def _leaks(text: str) -> list[str]:
    return [value for values in (OLD, NEW) for value in values.values() if value in text]


COMMANDS = {
    "diff": ["diff", "{a}", "{b}"],
    "diff --format json": ["diff", "--format", "json", "{a}", "{b}"],
    "diff --format patch": ["diff", "--format", "patch", "{a}", "{b}"],
    "params ls": ["params", "ls", "{a}"],
    "params ls FLOW": ["params", "ls", "--json", "{a}", "load"],
    "params get": ["params", "get", "{a}", "load", "psDb.api_key"],
    "params set-default": ["params", "set-default", "{a}", "psDb", "api_key=" + NEW["api"], "-o", "{out}"],
    "params set": ["params", "set", "{a}", "load", "psDb.dbPwd=" + NEW["password"], "-o", "{out}"],
    "stage set": ["stage", "set", "{a}", "load", "rows", "records=5", "-o", "{out}"],
    "apply --dry-run": ["apply", "{a}", "{recipe}", "--dry-run"],
    "overlay --dry-run": ["overlay", "{a}", "{overlay}", "--dry-run"],
    "patch (failed test)": ["patch", "{a}", "{patch}", "-o", "{out}"],
    "patch (missing path)": ["patch", "{a}", "{missing}", "-o", "{out}"],
    "lint --select ALL --format json": ["lint", "--select", "ALL", "--format", "json", "{a}"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_command_prints_a_secret(pair: tuple[Path, Path], tmp_path: Path, command: str) -> None:
    a, b = pair
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps([{"flows": "load", "stages": {"label": "rows"},
                                   "replace-text": {"old": "old", "new": "new", "in": "values"}}]))
    overlay = tmp_path / "overlay" / "parameter_set"
    overlay.mkdir(parents=True)
    (overlay / "psDb.json5").write_text(f"{{api_key: '{NEW['api']}'}}")
    patch = tmp_path / "patch.json"
    patch.write_text(json.dumps({"connection/pg.json": [
        {"op": "test", "path": "/properties/password", "value": NEW["password"]}]}))
    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({"connection/pg.json": [{"op": "replace", "path": "/properties/nope/x",
                                                           "value": 1}]}))
    args = [part.format(a=a, b=b, out=tmp_path / "out.zip", recipe=recipe, overlay=tmp_path / "overlay",
                        patch=patch, missing=missing) for part in COMMANDS[command]]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1, 2), result.output
    assert _leaks(result.stdout + result.stderr) == []


def test_a_changed_secret_shows_as_changed_and_show_secrets_shows_it(pair: tuple[Path, Path]) -> None:
    a, b = pair
    hidden = CliRunner().invoke(cli, ["diff", "--format", "json", str(a), str(b)])
    changes = [c for m in json.loads(hidden.stdout)["members"] for c in m["changes"]]
    assert any(c["before"] == SECRET and c["after"] == CHANGED_SECRET for c in changes)
    shown = CliRunner().invoke(cli, ["diff", "--show-secrets", str(a), str(b)])
    assert OLD["password"] in shown.stdout and NEW["password"] in shown.stdout


def test_an_unchanged_secret_is_no_change(tmp_path: Path) -> None:
    a = _archive(tmp_path / "a.zip", OLD)
    b = _archive(tmp_path / "b.zip", OLD)
    result = CliRunner().invoke(cli, ["diff", "--format", "json", str(a), str(b)])
    assert CHANGED_SECRET not in result.stdout and _leaks(result.stdout) == []


def test_a_value_that_becomes_a_secret_shows_on_neither_side(tmp_path: Path) -> None:
    before = flowzip.new()
    before.write_json("parameter_set/ps.json", {"parameter_set": {"name": "ps", "parameters": [
        {"name": "token_like", "type": "string", "value": "same-value-123"}]}})
    before.save(tmp_path / "a.zip")
    after = flowzip.new()
    after.write_json("parameter_set/ps.json", {"parameter_set": {"name": "ps", "parameters": [
        {"name": "token_like", "type": "encrypted", "value": "same-value-123"}]}})
    after.save(tmp_path / "b.zip")
    result = CliRunner().invoke(cli, ["diff", "--format", "json", str(tmp_path / "a.zip"), str(tmp_path / "b.zip")])
    assert "same-value-123" not in result.stdout and "type" in result.stdout
