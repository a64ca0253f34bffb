"""Auto-arrange against the official SDK's LayeredLayout, flow by flow, and its speed.

    python bench/layout.py [--sizes 10,50,100,250,500,1000,2000]

For every real flow the SDK can read offline and for generated flows, prints the
link crossings and overlapping stage pairs of the SDK's layout (``_dag_to_json``
with auto-arrange on) and of flowzip's (``flowzip.layout``), measured the same
way (``flowzip.layout.metrics``), then the totals, then flowzip's layout time by
flow size.  Needs the official SDK (the test extra installs it).
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import logging
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from layout_flows import layout_flow  # noqa: E402

from flowzip.assets import unwrap_flow_document  # noqa: E402
from flowzip.layout import arrange_flow, metrics  # noqa: E402

REAL = HERE.parent.parent / "shared" / "fixtures" / "real"


def primary(doc: dict) -> dict:
    return next(p for p in doc["pipelines"] if p["id"] == doc["primary_pipeline"])


def sdk_layout(doc: dict) -> dict | None:
    """The SDK's own serialisation of the flow, laid out by its LayeredLayout; None when it cannot."""
    from types import SimpleNamespace

    from ibm_watsonx_data_integration.services.datastage.codegen.dag_generator import DAGGenerator
    from ibm_watsonx_data_integration.services.datastage.models.flow_json_model import Flow

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            model = Flow.model_validate(doc)
            flow = DAGGenerator(model).generate()
            refs = {p.name: p for p in (model.external_paramsets or [])}
            for parameter_set in flow.parameter_sets:
                if parameter_set._project is None:
                    parameter_set._project = SimpleNamespace(project_id=getattr(refs.get(parameter_set.name),
                                                                                "project_ref", None))
            flow.auto_arrange()
            return json.loads(flow._dag_to_json())
    except Exception:  # noqa: BLE001 - the SDK cannot read every flow offline (format.md §3)
        return None


def compare(name: str, doc: dict, rows: list) -> None:
    theirs = sdk_layout(copy.deepcopy(doc))
    if theirs is None:
        return
    ours = copy.deepcopy(doc)
    arrange_flow(ours)
    a, b = metrics(primary(unwrap_flow_document(theirs))), metrics(primary(ours))
    rows.append((name, a.stages, a.crossings, b.crossings, a.overlaps, b.overlaps))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,50,100,250,500,1000,2000")
    args = parser.parse_args()
    logging.getLogger("ibm_watsonx_data_integration").setLevel(logging.CRITICAL)
    rows: list = []
    for path in sorted(REAL.rglob("data_intg_flow/*.json")) if REAL.is_dir() else []:
        doc = unwrap_flow_document(json.loads(path.read_text(encoding="utf-8")))
        if doc is not None and len(primary(doc).get("nodes") or []) > 1:
            compare(str(path.relative_to(REAL)), doc, rows)
    for size in (10, 50, 100, 250, 500):
        compare(f"generated-{size}", layout_flow(size), rows)
    print(f"{'flow':70} {'stages':>6} {'SDK x':>6} {'ours x':>6} {'SDK ov':>6} {'ours ov':>7}")
    for name, stages, sdk_x, our_x, sdk_o, our_o in rows:
        print(f"{name[:70]:70} {stages:6} {sdk_x:6} {our_x:6} {sdk_o:6} {our_o:7}")
    totals = [sum(r[i] for r in rows) for i in (2, 3, 4, 5)]
    worse = [r[0] for r in rows if r[3] > r[2]]
    print(f"totals over {len(rows)} flows: crossings SDK {totals[0]}, flowzip {totals[1]}; "
          f"overlapping pairs SDK {totals[2]}, flowzip {totals[3]}; flows where flowzip crosses more: {len(worse)}")
    print("layout time by size:")
    for size in (int(s) for s in args.sizes.split(",")):
        doc = layout_flow(size)
        start = time.perf_counter()
        arrange_flow(doc)
        print(f"  {size:5} stages: {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
