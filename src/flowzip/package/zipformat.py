"""A ZIP reader and writer that can copy members without touching their bytes.

The standard library's :mod:`zipfile` always re-compresses what it writes.  To
keep unchanged members byte-identical (compressed bytes, CRC, method,
timestamps, flags and order) this module parses the central directory itself,
copies each local record verbatim and patches only the offset in the copied
central-directory record.  Its reader is strict: it refuses the structural
tricks of hostile archives (overlapping records, names that differ between the
local and central headers, data running into the central directory) and checks
sizes against :class:`~flowzip.package.limits.Limits` before and while inflating.
"""

from __future__ import annotations

import struct
import time
import unicodedata
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

from ..errors import ArchiveError, LimitExceededError, MemberError, UnsafeArchiveError
from .limits import Limits
from .names import check_member_name

LOCAL_SIG = b"PK\x03\x04"
CENTRAL_SIG = b"PK\x01\x02"
EOCD_SIG = b"PK\x05\x06"
ZIP64_LOCATOR_SIG = b"PK\x06\x07"
ZIP64_EOCD_SIG = b"PK\x06\x06"
DESCRIPTOR_SIG = b"PK\x07\x08"

_LOCAL = struct.Struct("<4s5H3L2H")  # 30 bytes
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # 46 bytes
_EOCD = struct.Struct("<4s4H2LH")  # 22 bytes
_ZIP64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")  # 56 bytes

FLAG_ENCRYPTED = 0x0001
FLAG_DESCRIPTOR = 0x0008
FLAG_STRONG_ENCRYPTION = 0x0040
FLAG_UTF8 = 0x0800
STORED = 0
DEFLATED = 8
_U32 = 0xFFFFFFFF
_U16 = 0xFFFF
_S_IFLNK = 0o120000


_METHOD_NAMES = {STORED: "stored", DEFLATED: "deflate"}


@dataclass(slots=True)
class ZipEntry:
    """One member as the central directory describes it, with where its bytes are."""

    name: str
    index: int
    flags: int
    method: int
    dos_time: int
    dos_date: int
    crc: int
    compress_size: int
    file_size: int
    header_offset: int
    data_offset: int
    record_end: int
    external_attr: int
    central: bytes = field(repr=False)

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")

    @property
    def date_time(self) -> tuple[int, int, int, int, int, int]:
        d, t = self.dos_date, self.dos_time
        return ((d >> 9) + 1980, (d >> 5) & 0xF, d & 0x1F, t >> 11, (t >> 5) & 0x3F, (t & 0x1F) * 2)

    @property
    def compression(self) -> str:
        return _METHOD_NAMES.get(self.method) or f"method {self.method}"


@dataclass
class ZipDirectory:
    """The parsed archive: entries in central-directory order, plus the archive comment."""

    entries: list[ZipEntry]
    comment: bytes
    cd_offset: int


# --------------------------------------------------------------------------- reading


def _decode_name(raw: bytes, flags: int, label: str) -> str:
    if flags & FLAG_UTF8:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise UnsafeArchiveError(
                f"a member name is not valid UTF-8 although flagged so: {raw!r}", archive=label
            ) from None
    try:
        # Many tools write UTF-8 names without setting the flag; fall back to the spec's cp437.
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp437")


def _zip64_extra(extra: bytes, need: list[str]) -> dict[str, int]:
    """Read the ZIP64 extended-information fields named in *need* (in their fixed order)."""
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + size]
        if tag == 0x0001:
            values: dict[str, int] = {}
            off = 0
            for name in need:
                width = 4 if name == "disk" else 8
                if off + width > len(body):
                    break
                values[name] = int.from_bytes(body[off : off + width], "little")
                off += width
            return values
        pos += 4 + size
    return {}


def _find_eocd(data: bytes, label: str) -> int:
    size = len(data)
    if size == 0:
        raise ArchiveError("the file is empty, not a ZIP archive", archive=label)
    if size < _EOCD.size:
        raise ArchiveError("not a ZIP archive (too short)", archive=label)
    start = max(0, size - _EOCD.size - _U16)
    pos = data.rfind(EOCD_SIG, start)
    while pos >= 0:
        if pos + _EOCD.size <= size:
            comment_len = struct.unpack_from("<H", data, pos + 20)[0]
            if pos + _EOCD.size + comment_len == size:
                return pos
        pos = data.rfind(EOCD_SIG, start, pos)
    if data.startswith(LOCAL_SIG):
        raise ArchiveError(
            "truncated ZIP archive: the end-of-central-directory record is missing",
            archive=label,
            hint="the download or copy was probably cut short; export it again",
        )
    raise ArchiveError("not a ZIP archive", archive=label)


def read_directory(data: bytes, label: str, limits: Limits) -> ZipDirectory:
    """Parse and validate the central directory of the ZIP held in *data*."""
    eocd = _find_eocd(data, label)
    _, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment_len = _EOCD.unpack_from(data, eocd)
    comment = data[eocd + _EOCD.size : eocd + _EOCD.size + comment_len]
    cd_end = eocd
    locator = eocd - _ZIP64_LOCATOR.size
    if locator >= 0 and data[locator : locator + 4] == ZIP64_LOCATOR_SIG:
        _, _, z64_offset, _ = _ZIP64_LOCATOR.unpack_from(data, locator)
        if z64_offset + _ZIP64_EOCD.size > locator or data[z64_offset : z64_offset + 4] != ZIP64_EOCD_SIG:
            raise ArchiveError("corrupt ZIP64 end-of-central-directory record", archive=label)
        (_, _, _, _, disk, cd_disk, n_disk, n_total, cd_size, cd_offset) = _ZIP64_EOCD.unpack_from(
            data, z64_offset
        )
        cd_end = z64_offset
    if disk != 0 or cd_disk != 0 or n_disk != n_total:
        raise ArchiveError("multi-volume ZIP archives are not supported", archive=label)
    if n_total > limits.max_members:
        raise LimitExceededError(
            f"has {n_total} members, over the limit of {limits.max_members}",
            archive=label,
            hint="raise the member limit if this archive is trusted",
        )
    if cd_offset + cd_size != cd_end:
        raise ArchiveError(
            "the central directory is not where the end record says "
            "(truncated, or data was prepended to the archive)",
            archive=label,
        )

    entries: list[ZipEntry] = []
    seen: dict[str, int] = {}
    pos = cd_offset
    unpack_central, unpack_local = _CENTRAL.unpack_from, _LOCAL.unpack_from
    declared_total = 0
    for index in range(n_total):
        if pos + 46 > cd_end:
            raise ArchiveError(f"central directory entry {index} is corrupt", archive=label)
        (sig, _, _, flags, method, dos_time, dos_date, crc, csize, usize, nlen, elen, clen, _,
         _, external_attr, offset) = unpack_central(data, pos)
        end = pos + 46 + nlen + elen + clen
        if sig != CENTRAL_SIG or end > cd_end:
            raise ArchiveError(f"central directory entry {index} is corrupt", archive=label)
        raw_name = data[pos + 46 : pos + 46 + nlen]
        central = data[pos:end]
        pos = end

        need = [] if _U32 not in (usize, csize, offset) else [
            n for n, v in (("usize", usize), ("csize", csize), ("offset", offset)) if v == _U32]
        if need:
            z64 = _zip64_extra(central[46 + nlen : 46 + nlen + elen], need)
            if len(z64) != len(need):
                raise ArchiveError(f"central directory entry {index} lacks its ZIP64 sizes", archive=label)
            usize = z64.get("usize", usize)
            csize = z64.get("csize", csize)
            offset = z64.get("offset", offset)

        name = _decode_name(raw_name, flags, label)
        check_member_name(name, archive=label)
        if name in seen:
            raise UnsafeArchiveError(
                "duplicate member name: the archive holds two entries with this name",
                archive=label,
                member=name,
            )
        seen[name] = index
        if (external_attr >> 16) & 0o170000 == _S_IFLNK:
            raise UnsafeArchiveError(
                "the member is a symbolic link, which could point outside the archive",
                archive=label,
                member=name,
            )

        # The local header must agree with the central one and leave room for the data.
        if offset + 30 > cd_offset:
            raise ArchiveError(
                "the local header is missing or lies inside the central directory",
                archive=label,
                member=name,
            )
        (local_sig, _, local_flags, local_method, _, _, local_crc, local_csize, local_usize, lnlen,
         lelen) = unpack_local(data, offset)
        if local_sig != LOCAL_SIG:
            raise ArchiveError(
                "the local header is missing or lies inside the central directory",
                archive=label,
                member=name,
            )
        if data[offset + 30 : offset + 30 + lnlen] != raw_name:
            raise UnsafeArchiveError(
                "the local header names a different file than the central directory",
                archive=label,
                member=name,
            )
        data_offset = offset + _LOCAL.size + lnlen + lelen
        data_end = data_offset + csize
        record_end = data_end
        if flags & FLAG_DESCRIPTOR:
            wide = bool(_zip64_extra(data[offset + _LOCAL.size + lnlen : data_offset], ["usize", "csize"])) \
                or bool(need)
            record_end += (20 if wide else 12) + (4 if data[data_end : data_end + 4] == DESCRIPTOR_SIG else 0)
        if record_end > cd_offset:
            raise UnsafeArchiveError(
                "the member's data runs into the central directory",
                archive=label,
                member=name,
            )
        if flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) or local_flags & FLAG_ENCRYPTED:
            raise ArchiveError(
                "the member is encrypted; flowzip reads unencrypted archives only",
                archive=label,
                member=name,
                hint="export again without a ZIP password",
            )
        if usize > limits.max_member_bytes:
            raise LimitExceededError(
                f"declares {usize} bytes uncompressed, over the per-member limit of "
                f"{limits.max_member_bytes}",
                archive=label,
                member=name,
            )
        if usize > limits.inflate_cap(csize):
            raise LimitExceededError(
                f"declares a compression ratio of {usize // max(csize, 1)}:1, over the limit of "
                f"{limits.max_ratio}:1 (possible zip bomb)",
                archive=label,
                member=name,
            )
        if method == STORED and csize != usize:
            raise ArchiveError("stored member's sizes disagree", archive=label, member=name)
        # The local header (and a data descriptor) must say what the central directory says.
        local_extra = data[offset + _LOCAL.size + lnlen : data_offset]
        if local_method != method or (local_flags ^ flags) & (FLAG_ENCRYPTED | FLAG_DESCRIPTOR):
            raise UnsafeArchiveError("the local header and the central directory disagree on how the member "
                                     "is stored", archive=label, member=name)
        if flags & FLAG_DESCRIPTOR:
            wide = bool(_zip64_extra(local_extra, ["usize", "csize"])) or bool(need)
            signed = data[data_end : data_end + 4] == DESCRIPTOR_SIG
            start = data_end + (4 if signed else 0)
            if record_end <= cd_offset:
                told = struct.unpack_from("<LQQ" if wide else "<LLL", data, start)
                if told != (crc, csize, usize):
                    raise UnsafeArchiveError("the member's data descriptor disagrees with the central directory",
                                             archive=label, member=name)
        else:
            sizes = (local_csize, local_usize)
            if _U32 in sizes:
                z64 = _zip64_extra(local_extra, ["usize", "csize"])
                sizes = (z64.get("csize", local_csize), z64.get("usize", local_usize))
            if (local_crc, *sizes) != (crc, csize, usize):
                raise UnsafeArchiveError("the local header and the central directory disagree on the member's "
                                         "size or CRC", archive=label, member=name)
        declared_total += usize
        if declared_total > limits.max_total_bytes:
            raise LimitExceededError(
                f"declares more than {limits.max_total_bytes} bytes in total, over the limit",
                archive=label,
                member=name,
            )
        entries.append(
            ZipEntry(name, index, flags, method, dos_time, dos_date, crc, csize, usize, offset,
                     data_offset, record_end, external_attr, central)
        )
    if pos != cd_end:
        raise ArchiveError("the central directory has trailing bytes", archive=label)

    _check_overlaps(entries, label)
    _check_no_gaps(entries, cd_offset, label)
    _check_normalised_names(seen, label)
    _check_file_folder_clash(seen, label)
    return ZipDirectory(entries, comment, cd_offset)


def _check_overlaps(entries: list[ZipEntry], label: str) -> None:
    ordered = sorted(entries, key=lambda e: e.header_offset)
    for before, after in zip(ordered, ordered[1:]):
        if after.header_offset < before.record_end:
            raise UnsafeArchiveError(
                f"the member's bytes overlap those of {before.name!r} (overlapping entries)",
                archive=label,
                member=after.name,
            )


def _check_no_gaps(entries: list[ZipEntry], cd_offset: int, label: str) -> None:
    """Members follow one another from the first byte to the central directory: no stub before them, no
    bytes hidden between them (a record there would be read by some tools and not by others)."""
    expected = 0
    for entry in sorted(entries, key=lambda e: e.header_offset):
        if entry.header_offset != expected:
            where = "before the first member (a prepended stub)" if expected == 0 else "between members"
            raise UnsafeArchiveError(f"the archive holds {entry.header_offset - expected} unlisted bytes {where}",
                                     archive=label, member=entry.name)
        expected = entry.record_end
    if expected != cd_offset:
        raise UnsafeArchiveError(f"the archive holds {cd_offset - expected} unlisted bytes before its central "
                                 "directory", archive=label)


def _check_normalised_names(names: dict[str, int], label: str) -> None:
    """No two names that are one after Unicode normalisation (NFC): file systems that normalise names
    (macOS) would extract one over the other."""
    seen: dict[str, str] = {}
    for name in names:
        key = unicodedata.normalize("NFC", name)
        if key in seen:
            raise UnsafeArchiveError(f"the name is the same as {seen[key]!r} once Unicode-normalised",
                                     archive=label, member=name)
        seen[key] = name


def _check_file_folder_clash(names: dict[str, int], label: str) -> None:
    for name in names:
        if name.endswith("/"):
            continue
        if name + "/" in names:
            raise UnsafeArchiveError("the name is used both as a file and as a folder", archive=label, member=name)
    for name in names:
        parts = name.rstrip("/").split("/")
        for depth in range(1, len(parts)):
            prefix = "/".join(parts[:depth])
            if prefix in names:
                raise UnsafeArchiveError(
                    "the name is used both as a file and as a folder", archive=label, member=prefix
                )


def inflate(data: bytes, entry: ZipEntry, limits: Limits, label: str) -> bytes:
    """Return the uncompressed bytes of *entry*, counting bytes as they come and checking the CRC."""
    raw = data[entry.data_offset : entry.data_offset + entry.compress_size]
    if entry.method == STORED:
        out = raw
    elif entry.method == DEFLATED:
        cap = limits.inflate_cap(entry.compress_size)
        inflater = zlib.decompressobj(-15)
        try:
            out = inflater.decompress(raw, cap + 1)
        except zlib.error as exc:
            raise MemberError(f"corrupt compressed data ({exc})", archive=label, member=entry.name) from None
        if len(out) > cap:
            if cap == limits.max_member_bytes:
                message = f"inflates to more than {cap} bytes, over the per-member limit"
            else:
                message = (
                    f"inflates to more than {cap} bytes from {entry.compress_size}: "
                    f"compression ratio over {limits.max_ratio}:1 (zip bomb)"
                )
            raise LimitExceededError(message, archive=label, member=entry.name)
        if not inflater.eof:
            raise MemberError("compressed data is truncated", archive=label, member=entry.name)
    else:
        raise MemberError(
            f"uses compression method {entry.method}; flowzip reads stored and deflate members",
            archive=label,
            member=entry.name,
            hint="re-create the archive with standard deflate compression",
        )
    if len(out) != entry.file_size:
        raise MemberError(
            f"inflates to {len(out)} bytes but its header says {entry.file_size}",
            archive=label,
            member=entry.name,
        )
    if zlib.crc32(out) != entry.crc:
        raise MemberError("CRC mismatch: the member's bytes are corrupt", archive=label, member=entry.name)
    return out


# --------------------------------------------------------------------------- writing


def dos_timestamp(epoch: float | None) -> tuple[int, int]:
    """(dos_time, dos_date) for *epoch* seconds (UTC); ``None`` gives 1980-01-01 00:00."""
    if epoch is None:
        return 0, (1 << 5) | 1
    tm = time.gmtime(max(epoch, 315532800))  # not before 1980
    year = min(tm.tm_year, 2107)
    dos_date = ((year - 1980) << 9) | (tm.tm_mon << 5) | tm.tm_mday
    dos_time = (tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec // 2)
    return dos_time, dos_date


def _strip_zip64(extra: bytes) -> bytes:
    out = bytearray()
    pos = 0
    while pos + 4 <= len(extra):
        tag, size = struct.unpack_from("<HH", extra, pos)
        if tag != 0x0001:
            out += extra[pos : pos + 4 + size]
        pos += 4 + size
    return bytes(out)


@dataclass(frozen=True)
class Deflated:
    """A member's content deflated ahead of writing (raw deflate, as a ZIP record holds it), with the CRC-32 and
    size of what it holds: a batch edit keeps each changed member so, a tenth of its text, until the save."""

    body: bytes
    crc: int
    size: int

    def inflate(self) -> bytes:
        return zlib.decompress(self.body, -15)


def deflate(payload: bytes) -> Deflated:
    """*payload* deflated as the writer deflates new members."""
    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Deflated(deflater.compress(payload) + deflater.flush(), zlib.crc32(payload), len(payload))


class ZipWriter:
    """Writes a ZIP: verbatim copies of existing records and freshly deflated new members.

    Owns order, timestamps and integrity, as wheel's ``WheelFile`` does: members
    are written in the order they are given, new members get a deterministic
    timestamp, and every central-directory record points at its local record.
    """

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._offset = 0
        self._central: list[bytes] = []
        # Copies of adjacent source records are gathered and written as one slice.
        self._pending: tuple[bytes, int, int] | None = None

    def _flush(self) -> None:
        if self._pending is not None:
            source, start, end = self._pending
            self._pending = None
            self._out.write(memoryview(source)[start:end])

    def _write(self, chunk: bytes | memoryview) -> None:
        self._flush()
        self._out.write(chunk)
        self._offset += len(chunk)

    def copy(self, source: bytes, entry: ZipEntry) -> None:
        """Copy *entry*'s local record from *source* unchanged."""
        offset = self._offset
        pending = self._pending
        if pending is not None and pending[0] is source and pending[2] == entry.header_offset:
            self._pending = (source, pending[1], entry.record_end)
        else:
            self._flush()
            self._pending = (source, entry.header_offset, entry.record_end)
        self._offset += entry.record_end - entry.header_offset
        central = entry.central if offset == entry.header_offset else _patch_offset(entry.central, offset)
        self._central.append(central)

    def copy_as(self, source: bytes, entry: ZipEntry, name: str) -> None:
        """Copy *entry*'s compressed bytes from *source* under another *name*: a new local header and
        central record (same method, CRC, sizes, timestamp, attributes and extra fields), no re-compression."""
        if name == entry.name:
            self.copy(source, entry)
            return
        tpl = _CENTRAL.unpack_from(entry.central, 0)
        nlen, elen, clen = tpl[10], tpl[11], tpl[12]
        extra = _strip_zip64(entry.central[_CENTRAL.size + nlen : _CENTRAL.size + nlen + elen])
        comment = entry.central[_CENTRAL.size + nlen + elen : _CENTRAL.size + nlen + elen + clen]
        flags = (entry.flags & ~(FLAG_DESCRIPTOR | FLAG_UTF8)) | (FLAG_UTF8 if not name.isascii() else 0)
        body = memoryview(source)[entry.data_offset : entry.data_offset + entry.compress_size]
        self._record(name, body, versions=(tpl[1], tpl[2]), flags=flags, method=entry.method,
                     stamp=(entry.dos_time, entry.dos_date), crc=entry.crc, size=entry.file_size,
                     attrs=(tpl[14], tpl[15]), extra=extra, comment=comment)

    def _record(self, name: str, body: bytes | memoryview, *, versions: tuple[int, int], flags: int, method: int,
                stamp: tuple[int, int], crc: int, size: int, attrs: tuple[int, int], extra: bytes,
                comment: bytes) -> None:
        """Write one local record (header, then *body* as stored) and keep its central record."""
        encoded = name.encode("utf-8")
        if len(body) >= _U32 or size >= _U32:
            raise ArchiveError(f"member {name!r} is too large to write", member=name)
        offset = self._offset
        if offset >= _U32:
            raise ArchiveError("the archive would exceed 4 GiB; flowzip does not write ZIP64 offsets")
        self._write(_LOCAL.pack(LOCAL_SIG, versions[1], flags, method, stamp[0], stamp[1], crc, len(body), size,
                                len(encoded), len(extra)) + encoded + extra)
        self._write(body)
        self._central.append(
            _CENTRAL.pack(CENTRAL_SIG, versions[0], versions[1], flags, method, stamp[0], stamp[1], crc, len(body),
                          size, len(encoded), len(extra), len(comment), 0, attrs[0], attrs[1], offset)
            + encoded + extra + comment
        )

    def add(
        self,
        name: str,
        payload: bytes | Deflated,
        *,
        dos_time: int,
        dos_date: int,
        template: ZipEntry | None = None,
        compress: bool = True,
    ) -> None:
        """Add a member with *payload* as its content.

        With *template* (the member's previous entry) the new record keeps its
        version fields, flags, method, timestamp, attributes and extra fields.
        """
        flags = FLAG_UTF8 if not name.isascii() else 0
        method = DEFLATED if compress else STORED
        create_version, extract_version, internal_attr, external_attr = 20, 20, 0, 0
        central_extra = comment = b""
        if template is not None:
            tpl = _CENTRAL.unpack_from(template.central, 0)
            create_version, extract_version = tpl[1], tpl[2]
            flags = (template.flags | flags) & ~(FLAG_DESCRIPTOR | FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION)
            method = template.method if template.method in (STORED, DEFLATED) else DEFLATED
            dos_time, dos_date = template.dos_time, template.dos_date
            internal_attr, external_attr = tpl[14], tpl[15]
            nlen, elen, clen = tpl[10], tpl[11], tpl[12]
            central_extra = _strip_zip64(template.central[_CENTRAL.size + nlen : _CENTRAL.size + nlen + elen])
            comment = template.central[_CENTRAL.size + nlen + elen : _CENTRAL.size + nlen + elen + clen]
        if not isinstance(payload, Deflated) and method == DEFLATED:
            payload = deflate(payload)  # its CRC and size with it: the text is read once more, not twice
        if isinstance(payload, Deflated):
            body, crc, size = payload.body if method == DEFLATED else payload.inflate(), payload.crc, payload.size
        else:
            body, crc, size = payload, zlib.crc32(payload), len(payload)
        self._record(name, body, versions=(create_version, extract_version), flags=flags, method=method,
                     stamp=(dos_time, dos_date), crc=crc, size=size,
                     attrs=(internal_attr, external_attr), extra=central_extra, comment=comment)

    def close(self, comment: bytes = b"") -> None:
        """Write the central directory and the end records."""
        cd_offset = self._offset
        self._write(b"".join(self._central))
        cd_size = self._offset - cd_offset
        count = len(self._central)
        if count > _U16 or cd_offset >= _U32 or cd_size >= _U32:
            z64_offset = self._offset
            self._write(
                _ZIP64_EOCD.pack(ZIP64_EOCD_SIG, _ZIP64_EOCD.size - 12, 45, 45, 0, 0, count, count,
                                 cd_size, cd_offset)
            )
            self._write(_ZIP64_LOCATOR.pack(ZIP64_LOCATOR_SIG, 0, z64_offset, 1))
            self._write(
                _EOCD.pack(EOCD_SIG, 0, 0, min(count, _U16), min(count, _U16), min(cd_size, _U32),
                           min(cd_offset, _U32), len(comment))
                + comment
            )
        else:
            self._write(_EOCD.pack(EOCD_SIG, 0, 0, count, count, cd_size, cd_offset, len(comment)) + comment)


def _patch_offset(central: bytes, offset: int) -> bytes:
    """*central* with its local-header offset set to *offset* (in the ZIP64 extra if it lives there)."""
    current = struct.unpack_from("<L", central, 42)[0]
    if current != _U32:
        if offset >= _U32:
            raise ArchiveError("the archive would exceed 4 GiB; flowzip does not write ZIP64 offsets")
        return central[:42] + struct.pack("<L", offset) + central[46:]
    csize, usize = struct.unpack_from("<LL", central, 20)
    nlen, elen = struct.unpack_from("<HH", central, 28)
    extra_start = _CENTRAL.size + nlen
    pos = extra_start
    while pos + 4 <= extra_start + elen:
        tag, size = struct.unpack_from("<HH", central, pos)
        if tag == 0x0001:
            skip = 8 * ((usize == _U32) + (csize == _U32))
            at = pos + 4 + skip
            return central[:at] + struct.pack("<Q", offset) + central[at + 8 :]
        pos += 4 + size
    raise ArchiveError("a ZIP64 record lacks its offset field")
