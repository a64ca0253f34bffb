"""The archive: every member of an export, classified, parsed lazily, written back losslessly."""

from __future__ import annotations

import copy
import json
import os
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from . import jsonio
from .assets import AssetList, Connection, Job, Manifest, ParameterSet, document_kind_error, unwrap_flow_document
from .errors import DestinationError, DocumentError, FlowzipError, NotFoundError, WrongDocumentError
from .flow import JSON_SCHEMA, Flow, FlowList, Subflow, new_id, renew_ids
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

    __slots__ = ("archive", "name", "type", "asset_name", "part", "source", "_data", "_orig", "_doc_ref",
                 "_pinned", "_changed")

    def __init__(self, archive: Archive, name: str, part: Part | None, data: bytes | None = None, *,
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
        """True when the archive's own stored copy of the member stays as it is (never changed, or changed back)."""
        if self.foreign:
            return False
        if not self._changed or self.part is None:
            return not self._changed
        return self.part.name == self.name and self.payload() == self._original()

    def verbatim_record(self) -> tuple[bytes, Any] | None:
        """(ZIP bytes, entry) when the member's stored compressed bytes can be copied as they are (under
        the member's name, which may differ from the entry's), else ``None``."""
        entry = self.part.entry if self.part else None
        if entry is None or not isinstance(self.source, ZipSource):
            return None
        if self._changed and self.payload() != self._original():
            return None
        return self.source.data, entry


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
        """Members whose type (asset folder or role) is *type_*, in archive order."""
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
        self._by_type.clear()
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

    # ------------------------------------------------------------------ flows, as the SDK edits them
    def _flow_member_name(self, name: str) -> str:
        if not name or not isinstance(name, str) or "/" in name or "\\" in name or name.strip() != name:
            raise FlowzipError(f"{name!r} is not a usable flow name",
                               hint="a flow name becomes a file name: no slashes, no leading or trailing spaces")
        full = f"{self.root}data_intg_flow/{name}.json"
        if full in self._members:
            raise FlowzipError(f"a flow named {name!r} already exists", archive=self.path,
                               hint="choose another name or remove the existing flow first")
        check_member_name(full, archive=self.path)
        return full

    def create_flow(self, name: str, description: str = "", flow_type: str = "batch") -> Flow:
        """Add a new, empty batch flow in the platform's style (the SDK's ``create_flow``)."""
        if flow_type != "batch":
            raise FlowzipError(f"flowzip creates batch flows only, not {flow_type!r}")
        member_name = self._flow_member_name(name)
        pipeline_id = new_id()
        doc = {
            "doc_type": "pipeline",
            "version": "3.0",
            "json_schema": JSON_SCHEMA,
            "id": new_id(),
            "primary_pipeline": pipeline_id,
            "pipelines": [{"id": pipeline_id, "description": description, "runtime_ref": "pxOsh", "nodes": [],
                           "app_data": {"datastage": {}, "ui_data": {"comments": []}}}],
            "schemas": [],
            "runtimes": [{"id": "pxOsh", "name": "pxOsh"}],
            "app_data": {"datastage": {}, "additionalProperties": {
                "transInputLinkMapper": {}, "disableParamsCacheOnFlow": False, "rcpLinkList": [],
                "globalAcp": True, "enableRCP": False, "isNewTransActive": False,
                "enableSchemaLessDesign": False, "runMode": "ETL"}},
            "external_paramsets": [],
            "parameters": {"local_parameters": []},
        }
        self.write_json(member_name, doc)
        self._manifest_add(name, "data_intg_flow")
        return self.flows.get(name=name)

    def update_flow(self, flow: Flow) -> Flow:
        """Store the flow's edited document in the archive (the SDK's ``update_flow``)."""
        self._check_own(flow)
        self.write_json(flow.member.name, flow.document)
        return flow

    def delete_flow(self, flow: Flow | str, *, delete_jobs: bool = False) -> None:
        """Remove a flow and its manifest entries; with *delete_jobs*, its jobs and compiled binaries too."""
        flow = self.flows.get(name=flow) if isinstance(flow, str) else flow
        self._check_own(flow)
        name = flow.name
        self.remove(flow.member.name)
        self._manifest_remove(name, "data_intg_flow")
        if delete_jobs:
            for job in [j for j in self.jobs if j.flow_name == name]:
                self.remove(job.member.name)
                self._manifest_remove(job.name, "job")
            for member in [m for m in self._typed("px_executables") if m.asset_name == name]:
                self.remove(member.name)
            self._manifest_remove(name, "px_executables")
        manifest = self.manifest
        if manifest is not None and delete_jobs:
            doc = manifest.member.json()
            mapping = doc.get("flow_job_mapping")
            if isinstance(mapping, list):
                doc["flow_job_mapping"] = [m for m in mapping if not (isinstance(m, dict) and m.get("flow") == name)]
                manifest.member.set_json(doc)

    def rename_flow(self, flow: Flow, new_name: str) -> Flow:
        """Rename a flow: its member, and every reference the archive holds to it (format.md §7.10).

        Jobs' ``flow_name``, the manifest's ``assets`` and ``flow_job_mapping`` and the
        compiled binaries' file (``px_executables/<flow>.zip``) follow the new name.
        """
        self._check_own(flow)
        old = flow.name
        if new_name == old:
            return flow
        new_member = self._flow_member_name(new_name)
        self.rename_member(flow.member.name, new_member)
        for job in self.jobs:
            if job.flow_name == old:
                job_doc = job.document
                body = job_doc["entity"]["job"]
                for key in ("flow_name", "asset_ref_name"):
                    if body.get(key) == old:
                        body[key] = new_name
                self.write_json(job.member.name, job_doc)
        for member in list(self._typed("px_executables")):
            if member.asset_name == old:
                rest = member.name[len(self.root + "px_executables/"):]
                parts = rest.split("/")
                renamed = [new_name if p == old else p for p in parts[:-1]]
                renamed.append(new_name + parts[-1][len(old):] if parts[-1].startswith(old) else parts[-1])
                self.rename_member(member.name, self.root + "px_executables/" + "/".join(renamed))
        manifest = self.manifest
        if manifest is not None:
            doc = manifest.member.json()
            for entry in doc.get("assets") or []:
                if isinstance(entry, dict) and entry.get("name") == old and entry.get("type") in (
                        "data_intg_flow", "px_executables"):
                    entry["name"] = new_name
                    if entry.get("location") == old:
                        entry["location"] = new_name
            for entry in doc.get("flow_job_mapping") or []:
                if isinstance(entry, dict) and entry.get("flow") == old:
                    entry["flow"] = new_name
            manifest.member.set_json(doc)
        flow.member = self.member(new_member)
        return flow

    def duplicate_flow(self, flow: Flow, name: str, description: str | None = None) -> Flow:
        """Add a copy of *flow* named *name* with fresh ids throughout (the SDK's ``duplicate_flow``).

        Every internal reference (ports, links, schemas, comments, orderings, local
        pipelines) is re-pointed to the new ids; dependencies (parameter sets,
        connections, subflows) are shared, not copied.
        """
        self._check_own(flow)
        member_name = self._flow_member_name(name)
        doc = renew_ids(copy.deepcopy(flow.document))
        self.write_json(member_name, doc)
        self._manifest_add(name, "data_intg_flow")
        copy_view = self.flows.get(name=name)
        if description is not None:
            copy_view.description = description
            self.update_flow(copy_view)
        return copy_view

    # ------------------------------------------------------------------ export and import (format.md §5.3, §5.4)
    def export_flow(self, flow: Flow | str, destination: str | os.PathLike[str], *,
                    include_dependencies: bool = True, include_binaries: bool = False) -> Any:
        """Write one flow, its jobs and its dependencies to a new archive (see :meth:`export_flows`)."""
        return self.export_flows([flow], destination, include_dependencies=include_dependencies,
                                 include_binaries=include_binaries)

    def export_flows(self, flows: Any, destination: str | os.PathLike[str], *, include_dependencies: bool = True,
                     include_binaries: bool = False) -> Any:
        """Write *flows* (views or names, all of one type), their jobs and, with *include_dependencies*,
        the closure of their dependencies to a new archive at *destination* (``.zip`` or a folder),
        with a manifest in the platform's shape.  Returns an :class:`~flowzip.transfer.ExportResult`."""
        from .transfer import export_flows

        return export_flows(self, flows, destination, include_dependencies=include_dependencies,
                            include_binaries=include_binaries)

    def import_flows(self, source: Any, type: str = "batch", conflict_resolution: str = "rename",  # noqa: A002
                     on_failure: str = "continue", import_only: bool = False, include_dependencies: bool = True,
                     replace_mode: str = "hard", import_binaries: bool = False) -> Any:
        """Merge *source* (an archive or a path) into this archive as the platform's import would
        (the SDK's ``Project.import_flows`` parameters and defaults).  Returns an
        :class:`~flowzip.transfer.ImportResponse`; save the archive to keep the result."""
        from .transfer import import_flows

        return import_flows(self, source, type=type, conflict_resolution=conflict_resolution,
                            on_failure=on_failure, import_only=import_only,
                            include_dependencies=include_dependencies, replace_mode=replace_mode,
                            import_binaries=import_binaries)

    def update_parameter_set(self, parameter_set: ParameterSet) -> ParameterSet:
        """Store a parameter set's edited document in the archive."""
        if parameter_set.archive is not self or parameter_set.member.name not in self._members:
            raise FlowzipError("the parameter set does not belong to this archive", member=parameter_set.member.name)
        self.write_json(parameter_set.member.name, parameter_set.document)
        return parameter_set

    def _check_own(self, flow: Flow) -> None:
        if flow.archive is not self or flow.member.name not in self._members:
            raise FlowzipError("the flow does not belong to this archive", flow=flow.name,
                               hint="get it from this archive's flows")

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
        self._by_type.clear()
        return renamed

    def _manifest_add(self, name: str, type_: str) -> None:
        manifest = self.manifest
        if manifest is None:
            return
        doc = manifest.member.json()
        assets = doc.get("assets")
        if isinstance(assets, list) and not any(
                isinstance(a, dict) and a.get("name") == name and a.get("type") == type_ for a in assets):
            assets.append({"name": name, "type": type_})
            manifest.member.set_json(doc)

    def _manifest_remove(self, name: str, type_: str) -> None:
        manifest = self.manifest
        if manifest is None:
            return
        doc = manifest.member.json()
        assets = doc.get("assets")
        if isinstance(assets, list):
            kept = [a for a in assets if not (isinstance(a, dict) and a.get("name") == name and a.get("type") == type_)]
            if len(kept) != len(assets):
                doc["assets"] = kept
                manifest.member.set_json(doc)

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
            record = member.verbatim_record()
            if record is not None:
                writer.copy_as(*record, member.name)
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
