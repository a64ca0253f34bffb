"""Column propagation: the SDK's order and rules, checked on small flows (the SDK's own results where the SDK
was run to learn them) and on every real flow."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

import flowzip
from flowzip.document.propagation import compute_link_columns, pipeline_links, propagation_order, stale_columns
from tests.conftest import real_exports, require_shared
from tests.sdkflow import sdk_batch_flow


def _flow(stages: list[tuple[str, str]], links: list[tuple[str, str, list[tuple[str, str]] | None]],
          parameters: dict[str, dict[str, Any]] | None = None) -> Any:
    """A flow flowzip built: stages (type, label), links (source, target, declared columns or None)."""
    archive = flowzip.new()
    flow = archive.create_flow("f")
    made = {label: flow.add_stage(kind, label) for kind, label in stages}
    for label, values in (parameters or {}).items():
        made[label].node["parameters"].update(values)
    for source, target, columns in links:
        link = made[source].connect_output_to(made[target])
        if columns is not None:
            schema = link.create_schema()
            for odbc, name in columns:
                schema.add_field(odbc, name)
    archive.update_flow(flow)
    return flow


def _out(flow: Any, label: str) -> list[tuple[str, str | None]]:
    link = next(link for link in flow.links if link.source is not None and link.source.label == label)
    return [(c.name, c.source) for c in link.columns]


def test_a_stage_passes_its_input_columns_on_with_their_lineage() -> None:
    flow = _flow([("Row Generator", "R"), ("Copy", "C"), ("Filter", "F"), ("Peek", "P")],
                 [("R", "C", [("BIGINT", "ID"), ("VARCHAR", "NAME")]), ("C", "F", None), ("F", "P", None)])
    into_copy = flow.links[0].name
    assert _out(flow, "C") == [("ID", f"{into_copy}.ID"), ("NAME", f"{into_copy}.NAME")]
    into_filter = next(link.name for link in flow.links if link.source.label == "C")
    assert _out(flow, "F") == [("ID", f"{into_filter}.ID"), ("NAME", f"{into_filter}.NAME")]


def test_links_are_computed_after_everything_upstream() -> None:
    # Made in the reverse order: the order of computation still follows the graph.
    flow = _flow([("Peek", "P"), ("Copy", "C2"), ("Copy", "C1"), ("Row Generator", "R")],
                 [("C2", "P", None), ("C1", "C2", None), ("R", "C1", [("INTEGER", "X")])])
    pipeline = flow.primary_pipeline
    refs = propagation_order(pipeline, pipeline_links(pipeline))
    order = [ref.source["app_data"]["ui_data"]["label"] for ref in refs]
    assert order == ["R", "C1", "C2"]
    assert [name for name, _ in _out(flow, "C2")] == ["X"]


def test_a_full_outer_join_prefixes_its_keys() -> None:
    # The SDK's result, run to learn it: R(k,a,r) + L(k,a,c), Left = R, key k ->
    # leftRec_k, a, r (from R), rightRec_k, c (from L).
    flow = _flow([("Row Generator", "R"), ("Row Generator", "L"), ("Join", "J"), ("Peek", "P")],
                 [("R", "J", [("INTEGER", "k"), ("VARCHAR", "a"), ("VARCHAR", "r")]),
                  ("L", "J", [("INTEGER", "k"), ("VARCHAR", "a"), ("VARCHAR", "c")]), ("J", "P", None)],
                 {"J": {"operator": "fullouterjoin", "keyProperties": [{"key": "k"}]}})
    left, right = (link.name for link in flow.links if link.target.label == "J")
    assert _out(flow, "J") == [("leftRec_k", f"{left}.k"), ("a", f"{left}.a"), ("r", f"{left}.r"),
                               ("rightRec_k", f"{right}.k"), ("c", f"{right}.c")]


def test_an_inner_join_keeps_the_left_columns_then_adds_new_ones() -> None:
    flow = _flow([("Row Generator", "R"), ("Row Generator", "L"), ("Join", "J"), ("Peek", "P")],
                 [("R", "J", [("INTEGER", "k"), ("VARCHAR", "a")]), ("L", "J", [("INTEGER", "k"), ("VARCHAR", "b")]),
                  ("J", "P", None)], {"J": {"keyProperties": [{"key": "k"}]}})
    assert [name for name, _ in _out(flow, "J")] == ["k", "a", "b"]
    join = next(s for s in flow.stages if s.label == "J")
    assert [e["link_label"] for e in join.node["parameters"]["InputlinkOrderingList"]] == ["Left", "Right"]


def test_a_funnel_keeps_the_columns_every_input_has_alike() -> None:
    # The SDK's result: A(a, b, c INTEGER) + B(b, a, c BIGINT, d) -> b, a (the widest input's order).
    flow = _flow([("Row Generator", "A"), ("Row Generator", "B"), ("Funnel", "F"), ("Peek", "P")],
                 [("A", "F", [("VARCHAR", "a"), ("VARCHAR", "b"), ("INTEGER", "c")]),
                  ("B", "F", [("VARCHAR", "b"), ("VARCHAR", "a"), ("BIGINT", "c"), ("VARCHAR", "d")]),
                  ("F", "P", None)])
    assert [name for name, _ in _out(flow, "F")] == ["b", "a"]


def test_an_aggregator_writes_its_keys_and_one_column_per_aggregation() -> None:
    # The SDK's result: key g, reduce x with sum, max and summary ->
    # g, x_sum, x_max, x_sum2 and the summary's seven sub-columns.
    flow = _flow([("Row Generator", "R"), ("Aggregator", "A"), ("Peek", "P")],
                 [("R", "A", [("VARCHAR", "g"), ("DOUBLE", "x")]), ("A", "P", None)],
                 {"A": {"keyProperties": [{"key": "g"}],
                        "reduceProperties": [[{"reduce": "x"}, {"sum": "x_sum"}, {"max": "x_max"},
                                              {"summary": "x_sum2"}]]}})
    names = [name for name, _ in _out(flow, "A")]
    assert names == ["g", "x_sum", "x_max", "x_sum2"] + [f"x_sum2.{part}" for part in (
        "n", "nMissing", "sumOfWeights", "minimum", "maximum", "mean", "css")]
    derivations = next(link for link in flow.links if link.source.label == "A").source_port["parameters"][
        "valueDerivation"]
    into = flow.links[0].name
    assert derivations[0] == {"columnName": "x_sum", "parsedExpression": f"Sum({into}.x)", "sourceColumn": f"{into}.x"}


def test_stages_that_add_a_column() -> None:
    cases = [("Checksum", {}, "checksum"), ("Difference", {}, "diff"), ("Surrogate Key Generator",
             {"output_key": "SK"}, "SK"), ("Sort", {"flagKey": "flagKey"}, "keyChange"),
             ("Column Generator", {"schema": ["GEN"]}, "GEN")]
    for kind, parameters, added in cases:
        inputs = [("R", "S", [("INTEGER", "X")])]
        stages = [("Row Generator", "R"), (kind, "S"), ("Peek", "P")]
        if kind == "Difference":
            stages.insert(1, ("Row Generator", "R2"))
            inputs.append(("R2", "S", [("INTEGER", "X")]))
        flow = _flow(stages, [*inputs, ("S", "P", None)], {"S": parameters})
        assert [name for name, _ in _out(flow, "S")] == ["X", added], kind


def test_stages_without_a_rule_give_no_columns() -> None:
    flow = _flow([("Row Generator", "R"), ("Peek", "P"), ("Peek", "Q")], [("R", "P", [("INTEGER", "X")])])
    peek = next(link for link in flow.links if link.target.label == "P")
    links = pipeline_links(flow.primary_pipeline)
    ref = next(r for r in links if r.link is peek.link)
    assert compute_link_columns(flow.flow_document, ref, links) is None  # a Row Generator is a source


def test_declared_columns_are_kept_and_computed_ones_follow_their_inputs() -> None:
    flow = _flow([("Row Generator", "R"), ("Copy", "C"), ("Peek", "P")],
                 [("R", "C", [("INTEGER", "X")]), ("C", "P", None)])
    into_copy = flow.links[0]
    into_copy.schema.add_field("VARCHAR", "Y")  # declared: stays; the Copy's output follows on the next save
    flow.archive.update_flow(flow)
    assert [name for name, _ in _out(flow, "C")] == ["X", "Y"]
    assert [c.name for c in flow.links[0].columns] == ["X", "Y"]


def test_a_column_dropped_upstream_is_stale_downstream() -> None:
    flow = _flow([("Row Generator", "R"), ("Copy", "C"), ("Peek", "P")],
                 [("R", "C", [("INTEGER", "X"), ("VARCHAR", "Y")]), ("C", "P", None)])
    assert stale_columns(flow.flow_document, flow.primary_pipeline) == []
    flow.links[0].schema.remove_field("Y")  # not saved: the Copy's output still carries Y
    found = stale_columns(flow.flow_document, flow.primary_pipeline)
    assert [(s.column, s.source_link, s.source_column) for s in found] == [("Y", flow.links[0].name, "Y")]


def test_every_real_flow_propagates_without_error_and_changes_nothing_it_should_not() -> None:
    require_shared()
    flows = 0
    for path in real_exports():
        if not path.is_dir():
            continue
        for flow in flowzip.open(path).flows:
            before = {s["id"] for s in flow.flow_document.get("schemas") or [] if isinstance(s, dict)}
            result = flow.propagate_columns()
            after = {s["id"] for s in flow.flow_document.get("schemas") or [] if isinstance(s, dict)}
            assert before <= after and not set(result.kept) & set(result.changed), flow.name
            flow.propagate_columns(every_link=True)  # runs on every real flow
            flows += 1
    assert flows > 100


# Configured stages, built with the SDK (its configuration attributes) and with flowzip (the JSON parameters
# the SDK writes for them): the computed columns, their lineage and the value derivations must agree.
CONFIGURED = [
    ("Pivot Enterprise", {"pivot_properties": [{"name": "PX", "derivation": "X", "sqlType": "BIGINT", "length": "12"}]},
     {"pivotProperties": [{"name": "PX", "derivation": "X", "sqlType": "BIGINT", "length": "12"}]}),
    ("Join", {"operator": "fullouterjoin", "key_properties": [{"key": "X"}]},
     {"operator": "fullouterjoin", "keyProperties": [{"key": "X"}]}),
    ("Sort", {"flag_key": "flagKey", "flag_cluster": "flagCluster"},
     {"flagKey": "flagKey", "flagCluster": "flagCluster"}),
    ("Surrogate Key Generator", {"output_key": "SK"}, {"output_key": "SK"}),
    ("Column Generator", {"schema_": ["G1", "G2"]}, {"schema": ["G1", "G2"]}),
    ("Checksum", {}, {}),
    ("Difference", {}, {}),
    ("Funnel", {}, {}),
]


def _schemas_and_derivations(document: dict) -> list:
    stages = {n["id"]: n["app_data"]["ui_data"]["label"] for n in document["pipelines"][0]["nodes"]}
    by_id = {s["id"]: s["fields"] for s in document.get("schemas") or []}
    found = []
    for node in document["pipelines"][0]["nodes"]:
        for port in node.get("outputs") or []:
            if port.get("id"):
                found.append((stages[node["id"]], by_id.get(port.get("schema_ref")),
                               (port.get("parameters") or {}).get("valueDerivation")))
    return sorted(found, key=repr)


@pytest.mark.parametrize(("kind", "sdk_settings", "parameters"), CONFIGURED, ids=[c[0] for c in CONFIGURED])
def test_configured_stages_compute_what_the_sdk_computes(kind: str, sdk_settings: dict, parameters: dict) -> None:
    sdk_flow = sdk_batch_flow()
    two = kind in ("Join", "Difference", "Funnel")
    columns = [("INTEGER", "X"), ("VARCHAR", "Y")]

    def build(add: Any, configure: Any) -> None:
        sources = [add("Row Generator", f"R{i}") for i in range(2 if two else 1)]
        stage, peek = add(kind, "S"), add("Peek", "P")
        for source in sources:
            schema = source.connect_output_to(stage).create_schema()
            for odbc, name in columns:
                schema.add_field(odbc, name)
        stage.connect_output_to(peek)
        configure(stage)

    def sdk_configure(stage: Any) -> None:
        for key, value in sdk_settings.items():
            # The SDK's rules read enum settings as enums: give them as the field's enum where it has one.
            annotation = type(stage.configuration).model_fields[key].annotation
            enums = [t for t in getattr(annotation, "__args__", (annotation,)) if isinstance(t, type)
                     and issubclass(t, enum.Enum)]
            setattr(stage.configuration, key, enums[0](value) if enums and isinstance(value, str) else value)

    build(lambda t, label: sdk_flow.add_stage(t, label), sdk_configure)
    sdk = json.loads(sdk_flow._dag_to_json())
    archive = flowzip.new()
    flow = archive.create_flow("f")
    build(lambda t, label: flow.add_stage(t, label), lambda stage: stage.node["parameters"].update(parameters))
    archive.update_flow(flow)

    def link_names(document: dict) -> list[str]:
        return sorted(link["link_name"] for node in document["pipelines"][0]["nodes"]
                      for port in node.get("inputs") or [] for link in port.get("links") or [])

    assert link_names(sdk) == link_names(flow.flow_document)  # the same link names: the lineage is comparable
    assert json.dumps(_schemas_and_derivations(flow.flow_document)) == json.dumps(_schemas_and_derivations(sdk))


def test_a_link_out_of_a_local_subflow_carries_the_columns_of_the_inner_link_it_continues() -> None:
    def port(pid: str, links: list | None = None, schema: str | None = None) -> dict:
        found: dict = {"id": pid}
        if schema:
            found["schema_ref"] = schema
        if links is not None:
            found["links"] = links
        return found

    def link(name: str, source: str, port_id: str, partner: str | None = None) -> dict:
        datastage = {"partner_link_out": partner} if partner else {}
        return {"id": f"l-{name}", "node_id_ref": source, "port_id_ref": port_id, "link_name": name,
                "app_data": {"datastage": datastage}}

    inner = {"id": "inner", "nodes": [
        {"id": "a", "type": "execution_node", "op": "PxCopy", "outputs": [port("a-out")]},
        {"id": "b", "type": "execution_node", "op": "PxPeek", "inputs": [port("b-in", [link("inner_out", "a", "a-out")],
                                                                               "s-inner")]}]}
    outer = {"id": "outer", "nodes": [
        {"id": "r", "type": "binding", "op": "PxRowGenerator", "outputs": [port("r-out")]},
        {"id": "sub", "type": "super_node", "subflow_ref": {"pipeline_id_ref": "inner"},
         "inputs": [port("sub-in", [link("into_sub", "r", "r-out")])], "outputs": [port("sub-out")]},
        {"id": "p", "type": "execution_node", "op": "PxPeek",
         "inputs": [port("p-in", [link("out_of_sub", "sub", "sub-out", partner="inner_out")])]}]}
    document = {"pipelines": [outer, inner], "schemas": [
        {"id": "s-inner", "fields": [{"name": "Z", "type": "integer", "nullable": False, "metadata": {},
                                      "app_data": {"odbc_type": "INTEGER"}}]}]}
    links = pipeline_links(outer)
    out_of_sub = next(r for r in links if r.name == "out_of_sub")
    assert [c["name"] for c in compute_link_columns(document, out_of_sub, links)] == ["Z"]
    del out_of_sub.link["app_data"]["datastage"]["partner_link_out"]
    assert compute_link_columns(document, out_of_sub, links) is None  # it continues no inner link


# --------------------------------------------------------------------------- found in review


def test_an_edit_to_computed_columns_makes_them_the_users_own() -> None:
    flow = _flow([("Row Generator", "R"), ("Copy", "C"), ("Peek", "P")],
                 [("R", "C", [("BIGINT", "ID"), ("VARCHAR", "NAME")]), ("C", "P", None)])
    out = next(link for link in flow.links if link.source.label == "C")
    out.schema.add_field("VARCHAR", "EXTRA")
    out.schema.remove_field("NAME")
    out.columns[0].nullable = True
    flow.archive.update_flow(flow)
    assert [(c.name, c.nullable) for c in out.columns] == [("ID", True), ("EXTRA", False)]


def test_computed_columns_go_when_propagation_no_longer_gives_any() -> None:
    flow = _flow([("Row Generator", "R"), ("Copy", "C"), ("Peek", "P")],
                 [("R", "C", [("INTEGER", "k")]), ("C", "P", None)])
    flow.remove_link(flow.links[0])  # the Copy has no input any more: its output carries nothing
    flow.archive.update_flow(flow)
    assert flow.links[0].columns == []
    assert flow.flow_document["schemas"] == []  # the computed schema went with it


def test_inputs_made_out_of_order_are_taken_in_the_sdks_order() -> None:
    # B -> J made before A -> J, A made first: the SDK takes A as the Join's left input (topological order).
    archive = flowzip.new()
    flow = archive.create_flow("f")
    a, b = flow.add_stage("Row Generator", "A"), flow.add_stage("Row Generator", "B")
    join, peek = flow.add_stage("Join", "J"), flow.add_stage("Peek", "P")
    into_join_b = b.connect_output_to(join).create_schema()
    into_join_b.add_field("INTEGER", "k")
    into_join_b.add_field("VARCHAR", "b")
    into_join_a = a.connect_output_to(join).create_schema()
    into_join_a.add_field("INTEGER", "k")
    into_join_a.add_field("VARCHAR", "a")
    join.connect_output_to(peek)
    archive.update_flow(flow)
    assert [name for name, _ in _out(flow, "J")] == ["k", "a", "b"]


def test_aggregation_columns_have_the_sdks_lengths() -> None:
    flow = _flow([("Row Generator", "R"), ("Aggregator", "A"), ("Peek", "P")],
                 [("R", "A", [("VARCHAR", "g"), ("DOUBLE", "x")]), ("A", "P", None)],
                 {"A": {"keyProperties": [{"key": "g"}], "reduceProperties": [[{"reduce": "x"}, {"sum": "s"},
                                                                                {"summary": "m"}]]}})
    out = next(link for link in flow.links if link.source.label == "A")
    lengths = {c.name: c.length for c in out.columns}
    assert (lengths["s"], lengths["m"], lengths["m.n"]) == (100, 6, 6)


def test_lineage_the_platform_credits_to_another_input_is_not_stale() -> None:
    # Change Capture credits its "after" columns to the "before" link; Combine Records its new column to the
    # last input: both are what the platform writes, not stale.
    for kind, parameters in (("Change Capture", {}), ("Combine Records", {"subrecname": "SUB"})):
        stages = [("Row Generator", "B"), ("Row Generator", "A"), (kind, "S"), ("Peek", "P")]
        links = [("B", "S", [("INTEGER", "k"), ("VARCHAR", "b")]), ("A", "S", [("INTEGER", "k"), ("VARCHAR", "a")])]
        if kind == "Combine Records":
            stages, links = stages[1:], links[1:]
        flow = _flow(stages, [*links, ("S", "P", None)], {"S": parameters})
        assert stale_columns(flow.flow_document, flow.primary_pipeline) == [], kind


def test_inserting_a_stage_gives_each_half_its_own_columns() -> None:
    flow = _flow([("Row Generator", "R"), ("Peek", "P")], [("R", "P", [("INTEGER", "k")])])
    flow.insert_stage(flow.links[0], "Copy", "C")
    into, out = (next(link for link in flow.links if link.target.label == label) for label in ("C", "P"))
    into.schema.add_field("VARCHAR", "only_in")
    assert [c.name for c in out.columns] == ["k"]  # not shared


def test_a_copy_of_a_flow_flowzip_made_keeps_propagating() -> None:
    flow = _flow([("Row Generator", "R"), ("Copy", "C"), ("Peek", "P")],
                 [("R", "C", [("INTEGER", "k")]), ("C", "P", None)])
    archive = flow.archive
    twin = archive.duplicate_flow(flow, "twin")
    twin.links[0].schema.add_field("VARCHAR", "more")
    archive.update_flow(twin)
    out = next(link for link in twin.links if link.source.label == "C")
    assert [c.name for c in out.columns] == ["k", "more"]


def test_malformed_documents_do_not_stop_propagation_or_lint() -> None:
    flow = _flow([("Row Generator", "R"), ("Funnel", "F"), ("Pivot Enterprise", "V"), ("Peek", "P")],
                 [("R", "F", [("INTEGER", "k")]), ("F", "V", None), ("V", "P", None)],
                 {"V": {"pivotProperties": [{"name": "x", "derivation": "k", "length": "abc"}]},
                  "F": {"InputlinkOrderingList": [{"link_label": "0", "link_name": ["not", "a", "name"]}]}})
    document = flow.flow_document
    for schema in document["schemas"]:
        for field in schema["fields"]:
            field["metadata"], field["app_data"] = ["not a dict"], "nor this"
    flow.links[0].link["app_data"] = "text"
    assert flow.propagate_columns(every_link=True) is not None
    assert stale_columns(document, flow.primary_pipeline) == []
    document["schemas"] = None
    assert flow.propagate_columns(every_link=True) is not None
