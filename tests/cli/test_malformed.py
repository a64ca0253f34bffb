"""No internal error from a document: every command meets malformed members with a finding or one line."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowzip
from flowzip.cli import cli


def _good() -> dict:
    archive = flowzip.new()
    flow = archive.create_flow("load")
    rows = flow.add_stage("Row Generator", "rows")
    rows.connect_output_to(flow.add_stage("Peek", "shown"), name="lnk")
    flow.add_markdown_comment("note").connect_to(rows)
    return json.loads(json.dumps(flow.document))


def _nodes(doc: dict) -> list:
    return doc["pipelines"][0]["nodes"]


MALFORMED: dict[str, Callable[[dict], None]] = {
    "label is a number": lambda d: _nodes(d)[0]["app_data"]["ui_data"].update(label=5),
    "label is a lone surrogate": lambda d: _nodes(d)[0]["app_data"]["ui_data"].update(label="\ud800x"),
    "a node is null": lambda d: _nodes(d).append(None),
    "a node is text": lambda d: _nodes(d).append("node"),
    "nodes is an object": lambda d: d["pipelines"][0].update(nodes={"a": 1}),
    "ui_data is a list": lambda d: _nodes(d)[0]["app_data"].update(ui_data=[1]),
    "app_data is text": lambda d: _nodes(d)[1].update(app_data="x"),
    "a port is a number": lambda d: _nodes(d)[1].update(inputs=[5]),
    "links is an object": lambda d: _nodes(d)[1]["inputs"][0].update(links={"x": 1}),
    "a link id is a list": lambda d: _nodes(d)[1]["inputs"][0]["links"][0].update(node_id_ref=["x"]),
    "a node id is an object": lambda d: _nodes(d)[0].update(id={"x": 1}),
    "positions are text": lambda d: _nodes(d)[0]["app_data"]["ui_data"].update(x_pos="a", y_pos=None),
    "parameters is a list": lambda d: _nodes(d)[0].update(parameters=[1, 2]),
    "comments is an object": lambda d: d["pipelines"][0]["app_data"]["ui_data"].update(comments={"a": 1}),
    "a comment's refs are text": lambda d: d["pipelines"][0]["app_data"]["ui_data"]["comments"][0].update(
        associated_id_refs="x"),
    "external_paramsets is an object": lambda d: d.update(external_paramsets={"a": 1}),
    "local_parameters is text": lambda d: d.update(parameters={"local_parameters": "x"}),
    "primary pipeline names nothing": lambda d: d.update(primary_pipeline=5),
    "pipelines hold a number": lambda d: d["pipelines"].append(7),
    "schemas is text": lambda d: d.update(schemas="x"),
    "nested 900 levels deep": lambda d: d["pipelines"][0].update(deep=_deep(900)),
    "parameters is null": lambda d: _nodes(d)[0].update(parameters=None),
    "a local parameter's name is true": lambda d: d["parameters"]["local_parameters"].append({"name": True}),
    "the pipeline's ui_data is null": lambda d: d["pipelines"][0]["app_data"].update(ui_data=None),
    "a link's type is a number": lambda d: _nodes(d)[1]["inputs"][0]["links"][0].update(type_attr=5),
    "a comment's id is an object": lambda d: _comments(d)[0].update(id={"x": 1}),
    "a comment's content is a number": lambda d: _comments(d)[0].update(content=5),
    "a comment's width is text": lambda d: _comments(d)[0].update(width="s", height=None),
    "a parameter set's name is an object": lambda d: d.update(external_paramsets=[{"name": {"x": 1}}]),
    "a port's app_data is text": lambda d: _nodes(d)[0]["outputs"][0].update(app_data="s"),
    "a node is empty": lambda d: _nodes(d).__setitem__(0, {}),
}


def _comments(doc: dict) -> list:
    return doc["pipelines"][0]["app_data"]["ui_data"]["comments"]


def _deep(levels: int) -> list:
    value: list = []
    for _ in range(levels):
        value = [value]
    return value

COMMANDS = [
    ["show", "{a}", "load"], ["stage", "ls", "{a}", "load"], ["stage", "links", "{a}", "load", "shown"],
    ["check", "{a}"], ["lint", "--select", "ALL", "{a}"], ["ls", "{a}"],
    ["render", "{a}", "load", "-o", "{out}.svg"], ["arrange", "{a}", "-o", "{out}.zip"],
    ["diff", "{b}", "{a}"], ["diff", "--format", "patch", "{b}", "{a}"],
    ["export", "{a}", "--flow", "load", "-o", "{out}.zip"], ["split", "{a}", "-o", "{out}"],
    ["flow", "rename", "{a}", "load", "daily", "-o", "{out}.zip"],
    ["flow", "dup", "{a}", "load", "copy", "-o", "{out}.zip"],
    ["stage", "add", "{a}", "load", "Peek", "-o", "{out}.zip"],
    ["stage", "rm", "{a}", "load", "shown", "-o", "{out}.zip"],
    ["params", "ls", "{a}", "load"], ["settings", "get", "{a}", "load"],
    ["import", "{b}", "{a}", "--dry-run"], ["comment", "add", "{a}", "load", "x", "-o", "{out}.zip"],
    ["stage", "set", "{a}", "load", "rows", "records=5", "-o", "{out}.zip"], ["params", "ls", "{a}"],
]


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_every_command_meets_a_malformed_flow_without_an_internal_error(tmp_path: Path, case: str) -> None:
    doc = _good()
    MALFORMED[case](doc)
    archive = flowzip.new()
    text = json.dumps(doc, ensure_ascii=False)
    archive.write_bytes("data_intg_flow/load.json", text.encode("utf-8", "surrogatepass"))
    archive.save(tmp_path / "a.zip")
    good = flowzip.new()
    good.write_json("data_intg_flow/load.json", _good())
    good.save(tmp_path / "b.zip")
    failures = []
    for number, command in enumerate(COMMANDS):
        args = [a.format(a=tmp_path / "a.zip", b=tmp_path / "b.zip", out=tmp_path / f"out{number}") for a in command]
        result = CliRunner().invoke(cli, args)
        if "internal error" in result.stderr or result.exit_code not in (0, 1, 2) or (
                result.exit_code == 2 and result.stderr.count("\n") != 1):
            failures.append(f"{' '.join(command[:2])}: {result.exit_code} {result.stderr.strip()[:150]}")
    assert failures == []


#: Parameter sets and jobs of the wrong shape, and the commands that read them.
OTHER_MEMBERS: dict[str, tuple[str, dict]] = {
    "parameters is text": ("parameter_set/ps.json", {"parameter_set": {"name": "ps", "parameters": "x"}}),
    "a value set's values are text": ("parameter_set/ps.json", {"parameter_set": {
        "name": "ps", "parameters": [{"name": "a", "type": "string"}], "value_sets": [{"name": "v", "values": "x"}]}}),
    "a parameter's name is a list": ("parameter_set/ps.json", {"parameter_set": {"parameters": [{"name": [1]}]}}),
    "a job's configuration is a list": ("job/load.DataStage job.json", {"entity": {"job": {
        "flow_name": "load", "configuration": [1]}}}),
    "a job's parameter sets are text": ("job/load.DataStage job.json", {"entity": {"job": {
        "flow_name": "load", "parameter_sets": "x"}}}),
    "a job's flow name is a number": ("job/load.DataStage job.json", {"entity": {"job": {"flow_name": 5}}}),
}
OTHER_COMMANDS = [
    ["check", "{a}"], ["lint", "--select", "ALL", "{a}"], ["params", "ls", "{a}"], ["params", "ls", "{a}", "load"],
    ["settings", "get", "{a}", "load"], ["settings", "set", "{a}", "load", "--warn-limit", "5", "-o", "{out}.zip"],
    ["diff", "{b}", "{a}"], ["import", "{b}", "{a}", "--dry-run"], ["export", "{a}", "--flow", "load", "-o", "{out}"],
]


@pytest.mark.parametrize("case", sorted(OTHER_MEMBERS))
def test_every_command_meets_a_malformed_set_or_job_without_an_internal_error(tmp_path: Path, case: str) -> None:
    name, document = OTHER_MEMBERS[case]
    archive = flowzip.new()
    archive.write_json("data_intg_flow/load.json", _good())
    archive.write_json(name, document)
    archive.save(tmp_path / "a.zip")
    good = flowzip.new()
    good.write_json("data_intg_flow/load.json", _good())
    good.save(tmp_path / "b.zip")
    failures = []
    for number, command in enumerate(OTHER_COMMANDS):
        args = [a.format(a=tmp_path / "a.zip", b=tmp_path / "b.zip", out=tmp_path / f"out{number}") for a in command]
        result = CliRunner().invoke(cli, args)
        if "internal error" in result.stderr or result.exit_code not in (0, 1, 2) or (
                result.exit_code == 2 and result.stderr.count("\n") != 1):
            failures.append(f"{' '.join(command[:2])}: {result.exit_code} {result.stderr.strip()[:150]}")
    assert failures == []
