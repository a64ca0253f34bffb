"""Auto-arrange: only positions change, no overlaps, links left to right, deterministic."""

from __future__ import annotations

import copy
import json
import random
import re
import sys
from pathlib import Path

import networkx as nx
import pytest

import flowzip
from flowzip.document.layout import arrange_flow, flow_boxes, metrics, positions_only, rank_layers
from flowzip.document.pipeline import comment_size, stage_box
from tests.conftest import REAL, require_shared

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from layout_flows import layout_flow  # noqa: E402


def _real_flows() -> list[Path]:
    return sorted(REAL.rglob("data_intg_flow/*.json")) if REAL.is_dir() else []


def _primary(doc: dict) -> dict:
    return next(p for p in doc["pipelines"] if p["id"] == doc["primary_pipeline"])


def test_every_real_flow_gets_no_overlaps_and_left_to_right_links() -> None:
    require_shared()
    flows = _real_flows()
    assert len(flows) > 100
    for path in flows:
        doc = json.loads(path.read_text(encoding="utf-8"))
        before = copy.deepcopy(doc)
        arrange_flow(doc)
        quality = metrics(_primary(doc))
        assert quality.overlaps == 0, path
        assert quality.left_to_right == 1.0, path
        # Positions change, and the size of a comment framing stages that the layout moved apart or together.
        changed = [p for p in positions_only(before, doc) if not re.search(r"/comments/\d+/(width|height)/", p)]
        assert changed == [], path


def _framed(pipeline: dict) -> dict[str, set[str]]:
    """Comment id -> the stages whose centre lies inside the comment's box."""
    boxes = flow_boxes(pipeline)
    found = {}
    for comment in pipeline["app_data"]["ui_data"].get("comments") or []:
        x, y, (w, h) = comment["x_pos"], comment["y_pos"], comment_size(comment)
        found[comment["id"]] = {n for n, (bx, by, bw, bh) in boxes.items()
                                if x <= bx + bw / 2 <= x + w and y <= by + bh / 2 <= y + h}
    return found


def test_comments_framing_stages_stay_around_them_when_arranged() -> None:
    # CPD_ocaso's JP_F00_RCO_DIMENSION_DS draws annotations as frames around groups of stages.
    require_shared()
    frames = 0
    for path in _real_flows():
        doc = json.loads(path.read_text(encoding="utf-8"))
        before = {k: v for k, v in _framed(_primary(doc)).items() if v}
        arrange_flow(doc)
        after = _framed(_primary(doc))
        for comment_id, members in before.items():
            assert members <= after[comment_id], (path.name, comment_id)
        frames += len(before)
    assert frames >= 10


@pytest.mark.parametrize("stages", [10, 60, 200])
def test_generated_flows(stages: int) -> None:
    doc = layout_flow(stages)
    arrange_flow(doc)
    quality = metrics(doc["pipelines"][0])
    assert quality.overlaps == 0 and quality.left_to_right == 1.0 and quality.stages == stages
    again = layout_flow(stages)
    arrange_flow(again)

    def positions(document: dict) -> dict:
        return {n["app_data"]["ui_data"]["label"]: (n["app_data"]["ui_data"]["x_pos"],
                                                     n["app_data"]["ui_data"]["y_pos"])
                for n in document["pipelines"][0]["nodes"]}

    assert positions(again) == positions(doc)  # the same flow gives the same positions


def test_only_positions_change_in_the_member_bytes(real: Path, tmp_path: Path) -> None:
    source = real / "520-521-Test" / "datastage"
    archive = flowzip.open(source)
    flow = archive.flows.get(name="Extract")
    flow.auto_arrange()
    archive.update_flow(flow)
    out = tmp_path / "out"
    archive.save(out)
    before = (source / "data_intg_flow" / "Extract.json").read_bytes().splitlines()
    after = (out / "data_intg_flow" / "Extract.json").read_bytes().splitlines()
    assert len(before) == len(after)
    changed = [a for a, b in zip(before, after) if a != b]
    assert changed and all(b'"x_pos"' in line or b'"y_pos"' in line for line in changed)


def test_keep_existing_keeps_positioned_stages(tmp_path: Path) -> None:
    archive = flowzip.new()
    flow = archive.create_flow("f")
    fixed = flow.add_stage("Row Generator", "fixed")
    loose = flow.add_stage("Peek", "loose")
    fixed.connect_output_to(loose)
    fixed.node["app_data"]["ui_data"].update(x_pos=1000.0, y_pos=700.0)
    del loose.node["app_data"]["ui_data"]["x_pos"]
    flow.auto_arrange(keep_existing=True)
    assert (fixed.x, fixed.y) == (1000.0, 700.0)
    assert loose.x is not None and metrics(flow.primary_pipeline).overlaps == 0


def test_comments_sit_beside_their_stages_without_overlapping_any() -> None:
    archive = flowzip.new()
    flow = archive.create_flow("f")
    rows, peek = flow.add_stage("Row Generator"), flow.add_stage("Peek")
    rows.connect_output_to(peek)
    note = flow.add_markdown_comment("about rows").connect_to(rows)
    free = flow.add_markdown_comment("free")
    flow.auto_arrange()
    for comment in (note.comment, free.comment):
        box = (comment["x_pos"], comment["y_pos"], comment["width"], comment["height"])
        for stage in flow.stages:
            other = (stage.x, stage.y, 48.0, 48.0)
            assert not (box[0] < other[0] + other[2] and other[0] < box[0] + box[2]
                        and box[1] < other[1] + other[3] and other[1] < box[1] + box[3])
    assert abs(note.comment["x_pos"] - rows.x) < 1


def test_metrics_count_crossings_and_overlaps() -> None:
    pipeline = {"nodes": [
        {"id": "a", "app_data": {"ui_data": {"x_pos": 0, "y_pos": 0}}},
        {"id": "b", "app_data": {"ui_data": {"x_pos": 0, "y_pos": 100}}},
        {"id": "c", "app_data": {"ui_data": {"x_pos": 300, "y_pos": 0}},
         "inputs": [{"id": "p", "links": [{"id": "l1", "node_id_ref": "b"}]}]},
        {"id": "d", "app_data": {"ui_data": {"x_pos": 300, "y_pos": 100}},
         "inputs": [{"id": "q", "links": [{"id": "l2", "node_id_ref": "a"}]}]},
        {"id": "e", "app_data": {"ui_data": {"x_pos": 310, "y_pos": 110}}},
    ]}
    quality = metrics(pipeline)
    assert quality.crossings == 1 and quality.overlaps == 1 and quality.left_to_right == 1.0


def test_arrange_command(demo: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from flowzip.cli import cli

    out = tmp_path / "arranged.zip"
    result = CliRunner().invoke(cli, ["arrange", str(demo), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.output)
    assert data["flows"]["rowgen_peek"]["overlaps"] == 0


def test_fewer_crossings_than_the_sdk_layout() -> None:
    """Never more crossings than the SDK's LayeredLayout on a flow, at most half of them in total."""
    from layout_flows import primary, sdk_layout

    flows = [layout_flow(size, seed) for size in (50, 100) for seed in (7, 8, 9)] + [layout_flow(250, 8)]
    flows += [json.loads(path.read_text(encoding="utf-8")) for path in _real_flows()[::4]]
    theirs_total = ours_total = compared = 0
    for doc in flows:
        doc = flowzip.document.pipeline.unwrap_flow_document(doc) or doc
        theirs = sdk_layout(doc)
        if theirs is None:
            continue
        ours = copy.deepcopy(doc)
        arrange_flow(ours)
        sdk, mine = metrics(primary(theirs)), metrics(primary(ours))
        assert mine.crossings <= sdk.crossings and mine.overlaps == 0, (primary(doc)["id"], sdk, mine)
        theirs_total, ours_total, compared = theirs_total + sdk.crossings, ours_total + mine.crossings, compared + 1
    assert compared >= 6 and theirs_total > 0
    assert ours_total * 2 <= theirs_total, (ours_total, theirs_total)


def _resize(doc: dict, label: str, width: float, height: float) -> None:
    for node in doc["pipelines"][0]["nodes"]:
        ui = node["app_data"]["ui_data"]
        if ui["label"] == label:
            ui.update(is_resized=True, resize_width=width, resize_height=height)


def test_a_resized_stage_keeps_its_size_in_the_layout() -> None:
    # A stage resized wider and taller than the canvas's square takes that room: the next column starts
    # right of its box, and nothing overlaps it, as the canvas draws it.
    doc = layout_flow(10)
    first = doc["pipelines"][0]["nodes"][0]["app_data"]["ui_data"]["label"]
    _resize(doc, first, 400.0, 300.0)
    arrange_flow(doc)
    pipeline = doc["pipelines"][0]
    boxes = flow_boxes(pipeline)
    resized = next(n["id"] for n in pipeline["nodes"] if n["app_data"]["ui_data"]["label"] == first)
    x, y, width, height = boxes[resized]
    assert (width, height) == (400.0, 300.0)
    assert metrics(pipeline).overlaps == 0
    fed = [boxes[n["id"]] for n in pipeline["nodes"] for port in n.get("inputs") or []
           for link in port.get("links") or [] if link.get("node_id_ref") == resized]
    assert fed and min(b[0] for b in fed) >= x + width  # the stages it feeds start right of its box


def test_keep_existing_keeps_clear_of_a_resized_stage() -> None:
    doc = layout_flow(10)
    nodes = doc["pipelines"][0]["nodes"]
    for node in nodes[1:]:
        node["app_data"]["ui_data"].pop("x_pos", None)
        node["app_data"]["ui_data"].pop("y_pos", None)
    nodes[0]["app_data"]["ui_data"].update(x_pos=0.0, y_pos=0.0)
    _resize(doc, nodes[0]["app_data"]["ui_data"]["label"], 2000.0, 2000.0)  # covers where others would go
    arrange_flow(doc, keep_existing=True)
    assert metrics(doc["pipelines"][0]).overlaps == 0
    for node in nodes[1:]:  # clear of the resized box as stored, not of a 48 px square
        x, y, _, _ = stage_box(node)
        assert x >= 2000.0 or y >= 2000.0


def test_the_crossing_and_overlap_sweeps_count_what_every_pair_counts() -> None:
    import random

    from flowzip.document.layout import count_crossings, count_overlaps

    def orient(a: tuple, b: tuple, c: tuple) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    def cross(p1: tuple, p2: tuple, q1: tuple, q2: tuple) -> bool:  # proper crossings, shared ends aside
        if {p1, p2} & {q1, q2}:
            return False
        return orient(q1, q2, p1) * orient(q1, q2, p2) < 0 and orient(p1, p2, q1) * orient(p1, p2, q2) < 0

    def overlap(a: tuple, b: tuple) -> bool:
        return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]

    rng = random.Random(3)
    for _ in range(30):
        segments = []
        for _ in range(rng.randint(0, 40)):
            p = (float(rng.randint(0, 20)), float(rng.randint(0, 20)))
            q = (float(rng.randint(0, 20)), float(rng.randint(0, 20)))
            segments.append((p, q, p[0] < q[0]))
        brute = sum(1 for i, (p1, p2, _) in enumerate(segments) for q1, q2, _ in segments[i + 1:]
                    if cross(p1, p2, q1, q2))
        assert count_crossings(segments) == brute
        boxes = [(float(rng.randint(0, 30)), float(rng.randint(0, 30)), float(rng.randint(1, 8)),
                  float(rng.randint(1, 8))) for _ in range(rng.randint(0, 30))]
        assert count_overlaps(boxes) == sum(1 for i, a in enumerate(boxes) for b in boxes[i + 1:] if overlap(a, b))


@pytest.mark.parametrize("seed", range(40))
def test_layers_are_as_short_as_network_simplex_on_the_whole_graph(seed: int) -> None:
    # The layering solves a smaller problem (branches and chains taken out); its total length must be the
    # optimum of the whole one, solved here directly as the min-cost flow dual.
    rng = random.Random(seed)
    size = rng.randint(3, 60)
    dag = nx.DiGraph()
    for _ in range(rng.randint(size, size * 2)):
        a, b = sorted(rng.sample(range(size), 2))
        dag.add_edge(f"n{a}", f"n{b}")
    layer = rank_layers(dag)
    assert all(layer[b] - layer[a] >= 1 for a, b in dag.edges)
    flow_graph = nx.DiGraph()
    for node in dag.nodes:
        flow_graph.add_node(node, demand=dag.in_degree(node) - dag.out_degree(node))
    flow_graph.add_edges_from(dag.edges, weight=-1)
    cost, _ = nx.network_simplex(flow_graph)
    assert sum(layer[b] - layer[a] for a, b in dag.edges) == -cost  # strong duality: the primal optimum
