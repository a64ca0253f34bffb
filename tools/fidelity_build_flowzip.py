#!/usr/bin/env python3
"""Rebuild with flowzip's public API every flow build_sdk.py built with the SDK.

Reads OUT/specs.json (written by build_sdk.py) and, for each flow there, does what the SDK script did
with flowzip's SDK-mirroring calls:

    a = flowzip.new(); flow = a.create_flow(name=key, description="", flow_type="batch")
    flow.add_stage(type, label) ... ; src.connect_output_to(dst) [.reference() | .reject()]
    a.update_flow(flow); a.save(OUT/flowzip-zip/<key>.zip)

This copy (flowzip's tools/) gives the links of the "schema" variant their columns through flowzip's
link schema API, with the calls build_sdk.py makes on the SDK: link.create_schema(), then
add_field(odbc_type, name) and field.length = N for each of specs.json's schema_columns.
Run it in place of ../shared/sdk-oracle/fidelity/build_flowzip.py (tools/fidelity.sh does).

Writes OUT/flowzip/<key>.json (the flow document) and OUT/flowzip-zip/<key>.zip (the saved archive),
and OUT/flowzip-build.json (per flow: ok / the error flowzip raised).

Usage:  <python with flowzip> build_flowzip.py OUT
"""

from __future__ import annotations

import json
import os
import sys
import traceback

import flowzip


def build(key: str, spec: dict, columns: list) -> tuple:
    archive = flowzip.new()
    flow = archive.create_flow(name=key, description="", flow_type="batch")
    stages = {}
    for s in spec["plan"]["stages"]:
        stages[s["label"]] = flow.add_stage(s["type"], s["label"])
    for lk in spec["plan"]["links"]:
        link = stages[lk["src"]].connect_output_to(stages[lk["dst"]])
        if lk["type"] == "REFERENCE":
            link.reference()
        elif lk["type"] == "REJECT":
            link.reject()
        if lk.get("schema"):
            schema = link.create_schema()
            for odbc, name, options in columns:
                field = schema.add_field(odbc, name)
                if "length" in options:
                    field.length = options["length"]
    archive.update_flow(flow)
    return archive, flow


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    with open(os.path.join(out, "specs.json"), encoding="utf-8") as fh:
        specs = json.load(fh)
    os.makedirs(os.path.join(out, "flowzip"), exist_ok=True)
    os.makedirs(os.path.join(out, "flowzip-zip"), exist_ok=True)
    report = {"flowzip": getattr(flowzip, "__version__", "?"), "flows": {}}
    for key, spec in specs["flows"].items():
        try:
            archive, flow = build(key, spec, specs["schema_columns"])
            path = os.path.join(out, "flowzip-zip", key + ".zip")
            if os.path.exists(path):
                os.remove(path)
            archive.save(path)
            with open(os.path.join(out, "flowzip", key + ".json"), "w", encoding="utf-8") as fh:
                json.dump(flow.document, fh, indent=1, ensure_ascii=False)
            report["flows"][key] = {"ok": True}
        except Exception as e:  # noqa: BLE001
            tb = traceback.extract_tb(e.__traceback__)
            where = f"{os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else "?"
            report["flows"][key] = {"ok": False, "error": f"{type(e).__name__} at {where}: {e}"}
    with open(os.path.join(out, "flowzip-build.json"), "w", encoding="utf-8") as fh:
        json.dump(report, fh, indent=1, ensure_ascii=False)
    bad = {k: v for k, v in report["flows"].items() if not v["ok"]}
    print(f"flowzip built {len(report['flows']) - len(bad)}/{len(report['flows'])} flows -> {out}")
    for k, v in list(bad.items())[:20]:
        print(f"  FAILED {k}: {v['error'][:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
