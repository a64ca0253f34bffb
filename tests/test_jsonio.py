"""Style detection, the printers, number spellings, and property tests of lossless round trips."""

from __future__ import annotations

import json
import math
import tracemalloc
from pathlib import Path

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import flowzip
from flowzip import jsonio
from flowzip.errors import DocumentError
from tests.conftest import real_exports, real_or_missing, real_params
from tests.sdkflow import sdk_batch_flow

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


# --------------------------------------------------------------------------- the fast Jackson writer
# Jackson's layout is written mostly by orjson (jsonio._jackson_fast); every byte must be what the exact
# printer writes, whatever the strings, numbers and nesting (issue 17: writing at the floor).

awkward_strings = st.sampled_from(
    ['": ', '" : {}', 'say "hi"', "a\\", "\x01\x1f", "tab\there", "\u2028", "é", "{}", "[]", "[ ]", ": 12345678.9",
     "\\u0041", "k\\"]
) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
awkward_numbers = st.sampled_from(
    [1e7, 9999999.999, 1e-3, 9.99e-4, 1e-5, 1e16, 1e22, 5e-324, 1.7976931348623157e308, -0.0, 0.0, 1056.0,
     166.32000000000002, 2**63, 2**64, -(2**63) - 1, 10**30, 2147483647, 12345678]
) | st.floats(allow_nan=False, allow_infinity=False) | st.integers()
awkward_scalars = st.none() | st.booleans() | awkward_numbers | awkward_strings
awkward_documents = st.recursive(
    awkward_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(awkward_strings, children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(doc=awkward_documents)
def test_the_fast_jackson_writer_writes_what_the_exact_printer_writes(doc: object) -> None:
    assert jsonio.dumps(doc) == jsonio.dumps(doc, exact=True)


@settings(max_examples=200, deadline=None)
@given(doc=st.dictionaries(awkward_strings, awkward_documents, min_size=1, max_size=5),
       trailing=st.sampled_from(["", "\n"]))
def test_a_jackson_file_edited_is_written_as_the_exact_printer_writes_it(doc: dict, trailing: str) -> None:
    raw = jsonio.dumps(doc) + trailing.encode()
    edited = jsonio.loads(raw)
    edited["added"] = {"x_pos": 1.5e7, "items": [{"a": 1}, []], "empty": {}}
    style = jsonio.detect_style(raw)
    expected = jsonio.dumps(edited, style, jsonio.Spellings(raw, style.floats) or None, exact=True)
    assert jsonio.dumps_like(edited, raw) == expected


def _spelled(value: float, how: int) -> str:
    return [repr(value), jsonio.java_double(value), f"{value:.17g}", f"{value:.18f}", f"{value:.9f}",
            f"{value:e}"][how]


@settings(max_examples=300, deadline=None)
@given(numbers=st.lists(st.tuples(st.one_of(st.floats(-1e6, 1e6), st.floats(allow_nan=False, allow_infinity=False)),
                                  st.integers(0, 5)), min_size=1, max_size=6))
@example(numbers=[(47.519999999999996, 0), (0.1, 2)])
def test_numbers_spelled_any_way_are_written_back_as_the_exact_printer_writes_them(numbers: list) -> None:
    # Long fractions (a stage's 47.519999999999996) are spelled again and compared rather than all sent to the
    # full scan: a spelling the printer would not reproduce must still be found.
    items = ", ".join(_spelled(value, how) for value, how in numbers)
    raw = f'{{\n  "x_pos" : [ {items} ],\n  "name" : "v1.123456789"\n}}'.encode()
    try:
        doc = jsonio.loads(raw)
    except DocumentError:
        return  # a spelling JSON does not allow (1e+300 overflows, say)
    assert jsonio.dumps_like(doc, raw) == _written_exactly(raw)


def test_odd_number_spellings_are_kept_when_the_fast_writer_cannot_keep_them() -> None:
    raw = b'{\n  "a" : 1.50,\n  "b" : [ 1E5, -0 ],\n  "c" : { }\n}'
    assert jsonio.dumps_like(jsonio.loads(raw), raw) == raw
    assert jsonio.dumps_like(jsonio.loads(b"1.50"), b"1.50") == b"1.50"


def test_values_the_printer_cannot_write_are_refused_by_the_fast_writer_too() -> None:
    for value in ({"a": (1, 2)}, {"a": {1: 2}}, {"a": {"b": {1, 2}}}):
        with pytest.raises(TypeError):
            jsonio.dumps(value, exact=True)
        with pytest.raises(TypeError):
            jsonio.dumps(value)


def _written_exactly(raw: bytes) -> bytes:
    style = jsonio.detect_style(raw)
    return jsonio.dumps(jsonio.loads(raw), style, jsonio.Spellings(raw, style.floats) or None, exact=True)


@pytest.mark.parametrize("path", real_params(real_exports()))
def test_every_real_member_is_written_by_the_fast_way_as_by_the_exact_printer(path: Path | None) -> None:
    archive = flowzip.open(real_or_missing(path))
    checked = 0
    for member in archive.members:
        if not member.is_json:
            continue
        raw = member.read()
        try:
            doc = jsonio.loads(raw)
        except DocumentError:
            continue  # broken members of the corpus are refused elsewhere
        assert jsonio.dumps_like(doc, raw) == _written_exactly(raw), member.name
        checked += 1
    assert checked


SDK_STAGES = ["Row Generator", "Transformer", "Copy", "Filter", "Sort", "Aggregator", "Remove Duplicates", "Modify",
              "Column Generator", "Switch", "Surrogate Key Generator", "Pivot Enterprise", "Head", "Peek"]


def test_a_flow_the_sdk_builds_is_written_by_the_fast_way_as_by_the_exact_printer() -> None:
    flow = sdk_batch_flow()
    stages = [flow.add_stage(kind, f"s{index}") for index, kind in enumerate(SDK_STAGES)]
    for source, target in zip(stages, stages[1:]):
        schema = source.connect_output_to(target).create_schema()
        schema.add_field("VARCHAR", "NAME").length = 40
        schema.add_field("DECIMAL", "AMOUNT")
    raw = jsonio.dumps(json.loads(flow._dag_to_json()), exact=True)
    assert raw.count(b"\n") > 1000  # every property default of every stage is there
    assert jsonio.dumps_like(jsonio.loads(raw), raw) == _written_exactly(raw) == raw


@settings(max_examples=200, deadline=None)
@given(doc=st.dictionaries(awkward_strings, awkward_documents, min_size=1, max_size=5), style=styles,
       repeated=awkward_documents)
def test_a_repeated_key_is_always_found(doc: dict, style: jsonio.Style, repeated: object) -> None:
    # The cheap test (counting ':' in the text and in the document) must never miss a repeated key.
    if _has_big_int(doc) or _has_big_int(repeated):
        return
    raw = jsonio.dumps(doc, style)
    key = next(iter(doc))
    pair = jsonio.dumps({key: repeated}, jsonio.COMPACT)[1:-1]
    text = raw.replace(b"{", b"{" + pair + b",", 1)
    assert jsonio.repeated_keys(text, jsonio.loads(text)) != []
    assert jsonio.repeated_keys(raw, jsonio.loads(raw)) == []


def test_a_repeated_key_spelled_with_an_escaped_colon_is_found() -> None:
    # "\u003a" is a ':' the text does not show as one: the count of ':' alone cannot be trusted then.
    raw = b'{\n  "a\\u003ab" : 1,\n  "a:b" : 2\n}'
    assert jsonio.repeated_keys(raw, jsonio.loads(raw)) != []
    assert jsonio.repeated_keys(b'{\n  "a\\u003ab" : 1\n}', {"a:b": 1}) == []
