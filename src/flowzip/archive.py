"""The archive: every member of an export, classified, parsed lazily, written back losslessly."""

from __future__ import annotations

import json
import os
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from . import jsonio
from .assets import (
    AssetList,
    Connection,
    Flow,
    FlowList,
    Job,
    Manifest,
    ParameterSet,
    Subflow,
    document_kind_error,
    unwrap_flow_document,
)
from .errors import DestinationError, DocumentError, FlowzipError, NotFoundError, WrongDocumentError
from .folders import classify, find_root, is_json_name
from .package.limits import DEFAULT_LIMITS, Limits
from .package.names import check_member_name
from .package.sink import atomic_write, write_bytes_atomic, write_new_tree
from .package.source import (
    FileSource,
    Part,
    Source,
    TreeSource,
    ZipSource,
    looks_like_zip,
    read_file_bytes,
)
from .package.zipformat import ZipWriter, dos_timestamp

__all__ = ["Archive", "Member", "Problem", "open_archive", "new_archive"]

class Document:
    """Holds one parsed JSON document.  Views keep it alive; the member refers to it weakly.

    A member's document therefore stays the same object for as long as anything
    (a view, the archive's small cache of recent documents, or a pending change)
    holds it, and is freed when nothing does: iterating over thousands of flows
    does not keep them all in memory.
    """

    __slots__ = ("value", "__weakref__")

    def __init__(self, value: Any) -> None:
        self.value = value


class Member:
    """One file of the archive.

    ``type`` is the asset folder (``data_intg_flow``, ``job``, ...) for assets, a
    root-file role (``manifest``, ``encrypted_marker``, ...), ``directory`` or
    ``other``.  Content is read on first use; JSON is parsed on first use.
    """

    __slots__ = ("archive", "name", "type", "asset_name", "part", "_data", "_orig", "_doc_ref", "_pinned",
                 "_changed")

    def __init__(self, archive: Archive, name: str, part: Part | None, data: bytes | None = None) -> None:
        self.archive = archive
        self.name = name
        self.type, self.asset_name = classify(name, archive.root)
        self.part = part
        self._data = data  # the current bytes, when known
        self._orig: bytes | None = None  # the stored bytes, once read
        self._doc_ref: weakref.ref[Document] | None = None  # the parsed document, while anything holds it
        self._pinned: Document | None = None  # a document stored with set_json, held until saved
        self._changed = part is None

    def __repr__(self) -> str:
        return f"<Member {self.name!r} type={self.type}>"

    # -- what the container says
    @property
    def size(self) -> int:
        if self._changed and self._data is not None:
            return len(self._data)
        return self.part.size if self.part else len(self._data or b"")

    @property
    def compressed_size(self) -> int | None:
        return None if self._changed or not self.part else self.part.compressed_size

    @property
    def compression(self) -> str:
        return "new" if self.part is None else self.part.compression

    @property
    def is_json(self) -> bool:
        return is_json_name(self.name)

    @property
    def changed(self) -> bool:
        """True when the member will be written with new content."""
        return self._changed

    # -- content
    def read(self) -> bytes:
        """The member's bytes (the new bytes once it was changed).

        Stored bytes are not kept: an unchanged member is read (inflated) again
        when asked again, so reading a large archive does not hold it all in memory.
        """
        if not self._changed:
            return self._stored()
        if self._data is None and self._pinned is not None:
            self._data = jsonio.dumps_like(self._pinned.value, self._original())
        assert self._data is not None
        return self._data

    def _stored(self) -> bytes:
        assert self.part is not None
        return self.archive._source.read(self.part)  # type: ignore[union-attr]

    def _original(self) -> bytes | None:
        """The stored bytes, kept once the member has changed (its style and spellings come from them)."""
        if self.part is None:
            return None
        if self._orig is None:
            self._orig = self._stored()
        return self._orig

    def document(self, data: bytes | None = None) -> Document:
        """The holder of the parsed document; keep it to keep the document's identity.

        *data*, when given, are the member's current bytes (saves reading them again).
        """
        held = self._pinned or (self._doc_ref() if self._doc_ref else None)
        if held is None:
            held = Document(jsonio.loads(self.read() if data is None else data, member=self.name))
            self._doc_ref = weakref.ref(held)
        self.archive._recent.append(held)
        return held

    def json(self) -> Any:
        """The parsed JSON document.  Edits to it count only after :meth:`set_json`."""
        return self.document().value

    def set_json(self, doc: Any) -> None:
        """Store *doc* as the member's content; it is written in the file's own style."""
        held = self._pinned if self._pinned is not None and self._pinned.value is doc else None
        if held is None:
            current = self._doc_ref() if self._doc_ref else None
            held = current if current is not None and current.value is doc else Document(doc)
        self._pinned = held
        self._doc_ref = weakref.ref(held)
        self._data = None
        self._changed = True

    def set_bytes(self, data: bytes) -> None:
        self._data = bytes(data)
        self._pinned = None
        self._doc_ref = None
        self._changed = True

    def payload(self) -> bytes:
        """What :meth:`Archive.save` writes for this member (serialised once per save)."""
        return self.read()

    def _serialise(self) -> None:
        """Serialise a stored document anew: it may have been edited in place since it was stored."""
        if self._pinned is not None:
            self._data = None
            self.read()

    def unchanged_in_output(self) -> bool:
        """True when the member can be copied as stored (never changed, or changed back)."""
        if not self._changed or self.part is None:
            return not self._changed
        return self.payload() == self._original()


@dataclass(frozen=True)
class Problem:
    """Something found while reading: ``severity`` is ``error`` or ``warning``."""

    severity: str
    member: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.member}: {self.message}" if self.member else self.message


class Archive:
    """A DataStage export: a ZIP, an extracted folder tree or a single flow file.

    Use :func:`flowzip.open` or :func:`flowzip.new` to get one.
    """

    def __init__(self, source: Source | None, *, path: str | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
        self._source = source
        self.path = path if path is not None else (source.path if source else None)
        self.kind = source.kind if source else "new"
        self.limits = limits
        parts = source.parts if source else []
        self.root = find_root([p.name for p in parts])
        self._members: dict[str, Member] = {p.name: Member(self, p.name, p) for p in parts}
        self._removed: dict[str, Member] = {}
        self._by_type: dict[str, list[Member]] = {}
        #: The most recently used documents, kept parsed for a while even when no view holds them.
        self._recent: deque[Document] = deque(maxlen=2)

    def __repr__(self) -> str:
        return f"<Archive {self.path or '(new)'} kind={self.kind} members={len(self._members)}>"

    # ------------------------------------------------------------------ members
    @property
    def members(self) -> list[Member]:
        """Every member, in archive order."""
        return list(self._members.values())

    def __contains__(self, name: object) -> bool:
        return name in self._members

    def __iter__(self) -> Iterator[Member]:
        return iter(list(self._members.values()))

    def member(self, name: str) -> Member:
        """The member called *name* (also found relative to the archive's root folder)."""
        found = self._members.get(name) or self._members.get(self.root + name)
        if found is None:
            raise NotFoundError("no such member in the archive", archive=self.path, member=name,
                                hint="'flowzip ls --members' lists them")
        return found

    def members_of_type(self, type_: str) -> list[Member]:
        return [m for m in self._members.values() if m.type == type_]

    def read_bytes(self, name: str) -> bytes:
        return self.member(name).read()

    def read_json(self, name: str) -> Any:
        return self.member(name).json()

    def write_bytes(self, name: str, data: bytes) -> Member:
        """Set a member's bytes, adding the member if it does not exist.

        Names are relative to the export's root folder (``datastage/`` in a Git
        repository); full member names work too.
        """
        member = self._member_for_write(name)
        member.set_bytes(data)
        self._by_type.clear()
        return member

    def write_json(self, name: str, doc: Any) -> Member:
        """Set a member's JSON document (written in the file's style), adding it if needed."""
        member = self._member_for_write(name)
        member.set_json(doc)
        self._by_type.clear()
        return member

    def remove(self, name: str) -> None:
        """Remove a member from the archive."""
        member = self.member(name)
        del self._members[member.name]
        if member.part is not None:
            self._removed[member.name] = member  # stored before: an in-place save deletes it
        self._by_type.clear()

    def _member_for_write(self, name: str) -> Member:
        found = self._members.get(name) or self._members.get(self.root + name)
        if found is not None:
            return found
        check_member_name(name, archive=self.path)
        if not name.startswith(self.root):
            name = self.root + name  # new members go under the export's root folder
        member = Member(self, name, None, b"")
        self._members[name] = member
        self._removed.pop(name, None)
        return member

    # ------------------------------------------------------------------ typed views
    def _typed(self, type_: str) -> list[Member]:
        """Members of *type_*, cached until the archive's member list changes."""
        if type_ not in self._by_type:
            self._by_type[type_] = self.members_of_type(type_)
        return self._by_type[type_]

    def _list(self, type_: str, view: type, list_class: type[AssetList] = AssetList) -> AssetList:
        return list_class(self, self._typed(type_), view)

    # Views are made on access and hold their document while they live; the lists
    # themselves hold members only, so walking every flow does not keep every flow parsed.
    @property
    def flows(self) -> FlowList:
        """The batch flows (``data_intg_flow/``)."""
        return self._list("data_intg_flow", Flow, FlowList)

    @property
    def subflows(self) -> AssetList[Subflow]:
        """The subflows (``data_intg_subflow/``)."""
        return self._list("data_intg_subflow", Subflow)

    @property
    def parameter_sets(self) -> AssetList[ParameterSet]:
        """The parameter sets (``parameter_set/``)."""
        return self._list("parameter_set", ParameterSet)

    @property
    def connections(self) -> AssetList[Connection]:
        """The connections (``connection/``)."""
        return self._list("connection", Connection)

    @property
    def jobs(self) -> AssetList[Job]:
        """The jobs (``job/``)."""
        return self._list("job", Job)

    @property
    def manifest(self) -> Manifest | None:
        """The ``DataStage-README.json`` manifest, or ``None`` when the archive has none."""
        found = self._typed("manifest")
        return Manifest(self, found[0]) if found else None

    def assets(self) -> dict[str, list[Member]]:
        """Asset members grouped by type (folder name), in archive order."""
        groups: dict[str, list[Member]] = {}
        for member in self._members.values():
            groups.setdefault(member.type, []).append(member)
        return groups

    # ------------------------------------------------------------------ reading everything
    def check(self, progress: Callable[[Member], None] | None = None) -> list[Problem]:
        """Read every member (inflating, checking CRCs and limits) and parse every JSON member.

        Returns the problems found, errors first within each member; never raises
        for a member-level problem.
        """
        problems: list[Problem] = []
        for member in self.members:
            if progress:
                progress(member)
            if member.type == "directory":
                continue
            try:
                data = member.read()
                if member.is_json:
                    doc = member.document(data).value
                    wrong = document_kind_error(member, doc)
                    if wrong:
                        problems.append(Problem("error", member.name, wrong))
                    else:
                        for message in _json_warnings(data, doc):
                            problems.append(Problem("warning", member.name, message))
            except FlowzipError as exc:
                problems.append(Problem("error", member.name, exc.message))
        return problems

    # ------------------------------------------------------------------ writing
    def save(self, path: str | os.PathLike[str], *, in_place: bool = False) -> str:
        """Write the archive to *path*: a ZIP when it ends in ``.zip``, else a folder tree.

        A single-file archive saved to a ``.json`` path is written as that one file.
        The input is never overwritten unless ``in_place=True``.  Unchanged
        members are copied byte for byte.  Returns the path written.
        """
        dest = os.fspath(path)
        is_input = self._is_input(dest)
        if is_input and not in_place:
            raise DestinationError(
                "refusing to overwrite the input",
                archive=dest,
                hint="write to another path, or pass in_place=True (--in-place)",
            )
        # Serialise every changed member first: an error here must leave the disk untouched.
        for member in self._members.values():
            if member.changed:
                member._serialise()
        if dest.lower().endswith(".zip"):
            atomic_write(dest, self._write_zip)
        elif self.kind == "file" and dest.lower().endswith(".json") and len(self._members) == 1:
            write_bytes_atomic(dest, next(iter(self._members.values())).payload())
        elif is_input and self.kind == "tree":
            self._update_tree_in_place(dest)
        else:
            write_new_tree(dest, self._tree_files())
        return dest

    def _is_input(self, dest: str) -> bool:
        if self.path is None or not os.path.exists(dest):
            return False
        try:
            return os.path.samefile(dest, self.path)
        except OSError:
            return os.path.abspath(dest) == os.path.abspath(self.path)

    def _write_zip(self, handle) -> None:
        writer = ZipWriter(handle)
        source = self._source
        dos_time, dos_date = dos_timestamp(_source_date_epoch())
        for member in self._members.values():
            entry = member.part.entry if member.part else None
            if entry is not None and isinstance(source, ZipSource) and member.unchanged_in_output():
                writer.copy(source.data, entry)
            elif member.type == "directory":
                writer.add(member.name, b"", dos_time=dos_time, dos_date=dos_date, template=entry, compress=False)
            else:
                writer.add(member.name, member.payload(), dos_time=dos_time, dos_date=dos_date, template=entry)
        comment = source.directory.comment if isinstance(source, ZipSource) else b""
        writer.close(comment)

    def _tree_files(self) -> Iterator[tuple[str, Callable[[], bytes] | None]]:
        for member in self._members.values():
            if member.type == "directory":
                yield member.name, None
            else:
                yield member.name, member.payload

    def _update_tree_in_place(self, dest: str) -> None:
        root = os.path.abspath(dest)
        for member in self._members.values():
            if member.type == "directory" or member.unchanged_in_output():
                continue
            target = os.path.join(root, *member.name.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            write_bytes_atomic(target, member.payload())
        for name in self._removed:
            target = os.path.join(root, *name.rstrip("/").split("/"))
            try:
                os.unlink(target)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise DestinationError(f"cannot remove: {exc.strerror}", archive=dest, member=name) from None


def _source_date_epoch() -> float | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _json_warnings(data: bytes, doc: Any) -> list[str]:
    """Lossless-editing hazards in a JSON member that parses: an object that repeats a key.

    Counting keys in the text and in the parsed document is fast; only when the
    counts differ is the document parsed again to name the repeated key.
    """
    key_sep = jsonio.detect_style(data).key_sep.encode()
    compact = orjson.dumps(doc)
    if data.count(b'"' + key_sep) == compact.count(b'":'):
        return []
    # Quotes escaped inside strings may have been counted: subtract them before deciding.
    in_text = data.count(b'"' + key_sep) - data.count(b'\\"' + key_sep)
    parsed = compact.count(b'":') - compact.count(b'\\":')
    if in_text == parsed:
        return []
    duplicates: list[str] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen and key not in duplicates:
                duplicates.append(key)
            seen.add(key)
        return dict(pairs)

    try:
        json.loads(data.decode("utf-8"), object_pairs_hook=hook)
    except (ValueError, RecursionError):
        return []
    if duplicates:
        keys = ", ".join(repr(k) for k in duplicates[:3])
        return [f"an object repeats the key {keys}; only the last value is kept when the member is edited"]
    return []


# ---------------------------------------------------------------------- opening


def open_archive(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Archive:
    """Open an export ZIP, an extracted folder tree or a single flow JSON file."""
    path = os.fspath(path)
    if os.path.isdir(path):
        return Archive(TreeSource(path, limits), limits=limits)
    data = read_file_bytes(path, limits)
    if looks_like_zip(data) or path.lower().endswith(".zip"):
        return Archive(ZipSource(path, data, limits), limits=limits)
    return _open_single_file(path, data, limits)


def _open_single_file(path: str, data: bytes, limits: Limits) -> Archive:
    label = os.path.basename(path)
    stripped = data.lstrip(b" \t\r\n")
    if not stripped.startswith((b"{", b"[", jsonio.BOM)):
        raise DocumentError(
            "is neither a ZIP archive, a folder nor a JSON flow file", member=label,
            hint="pass an export .zip, an extracted export folder or a flow .json",
        )
    doc = jsonio.loads(data, member=label)
    flow_doc = unwrap_flow_document(doc)
    stem = label[:-5] if label.lower().endswith(".json") else label
    if flow_doc is None:
        raise WrongDocumentError("is JSON but not a flow document (no 'pipelines' list)", member=label)
    folder = "data_intg_subflow" if flow_doc.get("doc_type") == "subpipeline" else "data_intg_flow"
    archive = Archive(FileSource(path, data, f"{folder}/{stem}.json", limits), limits=limits)
    return archive


def new_archive() -> Archive:
    """An empty archive to build from scratch (saved with ``save``)."""
    return Archive(None)
