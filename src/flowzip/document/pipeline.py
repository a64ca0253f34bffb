"""The pipeline-flow document: one home for what flowzip knows about its shape (format.md §2, §7).

Pure functions on the raw JSON document (a ``dict`` as parsed), never on an
archive: where a flow document sits inside an API envelope, what a stage's
label and box are, which type a link has (also in its older spelling), how
links are counted, which ids a document defines and how to renew them, and the
document a new flow starts from.  Everything above this layer asks here.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = [
    "JSON_SCHEMA", "STAGE_SIZE", "COMMENT_SIZE", "LINK_TYPES", "NODE_TYPES", "EXPRESSION_KEYS", "LinkCounts",
    "unwrap_flow_document", "pipelines", "primary_pipeline", "nodes", "iter_nodes", "input_links",
    "stage_label", "link_type", "typed_link_counts", "link_counts", "stage_box", "stage_size", "is_resized",
    "comment_size", "new_id",
    "internal_ids", "renew_ids", "rename_link_references", "new_flow_document",
]

JSON_SCHEMA = "https://api.dataplatform.ibm.com/schemas/common-pipeline/pipeline-flow/pipeline-flow-v3-schema.json"
#: The side of a stage's square on the canvas, unless the stage was resized (format.md §6).
STAGE_SIZE = 48.0
LINK_TYPES = ("PRIMARY", "REFERENCE", "REJECT")
#: A comment's size on the canvas when it is made (format.md §2.6).
COMMENT_SIZE = (175.0, 60.0)
#: The ``type`` of a pipeline node that is a stage (format.md §2.3).
NODE_TYPES = ("execution_node", "binding", "super_node")


# --------------------------------------------------------------------------- where things are


def unwrap_flow_document(doc: Any) -> dict[str, Any] | None:
    """The pipeline-flow document inside *doc*, as the SDK's reader finds it (format.md §1.6).

    Accepts the bare document, an API envelope whose ``attachments`` is the
    document, or a one-element list holding it; ``None`` when none of these fits.
    """
    if isinstance(doc, list) and len(doc) == 1:
        doc = doc[0]
    if isinstance(doc, dict):
        if isinstance(doc.get("pipelines"), list):
            return doc
        attachments = doc.get("attachments")
        if isinstance(attachments, list) and len(attachments) == 1:
            attachments = attachments[0]
        if isinstance(attachments, dict) and isinstance(attachments.get("pipelines"), list):
            return attachments
    return None


def pipelines(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's pipelines (the primary one and local subflows' ones), objects only."""
    return [p for p in doc.get("pipelines") or [] if isinstance(p, dict)]


def primary_pipeline(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The pipeline ``primary_pipeline`` names, else the first one; ``None`` when there is none."""
    found = pipelines(doc)
    wanted = doc.get("primary_pipeline")
    for pipeline in found:
        if pipeline.get("id") == wanted:
            return pipeline
    return found[0] if found else None


def nodes(pipeline: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes of one pipeline, objects only."""
    return [n for n in pipeline.get("nodes") or [] if isinstance(n, dict)]


def iter_nodes(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(pipeline, node)`` for every node of every pipeline of a flow document."""
    for pipeline in pipelines(doc):
        for node in pipeline.get("nodes") or []:
            if isinstance(node, dict):
                yield pipeline, node


def input_links(node: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """``(port, link)`` for every link into *node*: a link is stored on its target's input port (format.md §2.4)."""
    for port in node.get("inputs") or []:
        if isinstance(port, dict):
            for link in port.get("links") or []:
                if isinstance(link, dict):
                    yield port, link


# --------------------------------------------------------------------------- stages and links


def stage_label(node: dict[str, Any]) -> str | None:
    """The label the canvas shows for a stage (``app_data.ui_data.label``)."""
    app_data = node.get("app_data")
    ui = app_data.get("ui_data") if isinstance(app_data, dict) else None
    return ui.get("label") if isinstance(ui, dict) else None


def link_type(link: dict[str, Any]) -> str:
    """``type_attr``, else the older ``app_data.datastage.link_type``, else PRIMARY (as the SDK reads it)."""
    kind = link.get("type_attr")
    if kind:
        return kind
    app_data = link.get("app_data")
    datastage = app_data.get("datastage") if isinstance(app_data, dict) else None
    return (datastage.get("link_type") if isinstance(datastage, dict) else None) or "PRIMARY"


@dataclass
class LinkCounts:
    """The links into and out of one stage, by the type each link has (:func:`link_type`)."""

    in_primary: int = 0
    in_reference: int = 0
    in_reject: int = 0
    in_other: int = 0  # a type that is none of LINK_TYPES
    out_primary: int = 0
    out_reference: int = 0
    out_reject: int = 0
    out_other: int = 0

    @property
    def inputs(self) -> int:
        """``input_count`` as the SDK computes it: primary and reference links in (format.md §2.3)."""
        return self.in_primary + self.in_reference

    @property
    def outputs(self) -> int:
        """``output_count`` as the SDK computes it: primary and reject links out (format.md §2.3)."""
        return self.out_primary + self.out_reject

    # Cardinality as the catalog limits it (format.md §4): a reject link takes a primary input of its
    # target, a reference link a primary output of its source; so does a link of an unknown type.
    @property
    def primary_inputs(self) -> int:
        return self.in_primary + self.in_reject + self.in_other

    @property
    def primary_outputs(self) -> int:
        return self.out_primary + self.out_reference + self.out_other

    @property
    def reference_inputs(self) -> int:
        return self.in_reference

    @property
    def reject_outputs(self) -> int:
        return self.out_reject

    @property
    def linked(self) -> bool:
        return bool(self.primary_inputs or self.reference_inputs or self.primary_outputs or self.reject_outputs)


def typed_link_counts(pipeline: dict[str, Any]) -> dict[Any, LinkCounts]:
    """Per node id, its links by type (:func:`link_type`: the older spelling counts too)."""
    counts: dict[Any, LinkCounts] = {}
    for node in nodes(pipeline):
        mine = counts.setdefault(node.get("id"), LinkCounts())
        for _, link in input_links(node):
            kind = link_type(link)
            theirs = counts.setdefault(link.get("node_id_ref"), LinkCounts())
            if kind == "REFERENCE":
                mine.in_reference += 1
                theirs.out_reference += 1
            elif kind == "REJECT":
                mine.in_reject += 1
                theirs.out_reject += 1
            elif kind == "PRIMARY":
                mine.in_primary += 1
                theirs.out_primary += 1
            else:
                mine.in_other += 1
                theirs.out_other += 1
    return counts


def link_counts(pipeline: dict[str, Any]) -> dict[Any, tuple[int, int]]:
    """Per node id, ``(input_count, output_count)`` as the SDK computes them: primary and reference
    links in, primary and reject links out (format.md §2.3)."""
    return {node_id: (c.inputs, c.outputs) for node_id, c in typed_link_counts(pipeline).items()}


def stage_box(node: dict[str, Any]) -> tuple[float, float, float, float] | None:
    """``(x, y, width, height)`` of a stage on the canvas: its stored position and its size (a resized
    stage keeps ``resize_width`` / ``resize_height``); ``None`` when it has no stored position."""
    app_data = node.get("app_data")
    ui = app_data.get("ui_data") if isinstance(app_data, dict) else None
    if not isinstance(ui, dict):
        return None
    x, y = ui.get("x_pos"), ui.get("y_pos")
    if not isinstance(x, (int, float)) or not isinstance(y, (int, float)):
        return None
    width, height = stage_size(node)
    return float(x), float(y), width, height


def comment_size(comment: dict[str, Any]) -> tuple[float, float]:
    """``(width, height)`` of a comment: its own (also written as text, as orchestration flows store
    numbers), else the size comments are made with."""
    return _number(comment.get("width"), COMMENT_SIZE[0]), _number(comment.get("height"), COMMENT_SIZE[1])


def _number(value: Any, default: float) -> float:
    if isinstance(value, bool):
        return default
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 and number == number and number != float("inf") else default


def is_resized(node: dict[str, Any]) -> bool:
    """Whether the stage was resized on the canvas (``app_data.ui_data.is_resized``)."""
    app_data = node.get("app_data")
    ui = app_data.get("ui_data") if isinstance(app_data, dict) else None
    return isinstance(ui, dict) and bool(ui.get("is_resized"))


def stage_size(node: dict[str, Any]) -> tuple[float, float]:
    """``(width, height)`` of a stage: ``resize_width`` / ``resize_height`` when it was resized, else
    the canvas's square."""
    if not is_resized(node):
        return STAGE_SIZE, STAGE_SIZE
    ui = node["app_data"]["ui_data"]
    return _length(ui.get("resize_width")), _length(ui.get("resize_height"))


def _length(value: Any) -> float:
    """A stored width or height, else the canvas's default."""
    good = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return float(value) if good else STAGE_SIZE


# --------------------------------------------------------------------------- ids


def new_id() -> str:
    """A fresh lower-case UUID, as every id in real exports is (format.md §7.1)."""
    return str(uuid.uuid4())


#: Keys whose string values are expressions that name columns as ``<link>.<column>``.
EXPRESSION_KEYS = {"parsedExpression", "derivation", "sourceColumn", "TransformerConstraint", "Derivation",
                    "Condition", "expression"}


def rename_link_references(doc: Any, old: str, new: str) -> None:
    """Point every reference to link *old* at *new*: ``source_field_id``s, expressions, orderings."""
    column = re.compile(r"(?<![\w.$#])" + re.escape(old) + r"\.")
    stack = [doc]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, (dict, list)))
            continue
        if not isinstance(value, dict):
            continue
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                stack.append(item)
            elif not isinstance(item, str):
                continue
            elif key == "source_field_id" and item.startswith(old + "."):
                value[key] = new + item[len(old):]
            elif key in EXPRESSION_KEYS and old + "." in item:
                value[key] = column.sub(new + ".", item)
            elif key in ("partner_link_in", "partner_link_out") and item == old:
                value[key] = new
            elif key == "link_name" and item == old and "node_id_ref" not in value:
                value[key] = new  # an ordering entry such as InputlinkOrderingList, not the link itself
        mapper = value.get("transInputLinkMapper")
        if isinstance(mapper, dict):
            for port, name in list(mapper.items()):
                if name == old:
                    mapper[port] = new


def internal_ids(doc: dict[str, Any]) -> set[str]:
    """Ids the document defines: its own, pipelines', nodes', ports', links', schemas', comments'."""
    ids = {doc.get("id")}
    for pipeline in doc.get("pipelines") or []:
        if not isinstance(pipeline, dict):
            continue
        ids.add(pipeline.get("id"))
        for comment in ((pipeline.get("app_data") or {}).get("ui_data") or {}).get("comments") or []:
            if isinstance(comment, dict):
                ids.add(comment.get("id"))
        for node in pipeline.get("nodes") or []:
            if not isinstance(node, dict):
                continue
            ids.add(node.get("id"))
            for side in ("inputs", "outputs"):
                for port in node.get(side) or []:
                    if isinstance(port, dict):
                        ids.add(port.get("id"))
                        for link in port.get("links") or []:
                            if isinstance(link, dict):
                                ids.add(link.get("id"))
    for schema in doc.get("schemas") or []:
        if isinstance(schema, dict):
            ids.add(schema.get("id"))
    return {i for i in ids if isinstance(i, str) and i}


def renew_ids(doc: Any) -> Any:
    """Give every id the document defines a fresh UUID and re-point every reference to it.

    References are found by value: any string equal to an old id, ``|``-joined
    orderings of them, and object keys (``transInputLinkMapper``) are rewritten.
    Ids of other assets (parameter sets, connections, subflows) are not the
    document's own, so they are left alone.
    """
    flow = unwrap_flow_document(doc)
    if flow is None:
        return doc
    mapping = {old: new_id() for old in internal_ids(flow)}

    def renew(value: Any) -> Any:
        if isinstance(value, str):
            if value in mapping:
                return mapping[value]
            if "|" in value and all(part in mapping for part in value.split("|") if part):
                return "|".join(mapping.get(part, part) for part in value.split("|"))
            return value
        if isinstance(value, list):
            return [renew(item) for item in value]
        if isinstance(value, dict):
            return {mapping.get(key, key): renew(item) for key, item in value.items()}
        return value

    renewed = renew(flow)
    flow.clear()
    flow.update(renewed)
    return doc


# --------------------------------------------------------------------------- a new flow


def new_flow_document(description: str = "") -> dict[str, Any]:
    """The document of a new, empty batch flow, in the platform's style (the SDK's ``create_flow``)."""
    pipeline_id = new_id()
    return {
        "doc_type": "pipeline",
        "version": "3.0",
        "json_schema": JSON_SCHEMA,
        "id": new_id(),
        "primary_pipeline": pipeline_id,
        "pipelines": [{"id": pipeline_id, "description": description, "runtime_ref": "pxOsh", "nodes": [],
                       "app_data": {"datastage": {}, "ui_data": {"comments": []}}}],
        "schemas": [],
        "runtimes": [{"id": "pxOsh", "name": "pxOsh"}],
        "app_data": {"datastage": {}, "additionalProperties": {
            "transInputLinkMapper": {}, "disableParamsCacheOnFlow": False, "rcpLinkList": [],
            "globalAcp": True, "enableRCP": False, "isNewTransActive": False,
            "enableSchemaLessDesign": False, "runMode": "ETL"}},
        "external_paramsets": [],
        "parameters": {"local_parameters": []},
    }
