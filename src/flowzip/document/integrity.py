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
    schemas = _dicts(doc.get("schemas"))
    schema_ids = {s.get("id") for s in schemas}
    all_ids: list[str] = [i for i in [doc.get("id")] if i]
    all_ids += [s.get("id") for s in schemas if s.get("id")]
    keep_id = all_ids.append

    for pipeline in pipelines:
        if pipeline.get("id"):
            keep_id(pipeline["id"])
        nodes = _dicts(pipeline.get("nodes"))
        by_id = {n.get("id"): n for n in nodes}
        link_ids: set[str] = set()
        labels: dict[str, int] = {}
        link_names: dict[str, int] = {}
        counts = counts_of(pipeline)
        outputs_of: dict[int, dict[Any, dict[str, Any]]] = {}  # a source node's output ports by id, once
        sides: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []  # each node's output ports, for below
        for node in nodes:
            get = node.get
            node_id = get("id")
            if node_id:
                keep_id(node_id)
            label = stage_label(node)
            if label:
                labels[label] = labels.get(label, 0) + 1
            # Subflow entry/exit nodes share their port ids with the stage they feed (platform-written, e.g.
            # CPD_ocaso's SubflowTest): not duplicates.
            boundary = get("type") == "binding" and not get("op")
            inputs, outputs = _dicts(get("inputs")), _dicts(get("outputs"))
            sides.append((node, outputs))
            for port in inputs + outputs:
                port_get = port.get
                if port_get("id") and not boundary:
                    keep_id(port["id"])
                ref = port_get("schema_ref")
                if ref and ref not in schema_ids:
                    add(IntegrityProblem("dangling-schema-ref",
                                         f"port {port_get('id')!r} of {label!r} names schema {ref!r}, "
                                         "which the document does not define", node_id))
                for link in _dicts(port_get("links")):
                    link_get = link.get
                    link_ids.add(link_get("id"))
                    if link_get("id"):
                        keep_id(link["id"])
                    name = link_get("link_name")
                    if name:
                        link_names[name] = link_names.get(name, 0) + 1
                    source = by_id.get(link_get("node_id_ref"))
                    if source is None:
                        add(IntegrityProblem("dangling-node-ref",
                                             f"link {name!r} into {label!r} comes from node "
                                             f"{link_get('node_id_ref')!r}, which is not in its pipeline",
                                             node_id))
                        continue
                    out_ports = outputs_of.get(id(source))
                    if out_ports is None:
                        out_ports = outputs_of[id(source)] = {p.get("id"): p for p in _dicts(source.get("outputs"))}
                    out_port = out_ports.get(link_get("port_id_ref"))
                    if out_port is None:
                        add(IntegrityProblem("dangling-port-ref",
                                             f"link {name!r} into {label!r} names output port "
                                             f"{link_get('port_id_ref')!r}, which its source does not have",
                                             node_id))
                    elif out_port.get("schema_ref") != port_get("schema_ref"):
                        add(IntegrityProblem("schema-ref-mismatch",
                                             f"the two ends of link {name!r} name different schemas", node_id))
            datastage = (get("app_data") or {}).get("datastage") or {}
            for key, ports in (("inputs_order", inputs), ("outputs_order", outputs)):
                order = datastage.get(key)
                if isinstance(order, str) and order:
                    port_ids = {p.get("id") for p in ports}
                    missing = [p for p in order.split("|") if p and p not in port_ids]
                    if missing:
                        add(IntegrityProblem("dangling-order",
                                             f"{key} of {label!r} lists ports it does not have", node_id))
            params = get("parameters")
            if isinstance(params, dict) and get("type") != "super_node":
                # The SDK counts primary+reference links in and primary+reject links out; the
                # platform's canvas counts connected ports.  Either is consistent.
                mine = counts.get(node_id)
                by_links = (mine.inputs, mine.outputs) if mine is not None else (0, 0)
                by_ports = tuple(sum(1 for p in ports if p.get("id")) for ports in (inputs, outputs))
                for index, key in enumerate(("input_count", "output_count")):
                    value = params.get(key)
                    if isinstance(value, int) and not isinstance(value, bool) and value not in (
                            by_links[index], by_ports[index]):
                        add(IntegrityProblem("count-mismatch",
                                             f"{key} of {label!r} is {value} but its links make it "
                                             f"{by_links[index]}", node_id))
            ref = (get("subflow_ref") or {}).get("pipeline_id_ref") if get("type") == "super_node" else None
            if ref and not (get("subflow_ref") or {}).get("url") and ref not in pipeline_ids:
                add(IntegrityProblem("dangling-pipeline-ref",
                                     f"local subflow {label!r} names pipeline {ref!r}, which is not in the document",
                                     node_id))
        # A Hierarchical Data stage's inner canvas (runtime "subcanvas_runtime") points its ports at
        # the links of the enclosing pipeline, so its is_source_of_link ids are not its own.
        inner_canvas = pipeline.get("runtime_ref") == "subcanvas_runtime"
        for node, outputs in [] if inner_canvas else sides:
            label = stage_label(node)
            for port in outputs:
                target = ((port.get("app_data") or {}).get("datastage") or {}).get("is_source_of_link")
                if target and target not in link_ids:
                    add(IntegrityProblem("dangling-source-of-link",
                                         f"output port {port.get('id')!r} of {label!r} is_source_of_link "
                                         f"{target!r}, which no link has", node.get("id")))
        for comment in _dicts(((pipeline.get("app_data") or {}).get("ui_data") or {}).get("comments")):
            if comment.get("id"):
                keep_id(comment["id"])
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
