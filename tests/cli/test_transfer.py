"""flowzip import, flowzip export and flowzip split."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import flowzip
from flowzip.cli import cli
from tests.ops.test_transfer import built  # noqa: F401 - the fixture: target.zip and source.zip
from tests.zipbuild import make_zip


def run(*args: object) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_dry_run_prints_the_report_and_writes_nothing(built: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    target, source = built
    before = sorted(p.name for p in target.parent.iterdir())
    result = run("import", target, source, "--dry-run")
    assert result.exit_code == 1, result.stderr  # the broken data definition failed
    lines = result.output.splitlines()
    assert lines[0].endswith("completed (conflict resolution rename, on failure continue, replace mode hard)")
    assert any(line.split() == ["px_job", "load", "->", "load_1", "renamed", "import_flow_renamed"] for line in lines)
    assert "error: table_def 'broken': table_def_creation_failed:" in result.output
    assert lines[-2] == "7 assets: 6 imported (4 renamed, 0 replaced), 0 skipped, 1 failed"
    assert lines[-1] == "dry run: nothing written"
    assert sorted(p.name for p in target.parent.iterdir()) == before


def test_import_writes_the_result_and_json_is_the_response(built: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    target, source = built
    out = tmp_path / "after.zip"
    result = run("import", target, source, "--conflict-resolution", "replace", "--replace-mode", "soft",
                 "--no-include-dependencies", "--json", "-o", out)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert data["written"] == str(out) and data["status"] == "completed"
    assert [e["status"] for e in data["import_data_flows"]] == ["replaced", "imported", "replaced"]
    assert data["missing_assets"] == [{"name": "newps", "type": "parameter_set"}]
    assert sorted(flowzip.open(out).flows.names()) == ["fresh", "load"]
    assert run("import", target, source, "--no-include-dependencies", "--strict", "--dry-run").exit_code == 1


def test_stop_writes_nothing(built: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    target, source = built
    out = tmp_path / "after.zip"
    result = run("import", target, source, "--on-failure", "stop", "-o", out)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith("cancelled: stopped at table_def 'broken'")
    assert not out.exists()


def test_in_place_import(built: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    target, source = built
    copy = tmp_path / "project.zip"
    copy.write_bytes(target.read_bytes())
    result = run("import", copy, source, "--conflict-resolution", "skip", "--in-place")
    assert result.exit_code == 1 and f"wrote {copy}" in result.output
    assert sorted(flowzip.open(copy).flows.names()) == ["fresh", "load"]


@pytest.mark.parametrize(("args", "message"), [
    ([], "give one of -o/--output, --in-place and --dry-run"),
    (["-o", "x.zip", "--in-place"], "give -o/--output or --in-place, not both"),
    (["--conflict-resolution", "merge", "--dry-run"], "'merge' is not one of"),
])
def test_import_usage_errors(built: tuple[Path, Path], args: list[str], message: str) -> None:  # noqa: F811
    result = run("import", *built, *args)
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1


def test_a_hostile_source_stops_everything(built: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    hostile = tmp_path / "hostile.zip"
    hostile.write_bytes(make_zip({"data_intg_flow/x.json": b"{}", "../escape.json": b"{}"}))
    out = tmp_path / "out.zip"
    result = run("import", built[0], hostile, "-o", out)
    assert result.exit_code == 2 and "escape" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_export_and_split(built: tuple[Path, Path], tmp_path: Path) -> None:  # noqa: F811
    source = built[1]
    out = tmp_path / "load.zip"
    result = run("export", source, "--flow", "load", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.output.startswith(f"exported 'load' with 6 members to {out}")
    with zipfile.ZipFile(out) as archive:
        assert "parameter_set/newps.json" in archive.namelist()
    result = run("split", source, "-o", tmp_path / "parts", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert sorted(Path(item["path"]).name for item in data) == ["fresh.zip", "load.zip"]
    assert run("export", source, "--flow", "nope", "-o", tmp_path / "x.zip").exit_code == 2


@pytest.mark.parametrize("command", ["import", "export", "split"])
def test_help_has_examples(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "Examples:" in result.output and f"flowzip {command}" in result.output


def test_the_worked_example_in_the_docs_is_what_flowzip_prints(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    repo = Path(__file__).resolve().parents[2]
    page = (repo / "docs" / "import-export.md").read_text(encoding="utf-8")
    block = page.split("```console\n", 1)[1].split("```", 1)[0].splitlines()
    (tmp_path / "fixtures" / "demo").mkdir(parents=True)
    (tmp_path / "fixtures" / "demo" / "paramset.zip").write_bytes((repo / "fixtures/demo/paramset.zip").read_bytes())
    monkeypatch.chdir(tmp_path)
    commands = [i for i, line in enumerate(block) if line.startswith("$ flowzip ")]
    for index, start in enumerate(commands):
        end = commands[index + 1] if index + 1 < len(commands) else len(block)
        result = CliRunner().invoke(cli, block[start].split()[2:])
        assert result.exit_code == 0, result.stderr
        if start == commands[-1]:
            assert result.output.splitlines() == block[start + 1:end]
