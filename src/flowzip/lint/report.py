"""Lint reporters: text, JSON, SARIF 2.1.0, GitHub annotations, JUnit XML, GitLab Code Quality.

Each reporter takes a :class:`~flowzip.lint.engine.LintResult` and returns text.
Secrets never reach a report: rules word their messages without values.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import orjson

from ..display import counted, printable
from ..version import __version__, documentation_url
from .docs import rule_page
from .engine import SEVERITY_RANK, Finding, LintResult, Rule, all_rules

JSON_SCHEMA_VERSION = 1
Reporter = Callable[[LintResult], str]
REPORTERS: dict[str, Reporter] = {}


def reporter(name: str) -> Callable[[Reporter], Reporter]:
    def register(func: Reporter) -> Reporter:
        REPORTERS[name] = func
        return func

    return register


def _where(finding: Finding) -> str:
    parts = [finding.member or finding.archive or ""]
    if finding.flow and (not finding.member or finding.flow not in finding.member):
        parts.append(f"flow {finding.flow!r}")
    if finding.stage:
        parts.append(f"stage {finding.stage!r}")
    return ", ".join(p for p in parts if p)


@reporter("text")
def text_report(result: LintResult, *, show_info: bool = False) -> str:
    """Findings for people: errors and warnings, and with *show_info* the info findings too (by default
    only their number: on a large archive they run to thousands of lines)."""
    lines = []
    by_archive: dict[str, list[Finding]] = {}
    hidden = 0
    for finding in result.findings:
        if finding.severity == "info" and not show_info:
            hidden += 1
            continue
        by_archive.setdefault(finding.archive or "", []).append(finding)
    for archive in result.archives:
        for finding in by_archive.get(archive, []):
            lines.append(f"{archive}: {finding.severity}: {finding.code} {finding.name}: {_where(finding)}: "
                         f"{finding.message}")
    for entry in result.unused_ignores:
        lines.append(f"note: unused ignore: rule {entry.get('rule')} flow {entry.get('flow')!r} "
                     f"({entry.get('reason')})")
    for entry in result.fixed_baseline:
        lines.append(f"note: fixed since the baseline: {entry.get('rule')} {entry.get('member')}: "
                     f"{entry.get('message')}")
    counts = result.counts()
    total = sum(counts.values())
    summary = (f"{counted(len(result.archives), 'archive')} linted: "
               + (f"{counted(counts['error'], 'error')}, {counted(counts['warning'], 'warning')}, "
                  f"{counts['info']} info" if total else "no findings"))
    if hidden:
        summary += f" ({hidden} info not shown; --show-info shows them)"
    lines.append(summary)
    return "\n".join(printable(line) for line in lines)  # labels from the archive stay text


@reporter("json")
def json_report(result: LintResult) -> str:
    data = {
        "schema_version": JSON_SCHEMA_VERSION,
        "tool": {"name": "flowzip", "version": __version__},
        "archives": result.archives,
        "counts": result.counts(),
        "findings": [f.to_dict() for f in result.findings],
        "unused_ignores": result.unused_ignores,
        "fixed_baseline": result.fixed_baseline,
    }
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode()


def _artifact(finding: Finding) -> str:
    """A path GitHub can show: the member file inside a folder tree, else the archive itself."""
    archive = finding.archive or ""
    if finding.member and os.path.isdir(archive):
        path = os.path.join(archive, *finding.member.split("/"))
    else:
        path = archive
    path = os.path.normpath(path).replace(os.sep, "/") if path else path
    return path  # as given (normalised: "./a.zip" is "a.zip", "../x/a.zip" stays so)


SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _rule_descriptor(rule: type[Rule], docs: str | None) -> dict[str, Any]:
    """A SARIF rule: its documentation page travels in ``help`` (code scanning shows it beside each
    result), and ``helpUri`` is the page's published address when the package declares one."""
    doc = (rule.__doc__ or "").strip()
    page = rule_page(rule)
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": " ".join(doc.split())},
        "help": {"text": page, "markdown": page},
        "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
        "properties": {"tags": [rule.family]},
    }
    if docs:
        descriptor["helpUri"] = f"{docs}/lint/{rule.code}.md"
    return descriptor


@reporter("sarif")
def sarif_report(result: LintResult) -> str:
    rules = sorted({*result.rules, *(r for r in all_rules() if any(f.code == r.code for f in result.findings))},
                   key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = []
    for finding in result.findings:
        logical = []
        if finding.flow:
            logical.append({"name": finding.flow, "fullyQualifiedName": finding.flow, "kind": "module"})
        if finding.stage:
            qualified = f"{finding.flow}/{finding.stage}" if finding.flow else finding.stage
            logical.append({"name": finding.stage, "fullyQualifiedName": qualified, "kind": "function"})
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": _artifact(finding)},
                                                         "region": {"startLine": 1}}}
        if logical:
            location["logicalLocations"] = logical
        entry: dict[str, Any] = {
            "ruleId": finding.code,
            "level": SARIF_LEVEL[finding.severity],
            "message": {"text": f"{_where(finding)}: {finding.message}"},
            "locations": [location],
            "partialFingerprints": {"flowzipFinding/v1": finding.fingerprint},
        }
        if finding.code in index:
            entry["ruleIndex"] = index[finding.code]
        results.append(entry)
    docs = documentation_url()
    driver: dict[str, Any] = {"name": "flowzip", "version": __version__}
    if docs:
        driver["informationUri"] = f"{docs}/lint/index.md"
    driver["rules"] = [_rule_descriptor(rule, docs) for rule in rules]
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "results": results,
        }],
    }
    return orjson.dumps(log, option=orjson.OPT_INDENT_2).decode()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


@reporter("github")
def github_report(result: LintResult) -> str:
    """GitHub Actions workflow commands: ``::error file=...,title=...::message``."""
    command = {"error": "error", "warning": "warning", "info": "notice"}
    lines = []
    for finding in result.findings:
        title = f"{finding.code} {finding.name}"
        message = printable(_where(finding) + ": " + finding.message)
        lines.append(f"::{command[finding.severity]} file={_escape_property(_artifact(finding))},"
                     f"title={_escape_property(title)}::{_escape_data(message)}")
    return "\n".join(lines)


@reporter("junit")
def junit_report(result: LintResult, *, fail_on: str = "error") -> str:
    """JUnit XML: one test suite per archive, one test case per rule run.  A case fails (one ``failure``
    listing its findings) when the rule found something at or above *fail_on*; findings below it are
    the case's ``system-out``.  ``failures`` counts failing cases, as JUnit readers expect."""
    threshold = SEVERITY_RANK[fail_on]
    suites = ElementTree.Element("testsuites", name="flowzip lint")
    by_archive: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_archive.setdefault(finding.archive or "", []).append(finding)
    total_tests = total_failures = 0
    for archive in result.archives:
        found = by_archive.get(archive, [])
        suite = ElementTree.SubElement(suites, "testsuite", name=archive)
        failures = 0
        for rule in result.rules:
            case = ElementTree.SubElement(suite, "testcase", classname=f"flowzip.{rule.family}",
                                          name=f"{rule.code} {rule.name}")
            mine = [f for f in found if f.code == rule.code]
            failing = [f for f in mine if SEVERITY_RANK[f.severity] >= threshold]
            if failing:
                first = failing[0]
                more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
                failure = ElementTree.SubElement(case, "failure", type=first.severity,
                                                 message=f"{_where(first)}: {first.message}{more}")
                failure.text = "\n".join(f"{f.severity}: {_where(f)}: {f.message}" for f in failing)
                failures += 1
            notes = [f for f in mine if f not in failing]
            if notes:
                out = ElementTree.SubElement(case, "system-out")
                out.text = "\n".join(f"{f.severity}: {_where(f)}: {f.message}" for f in notes)
        suite.set("tests", str(len(result.rules)))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        total_tests += len(result.rules)
        total_failures += failures
    suites.set("tests", str(total_tests))
    suites.set("failures", str(total_failures))
    ElementTree.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(suites, encoding="unicode")


GITLAB_SEVERITY = {"error": "major", "warning": "minor", "info": "info"}


@reporter("gitlab")
def gitlab_report(result: LintResult) -> str:
    """GitLab Code Quality: a JSON array of issues with unique, stable fingerprints."""
    issues = []
    seen: set[str] = set()
    for finding in result.findings:
        fingerprint = finding.fingerprint
        while fingerprint in seen:  # identical findings twice: keep fingerprints unique, deterministically
            fingerprint = hashlib.sha256(fingerprint.encode()).hexdigest()
        seen.add(fingerprint)
        issues.append({
            "description": f"{_where(finding)}: {finding.message}",
            "check_name": f"{finding.code} {finding.name}",
            "fingerprint": fingerprint,
            "severity": GITLAB_SEVERITY[finding.severity],
            "location": {"path": _artifact(finding), "lines": {"begin": 1}},
        })
    return orjson.dumps(issues, option=orjson.OPT_INDENT_2).decode()

