"""Referential integrity of a pipeline-flow document (format.md §7.2-7.4).

:func:`check_flow` is pure: it reads the document and returns what it finds,
each problem with a stable code, never changing anything.  flowzip's editing
operations keep a document free of these problems; the tests hold them to it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .pipeline import LinkCounts, stage_label, typed_link_counts, unwrap_flow_document

__all__ = ["IntegrityProblem", "check_flow"]


@dataclass(frozen=True)
class IntegrityProblem:
    code: str
    message: str
    node_id: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value or [] if isinstance(item, dict)] if isinstance(value, list) else []


def check_flow(document: Any, counts_of: Callable[[dict[str, Any]], dict[Any, LinkCounts]] = typed_link_counts
               ) -> list[IntegrityProblem]:
    """Every dangling reference, duplicate id and inconsistent count in a flow document (*counts_of* gives a
    pipeline's links by type per node, when the caller has them already)."""
    doc = unwrap_flow_document(document)
    if doc is None:
        return [IntegrityProblem("not-a-flow", "the document has no 'pipelines' list")]
    problems: list[IntegrityProblem] = []
    add = problems.append
    pipelines = _dicts(doc.get("pipelines"))
    pipeline_ids = {p.get("id") for p in pipelines}
    if doc.get("primary_pipeline") not in pipeline_ids:
        add(IntegrityProblem("unknown-primary-pipeline",
                             f"primary_pipeline {doc.get('primary_pipeline')!r} names no pipeline"))
    schema_ids = {s.get("id") for s in _dicts(doc.get("schemas"))}
    all_ids: list[str] = [i for i in [doc.get("id")] if i]
    boundary_ports: set[str] = set()
    all_ids += [s.get("id") for s in _dicts(doc.get("schemas")) if s.get("id")]

    for pipeline in pipelines:
        all_ids += [pipeline["id"]] if pipeline.get("id") else []
        nodes = _dicts(pipeline.get("nodes"))
        by_id = {n.get("id"): n for n in nodes}
        link_ids: set[str] = set()
        sources: dict[str, tuple[str, str]] = {}  # link id -> (source node id, source port id)
        labels: Counter[str] = Counter()
        link_names: Counter[str] = Counter()
        counts = counts_of(pipeline)
        outputs_of: dict[int, dict[Any, dict[str, Any]]] = {}  # a source node's output ports by id, once
        for node in nodes:
            node_id = node.get("id")
            all_ids += [node_id] if node_id else []
            label = stage_label(node)
            if label:
                labels[label] += 1
            for side in ("inputs", "outputs"):
                for port in _dicts(node.get(side)):
                    if port.get("id"):
                        if node.get("type") == "binding" and not node.get("op"):
                            # Subflow entry/exit nodes share their port ids with the stage they feed
                            # (platform-written, e.g. CPD_ocaso's SubflowTest): not a duplicate.
                            boundary_ports.add(port["id"])
                        else:
                            all_ids.append(port["id"])
                    ref = port.get("schema_ref")
                    if ref and ref not in schema_ids:
                        add(IntegrityProblem("dangling-schema-ref",
                                             f"port {port.get('id')!r} of {label!r} names schema {ref!r}, "
                                             "which the document does not define", node_id))
                    for link in _dicts(port.get("links")):
                        link_ids.add(link.get("id"))
                        all_ids += [link["id"]] if link.get("id") else []
                        if link.get("link_name"):
                            link_names[link["link_name"]] += 1
                        sources[link.get("id")] = (link.get("node_id_ref"), link.get("port_id_ref"))
                        source = by_id.get(link.get("node_id_ref"))
                        if source is None:
                            add(IntegrityProblem("dangling-node-ref",
                                                 f"link {link.get('link_name')!r} into {label!r} comes from node "
                                                 f"{link.get('node_id_ref')!r}, which is not in its pipeline",
                                                 node_id))
                            continue
                        out_ports = outputs_of.get(id(source))
                        if out_ports is None:
                            out_ports = outputs_of[id(source)] = {p.get("id"): p for p in _dicts(source.get("outputs"))}
                        out_port = out_ports.get(link.get("port_id_ref"))
                        if out_port is None:
                            add(IntegrityProblem("dangling-port-ref",
                                                 f"link {link.get('link_name')!r} into {label!r} names output port "
                                                 f"{link.get('port_id_ref')!r}, which its source does not have",
                                                 node_id))
                        elif out_port.get("schema_ref") != port.get("schema_ref"):
                            add(IntegrityProblem("schema-ref-mismatch",
                                                 f"the two ends of link {link.get('link_name')!r} name different "
                                                 "schemas", node_id))
            for key, side in (("inputs_order", "inputs"), ("outputs_order", "outputs")):
                order = ((node.get("app_data") or {}).get("datastage") or {}).get(key)
                if isinstance(order, str) and order:
                    port_ids = {p.get("id") for p in _dicts(node.get(side))}
                    missing = [p for p in order.split("|") if p and p not in port_ids]
                    if missing:
                        add(IntegrityProblem("dangling-order",
                                             f"{key} of {label!r} lists ports it does not have", node_id))
            params = node.get("parameters")
            if isinstance(params, dict) and node.get("type") != "super_node":
                # The SDK counts primary+reference links in and primary+reject links out; the
                # platform's canvas counts connected ports.  Either is consistent.
                mine = counts.get(node_id)
                by_links = (mine.inputs, mine.outputs) if mine is not None else (0, 0)
                by_ports = tuple(sum(1 for p in _dicts(node.get(side)) if p.get("id"))
                                 for side in ("inputs", "outputs"))
                for index, key in enumerate(("input_count", "output_count")):
                    value = params.get(key)
                    if isinstance(value, int) and not isinstance(value, bool) and value not in (
                            by_links[index], by_ports[index]):
                        add(IntegrityProblem("count-mismatch",
                                             f"{key} of {label!r} is {value} but its links make it "
                                             f"{by_links[index]}", node_id))
            ref = (node.get("subflow_ref") or {}).get("pipeline_id_ref") if node.get("type") == "super_node" else None
            if ref and not (node.get("subflow_ref") or {}).get("url") and ref not in pipeline_ids:
                add(IntegrityProblem("dangling-pipeline-ref",
                                     f"local subflow {label!r} names pipeline {ref!r}, which is not in the document",
                                     node_id))
        # A Hierarchical Data stage's inner canvas (runtime "subcanvas_runtime") points its ports at
        # the links of the enclosing pipeline, so its is_source_of_link ids are not its own.
        inner_canvas = pipeline.get("runtime_ref") == "subcanvas_runtime"
        for node in [] if inner_canvas else nodes:
            label = stage_label(node)
            for port in _dicts(node.get("outputs")):
                target = ((port.get("app_data") or {}).get("datastage") or {}).get("is_source_of_link")
                if target and target not in link_ids:
                    add(IntegrityProblem("dangling-source-of-link",
                                         f"output port {port.get('id')!r} of {label!r} is_source_of_link "
                                         f"{target!r}, which no link has", node.get("id")))
        for comment in _dicts(((pipeline.get("app_data") or {}).get("ui_data") or {}).get("comments")):
            all_ids += [comment["id"]] if comment.get("id") else []
            for ref in _dicts(comment.get("associated_id_refs")):
                if ref.get("node_ref") not in by_id:
                    add(IntegrityProblem("dangling-comment-ref",
                                         f"comment {comment.get('id')!r} is attached to node "
                                         f"{ref.get('node_ref')!r}, which is not in its pipeline"))
        for label, count in labels.items():
            if count > 1:
                add(IntegrityProblem("duplicate-label", f"{count} stages are labelled {label!r}"))
        for name, count in link_names.items():
            if count > 1:
                add(IntegrityProblem("duplicate-link-name", f"{count} links are named {name!r}"))
    for value, count in Counter(all_ids).items():
        if count > 1:
            add(IntegrityProblem("duplicate-id", f"the id {value!r} is used {count} times"))
    return problems
