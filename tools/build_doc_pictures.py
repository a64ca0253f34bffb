"""Draw the before/after pictures of docs/layout.md.

    python tools/build_doc_pictures.py

"Before" is a flow built from a script (every stage added right of the others,
as ``add_stage`` places them); "after" is the same flow after ``auto_arrange()``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

import flowzip  # noqa: E402
from flowzip.analysis.picture import flow_svg  # noqa: E402

PLAN = [  # label, stage type, inputs (labels)
    ("customers", "Sequential file", []),
    ("orders", "Sequential file", []),
    ("products", "Row Generator", []),
    ("clean_customers", "Transformer", ["customers"]),
    ("sort_orders", "Sort", ["orders"]),
    ("dedup", "Remove Duplicates", ["sort_orders"]),
    ("join_orders", "Join", ["clean_customers", "dedup"]),
    ("lookup_products", "Lookup", ["join_orders", "products"]),
    ("split", "Copy", ["lookup_products"]),
    ("totals", "Aggregator", ["split"]),
    ("big_orders", "Filter", ["split"]),
    ("merge", "Funnel", ["totals", "big_orders"]),
    ("report", "Peek", ["merge"]),
    ("audit", "Peek", ["split"]),
]


def build() -> flowzip.Flow:
    archive = flowzip.new()
    flow = archive.create_flow("orders_nightly")
    stages = {}
    for label, type_name, inputs in PLAN:
        stages[label] = flow.add_stage(type_name, label)
        for source in inputs:
            link = stages[source].connect_output_to(stages[label])
            if type_name == "Lookup" and source == "products":
                link.reference()
    flow.add_markdown_comment("**Nightly** order load: joins customers and orders, adds products.").connect_to(
        stages["join_orders"])
    # A script adds stages one after another on a row; shuffle them as a hand-merged flow would be.
    rng = random.Random(11)
    slots = [(s.x, s.y) for s in flow.stages]
    rng.shuffle(slots)
    for stage, (x, y) in zip(flow.stages, slots):
        stage.node["app_data"]["ui_data"]["x_pos"], stage.node["app_data"]["ui_data"]["y_pos"] = x, y + rng.choice(
            [0, 0, 120, 240])
    return flow


def main() -> None:
    flow = build()
    target = ROOT / "docs" / "img"
    target.mkdir(exist_ok=True)
    (target / "arrange-before.svg").write_text(flow_svg(flow), encoding="utf-8")
    flow.auto_arrange()
    (target / "arrange-after.svg").write_text(flow_svg(flow), encoding="utf-8")
    print(f"wrote {target / 'arrange-before.svg'} and {target / 'arrange-after.svg'}")


if __name__ == "__main__":
    main()
