"""The two SDK pages flowzip started from run as written: every ``>>>`` line of both, in order.

Each block of consecutive ``>>>`` lines runs in the state the page's prose describes (a project, a batch
flow with a Row Generator linked to a Peek, a flow using a parameter set, an export to import), names a
block defines stay for the blocks after it, as a reader typing the page would have them.  Offline there is
nothing to wait for: ``time.sleep`` returns at once.
"""

from __future__ import annotations

import os
import types
from pathlib import Path

import pytest

import flowzip
from tests.conftest import REPO, SHARED, require_shared

SEEDS = SHARED / "seeds"
DEMO = REPO / "fixtures" / "demo" / "paramset.zip"


def _blocks(page: Path) -> list[list[str]]:
    """The page's runs of consecutive ``>>>`` lines (comment-only and empty prompts dropped)."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith(">>>"):
            code = line[4:]
            if code.strip() and not code.lstrip().startswith("#"):
                current.append(code)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _state(folder: Path) -> dict:
    """The names the page takes for granted."""
    project = flowzip.new()
    # "batch_flow": a flow with a Row Generator linked to a Peek.
    batch_flow = project.create_flow("batch flow", flow_type="batch")
    batch_flow.add_stage("Row Generator", "Row_Generator").connect_output_to(batch_flow.add_stage("Peek", "Peek"))
    project.update_flow(batch_flow)
    # "a batch flow that uses a parameter set named myparamset and a local variable named localparam1"
    with_parameters = project.create_flow("flow with parameters", flow_type="batch")
    project.write_json("parameter_set/myparamset.json", {"parameter_set": {
        "name": "myparamset", "description": "", "value_sets": [],
        "parameters": [{"subtype": "", "name": "param1", "type": "string", "prompt": "", "value": "x"}]}})
    parameter_set = project.parameter_sets.get("myparamset")
    parameter_set.add_value_set("value_set_1", values={"param1": "y"})
    project.update_parameter_set(parameter_set)
    with_parameters.use_parameter_set(parameter_set)
    with_parameters.add_local_parameter("string", "localparam1", "a local parameter", value="")
    project.update_flow(with_parameters)
    (folder / "flows_to_import.zip").write_bytes(DEMO.read_bytes())
    sleep = types.SimpleNamespace(sleep=lambda seconds: None)  # offline, an import is done when it returns
    return {"project": project, "batch_flow": batch_flow, "batch_flow_with_parameters": with_parameters,
            "flow": batch_flow, "time": sleep}


@pytest.mark.parametrize("page", ["000_7b553675479559fa.txt", "001_d8cd6f3501786163.txt"])
def test_every_line_of_the_seed_pages_runs(page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    require_shared()
    monkeypatch.chdir(tmp_path)
    blocks = _blocks(SEEDS / page)
    assert sum(map(len, blocks)) > 30
    namespace = _state(tmp_path)
    shared_flow = namespace["batch_flow"]
    failures = []
    for number, block in enumerate(blocks):
        # "Connecting Stages" makes its Row Generator and Peek itself: in a new flow, which the page's later
        # blocks go on with.
        if any("add_stage('Row Generator'" in line for line in block):
            shared_flow = namespace["project"].create_flow(f"flow {number}")
        namespace["batch_flow"] = shared_flow
        # "Alternative: Using BatchStageInfo" adds the stage the block before added, another way: it runs on
        # the flow as it was before that block (flowzip keeps labels unique, where the SDK would make two).
        if block[0].startswith("available_stages = "):
            shared_flow.remove_stage(shared_flow.stages.get(label="Amazon RDS"))
        for line in block:
            try:
                exec(compile(line, f"<{page}>", "single"), namespace)  # noqa: S102 - the page's own lines
            except Exception as exc:  # noqa: BLE001 - every failing line is listed
                failures.append(f"{line!r}: {type(exc).__name__}: {exc}")
    assert failures == []
    assert os.path.exists(tmp_path / "flows.zip") or page.startswith("001")  # export_flow(flow=flow) wrote it
