"""The commands on real exports: output, --json, exit codes, help."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import flowzip
from flowzip.cli import cli
from tests.zipbuild import MINIMAL_FLOW, make_zip


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def paramset_zip(real: Path) -> Path:
    return real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip"


def test_ls_counts_assets_by_type(paramset_zip: Path) -> None:
    result = run("ls", str(paramset_zip))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "7 members" in lines[0]
    assert any(line.split()[:2] == ["parameter_set", "3"] for line in lines)
    assert any(line.split()[:3] == ["data_intg_flow", "1", "rowgen_peek"] for line in lines)


def test_ls_json_and_members(paramset_zip: Path) -> None:
    data = json.loads(run("ls", "--json", str(paramset_zip)).output)
    counts = {t["type"]: t["count"] for t in data["types"]}
    assert counts == {"data_intg_flow": 1, "parameter_set": 3, "job": 1, "px_executables": 1, "manifest": 1}
    rows = json.loads(run("ls", "--members", "--json", str(paramset_zip)).output)
    assert rows[1] == {"name": "data_intg_flow/rowgen_peek.json", "type": "data_intg_flow", "asset": "rowgen_peek",
                       "size": 9369, "compressed_size": 2231, "compression": "deflate"}


def test_show_lists_stages_links_and_parameter_sets(paramset_zip: Path) -> None:
    result = run("show", str(paramset_zip), "rowgen_peek")
    assert result.exit_code == 0, result.output
    assert "Row_Generator_1" in result.output and "Row Generator" in result.output
    assert "Link_1" in result.output and "Row_Generator_1 -> Peek_1" in result.output
    assert "parameter sets: peek_paramset" in result.output
    data = json.loads(run("show", "--json", str(paramset_zip), "rowgen_peek").output)
    assert [s["type"] for s in data["stages"]] == ["Row Generator", "Peek"]
    assert data["links"][0]["source"] == "Row_Generator_1" and data["links"][0]["target"] == "Peek_1"


def test_show_on_a_git_tree_with_comments(real: Path) -> None:
    data = json.loads(run("show", "--json", str(real / "CPD_ocaso"), "FlowTestAllRunnable").output)
    assert data["stages"] and data["links"]
    assert all(link["source"] for link in data["links"])


def test_show_unknown_flow_says_which_exist(paramset_zip: Path) -> None:
    result = run("show", str(paramset_zip), "nope")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "flows: rowgen_peek" in result.stderr


def test_cat_prints_pretty_json_and_raw_bytes(paramset_zip: Path) -> None:
    result = run("cat", str(paramset_zip), "parameter_set/peek_paramset.json")
    assert result.exit_code == 0
    assert json.loads(result.output)["parameter_set"]["name"] == "peek_paramset"
    raw = CliRunner().invoke(cli, ["cat", "--raw", str(paramset_zip), "px_executables/rowgen_peek.zip"])
    with zipfile.ZipFile(paramset_zip) as archive:
        assert raw.stdout_bytes == archive.read("px_executables/rowgen_peek.zip")
    binary = run("cat", str(paramset_zip), "px_executables/rowgen_peek.zip")
    assert binary.exit_code == 2 and "use --raw" in binary.stderr


@pytest.mark.parametrize("name", ["ibm-datastage/dsjob/blogs/conn.zip", "ibm-datastage/dsjob/blogs/paramset.zip",
                                  "CPD_ocaso", "lshort-mcix-cli-demo", "electromart/build_electromart_qa.zip"])
def test_check_reads_real_exports_cleanly(real: Path, name: str) -> None:
    result = run("check", str(real / name))
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_check_reports_every_broken_member_and_exits_2(tmp_path: Path) -> None:
    source = tmp_path / "broken.zip"
    source.write_bytes(make_zip({"data_intg_flow/a.json": b"{", "data_intg_flow/b.json": MINIMAL_FLOW,
                                 "job/j.json": b"[]"}))
    result = run("check", "--json", str(source))
    assert result.exit_code == 2
    report = json.loads(result.output)
    assert [(p["member"], p["severity"]) for p in report["problems"]] == [
        ("data_intg_flow/a.json", "error"), ("job/j.json", "error")]


def test_check_warns_about_duplicate_keys_with_exit_1(tmp_path: Path) -> None:
    source = tmp_path / "dup.zip"
    source.write_bytes(make_zip({"data_intg_flow/b.json": MINIMAL_FLOW[:-1] + b', "id" : "again" }'}))
    result = run("check", str(source))
    assert result.exit_code == 1
    assert "repeats the key 'id'" in result.output


def test_convert_zip_to_tree_and_back(paramset_zip: Path, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    assert run("convert", str(paramset_zip), "-o", str(tree)).exit_code == 0
    assert (tree / "data_intg_flow" / "rowgen_peek.json").is_file()
    back = tmp_path / "back.zip"
    result = run("convert", "--json", str(tree), "-o", str(back))
    assert result.exit_code == 0 and json.loads(result.output)["members"] == 7
    with zipfile.ZipFile(paramset_zip) as a, zipfile.ZipFile(back) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        assert all(a.read(n) == b.read(n) for n in a.namelist())


def test_convert_refuses_to_overwrite_the_input(paramset_zip: Path, tmp_path: Path) -> None:
    copy = tmp_path / "in.zip"
    copy.write_bytes(paramset_zip.read_bytes())
    result = run("convert", str(copy), "-o", str(copy))
    assert result.exit_code == 2 and "refusing to overwrite" in result.stderr


@pytest.mark.parametrize("command", ["ls", "show", "cat", "check", "convert"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and f"flowzip {command}" in result.output


def test_missing_archive_is_a_usage_error() -> None:
    result = run("ls", "/no/such/archive.zip")
    assert result.exit_code == 2 and "does not exist" in result.stderr


def test_version() -> None:
    assert run("--version").output.startswith("flowzip, version")


@pytest.mark.parametrize("args", [["bogus"], ["show"], ["ls", "--no-such-option", "x"]])
def test_usage_errors_are_one_line(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("flowzip: error: ")
    assert "--help" in result.stderr


def test_convert_to_a_zip_writes_an_importable_export(tmp_path: Path) -> None:
    # A Git tree with its datastage/ prefix and files that are no part of the export.
    repo = tmp_path / "repo"
    (repo / "datastage" / "data_intg_flow").mkdir(parents=True)
    (repo / "datastage" / "data_intg_flow" / "f.json").write_bytes(MINIMAL_FLOW)
    (repo / "datastage" / "DataStage-README.json").write_text('{"project_name": "p", "assets": []}')
    (repo / "build_1.zip").write_bytes(b"not an asset")
    (repo / "overlays" / "qa").mkdir(parents=True)
    (repo / "overlays" / "qa" / "x.json").write_text("{}")
    result = run("convert", str(repo), "-o", str(tmp_path / "export.zip"))
    assert result.exit_code == 0
    assert "left out: build_1.zip" in result.stdout and "left out: overlays/qa/x.json" in result.stdout
    names = [m.name for m in flowzip.open(tmp_path / "export.zip").members]
    assert names == ["data_intg_flow/f.json", "DataStage-README.json"]
