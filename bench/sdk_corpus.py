"""Benchmark archives shaped like the platform's: flows built by the official SDK, and real-export sizes.

    python bench/sdk_corpus.py sdk OUT.zip [--flows 2000] [--seed 3]
    python bench/sdk_corpus.py real OUT.zip [--flows 2000]
    python bench/sdk_corpus.py dag OUT.zip [--flows 99]

``sdk``: every flow is built with the official SDK (ibm-watsonx-data-integration, in the test extra),
offline, the way ``../shared/sdk-oracle/fidelity/build_sdk.py`` builds its flows: ``BatchFlow.add_stage``,
``connect_output_to``, ``link.create_schema()``, and the document ``BatchFlow._update()`` would send
(``_dag_to_json()``, keys without a value dropped). Such flows carry every property default of every
stage (about 100 KB a flow), which flowzip's own generator does not. Flows are random DAGs of 4 to 80
stages, median 20 (sources among the connectors, processing stages with joins, funnels, lookups and rejects, sinks),
each link carrying a schema of 3 to 12 columns; stage counts are drawn so that the sizes spread like the
issue's measurement (median near 94 KB, the largest a few hundred KB). Written in the platform's
Jackson style with a job per flow and a manifest (``generate.write_export``).

``dag``: SDK-built random DAGs of 10 to 200 stages with fan-out and fan-in, the flows the layout benchmark
compares with Graphviz dot and the SDK's own layout on.

``real``: the flows of the real exports in ``../shared/fixtures/real`` (read from there at run time,
never copied into the repository), taken round-robin until there are ``--flows`` of them, each under a
name of its own: flows of real-export sizes (median ~16 KB) in their own files' styles.

Both are deterministic for a seed; ``bench/run.py`` builds them once into ``bench/out/``.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from generate import write_export  # noqa: E402
from layout_flows import light_stack  # noqa: E402

import flowzip  # noqa: E402

SHARED_REAL = HERE.parent.parent / "shared" / "fixtures" / "real"

SOURCES = ["Row Generator", "Sequential file", "IBM Db2", "Oracle", "PostgreSQL", "Microsoft SQL Server",
           "Data set", "Amazon S3", "Snowflake"]
SINKS = ["Peek", "Sequential file", "IBM Db2", "Oracle", "PostgreSQL", "Data set", "Amazon S3", "Snowflake"]
ONE_IN = ["Transformer", "Transformer", "Copy", "Filter", "Sort", "Aggregator", "Remove Duplicates", "Modify",
          "Column Generator", "Head", "Switch", "Surrogate Key Generator", "Pivot Enterprise"]
FAN_IN = ["Join", "Funnel", "Merge"]
COLUMN_TYPES = [("VARCHAR", {"length": 40}), ("INTEGER", {}), ("BIGINT", {}), ("DECIMAL", {"length": 12}),
                ("DATE", {}), ("TIMESTAMP", {}), ("CHAR", {"length": 8}), ("DOUBLE", {})]


def _quiet_sdk() -> Any:
    warnings.filterwarnings("ignore")
    logging.disable(logging.CRITICAL)
    try:
        import ibm_watsonx_data_integration.services.datastage.models.extractor as extractor
        from ibm_watsonx_data_integration.services.datastage.models.flow.batch_flow import BatchFlow
    except ImportError:
        sys.exit("the official SDK is not installed: pip install '.[test]'")
    return extractor, BatchFlow


def _schema(link: Any, rng: random.Random) -> None:
    schema = link.create_schema()
    for index in range(rng.randint(3, 12)):
        odbc, options = rng.choice(COLUMN_TYPES)
        field = schema.add_field(odbc, f"COL_{index}")
        if "length" in options:
            field.length = options["length"]


def sdk_flow(BatchFlow: Any, rng: random.Random, name: str, stages: int) -> dict[str, Any]:
    """One random DAG built with the SDK and the document its save would send."""
    flow = BatchFlow(project=None, name=name, description=f"SDK-built benchmark flow {name}")
    open_ends: list[Any] = []  # stages whose output can take another link
    count = 0

    def add(kind: str) -> Any:
        nonlocal count
        count += 1
        return flow.add_stage(kind, f"{kind.replace(' ', '_')}_{count}")

    def connect(source: Any, target: Any, kind: str = "PRIMARY") -> None:
        link = source.connect_output_to(target)
        if kind == "REFERENCE":
            link.reference()
        elif kind == "REJECT":
            link.reject()
        _schema(link, rng)

    open_ends.append(add(rng.choice(SOURCES)))
    while count < stages - 1:
        roll = rng.random()
        if roll < 0.12 and count < stages - 3:  # a second source joined, funnelled or looked up
            other = add(rng.choice(SOURCES))
            main = open_ends.pop()
            if rng.random() < 0.4:
                stage = add("Lookup")
                connect(main, stage)
                connect(other, stage, "REFERENCE")
            else:
                stage = add(rng.choice(FAN_IN))
                connect(main, stage)
                connect(other, stage)
            open_ends.append(stage)
        elif roll < 0.22 and count < stages - 2:  # a branch ends in a sink
            source = open_ends[-1]
            sink = add(rng.choice(SINKS))
            connect(source, sink, "REJECT" if source.configuration.op_name == "CTransformerStage"
                    and rng.random() < 0.3 else "PRIMARY")
            stage = add(rng.choice(ONE_IN))
            connect(source, stage)
            open_ends[-1] = stage
        else:
            stage = add(rng.choice(ONE_IN))
            connect(open_ends.pop(), stage)
            open_ends.append(stage)
    for end in open_ends:
        connect(end, add(rng.choice(SINKS)))
    document = json.loads(flow._dag_to_json())
    if document.get("pipelines"):
        document["pipelines"][0]["description"] = flow.description
    return {key: value for key, value in document.items() if value is not None}


DAG_SOURCES = ["Row Generator", "Sequential file", "IBM Db2", "PostgreSQL"]
DAG_MIDDLE = ["Transformer", "Copy", "Filter", "Sort", "Funnel", "Join", "Remove Duplicates", "Aggregator", "Peek"]
DAG_OUTPUTS = {"Transformer": 4, "Copy": 4, "Filter": 3, "Sort": 1, "Funnel": 1, "Join": 1, "Remove Duplicates": 1,
               "Aggregator": 1, "Peek": 0}


def sdk_dag(BatchFlow: Any, rng: random.Random, name: str, stages: int) -> dict[str, Any]:
    """A flow of *stages* stages wired as a random DAG (fan-out from Transformer, Copy and Filter, fan-in into
    Join and Funnel, links to any of the 40 stages made last), built with the SDK: the shapes layouts find
    hard, for the layout benchmark."""
    flow = BatchFlow(project=None, name=name, description=f"SDK-built layout benchmark flow {name}")
    made: list[tuple[Any, str]] = []
    outputs: dict[int, int] = {}
    for index in range(stages):
        if index == 0 or rng.random() < 0.12:
            kind = rng.choice(DAG_SOURCES)
            made.append((flow.add_stage(kind, f"src_{index}"), kind))
            continue
        kind = rng.choice(DAG_MIDDLE)
        stage = flow.add_stage(kind, f"s_{index}")
        wanted = 2 if kind in ("Funnel", "Join") else 1
        candidates = made[-40:]
        rng.shuffle(candidates)
        for source, source_kind in candidates:
            if wanted == 0:
                break
            if outputs.get(id(source), 0) >= DAG_OUTPUTS.get(source_kind, 1):
                continue
            _schema(source.connect_output_to(stage), rng)  # the SDK cannot save a Transformer's link without one
            outputs[id(source)] = outputs.get(id(source), 0) + 1
            wanted -= 1
        made.append((stage, kind))
    for stage, kind in list(made):  # a stage left without output ends in a Peek, as flows do
        if kind != "Peek" and not outputs.get(id(stage)):
            _schema(stage.connect_output_to(flow.add_stage("Peek", f"end_{len(made)}")), rng)
            made.append((stage, "Peek"))
    document = json.loads(flow._dag_to_json())
    return {key: value for key, value in document.items() if value is not None}


def sdk_dags(flows: int, seed: int, sizes: tuple[int, int] = (10, 200)) -> Iterator[tuple[str, dict[str, Any]]]:
    """*flows* SDK-built random DAG flows of sizes spread over *sizes* (deterministic for a seed)."""
    extractor, BatchFlow = _quiet_sdk()
    rng = random.Random(seed)
    extractor.generate_uuid = lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))
    for number in range(flows):
        stages = sizes[0] + (sizes[1] - sizes[0]) * number // max(flows - 1, 1)
        for _ in range(20):
            try:
                with light_stack():
                    document = sdk_dag(BatchFlow, rng, f"sdk_dag_{number:03d}", stages)
                break
            except Exception:  # noqa: BLE001 - a shape the SDK cannot save offline: draw another
                continue
        else:
            sys.exit(f"the SDK could not save a flow of {stages} stages")
        yield f"sdk_dag_{number:03d}", document


def sdk_flows(flows: int, seed: int) -> Iterator[tuple[str, dict[str, Any]]]:
    extractor, BatchFlow = _quiet_sdk()
    rng = random.Random(seed)
    extractor.generate_uuid = lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4))
    started = time.perf_counter()
    made = 0
    while made < flows:
        # Stage counts: median 20, a tail up to 80 (an SDK flow of 20 stages weighs ~100 KB).
        stages = min(80, max(4, int(rng.lognormvariate(3.0, 0.5))))
        name = f"sdk_flow_{made:05d}"
        try:
            with light_stack():
                document = sdk_flow(BatchFlow, rng, name, stages)
        except Exception:  # noqa: BLE001 - a combination the SDK refuses offline: draw another
            continue
        made += 1
        if made % 100 == 0:
            print(f"  {made}/{flows} SDK flows built ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
        yield name, document


def real_flows(flows: int) -> Iterator[tuple[str, bytes]]:
    """Each real export's flows, round-robin, as their stored bytes (their own styles)."""
    if not SHARED_REAL.is_dir():
        sys.exit(f"the real exports are not at {SHARED_REAL}")
    stored: list[bytes] = []
    for path in sorted(SHARED_REAL.iterdir()):
        if path.name == "index.json":
            continue
        try:
            archive = flowzip.open(path)
        except flowzip.FlowzipError:
            continue  # not an export (px_executables, a folder of exports): the corpus lists why
        stored += [flow.member.read() for flow in archive.flows]
    for made in range(flows):
        yield f"real_flow_{made:05d}", stored[made % len(stored)]


def build(kind: str, flows: int, seed: int = 3) -> bytes:
    source = {"sdk": lambda: sdk_flows(flows, seed), "dag": lambda: sdk_dags(flows, seed),
              "real": lambda: real_flows(flows)}[kind]()
    return write_export(source, random.Random(seed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kind", choices=["sdk", "dag", "real"])
    parser.add_argument("out")
    parser.add_argument("--flows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    data = build(args.kind, args.flows, args.seed)
    Path(args.out).write_bytes(data)
    print(f"wrote {args.out}: {len(data)} bytes, {args.flows} flows")


if __name__ == "__main__":
    main()
