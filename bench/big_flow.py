"""One flow of 5,000 stages: every command that reads or draws it, against the 2 s the issue sets.

    python bench/big_flow.py [--stages 5000] [--json]

Builds (once, deterministically) an archive holding one flow of that many stages (``layout_flows.layout_flow``,
stored with positions, as the platform exports a flow drawn on its canvas) and a copy with one stage renamed,
then times, best of two: show, stage ls, stage links, link ls, lint, check, arrange (with its quality metrics),
render (SVG) and diff against the copy.  Timings are never asserted in tests; this script is where they are
watched.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import timing  # noqa: E402
from layout_flows import layout_flow  # noqa: E402

import flowzip  # noqa: E402
from flowzip.analysis.picture import flow_svg  # noqa: E402
from flowzip.analysis.summary import check_archive, describe_flow  # noqa: E402
from flowzip.document.layout import metrics  # noqa: E402
from flowzip.lint import lint  # noqa: E402

TARGET = 2.0


def build(stages: int, out: Path) -> tuple[Path, Path]:
    path, changed = out / f"flow-{stages}.zip", out / f"flow-{stages}-changed.zip"
    if not path.exists() or not changed.exists():
        document = layout_flow(stages)
        archive = flowzip.new()
        flow = archive.create_flow("big")
        flow.flow_document["pipelines"] = document["pipelines"]
        flow.flow_document["primary_pipeline"] = document["primary_pipeline"]
        flow.auto_arrange()  # stored with positions, as the platform exports a flow drawn on its canvas
        archive.update_flow(flow)
        archive.save(path)
        flow.stages[len(flow.stages) // 2].label = "renamed"
        archive.update_flow(flow)
        archive.save(changed)
    return path, changed


def measure(stages: int = 5000, repeat: int = 2) -> dict[str, float]:
    """Best of *repeat* seconds of each command on one flow of *stages* stages."""
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    path, changed = build(stages, out)

    def flow() -> flowzip.Flow:
        return flowzip.open(path).flows.get(name="big")

    def arrange() -> None:
        chosen = flow()
        chosen.auto_arrange()
        metrics(chosen.primary_pipeline)

    measures = {
        "show": lambda: describe_flow(flow()),
        "stage ls": lambda: [(s.label, s.type, s.id) for s in flow().stages],
        "stage links": lambda: (lambda f: (f.stages[len(f.stages) // 2].get_input_links(),
                                           f.stages[len(f.stages) // 2].get_output_links()))(flow()),
        "link ls": lambda: [(link.name, link.source, link.target) for link in flow().links],
        "lint": lambda: lint(path),
        "check": lambda: check_archive(flowzip.open(path)),
        "arrange (+ metrics)": arrange,
        "render (SVG)": lambda: flow_svg(flow()),
        "diff, one stage renamed": lambda: flowzip.diff(path, changed),
    }
    return {name: timing.best(func, repeat) for name, func in measures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description="commands on one flow of thousands of stages")
    parser.add_argument("--stages", type=int, default=5000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = measure(args.stages)
    if args.json:
        print(json.dumps({"stages": args.stages, "seconds": results, "target": TARGET}, indent=2))
        return
    print(f"one flow of {args.stages} stages, best of 2; target {TARGET:.0f} s each")
    for name, seconds in results.items():
        print(f"  {name:28} {seconds:7.2f} s  {'ok' if seconds <= TARGET else 'over'}")


if __name__ == "__main__":
    main()
