"""docs/columns.md: its Python examples run as written, in order, from the repository root."""

from __future__ import annotations

import re

import pytest

from tests.conftest import REPO


def test_the_columns_page_examples_run_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    page = (REPO / "docs" / "columns.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", page, flags=re.S)
    assert len(blocks) >= 3
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/columns.md", "exec"), namespace)  # noqa: S102 - the page's own examples
    flow = namespace["flow"]
    assert [c.name for c in flow.links[0].columns] == ["CUSTOMER_ID", "NAME"]
    copy_out = next(link for link in flow.links if link.source.label == "Copy")
    assert [c.source for c in copy_out.columns] == ["Link_1.CUSTOMER_ID", "Link_1.NAME"]  # propagated on save
