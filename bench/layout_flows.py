"""Flows for layout benchmarks and tests: deterministic random flows, and the SDK's own layout of a flow."""

from __future__ import annotations

import contextlib
import copy
import inspect
import io
import random
import sys
from collections.abc import Iterator
from types import SimpleNamespace

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


def primary(doc: dict) -> dict:
    return next(p for p in doc["pipelines"] if p["id"] == doc["primary_pipeline"])


@contextlib.contextmanager
def light_stack() -> Iterator[None]:
    """Let the SDK look for its parent objects without reading every caller's source file.

    SDK objects call ``inspect.stack()`` in ``__init__``, which reads the source context of the
    whole stack (about 20 ms a stage under pytest); they only look at the frames' locals, so
    frames without source context give them the same answer, far faster.
    """
    def stack(context: int = 1) -> list[SimpleNamespace]:
        frames, frame = [], sys._getframe(1)
        while frame is not None:
            frames.append(SimpleNamespace(frame=frame))
            frame = frame.f_back
        return frames

    original = inspect.stack
    inspect.stack = stack
    try:
        yield
    finally:
        inspect.stack = original


def sdk_layout(doc: dict) -> dict | None:
    """The flow with the positions the SDK's LayeredLayout gives it (auto-arrange on); None when it cannot.

    The SDK's own graph of the flow (``DAGGenerator``) is laid out by ``LayeredLayout`` as
    ``_dag_to_json`` does after ``auto_arrange()``; the positions are then written into a
    copy of the document so that both layouts are measured the same way.
    """
    from ibm_watsonx_data_integration.services.datastage.codegen.dag_generator import DAGGenerator
    from ibm_watsonx_data_integration.services.datastage.models.flow_json_model import Flow
    from ibm_watsonx_data_integration.services.datastage.models.layout.layered import LayeredLayout

    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()), light_stack():
            generator = DAGGenerator(Flow.model_validate(doc))
            flow = generator.generate()
            flow.auto_arrange()
            flow._dag.compute_metadata()
            LayeredLayout(flow._dag).compute()
    except Exception:  # noqa: BLE001 - the SDK cannot read every flow offline (format.md §3)
        return None
    laid = copy.deepcopy(doc)
    for node in primary(laid).get("nodes") or []:
        dag_node = generator.id_to_dag_node.get(node.get("id"))
        if dag_node is None or "x" not in dag_node.metadata:
            return None
        ui = node.setdefault("app_data", {}).setdefault("ui_data", {})
        ui["x_pos"], ui["y_pos"] = dag_node.metadata["x"], dag_node.metadata["y"]
    return laid
