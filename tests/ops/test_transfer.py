"""Import and export offline (format.md §5.3, §5.4): the option table, real round trips, self-imports."""

from __future__ import annotations

import uuid
import zipfile
from collections import Counter
from pathlib import Path

import pytest

import flowzip
from flowzip.lint.config import LintConfig
from flowzip.model.relations import closure
from flowzip.ops.transfer import RESPONSE_TYPES, split_flows
from tests.conftest import real_archives_with_flows, real_or_missing, real_params
from tests.model.test_sdk_reader import sdk_load

# --------------------------------------------------------------------------- small archives built here


def _parameter_set(name: str, parameters: dict[str, int], value_sets: dict[str, dict[str, int]]) -> dict:
    return {"parameter_set": {
        "value_sets": [{"values": [{"name": k, "value": v} for k, v in values.items()], "name": vs}
                       for vs, values in value_sets.items()],
        "name": name, "description": "",
        "parameters": [{"subtype": "", "name": k, "type": "int64", "prompt": "", "value": v}
                       for k, v in parameters.items()]}}


def _connection(name: str, host: str) -> dict:
    return {"metadata": {"name": name, "asset_id": str(uuid.uuid4()), "asset_type": "connection"},
            "entity": {"name": name, "datasource_type": "postgresql", "properties": {"host": host, "port": "5432"}}}


def _flow(archive: flowzip.Archive, name: str, sets: list[str], *, stages: int, job_value_set: str | None = None,
          ) -> None:
    """rows -> [peek ->] pg, records from the first set, pg using project connection 'conn'."""
    flow = archive.create_flow(name)
    labels = ["rows"] + (["peek"] if stages == 3 else []) + ["pg"]
    types = {"rows": "Row Generator", "peek": "Peek", "pg": "PostgreSQL"}
    for label in labels:
        flow.add_stage(types[label], label=label)
    for left, right in zip(labels, labels[1:]):
        flow.stages.get(label=left).connect_output_to(flow.stages.get(label=right))
    for set_name in sets:
        flow.use_parameter_set(set_name)
    if sets:
        flow.stages.get(label="rows").configuration.records = f"#{sets[0]}.a#"
    if len(sets) > 1:
        flow.stages.get(label="rows").node["parameters"]["note"] = f"uses #{sets[1]}.c#"  # a string reference
    pg = flow.stages.get(label="pg").node
    pg["connection"] = {"app_data": {}, "name": "conn", "ref": str(uuid.uuid4()), "project_ref": "p",
                        "properties": {}}
    if job_value_set:
        flow.set_runtime_value_set(sets[0], job_value_set)
    archive.update_flow(flow)


def _manifest(*assets: tuple[str, str]) -> dict:
    return {"project_name": "p", "assets": [{"name": n, "type": t} for n, t in assets], "flow_job_mapping": []}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """target.zip (the project) and source.zip (the archive to import), see the module's table."""
    folder = tmp_path_factory.mktemp("built")
    target = flowzip.new()
    target.write_json("DataStage-README.json", _manifest(("ps", "parameter_set"), ("conn", "connection")))
    target.write_json("parameter_set/ps.json", _parameter_set("ps", {"a": 1}, {"vs": {"a": 5}}))
    target.write_json("connection/conn.json", _connection("conn", "old-host"))
    _flow(target, "load", ["ps"], stages=2, job_value_set="vs")
    target.save(folder / "target.zip")

    source = flowzip.new()
    source.write_json("DataStage-README.json", _manifest(("ps", "parameter_set"), ("newps", "parameter_set"),
                                                         ("conn", "connection"), ("broken", "data_definition")))
    source.write_json("parameter_set/ps.json", _parameter_set("ps", {"a": 2, "b": 3}, {"vs2": {"a": 7}}))
    source.write_json("parameter_set/newps.json", _parameter_set("newps", {"c": 4}, {}))
    source.write_json("connection/conn.json", _connection("conn", "new-host"))
    source.write_bytes("data_definition/broken.json", b'{"metadata": {"name": "broken"')  # cannot be imported
    _flow(source, "load", ["ps", "newps"], stages=3, job_value_set="vs2")
    _flow(source, "fresh", [], stages=2)
    source.save(folder / "source.zip")
    return folder / "target.zip", folder / "source.zip"


def digest(path: Path) -> dict:
    """What the table asserts about an archive: members, sets, connections, flows, jobs, manifest."""
    archive = flowzip.open(path)
    sets = {}
    for ps in archive.parameter_sets:
        body = ps.member.json()["parameter_set"]
        sets[ps.name] = ({p["name"]: p["value"] for p in body["parameters"]},
                         sorted(v["name"] for v in body["value_sets"]))
    connections = {m.asset_name: m.json()["entity"]["properties"]["host"]
                   for m in archive.members_of_type("connection")}
    flows = {}
    for flow in archive.flows:
        doc = flow.document
        refs = sorted({e["name"] for e in doc["external_paramsets"]})
        conns = sorted({n["connection"]["name"] for n in doc["pipelines"][0]["nodes"] if n.get("connection")})
        records = flow.stages.get(label="rows").configuration.records
        flows[flow.name] = (len(flow.stages), refs, conns, records)
    jobs = {}
    for member in archive.members_of_type("job"):
        body = member.json()["entity"]["job"]
        jobs[member.asset_name] = (body["flow_name"], sorted(p["name"] for p in body["parameter_sets"]))
    manifest = archive.manifest.member.json()
    return {"members": sorted(m.name for m in archive.members), "sets": sets, "connections": connections,
            "flows": flows, "jobs": jobs,
            "manifest": sorted(a["name"] for a in manifest["assets"]),
            "mapping": sorted((e["flow"], e["job"]) for e in manifest["flow_job_mapping"])}


JOB = "load.DataStage job"
TARGET = {
    "members": ["DataStage-README.json", "connection/conn.json", "data_intg_flow/load.json", f"job/{JOB}.json",
                "parameter_set/ps.json"],
    "sets": {"ps": ({"a": 1}, ["vs"])},
    "connections": {"conn": "old-host"},
    "flows": {"load": (2, ["ps"], ["conn"], "#ps.a#")},
    "jobs": {JOB: ("load", ["ps"])},
    "manifest": ["conn", "load", JOB, "ps"],
    "mapping": [("load", JOB)],
}
FRESH = (2, [], ["conn"], 10)
SOURCE_LOAD = (3, ["newps", "ps"], ["conn"], "#ps.a#")


def _with(base: dict, **changes: object) -> dict:
    out = {**base, **changes}
    out["members"] = sorted(out["members"])
    out["manifest"] = sorted(out["manifest"])
    return out


# The result each combination gives, written out.
SKIPPED_ALL = _with(TARGET, members=TARGET["members"] + ["data_intg_flow/fresh.json", "parameter_set/newps.json"],
                    sets={**TARGET["sets"], "newps": ({"c": 4}, [])},
                    flows={**TARGET["flows"], "fresh": FRESH}, manifest=TARGET["manifest"] + ["fresh", "newps"])
RENAMED_ALL = _with(
    TARGET,
    members=TARGET["members"] + ["connection/conn_1.json", "data_intg_flow/fresh.json", "data_intg_flow/load_1.json",
                                 "job/load_1.DataStage job.json", "parameter_set/newps.json",
                                 "parameter_set/ps_1.json"],
    sets={"ps": ({"a": 1}, ["vs"]), "ps_1": ({"a": 2, "b": 3}, ["vs2"]), "newps": ({"c": 4}, [])},
    connections={"conn": "old-host", "conn_1": "new-host"},
    flows={"load": TARGET["flows"]["load"], "load_1": (3, ["newps", "ps_1"], ["conn_1"], "#ps_1.a#"),
           "fresh": (2, [], ["conn_1"], 10)},
    jobs={JOB: ("load", ["ps"]), "load_1.DataStage job": ("load_1", ["ps_1"])},
    manifest=TARGET["manifest"] + ["conn_1", "fresh", "load_1", "load_1.DataStage job", "newps", "ps_1"],
    mapping=[("load", JOB), ("load_1", "load_1.DataStage job")],
)
REPLACED_HARD = _with(TARGET, members=SKIPPED_ALL["members"],
                      sets={"ps": ({"a": 2, "b": 3}, ["vs2"]), "newps": ({"c": 4}, [])},
                      connections={"conn": "new-host"}, flows={"load": SOURCE_LOAD, "fresh": FRESH},
                      manifest=SKIPPED_ALL["manifest"])
REPLACED_SOFT = _with(REPLACED_HARD, sets={"ps": ({"a": 1, "b": 3}, ["vs"]), "newps": ({"c": 4}, [])})
FLOWS_ONLY_SKIP = _with(TARGET, members=TARGET["members"] + ["data_intg_flow/fresh.json"],
                        flows={**TARGET["flows"], "fresh": FRESH}, manifest=TARGET["manifest"] + ["fresh"])
FLOWS_ONLY_RENAME = _with(
    TARGET, members=TARGET["members"] + ["data_intg_flow/fresh.json", "data_intg_flow/load_1.json",
                                         "job/load_1.DataStage job.json"],
    flows={**TARGET["flows"], "load_1": SOURCE_LOAD, "fresh": FRESH},
    jobs={JOB: ("load", ["ps"]), "load_1.DataStage job": ("load_1", ["ps"])},
    manifest=TARGET["manifest"] + ["fresh", "load_1", "load_1.DataStage job"],
    mapping=[("load", JOB), ("load_1", "load_1.DataStage job")])
FLOWS_ONLY_REPLACE = _with(FLOWS_ONLY_SKIP, flows={"load": SOURCE_LOAD, "fresh": FRESH})

# Report rows: (type, original name, final name, status, conflict_resolution_status).
DEPS = {
    "skip": [("parameter_set", "ps", "ps", "skipped", "parameter_set_skipped"),
             ("parameter_set", "newps", "newps", "imported", None),
             ("connection", "conn", "conn", "skipped", "connection_skipped")],
    "rename": [("parameter_set", "ps", "ps_1", "renamed", "parameter_set_renamed"),
               ("parameter_set", "newps", "newps", "imported", None),
               ("connection", "conn", "conn_1", "renamed", "connection_renamed")],
    "replace": [("parameter_set", "ps", "ps", "replaced", "parameter_set_replacement_succeeded"),
                ("parameter_set", "newps", "newps", "imported", None),
                ("connection", "conn", "conn", "replaced", "connection_replacement_succeeded")],
}
BROKEN = [("table_def", "broken", "broken", "failed", None)]
FLOWS = {
    "skip": [("px_job", "load", "load", "skipped", "import_flow_skipped"),
             ("px_job", "fresh", "fresh", "imported", None),
             ("job", JOB, JOB, "skipped", None)],
    "rename": [("px_job", "load", "load_1", "renamed", "import_flow_renamed"),
               ("px_job", "fresh", "fresh", "imported", None),
               ("job", JOB, "load_1.DataStage job", "renamed", "job_renamed")],
    "replace": [("px_job", "load", "load", "replaced", "flow_replacement_succeeded"),
                ("px_job", "fresh", "fresh", "imported", None),
                ("job", JOB, JOB, "replaced", "job_replacement_succeeded")],
}
NEWPS_MISSING = [{"name": "newps", "type": "parameter_set"}]

# (conflict_resolution, replace_mode, include_dependencies, on_failure) -> (status, report, missing, result)
# replace_mode only matters with replace; without dependencies the broken data definition is never read,
# so 'stop' and 'continue' agree; with them, 'stop' cancels at it and leaves the target as it was.
TABLE = {
    ("skip", "hard", True, "continue"): ("completed", DEPS["skip"] + BROKEN + FLOWS["skip"], [], SKIPPED_ALL),
    ("skip", "soft", True, "continue"): ("completed", DEPS["skip"] + BROKEN + FLOWS["skip"], [], SKIPPED_ALL),
    ("skip", "hard", True, "stop"): ("cancelled", DEPS["skip"] + BROKEN, [], TARGET),
    ("skip", "soft", True, "stop"): ("cancelled", DEPS["skip"] + BROKEN, [], TARGET),
    ("skip", "hard", False, "continue"): ("completed", FLOWS["skip"], [], FLOWS_ONLY_SKIP),
    ("skip", "soft", False, "continue"): ("completed", FLOWS["skip"], [], FLOWS_ONLY_SKIP),
    ("skip", "hard", False, "stop"): ("completed", FLOWS["skip"], [], FLOWS_ONLY_SKIP),
    ("skip", "soft", False, "stop"): ("completed", FLOWS["skip"], [], FLOWS_ONLY_SKIP),
    ("rename", "hard", True, "continue"): ("completed", DEPS["rename"] + BROKEN + FLOWS["rename"], [], RENAMED_ALL),
    ("rename", "soft", True, "continue"): ("completed", DEPS["rename"] + BROKEN + FLOWS["rename"], [], RENAMED_ALL),
    ("rename", "hard", True, "stop"): ("cancelled", DEPS["rename"] + BROKEN, [], TARGET),
    ("rename", "soft", True, "stop"): ("cancelled", DEPS["rename"] + BROKEN, [], TARGET),
    ("rename", "hard", False, "continue"): ("completed", FLOWS["rename"], NEWPS_MISSING, FLOWS_ONLY_RENAME),
    ("rename", "soft", False, "continue"): ("completed", FLOWS["rename"], NEWPS_MISSING, FLOWS_ONLY_RENAME),
    ("rename", "hard", False, "stop"): ("completed", FLOWS["rename"], NEWPS_MISSING, FLOWS_ONLY_RENAME),
    ("rename", "soft", False, "stop"): ("completed", FLOWS["rename"], NEWPS_MISSING, FLOWS_ONLY_RENAME),
    ("replace", "hard", True, "continue"): ("completed", DEPS["replace"] + BROKEN + FLOWS["replace"], [],
                                            REPLACED_HARD),
    ("replace", "soft", True, "continue"): ("completed", DEPS["replace"] + BROKEN + FLOWS["replace"], [],
                                            REPLACED_SOFT),
    ("replace", "hard", True, "stop"): ("cancelled", DEPS["replace"] + BROKEN, [], TARGET),
    ("replace", "soft", True, "stop"): ("cancelled", DEPS["replace"] + BROKEN, [], TARGET),
    ("replace", "hard", False, "continue"): ("completed", FLOWS["replace"], NEWPS_MISSING, FLOWS_ONLY_REPLACE),
    ("replace", "soft", False, "continue"): ("completed", FLOWS["replace"], NEWPS_MISSING, FLOWS_ONLY_REPLACE),
    ("replace", "hard", False, "stop"): ("completed", FLOWS["replace"], NEWPS_MISSING, FLOWS_ONLY_REPLACE),
    ("replace", "soft", False, "stop"): ("completed", FLOWS["replace"], NEWPS_MISSING, FLOWS_ONLY_REPLACE),
}


def test_the_table_covers_every_combination() -> None:
    assert len(TABLE) == 3 * 2 * 2 * 2


@pytest.mark.parametrize(("options", "expected"), list(TABLE.items()),
                         ids=["-".join(str(o) for o in key) for key in TABLE])
def test_import_option_table(built: tuple[Path, Path], options: tuple, expected: tuple, tmp_path: Path) -> None:
    target_path, source_path = built
    resolution, mode, dependencies, on_failure = options
    status, report, missing, result = expected
    target = flowzip.open(target_path)
    response = target.import_flows(source_path, conflict_resolution=resolution, replace_mode=mode,
                                   include_dependencies=dependencies, on_failure=on_failure)
    assert response.status == status
    assert [(e.type, e.original_name, e.name, e.status, e.conflict_resolution_status)
            for e in response.import_data_flows] == report
    # Nothing of the source goes unmentioned: what is not imported is listed with the reason.
    reasons = {(item["type"], item["reason"]) for item in response.not_imported}
    assert (("parameter_set", "dependencies come only with include_dependencies") in reasons) is (
        not dependencies and status == "completed")
    assert response.missing_assets == missing
    assert [e.name for e in response.imported_flows()] == [r[2] for r in report if r[0] == "px_job"
                                                           and r[3] in ("imported", "renamed", "replaced")]
    if status == "cancelled":
        assert response.import_error.startswith("stopped at table_def 'broken'")
        assert not any(m.changed or m.foreign for m in target.members)  # nothing applied
    out = tmp_path / "out.zip"
    target.save(out)
    if status == "cancelled":
        assert out.read_bytes() == target_path.read_bytes()
    assert digest(out) == result
    assert_no_new_lint_errors(out, [target_path, source_path], missing)
    assert sdk_load(out) == len(result["flows"])


def test_soft_replace_reports_what_it_merged(built: tuple[Path, Path]) -> None:
    target = flowzip.open(built[0])
    response = target.import_flows(built[1], conflict_resolution="replace", replace_mode="soft")
    ps = response.import_data_flows[0]
    assert {w["type"] for w in ps.warnings} == {"soft_replace", "parameters_in_existing_parameter_set"}
    assert "added b" in " ".join(w["description"] for w in ps.warnings)


def test_a_failed_asset_says_why(built: tuple[Path, Path]) -> None:
    response = flowzip.open(built[0]).import_flows(built[1])
    broken = next(e for e in response.import_data_flows if e.status == "failed")
    assert broken.errors[0]["type"] == "table_def_creation_failed"
    assert "broken.json" in broken.errors[0]["description"]
    assert response.tally == {"total": 7, "imported": 6, "renamed": 4, "replaced": 0, "skipped": 0, "failed": 1}


def test_options_are_checked(built: tuple[Path, Path]) -> None:
    target = flowzip.open(built[0])
    with pytest.raises(flowzip.FlowzipError, match="conflict_resolution must be one of skip, rename, replace"):
        target.import_flows(built[1], conflict_resolution="merge")
    with pytest.raises(flowzip.FlowzipError, match="batch flows only"):
        target.import_flows(built[1], type="orchestration")


def test_import_only_brings_no_jobs(built: tuple[Path, Path], tmp_path: Path) -> None:
    target = flowzip.open(built[0])
    response = target.import_flows(built[1], import_only=True)
    assert not [e for e in response.import_data_flows if e.type == "job"]
    target.save(tmp_path / "out.zip")
    assert digest(tmp_path / "out.zip")["jobs"] == TARGET["jobs"]


# --------------------------------------------------------------------------- binaries


def _compiled(flow_labels: list[str]) -> bytes:
    """A px_executables archive whose OSH script names *flow_labels* (what FZB001 reads)."""
    import io

    script = "\n".join(f"#### STAGE: {label}\n## Operator\n" for label in flow_labels)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("abc.osh", script)
    return buffer.getvalue()


@pytest.mark.parametrize(("labels", "imported"), [(["rows", "peek", "pg"], True), (["rows", "old_stage"], False)])
def test_binaries_come_only_when_asked_and_never_stale(built: tuple[Path, Path], tmp_path: Path, labels: list[str],
                                                        imported: bool) -> None:
    source = flowzip.open(built[1])
    source.write_bytes("px_executables/load.zip", _compiled(labels))
    source.save(tmp_path / "source.zip")
    without = flowzip.open(built[0]).import_flows(tmp_path / "source.zip", conflict_resolution="replace")
    assert not [e for e in without.import_data_flows if e.type == "px_executables"]
    target = flowzip.open(built[0])
    response = target.import_flows(tmp_path / "source.zip", conflict_resolution="replace", import_binaries=True)
    entry = next(e for e in response.import_data_flows if e.type == "px_executables")
    assert (entry.status == "imported") is imported
    assert ("px_executables/load.zip" in target) is imported
    if not imported:
        assert entry.warnings[0]["type"] == "binaries_import_failed"
        assert "old_stage" not in entry.warnings[0]["description"] and "compiled before" in \
            entry.warnings[0]["description"]


def test_replacing_a_flow_drops_its_stale_binaries(built: tuple[Path, Path], tmp_path: Path) -> None:
    target = flowzip.open(built[0])
    target.write_bytes("px_executables/load.zip", _compiled(["rows", "pg"]))
    response = target.import_flows(built[1], conflict_resolution="replace")
    load = next(e for e in response.import_data_flows if e.type == "px_job" and e.original_name == "load")
    assert "px_executables/load.zip" not in target
    assert load.warnings[-1]["type"] == "missing_binaries"


# --------------------------------------------------------------------------- export


def test_export_brings_the_closure_and_a_manifest(built: tuple[Path, Path], tmp_path: Path) -> None:
    source = flowzip.open(built[1])
    result = source.export_flow("load", tmp_path / "load.zip")
    assert sorted(result.members) == ["DataStage-README.json", "connection/conn.json", "data_intg_flow/load.json",
                                      f"job/{JOB}.json", "parameter_set/newps.json", "parameter_set/ps.json"]
    assert result.missing == []
    exported = digest(tmp_path / "load.zip")
    assert exported["manifest"] == ["conn", "load", JOB, "newps", "ps"]
    assert exported["mapping"] == [("load", JOB)]
    original = flowzip.open(built[1])
    again = flowzip.open(tmp_path / "load.zip")
    for name in result.members[:-1]:
        assert again.read_bytes(name) == original.read_bytes(name), name
    assert sdk_load(tmp_path / "load.zip") == 1


def test_export_without_dependencies_reports_none_missing_and_brings_none(built: tuple[Path, Path],
                                                                           tmp_path: Path) -> None:
    result = flowzip.open(built[1]).export_flows(["fresh"], tmp_path / "fresh", include_dependencies=False)
    assert sorted(Path(tmp_path / "fresh").rglob("*.json")) == [tmp_path / "fresh" / "DataStage-README.json",
                                                               tmp_path / "fresh" / "data_intg_flow" / "fresh.json"]
    assert result.flows == ["fresh"]


def test_export_refuses_unknown_flows_and_the_input(built: tuple[Path, Path]) -> None:
    source = flowzip.open(built[1])
    with pytest.raises(flowzip.FlowzipError, match="no flow named 'nope'"):
        source.export_flows(["nope"], built[1].parent / "x.zip")
    with pytest.raises(flowzip.FlowzipError, match="refusing to overwrite the input"):
        source.export_flow("load", built[1])


# --------------------------------------------------------------------------- lint helper


FAMILIES = LintConfig(select=["FZI", "FZD"])


def _findings(path: Path) -> Counter:
    """Integrity and dependency findings by (code, message, flow-agnostic), counted."""
    found = flowzip.lint(str(path), FAMILIES, jobs=1).findings
    return Counter((f.code, f.message) for f in found)


def assert_no_new_lint_errors(output: Path, inputs: list[Path], missing: list[dict] = ()) -> None:
    """No integrity or dependency finding the inputs did not have, but for the *missing* assets the
    import reported (flows imported without their dependencies)."""
    before: Counter = Counter()
    for path in inputs:
        before += _findings(path)
    new = _findings(output) - before
    reported = [f"{m['type'].replace('_', ' ')} {m['name']!r}" for m in missing]
    unexplained = [key for key in new if not (key[0].startswith("FZD") and any(r in key[1] for r in reported))]
    assert not unexplained, new


# --------------------------------------------------------------------------- the real corpus


FLOWING = real_archives_with_flows()


@pytest.mark.parametrize("path", real_params(FLOWING))
def test_exporting_every_flow_and_importing_them_all_gives_them_back(path: Path | None, tmp_path: Path) -> None:
    path = real_or_missing(path)
    original = flowzip.open(path)
    exported = split_flows(original, tmp_path / "parts")
    assert sorted(r.flows[0] for r in exported) == sorted(original.flows.names())
    for result in exported:  # every part is a good archive on its own
        assert_no_new_lint_errors(Path(result.path), [path])
        assert sdk_load(Path(result.path)) == sum(1 for m in result.members
                                                  if m.startswith(("data_intg_flow/", "data_intg_subflow/")))
    rebuilt = flowzip.new()
    for result in exported:
        response = rebuilt.import_flows(result.path)
        assert response.status == "completed" and not response.failed, response.import_error
        assert all(e.status in ("imported", "skipped") for e in response.import_data_flows), [
            (e.type, e.original_name, e.status) for e in response.import_data_flows if e.status == "renamed"]
    out = tmp_path / "rebuilt.zip"
    rebuilt.save(out)
    again = flowzip.open(out)
    assert sorted(again.flows.names()) == sorted(original.flows.names())
    expected, _ = closure(original, [f.member for f in original.flows])
    root = original.root
    carried = {m.name[len(root):]: m for m in expected}
    assert set(carried) <= {m.name for m in again.members}
    for name, member in carried.items():
        assert again.read_bytes(name) == member.read(), name  # untouched: the same bytes
    assert_no_new_lint_errors(out, [path])
    assert sdk_load(out) == len(again.flows) + len(again.subflows)


@pytest.mark.parametrize("path", real_params(FLOWING))
def test_importing_an_archive_into_itself(path: Path | None, tmp_path: Path) -> None:
    path = real_or_missing(path)
    reference = flowzip.open(path)
    stored = {m.name: m.read() for m in reference.members}
    for resolution in ("skip", "replace"):
        target = flowzip.open(path)
        response = target.import_flows(flowzip.open(path), conflict_resolution=resolution, import_binaries=True)
        assert response.status == "completed" and not response.failed
        expected_status = "skipped" if resolution == "skip" else "replaced"
        assert {e.status for e in response.import_data_flows} <= {expected_status}
        assert len(response.imported_flows()) == (len(reference.flows) if resolution == "replace" else 0)
        assert not [m.name for m in target.members if m.changed or m.foreign], resolution
        out = tmp_path / (resolution + (".zip" if path.is_file() else ""))
        target.save(out)
        if path.is_file():
            assert out.read_bytes() == path.read_bytes()
        assert {m.name: m.read() for m in flowzip.open(out).members} == stored


def _changed_dependencies(path: Path, out: Path) -> set[tuple[str, str]]:
    """A copy of *path* where every JSON dependency differs from the original; returns what changed."""
    from flowzip.document.references import DEPENDENCY_FOLDERS

    archive = flowzip.open(path)
    changed = set()
    for member in list(archive.members):
        if member.type in DEPENDENCY_FOLDERS and member.is_json:
            doc = member.fresh_json()
            if isinstance(doc, dict):
                # Subflows go through the SDK's strict model: change them where it allows any key.
                holder = doc.get("app_data") if member.type == "data_intg_subflow" else doc
                holder["flowzip_test_change"] = 1
                member.set_json(doc)
                changed.add((member.type, member.asset_name))
    archive.save(out)
    return changed


@pytest.mark.parametrize("path", real_params(FLOWING))
def test_renamed_dependencies_are_re_pointed_in_real_flows(path: Path | None, tmp_path: Path) -> None:
    path = real_or_missing(path)
    changed = _changed_dependencies(path, tmp_path / "changed.zip")
    target = flowzip.open(path)
    response = target.import_flows(tmp_path / "changed.zip")  # rename, the SDK's default
    assert response.status == "completed" and not response.failed
    renamed = {(e.type, e.original_name): e.name for e in response.import_data_flows if e.status == "renamed"}
    dependencies = [e for e in response.import_data_flows if e.type not in ("px_job", "job", "orchestration_flow")]
    for entry in dependencies:
        if entry.original_name == "PROJDEF":
            assert entry.status == "replaced" and entry.name == "PROJDEF"  # merged, never renamed
        elif any(entry.original_name == name for _, name in changed):
            assert entry.status == "renamed" and entry.name == entry.original_name + "_1"
        else:  # not JSON, so left unchanged by this test: the project's identical copy serves
            assert entry.status == "skipped" and entry.warnings[0]["type"].startswith("identical_")
    assert all(e.status == "renamed" for e in response.import_data_flows
               if e.type in ("px_job", "job", "orchestration_flow"))
    out = tmp_path / "out.zip"
    target.save(out)
    result = flowzip.open(out)
    from flowzip.model.relations import member_references
    from flowzip.ops.transfer import RESPONSE_TYPES

    renamed_dependencies = {(folder, old) for (kind, old) in renamed for folder in RESPONSE_TYPES
                            if RESPONSE_TYPES[folder] == kind and folder not in ("data_intg_flow", "job")}
    for entry in response.imported_flows() + [e for e in dependencies if e.type == "subflow"]:
        references = member_references(result, result.member(entry.member))
        stale = {(r.folder, r.name) for r in references} & renamed_dependencies
        assert not stale, (entry.name, stale)  # every renamed dependency is used under its new name
    assert_no_new_lint_errors(out, [path, path])
    assert sdk_load(out) == len(result.flows) + len(result.subflows)


def test_importing_an_export_into_a_git_tree_uses_the_trees_layout(real: Path, tmp_path: Path) -> None:
    """A Git-integration tree under datastage/ (no binaries yet) takes an export's flow, job, sets and
    binaries under its root, binaries in the tree layout px_executables/<flow>/<flow>.zip."""
    target = flowzip.open(real / "electromart")
    export = real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip"
    response = target.import_flows(export, import_binaries=True)
    assert response.status == "completed" and not response.failed
    assert [(e.type, e.status) for e in response.import_data_flows] == [
        ("parameter_set", "imported")] * 3 + [("px_job", "imported"), ("job", "imported"),
                                              ("px_executables", "imported")]
    out = tmp_path / "tree"
    target.save(out)
    assert (out / "datastage" / "px_executables" / "rowgen_peek" / "rowgen_peek.zip").read_bytes() == \
        zipfile.ZipFile(export).read("px_executables/rowgen_peek.zip")
    assert (out / "datastage" / "data_intg_flow" / "rowgen_peek.json").is_file()
    manifest = flowzip.open(out).manifest.member.json()
    assert {"name": "rowgen_peek", "type": "px_executables", "location": "rowgen_peek"} in manifest["assets"]
    assert {"flow": "rowgen_peek", "job": "rowgen_peek.DataStage job", "type": "data_intg_flow"} in \
        manifest["flow_job_mapping"]
    assert_no_new_lint_errors(out, [real / "electromart", export])
    target.save(tmp_path / "tree.zip")
    assert sdk_load(tmp_path / "tree.zip") == len(target.flows)


def test_an_export_holds_flows_of_one_type(real: Path, tmp_path: Path) -> None:
    archive = flowzip.open(real / "stabledev1-DrewTest3")
    flow, subflow = archive.flows.names()[0], archive.subflows.names()[0]
    with pytest.raises(flowzip.FlowzipError, match="all flows of an export must be of one type"):
        archive.export_flows([flow, subflow], tmp_path / "mixed.zip")
    assert not (tmp_path / "mixed.zip").exists()
    result = archive.export_flows([subflow], tmp_path / "subflow.zip")  # subflows alone are fine
    assert f"data_intg_subflow/{subflow}.json" in result.members


def test_import_keeps_the_target_manifest_shape(tmp_path: Path) -> None:
    # A manifest without flow_job_mapping gets none from an import (the platform's own may lack it),
    # and a manifest that is no JSON object is left alone: check reports it, the import completes.
    source = flowzip.new()
    source.create_flow("load")
    source.write_json("job/load.DataStage job.json", {"metadata": {"name": "load.DataStage job"},
                                                      "entity": {"job": {"flow_name": "load"}}})
    source.save(tmp_path / "source.zip")
    for manifest, expected in (({"project_name": "p", "assets": []}, None), ([1, 2], [1, 2])):
        target = flowzip.new()
        target.write_json("DataStage-README.json", manifest)
        response = target.import_flows(tmp_path / "source.zip")
        assert response.status == "completed" and not response.failed
        after = target.read_json("DataStage-README.json")
        if expected is None:
            assert "flow_job_mapping" not in after and {"name": "load", "type": "data_intg_flow"} in after["assets"]
        else:
            assert after == expected


@pytest.mark.parametrize("name", ["CPD_ocaso", "lshort-mcix-cli-demo", "stabledev1-DrewTest3"])
def test_an_import_loses_nothing_silently(real: Path, name: str) -> None:
    # Orchestration flows and their jobs come in under the same rules; every other asset of the source
    # is either in the response or listed as not imported, with the reason.
    source = flowzip.open(real / name)
    target = flowzip.new()
    response = target.import_flows(source)
    assert response.status == "completed"
    entries = {(e.type, e.original_name) for e in response.import_data_flows}
    left_out = {(item["type"], item["name"]): item["reason"] for item in response.not_imported}
    for member in source.members:
        if member.asset_name is None or member.type in ("custom_stage_library", "function_library"):
            continue
        kind = RESPONSE_TYPES.get(member.type, member.type)
        assert (kind, member.asset_name) in entries or (kind, member.asset_name) in left_out, member.name
    orchestration = [e for e in response.import_data_flows if e.type == "orchestration_flow"]
    assert len(orchestration) == len(source.members_of_type("orchestration_flow")) > 0
    assert all(e.status == "imported" and e.member in target for e in orchestration)
    jobs = [e for e in response.import_data_flows if e.type == "job"]
    assert jobs and all(e.member in target for e in jobs if e.status == "imported")
    assert all(reason for reason in left_out.values())


def test_asset_types_choose_what_is_imported(built: tuple[Path, Path]) -> None:
    response = flowzip.open(built[0]).import_flows(built[1], asset_types=["data_intg_flow", "job"])
    assert {e.type for e in response.import_data_flows} <= {"px_job", "job"}
    assert {item["reason"] for item in response.not_imported if item["type"] == "parameter_set"} == {
        "parameter_set is not among the asset types chosen for this import"}
    with pytest.raises(flowzip.FlowzipError, match="unknown asset type 'flows'"):
        flowzip.open(built[0]).import_flows(built[1], asset_types=["flows"])


def test_the_seed_pages_import_and_export_lines_run_as_written(demo: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flows_to_import.zip").write_bytes(demo.read_bytes())
    project = flowzip.new()
    new_flow = project.create_flow(name="My batch flow", description="optional description", environment=None,
                                   flow_type="batch")
    assert new_flow.description == "optional description"
    for wait in (-1, None, 10):
        response = project.import_flows(type="batch", source="flows_to_import.zip", wait=wait)
        assert response.status == "completed"  # offline the import is done when the call returns
    response = response.refresh()
    assert response.status == "completed"
    assert [entry.name for entry in response.imported_flows()] == ["rowgen_peek_2"]  # the third import renamed
    assert [flow.name for flow in response.imported_flows(load=True)] == ["rowgen_peek_2"]
    assert "target" not in response.to_dict()
    exported = project.export_flow(flow=project.flows.get(name="rowgen_peek"))
    assert Path(exported.path) == Path("flows.zip") and flowzip.open("flows.zip").flows.names() == ["rowgen_peek"]


def test_create_flow_sets_the_environment_it_is_given() -> None:
    flow = flowzip.new().create_flow("f", "", "default_datastage_px")  # the SDK's positional order
    assert flow.configuration.environment == "default_datastage_px"
