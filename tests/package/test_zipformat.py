from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from flowzip.errors import LimitExceededError, UnsafeArchiveError
from flowzip.package.limits import DEFAULT_LIMITS, Limits
from flowzip.package.zipformat import ZipWriter, _patch_offset, dos_timestamp, inflate, read_directory
from tests.conftest import REAL, real_or_missing, real_params
from tests.zipbuild import MINIMAL_FLOW, central_offset, central_records, make_zip, patch, splice


def _real_zips() -> list[Path]:
    return sorted(REAL.rglob("*.zip")) if REAL.is_dir() else []


@pytest.mark.parametrize("path", real_params(_real_zips()))
def test_reader_agrees_with_zipfile_on_real_archives(path: Path | None) -> None:
    path = real_or_missing(path)
    data = path.read_bytes()
    directory = read_directory(data, str(path), DEFAULT_LIMITS)
    with zipfile.ZipFile(path) as reference:
        infos = reference.infolist()
        assert [e.name for e in directory.entries] == [i.filename for i in infos]
        for entry, info in zip(directory.entries, infos):
            assert (entry.crc, entry.file_size, entry.compress_size, entry.method, entry.flags) == (
                info.CRC, info.file_size, info.compress_size, info.compress_type, info.flag_bits)
            assert entry.date_time == info.date_time or entry.dos_date == 0
            assert inflate(data, entry, DEFAULT_LIMITS, str(path)) == reference.read(info)


def test_writer_copies_records_and_adds_new_ones() -> None:
    original = make_zip({"a.json": b'{"a":1}', "b/c.bin": b"\x00\x01" * 100})
    directory = read_directory(original, "in", DEFAULT_LIMITS)
    out = io.BytesIO()
    writer = ZipWriter(out)
    writer.copy(original, directory.entries[1])
    time_, date = dos_timestamp(None)
    writer.add("new é.json", b'{"n":2}', dos_time=time_, dos_date=date)
    writer.add("a.json", b'{"a":2}', dos_time=time_, dos_date=date, template=directory.entries[0])
    writer.close()
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as written:
        assert written.testzip() is None
        assert written.namelist() == ["b/c.bin", "new é.json", "a.json"]
        assert written.read("a.json") == b'{"a":2}'
        info = written.getinfo("a.json")
        assert info.date_time == (2024, 1, 2, 3, 4, 6)  # the changed member keeps its timestamp
        assert written.getinfo("new é.json").flag_bits & 0x800


def test_no_op_copy_reproduces_the_whole_file() -> None:
    original = make_zip({"a.json": b"{}", "b.json": b"[]"})
    directory = read_directory(original, "in", DEFAULT_LIMITS)
    out = io.BytesIO()
    writer = ZipWriter(out)
    for entry in directory.entries:
        writer.copy(original, entry)
    writer.close(directory.comment)
    assert out.getvalue() == original


def test_copy_as_moves_compressed_bytes_under_a_new_name() -> None:
    original = make_zip({"a.json": b'{"a":1}' * 50, "b.json": b"[]"})
    directory = read_directory(original, "in", DEFAULT_LIMITS)
    out = io.BytesIO()
    writer = ZipWriter(out)
    writer.copy_as(original, directory.entries[1], "b.json")  # same name: a plain copy
    writer.copy_as(original, directory.entries[0], "renamed/ä.json")
    writer.close()
    written = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(written)) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["b.json", "renamed/ä.json"]
        assert archive.read("renamed/ä.json") == b'{"a":1}' * 50
        info = archive.getinfo("renamed/ä.json")
        assert info.date_time == (2024, 1, 2, 3, 4, 6) and info.flag_bits & 0x800
    entry = directory.entries[0]
    compressed = original[entry.data_offset:entry.data_offset + entry.compress_size]
    assert compressed in written  # copied, not compressed again


def test_zip64_offsets_are_patched_inside_the_extra_field() -> None:
    name = b"a"
    extra = struct.pack("<HHQ", 1, 8, 5)
    central = struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 45, 45, 0, 8, 0, 33, 0, 10, 10, len(name), len(extra), 0,
                          0, 0, 0, 0xFFFFFFFF) + name + extra
    patched = _patch_offset(central, 123)
    assert struct.unpack_from("<Q", patched, 46 + 1 + 4)[0] == 123
    assert struct.unpack_from("<L", patched, 42)[0] == 0xFFFFFFFF


def test_many_members_get_a_zip64_end_record() -> None:
    out = io.BytesIO()
    writer = ZipWriter(out)
    for i in range(70_000):
        writer.add(f"{i}", b"", dos_time=0, dos_date=33, compress=False)
    writer.close()
    data = out.getvalue()
    directory = read_directory(data, "big", Limits(max_members=100_000))
    assert len(directory.entries) == 70_000
    with zipfile.ZipFile(io.BytesIO(data)) as reference:
        assert len(reference.infolist()) == 70_000


def test_inflate_counts_bytes_instead_of_trusting_the_header() -> None:
    payload = b"\0" * (3 << 20)
    data = make_zip({"x.bin": payload})
    directory = read_directory(data, "in", Limits(max_ratio=100_000))
    assert inflate(data, directory.entries[0], Limits(max_ratio=100_000), "in") == payload
    with pytest.raises(LimitExceededError, match="per-member limit"):
        inflate(data, directory.entries[0], Limits(max_member_bytes=1 << 20, max_ratio=100_000), "in")


@pytest.mark.parametrize(
    ("epoch", "expected"),
    [(None, (0, 33)), (0, (0, 33)), (1700000000, ((22 << 11) | (13 << 5) | 10, (43 << 9) | (11 << 5) | 14))],
)
def test_dos_timestamps(epoch: float | None, expected: tuple[int, int]) -> None:
    assert dos_timestamp(epoch) == expected


# --------------------------------------------------------------------------- one strict reader for every command


def _descriptor_zip() -> bytes:
    """A ZIP whose member carries a data descriptor (as a writer to a pipe writes it)."""

    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.data = bytearray()

        def writable(self) -> bool:
            return True

        def write(self, chunk) -> int:  # noqa: ANN001
            self.data += chunk
            return len(chunk)

    pipe = Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data_intg_flow/f.json", MINIMAL_FLOW)
    return bytes(pipe.data)


def test_a_descriptor_zip_reads_and_a_lying_descriptor_is_refused() -> None:
    data = _descriptor_zip()
    assert read_directory(data, "a.zip", DEFAULT_LIMITS).entries[0].flags & 0x08
    position = data.find(b"PK\x07\x08")
    lying = patch(data, position + 4, "<L", struct.unpack_from("<L", data, position + 4)[0] ^ 1)
    with pytest.raises(UnsafeArchiveError, match="data descriptor disagrees"):
        read_directory(lying, "a.zip", DEFAULT_LIMITS)


def test_a_local_header_that_disagrees_on_the_size_is_refused() -> None:
    data = make_zip({"data_intg_flow/f.json": MINIMAL_FLOW}, method=zipfile.ZIP_STORED)
    with pytest.raises(UnsafeArchiveError, match="disagree on the member's size or CRC"):
        read_directory(patch(data, 22, "<L", 5), "a.zip", DEFAULT_LIMITS)


def test_a_prepended_stub_with_adjusted_offsets_is_refused() -> None:
    data = make_zip({"data_intg_flow/f.json": MINIMAL_FLOW})
    with pytest.raises(UnsafeArchiveError, match="before the first member"):
        read_directory(splice(data, 0, b"MZ" + b"\0" * 62), "a.zip", DEFAULT_LIMITS)


def test_a_record_hidden_between_members_is_refused() -> None:
    data = make_zip({"data_intg_flow/a.json": MINIMAL_FLOW, "data_intg_flow/b.json": MINIMAL_FLOW})
    second = struct.unpack_from("<L", data, central_records(data)[1] + 42)[0]
    evil = make_zip({"data_intg_flow/evil.json": b"{}"})
    with pytest.raises(UnsafeArchiveError, match="between members"):
        read_directory(splice(data, second, evil[: central_offset(evil)]), "a.zip", DEFAULT_LIMITS)


def test_names_equal_once_unicode_normalised_are_refused() -> None:
    composed, decomposed = "data_intg_flow/caf\u00e9.json", "data_intg_flow/cafe\u0301.json"
    data = make_zip({composed: MINIMAL_FLOW, decomposed: MINIMAL_FLOW})
    with pytest.raises(UnsafeArchiveError, match="once Unicode-normalised"):
        read_directory(data, "a.zip", DEFAULT_LIMITS)
