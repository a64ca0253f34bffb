"""docs/lint is generated from the rules' docstrings and must be up to date."""

from __future__ import annotations

from flowzip.lint.docs import pages
from tests.conftest import REPO


def test_rule_pages_are_up_to_date() -> None:
    folder = REPO / "docs" / "lint"
    for name, content in pages().items():
        path = folder / name
        assert path.is_file(), f"docs/lint/{name} is missing: run python tools/build_lint_docs.py"
        assert path.read_text(encoding="utf-8") == content, f"docs/lint/{name} is stale: run tools/build_lint_docs.py"
