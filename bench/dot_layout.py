"""Graphviz ``dot`` as the reference layered layout: a flow laid out by dot, measured as flowzip's own layout is.

Only the benchmarks use it (Debian's ``graphviz`` package: ``apt-get install graphviz``). dot gets the flow's
stages with the sizes flowzip draws them at (a resized stage keeps its size, a busy one is taller: 58 px a
neighbour from three on) and flowzip's gaps (200 px between columns, 72 px between rows), left to right, and
lays it out with its network-simplex ranking and median/transposition ordering (Gansner et al., 1993). Its
positions are written into a copy of the document, so that ``flowzip.document.layout.metrics`` measures both
layouts the same way.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
from typing import Any

from flowzip.document.layout import COLUMN_GAP, ROW_GAP, link_graph, stage_sizes
from flowzip.document.pipeline import STAGE_SIZE, nodes

DOT = shutil.which("dot")


def dot_positions(pipeline: dict[str, Any], timeout: float = 120.0) -> dict[str, tuple[float, float]] | None:
    """Top-left positions dot gives the stages of *pipeline* (None when dot is missing or fails)."""
    if DOT is None:
        return None
    graph = link_graph(pipeline)
    sizes = stage_sizes(pipeline, graph)
    names = {node: f"n{index}" for index, node in enumerate(graph.nodes)}
    lines = ["digraph G {", "  rankdir=LR;", f"  ranksep={COLUMN_GAP / 72:.4f};", f"  nodesep={ROW_GAP / 72:.4f};",
             "  node [shape=box, fixedsize=true, label=\"\"];"]
    for node, name in names.items():
        width, height = sizes.get(node, (STAGE_SIZE, STAGE_SIZE))
        lines.append(f"  {name} [width={width / 72:.4f}, height={height / 72:.4f}];")
    for a, b in graph.edges():
        lines.append(f"  {names[a]} -> {names[b]};")
    lines.append("}")
    try:
        done = subprocess.run([DOT, "-Tplain"], input="\n".join(lines).encode(), capture_output=True,
                              timeout=timeout, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    by_name = {name: node for node, name in names.items()}
    height_in = 0.0
    centres = {}
    for line in done.stdout.decode().splitlines():
        parts = line.split()
        if parts[:1] == ["graph"]:
            height_in = float(parts[3])
        elif parts[:1] == ["node"]:
            centres[by_name[parts[1]]] = (float(parts[2]) * 72, (height_in - float(parts[3])) * 72)
    return {node: (x - sizes[node][0] / 2, y - sizes[node][1] / 2) for node, (x, y) in centres.items()}


def dot_layout(doc: dict[str, Any], pipeline_of: Any) -> dict[str, Any] | None:
    """A copy of the flow document with dot's positions (*pipeline_of* picks the pipeline to lay out)."""
    laid = copy.deepcopy(doc)
    pipeline = pipeline_of(laid)
    positions = dot_positions(pipeline)
    if positions is None:
        return None
    for node in nodes(pipeline):
        if node.get("id") in positions:
            ui = node.setdefault("app_data", {}).setdefault("ui_data", {})
            ui["x_pos"], ui["y_pos"] = positions[node["id"]]
    return laid
