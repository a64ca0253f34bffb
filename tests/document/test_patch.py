"""RFC 6902 patches: made so that they always apply and give B, applied all or nothing."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path

import jsonpatch
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowzip import jsonio
from flowzip.document.patch import apply_patch, make_patch, same_document
from flowzip.errors import PatchError
from tests.conftest import REAL, require_shared

HISTORY = REAL / "drew-cp4d-prod1-git-test-history"


def _versions() -> list[tuple[str, list[Path]]]:
    found: dict[str, list[Path]] = {}
    for path in sorted(HISTORY.glob("*/datastage/*/*.json")) if HISTORY.is_dir() else []:
        found.setdefault(path.name, []).append(path)
    return sorted(found.items())


def test_the_history_holds_two_documents_with_ten_versions_each() -> None:
    require_shared()
    assert [(name, len(paths)) for name, paths in _versions()] == [("TestFlow2.json", 10), ("TestSubflow1.json", 10)]


def test_patches_between_every_two_real_versions_give_the_other_byte_for_byte() -> None:
    require_shared()
    for _, paths in _versions():
        for first, second in itertools.permutations(paths, 2):
            raw_a, raw_b = first.read_bytes(), second.read_bytes()
            a, b = jsonio.loads(raw_a), jsonio.loads(raw_b)
            patch = make_patch(a, b)
            assert all(op["path"] != "" for op in patch), (first, second)  # never the whole-document fallback
            patched = apply_patch(a, patch)
            assert jsonio.dumps_like(patched, raw_a) == raw_b, (first, second)
            assert same_document(a, jsonio.loads(raw_a))  # the input is not touched


def test_reordered_inserted_and_removed_items_use_indices_that_exist() -> None:
    a = {"nodes": [{"id": "a", "v": 1}, {"id": "b", "v": 2}, {"id": "c", "v": 3}, {"id": "d", "v": 4}]}
    b = {"nodes": [{"id": "d", "v": 4}, {"id": "x", "v": 0}, {"id": "b", "v": 20}, {"id": "a", "v": 1}]}
    patch = make_patch(a, b)
    assert [op["op"] for op in patch].count("replace") == 1  # only b's value: no cascade of replacements
    assert same_document(jsonpatch.apply_patch(a, patch), b)


def test_a_key_inserted_in_the_middle_keeps_the_order() -> None:
    a = {"first": 1, "last": 3}
    b = {"first": 1, "middle": 2, "last": 3}
    patch = make_patch(a, b)
    assert list(jsonpatch.apply_patch(a, patch)) == ["first", "middle", "last"]


def test_numbers_keep_their_type() -> None:
    assert make_patch({"a": 1}, {"a": 1.0}) == [{"op": "replace", "path": "/a", "value": 1.0}]
    assert make_patch({"a": 1}, {"a": True}) == [{"op": "replace", "path": "/a", "value": True}]
    assert make_patch({"a": 2**70}, {"a": 2**70}) == []


@pytest.mark.parametrize(("patch", "message"), [
    ([{"op": "test", "path": "/a", "value": 2}], "the test of /a failed"),
    ([{"op": "replace", "path": "/nope/x", "value": 2}], "does not apply"),
    ([{"op": "frobnicate", "path": "/a"}], "not an RFC 6902 operation"),
    ({"op": "add"}, "an array of operation objects"),
])
def test_bad_patches_are_refused_with_the_member_named(patch: object, message: str) -> None:
    with pytest.raises(PatchError, match=message) as caught:
        apply_patch({"a": 1}, patch, member="data_intg_flow/x.json")
    assert str(caught.value).startswith("data_intg_flow/x.json: ")


# Random documents and random edits of them: the patch always turns one into the other.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=3), children, max_size=4),
    max_leaves=12,
)


def _items(draw: st.DrawFn) -> list[dict]:
    ids = draw(st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=6))
    return [{"id": i, "v": draw(JSON)} for i in ids]


@st.composite
def _pairs(draw: st.DrawFn) -> tuple[dict, dict]:
    a = {"nodes": _items(draw), "meta": draw(JSON), "list": draw(st.lists(JSON, max_size=4))}
    b = copy.deepcopy(a)
    for _ in range(draw(st.integers(0, 6))):
        action = draw(st.sampled_from(["shuffle", "drop", "insert", "edit", "meta", "list"]))
        nodes = b["nodes"]
        if action == "shuffle":
            b["nodes"] = draw(st.permutations(nodes))
        elif action == "drop" and nodes:
            nodes.pop(draw(st.integers(0, len(nodes) - 1)))
        elif action == "insert":
            fresh = draw(st.sampled_from("ijklmnop"))
            if fresh not in {n["id"] for n in nodes}:
                nodes.insert(draw(st.integers(0, len(nodes))), {"id": fresh, "v": draw(JSON)})
        elif action == "edit" and nodes:
            nodes[draw(st.integers(0, len(nodes) - 1))]["v"] = draw(JSON)
        elif action == "meta":
            b["meta"] = draw(JSON)
        else:
            b["list"] = draw(st.lists(JSON, max_size=4))
    return a, b


@settings(max_examples=300, deadline=None)
@given(_pairs())
def test_random_edits_patch_back_exactly(pair: tuple[dict, dict]) -> None:
    a, b = pair
    patch = make_patch(a, b)
    assert same_document(apply_patch(a, patch), b)
    assert all(op["path"] != "" for op in patch)
