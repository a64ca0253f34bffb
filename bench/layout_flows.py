"""Deterministic random flows for layout benchmarks: a main chain with branches, fan-ins and fan-outs."""

from __future__ import annotations

import random

import flowzip

SOURCES = ["Row Generator", "Sequential file"]
MIDDLE = ["Transformer", "Copy", "Filter", "Sort", "Funnel", "Join", "Remove Duplicates", "Aggregator"]


def layout_flow(stages: int, seed: int = 7) -> dict:
    """A flow document with *stages* stages wired as a random DAG (respecting the catalog's cardinality)."""
    rng = random.Random(seed)
    archive = flowzip.new()
    flow = archive.create_flow(f"layout_{stages}")
    made = []
    outputs: dict[str, int] = {}
    for index in range(stages):
        if index == 0 or rng.random() < 0.12:
            made.append(flow.add_stage(rng.choice(SOURCES), f"src_{index}"))
            continue
        stage = flow.add_stage(rng.choice(MIDDLE + ["Peek"]), f"s_{index}")
        wanted = 2 if stage.type in ("Funnel", "Join") else 1
        candidates = made[-40:]
        rng.shuffle(candidates)
        for source in candidates:
            if wanted == 0:
                break
            limit = source.stage_type.outputs[1]
            if limit != -1 and outputs.get(source.id, 0) >= limit:
                continue  # stay within primary outputs: the SDK refuses more (format.md §3)
            try:
                source.connect_output_to(stage)
            except flowzip.FlowzipError:
                continue
            outputs[source.id] = outputs.get(source.id, 0) + 1
            wanted -= 1
        made.append(stage)
    for stage in flow.stages:  # positions are what the layout computes; start from none
        stage.node["app_data"]["ui_data"].pop("x_pos", None)
        stage.node["app_data"]["ui_data"].pop("y_pos", None)
    return flow.document
