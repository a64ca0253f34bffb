"""The store: an export's members, held as the container gives them, and written back losslessly.

A :class:`Store` holds every member of a source (a ZIP, a folder tree, one file)
in archive order, knows which folder each belongs to (:mod:`.folders`), reads
and parses members lazily, and saves: unchanged members copied byte for byte
(their compressed ZIP records, when the source is a ZIP), changed JSON written
in the file's own style.  It knows folders, never flows or jobs: the typed
views over documents live in :mod:`flowzip.model`.
"""

from __future__ import annotations

import copy
import os
import weakref
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .. import jsonio
from ..errors import DestinationError, FlowzipError, NotFoundError
from .folders import classify, find_root, is_json_name
from .limits import DEFAULT_LIMITS, Limits
from .names import check_member_name
from .sink import atomic_write, exclusive, refuse_inputs, replace_tree, write_bytes_atomic, write_new_tree
from .source import Part, Source, ZipSource
from .zipformat import Deflated, ZipWriter, deflate, dos_timestamp

__all__ = ["Document", "Member", "Store"]


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

    __slots__ = ("archive", "name", "type", "asset_name", "part", "source", "_data", "_orig", "_doc_ref",
                 "_pinned", "_changed", "_deflated")

    def __init__(self, archive: Store, name: str, part: Part | None, data: bytes | None = None, *,
                 source: Source | None = None) -> None:
        self.archive = archive
        self.name = name
        self.type, self.asset_name = classify(name, archive.root)
        self.part = part
        #: Where the stored bytes live: the archive's own source, or another archive's for a member
        #: brought over by an import or an export (its stored record can still be copied verbatim).
        self.source = source if source is not None else archive._source
        self._data = data  # the current bytes, when known
        self._orig: bytes | None = None  # the stored bytes, once read
        self._doc_ref: weakref.ref[Document] | None = None  # the parsed document, while anything holds it
        self._pinned: Document | None = None  # a document stored with set_json, held until saved
        self._deflated: Deflated | None = None  # the new bytes, deflated, once settled (then no _data, no _pinned)
        self._changed = part is None

    def __repr__(self) -> str:
        return f"<Member {self.name!r} type={self.type}>"

    # -- what the container says
    @property
    def size(self) -> int:
        if self._changed and self._data is not None:
            return len(self._data)
        if self._changed and self._deflated is not None:
            return self._deflated.size
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
        if self._data is None and self._deflated is not None:
            return self._deflated.inflate()  # not kept: a settled member holds its deflated bytes only
        assert self._data is not None
        return self._data

    def _stored(self) -> bytes:
        assert self.part is not None
        return self.source.read(self.part)  # type: ignore[union-attr]

    @property
    def relative_name(self) -> str:
        """The member's path below the archive's root folder (a Git tree's ``datastage/``, if any)."""
        return self.name[len(self.archive.root):]

    @property
    def foreign(self) -> bool:
        """True for a member brought over from another archive (new to this archive's storage)."""
        return self.part is not None and self.source is not self.archive._source

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

    def fresh_json(self) -> Any:
        """A new parse of the member's current content, for a view to own and edit."""
        if self._pinned is not None:
            return copy.deepcopy(self._pinned.value)
        return jsonio.loads(self.read(), member=self.name)

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
        self._data = self._deflated = None
        self._changed = True
        self.archive._content_changed(self.type)

    def set_bytes(self, data: bytes) -> None:
        self._data = bytes(data)
        self._deflated = None
        self._pinned = None
        self._doc_ref = None
        self._changed = True
        self.archive._content_changed(self.type)

    def payload(self) -> bytes:
        """What :meth:`Archive.save` writes for this member (serialised once per save)."""
        return self.read()

    def record_payload(self) -> bytes | Deflated:
        """The payload as the ZIP writer takes it: deflated already when the member was settled."""
        return self._deflated if self._deflated is not None else self.payload()

    def _same_as_stored(self) -> bool:
        """Whether the member's new bytes are its stored bytes (a CRC or size that differs says no at once)."""
        entry = self.part.entry if self.part else None
        deflated = self._deflated
        if deflated is not None and entry is not None and (deflated.crc, deflated.size) != (entry.crc,
                                                                                              entry.file_size):
            return False
        return self.payload() == self._original()

    def settle(self) -> None:
        """Write a stored document out now and let it go: its deflated bytes stand for it (it is parsed again
        when asked). A batch of edits then holds each edited flow as the save will write it, not as a parsed
        document (parsed JSON takes about five times the memory of its text, fifty times its deflated bytes).
        Edits to that document after this need :meth:`set_json` again to count."""
        if self._pinned is None:
            return
        self._serialise()
        self.set_deflated(deflate(self.read()))  # deflated now rather than at the save: a tenth of the memory

    def set_deflated(self, deflated: Deflated) -> None:
        """Set the member's content to *deflated* (its new bytes, deflated as the writer deflates them: by
        :meth:`settle`, or by another process); they are written as they are at the save."""
        self._deflated = deflated
        self._pinned = self._doc_ref = self._data = None
        self._orig = None  # its style and spellings are spent; read again if the save compares
        self._changed = True
        self.archive._content_changed(self.type)

    def _serialise(self) -> None:
        """Serialise a stored document anew: it may have been edited in place since it was stored."""
        if self._pinned is not None:
            self._data = None
            self.read()

    def unchanged_in_output(self) -> bool:
        """True when the archive's own stored copy of the member stays as it is (never changed, or changed back)."""
        if self.foreign:
            return False
        if not self._changed or self.part is None:
            return not self._changed
        return self.part.name == self.name and self._same_as_stored()

    def verbatim_record(self) -> tuple[bytes, Any] | None:
        """(ZIP bytes, entry) when the member's stored compressed bytes can be copied as they are (under
        the member's name, which may differ from the entry's), else ``None``."""
        entry = self.part.entry if self.part else None
        if entry is None or not isinstance(self.source, ZipSource):
            return None
        if self._changed and not self._same_as_stored():
            return None
        return self.source.data, entry


class Store:
    """The members of an export, in archive order; the base of :class:`flowzip.Archive`."""

    def __init__(self, source: Source | None, *, path: str | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
        self._source = source
        self.path = path if path is not None else (source.path if source else None)
        self.kind = source.kind if source else "new"
        self.limits = limits
        parts = source.parts if source else []
        self.root = find_root([p.name for p in parts])
        self._members: dict[str, Member] = {p.name: Member(self, p.name, p) for p in parts}
        self._removed: dict[str, Member] = {}
        #: Members by type, and what views derive from them, until a member is written, added or removed.
        self._by_type: dict[str, tuple[Member, ...]] = {}
        self._derived: dict[str, tuple[frozenset[str] | None, Any]] = {}
        #: The most recently used documents, kept parsed for a while even when no view holds them.
        self._recent: deque[Document] = deque(maxlen=2)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.path or '(new)'} kind={self.kind} members={len(self._members)}>"

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
        """Members whose type (asset folder or role) is *type_*, in archive order (a new list; the
        grouping is kept until the member list changes)."""
        found = self._by_type.get(type_)
        if found is None:
            found = self._by_type[type_] = tuple(m for m in self._members.values() if m.type == type_)
        return list(found)

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
        return member

    def write_json(self, name: str, doc: Any) -> Member:
        """Set a member's JSON document (written in the file's style), adding it if needed."""
        member = self._member_for_write(name)
        member.set_json(doc)
        return member

    def remove(self, name: str) -> None:
        """Remove a member from the archive."""
        member = self.member(name)
        del self._members[member.name]
        if member.part is not None:
            self._removed[member.name] = member  # stored before: an in-place save deletes it
        self._forget()

    def adopt(self, member: Member, name: str | None = None) -> Member:
        """Bring *member* of another archive into this one as *name* (its own name relative to its
        root, placed under this archive's root, by default), content as it is.

        An existing member of that name is replaced in its place; a new one goes before a
        trailing manifest, as in platform exports.  Unchanged, the member's stored ZIP record
        is copied verbatim when this archive is saved as a ZIP under the same name.
        """
        if name is None:
            name = self.root + member.relative_name
        check_member_name(name, archive=self.path)
        if member.changed or member.part is None:
            adopted = Member(self, name, None, b"")
            if member._pinned is not None:
                adopted.set_json(copy.deepcopy(member._pinned.value))
            else:
                adopted.set_bytes(member.read())
        else:
            adopted = Member(self, name, member.part, source=member.source)
        if name in self._members:
            self._members[name] = adopted  # same name: a tree saved in place rewrites the file
        else:
            last = next(reversed(self._members), None)
            trailing = self._members.pop(last) if last and self._members[last].type == "manifest" else None
            self._members[name] = adopted
            if trailing is not None:
                self._members[last] = trailing  # keep the manifest last
            self._removed.pop(name, None)
        self._forget()
        return adopted

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
        self._forget()  # a new member: lists by type and what was derived from them are stale
        return member

    def cached(self, key: str, build: Callable[[Store], Any], *, types: Iterable[str] | None = None) -> Any:
        """``build(self)``, computed once until a member is added, renamed or removed, or the content of
        a member of one of *types* (of any member, by default) changes."""
        found = self._derived.get(key)
        if found is None:
            found = self._derived[key] = (frozenset(types) if types is not None else None, build(self))
        return found[1]

    def _content_changed(self, type_: str) -> None:
        for key in [k for k, (types, _) in self._derived.items() if types is None or type_ in types]:
            del self._derived[key]

    def _forget(self) -> None:
        self._by_type.clear()
        self._derived.clear()

    def rename_member(self, old: str, new: str) -> Member:
        """Give a member a new name, keeping its place in the archive and its content."""
        member = self.member(old)
        check_member_name(new, archive=self.path)
        if new in self._members:
            raise FlowzipError("a member with this name already exists", member=new)
        renamed = Member(self, new, member.part)
        renamed._changed = True
        if member._pinned is not None:
            renamed.set_json(member._pinned.value)
        else:
            renamed._data = member.read()
        self._members = {(new if key == member.name else key): (renamed if key == member.name else value)
                         for key, value in self._members.items()}
        if member.part is not None:
            self._removed[member.name] = member
        self._forget()
        return renamed

    def assets(self) -> dict[str, list[Member]]:
        """Asset members grouped by type (folder name), in archive order."""
        groups: dict[str, list[Member]] = {}
        for member in self._members.values():
            groups.setdefault(member.type, []).append(member)
        return groups

    # ------------------------------------------------------------------ writing
    def changed_on_disk(self) -> bool:
        """Whether the file or tree this archive was read from changed since (another program wrote it)."""
        return self._source is not None and self._source.changed_on_disk()

    def save(self, path: str | os.PathLike[str], *, in_place: bool = False, inputs: Iterable[str] = ()) -> str:
        """Write the archive to *path*: a ZIP when it ends in ``.zip``, else a folder tree.

        A single-file archive saved to a ``.json`` path is written as that one file.
        The input is never overwritten unless ``in_place=True``, and never when it
        changed on disk since it was read; *inputs* are other files the result must
        not overwrite (an import's source).  The result appears whole or not at all.
        Unchanged members are copied byte for byte.  Returns the path written.
        """
        dest = os.fspath(path)
        refuse_inputs(dest, inputs)
        is_input = self.is_input(dest)
        if is_input and not in_place:
            raise DestinationError(
                "refusing to overwrite the input",
                archive=dest,
                hint="write to another path, or pass in_place=True (--in-place)",
            )
        # Serialise every changed member first: an error here must leave the disk untouched.
        with jsonio.gc_paused():
            for member in self._members.values():
                if member.changed:
                    member._serialise()
        if not is_input:
            self._write(dest)
            return dest
        with exclusive(dest):
            if self.changed_on_disk():
                raise DestinationError("changed on disk since flowzip read it; nothing was written",
                                       archive=dest, hint="another program wrote it: run the command again")
            if self.kind == "tree" and not self._removed and all(m.unchanged_in_output() for m in self):
                return dest  # nothing to write
            self._write(dest, in_place=True)
            if self._source is not None:
                self._source.opened_state = self._source.state()  # what is on disk now is ours
        return dest

    def _write(self, dest: str, *, in_place: bool = False) -> None:
        if dest.lower().endswith(".zip"):
            atomic_write(dest, self._write_zip)
        elif self.kind == "file" and dest.lower().endswith(".json") and len(self._members) == 1:
            write_bytes_atomic(dest, next(iter(self._members.values())).payload())
        elif in_place and self.kind == "tree":
            self._replace_tree(dest)
        else:
            write_new_tree(dest, self._tree_files())

    def is_input(self, dest: str | os.PathLike[str]) -> bool:
        """Whether *dest* is the file or folder this store was read from."""
        dest = os.fspath(dest)
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
            record = member.verbatim_record()
            if record is not None:
                writer.copy_as(*record, member.name)
            elif member.type == "directory":
                writer.add(member.name, b"", dos_time=dos_time, dos_date=dos_date, template=entry, compress=False)
            else:
                writer.add(member.name, member.record_payload(), dos_time=dos_time, dos_date=dos_date,
                           template=entry)
        comment = source.directory.comment if isinstance(source, ZipSource) else b""
        writer.close(comment)

    def _tree_files(self) -> Iterator[tuple[str, Callable[[], bytes] | None]]:
        for member in self._members.values():
            if member.type == "directory":
                yield member.name, None
            else:
                yield member.name, member.payload

    def _replace_tree(self, dest: str) -> None:
        """The tree rewritten in one swap (:func:`~flowzip.package.sink.replace_tree`): unchanged files are
        hard-linked from the old tree, folders and version-control folders kept."""
        source = self._source
        folders = list(getattr(source, "folders", []))
        files: list[tuple[str, Callable[[], bytes] | str | None]] = [(name, None) for name in folders]
        for member in self._members.values():
            if member.type == "directory":
                files.append((member.name, None))
            elif member.unchanged_in_output() and member.part is not None and member.part.fs_path:
                files.append((member.name, member.part.fs_path))
            else:
                files.append((member.name, member.payload))
        replace_tree(dest, files, keep=getattr(source, "vcs_folders", []))


def _source_date_epoch() -> float | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        return None


