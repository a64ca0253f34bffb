"""The shape the official SDK writes a flow's nodes and ports in, derived from the graph.

The SDK builds a saved flow document from its graph each time: placeholder ports where a side has no
link, linked ports in a fixed form, connector properties from the stage type's defaults for its role,
link orderings per operator.  flowzip gives the stages it adds the same shape, and keeps it as links come
and go (:func:`shape_node`); ports it adds to any stage take the SDK's form (:func:`input_port`,
:func:`output_port`).  Stages of real exports keep their own ports: only what a change needs is written.

Source: the SDK's writer (ibm-watsonx-data-integration 2.1.0, ``models/extractor.py`` and
``flow_json_model.py``); checked against the SDK's own documents for every stage type and role by the
tests and by ``sdk-oracle/fidelity``.
"""

from __future__ import annotations

import copy
from typing import Any

from .catalog import StageType
from .pipeline import new_id

__all__ = ["NODE_KEYS", "in_order", "placeholder_input", "placeholder_output", "input_port", "output_port",
           "shape_node", "shape_document", "connection_properties", "rcp_of", "TYPED_OUTPUT_ORDER"]

#: Key order of each kind of node as the SDK writes it.
NODE_KEYS = {
    "execution_node": ("type", "id", "app_data", "op", "inputs", "outputs", "parameters"),
    "binding": ("type", "id", "app_data", "inputs", "outputs", "connection", "op", "parameters"),
    "super_node": ("type", "id", "app_data", "subflow_ref", "inputs", "outputs", "parameters"),
}
UI_KEYS = ("label", "image", "x_pos", "y_pos", "is_resized", "resize_height", "resize_width")
INPUT_PORT_KEYS = ("id", "schema_ref", "links", "parameters", "app_data")
OUTPUT_PORT_KEYS = ("id", "schema_ref", "parameters", "app_data")
PORT_APP_DATA_KEYS = ("ui_data", "datastage", "additionalProperties")


def in_order(document: dict[str, Any], keys: tuple[str, ...]) -> None:
    """Put *keys* (those present) first, in that order; other keys keep their order after them."""
    ordered = {key: document.pop(key) for key in keys if key in document}
    rest = dict(document)
    document.clear()
    document.update(ordered)
    document.update(rest)


def placeholder_input() -> dict[str, Any]:
    """The input port the SDK writes on an execution stage with no input link (whatever its type)."""
    return {"id": "", "app_data": {"ui_data": {"cardinality": {"min": 0, "max": 1}, "label": "inPort"}}}


def placeholder_output(stage_type: StageType | None) -> dict[str, Any]:
    """The output port the SDK writes on an execution stage with inputs and no output link."""
    return {"id": "", "app_data": {"ui_data": {"cardinality": _cardinality(stage_type), "label": "outPort"}}}


def _cardinality(stage_type: StageType | None) -> dict[str, int]:
    return {"min": stage_type.outputs[0], "max": stage_type.outputs[1]} if stage_type else {"min": 0, "max": -1}


def rcp_of(node: dict[str, Any], stage_type: StageType | None) -> int:
    """``runtime_column_propagation`` as the SDK writes it on the ports a stage feeds: the stage's own
    setting, else its type's default (Rest and Web Service propagate by default), as 1 or 0."""
    parameters = node.get("parameters") if isinstance(node.get("parameters"), dict) else {}
    if "runtime_column_propagation" in parameters:
        return 1 if parameters["runtime_column_propagation"] in (True, 1, "true") else 0
    if stage_type is not None and stage_type.has_property("runtime_column_propagation"):
        default = stage_type.property("runtime_column_propagation").default
        return 1 if default is True or (isinstance(default, int) and default > 0) else 0
    return 0


def input_port(link: dict[str, Any], source: dict[str, Any], source_type: StageType | None,
               target_type: StageType | None) -> dict[str, Any]:
    """A new input port holding *link*, as the SDK writes it: the target type's input-port defaults, then
    ``runtime_column_propagation`` from the source; no cardinality, an empty label."""
    parameters = copy.deepcopy(target_type.default_input_port_parameters) if target_type else {}
    parameters["runtime_column_propagation"] = rcp_of(source, source_type)
    return {"id": new_id(), "links": [link], "parameters": parameters, "app_data": {"ui_data": {"label": ""}}}


def output_port(source: dict[str, Any], source_type: StageType | None, link_id: str) -> dict[str, Any]:
    """A new output port of *source* for the link *link_id*: the type's output-port defaults (the stage's
    own values where it has them), the stage's output cardinality, the link it starts."""
    parameters: dict[str, Any] = {}
    if source_type is not None:
        own = source.get("parameters") if isinstance(source.get("parameters"), dict) else {}
        for key, value in source_type.default_output_port_parameters.items():
            parameters[key] = copy.deepcopy(own.get(key, value))
    return {"id": new_id(), "parameters": parameters,
            "app_data": {"ui_data": {"cardinality": _cardinality(source_type), "label": "outPort"},
                         "datastage": {"is_source_of_link": link_id}}}


def connection_properties(stage_type: StageType, counts: tuple[int, int], degrees: tuple[int, int]) -> dict[str, Any]:
    """What the SDK writes as a connector's ``connection.properties``: its type's defaults for the side it is
    used on (source, target, or both: source first, target over it), with ``input_count`` and
    ``output_count`` where there are defaults, all in the order the type declares its properties."""
    ins, outs = degrees
    sides = [side for side, used in (("source", outs > 0), ("target", ins > 0)) if used]
    properties: dict[str, Any] = {}
    for side in sides:
        defaults = stage_type.default_source_props if side == "source" else stage_type.default_target_props
        if defaults:
            properties.update(copy.deepcopy(defaults))
            properties["input_count"], properties["output_count"] = counts
    position = {}
    for index, prop in enumerate(stage_type.properties):
        position.setdefault(prop.name, index)
        position.setdefault(prop.alias, index)
    ordered = sorted(properties, key=lambda key: position.get(key, len(position)))
    return {key: properties[key] for key in ordered}


# Source: the SDK's writer, ordering of links per operator (extractor.py, link orderings; ACP fills the
# lists of Join, Merge and Generic when it computes the links out of them).
_LABELS = {
    "PxJoin": lambda i, n: "Left" if i == 0 else "Right" if i == n - 1 else f"Intermediate {i}",
    "PxMerge": lambda i, n: "Main" if i == 0 else f"Update {i}",
    "PxGeneric": lambda i, n: str(i),
}
_INPUTS_ORDER_EMPTY = ("PxLookup", "PxChangeCapture")
_INPUTS_ORDER_ALL = ("PxFunnel", "XMLStagePX")
_OUTPUTS_ORDER_ALL = ("PxJoin", "XMLStagePX")
_OUTPUTS_ORDER_BY_TYPE = ("PxLookup", "CTransformerStage")
#: Ops whose ``outputs_order`` depends on the types of the links out (the caller must give them).
TYPED_OUTPUT_ORDER = _OUTPUTS_ORDER_BY_TYPE


def _link_of(port: dict[str, Any]) -> dict[str, Any] | None:
    links = port.get("links") if isinstance(port.get("links"), list) else []
    return links[0] if links and isinstance(links[0], dict) else None


def _orderings(node: dict[str, Any], linked_in: list[dict[str, Any]], linked_out: list[dict[str, Any]],
               out_types: dict[str, str], outs: int) -> None:
    op = node.get("op")
    parameters = node.get("parameters")
    if isinstance(parameters, dict):
        parameters.pop("InputlinkOrderingList", None)
        joined_right = op == "PxJoin" and parameters.get("operator") in ("rightouterjoin", "fullouterjoin")
        if op in _LABELS and linked_in and outs > 0 and not joined_right:
            entries = [{"link_label": _LABELS[op](i, len(linked_in)), "link_name": (_link_of(p) or {}).get("link_name")}
                       for i, p in enumerate(linked_in)]
            # Written where the stage declares it: right after input_count.
            items = list(parameters.items())
            at = next((i + 1 for i, (k, _) in enumerate(items) if k == "input_count"), len(items))
            items.insert(at, ("InputlinkOrderingList", entries))
            parameters.clear()
            parameters.update(items)
    app_data = node.setdefault("app_data", {})
    orders: dict[str, str] = {}
    ins_ids = [str(p.get("id")) for p in linked_in]
    outs_ids = [str(p.get("id")) for p in linked_out]
    if op == "PxJoin" or op in _INPUTS_ORDER_ALL or (op == "PxGeneric" and outs > 0):
        orders["inputs_order"] = "|".join(ins_ids)
    elif op in _INPUTS_ORDER_EMPTY or op == "PxGeneric":
        orders["inputs_order"] = ""
    if op in _OUTPUTS_ORDER_ALL:
        orders["outputs_order"] = "|".join(outs_ids)
    elif op in _OUTPUTS_ORDER_BY_TYPE:
        rank = {"PRIMARY": 0, "REFERENCE": 1, "REJECT": 2}
        orders["outputs_order"] = "|".join(sorted(outs_ids, key=lambda i: rank.get(out_types.get(i, ""), 0)))
    elif op == "PxGeneric":
        orders["outputs_order"] = ""
    datastage = app_data.get("datastage") if isinstance(app_data.get("datastage"), dict) else {}
    for key in ("inputs_order", "outputs_order"):
        datastage.pop(key, None)
    datastage = {**orders, **datastage}
    if datastage:
        app_data["datastage"] = datastage
    else:
        app_data.pop("datastage", None)
    in_order(app_data, ("ui_data", "datastage"))


def shape_node(pipeline: dict[str, Any], node: dict[str, Any], stage_type: StageType | None,
               degrees: dict[str, list[int]], counts: tuple[int, int], out_types: dict[str, str],
               source_rank: dict[str, int] | None = None) -> None:
    """Give a stage flowzip added the SDK's shape for the links it has now: placeholders, port forms,
    ``enableAcp`` on the outputs of a stage with inputs and outputs, connector properties, orderings and key
    orders.  *out_types*: output port id -> the type of the link it starts; *source_rank*: stage id -> its
    place in the SDK's topological order (its input ports follow their sources' order, as the SDK writes them)."""
    ins, outs = degrees.get(node.get("id"), [0, 0])
    kind = node.get("type")
    linked_in = [p for p in node.get("inputs") or [] if isinstance(p, dict) and p.get("links")]
    if source_rank:
        def source_of(port: dict[str, Any]) -> int:
            link = _link_of(port) or {}
            return source_rank.get(str(link.get("node_id_ref")), len(source_rank))

        linked_in.sort(key=source_of)  # stable: links from one stage keep the order they were made in
    linked_out = [p for p in node.get("outputs") or [] if isinstance(p, dict) and p.get("id")]
    if kind == "binding":
        if ins == 0 and outs == 0:
            node["inputs"], node["outputs"] = [{"id": ""}], [{"id": ""}]
        else:
            # The SDK drops the output ports of a binding stage that has inputs too (its links then start
            # nowhere): not copied; such a stage keeps its linked outputs.
            if ins:
                node["inputs"] = linked_in
            else:
                node.pop("inputs", None)
            if outs:
                node["outputs"] = linked_out
            else:
                node.pop("outputs", None)
    elif kind == "execution_node":
        node["inputs"] = linked_in or [placeholder_input()]
        node["outputs"] = linked_out or ([placeholder_output(stage_type)] if ins else [])
    for port in linked_in:
        in_order(port, INPUT_PORT_KEYS)
    for port in linked_out:
        app_data = port.setdefault("app_data", {})
        if ins and outs:
            setting = (node.get("parameters") or {}).get("auto_column_propagation")
            app_data["additionalProperties"] = {"enableAcp": setting}
        else:
            app_data.pop("additionalProperties", None)
        in_order(app_data, PORT_APP_DATA_KEYS)
        in_order(port, OUTPUT_PORT_KEYS)
    if stage_type is not None and isinstance(node.get("connection"), dict):
        node["connection"]["properties"] = connection_properties(stage_type, counts, (ins, outs))
    if kind == "execution_node":
        _orderings(node, linked_in, linked_out, out_types, outs)
    ui = (node.get("app_data") or {}).get("ui_data")
    if isinstance(ui, dict):
        in_order(ui, UI_KEYS)
    in_order(node, NODE_KEYS.get(str(kind), ()))


DOCUMENT_KEYS = ("doc_type", "version", "json_schema", "id", "parameters", "primary_pipeline", "pipelines", "schemas",
                 "external_paramsets", "app_data")
PIPELINE_KEYS = ("id", "runtime_ref", "nodes", "app_data", "description")
#: The flow settings the SDK keeps when it writes a flow with stages (the create-flow document has more).
SAVED_SETTINGS = ("globalAcp", "runMode", "ELTDropdown", "enableflightToggle")


def shape_document(document: dict[str, Any], blank: dict[str, Any]) -> None:
    """A flow flowzip created, in the form the SDK writes: with stages, the saved-flow document (no
    ``runtimes``, no ``datastage`` placeholders, only the flow settings the SDK keeps); without any, the
    create-flow document *blank* (as the SDK writes an empty flow)."""
    pipelines = [p for p in document.get("pipelines") or [] if isinstance(p, dict)]
    settings = (document.get("app_data") or {}).get("additionalProperties")
    if any(p.get("nodes") for p in pipelines):
        document.pop("runtimes", None)
        app_data = document.get("app_data")
        if isinstance(app_data, dict):
            app_data.pop("datastage", None)
            if isinstance(settings, dict):
                for key in [k for k in settings if k not in SAVED_SETTINGS]:
                    settings.pop(key)
        for pipeline in pipelines:
            if isinstance(pipeline.get("app_data"), dict):
                pipeline["app_data"].pop("datastage", None)
            in_order(pipeline, PIPELINE_KEYS)
        in_order(document, DOCUMENT_KEYS)
        return
    for key in ("runtimes",):
        document.setdefault(key, copy.deepcopy(blank[key]))
    app_data = document.setdefault("app_data", {})
    app_data.setdefault("datastage", {})
    kept = app_data.get("additionalProperties") if isinstance(app_data.get("additionalProperties"), dict) else {}
    app_data["additionalProperties"] = {**blank["app_data"]["additionalProperties"], **kept}
    in_order(app_data, tuple(blank["app_data"]))
    for pipeline in pipelines:
        pipeline.setdefault("app_data", {}).setdefault("datastage", {})
        in_order(pipeline["app_data"], ("datastage", "ui_data"))
        in_order(pipeline, tuple(blank["pipelines"][0]))
    in_order(document, tuple(blank))
