"""Lint on every real export and tree: no crash, the findings per rule recorded, every error justified.

When a rule changes, this test shows how its findings on real data moved; docs/lint/real-exports.md
justifies each error-level finding (a rule that fires on what the platform itself writes is wrong
until shown otherwise).
"""

from __future__ import annotations

import sys
from collections import Counter

from flowzip.lint import LintConfig, lint
from tests.conftest import REAL, real_exports, require_shared

#: Findings per rule and severity on the whole real corpus, every rule selected.
EXPECTED = {
    "FZA004 warning": 2, "FZA005 warning": 46, "FZA006 info": 4, "FZD001 warning": 4, "FZD002 warning": 4,
    "FZD006 info": 113,
    "FZG002 warning": 7, "FZG003 error": 1, "FZG003 warning": 10, "FZG004 info": 18, "FZI001 error": 6,
    "FZI004 warning": 10, "FZN002 warning": 5, "FZN003 info": 506, "FZP001 warning": 60, "FZP002 info": 23,
    "FZS002 warning": 186, "FZX001 error": 2, "FZX002 warning": 6, "FZX003 info": 3,
}

#: Every error-level finding on real data, checked by hand; the reasons are in docs/lint/real-exports.md.
JUSTIFIED_ERRORS = {
    ("FZG003", "CPD_ocaso", "data_intg_flow/FlowTestAllSample.json"),
    ("FZI001", "CPD_ocaso", "data_intg_flow/FlowTestMapping.json"),
    ("FZI001", "CPD_ocaso", "data_intg_flow/TEST flow.json"),
    ("FZI001", "drew-cp4d-prod1-git-test", "datastage/data_intg_flow/uncompilable_test.json"),
    ("FZI001", "stabledev1-DrewTest3", "datastage/data_intg_flow/uncompilable_test.json"),
    ("FZX001", "electromart/build_electromart_qa.zip", "parameter_set/psDatabaseConnect.json"),
    ("FZX001", "ibm-datastage/dsjob/blogs/conn.zip", "connection/postgres_con.json"),
}


def test_every_real_archive_lints_and_the_findings_are_as_recorded() -> None:
    require_shared()
    paths = [str(p) for p in real_exports()]
    result = lint(paths, LintConfig(select=["ALL"]), jobs=2)
    assert sorted(result.archives) == sorted(paths)
    assert not [f for f in result.findings if f.code in ("FZA001", "FZA002")], "a real export failed to read"
    counts = Counter(f"{f.code} {f.severity}" for f in result.findings)
    assert dict(counts) == EXPECTED
    errors = {(f.code, str(f.archive).split(str(REAL) + "/", 1)[1], f.member) for f in result.findings
              if f.severity == "error"}
    assert errors == JUSTIFIED_ERRORS


def test_secrets_never_appear_in_any_report() -> None:
    require_shared()
    from flowzip.lint.report import REPORTERS

    conn = REAL / "ibm-datastage" / "dsjob" / "blogs" / "conn.zip"
    result = lint([str(conn), str(REAL / "lshort-mcix-cli-demo")])
    for name, report in REPORTERS.items():
        text = report(result)
        assert '"dummy"' not in text and "AKIAREDACTED" not in text, name


def test_a_folder_of_flow_files_is_linted_flow_by_flow() -> None:
    require_shared()
    folder = REAL / "CPD_ocaso" / "data_intg_flow"
    result = lint([folder], LintConfig(), jobs=1)
    files = sorted(str(p) for p in folder.glob("*.json"))
    assert len(files) == 87 and sorted(result.archives) == files
    assert not [f for f in result.findings if f.code in ("FZA001", "FZA002")]
    # Each file is read alone, so findings that need the rest of the export can differ; this one cannot.
    assert "data_intg_flow/FlowTestAllSample.json" in {f.member for f in result.findings if f.code == "FZG003"}


def test_a_path_that_holds_no_export_is_an_error_finding_not_a_clean_result(tmp_path) -> None:
    result = lint([tmp_path], LintConfig(), jobs=1)
    assert [(f.code, f.severity) for f in result.findings] == [("FZA001", "error")]
    assert "holds no DataStage export" in result.findings[0].message


def test_one_archive_linted_by_worker_processes_gives_the_serial_findings(monkeypatch) -> None:
    require_shared()
    path = str(REAL / "CPD_ocaso")  # 87 flows: workers take them when the threshold is lowered
    serial = lint(path, LintConfig(select=["ALL"]), jobs=1).findings
    module = sys.modules["flowzip.lint"]
    monkeypatch.setattr(module, "PARALLEL_MEMBERS", 10)
    runs: list[int] = []
    spread = module.run_in_workers
    monkeypatch.setattr(module, "run_in_workers", lambda *args, **kw: runs.append(args[3]) or spread(*args, **kw))
    parallel = lint(path, LintConfig(select=["ALL"]), jobs=2).findings
    assert runs == [2]  # the workers did lint the flows
    assert len(serial) > 50
    assert parallel == serial  # the same findings, in the same order, fields intact across processes
