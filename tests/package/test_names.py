from __future__ import annotations

import pytest

from flowzip.errors import UnsafeArchiveError
from flowzip.package.names import check_member_name


@pytest.mark.parametrize(
    "name",
    ["data_intg_flow/a.json", "job/x.DataStage job.json", "datastage/px_executables/f/f.zip", "folder/",
     "ENCRYPTED", "data_intg_flow/Zürich ..flow.json"],
)
def test_safe_names_pass(name: str) -> None:
    assert check_member_name(name) == name


@pytest.mark.parametrize(
    ("name", "rule"),
    [("", "empty"), ("../x", "'..'"), ("a/../../x", "'..'"), ("/etc/passwd", "absolute"), ("C:/x", "drive"),
     ("c:x", "drive"), ("a\\b", "backslash"), ("a\x00b", "NUL"), ("a\nb", "control"), ("a//b", "empty or '.'"),
     ("./a", "empty or '.'")],
)
def test_unsafe_names_are_refused(name: str, rule: str) -> None:
    with pytest.raises(UnsafeArchiveError, match=rule) as caught:
        check_member_name(name, archive="x.zip")
    assert "\n" not in str(caught.value)
