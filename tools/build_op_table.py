"""Regenerate src/flowzip/data/stage_ops.json (op -> stage type name) from the stage catalog.

Usage: python tools/build_op_table.py [path/to/stage-catalog.json]
The catalog defaults to ../shared/catalog/stage-catalog.json beside the repository.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
DEFAULT = HERE.parent / "shared" / "catalog" / "stage-catalog.json"
OUT = HERE / "src" / "flowzip" / "data" / "stage_ops.json"


def build(catalog: dict) -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for stage in sorted(catalog["stages"], key=lambda s: s["type_name"]):
        if stage.get("op"):
            table.setdefault(stage["op"], {"type": stage["type_name"], "node_type": stage["node_type"] or ""})
    return dict(sorted(table.items()))


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    table = build(json.loads(source.read_text(encoding="utf-8")))
    OUT.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(table)} ops to {OUT}")


if __name__ == "__main__":
    main()
