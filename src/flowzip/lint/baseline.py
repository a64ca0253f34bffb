"""Baselines: accept today's findings, fail only on new ones.

A baseline file lists findings by what identifies them (rule, asset, flow, stage id
and message), never by line or index, so it survives re-exports that reorder a file.
"""

from __future__ import annotations

import os
from typing import Any

import orjson

from .. import jsonio
from ..errors import FlowzipError
from ..inputs import read_input
from ..package.sink import write_bytes_atomic
from .engine import Finding

VERSION = 1


class Baseline:
    def __init__(self, entries: list[dict[str, Any]] | None = None, path: str | None = None) -> None:
        self.entries = entries or []
        self.path = path

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Baseline:
        path = os.fspath(path)
        if not os.path.exists(path):
            return cls([], path)
        data = jsonio.loads(read_input(path), member=path)
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list) \
                or not all(isinstance(entry, dict) for entry in data["findings"]):
            raise FlowzipError(f"is not a flowzip baseline (version {VERSION})", member=path,
                               hint="write one with --update-baseline")
        return cls(data["findings"], path)

    @staticmethod
    def entry(finding: Finding) -> dict[str, Any]:
        return {"rule": finding.code, "member": finding.member, "flow": finding.flow,
                "stage": finding.stage_id or finding.stage, "message": finding.message,
                "fingerprint": finding.fingerprint}

    def filter(self, findings: list[Finding]) -> tuple[list[Finding], list[dict[str, Any]]]:
        """(findings not in the baseline, baseline entries no finding matched any more)."""
        known = {entry.get("fingerprint") for entry in self.entries}
        seen = {finding.fingerprint for finding in findings}
        new = [finding for finding in findings if finding.fingerprint not in known]
        fixed = [entry for entry in self.entries if entry.get("fingerprint") not in seen]
        return new, fixed

    @classmethod
    def write(cls, path: str | os.PathLike[str], findings: list[Finding]) -> Baseline:
        entries = sorted((cls.entry(f) for f in findings), key=lambda e: (e["rule"], str(e["member"]),
                                                                          str(e["flow"]), e["fingerprint"]))
        data = {"version": VERSION, "findings": entries}
        write_bytes_atomic(os.fspath(path), orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n")
        return cls(entries, os.fspath(path))
