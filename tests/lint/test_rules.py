"""Every rule, data-driven: one archive on which it fires, one on which it does not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import flowzip
import flowzip.errors
from flowzip.lint import LintConfig, all_rules, lint_archive
from flowzip.lint.engine import Context
from tests.zipbuild import make_zip

Builder = Callable[[Path], flowzip.Archive]


def good_flow(archive: flowzip.Archive, name: str = "load") -> flowzip.Flow:
    """A small, clean flow: rows -> sorted -> shown, with non-default names."""
    flow = archive.create_flow(name)
    rows, sort, peek = flow.add_stage("Row Generator", "rows"), flow.add_stage("Sort", "sorted"), \
        flow.add_stage("Peek", "shown")
    columns = rows.connect_output_to(sort, name="lnkRows").create_schema()
    columns.add_field("BIGINT", "ID")
    columns.add_field("VARCHAR", "NAME")
    sort.connect_output_to(peek, name="lnkSorted")
    archive.update_flow(flow)  # lnkSorted gets the columns propagation gives it, with their lineage
    return flow


def base(tmp_path: Path) -> flowzip.Archive:
    archive = flowzip.new()
    archive.write_json("DataStage-README.json", {"project_name": "p", "project_id": "pid", "assets": [],
                                                 "flow_job_mapping": []})
    good_flow(archive)
    archive.write_bytes("ENCRYPTED", b"INTERNAL")
    return archive


def edited(mutate: Callable[[dict], None], name: str = "load") -> Builder:
    def build(tmp_path: Path) -> flowzip.Archive:
        archive = base(tmp_path)
        doc = archive.read_json(f"data_intg_flow/{name}.json")
        mutate(doc)
        archive.write_json(f"data_intg_flow/{name}.json", doc)
        return archive
    return build


def nodes(doc: dict) -> list[dict]:
    return doc["pipelines"][0]["nodes"]


def with_members(members: dict[str, bytes]) -> Builder:
    def build(tmp_path: Path) -> flowzip.Archive:
        tmp_path.mkdir(parents=True, exist_ok=True)
        path = tmp_path / "a.zip"
        archive = base(tmp_path)
        for name, data in members.items():
            archive.write_bytes(name, data)
        archive.save(path)
        return flowzip.open(path)
    return build


def from_zip(files: dict[str, bytes]) -> Builder:
    def build(tmp_path: Path) -> flowzip.Archive:
        tmp_path.mkdir(parents=True, exist_ok=True)
        path = tmp_path / "a.zip"
        path.write_bytes(make_zip(files))
        return flowzip.open(path)
    return build


def with_job(body: dict) -> Builder:
    def build(tmp_path: Path) -> flowzip.Archive:
        archive = base(tmp_path)
        archive.write_json("job/load.DataStage job.json", {"metadata": {"name": "load.DataStage job"},
                                                           "entity": {"job": {"flow_name": "load", **body}}})
        return archive
    return build


def with_parameter_set(body: dict) -> Builder:
    def build(tmp_path: Path) -> flowzip.Archive:
        archive = base(tmp_path)
        archive.write_json("parameter_set/ps.json", {"parameter_set": {"name": "ps", **body}})
        return archive
    return build


def with_connection(properties: dict) -> Builder:
    def build(tmp_path: Path) -> flowzip.Archive:
        archive = base(tmp_path)
        archive.write_json("connection/pg.json", {"name": "pg", "datasource_type": "x", "properties": properties})
        return archive
    return build


def _set(path: list, value: object) -> Callable[[dict], None]:
    def mutate(doc: dict) -> None:
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return mutate


def _add_manifest_asset(name: str, type_: str) -> Builder:
    def build(tmp_path: Path) -> flowzip.Archive:
        archive = base(tmp_path)
        doc = archive.read_json("DataStage-README.json")
        doc["assets"].append({"name": name, "type": type_})
        archive.write_json("DataStage-README.json", doc)
        return archive
    return build


def _cycle(doc: dict) -> None:
    rows, sort, peek = nodes(doc)
    # shown -> sorted closes a loop sorted -> shown -> sorted.
    peek["outputs"] = [{"id": "loop-out", "app_data": {"datastage": {"is_source_of_link": "loop"}}}]
    sort["inputs"].append({"id": "loop-in", "links": [{"id": "loop", "node_id_ref": peek["id"],
                                                        "port_id_ref": "loop-out", "link_name": "lnkBack",
                                                        "type_attr": "PRIMARY"}]})


def _second_input(doc: dict) -> None:
    peek = nodes(doc)[2]
    source = nodes(doc)[0]
    source["outputs"].append({"id": "extra-out", "app_data": {"datastage": {"is_source_of_link": "extra"}}})
    peek["inputs"].append({"id": "extra-in", "links": [{"id": "extra", "node_id_ref": source["id"],
                                                         "port_id_ref": "extra-out", "link_name": "lnkExtra",
                                                         "type_attr": "PRIMARY"}]})
    for node in (source, peek):
        node["parameters"]["input_count" if node is peek else "output_count"] += 1


def _duplicate_label(doc: dict) -> None:
    nodes(doc)[2]["app_data"]["ui_data"]["label"] = "sorted"


def _duplicate_link_name(doc: dict) -> None:
    nodes(doc)[2]["inputs"][0]["links"][0]["link_name"] = "lnkRows"


def _dangling(doc: dict) -> None:
    nodes(doc)[2]["inputs"][0]["links"][0]["node_id_ref"] = "no-such-node"


def _duplicate_id(doc: dict) -> None:
    nodes(doc)[2]["id"] = nodes(doc)[1]["id"]


def _stale_count(doc: dict) -> None:
    nodes(doc)[1]["parameters"]["input_count"] = 3


def _unlinked(doc: dict) -> None:
    lone = json.loads(json.dumps(nodes(doc)[2]))
    lone["id"], lone["app_data"]["ui_data"]["label"] = "lone", "lonely"
    lone["inputs"] = [{"id": ""}]
    nodes(doc).append(lone)


def _unknown_op(doc: dict) -> None:
    nodes(doc)[1]["op"] = "MyOwnOperator"


def _unresolved(doc: dict) -> None:
    nodes(doc)[0]["parameters"]["records"] = "#psMissing.count#"


def _unused_local(doc: dict) -> None:
    doc["parameters"]["local_parameters"].append({"name": "unused_one", "type": "string", "value": "x"})


def _missing_set(doc: dict) -> None:
    doc["external_paramsets"].append({"name": "psAbsent", "ref": "r"})


def _missing_connection(doc: dict) -> None:
    nodes(doc)[0]["connection"] = {"name": "absent_conn", "ref": "1234", "properties": {}}


def _missing_migrated_connection(doc: dict) -> None:
    nodes(doc)[0]["connection"] = {"ref": "app_defined", "properties": {},
                                   "connData": {"op": "existing-asset", "connectionName": "absent_conn"}}


def _missing_subflow(doc: dict) -> None:
    nodes(doc).append({"type": "super_node", "id": "sn", "subflow_ref": {
        "name": "scAbsent", "url": "https://h/data_intg/v3/data_intg_flows/subflows/x", "pipeline_id_ref": "p"},
        "app_data": {"ui_data": {"label": "sub"}}, "inputs": [], "outputs": []})


def _missing_build_stage(doc: dict) -> None:
    nodes(doc)[1]["op"] = "MyBuildOp"
    nodes(doc)[1]["app_data"]["datastage"] = {"custom_optype": 1, "custom_op_asset_id": "abc"}


def _table_def(doc: dict) -> None:
    doc["schemas"].append({"id": "s1", "fields": [{"name": "ID", "type": "integer",
                                                     "app_data": {"table_def": "CUSTOMER"}}]})


def _embedded_password(doc: dict) -> None:
    nodes(doc)[0]["connection"] = {"ref": "local", "properties": {"password": "hunter2"}}


def _dropped_upstream(doc: dict) -> None:
    # NAME leaves lnkRows; lnkSorted still carries it, its lineage lnkRows.NAME now naming nothing.
    rows_port = next(p for n in nodes(doc) for p in n.get("inputs") or [] if p.get("links")
                     and p["links"][0]["link_name"] == "lnkRows")
    schema = next(s for s in doc["schemas"] if s["id"] == rows_port["schema_ref"])
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "NAME"]


def _default_names(doc: dict) -> None:
    nodes(doc)[0]["app_data"]["ui_data"]["label"] = "Row_Generator_1"


CASES: dict[str, tuple[Builder, Builder]] = {
    "FZA002": (with_members({"job/broken.json": b"{"}), base),
    "FZA003": (with_members({"data_intg_flow/LOAD.json": b"{}"}), base),
    "FZA004": (with_members({"parameter_set/.DS_Store": b"\0"}), base),
    "FZA005": (_add_manifest_asset("absent", "data_intg_flow"), _add_manifest_asset("load", "data_intg_flow")),
    "FZA006": (lambda p: _unlisted(p), _add_manifest_asset("load", "data_intg_flow")),
    "FZA007": (with_members({"px_executables/load.zip": b"x", "px_executables/load/load.zip": b"x"}),
               with_members({"px_executables/load.zip": b"x"})),
    "FZI001": (edited(_dangling), base),
    "FZI003": (edited(_duplicate_id), base),
    "FZI004": (edited(_stale_count), base),
    "FZG001": (edited(_cycle), base),
    "FZG002": (edited(_unlinked), base),
    "FZG003": (edited(_second_input), base),
    "FZG004": (edited(_unknown_op), base),
    "FZN001": (edited(_duplicate_label), base),
    "FZN002": (edited(_duplicate_link_name), base),
    "FZN003": (edited(_default_names), base),
    "FZD001": (edited(_missing_set), base),
    "FZD002": (edited(_missing_connection), base),
    "FZD003": (edited(_missing_subflow), base),
    "FZD004": (edited(_missing_build_stage), base),
    "FZD005": (lambda p: _orphan_job(p), with_job({})),
    "FZD006": (edited(_table_def), base),
    "FZP001": (edited(_unresolved), base),
    "FZP002": (edited(_unused_local), base),
    "FZP003": (with_parameter_set({"parameters": [{"name": "pw", "type": "encrypted", "value": "hunter2"}]}),
               with_parameter_set({"parameters": [{"name": "pw", "type": "encrypted", "value": "{dsmenc}abc"}]})),
    "FZR001": (with_job({"retention_policy": {"days": 0}}), with_job({"retention_policy": {"days": 5}})),
    "FZX001": (with_connection({"password": "hunter2"}), with_connection({"password": "{dsmenc}AAAA"})),
    "FZX002": (with_connection({"access_key": "AKIA" + "ABCDEFGHIJKLMNOP"}),
               with_connection({"access_key": "#psAws.key#"})),
    "FZX003": (lambda p: _no_marker(p), with_connection({"password": "{dsmenc}AAAA"})),
    "FZS001": (edited(_set(["version"], "2.0")), base),
    "FZS002": (lambda p: _subflow_with_name(p), base),
    "FZC001": (edited(_dropped_upstream), base),
}
EXTRA = {"FZX001-flow": (edited(_embedded_password), base),
         "FZD002-migrated": (edited(_missing_migrated_connection), base)}


def _unlisted(tmp_path: Path) -> flowzip.Archive:
    archive = base(tmp_path)
    archive.write_json("parameter_set/psAdded.json", {"parameter_set": {"name": "psAdded"}})  # not in the manifest
    return archive


def _orphan_job(tmp_path: Path) -> flowzip.Archive:
    archive = with_job({})(tmp_path)
    archive.delete_flow("load")
    return archive


def _no_marker(tmp_path: Path) -> flowzip.Archive:
    archive = with_connection({"password": "{dsmenc}AAAA"})(tmp_path)
    archive.remove("ENCRYPTED")
    return archive


def _subflow_with_name(tmp_path: Path) -> flowzip.Archive:
    archive = base(tmp_path)
    doc = archive.read_json("data_intg_flow/load.json")
    doc["doc_type"] = "subpipeline"
    doc["name"] = "scLoad"
    archive.write_json("data_intg_subflow/scLoad.json", doc)
    return archive


def run(archive: flowzip.Archive, code: str) -> list:
    config = LintConfig(select=[code])
    return [f for f in lint_archive(archive, config) if f.code == code]


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_on_the_bad_case_and_not_on_the_good_one(code: str, tmp_path: Path) -> None:
    bad, good = CASES[code]
    found = run(bad(tmp_path / "bad"), code)
    assert found, f"{code} did not fire"
    assert all(f.message and f.severity in ("error", "warning", "info") for f in found)
    assert run(good(tmp_path / "good"), code) == [], f"{code} fired on the good case"


def test_plaintext_secret_in_an_embedded_connection(tmp_path: Path) -> None:
    bad, good = EXTRA["FZX001-flow"]
    found = run(bad(tmp_path), "FZX001")
    assert found and found[0].stage == "rows"
    assert "hunter2" not in json.dumps([f.to_dict() for f in found])  # never print the secret
    assert run(good(tmp_path), "FZX001") == []


def test_a_migrated_stage_naming_a_project_connection_needs_it(tmp_path: Path) -> None:
    bad, good = EXTRA["FZD002-migrated"]
    found = run(bad(tmp_path), "FZD002")
    assert [f.message for f in found] == ["stage 'rows' uses connection 'absent_conn', which the archive does not hold"]
    assert run(good(tmp_path), "FZD002") == []


def test_every_rule_has_a_case_a_code_a_name_and_a_docstring_with_examples() -> None:
    rules = all_rules()
    assert len(rules) >= 30
    assert len({r.code for r in rules}) == len(rules)
    for rule in rules:
        assert rule.code[:3] == "FZ" + rule.code[2] and rule.name and rule.family
        assert rule.severity in ("error", "warning", "info")
        assert "**Bad**" in (rule.__doc__ or "") and "**Good**" in (rule.__doc__ or ""), rule.code
        assert rule.code in CASES or rule.code in ("FZA001", "FZI002", "FZB001"), rule.code


def test_stale_binaries_fire_when_a_stage_is_missing_from_the_osh(real: Path) -> None:
    archive = flowzip.open(real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip")
    assert run(archive, "FZB001") == []
    flow = archive.flows[0]
    flow.add_stage("Sort", "added_after_compile")
    archive.update_flow(flow)
    found = run(archive, "FZB001")
    assert found and "added_after_compile" in found[0].message


def test_job_environment_must_be_defined_when_the_archive_defines_environments(tmp_path: Path) -> None:
    def archive(env_id: str) -> flowzip.Archive:
        built = with_job({"configuration": {"env_id": env_id}})(tmp_path)
        built.write_json("environment/default_datastage_px.json", {"name": "default_datastage_px"})
        return built

    assert run(archive("gone_env-pid"), "FZR001")
    assert run(archive("default_datastage_px-pid"), "FZR001") == []


def test_unknown_primary_pipeline(tmp_path: Path) -> None:
    assert run(edited(_set(["primary_pipeline"], "nope"))(tmp_path), "FZI002")
    assert run(base(tmp_path), "FZI002") == []


def test_unreadable_archive_is_a_finding(tmp_path: Path) -> None:
    from flowzip.lint import lint

    path = tmp_path / "broken.zip"
    path.write_bytes(b"not a zip at all")
    result = lint(path)
    assert [f.code for f in result.findings] == ["FZA001"]
    assert result.exit_code() == 1


def _lookup_flow(reference_spelling: dict) -> Builder:
    """main -> lookup <- ref, lookup -> shown; the ref link typed as *reference_spelling* says."""
    def build(tmp_path: Path) -> flowzip.Archive:
        archive = base(tmp_path)
        flow = archive.create_flow("lookup")
        main, ref = flow.add_stage("Row Generator", "main"), flow.add_stage("Row Generator", "ref")
        lookup, shown = flow.add_stage("Lookup", "lookup"), flow.add_stage("Peek", "shown")
        main.connect_output_to(lookup, name="lnkMain")
        link = ref.connect_output_to(lookup, name="lnkRef").reference()
        lookup.connect_output_to(shown, name="lnkOut")
        del link.link["type_attr"]
        link.link.update(reference_spelling)
        archive.update_flow(flow)
        return archive
    return build


def test_cardinality_reads_the_older_link_type_spelling(tmp_path: Path) -> None:
    # A reference link typed only by app_data.datastage.link_type (as older exports write it) is a
    # reference input: the Lookup has one primary input, not two.
    legacy = _lookup_flow({"app_data": {"datastage": {"link_type": "REFERENCE"}}})
    assert run(legacy(tmp_path / "legacy"), "FZG003") == []
    untyped = _lookup_flow({"app_data": {"datastage": {}}})  # no type at all: a second primary input
    assert [f.message for f in run(untyped(tmp_path / "untyped"), "FZG003")] == [
        "Lookup 'lookup' has 2 primary input links; it takes at most 1",
        "Lookup 'lookup' has 0 reference input links; it needs at least 1"]


def test_a_job_that_names_its_flow_by_asset_ref_name_is_no_orphan(tmp_path: Path) -> None:
    def job(body: dict) -> flowzip.Archive:
        archive = base(tmp_path)
        archive.write_json("job/j.json", {"metadata": {"name": "j"}, "entity": {"job": body}})
        return archive

    assert run(job({"asset_ref_name": "load"}), "FZD005") == []
    found = run(job({"asset_ref_name": "gone"}), "FZD005")
    assert [(f.member, f.flow) for f in found] == [("job/j.json", "gone")]


def test_unreadable_members_and_archives_are_reported_by_their_rules(tmp_path: Path) -> None:
    from flowzip.lint import lint
    from flowzip.lint.rules.archive.fza001_unreadable import Unreadable
    from flowzip.lint.rules.archive.fza002_unreadable_member import UnreadableMember

    archive = with_members({"job/broken.json": b"{"})(tmp_path / "member")
    # The engine reports nothing by itself: leave FZA002 out and the broken member goes unreported.
    assert [f for f in lint_archive(archive, LintConfig(select=["archive"], ignore=["FZA002"]))
            if f.code == "FZA002"] == []
    member = archive.member("job/broken.json")
    assert [f.code for f in UnreadableMember().check_unreadable(Context(archive, "a.zip"), member, "bad")] == [
        "FZA002"]
    path = tmp_path / "broken.zip"
    path.write_bytes(b"not a zip at all")
    # A path lint cannot open is reported whatever is selected: a run that read nothing is never green.
    for config in (LintConfig(select=["DEFAULT"], ignore=["FZA001"]), LintConfig(select=["FZC001"])):
        assert [f.code for f in lint(path, config).findings] == ["FZA001"]
    error = flowzip.errors.ArchiveError("is not a ZIP archive", archive=str(path))
    assert [(f.code, f.archive) for f in Unreadable().check_unopened(str(path), error)] == [("FZA001", str(path))]


def test_check_and_lint_read_members_alike(tmp_path: Path) -> None:
    # One reader: what check calls an error, lint reports as FZA002 with the same words.
    archive = with_members({"job/broken.json": b"{", "parameter_set/wrong.json": b"[1]",
                            "data_intg_flow/notaflow.json": b'{"a": 1}'})(tmp_path)
    checked = {(p.member, p.message) for p in archive.check() if p.severity == "error"}
    linted = {(f.member, f.message) for f in run(archive, "FZA002")}
    assert len(checked) == 3 and checked == linted
