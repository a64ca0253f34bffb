"""Compact the stage catalog into the form flowzip ships (src/flowzip/data/stage_catalog.json.gz).

    python tools/build_catalog.py [CATALOG.json]

CATALOG.json is the full catalog extracted from the official SDK, as written by
``tools/extract_catalog.py`` (default: ../shared/catalog/stage-catalog.json beside
the repository).  The compact form keeps, per stage type, what flowzip needs to
add, check and configure stages; ``tests/test_catalog.py`` checks it against the
full catalog for every type.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
DEFAULT = HERE.parent / "shared" / "catalog" / "stage-catalog.json"
OUT = HERE / "src" / "flowzip" / "data" / "stage_catalog.json.gz"

#: Fields copied as they are from each full record.
KEPT = (
    "type_name", "op", "node_type", "image", "ui_label", "input_cardinality", "output_cardinality",
    "link_limits", "needs_connection", "connection_datasource_type", "allowed_as_source", "allowed_as_target",
    "default_node_parameters", "default_input_port_parameters", "default_output_port_parameters",
    "default_source_props", "default_target_props", "serialized_isolated_node",
)


def compact_property(prop: dict[str, Any]) -> list[Any]:
    """[name, alias, type, default, enum values or null]."""
    return [prop["name"], prop["alias"], prop["type"], prop.get("default"), prop.get("enum_values")]


def compact(catalog: dict[str, Any]) -> dict[str, Any]:
    stages = []
    for record in sorted(catalog["stages"], key=lambda s: s["type_name"]):
        entry = {key: record[key] for key in KEPT if key in record}
        entry["properties"] = [compact_property(p) for p in record.get("properties") or []]
        entry["connection_fields"] = [compact_property(p) for p in record.get("connection_fields") or []]
        stages.append(entry)
    return {"sdk_package": catalog["sdk_package"], "sdk_version": catalog["sdk_version"], "stages": stages}


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    data = compact(json.loads(source.read_text(encoding="utf-8")))
    payload = json.dumps(data, separators=(",", ":"), sort_keys=False).encode("utf-8")
    # mtime=0: the same catalog always gives the same bytes.
    OUT.write_bytes(gzip.compress(payload, compresslevel=9, mtime=0))
    print(f"wrote {OUT.relative_to(HERE)}: {len(data['stages'])} stage types, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
