"""``flowzip lint``: pre-import checks for CI, as data.

>>> result = flowzip.lint("export.zip")                # doctest: +SKIP
>>> [f.code for f in result.findings]                   # doctest: +SKIP

:func:`lint` takes archives (paths or opened :class:`~flowzip.Archive` objects),
runs the selected rules, applies the configuration (severities, per-flow and
per-stage ignores with their reasons) and a baseline, and returns a
:class:`LintResult`.  Several paths are linted in parallel across cores.
"""

from __future__ import annotations

import functools
import gc
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .. import jsonio
from ..document.catalog import catalog
from ..document.kinds import FLOW_KINDS
from ..document.pipeline import unwrap_flow_document
from ..errors import FlowzipError
from ..model.archive import Archive, flow_files, open_archive
from ..model.parallel import PARALLEL_MEMBERS, run_in_workers, worker_pool
from ..model.reading import read_member
from ..package.limits import DEFAULT_LIMITS, Limits
from .baseline import Baseline
from .config import LintConfig, load_config, matches
from .engine import Context, Finding, FlowDoc, LintResult, Rule, all_rules, with_severity

__all__ = ["lint", "lint_archive", "LintConfig", "LintResult", "Finding", "Rule", "all_rules", "load_config",
           "Baseline"]

FLOW_TYPES = tuple(FLOW_KINDS)


def _open_large(path: str, limits: Limits) -> Archive | None:
    """The archive at *path* when it has enough flows to check in parallel, else None."""
    try:
        archive = open_archive(path, limits=limits)
    except FlowzipError:
        return None
    return archive if sum(1 for m in archive.members if m.type in FLOW_TYPES) >= PARALLEL_MEMBERS else None


def selected_rules(config: LintConfig) -> list[Rule]:
    """The rules *config* runs; a selector in it that picks no rule is an error."""
    rules = all_rules()
    config.check_selectors(rules)
    return [rule() for rule in rules if config.enabled(rule)]


def lint_archive(archive: Archive, config: LintConfig | None = None, *, label: str | None = None,
                 flow_findings: Iterable[tuple[list[str], list[Finding]]] | None = None) -> list[Finding]:
    """Every finding of the selected rules in one opened archive (before ignores and baseline).

    With *flow_findings* the flow members are not read here: their findings come from there, as
    ``(member names, their findings)`` (worker processes, :func:`_scan_flows`), and take their members' places.
    """
    config = config or LintConfig()
    rules = selected_rules(config)
    label = label or archive.path or "(archive)"
    context = Context(archive, label)
    members = [m for m in archive.members if not (flow_findings is not None and m.type in FLOW_TYPES)]
    with jsonio.gc_paused():  # a flow's document is freed when the next is read: nothing for the collector
        findings = _scan(context, rules, members, label)
    # The archive rules read the members scanned here, never the flows: while workers read the flows, they run now.
    archive_findings = [finding for rule in rules for finding in rule.check(context)]
    if flow_findings is not None:
        for _, found in flow_findings:
            findings.extend(found)
        # Each member's findings come from one place, in order: in member order, they are a serial run's.
        order = {member.name: index for index, member in enumerate(archive.members)}
        findings.sort(key=lambda finding: order.get(finding.member or "", len(order)))
    findings.extend(archive_findings)
    for finding in findings:
        if not finding.archive:
            object.__setattr__(finding, "archive", label)  # set once, on a finding no one else holds yet
    return findings


def _scan(context: Context, rules: list[Rule], members: list[Any], label: str) -> list[Finding]:
    """Read each member once (the reader ``Archive.check`` uses too): byte rules see every JSON member's
    bytes, flow rules every flow, parsed once; what cannot be read goes to the rules that report it;
    small documents stay parsed for the archive rules."""
    findings: list[Finding] = []
    flow_rules = [r for r in rules if type(r).check_flow is not Rule.check_flow]
    byte_rules = [r for r in rules if type(r).check_bytes is not Rule.check_bytes]
    unreadable_rules = [r for r in rules if type(r).check_unreadable is not Rule.check_unreadable]
    for member in members:
        if member.type == "directory":
            continue
        reading = read_member(member)
        if reading.data is not None and member.is_json:
            for rule in byte_rules:
                findings.extend(rule.check_bytes(context, member, reading.data))
        if reading.error is not None:
            context.unreadable[member.name] = reading.error
            for rule in unreadable_rules:
                findings.extend(rule.check_unreadable(context, member, reading.error))
            continue
        if not member.is_json:
            continue
        if member.type in FLOW_TYPES:
            flow = FlowDoc(member, member.asset_name or member.name, member.type,
                           unwrap_flow_document(reading.document), reading.data, label)
            for rule in flow_rules:
                findings.extend(rule.check_flow(context, flow))
        else:
            context.parsed[member.name] = reading.document  # small documents (jobs, sets, manifest) stay
    return findings


def _lint_setup(archive: Archive, *, config: LintConfig, label: str) -> tuple[Context, list[Rule], str]:
    """A worker's context and rules, made once from its archive (:func:`run_in_workers`)."""
    return Context(archive, label), selected_rules(config), label


def _scan_flows(archive: Archive, state: tuple[Context, list[Rule], str], names: list[str]) -> list[Finding]:
    context, rules, label = state
    with jsonio.gc_paused():  # the archive label is set by lint_archive, where the findings go
        return _scan(context, rules, [archive.member(n) for n in names], label)


def _lint_path_in_parallel(archive: Archive, path: str, config: LintConfig, workers: int) -> list[Finding]:
    """One large archive: its flows checked by *workers* processes, the rest here meanwhile."""
    names = [m.name for m in archive.members if m.type in FLOW_TYPES]
    # The rules' modules (networkx among them) and the stage catalog loaded once, here, before the workers fork:
    # they inherit them rather than each loading them again.
    selected_rules(config)
    catalog()
    with run_in_workers(archive, names, _scan_flows, workers,
                        setup=functools.partial(_lint_setup, config=config, label=path)) as results:
        return lint_archive(archive, config, label=path, flow_findings=results)


def _lint_path(args: tuple[str, LintConfig, Limits]) -> list[Finding]:
    path, config, limits = args
    try:
        archive = open_archive(path, limits=limits)
    except FlowzipError as exc:
        # A path lint cannot read is reported whatever rules are selected (or ignored): a run that read
        # nothing is never green.
        rules = [rule() for rule in all_rules() if rule.check_unopened is not Rule.check_unopened]
        return [finding for rule in rules for finding in rule.check_unopened(path, exc)]
    findings = lint_archive(archive, config, label=path)
    del archive
    if not gc.isenabled():
        # An archive and its members point at each other: with the collector paused (a command holds its
        # documents), each archive linted would stay in memory to the end. Few objects live here: cheap.
        gc.collect()
    return findings


def lint(target: str | os.PathLike[str] | Archive | Iterable[str | os.PathLike[str] | Archive],
         config: LintConfig | None = None, *, baseline: Baseline | None = None, jobs: int | None = None,
         limits: Limits = DEFAULT_LIMITS, progress: Callable[[str], None] | None = None) -> LintResult:
    """Lint one or more archives; return the findings as data.

    A folder that holds flow ``.json`` files but no export is read as those flows, each a single flow file.

    *jobs* is the number of worker processes for several paths (default: the
    number of cores, 1 for a single archive).
    """
    config = config or LintConfig()
    targets = [target] if isinstance(target, (str, os.PathLike, Archive)) else list(target)
    result = LintResult(rules=[type(r) for r in selected_rules(config)])
    # A folder of flow files (no export in it) is linted file by file, each reported by its path.
    paths = [name for t in targets if not isinstance(t, Archive)
             for name in (flow_files(t) or [os.fspath(t)])]
    findings: list[Finding] = []
    for archive in (t for t in targets if isinstance(t, Archive)):
        findings.extend(lint_archive(archive, config))
        result.archives.append(archive.path or "(archive)")
    workers = jobs or min(max(len(paths), 2), os.cpu_count() or 1)
    jobs_args = [(path, config, limits) for path in paths]
    large = _open_large(paths[0], limits) if len(paths) == 1 and workers > 1 else None
    if large is not None:
        findings.extend(_lint_path_in_parallel(large, paths[0], config, workers))
        result.archives.append(paths[0])
        if progress:
            progress(paths[0])
    elif workers > 1 and len(paths) > 1:
        with worker_pool(workers) as pool:
            for path, found in zip(paths, pool.map(_lint_path, jobs_args)):
                findings.extend(found)
                result.archives.append(path)
                if progress:
                    progress(path)
    else:
        for path, args in zip(paths, jobs_args):
            findings.extend(_lint_path(args))
            result.archives.append(path)
            if progress:
                progress(path)
    if config.severity:
        findings = [with_severity(f, config.severity_of(f.code, f.name, f.severity)) for f in findings]
    findings, result.unused_ignores = _apply_ignores(findings, config)
    if baseline is not None:
        findings, result.fixed_baseline = baseline.filter(findings)
    result.findings = findings
    return result


def _apply_ignores(findings: list[Finding], config: LintConfig) -> tuple[list[Finding], list[dict[str, Any]]]:
    """Drop findings an ``[[ignores]]`` entry covers (rule + flow [+ stage]); return the entries never used."""
    used = [False] * len(config.ignores)
    rules = {rule.code: rule for rule in all_rules()}
    kept = []
    for finding in findings:
        ignored = False
        for index, entry in enumerate(config.ignores):
            rule = rules.get(finding.code)
            if rule is None or not matches(rule, str(entry["rule"])):
                continue
            if entry.get("flow") not in (None, finding.flow):
                continue
            if entry.get("stage") not in (None, finding.stage, finding.stage_id):
                continue
            if entry.get("member") not in (None, finding.member):
                continue
            used[index] = True
            ignored = True
        if not ignored:
            kept.append(finding)
    return kept, [entry for entry, hit in zip(config.ignores, used) if not hit]


def default_config_for(paths: list[str]) -> LintConfig:
    start = Path(paths[0]).resolve().parent if paths else Path.cwd()
    return load_config(start=start)
