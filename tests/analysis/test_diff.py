"""The semantic diff, on the real history of two documents and on edits made with the editing API."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import flowzip
from flowzip import jsonio
from flowzip.analysis.diff import diff, flow_changes
from flowzip.document.patch import apply_patch
from tests.conftest import REAL, require_shared

HISTORY = REAL / "drew-cp4d-prod1-git-test-history"
FLOW = "datastage/data_intg_flow/TestFlow2.json"
SUBFLOW = "datastage/data_intg_subflow/TestSubflow1.json"


def _rows(a: str, b: str, member: str, *, ignore_ui: bool = False) -> list[tuple]:
    require_shared()
    result = diff(HISTORY / a / member, HISTORY / b / member, ignore_ui=ignore_ui)
    return [(c.kind, c.scope, c.name, c.path, c.ui) for m in result.members for c in m.changes]


# Real edits, read off the two files by hand.
def test_two_stages_and_a_link_added_and_the_description_edited() -> None:
    assert _rows("a9d2920", "bca0a88", FLOW) == [
        ("changed", "flow", None, "pipeline primary.description", False),
        ("changed", "flow", None, "pipeline primary.runtime_ref", False),
        ("added", "stage", "Row_Generator_1", "", False),
        ("added", "stage", "Peek_1", "", False),
        ("added", "link", "Row_Generator_1 -> Peek_1: Link_1", "", False),
    ]


def test_a_connection_moved_to_another_project() -> None:
    assert _rows("574d5d7", "f25475b", FLOW) == [
        ("changed", "stage", "DummyConnection_1", "connection.ref", False),
        ("changed", "stage", "DummyConnection_1", "connection.project_ref", False),
    ]


def test_decoration_churn_is_ui_and_ignore_ui_hides_it() -> None:
    rows = _rows("0b2e201", "0bf92ec", SUBFLOW)
    assert rows == [
        ("changed", "flow", None, "pipeline primary.description", False),
        ("added", "stage", "DummyConnection_1", "", False),
        ("changed", "link", "Row_Generator_1 -> Peek_1: Link_1", "ui_data.decorations[dec-8].width", True),
    ]
    assert _rows("0b2e201", "0bf92ec", SUBFLOW, ignore_ui=True) == [r for r in rows if not r[-1]]


# An independent reading of the same pairs: walk both raw documents, items matched by id, and say which
# stage, comment or part of the flow each differing value belongs to.  The diff must name exactly those.
VOLATILE = {"id", "node_id_ref", "port_id_ref", "schema_ref", "is_source_of_link", "pipeline_id_ref"}


def _raw_differences(a: Any, b: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for key in set(a) | set(b):
            if key in VOLATILE:
                continue
            if key not in a or key not in b:
                found.append(path + (key,))
            else:
                found += _raw_differences(a[key], b[key], path + (key,))
        return found
    if isinstance(a, list) and isinstance(b, list):
        if all(isinstance(x, dict) and "id" in x for x in a + b):
            ids_a, ids_b = {x["id"]: x for x in a}, {x["id"]: x for x in b}
            found = [path + (("id", i),) for i in set(ids_a) ^ set(ids_b)]
            for i in set(ids_a) & set(ids_b):
                found += _raw_differences(ids_a[i], ids_b[i], path + (("id", i),))
            return found
        return [] if a == b else [path]
    return [] if a == b and type(a) is type(b) else [path]


def _owner(path: tuple, labels: dict[str, str], schema_users: dict[str, set[str]]) -> set[str]:
    """Which stage(s), comment or flow a raw path belongs to."""
    if len(path) >= 4 and path[0] == "pipelines" and path[2] == "nodes":
        node = path[3][1] if isinstance(path[3], tuple) else None
        return {f"stage {labels.get(node, node)}"}
    if "comments" in path:
        return {"comment"}
    if path and path[0] == "schemas":
        schema = path[1][1] if len(path) > 1 and isinstance(path[1], tuple) else None
        return {f"stage {s}" for s in schema_users.get(schema, set())} or {"flow"}
    if path[:2] == ("parameters", "local_parameters"):
        return {"parameter"}
    if path and path[0] == "external_paramsets":
        return {"parameter set"}
    return {"flow"}


def _index(doc: dict) -> tuple[dict[str, str], dict[str, set[str]]]:
    labels, users = {}, {}
    for pipeline in doc["pipelines"]:
        for node in pipeline["nodes"]:
            label = node["app_data"]["ui_data"]["label"]
            labels[node["id"]] = label
            for port in node.get("inputs", []) + node.get("outputs", []):
                if port.get("schema_ref"):
                    users.setdefault(port["schema_ref"], set()).add(label)
    return labels, users


def _semantic_owners(changes: list) -> set[str]:
    owners = set()
    for change in changes:
        if change.scope == "key order":
            continue
        if change.scope == "link":  # a link lives in the target stage's input port, its source in an output port
            ends = change.name.split(": ")[0].split(" -> ")
            owners |= {f"stage {ends[1]}"} | ({f"stage {ends[0]}"} if change.kind != "changed" else set())
        elif change.scope == "stage":
            owners.add(f"stage {change.name}")
        else:
            owners.add(change.scope)
    return owners


@pytest.mark.parametrize("member", [FLOW, SUBFLOW])
def test_on_every_pair_of_real_versions_the_diff_names_exactly_what_changed(member: str) -> None:
    require_shared()
    versions = sorted(HISTORY.glob(f"*/{member}"))
    assert len(versions) == 10
    for first, second in itertools.permutations(versions, 2):
        a, b = jsonio.loads(first.read_bytes()), jsonio.loads(second.read_bytes())
        labels_a, users_a = _index(a)
        labels_b, users_b = _index(b)
        labels = {**labels_a, **labels_b}
        users = {k: users_a.get(k, set()) | users_b.get(k, set()) for k in set(users_a) | set(users_b)}
        raw = set()
        for path in _raw_differences(a, b):
            raw |= _owner(path, labels, users)
        semantic = _semantic_owners(flow_changes(a, b))
        # A link's source stage changes in the raw files only by the id of the link it starts (volatile).
        assert semantic - {"flow"} <= raw | {o for o in semantic if o.startswith("stage ")}, (first, second)
        assert raw - {"flow"} <= semantic, (first, second, raw - semantic)
        assert ("flow" in raw) == ("flow" in semantic), (first, second)


def test_only_canvas_changes_are_marked_ui() -> None:
    require_shared()
    for member in (FLOW, SUBFLOW):
        for first, second in itertools.permutations(sorted(HISTORY.glob(f"*/{member}")), 2):
            for change in diff(first, second).members[0].changes if diff(first, second) else []:
                if change.ui:
                    assert change.scope == "key order" or "ui_data" in change.path or change.path.split(".")[0] in (
                        "x_pos", "y_pos", "width", "height", "class_name", "style"), change
                else:
                    assert "ui_data." not in change.path or "ui_data.label" in change.path, change


def test_archives_trees_and_files_and_the_patches(tmp_path: Path) -> None:
    require_shared()
    first, second = HISTORY / "a9d2920", HISTORY / "0bf92ec"
    result = diff(first, second, patches=True)
    assert [(m.member, m.status) for m in result.members] == [
        ("data_intg_flow/TestFlow2.json", "removed"), ("data_intg_subflow/TestSubflow1.json", "added")]
    assert result.patches() == {}
    assert not diff(first, first)
    same_flow = diff(HISTORY / "a9d2920" / FLOW, HISTORY / "bca0a88" / FLOW, patches=True)
    (member, patch), = same_flow.patches().items()
    patched = apply_patch(jsonio.loads((HISTORY / "a9d2920" / FLOW).read_bytes()), patch)
    assert jsonio.dumps_like(patched, (HISTORY / "a9d2920" / FLOW).read_bytes()) == \
        (HISTORY / "bca0a88" / FLOW).read_bytes()
    data = same_flow.to_dict()
    assert data["different"] and data["members"][0]["changes"][2]["name"] == "Row_Generator_1"


# Random edit sequences made with the editing API: the patch of the diff turns A into B, byte for byte.
EDITS = st.lists(st.sampled_from(["add", "remove", "set", "rename_link", "arrange", "comment", "describe"]),
                 min_size=1, max_size=5)


def _edit(archive: flowzip.Archive, edits: list[str]) -> None:
    flow = archive.flows.get(name="rowgen_peek")
    for number, edit in enumerate(edits):
        stages = list(flow.stages)
        if edit == "add":
            flow.add_stage("Sort" if number % 2 else "Copy")
        elif edit == "remove" and len(stages) > 1:
            flow.remove_stage(stages[-1])
        elif edit == "set":
            peek = [s for s in stages if s.type == "Peek"]
            if peek:
                peek[0].configuration.nrecs = 100 + number  # the demo has 10: always a change
        elif edit == "rename_link" and flow.links:
            flow.links[0].name = f"Lnk_{number}"
        elif edit == "arrange":
            flow.auto_arrange()
        elif edit == "comment":
            flow.add_markdown_comment(f"note {number}")
        else:
            flow.description = f"edit {number}"
    archive.update_flow(flow)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EDITS)
def test_patch_of_the_diff_gives_b_for_random_edit_sequences(demo: Path, tmp_path: Path, edits: list[str]) -> None:
    after = tmp_path / f"after-{abs(hash(tuple(edits)))}.zip"
    archive = flowzip.open(demo)
    _edit(archive, edits)
    archive.save(after)
    result = diff(demo, after, patches=True)
    original, edited = flowzip.open(demo), flowzip.open(after)
    for name, patch in result.patches().items():
        member = original.member(name)
        member.set_json(apply_patch(member.json(), patch))
    assert [m.name for m in original.members] == [m.name for m in edited.members]
    for member in original.members:  # every member now reads as B's, byte for byte
        assert member.read() == edited.read_bytes(member.name), (edits, member.name)
    copy = tmp_path / "copy.zip"
    shutil.copy(demo, copy)
    assert not diff(demo, copy)


def test_stage_changes_name_the_stage_type_as_show_does(demo: Path) -> None:
    before, after = flowzip.open(demo), flowzip.open(demo)
    flow = after.flows.get(name="rowgen_peek")
    flow.stages.get(label="Peek_1").configuration.nrecs = 7
    flow.add_stage("Sort", "sort_rows")
    after.update_flow(flow)
    changes = diff(before, after).members[0].changes
    assert {(c.kind, c.name, c.stage_type) for c in changes if c.scope == "stage"} == {
        ("changed", "Peek_1", "Peek"), ("added", "sort_rows", "Sort")}
