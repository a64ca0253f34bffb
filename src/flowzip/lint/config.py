"""Lint configuration: ``[tool.flowzip.lint]`` in ``pyproject.toml`` or a ``.flowzip.toml``.

```toml
[tool.flowzip.lint]
select = ["DEFAULT", "schema"]        # DEFAULT, ALL, codes (FZI001), prefixes (FZI), families, names
ignore = ["naming.default-name"]
fail-on = "warning"                   # error | warning | info
[tool.flowzip.lint.severity]
FZG002 = "error"
[[tool.flowzip.lint.ignores]]          # per flow / per stage, with the reason
rule = "FZN002"
flow = "legacy_load"
stage = "Transformer_1"                # optional
reason = "migrated job; link names fixed in the next release"
```

In a ``.flowzip.toml`` the same keys sit at the top level (or under ``[lint]``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..inputs import loads_toml, read_input
from ..suggest import closest
from .engine import SEVERITIES, Rule


@dataclass
class LintConfig:
    select: list[str] = field(default_factory=lambda: ["DEFAULT"])
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)
    ignores: list[dict[str, Any]] = field(default_factory=list)
    fail_on: str = "error"
    source: str | None = None

    def __post_init__(self) -> None:
        if self.fail_on not in SEVERITIES:
            raise ConfigError(f"fail-on must be one of {', '.join(SEVERITIES)}, not {self.fail_on!r}",
                              member=self.source)
        for key, value in self.severity.items():
            if value not in SEVERITIES:
                raise ConfigError(f"severity of {key} must be one of {', '.join(SEVERITIES)}, not {value!r}",
                                  member=self.source)
        for entry in self.ignores:
            if not isinstance(entry, dict) or "rule" not in entry or not entry.get("reason"):
                raise ConfigError("every [[ignores]] entry needs a rule and a reason", member=self.source)

    def check_selectors(self, rules: list[type[Rule]]) -> None:
        """Refuse a selector (in select, ignore, severity or an ignores entry) that picks no rule: a typo
        there would silently run, or silence, nothing."""
        wanted = [("select", s) for s in self.select] + [("ignore", s) for s in self.ignore]
        wanted += [("severity", s) for s in self.severity]
        wanted += [("ignores", str(e["rule"])) for e in self.ignores]
        for where, selector in wanted:
            if not any(matches(rule, selector) for rule in rules):
                names = sorted({r.code for r in rules} | {r.name for r in rules} | {r.family for r in rules})
                guess = closest(selector.strip(), names) or closest(selector.strip().upper(), names)
                raise ConfigError(f"{where}: {selector!r} picks no lint rule", member=self.source,
                                  hint=f"did you mean {guess!r}?" if guess else
                                  "give a code (FZI001), a code prefix (FZI), a family, a rule name, DEFAULT or ALL")

    def enabled(self, rule: type[Rule]) -> bool:
        return any(matches(rule, s) for s in self.select) and not any(matches(rule, s) for s in self.ignore)

    def severity_of(self, rule_code: str, rule_name: str, default: str) -> str:
        return self.severity.get(rule_code) or self.severity.get(rule_name) or default


def matches(rule: type[Rule], selector: str) -> bool:
    """Whether *selector* (a code, a code prefix, a family, a rule name or ALL) picks *rule*."""
    selector = selector.strip()
    if selector.upper() == "DEFAULT":
        return rule.default
    return (selector.upper() == "ALL" or rule.code == selector.upper() or rule.name == selector
            or rule.family == selector or (selector.upper().startswith("FZ") and rule.code.startswith(
                selector.upper())))


def _from_table(table: dict[str, Any], source: str) -> LintConfig:
    known = {"select", "ignore", "severity", "ignores", "fail-on", "fail_on"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"unknown lint settings: {', '.join(sorted(unknown))}", member=source,
                          hint=f"known: {', '.join(sorted(known - {'fail_on'}))}")
    return LintConfig(select=list(table.get("select", ["DEFAULT"])), ignore=list(table.get("ignore", [])),
                      severity=dict(table.get("severity", {})), ignores=list(table.get("ignores", [])),
                      fail_on=table.get("fail-on", table.get("fail_on", "error")), source=source)


def load_config(path: str | os.PathLike[str] | None = None, start: str | os.PathLike[str] | None = None
                ) -> LintConfig:
    """The configuration in *path*, or the nearest ``.flowzip.toml`` / ``pyproject.toml`` above *start*."""
    if path is not None:
        return _load_file(Path(path), required=True) or LintConfig()
    here = Path(start or os.getcwd()).resolve()
    for folder in [here, *here.parents]:
        for name in (".flowzip.toml", "pyproject.toml"):
            found = _load_file(folder / name, required=False)
            if found is not None:
                return found
    return LintConfig()


def _load_file(path: Path, *, required: bool) -> LintConfig | None:
    if not path.is_file():
        if required:
            raise ConfigError("no such configuration file", member=str(path))
        return None
    data = loads_toml(read_input(path, ConfigError), str(path), ConfigError)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("flowzip", {}).get("lint")
        if table is None:
            return LintConfig(source=str(path)) if required else None
        return _from_table(table, str(path))
    table = data.get("lint", data)
    return _from_table(table, str(path))
