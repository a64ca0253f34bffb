"""Configuration, suppression, baselines, output formats and the command's exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner

import flowzip
from flowzip import version as version_module
from flowzip.cli import cli
from flowzip.errors import ConfigError
from flowzip.lint import Baseline, LintConfig, lint, load_config
from flowzip.lint import report as report_module
from flowzip.lint.docs import pages
from flowzip.lint.engine import SEVERITY_RANK, Finding, LintResult
from flowzip.lint.report import REPORTERS, junit_report
from tests.conftest import REPO


@pytest.fixture
def conn(real: Path) -> Path:
    return real / "ibm-datastage" / "dsjob" / "blogs" / "conn.zip"


def codes(result) -> list[str]:  # noqa: ANN001
    return sorted({f.code for f in result.findings})


def test_select_ignore_and_severity(demo: Path) -> None:
    assert codes(lint(demo)) == ["FZN003", "FZP001", "FZP002"]
    assert codes(lint(demo, LintConfig(select=["parameters"]))) == ["FZP001", "FZP002"]
    assert codes(lint(demo, LintConfig(ignore=["naming.default-name", "FZP"]))) == []
    result = lint(demo, LintConfig(select=["FZP001"], severity={"FZP001": "error"}))
    assert {f.severity for f in result.findings} == {"error"} and result.exit_code("error") == 1


def test_per_flow_and_per_stage_ignores_and_unused_ignores(demo: Path) -> None:
    config = LintConfig(select=["FZN003"], ignores=[
        {"rule": "FZN003", "flow": "rowgen_peek", "stage": "Peek_1", "reason": "demo"},
        {"rule": "FZN003", "flow": "another_flow", "reason": "stale"},
    ])
    result = lint(demo, config)
    assert {f.stage for f in result.findings} == {"Row_Generator_1"}
    assert result.unused_ignores == [{"rule": "FZN003", "flow": "another_flow", "reason": "stale"}]
    with pytest.raises(ConfigError, match="needs a rule and a reason"):
        LintConfig(ignores=[{"rule": "FZN003"}])


def test_config_files_are_found_and_checked(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.flowzip.lint]\nselect = ["FZX"]\nfail-on = "warning"\n')
    nested = tmp_path / "exports"
    nested.mkdir()
    config = load_config(start=nested)
    assert config.select == ["FZX"] and config.fail_on == "warning"
    (nested / ".flowzip.toml").write_text('ignore = ["FZN003"]\n')
    assert load_config(start=nested).ignore == ["FZN003"]
    (nested / ".flowzip.toml").write_text('fail-on = "sometimes"\n')
    with pytest.raises(ConfigError, match="fail-on must be one of"):
        load_config(start=nested)
    (nested / ".flowzip.toml").write_text('selekt = ["x"]\n')
    with pytest.raises(ConfigError, match="unknown lint settings: selekt"):
        load_config(start=nested)


def test_baseline_hides_known_findings_and_reports_fixed_ones(demo: Path, tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    first = lint(demo)
    Baseline.write(path, first.findings)
    assert lint(demo, baseline=Baseline.load(path)).findings == []
    # Fix one finding: the baseline entry shows up as fixed; a new finding shows up as new.
    archive = flowzip.open(demo)
    flow = archive.flows[0]
    flow.stages.get(label="Peek_1").label = "pkShow"
    flow.add_stage("Sort")
    archive.update_flow(flow)
    archive.save(demo, in_place=True)
    after = lint(demo, baseline=Baseline.load(path))
    assert any("pkShow" not in e["message"] and "Peek_1" in e["message"] for e in after.fixed_baseline)
    assert any("Sort_1" in f.message for f in after.findings)


def test_baseline_identity_ignores_order_and_position(demo: Path) -> None:
    findings = lint(demo).findings
    assert {f.fingerprint for f in findings} == {f.fingerprint for f in reversed(lint(demo).findings)}
    assert len({f.fingerprint for f in findings}) == len(findings)


@pytest.mark.parametrize("schema_file", ["sarif-schema-2.1.0.json", "sarif-schema-2.1.0-errata01.json"])
def test_sarif_validates_against_the_sarif_2_1_0_schema(conn: Path, demo: Path, schema_file: str) -> None:
    from jsonschema.validators import validator_for

    schema = json.loads((REPO / "tests" / "data" / schema_file).read_text(encoding="utf-8"))
    log = json.loads(REPORTERS["sarif"](lint([str(conn), str(demo)])))
    validator = validator_for(schema)(schema)
    errors = list(validator.iter_errors(log))
    assert errors == [], [e.message for e in errors[:3]]
    assert list(validator.iter_errors({"version": "9"}))  # the schema can fail: a wrong log is refused
    results = log["runs"][0]["results"]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert results and all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in results)
    stage_result = next(r for r in results if r["ruleId"] == "FZN003")
    assert [loc["kind"] for loc in stage_result["locations"][0]["logicalLocations"]] == ["module", "function"]


def test_sarif_carries_each_rules_page_and_points_only_at_a_declared_address(
        demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No made-up address: without a Documentation URL in the package's metadata there is no helpUri, and
    # the rule's documentation page travels in the log itself (code scanning shows help.markdown).
    monkeypatch.setattr(report_module, "documentation_url", lambda: None)
    log = json.loads(REPORTERS["sarif"](lint(demo)))
    driver = log["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver and driver["rules"]
    for rule in driver["rules"]:
        assert "helpUri" not in rule
        assert rule["help"]["markdown"] == pages()[f"{rule['id']}.md"]  # the page under docs/lint/
    monkeypatch.setattr(report_module, "documentation_url", lambda: "https://docs.example.org/flowzip")
    driver = json.loads(REPORTERS["sarif"](lint(demo)))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://docs.example.org/flowzip/lint/index.md"
    assert {r["helpUri"] for r in driver["rules"]} == {f"https://docs.example.org/flowzip/lint/{r['id']}.md"
                                                       for r in driver["rules"]}
    assert all((REPO / "docs" / "lint" / f"{r['id']}.md").is_file() for r in driver["rules"])


def test_documentation_url_comes_from_the_package_metadata(monkeypatch: pytest.MonkeyPatch) -> None:
    class Fake:
        def __init__(self, urls: list[str]) -> None:
            self.urls = urls

        def get_all(self, key: str) -> list[str]:
            return self.urls if key == "Project-URL" else []

    for urls, expected in ((["Homepage, https://x.org", "Documentation, https://x.org/docs/"], "https://x.org/docs"),
                           (["Homepage, https://x.org"], None), (["Documentation, javascript:alert(1)"], None)):
        monkeypatch.setattr(version_module.metadata, "metadata", lambda name, urls=urls: Fake(urls))
        assert version_module.documentation_url() == expected


def test_junit_parses_and_counts_failing_rules(demo: Path) -> None:
    result = lint(demo, LintConfig(select=["ALL"]))
    rules_at_or_above = {rank: {f.code for f in result.findings if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[rank]}
                         for rank in ("error", "warning", "info")}
    for fail_on, failing in rules_at_or_above.items():
        root = ElementTree.fromstring(junit_report(result, fail_on=fail_on))
        assert root.tag == "testsuites" and int(root.get("failures")) == len(failing)  # a failing case, not a finding
        assert len(root.findall("testsuite/testcase")) == len(result.rules)
        assert len(root.findall("testsuite/testcase/failure")) == len(failing)
    assert rules_at_or_above["info"] > rules_at_or_above["warning"]  # the demo has findings below a failure


def test_gitlab_fingerprints_are_unique_and_stable(demo: Path, conn: Path) -> None:
    first = json.loads(REPORTERS["gitlab"](lint([str(demo), str(conn)])))
    second = json.loads(REPORTERS["gitlab"](lint([str(demo), str(conn)])))
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in second]
    assert len({i["fingerprint"] for i in first}) == len(first)
    assert {i["severity"] for i in first} <= {"info", "minor", "major", "critical", "blocker"}


def test_github_annotations(conn: Path) -> None:
    lines = REPORTERS["github"](lint(conn)).splitlines()
    assert lines and lines[0].startswith("::error file=") and ",title=FZX001 secrets.plaintext-secret::" in lines[0]


def test_json_output_is_versioned(demo: Path) -> None:
    from importlib import resources

    from jsonschema import Draft7Validator

    result = lint(demo)
    data = json.loads(REPORTERS["json"](result))
    schema = json.loads(resources.files("flowzip").joinpath("data/lint-report-v1.schema.json").read_text())
    assert list(Draft7Validator(schema).iter_errors(data)) == []
    assert data["schema_version"] == 1 and data["counts"] == result.counts()
    assert sum(data["counts"].values()) == len(data["findings"]) == len(result.findings) > 0
    assert {"code", "name", "severity", "message", "member", "flow", "stage", "stage_id", "fingerprint"} <= \
        set(data["findings"][0])


@pytest.mark.parametrize(("args", "code"), [
    ([], 0), (["--fail-on", "warning"], 1), (["--fail-on", "info"], 1), (["--select", "FZX"], 0),
])
def test_lint_command_exit_codes(demo: Path, args: list[str], code: int) -> None:
    result = CliRunner().invoke(cli, ["lint", *args, str(demo)])
    assert result.exit_code == code, result.output + result.stderr


def test_lint_command_errors_and_baseline(demo: Path, tmp_path: Path, conn: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["lint", str(conn)]).exit_code == 1  # a plaintext password
    bad_config = tmp_path / "bad.toml"
    bad_config.write_text("fail-on = 'never'\n")
    result = runner.invoke(cli, ["lint", "--config", str(bad_config), str(demo)])
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    baseline = tmp_path / "b.json"
    assert runner.invoke(cli, ["lint", "--baseline", str(baseline), "--update-baseline", str(conn)]).exit_code == 0
    assert runner.invoke(cli, ["lint", "--baseline", str(baseline), str(conn)]).exit_code == 0
    out = tmp_path / "report.sarif"
    assert runner.invoke(cli, ["lint", "--format", "sarif", "-o", str(out), str(conn)]).exit_code == 1
    assert json.loads(out.read_text())["version"] == "2.1.0"
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"nope")
    result = runner.invoke(cli, ["lint", "--format", "json", str(broken)])
    assert result.exit_code == 1 and json.loads(result.output)["findings"][0]["code"] == "FZA001"


def test_text_output_counts_info_findings_and_shows_them_when_asked() -> None:
    demo = str(REPO / "fixtures" / "demo" / "paramset.zip")
    hidden = CliRunner().invoke(cli, ["lint", demo])
    assert " info: " not in hidden.stdout and "(4 info not shown; --show-info shows them)" in hidden.stdout
    shown = CliRunner().invoke(cli, ["lint", "--show-info", demo])
    assert shown.stdout.count(" info: ") == 4 and "not shown" not in shown.stdout


@pytest.mark.parametrize(("archive", "shown"), [("../exports/a.zip", "../exports/a.zip"), ("./a.zip", "a.zip"),
                                                ("a.zip", "a.zip")])
def test_report_paths_are_the_paths_as_given(archive: str, shown: str) -> None:
    result = LintResult(findings=[Finding("FZA001", "archive.unreadable", "error", "bad", archive=archive)],
                        archives=[archive])
    assert f"file={shown}," in REPORTERS["github"](result)
    assert json.loads(REPORTERS["gitlab"](result))[0]["location"]["path"] == shown


def test_the_text_summary_counts_in_words(demo: Path) -> None:
    result = lint([demo], LintConfig(), jobs=1)
    summary = REPORTERS["text"](result).splitlines()[-1]
    errors, warnings = (sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning"))
    assert (errors, warnings) == (0, 1)  # the demo's one unresolved parameter reference
    assert summary.startswith("1 archive linted: 0 errors, 1 warning, "), summary


def test_archives_linted_one_after_another_are_let_go_with_the_collector_paused(demo: Path, tmp_path: Path) -> None:
    # The CLI pauses the cyclic collector for the whole command; an archive and its members point at each
    # other, so each archive linted would otherwise stay in memory until the command ends.
    import gc

    from flowzip.package.store import Store

    paths = []
    for index in range(3):
        copy = tmp_path / f"copy{index}.zip"
        copy.write_bytes(demo.read_bytes())
        paths.append(copy)
    gc.collect()
    before = sum(isinstance(o, Store) for o in gc.get_objects())
    gc.disable()
    try:
        result = lint(paths, jobs=1)
        alive = sum(isinstance(o, Store) for o in gc.get_objects())
    finally:
        gc.enable()
    assert len(result.archives) == 3
    assert alive <= before
