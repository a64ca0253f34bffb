"""Build small ZIP archives in tests, including malformed ones."""

from __future__ import annotations

import io
import struct
import zipfile


def make_zip(files: dict[str, bytes] | list[tuple[str, bytes]], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    items = files.items() if isinstance(files, dict) else files
    with zipfile.ZipFile(buffer, "w", compression=method) as archive:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=(2024, 1, 2, 3, 4, 6))
            info.compress_type = method
            archive.writestr(info, data)
    return buffer.getvalue()


def central_offset(data: bytes) -> int:
    eocd = data.rfind(b"PK\x05\x06")
    return struct.unpack_from("<L", data, eocd + 16)[0]


def central_records(data: bytes) -> list[int]:
    """Offsets of every central-directory record."""
    pos = central_offset(data)
    found = []
    while data[pos:pos + 4] == b"PK\x01\x02":
        found.append(pos)
        nlen, elen, clen = struct.unpack_from("<HHH", data, pos + 28)
        pos += 46 + nlen + elen + clen
    return found


def patch(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    buffer = bytearray(data)
    struct.pack_into(fmt, buffer, offset, *values)
    return bytes(buffer)


MINIMAL_FLOW = (
    b'{\n  "doc_type" : "pipeline",\n  "version" : "3.0",\n  "id" : "d",\n  "primary_pipeline" : "p",\n'
    b'  "pipelines" : [ {\n    "id" : "p",\n    "runtime_ref" : "pxOsh",\n    "nodes" : [ ]\n  } ]\n}'
)


def splice(data: bytes, at: int, insert: bytes) -> bytes:
    """*insert* put into the ZIP *data* at *at*, with the local-header offsets past it and the central
    directory's moved accordingly (as a forger would: the directory still looks consistent)."""
    records, directory = central_records(data), central_offset(data)
    spliced = data[:at] + insert + data[at:]
    for record in records:
        offset = struct.unpack_from("<L", data, record + 42)[0]
        if offset >= at:
            spliced = patch(spliced, record + len(insert) + 42, "<L", offset + len(insert))
    eocd = spliced.rfind(b"PK\x05\x06")
    return patch(spliced, eocd + 16, "<L", directory + len(insert))
