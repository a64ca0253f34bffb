from __future__ import annotations

import pytest

from flowzip.package.folders import classify, find_root


def test_root_is_the_prefix_with_most_asset_folders() -> None:
    names = ["README.md", "overlays/qa/parameter_set/ps.json5", "datastage/job/a.json",
             "datastage/data_intg_flow/a.json", "datastage/DataStage-README.json"]
    assert find_root(names) == "datastage/"
    assert find_root(["data_intg_flow/a.json", "DataStage-README.json"]) == ""
    assert find_root(["notes.txt"]) == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data_intg_flow/my flow.json", ("data_intg_flow", "my flow")),
        ("job/x.DataStage job.json", ("job", "x.DataStage job")),
        ("px_executables/f.zip", ("px_executables", "f")),
        ("px_executables/f/f.zip", ("px_executables", "f")),
        ("data_intg_data_set/sales.ds", ("data_intg_data_set", "sales")),
        ("parameter_set/.DS_Store", ("other", None)),
        ("parameter_set/", ("directory", None)),
        ("DataStage-README.json", ("manifest", None)),
        ("ENCRYPTED", ("encrypted_marker", None)),
        ("project.json", ("git_project", None)),
        ("assets/.METADATA/.version.json", ("other", None)),
        ("unknown_folder/a.json", ("other", None)),
    ],
)
def test_classify(name: str, expected: tuple) -> None:
    assert classify(name, "") == expected


def test_members_outside_the_root_pass_through_as_other() -> None:
    assert classify("overlays/qa/parameter_set/ps.json", "datastage/") == ("other", None)
    assert classify("datastage/parameter_set/ps.json", "datastage/") == ("parameter_set", "ps")
