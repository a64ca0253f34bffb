"""Render the user documentation of the lint rules from their docstrings (docs/lint/)."""

from __future__ import annotations

import inspect

from .engine import Rule, all_rules

FAMILY_TITLES = {"archive": "Archive safety and structure", "schema": "Schema", "integrity": "Integrity",
                 "graph": "Graph", "naming": "Naming", "dependencies": "Dependencies", "parameters": "Parameters",
                 "runtime": "Runtime settings", "secrets": "Secrets", "binaries": "Compiled binaries",
                 "columns": "Columns"}


def rule_page(rule: type[Rule]) -> str:
    doc = inspect.cleandoc(rule.__doc__ or "")
    _, _, body = doc.partition("\n\n")
    summary = rule.summary()
    default = "yes" if rule.default else "no (opt-in: select it)"
    return (f"# {rule.code} {rule.name}\n\n{summary}\n\n"
            f"| code | name | family | default severity | in the default selection |\n"
            f"|---|---|---|---|---|\n"
            f"| `{rule.code}` | `{rule.name}` | {rule.family} | {rule.severity} | {default} |\n\n"
            f"{body.strip()}\n\n"
            f"Silence it for one flow or stage with an `[[tool.flowzip.lint.ignores]]` entry (rule, flow, stage, "
            f"reason), for everything with `ignore = [\"{rule.code}\"]`; see [configuration](configuration.md).\n")


def index_page() -> str:
    lines = ["# Lint rules", "",
             "Generated from the rules' docstrings by `python tools/build_lint_docs.py`; do not edit by hand.", ""]
    rules = all_rules()
    for family, title in FAMILY_TITLES.items():
        members = [r for r in rules if r.family == family]
        if not members:
            continue
        lines += [f"## {title}", "", "| code | name | severity | what it finds |", "|---|---|---|---|"]
        for rule in members:
            opt_in = " (opt-in)" if not rule.default else ""
            lines.append(f"| [{rule.code}]({rule.code}.md) | `{rule.name}` | {rule.severity}{opt_in} | "
                         f"{rule.summary()} |")
        lines.append("")
    lines += ["See also: [configuration and suppression](configuration.md), [output formats](formats.md), "
              "[findings on the real corpus](real-exports.md).", ""]
    return "\n".join(lines)


def pages() -> dict[str, str]:
    """File name (under docs/lint/) -> content, for every generated page."""
    found = {f"{rule.code}.md": rule_page(rule) for rule in all_rules()}
    found["index.md"] = index_page()
    return found
