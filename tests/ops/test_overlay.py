"""Per-environment overlays: RFC 7386 merge patches and parameter defaults, on a real repository's overlays."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowzip
from flowzip.analysis.diff import diff
from flowzip.cli import cli
from flowzip.errors import OverlayError
from flowzip.ops.overlay import apply_overlays, json5_loads, merge_patch
from tests.conftest import REAL, require_shared

# RFC 7386, appendix A: (target, patch, result).
RFC_7386_EXAMPLES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "result"), RFC_7386_EXAMPLES)
def test_merge_patch_does_what_rfc_7386_says(target: object, patch: object, result: object) -> None:
    before = json.dumps(target)
    assert merge_patch(target, patch) == result
    assert json.dumps(target) == before  # the target is not changed


def test_merge_patch_keeps_the_key_order() -> None:
    assert list(merge_patch({"a": 1, "b": 2, "c": 3}, {"b": 20, "d": 4})) == ["a", "b", "c", "d"]


@pytest.mark.parametrize(("text", "value"), [
    ("{a: 1, 'b': \"x\", c: [1, 2,],}", {"a": 1, "b": "x", "c": [1, 2]}),
    ("// comment\n{/* inline */ k: 'it\\'s'}", {"k": "it's"}),
    ("{n: +1, m: -0x10, f: .5, g: 5., t: true, z: null}", {"n": 1, "m": -16, "f": 0.5, "g": 5.0, "t": True,
                                                            "z": None}),
])
def test_json5_subset(text: str, value: object) -> None:
    assert json5_loads(text) == value


@pytest.mark.parametrize("text", ["{a: NaN}", "{a: 1", "{a: @}"])
def test_bad_json5_is_refused(text: str) -> None:
    with pytest.raises(flowzip.FlowzipError):
        json5_loads(text, member="x.json5")


def test_the_real_qa_overlay(tmp_path: Path) -> None:
    require_shared()
    repository = REAL / "electromart"
    archive = flowzip.open(repository)
    result = apply_overlays(archive, [repository / "overlays" / "qa"])
    assert [(a["member"], len(a["changes"])) for a in result.applied] == [
        ("parameter_set/psDatabaseConnect.json", 1), ("parameter_set/psGlobal.json", 5)]
    out = tmp_path / "qa"
    archive.save(out)
    qa = flowzip.open(out)
    assert qa.parameter_sets.get(name="psDatabaseConnect").parameter("database")["value"] == "qa"
    changed = diff(repository, out)
    assert [m.member for m in changed.members] == ["parameter_set/psDatabaseConnect.json",
                                                   "parameter_set/psGlobal.json"]
    assert all(c.path.endswith(".value") for m in changed.members for c in m.changes)
    assert flowzip.open(repository).read_bytes("data_intg_flow/TxFactFinanceDs.json") == \
        qa.read_bytes("data_intg_flow/TxFactFinanceDs.json")


def test_overlays_apply_in_order_and_merge_patches_any_member(demo: Path, tmp_path: Path) -> None:
    common, prod = tmp_path / "common" / "parameter_set", tmp_path / "prod" / "parameter_set"
    common.mkdir(parents=True)
    prod.mkdir(parents=True)
    (common / "peek_paramset.json5").write_text("{row_count: 20}")
    (prod / "peek_paramset.json5").write_text("{row_count: 30, description: 'prod'}")
    (tmp_path / "prod" / "job").mkdir()
    (tmp_path / "prod" / "job" / "rowgen_peek.DataStage job.json").write_text(
        json.dumps({"entity": {"job": {"configuration": {"flow_limits": {"warn_limit": 5}}}}}))
    archive = flowzip.open(demo)
    result = apply_overlays(archive, [tmp_path / "common", tmp_path / "prod"])
    assert [a["overlay"] for a in result.applied] == [
        "common/parameter_set/peek_paramset.json5", "prod/job/rowgen_peek.DataStage job.json",
        "prod/parameter_set/peek_paramset.json5"]
    sets = archive.parameter_sets.get(name="peek_paramset")
    assert sets.parameter("row_count")["value"] == 30 and sets.parameter("description")["value"] == "prod"
    assert archive.flows[0].configuration.warn_limit == 5


@pytest.mark.parametrize(("name", "content", "message"), [
    ("parameter_set/absent.json5", "{a: 1}", "which the archive does not hold"),
    ("parameter_set/peek_paramset.json5", "{nope: 1}", "has no parameter 'nope'"),
    ("parameter_set/peek_paramset.json5", "{row_count: 'many'}", "int64"),
    ("job/x.json5", "{a: 1}", "belongs in parameter_set/"),
    ("connection/absent.json", "{}", "which the archive does not hold"),
    ("parameter_set/peek_paramset.json", "{", "not valid JSON"),
    # did-you-mean for a member and a parameter the overlay misspells
    ("parameter_set/peek_paramst.json5", "{a: 1}", "(did you mean parameter_set/peek_paramset.json?)"),
    ("parameter_set/peek_paramset.json5", "{row_cont: 1}", "has no parameter 'row_cont' (did you mean 'row_count'?)"),
])
def test_a_bad_overlay_writes_nothing(demo: Path, tmp_path: Path, name: str, content: str, message: str) -> None:
    overlay = tmp_path / "env"
    (overlay / name).parent.mkdir(parents=True)
    (overlay / name).write_text(content)
    before = demo.read_bytes()
    result = CliRunner().invoke(cli, ["overlay", str(demo), str(overlay), "--in-place"])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert demo.read_bytes() == before


def test_an_overlay_folder_with_no_overlay_in_it_is_an_error(demo: Path, tmp_path: Path) -> None:
    (tmp_path / "env" / "parameter_set").mkdir(parents=True)
    (tmp_path / "env" / "README.md").write_text("prod values")
    result = CliRunner().invoke(cli, ["overlay", str(demo), str(tmp_path / "env"), "--dry-run"])
    assert result.exit_code == 2 and "holds no overlay" in result.stderr, result.stderr


def test_overlay_command(demo: Path, tmp_path: Path) -> None:
    (tmp_path / "env" / "parameter_set").mkdir(parents=True)
    (tmp_path / "env" / "parameter_set" / "peek_paramset.json5").write_text("{row_count: 77}")
    dry = CliRunner().invoke(cli, ["overlay", str(demo), str(tmp_path / "env"), "--dry-run", "--json"])
    assert dry.exit_code == 0
    data = json.loads(dry.output)
    assert data["written"] is None and data["diff"]["members"][0]["member"] == "parameter_set/peek_paramset.json"
    copy = tmp_path / "copy.zip"
    shutil.copy(demo, copy)
    done = CliRunner().invoke(cli, ["overlay", str(copy), str(tmp_path / "env"), "--in-place"])
    assert done.exit_code == 0 and "row_count = 77" in done.output
    assert flowzip.open(copy).parameter_sets.get(name="peek_paramset").parameter("row_count")["value"] == 77
    with pytest.raises(OverlayError):
        apply_overlays(flowzip.open(demo), [tmp_path / "missing"])
