"""Deterministic generator of a large export archive in the platform's style.

``python bench/generate.py OUT.zip [--flows 2000] [--seed 1]`` writes an export
with the given number of batch flows (10 to 30 stages each, chains with
branches, one link schema per link), one job per flow, a few parameter sets
and a manifest: the shape of a real ``cpdctl dsjob export-zip`` archive
(format.md §1, real-exports.md), in Jackson's pretty-print style.
"""

from __future__ import annotations

import argparse
import io
import random
import uuid
import zipfile
from collections.abc import Iterable
from typing import Any

from flowzip import jsonio

OPS = [
    ("PxRowGenerator", "binding", 0, 1),
    ("PxSequentialFile", "binding", 0, 1),
    ("CTransformerStage", "execution_node", 1, 2),
    ("PxSort", "execution_node", 1, 1),
    ("PxCopy", "execution_node", 1, 2),
    ("PxFilter", "execution_node", 1, 2),
    ("PxRemDup", "execution_node", 1, 1),
    ("PxAggregator", "execution_node", 1, 1),
    ("PxPeek", "execution_node", 1, 0),
    ("PxDataSet", "binding", 1, 0),
]
SOURCES = [o for o in OPS if o[2] == 0]
MIDDLE = [o for o in OPS if o[2] == 1 and o[3] >= 1]
SINKS = [o for o in OPS if o[3] == 0]
SQL_TYPES = [("VARCHAR", "string", "STRING"), ("INTEGER", "integer", "INT32"), ("DECIMAL", "double", "DECIMAL"),
             ("DATE", "date", "DATE"), ("TIMESTAMP", "timestamp", "DATETIME")]


class Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def _field(rng: random.Random, index: int) -> dict[str, Any]:
    odbc, kind, code = rng.choice(SQL_TYPES)
    return {
        "name": f"COL_{index}",
        "type": kind,
        "nullable": rng.random() < 0.5,
        "metadata": {"is_key": index == 0, "min_length": 0, "decimal_scale": 0, "decimal_precision": 0,
                     "max_length": rng.choice([10, 20, 50, 255]), "is_signed": False, "item_index": 0,
                     "description": ""},
        "app_data": {"odbc_type": odbc, "type_code": code, "is_unicode_string": False,
                     "column_reference": f"COL_{index}"},
    }


def make_flow(rng: random.Random, name: str) -> tuple[dict[str, Any], str]:
    ids = Ids(rng)
    count = rng.randint(10, 30)
    stages: list[dict[str, Any]] = []
    schemas: list[dict[str, Any]] = []
    # A main chain with occasional branches into sinks: every stage but sources has one input.
    kinds = [rng.choice(SOURCES)] + [rng.choice(MIDDLE) for _ in range(count - 2)] + [rng.choice(SINKS)]
    for index, (op, node_type, _, _) in enumerate(kinds):
        stages.append({
            "outputs": [],
            "op": op,
            "inputs": [],
            "id": ids(),
            "type": node_type,
            "app_data": {"ui_data": {"image": f"/data-intg/flows/graphics/palette/{op}.svg",
                                     "x_pos": float(48 + 180 * index), "y_pos": float(rng.randint(0, 600)),
                                     "label": f"{op[2:] if op.startswith('Px') else op}_{index + 1}"},
                         "datastage": {}},
            "parameters": {"execmode": "default_par", "combinability": "auto", "preserve": "default_propagate",
                           "max_mem_buf_size": 3145728, "buf_free_run": 50, "queue_upper_size": 0,
                           "disk_write_inc": 1048576, "input_count": 0, "output_count": 0},
        })
    links = [(i, i + 1) for i in range(count - 1)]
    for _ in range(rng.randint(0, 3)):
        source = rng.randrange(1, count - 1)
        if kinds[source][3] > 1:
            stages.append({
                "inputs": [], "op": "PxPeek", "id": ids(), "type": "execution_node", "outputs": [],
                "app_data": {"ui_data": {"image": "/data-intg/flows/graphics/palette/PxPeek.svg",
                                         "x_pos": float(48 + 180 * source), "y_pos": 700.0,
                                         "label": f"Peek_{len(stages) + 1}"}, "datastage": {}},
                "parameters": {"nrecs": 10, "all": False, "input_count": 0, "output_count": 0},
            })
            links.append((source, len(stages) - 1))
    for number, (src, dst) in enumerate(links, start=1):
        link_id, schema_id, out_port = ids(), ids(), ids()
        schemas.append({"id": schema_id, "fields": [_field(rng, i) for i in range(rng.randint(4, 12))]})
        stages[src]["outputs"].append({
            "id": out_port, "schema_ref": schema_id,
            "app_data": {"datastage": {"is_source_of_link": link_id},
                         "ui_data": {"label": "outPort", "cardinality": {"min": 0, "max": 2147483647}}},
            "parameters": {"buf_free_run": 50, "queue_upper_size": 0},
        })
        stages[src]["parameters"]["output_count"] += 1
        stages[dst]["inputs"].append({
            "id": ids(), "schema_ref": schema_id,
            "links": [{"node_id_ref": stages[src]["id"], "type_attr": "PRIMARY", "id": link_id,
                       "app_data": {"datastage": {}, "ui_data": {"decorations": [
                           {"id": "dec-3", "class_name": "linkStartImage", "x_pos": -10, "y_pos": -10,
                            "position": "source", "temporary": False, "outline": False, "distance": 0}]}},
                       "link_name": f"Link_{number}", "port_id_ref": out_port}],
            "app_data": {"ui_data": {"label": "inPort", "cardinality": {"min": 1, "max": 1}}},
            "parameters": {"runtime_column_propagation": 0, "part_type": "auto"},
        })
        stages[dst]["parameters"]["input_count"] += 1
    pipeline_id = ids()
    doc = {
        "primary_pipeline": pipeline_id,
        "pipelines": [{"nodes": stages, "description": f"Generated flow {name}", "runtime_ref": "pxOsh",
                       "id": pipeline_id,
                       "app_data": {"datastage": {"nls_map_name": "UTF-8", "runtime_column_propagation": "false"},
                                    "ui_data": {"comments": []}}}],
        "schemas": schemas,
        "doc_type": "pipeline",
        "id": ids(),
        "app_data": {"datastage": {"version": "3.0.5", "message_handlers": [], "external_message_handlers": []},
                     "additionalProperties": {"globalAcp": True, "runMode": "ETL", "rcpLinkList": []}},
        "version": "3.0",
        "json_schema": "https://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/"
                       "pipeline-flow-v3-schema.json",
        "external_paramsets": [{"name": "psGlobal", "ref": ids()}],
        "runtimes": [{"id": "pxOsh", "name": "pxOsh"}],
    }
    return doc, ids()


def make_job(flow_name: str, asset_id: str, job_id: str) -> dict[str, Any]:
    return {
        "metadata": {"name": f"{flow_name}.DataStage job", "asset_id": job_id, "owner_id": "1000330999",
                     "version": 0},
        "entity": {"job": {"asset_ref": asset_id, "asset_ref_type": "data_intg_flow", "flow_name": flow_name,
                           "configuration": {"env_type": "", "flow_limits": {"warn_limit": 100},
                                             "env_variables": [], "runPriorityQueue": "Medium"},
                           "retention_policy": {"days": 30}, "parameter_sets": [], "job_parameters": [],
                           "enable_notifications": True, "project_name": "bench", "future_scheduled_runs": []}},
    }


def write_export(flows: Iterable[tuple[str, Any]], rng: random.Random) -> bytes:
    """An export archive of *flows* (name, document or its stored bytes), one job per flow, three parameter
    sets and a manifest, each JSON member in Jackson's pretty-print style unless given as bytes."""
    ids = Ids(rng)
    buffer = io.BytesIO()
    assets: list[dict[str, str]] = []
    mapping: list[dict[str, str]] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def put(name: str, doc: Any) -> None:
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 12, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, doc if isinstance(doc, bytes) else jsonio.dumps(doc))

        for name, doc in flows:
            asset_id = ids()
            put(f"data_intg_flow/{name}.json", doc)
            put(f"job/{name}.DataStage job.json", make_job(name, asset_id, ids()))
            assets += [{"name": name, "type": "data_intg_flow"}, {"name": f"{name}.DataStage job", "type": "job"}]
            mapping.append({"flow": name, "job": f"{name}.DataStage job", "type": "data_intg_flow"})
        for set_name in ("psGlobal", "psDatabaseConnect", "psDates"):
            put(f"parameter_set/{set_name}.json", {"parameter_set": {
                "name": set_name, "description": "",
                "parameters": [{"name": f"p{i}", "type": "string", "prompt": "", "value": f"v{i}", "subtype": ""}
                               for i in range(8)],
                "value_sets": [{"name": "dev", "values": [{"name": "p0", "value": "dev"}]}]}})
            assets.append({"name": set_name, "type": "parameter_set"})
        put("DataStage-README.json", {"project_name": "bench", "project_id": ids(), "created_by": "bench",
                                      "created_at": "2024-05-01T12:00:00Z", "environment": "cp4d",
                                      "services_info": [{"name": "ds-flows", "version": "1.0.849"}],
                                      "assets": assets, "flow_job_mapping": mapping})
        info = zipfile.ZipInfo("ENCRYPTED", date_time=(2024, 5, 1, 12, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, b"INTERNAL")
    return buffer.getvalue()


def generate(flows: int = 2000, seed: int = 1) -> bytes:
    rng = random.Random(seed)
    return write_export(((f"flow_{number:05d}", make_flow(rng, f"flow_{number:05d}")[0]) for number in range(flows)),
                        rng)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--flows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    data = generate(args.flows, args.seed)
    with open(args.out, "wb") as handle:
        handle.write(data)
    print(f"wrote {args.out}: {len(data)} bytes, {args.flows} flows")


if __name__ == "__main__":
    main()
