"""Flows flowzip builds are the flows the official SDK builds: every stage type, ids and positions aside.

For each stage type flowzip can add, a Row Generator feeds it through a link with declared columns and, where
the type has outputs, a Peek reads it; the SDK (ibm-watsonx-data-integration 2.1.0, the test extra) builds the
same flow with the same calls.  The two documents must be equal key for key, key order included, once ids
are replaced by the names of what they identify: the stage shape, ports, connector properties, orderings,
the columns propagation computes and the value derivations.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import flowzip
from flowzip.document.catalog import catalog
from tests.sdkflow import sdk_batch_flow

COLUMNS = [("BIGINT", "CUSTOMER_ID", {}), ("INTEGER", "ID", {}), ("VARCHAR", "NAME", {"length": 40})]
VISUAL = {"x_pos", "y_pos", "is_resized", "resize_height", "resize_width"}  # the two layouts differ


def _plan(type_name: str) -> list[tuple[str, str, str]]:
    """(source label, target label, link type) in creation order; stages: the type, Source_N, Reference_N,
    Target_1."""
    stage_type = catalog().get(type_name)
    links = []
    takes_inputs = stage_type.inputs[1] != 0
    for i in range(max(1, stage_type.inputs[0]) if takes_inputs else 0):  # as many inputs as it needs
        links.append((f"Source_{i + 1}", "S", "PRIMARY"))
    for i in range(stage_type.min_reference_inputs):
        links.append((f"Reference_{i + 1}", "S", "REFERENCE"))
    # A binding stage (a connector) with inputs and outputs loses its output ports in the SDK's writer (its
    # links then start nowhere; flowzip keeps them): such stages are compared as targets.
    if stage_type.outputs[1] != 0 and not (stage_type.node_type == "binding" and takes_inputs):
        links.append(("S", "Target_1", "PRIMARY"))
    return links


def _build(flow: Any, type_name: str, out_columns: bool) -> None:
    """The same calls on the SDK's BatchFlow or on flowzip's Flow."""

    def add(label: str, kind: str) -> Any:
        return flow.add_stage(kind, label)

    stages = {"S": add("S", type_name)}
    for source, target, kind in _plan(type_name):
        for label in (source, target):
            if label not in stages:
                stages[label] = add(label, "Peek" if label.startswith("Target") else "Row Generator")
        link = stages[source].connect_output_to(stages[target])
        if kind == "REFERENCE":
            link.reference()
        if source != "S" or out_columns:
            schema = link.create_schema()
            for odbc, name, options in COLUMNS:
                field = schema.add_field(odbc, name)
                if "length" in options:
                    field.length = options["length"]


def _sdk_document(type_name: str) -> tuple[dict, bool] | None:
    for out_columns in (False, True):  # Transformer and a few others need declared output columns
        flow = sdk_batch_flow()
        try:
            _build(flow, type_name, out_columns)
            document = json.loads(flow._dag_to_json())
        except Exception:  # noqa: BLE001 - the SDK cannot write it this way
            continue
        document["pipelines"][0]["description"] = ""  # what BatchFlow._update adds when it saves the flow
        return _without_sdk_defects(document), out_columns
    return None


def _without_sdk_defects(document: dict) -> dict:
    """The SDK's document less what flowzip chooses not to copy: a Column Export with no export column set
    gets a value derivation naming column None ("ColumnExport(,None)")."""
    for node in document["pipelines"][0]["nodes"]:
        for port in node.get("outputs") or []:
            derivations = (port.get("parameters") or {}).get("valueDerivation")
            if derivations:
                kept = [d for d in derivations if d.get("columnName") is not None]
                if kept:
                    port["parameters"]["valueDerivation"] = kept
                else:
                    del port["parameters"]["valueDerivation"]
    return document


def _flowzip_document(type_name: str, out_columns: bool) -> dict:
    archive = flowzip.new()
    flow = archive.create_flow("p")
    _build(flow, type_name, out_columns)
    archive.update_flow(flow)
    return flow.flow_document


def _normalised(document: dict) -> str:
    """The document with ids replaced by names (stage labels, link names, port places), visual keys dropped."""
    names: dict[str, str] = {document["id"]: "@flow"}
    for pipeline in document["pipelines"]:
        names[pipeline["id"]] = "@pipeline"
        for node in pipeline["nodes"]:
            label = node["app_data"]["ui_data"]["label"]
            names[node["id"]] = f"@{label}"
            for side in ("inputs", "outputs"):
                for index, port in enumerate(node.get(side) or []):
                    if port.get("id"):
                        names[port["id"]] = f"@{label}.{side}[{index}]"
                    for link in port.get("links") or []:
                        names[link["id"]] = f"@link:{link['link_name']}"
                        if port.get("schema_ref"):
                            names[port["schema_ref"]] = f"@schema:{link['link_name']}"

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items() if k not in VISUAL}
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, str):
            if value in names:
                return names[value]
            if "|" in value and all(part in names for part in value.split("|")):
                return "|".join(names[part] for part in value.split("|"))
        return value

    return json.dumps(walk(document), indent=1)


TYPES = [t.type_name for t in catalog() if t.isolated_node is not None and t.op is not None]


@pytest.mark.parametrize("type_name", TYPES)
def test_the_flow_flowzip_builds_is_the_flow_the_sdk_builds(type_name: str) -> None:
    built = _sdk_document(type_name)
    if built is None:
        pytest.skip(f"the SDK cannot write a {type_name} flow of this shape offline")
    sdk, out_columns = built
    ours = _flowzip_document(type_name, out_columns)
    assert _normalised(ours) == _normalised(sdk)


@pytest.mark.parametrize("type_name", TYPES)
def test_the_shape_follows_links_that_come_and_go(type_name: str) -> None:
    # A link into a second Peek (or from a second Row Generator), made and removed again, with its stage:
    # ports, placeholders, counts, connector properties and orderings are back to what the SDK writes.
    built = _sdk_document(type_name)
    if built is None:
        pytest.skip(f"the SDK cannot write a {type_name} flow of this shape offline")
    sdk, out_columns = built
    archive = flowzip.new()
    flow = archive.create_flow("p")
    _build(flow, type_name, out_columns)
    stage = flow.stages.get(label="S")
    stage_type = catalog().get(type_name)
    if stage_type.outputs[1] != 0:
        extra = flow.add_stage("Peek", "Extra")
        link = stage.connect_output_to(extra) if stage_type.outputs[1] == -1 or stage_type.outputs[1] > len(
            stage.get_output_links()) else None
    else:
        extra = flow.add_stage("Row Generator", "Extra")
        link = extra.connect_output_to(stage) if stage_type.inputs[1] == -1 or stage_type.inputs[1] > len(
            stage.get_input_links()) else None
    if link is not None:
        flow.remove_link(link)
    flow.remove_stage(extra)
    archive.update_flow(flow)
    assert _normalised(flow.flow_document) == _normalised(sdk)
