"""Auto-arrange: a left-to-right layered (Sugiyama) layout of a flow, and its quality metrics.

The SDK's ``auto_arrange()`` only deletes stored positions so that the server lays
the flow out again; flowzip computes the layout itself and writes ``x_pos`` /
``y_pos`` of every stage and comment, nothing else.  Steps, as in Sugiyama et
al. and Gansner et al. ("A technique for drawing directed graphs", 1993):

1. break cycles (reverse the back edges of a depth-first search);
2. assign layers with the least total link length (network simplex), so that
   few links span several columns;
3. add dummy nodes on the links that still do;
4. order each layer to reduce crossings: barycentre sweeps down and up, adjacent
   transpositions and sifting, keeping the best order seen; small flows get
   extra restarts from seeded shuffles;
5. assign y coordinates by sweeps that pull each node towards its neighbours,
   long links hardest so that they run straight, each layer kept in order and
   apart by a weighted isotonic fit; x is the column.

Separate pieces of a flow are packed in columns, largest first.  The same flow
always gives the same positions.
"""

from __future__ import annotations

import bisect
import collections
import importlib.util
import itertools
import math
import random
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from .pipeline import STAGE_SIZE, comment_size, input_links, is_resized, nodes, stage_box, stage_size


def _lazy(name: str) -> ModuleType:
    """Module *name*, executed on first use of one of its attributes: networkx takes about 70 ms to
    import, and most commands never lay a flow out."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:  # pragma: no cover - networkx is a dependency
        raise ImportError(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


nx = _lazy("networkx")

__all__ = ["Metrics", "arrange_flow", "arrange_pipeline", "metrics", "count_crossings", "count_overlaps", "flow_boxes",
           "link_graph", "rank_layers", "stage_sizes", "positions_only", "COLUMN_GAP", "ROW_GAP"]

COLUMN_GAP = 200.0  # the platform layout's gap between columns (format.md §6)
ROW_GAP = 72.0
COMPONENT_GAP = 144.0  # between columns of separate pieces
PIECE_GAP = 96.0  # between pieces in a column: room for the labels under the stages
ORIGIN = (48.0, 48.0)
SWEEPS = 24  # ordering sweeps at most, stopping after STALE without progress
STALE = 8
EFFORT = 30000.0  # ordering runs a flow of N nodes (stages and points long links pass) gets: EFFORT / N ** 1.5
MAX_RUNS = 40
SIFT_SIZE = 2500  # nodes up to which runs sift; larger flows are left to the transpositions
STRAIGHTNESS = (16.0, 4.0, 64.0)  # how hard the points a long link passes through pull each other: drawings tried
VARIANT_SIZE = 400  # nodes up to which every straightness is tried (each is a drawing of every candidate order)
CANDIDATES = 6  # the orders with the fewest crossings between layers, whose drawings are compared
SIFT_WIDTH = 150  # sifting a layer costs its width squared: wider layers are left to the transpositions
_ROOT = "\0root"
COORDINATE_SWEEPS = 16


@dataclass(frozen=True)
class Metrics:
    """How readable a layout is."""

    crossings: int
    overlaps: int
    left_to_right: float  # share of links whose source is left of their target
    total_length: float
    area: float
    stages: int
    links: int


def _height(relatives: int) -> float:
    """A stage with many links is drawn taller (the SDK's 58 px per relative from three on, format.md §6)."""
    return 58.0 * relatives if relatives >= 3 else STAGE_SIZE


def stage_sizes(pipeline: dict[str, Any], graph: nx.MultiDiGraph) -> dict[str, tuple[float, float]]:
    """(width, height) of every stage as laid out: a resized stage keeps its size, a busy one is taller."""
    sizes = {}
    for node in nodes(pipeline):
        node_id = node.get("id")
        if node_id not in graph:
            continue
        if is_resized(node):
            sizes[node_id] = stage_size(node)
        else:
            relatives = max(len(set(graph.predecessors(node_id))), len(set(graph.successors(node_id))))
            sizes[node_id] = (STAGE_SIZE, _height(relatives))
    return sizes


def link_graph(pipeline: dict[str, Any]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    stages = [n for n in nodes(pipeline) if n.get("id")]
    for node in stages:
        graph.add_node(node["id"])
    for node in stages:
        for _, link in input_links(node):
            if link.get("node_id_ref") in graph and link["node_id_ref"] != node["id"]:
                graph.add_edge(link["node_id_ref"], node["id"])
    return graph


# --------------------------------------------------------------------------- the layered layout


def _acyclic(graph: nx.MultiDiGraph, component: list[str], order: dict[str, int]) -> nx.DiGraph:
    """The piece *component* of the graph (all of whose links stay in it), with the back edges of a
    deterministic depth-first search reversed."""
    following = {node: sorted(graph.succ[node], key=order.__getitem__) for node in component}
    has_input = {target for targets in following.values() for target in targets}
    edges: list[tuple[str, str]] = []
    state: dict[str, int] = {}
    for root in sorted(component, key=lambda n: (n in has_input, order[n])):
        if root in state:
            continue
        stack = [(root, iter(following[root]))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif state.get(child) == 1:
                edges.append((child, node))  # a back edge: reversed
            else:
                edges.append((node, child))
                if child not in state:
                    state[child] = 1
                    stack.append((child, iter(following[child])))
    dag = nx.DiGraph()
    dag.add_nodes_from(component)
    dag.add_edges_from(edges)
    return dag


def rank_layers(dag: nx.DiGraph) -> dict[str, int]:
    """Layers with the least total link length (Gansner et al.'s network simplex layering).

    Minimising the sum of ``layer[b] - layer[a]`` under ``layer[b] - layer[a] >= 1`` is the
    dual of a min-cost flow: solve that with networkx, then read the layers off as the
    optimum's potentials.  Fewer long links mean fewer dummy nodes and
    fewer crossings than longest-path layering.  The problem solved is first made smaller
    without changing its optimum (:func:`_reduced`): most stages of a flow sit on chains and
    branches, whose best layers follow from their neighbours'.
    """
    layer = _tight_layers(dag)
    if layer is not None:
        return layer
    # Edges (a, b) -> (weight, span): the span is the least layer difference, the weight its share of the total.
    edges: dict[tuple[str, str], tuple[int, int]] = {edge: (1, 1) for edge in dag.edges}
    core, placed = _reduced(list(dag.nodes), edges)
    solved = _simplex_layers(core, edges)
    layer = solved if solved is not None else {node: 0 for node in dag.nodes}
    for node, anchor, offset in reversed(placed):  # each relative to a node placed after it
        layer[node] = layer[anchor] + offset
    if solved is None or any(layer[b] - layer[a] < 1 for a, b in dag.edges):  # pragma: no cover - fallback
        layer = {}
        for node in nx.topological_sort(dag):
            layer[node] = max((layer[p] + 1 for p in dag.predecessors(node)), default=0)
    base = min(layer.values(), default=0)
    return {node: value - base for node, value in layer.items()}


def _reduced(nodes: list[str], edges: dict[tuple[str, str], tuple[int, int]]
             ) -> tuple[list[str], list[tuple[str, str, int]]]:
    """Shrink the layering problem to the nodes whose layers need the solver; *edges* are changed in place.

    A node with one link (a branch's end) is best as close as its link allows: it is taken out, placed at its
    neighbour's layer plus or minus the link's span. A node with one link in and one out of the same weight
    (a chain) adds the same to the total wherever it sits between its ends: its two links become one of their
    summed span. Links joining the same two nodes become one (weights add, the longer span holds). Returns
    the nodes left and, in the order taken out, (node, the node it is placed from, the layer difference).
    """
    into: dict[str, dict[str, tuple[int, int]]] = {node: {} for node in nodes}
    out: dict[str, dict[str, tuple[int, int]]] = {node: {} for node in nodes}
    for (a, b), value in edges.items():
        out[a][b] = into[b][a] = value
    placed: list[tuple[str, str, int]] = []
    alive = set(nodes)
    work = list(nodes)
    while work:
        node = work.pop()
        if node not in alive:
            continue
        ins, outs = into[node], out[node]
        if len(ins) + len(outs) == 1:
            if ins:
                (other, (_, span)), = ins.items()
                del out[other][node]
                placed.append((node, other, span))
            else:
                (other, (_, span)), = outs.items()
                del into[other][node]
                placed.append((node, other, -span))
            alive.discard(node)
            work.append(other)
        elif len(ins) == 1 and len(outs) == 1:
            (source, (weight_in, span_in)), = ins.items()
            (target, (weight_out, span_out)), = outs.items()
            if weight_in != weight_out or source == target:
                continue
            del out[source][node], into[target][node]
            weight, span = weight_in, span_in + span_out
            if target in out[source]:  # a parallel link: one link of both weights, the longer span
                old_weight, old_span = out[source][target]
                weight, span = weight + old_weight, max(span, old_span)
            out[source][target] = into[target][source] = (weight, span)
            placed.append((node, source, span_in))
            alive.discard(node)
            work.extend((source, target))
    edges.clear()
    for node in nodes:
        if node in alive:
            for target, value in out[node].items():
                edges[node, target] = value
    return [node for node in nodes if node in alive], placed


def _simplex_layers(nodes: list[str], edges: dict[tuple[str, str], tuple[int, int]]) -> dict[str, int] | None:
    """Layers of *nodes* minimising the weighted sum of layer differences along *edges* under their spans
    (None if the solver's answer is not an optimum)."""
    if not edges:
        return {node: 0 for node in nodes}
    flow_graph = nx.DiGraph()
    for node in nodes:
        flow_graph.add_node(node, demand=0)
    for (a, b), (weight, span) in edges.items():
        flow_graph.nodes[a]["demand"] -= weight
        flow_graph.nodes[b]["demand"] += weight
        flow_graph.add_edge(a, b, weight=-span)
    _, flow = nx.network_simplex(flow_graph)
    # The layers are the optimum's potentials: the least values >= 0 with layer[b] - layer[a] >= span on
    # every link and == span on those that carry flow (complementary slackness). Longest paths over those
    # constraints, found by relaxing from a queue (Bellman-Ford's order; the optimum leaves no positive cycle).
    number = {node: i for i, node in enumerate(nodes)}
    after: list[list[tuple[int, int]]] = [[] for _ in nodes]
    for (a, b), (_, span) in edges.items():
        after[number[a]].append((number[b], span))
        if flow[a][b] > 0:
            after[number[b]].append((number[a], -span))
    layer = [0] * len(nodes)
    waiting = collections.deque(range(len(nodes)))
    queued = [True] * len(nodes)
    # Bellman-Ford's bound (each node relaxed at most once per pass over the constraints): more would mean a cycle.
    budget = len(nodes) * (sum(map(len, after)) + 1)
    while waiting:
        node = waiting.popleft()
        queued[node] = False
        base = layer[node]
        for other, span in after[node]:
            if base + span > layer[other]:
                layer[other] = base + span
                budget -= 1
                if budget < 0:  # pragma: no cover - not an optimum: the caller falls back
                    return None
                if not queued[other]:
                    queued[other] = True
                    waiting.append(other)
    return dict(zip(nodes, layer))


def _tight_layers(dag: nx.DiGraph) -> dict[str, int] | None:
    """Layers in which every link spans one column, when there are such: then no layering has a shorter
    total (each link spans at least one), and network simplex is not needed. Most flows are chains and
    trees with sources joined in: stages go one column right of their furthest input, then each stage
    without inputs moves right to sit one column left of its nearest output."""
    layer: dict[str, int] = {}
    for node in nx.topological_sort(dag):
        layer[node] = max((layer[p] + 1 for p in dag.predecessors(node)), default=0)
    for node in dag.nodes:
        if dag.in_degree(node) == 0 and dag.out_degree(node):
            layer[node] = min(layer[s] for s in dag.successors(node)) - 1
    if any(layer[b] - layer[a] != 1 for a, b in dag.edges):
        return None
    base = min(layer.values(), default=0)
    return {node: value - base for node, value in layer.items()}


def _crossings_between(edges: list[tuple[int, int]], position: list[float]) -> int:
    """Crossings of *edges*, the links between two adjacent layers: inversions of the targets' positions."""
    pairs = sorted([(position[a], position[b]) for a, b in edges])
    count = 0
    seen: list[float] = []
    for _, target in pairs:
        index = bisect.bisect_right(seen, target)
        count += len(seen) - index
        seen.insert(index, target)
    return count


def _order(layers: list[list[str]], edges: list[tuple[str, str]]) -> list[list[list[str]]]:
    """Orders of every layer that reduce crossings, the fewest first: from several starts, barycentre or
    median sweeps down and up, each followed by adjacent transpositions and sifting, keeping the best order
    seen of each start.

    The work is done on numbers: node ``i`` is ``names[i]``, its place in its layer ``position[i]``. The
    last place of *position* holds NaN, the place of a missing neighbour: compared with anything it is
    neither left nor right, so a node without links on one side crosses nothing there."""
    names = [node for layer in layers for node in layer]
    number = {node: i for i, node in enumerate(names)}
    count = len(names)
    missing = count  # position[missing] is NaN
    ups: list[list[int]] = [[] for _ in range(count)]
    downs: list[list[int]] = [[] for _ in range(count)]
    for a, b in edges:
        downs[number[a]].append(number[b])
        ups[number[b]].append(number[a])
    # Most nodes have at most one link each way: their one neighbour (or the missing one) is read directly.
    up_one = [found[0] if len(found) == 1 else missing for found in ups]
    down_one = [found[0] if len(found) == 1 else missing for found in downs]
    several = [len(u) > 1 or len(d) > 1 for u, d in zip(ups, downs)]
    numbered = [[number[node] for node in layer] for layer in layers]
    layer_of = [0] * count
    for i, layer in enumerate(numbered):
        for node in layer:
            layer_of[node] = i
    between: list[list[tuple[int, int]]] = [[] for _ in range(max(len(layers) - 1, 0))]
    for a, b in edges:
        between[layer_of[number[a]]].append((number[a], number[b]))
    position: list[float] = [0] * count + [math.nan]

    def total() -> int:
        """Crossings of the order the positions hold."""
        return sum(_crossings_between(links, position) for links in between)

    def renumber(layer: list[int]) -> None:
        for index, node in enumerate(layer):
            position[node] = index

    def sweep(order: list[list[int]], forward: bool, median: bool) -> None:
        indices = range(1, len(order)) if forward else range(len(order) - 2, -1, -1)
        neighbours = ups if forward else downs
        for i in indices:
            layer = order[i]
            keys = {}
            for node in layer:
                found = [position[n] for n in neighbours[node]]
                if not found:  # nodes without neighbours on that side stay in their places (as dot)
                    continue
                if median:
                    found.sort()
                    middle = len(found) // 2
                    keys[node] = (found[middle] if len(found) % 2 else (found[middle - 1] + found[middle]) / 2,
                                  position[node])
                else:
                    keys[node] = (sum(found) / len(found), position[node])
            if len(keys) == len(layer):
                layer.sort(key=keys.__getitem__)
            else:
                moving = iter(sorted(keys, key=keys.__getitem__))
                layer[:] = [next(moving) if node in keys else node for node in layer]
            renumber(layer)

    def pair_crossings(mine: tuple[Sequence[float], Sequence[float]], theirs: tuple[Sequence[float], Sequence[float]]
                       ) -> tuple[int, int]:
        """Crossings among the links of two nodes of a layer, given their neighbours' places above and below:
        with the first left, and with it right."""
        left = right = 0
        for own, other in ((mine[0], theirs[0]), (mine[1], theirs[1])):
            for a in own:
                for b in other:
                    if a > b:
                        left += 1
                    elif a < b:
                        right += 1
        return left, right

    def places(layer: list[int]) -> tuple[list[float], list[float], dict[int, tuple[list[float], list[float]]]]:
        """The place of each node's one neighbour above and below (NaN if it has none, or several), and the
        places of all the neighbours of the nodes with several: fixed while *layer* moves."""
        at = position.__getitem__
        above = [position[up_one[node]] for node in layer]
        below = [position[down_one[node]] for node in layer]
        many = {node: (list(map(at, ups[node])) or [math.nan], list(map(at, downs[node])) or [math.nan])
                for node in layer if several[node]}
        return above, below, many

    def transpose(order: list[list[int]], equal: bool = False) -> None:
        """Swap neighbours in a layer while that lowers crossings (with *equal*, also when it keeps them, as
        dot does every other pass to leave a plateau); revisit only layers next to a change."""
        dirty = set(range(len(order)))
        for _ in range(8):
            changed: set[int] = set()
            improved = False
            for index in sorted(dirty):
                layer = order[index]
                if len(layer) < 2:
                    continue
                above, below, many = places(layer)  # moved along with each swap
                for j in range(len(layer) - 1):
                    u, v = layer[j], layer[j + 1]
                    if several[u] or several[v]:
                        uv, vu = pair_crossings(many.get(u) or ((above[j],), (below[j],)),
                                                many.get(v) or ((above[j + 1],), (below[j + 1],)))
                    else:  # inline: most nodes have one link each way
                        a, b, c, d = above[j], above[j + 1], below[j], below[j + 1]
                        uv = (a > b) + (c > d)
                        vu = (a < b) + (c < d)
                    if vu < uv or (equal and uv and vu == uv):
                        layer[j], layer[j + 1] = v, u
                        above[j], above[j + 1] = above[j + 1], above[j]
                        below[j], below[j + 1] = below[j + 1], below[j]
                        position[u], position[v] = j + 1, j
                        changed.add(index)
                        improved = improved or vu < uv
            if not improved:  # as dot: swaps at equal crossings alone do not call for another round
                return
            dirty = {i for index in changed for i in (index - 1, index, index + 1) if 0 <= i < len(order)}

    def sift(order: list[list[int]]) -> None:
        """Move each node, one at a time, to the place in its layer where its links cross least."""
        for layer in order:
            if not 3 <= len(layer) <= SIFT_WIDTH:
                continue
            above_list, below_list, many = places(layer)
            above, below = dict(zip(layer, above_list)), dict(zip(layer, below_list))
            for node in list(layer):
                start = layer.index(node)
                rest = layer[:start] + layer[start + 1:]
                single = not several[node]
                mine_up, mine_down = above[node], below[node]
                mine = many.get(node) or ((mine_up,), (mine_down,))
                cost = best_cost = 0
                best_place = 0
                for place, other in enumerate(rest, start=1):
                    if single and not several[other]:  # inline: most nodes have one link each way
                        other_up, other_down = above[other], below[other]
                        cost += (mine_up < other_up) - (mine_up > other_up) + \
                            (mine_down < other_down) - (mine_down > other_down)
                    else:
                        node_left, other_left = pair_crossings(mine, many.get(other) or ((above[other],),
                                                                                         (below[other],)))
                        cost += other_left - node_left
                    if cost < best_cost or (cost == best_cost and abs(place - start) < abs(best_place - start)):
                        best_cost, best_place = cost, place
                if best_place != start:
                    rest.insert(best_place, node)
                    layer[:] = rest
                    renumber(layer)

    def improve(start: list[list[int]], median: bool = False, sift_layers: bool = True
                ) -> tuple[list[list[int]], int]:
        current = [list(layer) for layer in start]
        for layer in current:
            renumber(layer)
        best, best_count = [list(layer) for layer in current], total()
        stale = 0
        for iteration in range(SWEEPS):
            if best_count == 0:
                break
            sweep(current, forward=iteration % 2 == 0, median=median)
            transpose(current, equal=iteration % 4 < 2)
            if sift_layers:
                sift(current)
                transpose(current)
            count = total()
            if count < best_count:
                best, best_count, stale = [list(layer) for layer in current], count, 0
            else:
                stale += 1
                if stale >= (STALE if sift_layers else STALE // 2):  # a large flow: fewer fruitless sweeps
                    break
        return best, best_count

    size = count
    # Several runs, the best kept: no start wins on every flow (dot, too, tries more than one). The flow's own
    # order (stages as they were added) and the order a depth-first walk reaches them, each with barycentres
    # and with medians, then shuffled orders (seeded: the same flow, the same layout). A run costs about the
    # flow's size to the power 1.5: the runs are as many as fit one budget, so that a flow of any size is laid
    # out in about the same time (a large flow gets one run, without sifting above SIFT_SIZE nodes).
    runs = max(1, min(MAX_RUNS, int(EFFORT / size ** 1.5))) if size else 1
    walk = _depth_first(numbered, downs)
    rng = random.Random(0)
    shuffled = (([rng.sample(layer, len(layer)) for layer in numbered], False) for _ in range(runs - 4))
    starts = itertools.chain([(numbered, False), (walk, True), (numbered, True), (walk, False)][:runs], shuffled)
    found: list[tuple[int, int, list[list[int]]]] = []
    best_count = None
    for start, median in starts:  # shuffled lazily: a flow laid out without crossings stops early
        if best_count == 0:
            break
        candidate, crossings = improve(start, median, sift_layers=size <= SIFT_SIZE)
        found.append((crossings, len(found), candidate))
        if best_count is None or crossings < best_count:
            best_count = crossings
    return [[[names[node] for node in layer] for layer in order]
            for _, _, order in sorted(found, key=lambda item: item[:2])[:CANDIDATES]]


def _depth_first(layers: list[list[int]], down: list[list[int]]) -> list[list[int]]:
    """Each layer in the order a depth-first walk down the links first reaches its nodes, from the nodes
    without links in, in their order (as dot's initial order): a node comes right after the branch that
    leads to it, and links of a branch stay together."""
    layer_of = {node: i for i, layer in enumerate(layers) for node in layer}
    has_up = {b for targets in down for b in targets}
    placed: set[int] = set()
    ordered: list[list[int]] = [[] for _ in layers]
    for root in [node for layer in layers for node in layer if node not in has_up] + \
            [node for layer in layers for node in layer]:
        if root in placed:
            continue
        stack = [root]
        while stack:
            node = stack.pop()
            if node in placed:
                continue
            placed.add(node)
            ordered[layer_of[node]].append(node)
            stack.extend(reversed([n for n in down[node] if n not in placed]))
    return ordered


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Weighted least-squares fit of a non-decreasing sequence to *targets* (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [mean, weight, count]
    for target, weight in zip(targets, weights):
        blocks.append([target, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean, weight_sum, count = blocks.pop()
            previous = blocks[-1]
            total_weight = previous[1] + weight_sum
            previous[0] = (previous[0] * previous[1] + mean * weight_sum) / total_weight
            previous[1] = total_weight
            previous[2] += count
    result: list[float] = []
    for mean, _, count in blocks:
        result.extend([mean] * int(count))
    return result


def _component_layout(graph: nx.MultiDiGraph, component: list[str], order: dict[str, int],
                      sizes: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    dag = _acyclic(graph, component, order)
    layer = rank_layers(dag)
    # Dummy nodes on links spanning several layers keep long links out of the way of the ordering.
    edges: list[tuple[str, str]] = []
    dummies: dict[str, int] = {}
    for a, b in dag.edges:
        previous = a
        for step in range(layer[a] + 1, layer[b]):
            dummy = f"\0{a}\0{b}\0{step}"
            dummies[dummy] = step
            edges.append((previous, dummy))
            previous = dummy
        edges.append((previous, b))
    count = max([*layer.values(), *dummies.values()], default=0) + 1
    layers: list[list[str]] = [[] for _ in range(count)]
    for node in sorted(layer, key=order.get):
        layers[layer[node]].append(node)
    # Dummies in the order of the stages they join, not of their ids: ids are random, positions must not be.
    for dummy in sorted(dummies, key=lambda d: (order[d.split("\0")[1]], order[d.split("\0")[2]], dummies[d])):
        layers[dummies[dummy]].append(dummy)
    # The orders' crossings count links between neighbouring layers through the points long links pass
    # through; a link is drawn straight from end to end, which can cross more: of the best orders, the one
    # whose drawing crosses least is kept.
    best: tuple[int, dict[str, tuple[float, float]]] | None = None
    nodes = sum(map(len, layers))
    for candidate in _order(layers, edges):
        for straightness in STRAIGHTNESS if nodes <= VARIANT_SIZE else STRAIGHTNESS[:1]:
            positions = _coordinates(candidate, edges, sizes, straightness)
            drawn = _drawn_crossings(positions, dag.edges, sizes)
            if best is None or drawn < best[0]:
                best = (drawn, positions)
            if drawn == 0:
                break
        if best and best[0] == 0:
            break
    return best[1] if best else {}


def _drawn_crossings(positions: dict[str, tuple[float, float]], links: Iterable[tuple[str, str]],
                     sizes: dict[str, tuple[float, float]]) -> int:
    """Crossings of the links as :func:`metrics` counts them, for positions and sizes of a layout."""
    square = (STAGE_SIZE, STAGE_SIZE)
    boxes = {node: (*position, *sizes.get(node, square)) for node, position in positions.items()}
    return count_crossings(_link_segments(boxes, links))


def _link_segments(boxes: dict[str, tuple[float, float, float, float]], links: Iterable[tuple[str, str]]
                   ) -> list[tuple[tuple[float, float], tuple[float, float], bool]]:
    """Each link drawn straight from the middle of its source's right edge to the middle of its target's left
    edge, and whether it runs left to right: how the metrics see a layout."""
    segments = []
    for a, b in links:
        if a in boxes and b in boxes:
            ax, ay, aw, ah = boxes[a]
            bx, by, _, bh = boxes[b]
            segments.append(((ax + aw, ay + ah / 2), (bx, by + bh / 2), ax < bx))
    return segments


def _coordinates(layers: list[list[str]], edges: list[tuple[str, str]],
                 sizes: dict[str, tuple[float, float]], straightness: float = 16.0) -> dict[str, tuple[float, float]]:
    """x by column; y by repeated sweeps that pull every node towards its neighbours (links through
    dummy nodes pulled hardest, so that long links run straight, as in Gansner et al.'s priority
    weights) while keeping each layer's order and gaps (a weighted isotonic fit per layer)."""
    def is_dummy(node: str) -> bool:
        return node.startswith("\0")

    height = {node: sizes[node][1] if node in sizes else 0.0 if is_dummy(node) else STAGE_SIZE
              for layer in layers for node in layer}
    linked: dict[str, list[tuple[str, float]]] = {}
    for a, b in edges:
        # A point a long link passes through is pulled by both its neighbours alike, so that it settles on the
        # straight line between the link's ends (the link is drawn straight); a stage feels the link less.
        linked.setdefault(a, []).append((b, straightness if is_dummy(a) else (1.0, 2.0)[is_dummy(b)]))
        linked.setdefault(b, []).append((a, straightness if is_dummy(b) else (1.0, 2.0)[is_dummy(a)]))
    # Work on centres: in a layer, centre[i + 1] - centre[i] >= half heights + gap, i.e. the centres
    # minus fixed offsets must not decrease.
    centre: dict[str, float] = {}
    offsets: list[list[float]] = []
    for layer in layers:
        offset, previous, column = 0.0, None, []
        for node in layer:
            if previous is not None:
                offset += height[previous] / 2 + (ROW_GAP / 3 if is_dummy(previous) else ROW_GAP) + height[node] / 2
            column.append(offset)
            centre[node] = offset
            previous = node
        offsets.append(column)
    weight_of = {node: sum(w for _, w in pulls) for node, pulls in linked.items()}
    order = list(range(len(layers)))
    for iteration in range(COORDINATE_SWEEPS):
        for index in order if iteration % 2 == 0 else reversed(order):
            layer = layers[index]
            if not layer:
                continue
            if len(layer) == 1:  # nothing to keep apart: the node goes where its links pull it
                node = layer[0]
                weight = weight_of.get(node, 0.0)
                if weight:
                    centre[node] = sum(centre[n] * w for n, w in linked[node]) / weight
                continue
            targets, weights = [], []
            for node, offset in zip(layer, offsets[index]):
                weight = weight_of.get(node, 0.0)
                wanted = sum(centre[n] * w for n, w in linked[node]) / weight if weight else centre[node]
                targets.append(wanted - offset)
                weights.append(weight or 0.01)
            for node, value, offset in zip(layer, _isotonic(targets, weights), offsets[index]):
                centre[node] = value + offset
    y = {node: value - height[node] / 2 for node, value in centre.items()}
    top = min((y[n] for layer in layers for n in layer if not is_dummy(n)), default=0.0)
    positions: dict[str, tuple[float, float]] = {}
    left = 0.0
    for layer in layers:
        for node in layer:
            if not is_dummy(node):
                positions[node] = (left, round(y[node] - top, 1))
        # The next column starts a gap right of this column's widest stage (a resized stage may be wider).
        left += max((sizes.get(node, (STAGE_SIZE, 0.0))[0] for node in layer if not is_dummy(node)),
                    default=STAGE_SIZE) + COLUMN_GAP
    return positions


def arrange_pipeline(pipeline: dict[str, Any], *, keep_existing: bool = False) -> dict[str, tuple[float, float]]:
    """Positions (top-left x, y) for every stage of *pipeline*; written by :func:`arrange_flow`."""
    graph = link_graph(pipeline)
    stages = [n for n in nodes(pipeline) if n.get("id")]
    order = {node["id"]: index for index, node in enumerate(stages)}
    sizes = stage_sizes(pipeline, graph)
    components = sorted((sorted(c, key=order.get) for c in nx.weakly_connected_components(graph)),
                        key=lambda c: (-len(c), order[c[0]]))
    laid = [_component_layout(graph, component, order, sizes) for component in components]
    positions = _pack(laid, sizes)
    if keep_existing:
        positions = _respect_fixed(stages, positions, sizes)
    return positions


def _pack(laid: list[dict[str, tuple[float, float]]],
          sizes: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Separate pieces of a flow in columns, largest first, top to bottom, a new column when one is
    full, so that a flow of many small pieces stays about as wide as it is high (16:9) instead of
    becoming one tall strip."""
    extents = []
    for local in laid:
        width = max(x + sizes.get(n, (STAGE_SIZE, STAGE_SIZE))[0] for n, (x, _) in local.items())
        height = max(y + sizes.get(n, (STAGE_SIZE, STAGE_SIZE))[1] for n, (_, y) in local.items())
        extents.append((width, height))
    area = sum((w + COMPONENT_GAP) * (h + PIECE_GAP) for w, h in extents)
    capacity = max([h for _, h in extents] + [math.sqrt(area * 9 / 16)])
    positions: dict[str, tuple[float, float]] = {}
    left, top, column_width = ORIGIN[0], ORIGIN[1], 0.0
    for local, (width, height) in zip(laid, extents):
        if top > ORIGIN[1] and top - ORIGIN[1] + height > capacity:
            left, top, column_width = left + column_width + COMPONENT_GAP, ORIGIN[1], 0.0
        for node, (x, y) in local.items():
            positions[node] = (left + x, top + y)
        top += height + PIECE_GAP
        column_width = max(column_width, width)
    return positions


def _respect_fixed(stages: list[dict[str, Any]], positions: dict[str, tuple[float, float]],
                   sizes: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Stages that already have a position keep it; the others move down until they overlap none of them."""
    fixed = {}
    for node in stages:
        ui = (node.get("app_data") or {}).get("ui_data") or {}
        if isinstance(ui.get("x_pos"), (int, float)) and isinstance(ui.get("y_pos"), (int, float)):
            fixed[node["id"]] = (float(ui["x_pos"]), float(ui["y_pos"]))
    if not fixed:
        return positions
    square = (STAGE_SIZE, STAGE_SIZE)
    boxes = [(x, y, *sizes.get(n, square)) for n, (x, y) in fixed.items()]
    result = dict(fixed)
    for node_id, (x, y) in sorted(positions.items(), key=lambda item: (item[1][0], item[1][1])):
        if node_id in fixed:
            continue
        box = (x, y, *sizes.get(node_id, square))
        while any(_overlap(box, other) for other in boxes):
            box = (box[0], box[1] + box[3] + ROW_GAP, box[2], box[3])
        boxes.append(box)
        result[node_id] = (box[0], box[1])
    return result


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def arrange_flow(document: dict[str, Any], *, keep_existing: bool = False) -> None:
    """Write ``x_pos`` / ``y_pos`` of every stage and comment of every pipeline of a flow document."""
    for pipeline in document.get("pipelines") or []:
        if not isinstance(pipeline, dict):
            continue
        frames = {} if keep_existing else _frames(pipeline)
        positions = arrange_pipeline(pipeline, keep_existing=keep_existing)
        boxes = []
        for node in pipeline.get("nodes") or []:
            if isinstance(node, dict) and node.get("id") in positions:
                ui = node.setdefault("app_data", {}).setdefault("ui_data", {})
                ui["x_pos"], ui["y_pos"] = positions[node["id"]]
        for node in pipeline.get("nodes") or []:
            box = stage_box(node) if isinstance(node, dict) else None
            if box:
                boxes.append(box)
        _place_comments(pipeline, boxes, keep_existing=keep_existing, frames=frames)


@dataclass(frozen=True)
class _Frame:
    """A comment drawn around stages (it groups them): which, and its margins around their boxes."""

    members: tuple[str, ...]
    margins: tuple[float, float, float, float]  # left, top, right, bottom


FRAME_MARGIN = 12.0  # at least this much between a frame and the stages in it
FRAME_LABELS = 40.0  # below the lowest stage of a frame: its label and type lines


def _frames(pipeline: dict[str, Any]) -> dict[int, _Frame]:
    """The comments (by ``id()``) whose stored box holds the centre of one or more stages."""
    ui = (pipeline.get("app_data") or {}).get("ui_data") or {}
    boxes = {n["id"]: stage_box(n) for n in nodes(pipeline) if n.get("id") and stage_box(n)}
    frames = {}
    for comment in ui.get("comments") or [] if isinstance(ui, dict) else []:
        if not isinstance(comment, dict) or not isinstance(comment.get("x_pos"), (int, float)) \
                or not isinstance(comment.get("y_pos"), (int, float)):
            continue
        x, y = float(comment["x_pos"]), float(comment["y_pos"])
        width, height = comment_size(comment)
        members = tuple(node_id for node_id, (bx, by, bw, bh) in boxes.items()
                        if x <= bx + bw / 2 <= x + width and y <= by + bh / 2 <= y + height)
        if members:
            left, top, right, bottom = _extent([boxes[m] for m in members])
            frames[id(comment)] = _Frame(members, (max(left - x, FRAME_MARGIN), max(top - y, FRAME_MARGIN),
                                                   max(x + width - right, FRAME_MARGIN),
                                                   max(y + height - bottom, FRAME_LABELS)))
    return frames


def _extent(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[0] + b[2] for b in boxes),
            max(b[1] + b[3] for b in boxes))


def _place_frame(comment: dict[str, Any], frame: _Frame, by_id: dict[str, Any]) -> tuple[float, float, float, float]:
    """Put a frame around its stages where the layout put them, with the margins it had; it grows or
    shrinks with them (its ``width`` / ``height`` change only then)."""
    left, top, right, bottom = _extent([by_id[m] for m in frame.members if by_id.get(m)])
    margin_left, margin_top, margin_right, margin_bottom = frame.margins
    box = (left - margin_left, top - margin_top, right - left + margin_left + margin_right,
           bottom - top + margin_top + margin_bottom)
    for key, value, old in (("width", box[2], comment_size(comment)[0]), ("height", box[3], comment_size(comment)[1])):
        if abs(value - old) >= 0.5:
            comment[key] = round(value)
    comment["x_pos"], comment["y_pos"] = box[0], box[1]
    return (box[0], box[1], *comment_size(comment))


def _place_comments(pipeline: dict[str, Any], stage_boxes: list[tuple[float, float, float, float]], *,
                    keep_existing: bool = False, frames: dict[int, _Frame] | None = None) -> None:
    """Frames around the stages they group, each other comment beside (above) the stages it is attached
    to, free ones in a row below; none of those overlaps a stage or a frame.

    With *keep_existing*, comments that have a position keep it."""
    ui = (pipeline.get("app_data") or {}).get("ui_data") or {}
    comments = [c for c in ui.get("comments") or [] if isinstance(c, dict)]
    if not comments:
        return
    by_id = {n.get("id"): stage_box(n) for n in pipeline.get("nodes") or [] if isinstance(n, dict)}
    occupied = list(stage_boxes)
    for comment in comments:
        if frames and id(comment) in frames:
            occupied.append(_place_frame(comment, frames[id(comment)], by_id))
    comments = [c for c in comments if not frames or id(c) not in frames]
    bottom = max((y + h for _, y, _, h in stage_boxes), default=ORIGIN[1])
    free_x = ORIGIN[0]
    if keep_existing:
        kept = [c for c in comments if isinstance(c.get("x_pos"), (int, float))
                and isinstance(c.get("y_pos"), (int, float))]
        occupied += [(float(c["x_pos"]), float(c["y_pos"]), *comment_size(c)) for c in kept]
        kept_ids = {id(c) for c in kept}
        comments = [c for c in comments if id(c) not in kept_ids]
    for comment in comments:
        width, height = comment_size(comment)
        attached = [by_id.get(r.get("node_ref")) for r in comment.get("associated_id_refs") or []
                    if isinstance(r, dict)]
        attached = [b for b in attached if b]
        if attached:
            x = min(b[0] for b in attached)
            y = min(b[1] for b in attached) - height - 24.0
            box = (x, y, width, height)
            while any(_overlap(box, other) for other in occupied):
                box = (box[0], box[1] - height - 24.0, width, height)
        else:
            box = (free_x, bottom + COMPONENT_GAP / 2, width, height)
            while any(_overlap(box, other) for other in occupied):
                box = (box[0] + width + 24.0, box[1], width, height)
            free_x = box[0] + width + 24.0
        occupied.append(box)
        comment["x_pos"], comment["y_pos"] = box[0], box[1]


# --------------------------------------------------------------------------- metrics


def flow_boxes(pipeline: dict[str, Any]) -> dict[str, tuple[float, float, float, float]]:
    """Stage boxes (x, y, width, height) by node id: a resized stage's own size, else the heights the canvas
    gives busy stages."""
    return _boxes(pipeline, link_graph(pipeline))


def _boxes(pipeline: dict[str, Any], graph: nx.MultiDiGraph) -> dict[str, tuple[float, float, float, float]]:
    sizes = stage_sizes(pipeline, graph)
    boxes = {}
    for node in pipeline.get("nodes") or []:
        box = stage_box(node) if isinstance(node, dict) else None
        if box and node.get("id") in graph:
            boxes[node["id"]] = (box[0], box[1], *sizes[node["id"]])
    return boxes


def count_crossings(segments: list[tuple[tuple[float, float], tuple[float, float], bool]]) -> int:
    """Pairs of segments that cross properly (links that share an end meet, they do not cross); only pairs
    whose x ranges overlap are tested (a sweep over x), so a laid-out flow, whose links span few columns,
    costs about what its links cost."""
    spans = sorted(((min(p[0], q[0]), max(p[0], q[0]), *p, *q) for p, q, _ in segments), key=lambda s: s[0])
    count = 0
    for index, (_, high, ax, ay, bx, by) in enumerate(spans):
        dx, dy = bx - ax, by - ay
        for other in range(index + 1, len(spans)):
            low, _, cx, cy, ex, ey = spans[other]
            if low >= high:  # a crossing lies strictly inside both x ranges
                break
            if (ax == cx and ay == cy) or (ax == ex and ay == ey) or (bx == cx and by == cy) or \
                    (bx == ex and by == ey):
                continue
            # c and e on either side of the line through a and b, and a and b on either side of c-e's line
            if (dx * (cy - ay) - dy * (cx - ax)) * (dx * (ey - ay) - dy * (ex - ax)) < 0:
                fx, fy = ex - cx, ey - cy
                if (fx * (ay - cy) - fy * (ax - cx)) * (fx * (by - cy) - fy * (bx - cx)) < 0:
                    count += 1
    return count


def count_overlaps(items: list[tuple[float, float, float, float]]) -> int:
    """Pairs of boxes that overlap, by a sweep over x."""
    ordered = sorted(items, key=lambda b: b[0])
    count = 0
    for index, a in enumerate(ordered):
        for other in range(index + 1, len(ordered)):
            b = ordered[other]
            if b[0] >= a[0] + a[2]:
                break
            if _overlap(a, b):
                count += 1
    return count


def metrics(pipeline: dict[str, Any]) -> Metrics:
    """Crossings, overlapping stage pairs, left-to-right share, total link length and area of a pipeline."""
    graph = link_graph(pipeline)
    boxes = _boxes(pipeline, graph)
    segments = _link_segments(boxes, graph.edges())
    crossings = count_crossings(segments)
    items = list(boxes.values())
    overlaps = count_overlaps(items)
    rightward = sum(1 for *_, ok in segments if ok)
    length = sum(math.dist(p, q) for p, q, _ in segments)
    if items:
        width = max(x + w for x, _, w, _ in items) - min(x for x, _, _, _ in items)
        height = max(y + h for _, y, _, h in items) - min(y for _, y, _, _ in items)
    else:
        width = height = 0.0
    return Metrics(crossings, overlaps, rightward / len(segments) if segments else 1.0, round(length, 1),
                   round(width * height, 1), len(boxes), len(segments))


def positions_only(before: Any, after: Any) -> Iterable[str]:
    """Paths where *after* differs from *before* in anything but stage and comment positions (for tests)."""
    if isinstance(before, dict) and isinstance(after, dict):
        for key in set(before) | set(after):
            if key in ("x_pos", "y_pos"):
                continue
            if key not in before or key not in after:
                yield key
            else:
                yield from (f"{key}/{p}" for p in positions_only(before[key], after[key]))
    elif isinstance(before, list) and isinstance(after, list):
        if len(before) != len(after):
            yield "(length)"
        for index, (a, b) in enumerate(zip(before, after)):
            yield from (f"{index}/{p}" for p in positions_only(a, b))
    elif before != after:
        yield "(value)"
