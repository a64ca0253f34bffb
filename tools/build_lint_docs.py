"""Write docs/lint/<CODE>.md and docs/lint/index.md from the lint rules' docstrings.

    python tools/build_lint_docs.py

tests/lint/test_docs.py fails when the pages are out of date.
"""

from __future__ import annotations

from pathlib import Path

from flowzip.lint.docs import pages

OUT = Path(__file__).resolve().parent.parent / "docs" / "lint"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, content in pages().items():
        (OUT / name).write_text(content, encoding="utf-8")
    print(f"wrote {len(pages())} pages to {OUT}")


if __name__ == "__main__":
    main()
