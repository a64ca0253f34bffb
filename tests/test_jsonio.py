"""Style detection, the printers, number spellings, and property tests of lossless round trips."""

from __future__ import annotations

import json
import math
import tracemalloc

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowzip import jsonio
from flowzip.errors import DocumentError

JACKSON_SAMPLE = (
    b'{\n  "primary_pipeline" : "p",\n  "pipelines" : [ {\n    "nodes" : [ ],\n    "app_data" : { },\n'
    b'    "x_pos" : 1056.0,\n    "tags" : [ "a", "b" ],\n    "grid" : [ [ 1, 2 ], [ ] ]\n  } ]\n}'
)


def test_jackson_layout_is_detected_and_reproduced() -> None:
    style = jsonio.detect_style(JACKSON_SAMPLE)
    assert style.layout == "jackson" and style.indent == "  " and style.trailing == ""
    assert jsonio.dumps(jsonio.loads(JACKSON_SAMPLE), style) == JACKSON_SAMPLE


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"a": [1, {"b": None}], "c": "é"}, separators=(",", ":"), ensure_ascii=False),
        json.dumps({"a": [1, {"b": None}], "c": "é"}),  # Python defaults: ', ' ': ' and \\u escapes
        json.dumps({"a": [1, {"b": []}], "c": {}}, indent=2) + "\n",
        json.dumps({"a": [1, {"b": []}], "c": {}}, indent=4),
        json.dumps({"a": [1, {"b": []}], "c": {}}, indent="\t").replace("\n", "\r\n"),
    ],
)
def test_other_layouts_are_detected_and_reproduced(text: str) -> None:
    raw = text.encode()
    assert jsonio.dumps_like(jsonio.loads(raw), raw) == raw


@pytest.mark.parametrize(
    ("value", "java"),
    [(1056.0, "1056.0"), (166.32000000000002, "166.32000000000002"), (0.001, "0.001"), (1e-4, "1.0E-4"),
     (1.5e-7, "1.5E-7"), (1e7, "1.0E7"), (12345678.9, "1.23456789E7"), (-2.5e20, "-2.5E20"), (0.0, "0.0"),
     (-0.0, "-0.0")],
)
def test_java_double_spelling(value: float, java: str) -> None:
    assert jsonio.java_double(value) == java
    assert float(java) == value


def test_spellings_keep_unusual_numbers_in_document_order() -> None:
    raw = b'{\n  "a" : 1.50,\n  "b" : 1.5,\n  "c" : 1.500,\n  "d" : 2E3\n}'
    doc = jsonio.loads(raw)
    assert jsonio.dumps_like(doc, raw) == raw


def test_integers_beyond_64_bits_keep_their_precision() -> None:
    raw = b'[18446744073709551616, -9223372036854775809, 123456789012345678901234567890]'
    assert jsonio.loads(raw) == [18446744073709551616, -9223372036854775809, 123456789012345678901234567890]


@pytest.mark.parametrize(
    ("raw", "message"),
    [(b"\xef\xbb\xbf{}", "byte-order mark"), (b"{", "not valid JSON"), (b"[NaN]", "not valid JSON"),
     (b"[1e400]", "not valid JSON"), (b'"\xff"', "not valid UTF-8"), (b"", "not valid JSON")],
)
def test_bad_json_is_refused_naming_the_member(raw: bytes, message: str) -> None:
    with pytest.raises(DocumentError, match=message) as caught:
        jsonio.loads(raw, member="data_intg_flow/x.json")
    assert str(caught.value).startswith("data_intg_flow/x.json: ")


def test_control_characters_use_jacksons_escapes() -> None:
    assert jsonio.dumps({"s": "a\x01\n\t\"\\"}) == b'{\n  "s" : "a\\u0001\\n\\t\\"\\\\"\n}'


def test_nesting_beyond_the_parsers_limit_is_refused() -> None:
    with pytest.raises(DocumentError, match="nested too deeply|not valid JSON"):
        jsonio.loads(b"[" * 5000 + b"]" * 5000, member="x.json")
    assert jsonio.loads(b"[" * 500 + b"]" * 500) is not None


# --------------------------------------------------------------------------- property tests

keys = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)
)
documents = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(keys, children, max_size=6),
    max_leaves=40,
)
styles = st.sampled_from(
    [jsonio.JACKSON, jsonio.COMPACT, jsonio.Style("indent", "  ", ",", ": ", floats="repr"),
     jsonio.Style("compact", "", ", ", ": ", ascii_only=True, floats="repr"),
     jsonio.Style("indent", "\t", ",", ": ", newline="\r\n", trailing="\r\n", floats="repr")]
)


def _same(a: object, b: object) -> bool:
    """Equality that also tells ints from floats and -0.0 from 0.0, and keeps key order."""
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return isinstance(b, float) and a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b


@settings(max_examples=300, deadline=None)
@given(doc=documents, style=styles)
def test_any_document_round_trips_in_any_style(doc: object, style: jsonio.Style) -> None:
    raw = jsonio.dumps(doc, style)
    assert _same(jsonio.loads(raw), doc)
    # The style is recognised from the bytes it produced (for documents with structure to show it).
    if isinstance(doc, dict) and doc and style.layout != "compact":
        assert jsonio.dumps_like(jsonio.loads(raw), raw) == raw


@settings(max_examples=200, deadline=None)
@given(doc=st.dictionaries(keys, documents, min_size=1, max_size=6), style=styles, data=st.data())
def test_editing_one_key_keeps_every_other_byte(doc: dict, style: jsonio.Style, data: st.DataObject) -> None:
    raw = jsonio.dumps(doc, style)
    edited = jsonio.loads(raw)
    key = data.draw(st.sampled_from(sorted(edited)))
    edited[key] = data.draw(scalars)
    out = jsonio.dumps_like(edited, raw)
    reparsed = jsonio.loads(out)
    assert list(reparsed) == list(doc)  # unknown keys and their order survive
    for other in doc:
        if other != key:
            assert _same(reparsed[other], doc[other])
    assert _same(reparsed[key], edited[key])


@settings(max_examples=200, deadline=None)
@given(doc=documents)
def test_loads_agrees_with_the_standard_library(doc: object) -> None:
    raw = orjson.dumps(doc) if not _has_big_int(doc) else json.dumps(doc).encode()
    assert _same(jsonio.loads(raw), json.loads(raw))


def _has_big_int(doc: object) -> bool:
    if isinstance(doc, dict):
        return any(_has_big_int(v) for v in doc.values())
    if isinstance(doc, list):
        return any(_has_big_int(v) for v in doc)
    return isinstance(doc, int) and not isinstance(doc, bool) and not -(2**63) <= doc < 2**64


def test_a_long_string_costs_no_memory_to_scan() -> None:
    # Strings are matched as runs: a 2 MB label once took ~150 bytes of regex state per character.
    raw = b'{\n  "label" : "' + b"x" * 2_000_000 + b'",\n  "n" : 1.50\n}'
    tracemalloc.start()
    try:
        spellings = jsonio.Spellings(raw, jsonio.detect_style(raw).floats)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
    assert spellings.spell(1.5, "repr") == "1.50"
