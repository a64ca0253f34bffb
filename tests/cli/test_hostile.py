"""The hostile-archive corpus: every kind is refused with exit 2, one line, no traceback, nothing written."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowzip.cli import cli
from tests.zipbuild import MINIMAL_FLOW, central_offset, central_records, make_zip, patch, splice

MiB = 1 << 20


def _raw_zip(entries: list[tuple[bytes, bytes, int, int, int]]) -> bytes:
    """A ZIP from (name, stored-or-deflated body, method, crc, usize) with no checks at all."""
    out = bytearray()
    central = bytearray()
    for name, body, method, crc, usize in entries:
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, method, 0, 33, crc, len(body), usize, len(name), 0)
        out += name + body
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, method, 0, 33, crc, len(body), usize,
                               len(name), 0, 0, 0, 0, 0, offset)
        central += name
    cd_offset = len(out)
    out += central
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), len(central), cd_offset, 0)
    return bytes(out)


def _deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _flow_zip(payload: bytes) -> bytes:
    return make_zip({"data_intg_flow/f.json": payload, "DataStage-README.json": b"{ }"})


def dotdot() -> bytes:
    return make_zip({"../evil.json": b"{}"})


def dotdot_nested() -> bytes:
    return make_zip({"data_intg_flow/../../evil.json": b"{}"})


def absolute() -> bytes:
    return _raw_zip([(b"/etc/cron.d/evil", b"x", 0, zlib.crc32(b"x"), 1)])


def drive_letter() -> bytes:
    return _raw_zip([(b"C:/Windows/evil.json", b"x", 0, zlib.crc32(b"x"), 1)])


def backslash() -> bytes:
    return _raw_zip([(b"data_intg_flow\\..\\..\\evil.json", b"x", 0, zlib.crc32(b"x"), 1)])


def nul_byte() -> bytes:
    return _raw_zip([(b"data_intg_flow/a\x00.json", b"x", 0, zlib.crc32(b"x"), 1)])


def duplicate() -> bytes:
    with pytest.warns(UserWarning):
        return make_zip([("data_intg_flow/f.json", MINIMAL_FLOW), ("data_intg_flow/f.json", MINIMAL_FLOW)])


def overlapping() -> bytes:
    # Entry "b" hides inside the stored data of entry "a": the quoted-overlap zip-bomb trick.
    inner_body = b"hello"
    inner = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 33, zlib.crc32(inner_body), 5, 5, 1, 0)
    inner += b"b" + inner_body
    outer_body = inner + b"padding"
    header = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 33, zlib.crc32(outer_body), len(outer_body),
                         len(outer_body), 1, 0) + b"a"
    data = header + outer_body
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 33, zlib.crc32(outer_body),
                          len(outer_body), len(outer_body), 1, 0, 0, 0, 0, 0, 0) + b"a"
    central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 33, zlib.crc32(inner_body), 5, 5, 1,
                           0, 0, 0, 0, 0, len(header)) + b"b"
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 2, 2, len(central), len(data), 0)
    return data + central + eocd


def into_central_directory() -> bytes:
    data = make_zip({"data_intg_flow/f.json": MINIMAL_FLOW})
    record = central_records(data)[0]
    csize = struct.unpack_from("<L", data, record + 20)[0]
    return patch(data, record + 20, "<L", csize + 40)


def declared_too_large() -> bytes:
    # Declares 600 MiB: over the 512 MiB per-member limit before a byte is inflated.
    data = make_zip({"px_executables/f.zip": b"x" * 1000})
    record = central_records(data)[0]
    return patch(data, record + 24, "<L", 600 * MiB)


def ratio_bomb() -> bytes:
    return make_zip({"px_executables/f.zip": b"\0" * (4 * MiB)})


def lying_header_bomb() -> bytes:
    # The header claims 100 bytes; the data inflates to 4 MiB: caught while inflating.
    payload = b"\0" * (4 * MiB)
    body = _deflate(payload)
    return _raw_zip([(b"data_intg_flow/f.json", body, 8, zlib.crc32(payload), 100)])


def too_many_members() -> bytes:
    return make_zip({f"job/j{i}.json": b"{}" for i in range(10_001)}, method=zipfile.ZIP_STORED)


def too_many_bytes() -> bytes:
    return make_zip({f"px_executables/f{i}.zip": bytes(range(256)) * 64 for i in range(4)})


def truncated() -> bytes:
    data = make_zip({"data_intg_flow/f.json": MINIMAL_FLOW * 20})
    return data[: len(data) // 2]


def not_a_zip() -> bytes:
    return b"This is certainly not a ZIP archive, just some text." * 3


def empty_file() -> bytes:
    return b""


def invalid_json() -> bytes:
    return _flow_zip(b'{"doc_type": "pipeline", "pipelines": [')


def bom() -> bytes:
    return _flow_zip(b"\xef\xbb\xbf" + MINIMAL_FLOW)


def wrong_document() -> bytes:
    return _flow_zip(b'{ "parameter_set" : { "name" : "ps" } }')


def crc_mismatch() -> bytes:
    data = make_zip({"data_intg_flow/f.json": MINIMAL_FLOW}, method=zipfile.ZIP_STORED)
    record = central_records(data)[0]
    crc = struct.unpack_from("<L", data, record + 16)[0]
    # Both headers agree on a wrong CRC: only the bytes themselves can tell.
    return patch(patch(data, record + 16, "<L", crc ^ 0xFFFF), 14, "<L", crc ^ 0xFFFF)


def encrypted() -> bytes:
    data = make_zip({"data_intg_flow/f.json": MINIMAL_FLOW})
    record = central_records(data)[0]
    flags = struct.unpack_from("<H", data, record + 8)[0]
    return patch(patch(data, record + 8, "<H", flags | 1), 6, "<H", flags | 1)


def unsupported_method() -> bytes:
    return make_zip({"data_intg_flow/f.json": MINIMAL_FLOW}, method=zipfile.ZIP_BZIP2)


def local_name_mismatch() -> bytes:
    data = bytearray(make_zip({"data_intg_flow/f.json": MINIMAL_FLOW}))
    data[30:30 + len("data_intg_flow/f.json")] = b"data_intg_flow/g.json"
    return bytes(data)


def symlink() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("data_intg_flow/f.json")
        info.external_attr = (0o120777 << 16)
        archive.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def file_and_folder() -> bytes:
    return make_zip({"data_intg_flow/f.json": MINIMAL_FLOW, "data_intg_flow/f.json/x": b"x"})


def prepended_data() -> bytes:
    return b"#!/bin/sh\necho hi\n" + make_zip({"data_intg_flow/f.json": MINIMAL_FLOW})


def invalid_utf8_json() -> bytes:
    return _flow_zip(b'{ "pipelines" : [ ], "name" : "caf\xe9" }')


def nested_too_deep() -> bytes:
    return _flow_zip(b"[" * 5000 + b"]" * 5000)


def infinite_number() -> bytes:
    return _flow_zip(b'{ "pipelines" : [ ], "x" : 1e400 }')


def bad_utf8_name() -> bytes:
    data = make_zip({"data_intg_flow/f\u00e9.json": MINIMAL_FLOW})
    # Keep the UTF-8 flag, break the name bytes (in both headers).
    good = "data_intg_flow/f\u00e9.json".encode()
    bad = good.replace("\u00e9".encode(), b"\xff\xfe")
    return data.replace(good, bad)


def corrupt_deflate() -> bytes:
    data = bytearray(make_zip({"data_intg_flow/f.json": MINIMAL_FLOW * 10}))
    start = 30 + len("data_intg_flow/f.json")
    for i in range(start, start + 20):
        data[i] ^= 0x5A
    return bytes(data)


CASES: dict[str, tuple[Callable[[], bytes], str]] = {
    "dotdot": (dotdot, "'..' component"),
    "dotdot-nested": (dotdot_nested, "'..' component"),
    "absolute-path": (absolute, "absolute path"),
    "drive-letter": (drive_letter, "drive letter"),
    "backslash": (backslash, "backslash"),
    "nul-in-name": (nul_byte, "NUL"),
    "duplicate-names": (duplicate, "duplicate member name"),
    "overlapping-entries": (overlapping, "overlap"),
    "data-into-central-directory": (into_central_directory, "central directory"),
    "declared-size-over-limit": (declared_too_large, "per-member limit"),
    "ratio-bomb": (ratio_bomb, "compression ratio"),
    "lying-header-bomb": (lying_header_bomb, "zip bomb"),
    "too-many-members": (too_many_members, "over the limit of 10000"),
    "truncated": (truncated, "truncated"),
    "not-a-zip": (not_a_zip, "not a ZIP archive"),
    "empty-file": (empty_file, "empty"),
    "invalid-json": (invalid_json, "not valid JSON"),
    "byte-order-mark": (bom, "byte-order mark"),
    "wrong-document": (wrong_document, "not a pipeline-flow document"),
    "crc-mismatch": (crc_mismatch, "CRC mismatch"),
    "encrypted-entry": (encrypted, "encrypted"),
    "unsupported-method": (unsupported_method, "compression method 12"),
    "local-name-mismatch": (local_name_mismatch, "local header names a different file"),
    "symlink-entry": (symlink, "symbolic link"),
    "file-and-folder": (file_and_folder, "both as a file and as a folder"),
    "prepended-data": (prepended_data, "central directory is not where"),
    "invalid-utf8-json": (invalid_utf8_json, "not valid UTF-8"),
    "nested-too-deep": (nested_too_deep, "not valid JSON"),
    "infinite-number": (infinite_number, "not valid JSON"),
    "bad-utf8-name": (bad_utf8_name, "not valid UTF-8"),
    "corrupt-deflate": (corrupt_deflate, "corrupt compressed data"),
}


def stub_with_adjusted_offsets() -> bytes:
    return splice(make_zip({"data_intg_flow/f.json": MINIMAL_FLOW}), 0, b"MZ" + b"\0" * 62)


def record_in_a_gap() -> bytes:
    data = make_zip({"data_intg_flow/a.json": MINIMAL_FLOW, "data_intg_flow/b.json": MINIMAL_FLOW})
    evil = make_zip({"data_intg_flow/evil.json": b"{}"})
    return splice(data, struct.unpack_from("<L", data, central_records(data)[1] + 42)[0],
                   evil[: central_offset(evil)])


def local_size_disagrees() -> bytes:
    return patch(make_zip({"data_intg_flow/f.json": MINIMAL_FLOW}, method=zipfile.ZIP_STORED), 22, "<L", 5)


def normalised_names_collide() -> bytes:
    return make_zip({"data_intg_flow/caf\u00e9.json": MINIMAL_FLOW, "data_intg_flow/cafe\u0301.json": MINIMAL_FLOW})


CASES.update({
    "stub-with-adjusted-offsets": (stub_with_adjusted_offsets, "before the first member"),
    "record-in-a-gap": (record_in_a_gap, "between members"),
    "local-size-disagrees": (local_size_disagrees, "disagree on the member's size or CRC"),
    "normalised-names-collide": (normalised_names_collide, "once Unicode-normalised"),
})

#: Cases that need a tighter limit than the defaults (the limits are configurable).
EXTRA_ARGS = {"too-many-bytes": ["--max-total-bytes", "40000"]}
CASES["too-many-bytes"] = (too_many_bytes, "bytes in total")


@pytest.mark.parametrize("kind", sorted(CASES))
@pytest.mark.parametrize("command", ["convert", "check"])
def test_hostile_archive_is_refused_with_one_line(tmp_path: Path, kind: str, command: str) -> None:
    build, expected = CASES[kind]
    source = tmp_path / "hostile.zip"
    source.write_bytes(build())
    out = tmp_path / "out.zip"
    args = EXTRA_ARGS.get(kind, []) + [command, str(source)]
    if command == "convert":
        args += ["-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, (result.output, result.stderr)
    assert "Traceback" not in result.output + result.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["hostile.zip"], "a temporary file was left behind"
    if command == "convert":
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("flowzip: error: ")
        assert expected in lines[0], lines[0]
    else:
        assert expected in result.output + result.stderr


#: Every command that opens an archive, with {a} the archive, {ok} a sound one, {out} an output.
EVERY_COMMAND = [
    ["ls", "{a}"], ["show", "{a}"], ["lint", "{a}"], ["diff", "{ok}", "{a}"],
    ["import", "{ok}", "{a}", "--dry-run"], ["import", "{a}", "{ok}", "--dry-run"],
    ["export", "{a}", "--flow", "f", "-o", "{out}"], ["split", "{a}", "-o", "{out}"],
    ["render", "{a}", "-o", "{out}.svg"], ["arrange", "{a}", "-o", "{out}"], ["params", "ls", "{a}"],
    ["stage", "add", "{a}", "f", "Peek", "-o", "{out}"], ["flow", "new", "{a}", "g", "-o", "{out}"],
]


@pytest.mark.parametrize("kind", sorted(CASES))
def test_every_command_refuses_what_the_reader_refuses(tmp_path: Path, kind: str) -> None:
    build, expected = CASES[kind]
    source = tmp_path / "hostile.zip"
    source.write_bytes(build())
    if CliRunner().invoke(cli, EXTRA_ARGS.get(kind, []) + ["ls", str(source)]).exit_code != 2:
        # A fault inside one member (a CRC, bad JSON): the container opens, and what reads the member says so.
        checked = CliRunner().invoke(cli, EXTRA_ARGS.get(kind, []) + ["check", str(source)])
        assert checked.exit_code == 2 and expected in checked.output
        return
    sound = tmp_path / "ok.zip"
    sound.write_bytes(make_zip({"data_intg_flow/f.json": MINIMAL_FLOW}))
    for command in EVERY_COMMAND:
        out = tmp_path / "out.zip"
        args = [a.format(a=source, ok=sound, out=out) for a in command]
        result = CliRunner().invoke(cli, EXTRA_ARGS.get(kind, []) + args)
        linted = command[0] == "lint"  # lint reports an archive it cannot open as finding FZA001
        assert result.exit_code == (1 if linted else 2), (command, result.output)
        assert (expected in result.output) if linted else (
            result.stderr.count("\n") == 1 and expected in result.stderr), (command, result.stderr)
        assert not out.exists() and not (tmp_path / "out.zip.svg").exists()


def test_there_are_at_least_twenty_kinds() -> None:
    assert len(CASES) >= 20


def test_hostile_archive_through_the_real_executable(tmp_path: Path) -> None:
    source = tmp_path / "hostile.zip"
    source.write_bytes(dotdot())
    out = tmp_path / "out.zip"
    proc = subprocess.run(
        [sys.executable, "-m", "flowzip", "convert", str(source), "-o", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "'..' component" in proc.stderr
    assert not out.exists()
