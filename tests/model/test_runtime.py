"""Runtime settings, runtime parameters, parameter sets and local parameters (format.md §5)."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

import flowzip
from flowzip.document.parameters import value_problem
from flowzip.errors import SettingsError
from flowzip.lint import LintConfig, lint_archive
from tests.conftest import REAL, real_archives_with_flows, real_or_missing, real_params
from tests.zipbuild import MINIMAL_FLOW, make_zip


@pytest.fixture
def paramset(real: Path) -> flowzip.Archive:
    return flowzip.open(real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip")


def job_body(flow: flowzip.Flow) -> dict:
    return flow.job.member.json()["entity"]["job"]


# --------------------------------------------------------------------------- settings


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [("warn_limit", 20, True), ("warn_limit", None, True), ("warn_limit", 0, False), ("warn_limit", -5, False),
     ("warn_limit", True, False), ("warn_limit", "20", False), ("warn_limit", 2.5, False),
     ("retention_days", 15, True), ("retention_days", None, True), ("retention_days", 0, False),
     ("retention_days", False, False), ("retention_amount", 3, True), ("retention_amount", -1, False),
     ("environment", "my_env", True), ("environment", "", False), ("environment", 5, False)],
)
def test_setting_rules(paramset: flowzip.Archive, field: str, value: object, ok: bool) -> None:
    settings = paramset.flows[0].configuration
    if ok:
        setattr(settings, field, value)
        assert getattr(settings, field) == value
    else:
        with pytest.raises(SettingsError):
            setattr(settings, field, value)


def test_settings_are_stored_where_the_sdk_puts_them(paramset: flowzip.Archive) -> None:
    flow = paramset.flows[0]
    flow.configuration.update(warn_limit=20, retention_days=15, environment="default_datastage_px")
    body = job_body(flow)
    assert body["configuration"]["flow_limits"] == {"warn_limit": 20}
    assert body["retention_policy"] == {"days": 15}
    assert body["configuration"]["env_id"].startswith("default_datastage_px")
    flow.configuration.warn_limit = None
    assert "warn_limit" not in job_body(flow)["configuration"]["flow_limits"]


def test_retention_days_and_amount_are_never_both_set(paramset: flowzip.Archive) -> None:
    settings = paramset.flows[0].configuration
    settings.retention_days = 15
    with pytest.raises(SettingsError, match="cannot both be set"):
        settings.retention_amount = 3
    settings.update(retention_days=None, retention_amount=3)
    assert (settings.retention_days, settings.retention_amount) == (None, 3)
    assert job_body(paramset.flows[0])["retention_policy"] == {"amount": 3}
    settings.retention_amount = None
    assert job_body(paramset.flows[0])["retention_policy"] == {}


def test_environment_must_be_one_the_archive_defines(real: Path, tmp_path: Path) -> None:
    archive = flowzip.open(real / "datastage-demo")
    settings = archive.flows[0].configuration
    assert settings.known_environments() == ["default_datastage_px"]
    with pytest.raises(SettingsError, match="did you mean 'default_datastage_px'"):
        settings.environment = "default_datastage_pz"
    settings.environment = "default_datastage_px"
    assert settings.environment == "default_datastage_px"


def test_a_flow_without_a_job_gets_one_named_as_the_platform_names_it(tmp_path: Path) -> None:
    src = tmp_path / "in.zip"
    src.write_bytes(make_zip({
        "data_intg_flow/f.json": MINIMAL_FLOW,
        "DataStage-README.json": json.dumps({"project_name": "p", "project_id": "pid",
                                             "assets": [{"name": "f", "type": "data_intg_flow"}],
                                             "flow_job_mapping": []}).encode(),
    }))
    archive = flowzip.open(src)
    flow = archive.flows[0]
    assert flow.job is None and flow.configuration.warn_limit is None
    flow.configuration.warn_limit = 50
    assert flow.job.name == "f.DataStage job"
    manifest = archive.manifest
    assert {"name": "f.DataStage job", "type": "job"} in manifest.assets
    assert {"flow": "f", "job": "f.DataStage job", "type": "data_intg_flow"} in manifest.flow_job_mapping
    out = tmp_path / "out.zip"
    archive.save(out)
    assert flowzip.open(out).flows[0].configuration.warn_limit == 50


def test_the_job_is_found_through_the_manifest_not_the_file_name(tmp_path: Path) -> None:
    job = {"metadata": {"name": "nightly run"}, "entity": {"job": {"flow_name": "other", "asset_ref_type":
                                                                    "data_intg_flow", "configuration": {}}}}
    decoy = {"metadata": {"name": "f.DataStage job"}, "entity": {"job": {"flow_name": "unrelated",
                                                                         "configuration": {}}}}
    src = tmp_path / "in.zip"
    src.write_bytes(make_zip({
        "data_intg_flow/f.json": MINIMAL_FLOW,
        "job/nightly run.json": json.dumps(job).encode(),
        "job/f.DataStage job.json": json.dumps(decoy).encode(),
        "DataStage-README.json": json.dumps({"flow_job_mapping": [
            {"flow": "f", "job": "nightly run", "type": "data_intg_flow"}]}).encode(),
    }))
    assert flowzip.open(src).flows[0].job.name == "nightly run"


# --------------------------------------------------------------------------- runtime parameters


def test_runtime_parameters_are_validated_and_stored_in_the_job(paramset: flowzip.Archive) -> None:
    flow = paramset.flows[0]
    with pytest.raises(SettingsError, match="does not use a parameter set named 'nope'"):
        flow.set_runtime_value_set("nope", "x")
    with pytest.raises(SettingsError, match="has no value set 'big'"):
        flow.set_runtime_value_set("peek_paramset", "big")
    with pytest.raises(SettingsError, match="did you mean 'row_count'"):
        flow.set_runtime_parameter_value("peek_paramset", "row_cnt", 5)
    with pytest.raises(SettingsError, match="not an integer"):
        flow.set_runtime_parameter_value("peek_paramset", "row_count", "many")
    with pytest.raises(SettingsError, match="has no local parameter"):
        flow.set_runtime_local_parameter("nope", "x")
    flow.set_runtime_value_set("peek_paramset", "peek_valueset")
    flow.set_runtime_parameter_value("peek_paramset", "description", "overridden")
    flow.set_runtime_local_parameter("num_records", "#peek_paramset.row_count#")
    body = job_body(flow)
    assert {"name": "peek_paramset", "ref": flow.flow_document["external_paramsets"][0]["ref"],
            "value_set": "peek_valueset"} in body["parameter_sets"]
    assert {"name": "peek_paramset.description", "value": "overridden"} in body["job_parameters"]
    effective = {p.name: (p.value, p.source) for p in flow.runtime_parameters}
    assert effective["peek_paramset.description"] == ("overridden", "job")
    assert effective["peek_paramset.row_count"] == (50, "value set peek_valueset")
    assert effective["num_records"] == ("#peek_paramset.row_count#", "job")


@pytest.mark.parametrize(
    ("parameter", "value", "ok"),
    [({"type": "int64"}, 5, True), ({"type": "int64"}, "5", True), ({"type": "int64"}, True, False),
     ({"type": "int64"}, "5.5", False), ({"type": "sfloat"}, 2.5, True), ({"type": "sfloat"}, "x", False),
     ({"type": "enum", "valid_values": ["a", "b"]}, "a", True), ({"type": "enum", "valid_values": ["a"]}, "c", False),
     ({"type": "date"}, "2024-01-31", True), ({"type": "date"}, "31/01/2024", False),
     ({"type": "time"}, "12:30:00", True), ({"type": "timestamp"}, "2024-01-31 12:30:00", True),
     ({"type": "string"}, "text", True), ({"type": "string"}, 5, False), ({"type": "int64"}, "#ps.n#", True),
     ({"type": "int64"}, "$PROJDEF", True)],
)
def test_parameter_values_must_fit_their_type(parameter: dict, value: object, ok: bool) -> None:
    assert (value_problem({"name": "p", **parameter}, value) is None) == ok


# --------------------------------------------------------------------------- parameter sets


def test_parameter_sets_are_editable_with_the_sdk_rules(paramset: flowzip.Archive, tmp_path: Path) -> None:
    ps = paramset.parameter_sets.get(name="peek_paramset")
    with pytest.raises(SettingsError, match="already has a parameter"):
        ps.add_parameter("string", "row_count")
    with pytest.raises(SettingsError, match="unknown parameter type"):
        ps.add_parameter("strng", "x")
    ps.add_parameter("integer", "batch_size", 100)
    assert ps.parameter("batch_size")["type"] == "int64"
    vs = ps.add_value_set("small", {"row_count": 1})
    assert {v["name"]: v["value"] for v in vs["values"]} == {"row_count": 1, "description": "Test peek stage",
                                                              "batch_size": 100}
    with pytest.raises(SettingsError, match="has no parameter 'nope'"):
        ps.add_value_set("bad", {"nope": 1})
    ps.set_value("small", "batch_size", 5)
    ps.set_parameter("row_count", value=20, prompt="How many rows")
    ps.remove_parameter("description")
    assert all(v["name"] != "description" for vs in ps.value_sets for v in vs["values"])
    paramset.update_parameter_set(ps)
    out = tmp_path / "out.zip"
    paramset.save(out)
    reread = flowzip.open(out).parameter_sets.get(name="peek_paramset")
    assert reread.parameter("row_count")["value"] == 20
    assert [v["name"] for v in reread.value_sets] == ["peek_valueset", "small"]


def test_use_parameter_set_and_local_parameters(paramset: flowzip.Archive) -> None:
    flow = paramset.flows[0]
    with pytest.raises(SettingsError, match="already uses"):
        flow.use_parameter_set("peek_paramset")
    flow.use_parameter_set(paramset.parameter_sets.get(name="column_name_paramset"))
    assert "column_name_paramset" in flow.parameter_sets
    flow.add_local_parameter("float", "ratio", value=0.5)
    assert flow.local_parameter("ratio")["type"] == "sfloat"
    flow.add_local_parameter("string", "ratio", "the SDK's order: description, prompt, value", "", "replaced")
    assert flow.local_parameter("ratio")["value"] == "replaced"
    assert flow.local_parameter("ratio")["description"] == "the SDK's order: description, prompt, value"
    assert [p["name"] for p in flow.local_parameters].count("ratio") == 1
    with pytest.raises(SettingsError, match="not a valid parameter name"):
        flow.add_local_parameter("string", "bad name")


def test_projdef_parameters_become_local_parameters(real: Path) -> None:
    archive = flowzip.open(real / "drew-cp4d-prod1-git-test")
    flow = archive.flows[0]
    flow.use_parameter_set("PROJDEF")
    assert "PROJDEF" not in flow.parameter_sets
    assert all(p["value"] == "PROJDEF" for p in flow.local_parameters if p["name"].startswith("$"))


def test_parameter_references_say_which_resolve(paramset: flowzip.Archive) -> None:
    flow = paramset.flows[0]
    found = {(r.text, r.resolves) for r in flow.parameter_references()}
    assert ("#peek_paramset.row_count#", True) in found
    # Not declared by the flow, but in the archive: exports bring such sets along (format.md §1.5).
    assert ("#description_paramset.description#", True) in found
    assert ("#record_paramset.num_records#", False) in found  # neither declared nor in the archive
    flow.add_local_parameter("string", "table")
    flow.primary_pipeline["description"] = "#table# and #missing#"
    found = {(r.text, r.kind, r.resolves) for r in flow.parameter_references()}
    assert ("#table#", "local", True) in found and ("#missing#", "local", False) in found


def test_environment_references_resolve_as_lint_resolves_them(paramset: flowzip.Archive) -> None:
    # Without a PROJDEF in the archive nothing says which environment variables the project has:
    # a #$VAR# reference is taken to resolve, as FZP001 takes it; with one, it must be defined there.
    flow = paramset.flows[0]
    flow.primary_pipeline["description"] = "#$APT_CONFIG_FILE#"
    assert {(r.text, r.resolves) for r in flow.parameter_references() if r.kind == "environment"} == {
        ("#$APT_CONFIG_FILE#", True)}
    paramset.write_json("parameter_set/PROJDEF.json", {"parameter_set": {"name": "PROJDEF", "parameters": [
        {"name": "$OTHER", "type": "string", "value": "x"}]}})
    assert {(r.text, r.resolves) for r in flow.parameter_references() if r.kind == "environment"} == {
        ("#$APT_CONFIG_FILE#", False)}


@pytest.mark.parametrize("path", real_params(real_archives_with_flows()))
def test_flow_references_and_fzp001_agree_on_real_flows(path: Path | None) -> None:
    # One rule (flowzip.document.parameters.unresolved_reason) behind params ls and lint.
    archive = flowzip.open(real_or_missing(path))
    linted = {(f.flow, f.message.split(" does not resolve")[0])
              for f in lint_archive(archive, LintConfig(select=["FZP001"])) if f.code == "FZP001"}
    listed = {(flow.name, r.text) for flow in archive.flows for r in flow.parameter_references() if not r.resolves}
    assert listed == {(flow, text) for flow, text in linted if flow in set(archive.flows.names())}


# --------------------------------------------------------------------------- real archives


def _archives_with_jobs() -> list[Path]:
    found = []
    for path in sorted(REAL.iterdir()) if REAL.is_dir() else []:
        if path.is_dir() and not path.name.endswith("-history") and list(path.rglob("job/*.json")):
            found.append(path)
    found += [p for p in sorted(REAL.rglob("*.zip")) if zipfile.is_zipfile(p) and any(
        n.startswith("job/") for n in zipfile.ZipFile(p).namelist())]
    return found


@pytest.mark.parametrize("source", _archives_with_jobs() or [None],
                         ids=lambda p: p.name if p else "shared-corpus-missing")
def test_settings_and_parameters_read_on_every_real_archive_and_no_op_sets_change_nothing(
        source: Path | None, tmp_path: Path) -> None:
    from tests.conftest import real_or_missing

    source = real_or_missing(source)
    archive = flowzip.open(source)
    with_jobs = [flow for flow in archive.flows if flow.job is not None]
    assert with_jobs
    for flow in with_jobs:
        settings = flow.configuration
        values = settings.as_dict()
        flow.runtime_parameters  # noqa: B018 - reading must work
        settings.update(warn_limit=values["warn_limit"], retention_days=values["retention_days"],
                        retention_amount=values["retention_amount"])
    if source.is_dir():
        out = tmp_path / "tree"
        archive.save(out)
        for member in archive.members:
            assert (out / member.name).read_bytes() == (source / member.name).read_bytes(), member.name
    else:
        out = tmp_path / "out.zip"
        archive.save(out)
        assert out.read_bytes() == source.read_bytes()


def test_written_jobs_fit_the_sdk_job_model_and_real_job_shapes(paramset: flowzip.Archive, tmp_path: Path,
                                                                real: Path) -> None:
    try:
        from ibm_watsonx_data_integration.cpd_models.job_model.job_model import (
            JobConfiguration,
            JobParameter,
            ParameterSetReference,
            RetentionPolicy,
        )
    except ImportError:
        pytest.fail("the official SDK is not installed: pip install '.[test]'")
    flow = paramset.flows[0]
    flow.configuration.update(warn_limit=20, retention_days=15, environment="env")
    flow.set_runtime_value_set("peek_paramset", "peek_valueset")
    flow.set_runtime_parameter_value("peek_paramset", "row_count", 77)
    new_flow = paramset.create_flow("brand_new")
    new_flow.configuration.retention_amount = 4
    out = tmp_path / "out.zip"
    paramset.save(out)
    real_keys = set()
    for path in real.rglob("job/*.json"):
        real_keys |= set(json.loads(path.read_text())["entity"]["job"])
    for job in flowzip.open(out).jobs:
        body = job.job
        JobConfiguration.model_validate(body["configuration"])
        RetentionPolicy.model_validate(body.get("retention_policy") or {})
        for entry in body.get("parameter_sets") or []:
            ParameterSetReference.model_validate(entry)
        for entry in body.get("job_parameters") or []:
            JobParameter.model_validate(entry)
        assert set(body) <= real_keys, set(body) - real_keys
        assert set(job.document) == {"metadata", "entity"}
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_set_without_parameters_resolves_nothing_for_both_readers(paramset: flowzip.Archive) -> None:
    # flow.parameter_references() and FZP001 once disagreed on a set whose body is empty.
    paramset.write_json("parameter_set/empty_set.json", {"parameter_set": {}})
    flow = paramset.flows[0]
    flow.primary_pipeline["description"] = "#empty_set.anything#"
    paramset.update_flow(flow)
    listed = {r.text for r in paramset.flows[0].parameter_references() if not r.resolves}
    linted = {f.message.split(" does not resolve")[0] for f in lint_archive(paramset, LintConfig(select=["FZP001"]))}
    assert "#empty_set.anything#" in listed & linted
