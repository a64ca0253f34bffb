"""How often the columns the platform stored agree with what flowzip's column propagation computes.

    python tools/measure_columns.py [../shared/fixtures/real]

For every link of every real flow that leaves a stage with a propagation rule and carries stored columns,
recompute its columns from the columns stored on the stage's inputs and compare (names, types, order).
Prints the table docs/columns.md quotes, then the FZC001 findings (stale lineage) per export.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import flowzip  # noqa: E402
from flowzip.document.columns import port_schema  # noqa: E402
from flowzip.document.propagation import compute_link_columns, pipeline_links, rule_for, stale_columns  # noqa: E402
from flowzip.errors import FlowzipError  # noqa: E402


def columns(document: dict, port: dict | None) -> list[dict] | None:
    schema = port_schema(document, port)
    return None if schema is None else [f for f in schema.get("fields") or [] if isinstance(f, dict)]


def verdict(stored: list[dict], computed: list[dict]) -> str:
    typed = [(c.get("name"), c.get("type")) for c in stored], [(c.get("name"), c.get("type")) for c in computed]
    names = [c.get("name") for c in stored], [c.get("name") for c in computed]
    if typed[0] == typed[1]:
        return "the same columns, types and order"
    if sorted(typed[0], key=str) == sorted(typed[1], key=str):
        return "the same columns and types, another order"
    if names[0] == names[1]:
        return "the same names, other types"
    if set(names[0]) < set(names[1]):
        return "fewer columns than computed (dropped in the stage's mapping)"
    if set(names[0]) > set(names[1]):
        return "more columns than computed (derived in the stage)"
    return "other columns (renamed or derived in the stage)"


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared/fixtures/real")
    table: Counter[str] = Counter()
    by_op: dict[str, Counter[str]] = {}
    stale = 0
    for path in sorted(p for p in root.iterdir() if p.is_dir()):
        try:
            archive = flowzip.open(path)
        except FlowzipError:
            continue  # not an export (the corpus holds some)
        for flow in archive.flows:
            document = flow.flow_document
            for pipeline in flow.pipelines:
                links = pipeline_links(pipeline)
                stale += len(stale_columns(document, pipeline))
                for ref in links:
                    if ref.source is None or rule_for(ref.source) is None:
                        continue
                    stored = columns(document, ref.target_port) or columns(document, ref.source_port)
                    computed = compute_link_columns(document, ref, links)
                    if stored is None or computed is None:
                        continue
                    kind = verdict(stored, computed)
                    table[kind] += 1
                    by_op.setdefault(str(ref.source.get("op")), Counter())[kind] += 1
    total = sum(table.values())
    print(f"{total} links out of stages with a propagation rule, with stored and computed columns:")
    for kind, count in table.most_common():
        print(f"  {count:4d}  {count / total:6.1%}  {kind}")
    print("by stage op (links: same columns/types/order):")
    for op, counts in sorted(by_op.items(), key=lambda item: -sum(item[1].values())):
        print(f"  {op:28s} {sum(counts.values()):4d}  {counts['the same columns, types and order']:4d}")
    print(f"FZC001 findings (stale lineage): {stale}")


if __name__ == "__main__":
    main()
