from __future__ import annotations

import networkx as nx

from ....document.pipeline import input_links, stage_label
from ...engine import Context, FlowDoc, Rule


def link_graph(flow: FlowDoc, pipeline: dict) -> nx.DiGraph:
    graph = nx.DiGraph()
    for node in pipeline.get("nodes") or []:
        if not isinstance(node, dict):
            continue
        graph.add_node(node.get("id"), label=stage_label(node))
        for _, link in input_links(node):
            if link.get("node_id_ref"):
                graph.add_edge(link["node_id_ref"], node.get("id"))
    return graph


def _acyclic(pipeline: dict) -> bool:
    """Whether the links of *pipeline* form no cycle: stages are taken away once nothing flows into them
    (Kahn's order), which is quick on dicts; a cycle is then named from a graph of the flow."""
    into: dict = {}
    out: dict = {}
    for node in pipeline.get("nodes") or []:
        if not isinstance(node, dict):
            continue
        target = node.get("id")
        into.setdefault(target, 0)
        for _, link in input_links(node):
            source = link.get("node_id_ref")
            if source:
                into[target] += 1
                out.setdefault(source, []).append(target)
                into.setdefault(source, 0)
    ready = [node for node, count in into.items() if count == 0]
    taken = 0
    while ready:
        node = ready.pop()
        taken += 1
        for target in out.get(node, ()):
            into[target] -= 1
            if into[target] == 0:
                ready.append(target)
    return taken == len(into)


class Cycle(Rule):
    """The links of a batch flow form a cycle; a parallel job's data flows one way only.

    **Bad**: ``Copy_1 -> Transformer_1 -> Copy_1``.

    **Good**: feed the data back through a dataset written by one job and read by the next.
    """

    code = "FZG001"
    name = "graph.cycle"
    family = "graph"
    severity = "error"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind == "orchestration_flow":
            return  # orchestration flows loop on purpose
        for pipeline in flow.document.get("pipelines") or []:
            if not isinstance(pipeline, dict):
                continue
            if _acyclic(pipeline):
                continue
            graph = link_graph(flow, pipeline)
            try:
                cycle = nx.find_cycle(graph)
            except nx.NetworkXNoCycle:
                continue
            labels = [graph.nodes[a].get("label") or a for a, _ in cycle]
            yield self.flow_finding(flow, "the links form a cycle: " + " -> ".join(labels + labels[:1]),
                                    stage=labels[0])
