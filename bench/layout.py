"""Auto-arrange against the official SDK's LayeredLayout, flow by flow, and its speed.

    python bench/layout.py [--sizes 10,50,100,250,500,1000,2000]

For every real flow the SDK can read offline and for generated flows, prints the
link crossings and overlapping stage pairs of the SDK's layout (``_dag_to_json``
with auto-arrange on) and of flowzip's (``flowzip.document.layout``), measured the same
way (``flowzip.document.layout.metrics``), then the totals, then flowzip's layout time by
flow size.  Needs the official SDK (the test extra installs it).
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import timing  # noqa: E402
from dot_layout import dot_layout  # noqa: E402
from layout_flows import layout_flow, primary, sdk_layout  # noqa: E402

from flowzip.document.layout import arrange_flow, metrics  # noqa: E402
from flowzip.document.pipeline import unwrap_flow_document  # noqa: E402

REAL = HERE.parent.parent / "shared" / "fixtures" / "real"


def compare(name: str, doc: dict, rows: list) -> None:
    theirs = sdk_layout(copy.deepcopy(doc))
    ours = copy.deepcopy(doc)
    arrange_flow(ours)
    b = metrics(primary(ours))
    if theirs is None:
        rows.append((name, b.stages, None, b.crossings, None, b.overlaps, b.left_to_right))
        return
    a = metrics(primary(theirs))
    rows.append((name, a.stages, a.crossings, b.crossings, a.overlaps, b.overlaps, b.left_to_right))


def best_time(size: int, repeat: int = 3) -> float:
    docs = [layout_flow(size) for _ in range(repeat)]
    return min(timing.seconds(lambda doc=doc: arrange_flow(doc)) for doc in docs)


def quality(corpus: Path) -> dict[str, object]:
    """flowzip's arrange against Graphviz dot and the SDK's LayeredLayout on every flow of *corpus*, measured
    alike (straight links from a stage's right edge to the next one's left edge), plus stability and speed."""
    from flowzip import jsonio

    rows = []
    with zipfile.ZipFile(corpus) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("data_intg_flow/"))
        docs = [unwrap_flow_document(jsonio.loads(archive.read(n))) for n in names]
    seconds = 0.0
    for doc in docs:
        ours = copy.deepcopy(doc)
        seconds += timing.seconds(lambda ours=ours: arrange_flow(ours))
        again = copy.deepcopy(doc)
        arrange_flow(again)
        theirs, sdk = dot_layout(doc, primary), sdk_layout(copy.deepcopy(doc))
        rows.append((metrics(primary(ours)), metrics(primary(theirs)) if theirs else None,
                     metrics(primary(sdk)) if sdk else None, ours == again))
    with_dot = [r for r in rows if r[1] is not None]
    with_sdk = [r for r in rows if r[2] is not None]
    big = [layout_flow(500, seed) for seed in (7, 8, 9)]
    big_seconds = max(best_time_of(doc) for doc in big)
    return {
        "flows": len(rows), "dot_flows": len(with_dot), "sdk_flows": len(with_sdk),
        "crossings": sum(r[0].crossings for r in rows),
        "crossings_on_dot_flows": sum(r[0].crossings for r in with_dot),
        "dot_crossings": sum(r[1].crossings for r in with_dot),
        "crossings_on_sdk_flows": sum(r[0].crossings for r in with_sdk),
        "sdk_crossings": sum(r[2].crossings for r in with_sdk),
        "share_at_most_dot": sum(r[0].crossings <= r[1].crossings for r in with_dot) / max(len(with_dot), 1),
        "overlaps": sum(r[0].overlaps for r in rows),
        "dot_overlaps": sum(r[1].overlaps for r in with_dot),
        "acyclic_flows_all_left_to_right": sum(r[0].left_to_right == 1.0 for r in rows) / max(len(rows), 1),
        "area_vs_dot": sum(r[0].area for r in with_dot) / max(sum(r[1].area for r in with_dot), 1.0),
        "share_area_at_most_dot": sum(r[0].area <= r[1].area for r in with_dot) / max(len(with_dot), 1),
        "stable": all(r[3] for r in rows),
        "seconds": seconds,
        "seconds_500_stages": big_seconds,
    }


def best_time_of(doc: dict, repeat: int = 3) -> float:
    laid = [copy.deepcopy(doc) for _ in range(repeat)]
    return min(timing.seconds(lambda copied=copied: arrange_flow(copied)) for copied in laid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,100,250,500,1000,2000", help="flow sizes to time")
    parser.add_argument("--compare-sizes", default="10,50,100,250,500", help="generated flow sizes to compare")
    parser.add_argument("--seeds", default="7,8,9", help="seeds of the generated flows")
    parser.add_argument("--quiet", action="store_true", help="print only flows with crossings or overlaps")
    args = parser.parse_args()
    logging.getLogger("ibm_watsonx_data_integration").setLevel(logging.CRITICAL)
    rows: list = []
    for path in sorted(REAL.rglob("data_intg_flow/*.json")) if REAL.is_dir() else []:
        doc = unwrap_flow_document(json.loads(path.read_text(encoding="utf-8")))
        if doc is not None and len(primary(doc).get("nodes") or []) > 1:
            compare(str(path.relative_to(REAL)), doc, rows)
    for size in (int(s) for s in args.compare_sizes.split(",")):
        for seed in (int(s) for s in args.seeds.split(",")):
            compare(f"generated-{size} (seed {seed})", layout_flow(size, seed), rows)
    print(f"{'flow':64} {'stages':>6} {'SDK x':>6} {'ours x':>6} {'SDK ov':>6} {'ours ov':>7} {'ours LTR':>8}")
    for name, stages, sdk_x, our_x, sdk_o, our_o, ltr in rows:
        if args.quiet and not (sdk_x or our_x or sdk_o or our_o or ltr < 1):
            continue
        sdk_x, sdk_o = ("-" if sdk_x is None else sdk_x), ("-" if sdk_o is None else sdk_o)
        print(f"{name[-64:]:64} {stages:6} {sdk_x:>6} {our_x:6} {sdk_o:>6} {our_o:7} {ltr:8.0%}")
    both = [r for r in rows if r[2] is not None]
    totals = [sum(r[i] for r in both) for i in (2, 3, 4, 5)]
    worse = [r[0] for r in both if r[3] > r[2]]
    print(f"{len(rows)} flows; {len(both)} that the SDK lays out offline: crossings SDK {totals[0]}, "
          f"flowzip {totals[1]} (ratio {totals[1] / max(totals[0], 1):.2f}); overlapping pairs SDK {totals[2]}, "
          f"flowzip {totals[3]}; flows where flowzip crosses more: {len(worse)} {worse or ''}")
    print(f"flowzip on all {len(rows)}: overlapping pairs {sum(r[5] for r in rows)}, "
          f"flows with a right-to-left link {sum(1 for r in rows if r[6] < 1)}")
    print("layout time by size (best of 3):")
    previous = None
    for size in (int(s) for s in args.sizes.split(",")):
        seconds = best_time(size)
        growth = f"  x{seconds / previous[1]:.1f} for x{size / previous[0]:.0f} stages" if previous else ""
        print(f"  {size:5} stages: {seconds:.3f} s{growth}")
        previous = (size, seconds)


if __name__ == "__main__":
    main()
