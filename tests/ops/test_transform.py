"""Batch transforms: each action, recipes and their errors, and a recipe on the largest real archive."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import pytest

import flowzip
from flowzip import jsonio
from flowzip.analysis.diff import diff
from flowzip.errors import FlowzipError, RecipeError
from flowzip.ops import transform
from flowzip.ops.transform import apply_recipe, load_recipe, parse_recipe
from tests.conftest import REAL, require_shared


def _run(demo: Path, *steps: dict) -> tuple[flowzip.Archive, dict[str, list[str]]]:
    archive = flowzip.open(demo)
    result = apply_recipe(archive, parse_recipe(list(steps)))
    return archive, result.flows


def _flow(archive: flowzip.Archive) -> flowzip.Flow:
    return archive.flows.get(name="rowgen_peek")


# (step, the change lines it reports, a check on the result)
ACTIONS = {
    "set": ({"stages": {"type": "Peek"}, "set": {"nrecs": 25}}, ["stage 'Peek_1': nrecs = 25"],
            lambda a: _flow(a).stages.get(label="Peek_1").configuration.nrecs == 25),
    "remove": ({"stages": {"label": "Peek_*"}, "remove": ["nrecs"]}, ["stage 'Peek_1': nrecs removed"],
               lambda a: "nrecs" not in _flow(a).stages.get(label="Peek_1").node["parameters"]),
    "rename-stage": ({"rename-stage": {"from": "Peek_1", "to": "peek"}}, ["stage 'Peek_1' renamed 'peek'"],
                     lambda a: [s.label for s in _flow(a).stages] == ["Row_Generator_1", "peek"]),
    "rename-stage-regex": ({"rename-stage": {"from": "(.*)_1", "to": r"\1", "regex": True}},
                           ["stage 'Row_Generator_1' renamed 'Row_Generator'", "stage 'Peek_1' renamed 'Peek'"],
                           lambda a: [s.label for s in _flow(a).stages] == ["Row_Generator", "Peek"]),
    "rename-link": ({"rename-link": {"from": "Link_1", "to": "lnk_rows"}}, ["link 'Link_1' renamed 'lnk_rows'"],
                    lambda a: [link.name for link in _flow(a).links] == ["lnk_rows"]),
    "replace-text": ({"replace-text": {"old": "num_records", "new": "rows", "in": "references"}},
                     ["local parameter 'num_records': '#record_paramset.num_records#' -> '#record_paramset.rows#'"],
                     lambda a: _flow(a).local_parameters[0]["name"] == "num_records"),
    "repoint-parameter-set": ({"repoint-parameter-set": {"from": "peek_paramset", "to": "description_paramset"}},
                              ["parameter set 'peek_paramset' -> 'description_paramset' (4 places)"],
                              lambda a: _flow(a).parameter_sets == ["description_paramset"]
                              and b"peek_paramset" not in a.read_bytes("job/rowgen_peek.DataStage job.json")),
    "add-parameter-set": ({"add-parameter-set": "column_name_paramset"}, ["uses parameter set 'column_name_paramset'"],
                          lambda a: _flow(a).parameter_sets == ["peek_paramset", "column_name_paramset"]),
    "remove-parameter-set": ({"remove-parameter-set": "peek_paramset"},
                             ["no longer uses parameter set 'peek_paramset'; 2 #peek_paramset.…# references remain "
                              "(lint FZP001 lists them)"],
                             lambda a: _flow(a).parameter_sets == []),
    "settings": ({"settings": {"warn_limit": 5, "retention_days": 3}}, ["warn_limit = 5", "retention_days = 3"],
                 lambda a: (_flow(a).configuration.warn_limit, _flow(a).configuration.retention_days) == (5, 3)),
    "arrange": ({"arrange": {}}, ["arranged"], lambda a: True),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_each_action(demo: Path, action: str) -> None:
    step, lines, check = ACTIONS[action]
    archive, flows = _run(demo, step)
    assert flows == {"rowgen_peek": lines}
    assert check(archive)
    assert [m.name for m in archive.members if m.changed]  # and the archive knows what changed
    again, flows_again = _run(demo, step, step)
    if action not in ("arrange", "rename-stage-regex"):  # a second run finds nothing left to do
        assert flows_again == {"rowgen_peek": lines}


def test_selectors_pick_flows_and_stages(demo: Path) -> None:
    _, flows = _run(demo, {"stages": {"op": "PxPeek", "label": "Peek_?"}, "set": {"nrecs": 25}})
    assert list(flows) == ["rowgen_peek"]
    _, flows = _run(demo, {"stages": {"type": "peek"}, "set": {"nrecs": 25}})  # type names ignore case, as the SDK
    assert list(flows) == ["rowgen_peek"]


# A step that picks nothing is an error: a recipe that silently did nothing would pass for done.
@pytest.mark.parametrize(("step", "message"), [
    ({"flows": "rowgen_peak", "set": {"nrecs": 25}},
     r"step 1 \(set\): no batch flow is named 'rowgen_peak' \(did you mean 'rowgen_peek'\?\)"),
    ({"flows": "other*", "set": {"nrecs": 25}}, r"no batch flow is named 'other\*' \(the flows are 'rowgen_peek'\)"),
    ({"stages": {"type": "Sort"}, "settings": {"warn_limit": 3}},
     r"no stage matches type = 'Sort' in 'rowgen_peek'$"),
    ({"stages": {"label": "Peek_2"}, "set": {"nrecs": 1}},
     r"no stage matches label = 'Peek_2' in 'rowgen_peek' \(did you mean label = 'Peek_1'\?\)"),
])
def test_a_step_that_picks_nothing_is_an_error(demo: Path, step: dict, message: str) -> None:
    with pytest.raises(RecipeError, match=message):
        _run(demo, step)


def test_picking_nothing_is_fine_when_the_step_says_so(demo: Path) -> None:
    steps = [{"flows": "other*", "optional": True, "set": {"nrecs": 25}}, {"settings": {"warn_limit": 100}}]
    archive = flowzip.open(demo)
    result = apply_recipe(archive, parse_recipe(steps))
    assert (result.unmatched_steps, result.unchanged_steps) == ([1], [2])  # warn_limit is 100 already
    result = apply_recipe(archive, parse_recipe(steps[:1] + [{"flows": "x", "arrange": {}}]), allow_no_match=True)
    assert result.unmatched_steps == [1, 2] and not result.members


def test_an_unknown_stage_type_is_refused_with_a_suggestion() -> None:
    with pytest.raises(RecipeError, match=r"step 1: unknown stage type 'Peak' \(did you mean 'Peek'\?\)"):
        parse_recipe([{"stages": {"type": "Peak"}, "set": {"nrecs": 1}}])


@pytest.mark.parametrize(("recipe", "message"), [
    ([], "non-empty list of steps"),
    ([{"set": {"a": 1}, "remove": ["a"]}], "exactly one action"),
    ([{"frobnicate": 1}], "unknown key 'frobnicate'"),
    ([{"type": "Peek", "set": {"nrecs": 1}}], "a stage selector goes in stages = { type = ... }"),
    ([{"flow": "x", "set": {"nrecs": 1}}], "unknown key 'flow' (did you mean 'flows'?)"),
    ([{"stages": {"colour": "red"}, "set": {}}], "'stages' takes type, op and label"),
    ([{"flows": 3, "arrange": {}}], "'flows' is a name glob"),
    ([{"optional": "yes", "arrange": {}}], "'optional' is true or false"),
])
def test_bad_recipes_are_refused(recipe: list, message: str) -> None:
    with pytest.raises(RecipeError, match=re.escape(message)):
        parse_recipe(recipe)


def test_recipes_in_toml_and_json(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text('[[steps]]\nstages = { type = "Peek" }\nset = { nrecs = 3 }\n')
    (tmp_path / "r.json").write_text(json.dumps({"steps": [{"stages": {"type": "Peek"}, "set": {"nrecs": 3}}]}))
    assert load_recipe(tmp_path / "r.toml") == load_recipe(tmp_path / "r.json")
    (tmp_path / "bad.toml").write_text("[[steps]\n")
    with pytest.raises(RecipeError, match="is not valid TOML"):
        load_recipe(tmp_path / "bad.toml")


def test_a_bad_value_names_the_flow_and_stage(demo: Path) -> None:
    with pytest.raises(flowzip.FlowzipError) as caught:
        _run(demo, {"stages": {"type": "Peek"}, "set": {"no_such_property": 1}})
    assert "rowgen_peek" in str(caught.value) and "Peek_1" in str(caught.value)


def test_a_recipe_on_the_largest_real_archive_changes_only_what_it_should(tmp_path: Path) -> None:
    """Checked member by member against an independent reading of the raw files."""
    require_shared()
    source = REAL / "CPD_ocaso"
    recipe = [
        {"flows": "FlowTest*", "stages": {"type": "Peek"}, "set": {"nrecs": 42}},
        {"repoint-connection": {"from": "ConnectionTestDB2", "to": "ConnectionTestDB2_prod"}},
    ]
    archive = flowzip.open(source)
    result = apply_recipe(archive, parse_recipe(recipe))
    out = tmp_path / "out.zip"
    archive.save(out)

    expected = set()
    for path in sorted((source / "data_intg_flow").glob("*.json")):
        doc = jsonio.loads(path.read_bytes())
        nodes = [n for p in doc["pipelines"] for n in p["nodes"]]
        peeks = [n for n in nodes if n.get("op") == "PxPeek" and n.get("parameters", {}).get("nrecs") != 42]
        uses = [n for n in nodes if isinstance(n.get("connection"), dict)
                and n["connection"].get("name") == "ConnectionTestDB2"]
        if (fnmatch.fnmatchcase(path.stem, "FlowTest*") and peeks) or uses:
            expected.add(f"data_intg_flow/{path.name}")
    assert set(result.members) == expected and len(expected) > 10
    before, after = flowzip.open(source), flowzip.open(out)
    assert [m.name for m in before.members] == [m.name for m in after.members]
    for member in before.members:
        if member.name not in expected:
            assert after.read_bytes(member.name) == member.read(), member.name  # untouched, byte for byte
    for changed in diff(source, out).members:  # and inside the changed ones, only the recipe's changes
        for change in changed.changes:
            assert (change.scope, change.path) in {("stage", "parameters.nrecs"), ("stage", "connection.name")}, \
                (changed.member, change)


def test_renaming_a_link_in_real_flows_rewrites_the_columns_that_name_it() -> None:
    require_shared()
    archive = flowzip.open(REAL / "CPD_ocaso")
    before = {name: archive.read_bytes(f"data_intg_flow/{name}.json").count(b'"Link_15.')
              for name in ("FlowTestAllSample",)}
    assert before["FlowTestAllSample"] >= 5
    result = apply_recipe(archive, parse_recipe([{"flows": "FlowTestAllSample",
                                                  "rename-link": {"from": "Link_15", "to": "lnk_orders"}}]))
    assert result.flows == {"FlowTestAllSample": ["link 'Link_15' renamed 'lnk_orders'"]}
    raw = archive.read_bytes("data_intg_flow/FlowTestAllSample.json")
    assert b'"Link_15' not in raw and raw.count(b'"lnk_orders.') == before["FlowTestAllSample"]


# Recipes for the worker test: one step; steps on the same flows, each reading what the one before stored; a step
# whose stage selector matches what an earlier step renamed.
PARALLEL_RECIPES = {
    "one step": [{"stages": {"type": "Transformer"}, "set": {"buf_free_run": 42}}],
    "steps in turn": [{"stages": {"type": "Transformer"}, "set": {"buf_free_run": 7}},
                      {"flows": "*a*", "arrange": True},
                      {"stages": {"type": "Transformer"}, "set": {"buf_free_run": 8}}],
    "a later step picks what an earlier one renamed": [
        {"rename-stage": {"from": "(.*)", "to": r"\1_x", "regex": True}},
        {"stages": {"label": "*_x", "type": "Copy"}, "set": {"buf_free_run": 9}}],
}


def _applied(source: Path, recipe: list, jobs: int, dest: Path) -> tuple[dict, bytes]:
    archive = flowzip.open(source)
    result = apply_recipe(archive, parse_recipe(recipe), jobs=jobs)
    archive.save(dest)
    return result.to_dict(), dest.read_bytes()


@pytest.mark.parametrize("recipe", PARALLEL_RECIPES.values(), ids=PARALLEL_RECIPES.keys())
def test_workers_apply_a_recipe_as_a_step_by_step_run_does(recipe: list, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    require_shared()
    source = REAL / "lshort-mcix-cli-demo"  # 36 flows, a folder tree
    expected = _applied(source, recipe, 1, tmp_path / "serial.zip")
    assert expected[0]["flows"]
    # The workers' run must stand on its own: here, the step-by-step run is not there to fall back on.
    monkeypatch.setattr(transform, "_apply_steps", lambda *args: pytest.fail("ran step by step"))
    assert _applied(source, recipe, 2, tmp_path / "workers.zip") == expected


@pytest.mark.parametrize("recipe", [
    [{"stages": {"type": "Copy"}, "set": {"buf_free_run": 5}}, {"flows": "no_such_flow*", "arrange": True}],
    [{"stages": {"type": "Copy"}, "set": {"no_such_property": 1}}],
], ids=["a step picks nothing", "a step raises"])
def test_a_recipe_that_fails_in_workers_fails_as_it_fails_step_by_step(recipe: list) -> None:
    require_shared()
    source = REAL / "lshort-mcix-cli-demo"
    errors = []
    for jobs in (1, 2):
        archive = flowzip.open(source)
        with pytest.raises(FlowzipError) as caught:
            apply_recipe(archive, parse_recipe(recipe), jobs=jobs)
        errors.append((type(caught.value), str(caught.value)))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("step", [
    {"settings": {"warn_limit": 77}},
    {"repoint-parameter-set": {"from": "psGlobal", "to": "psGlobal2"}},
    {"add-parameter-set": "psGlobal"},
], ids=["settings", "repoint-parameter-set", "add-parameter-set"])
def test_a_step_that_depends_on_more_than_its_flow_runs_step_by_step(step: dict, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings and a parameter set's new name change the flows' jobs; a parameter set's reference is the one
    # the other flows use: workers, each with its share of the flows, would each decide alone.
    require_shared()
    source = REAL / "lshort-mcix-cli-demo"
    recipe = [{"stages": {"type": "Copy"}, "set": {"buf_free_run": 3}}, step]
    serial = _applied(source, recipe, 1, tmp_path / "serial.zip")
    monkeypatch.setattr(transform, "_apply_in_workers", lambda *args: pytest.fail("ran in workers"))
    assert _applied(source, recipe, 2, tmp_path / "jobs2.zip") == serial
