"""The archive: an export's members (the :class:`~flowzip.package.store.Store`) seen as assets, with the
SDK's flow verbs (``create_flow``, ``update_flow``, ``rename_flow``, ``duplicate_flow``, ``delete_flow``).

Views (flows, parameter sets, connections, jobs, the manifest) are made when asked
for and hold their document while they live; the lists hold members only, so
walking every flow does not keep every flow parsed.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from typing import Any

from .. import jsonio
from ..document.pipeline import new_flow_document, renew_ids, unwrap_flow_document
from ..errors import ArchiveError, DocumentError, FlowzipError, WrongDocumentError
from ..package.folders import ASSET_FOLDERS, export_roots, renamed_path
from ..package.limits import DEFAULT_LIMITS, Limits
from ..package.names import check_member_name
from ..package.source import (
    VCS_FOLDERS,
    FileSource,
    Source,
    TreeSource,
    ZipSource,
    file_state,
    looks_like_zip,
    read_file_bytes,
)
from ..package.store import Member, Store
from .assets import AssetList, Connection, Job, Manifest, ParameterSet
from .flow import Flow, FlowList, Subflow
from .reading import Problem, member_problems
from .relations import jobs_of_flow

__all__ = ["Archive", "Problem", "open_source", "open_archive", "new_archive"]


class Archive(Store):
    """A DataStage export: a ZIP, an extracted folder tree or a single flow file.

    Use :func:`flowzip.open` or :func:`flowzip.new` to get one.
    """

    @property
    def created(self) -> set[str]:
        """Ids of the flows and stages flowzip created in this archive since it was opened: they take the
        shape the SDK writes and keep it as links come and go (stages of real exports keep their own)."""
        found = self.__dict__.get("_created")
        if found is None:
            found = self.__dict__["_created"] = set()
        return found

    @property
    def computed(self) -> set[str]:
        """Ids of the schemas flowzip's column propagation wrote since the archive was opened: propagation
        recomputes them when their inputs change (declared columns it leaves alone)."""
        found = self.__dict__.get("_computed")
        if found is None:
            found = self.__dict__["_computed"] = set()
        return found

    # ------------------------------------------------------------------ typed views
    def _list(self, type_: str, view: type, list_class: type[AssetList] = AssetList) -> AssetList:
        return list_class(self, self.members_of_type(type_), view)

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
        found = self.members_of_type("manifest")
        return Manifest(self, found[0]) if found else None

    # ------------------------------------------------------------------ flows, as the SDK edits them
    def _flow_member_name(self, name: str) -> str:
        if not name or not isinstance(name, str) or "/" in name or "\\" in name or name.strip() != name:
            raise FlowzipError(f"{name!r} is not a usable flow name",
                               hint="a flow name becomes a file name: no slashes, no leading or trailing spaces")
        full = f"{self.root}data_intg_flow/{name}.json"
        if full in self:
            raise FlowzipError(f"a flow named {name!r} already exists", archive=self.path,
                               hint="choose another name or remove the existing flow first")
        check_member_name(full, archive=self.path)
        return full

    def create_flow(self, name: str, description: str = "", environment: str | None = None,
                    flow_type: str = "batch") -> Flow:
        """Add a new, empty batch flow in the platform's style (the SDK's ``create_flow``, same parameters);
        an *environment* is set as ``flow.configuration.environment`` sets it."""
        if flow_type != "batch":
            raise FlowzipError(f"flowzip creates batch flows only, not {flow_type!r}")
        member_name = self._flow_member_name(name)
        document = new_flow_document(description)
        self.created.add(document["id"])
        self.write_json(member_name, document)
        self._manifest_add(name, "data_intg_flow")
        flow = self.flows.get(name=name)
        if environment is not None:
            flow.configuration.environment = environment
        return flow

    def update_flow(self, flow: Flow, *, settle: bool = False) -> Flow:
        """Store the flow's edited document in the archive (the SDK's ``update_flow``).

        With *settle*, the document is written out now and let go, the view's too (the view parses the flow
        again when next used): batch edits over thousands of flows then hold their bytes, not their documents.
        """
        self._check_own(flow)
        if flow.flow_document.get("id") in self.created:
            flow.propagate_columns()  # as the SDK computes the columns of a flow it saves
        member = self.write_json(flow.member.name, flow.document)
        if settle:
            member.settle()
            flow.release()
        return flow

    def delete_flow(self, flow: Flow | str, *, delete_jobs: bool = False) -> None:
        """Remove a flow and its manifest entries; with *delete_jobs*, its jobs (every job that runs it)
        and compiled binaries too."""
        flow = self.flows.get(name=flow) if isinstance(flow, str) else flow
        self._check_own(flow)
        name = flow.name
        jobs = jobs_of_flow(self, name, lambda: flow.id) if delete_jobs else []
        self.remove(flow.member.name)
        manifest = self.manifest
        removed = [(name, "data_intg_flow")]
        if delete_jobs:
            for job in jobs:
                self.remove(job.name)
                removed.append((job.asset_name, "job"))
            for member in [m for m in self.members_of_type("px_executables") if m.asset_name == name]:
                self.remove(member.name)
            removed.append((name, "px_executables"))
        if manifest is not None:
            manifest.remove_assets(removed)
            if delete_jobs:
                manifest.unmap_flow(name)

    def rename_flow(self, flow: Flow, new_name: str) -> Flow:
        """Rename a flow: its member, and every reference the archive holds to it (format.md §7.10).

        The jobs that run it (``flow_name`` / ``asset_ref_name``), the manifest's ``assets`` and
        ``flow_job_mapping`` and the compiled binaries' file (``px_executables/<flow>.zip``) follow
        the new name.
        """
        self._check_own(flow)
        old = flow.name
        if new_name == old:
            return flow
        new_member = self._flow_member_name(new_name)
        jobs = jobs_of_flow(self, old, lambda: flow.id)
        self.rename_member(flow.member.name, new_member)
        for member in jobs:
            job = Job(self, member)
            if job.rename_flow(old, new_name):
                self.write_json(member.name, job.document)
        for member in list(self.members_of_type("px_executables")):
            if member.asset_name == old:
                self.rename_member(member.name, self.root + renamed_path(member.relative_name, old, new_name))
        manifest = self.manifest
        if manifest is not None:
            manifest.rename_flow(old, new_name)
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
        if flow.flow_document.get("id") in self.created:
            # A copy of a flow flowzip made is one too: its stages keep the SDK's shape, its computed columns
            # follow their inputs (matched by stage label and link name, which the copy keeps).
            self._carry_created(flow, doc)
        self.write_json(member_name, doc)
        self._manifest_add(name, "data_intg_flow")
        copy_view = self.flows.get(name=name)
        if description is not None:
            copy_view.description = description
            self.update_flow(copy_view)
        return copy_view

    def _carry_created(self, flow: Flow, doc: dict[str, Any]) -> None:
        body = unwrap_flow_document(doc) or {}
        self.created.add(str(body.get("id")))
        made = {stage.label for stage in flow.stages if stage.id in self.created}
        computed = {link.name for link in flow.links if any(
            isinstance(p, dict) and p.get("schema_ref") in self.computed for p in (link.target_port, link.source_port))}
        for pipeline in body.get("pipelines") or []:
            for node in pipeline.get("nodes") or []:
                if isinstance(node, dict) and ((node.get("app_data") or {}).get("ui_data") or {}).get("label") in made:
                    self.created.add(str(node.get("id")))
                for port in node.get("inputs") or [] if isinstance(node, dict) else []:
                    for link in port.get("links") or [] if isinstance(port, dict) else []:
                        if isinstance(link, dict) and link.get("link_name") in computed and port.get("schema_ref"):
                            self.computed.add(str(port["schema_ref"]))

    def update_parameter_set(self, parameter_set: ParameterSet) -> ParameterSet:
        """Store a parameter set's edited document in the archive."""
        if parameter_set.archive is not self or parameter_set.member.name not in self:
            raise FlowzipError("the parameter set does not belong to this archive", member=parameter_set.member.name)
        self.write_json(parameter_set.member.name, parameter_set.document)
        return parameter_set

    def _check_own(self, flow: Flow) -> None:
        if flow.archive is not self or flow.member.name not in self:
            raise FlowzipError("the flow does not belong to this archive", flow=flow.name,
                               hint="get it from this archive's flows")

    def _manifest_add(self, name: str, type_: str) -> None:
        manifest = self.manifest
        if manifest is not None:
            manifest.add_asset(name, type_)

    # ------------------------------------------------------------------ reading everything
    def check(self, progress: Callable[[Member], None] | None = None) -> list[Problem]:
        """Read every member (inflating, checking CRCs and limits) and parse every JSON member.

        Returns the problems found, errors first within each member; never raises
        for a member-level problem.
        """
        return member_problems(self.members, progress)


# ---------------------------------------------------------------------- opening


def open_source(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Source:
    """The source at *path*: an export ZIP, an extracted folder tree or a single flow JSON file."""
    path = os.fspath(path)
    if os.path.isdir(path):
        return TreeSource(path, limits)
    state = file_state(path)  # before the read: a change after it is then seen by an in-place save
    data = read_file_bytes(path, limits)
    source = ZipSource(path, data, limits) if looks_like_zip(data) or path.lower().endswith(".zip") \
        else _single_file(path, data, limits)
    source.opened_state = state
    return source


def _single_file(path: str, data: bytes, limits: Limits) -> FileSource:
    label = os.path.basename(path)
    stripped = data.lstrip(b" \t\r\n")
    if not stripped.startswith((b"{", b"[", jsonio.BOM)):
        raise DocumentError(
            "is neither a ZIP archive, a folder nor a JSON flow file", member=label,
            hint="pass an export .zip, an extracted export folder or a flow .json",
        )
    flow_doc = unwrap_flow_document(jsonio.loads(data, member=label))
    stem = label[:-5] if label.lower().endswith(".json") else label
    if flow_doc is None:
        raise WrongDocumentError("is JSON but not a flow document (no 'pipelines' list)", member=label)
    folder = "data_intg_subflow" if flow_doc.get("doc_type") == "subpipeline" else "data_intg_flow"
    return FileSource(path, data, f"{folder}/{stem}.json", limits)


def open_archive(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Archive:
    """Open an export ZIP, an extracted folder tree or a single flow JSON file.

    A path that holds no export, or several, is refused (:func:`check_export`): a command run on it would
    report on nothing and pass for checked.
    """
    archive = Archive(open_source(path, limits=limits), limits=limits)
    check_export(archive, os.fspath(path))
    return archive


def flow_files(path: str | os.PathLike[str]) -> list[str] | None:
    """The ``.json`` files of a folder that holds flow files but no export (an asset folder copied out of an
    export, a folder of flows kept in Git), each to be read as a single flow file; None for anything else."""
    path = os.fspath(path)
    if not os.path.isdir(path) or os.path.islink(path):
        return None
    names = []
    for folder, subfolders, files in os.walk(path):
        subfolders[:] = [d for d in subfolders if d not in VCS_FOLDERS]
        relative = os.path.relpath(folder, path).replace(os.sep, "/")
        names += [name if relative == "." else f"{relative}/{name}" for name in files]
    if export_roots(names):
        return None
    found = sorted(os.path.join(path, name) for name in names if "/" not in name and name.lower().endswith(".json")
                   and not os.path.islink(os.path.join(path, name)))
    return found or None


def check_export(archive: Archive, path: str) -> None:
    """Raise :class:`ArchiveError` unless *archive* (opened from *path*) holds exactly one export."""
    names = [m.name for m in archive.members]
    roots = export_roots(names)
    if len(roots) > 1:
        shown = ", ".join(repr(root or "./") for root in roots[:3]) + (f" and {len(roots) - 3} more"
                                                                          if len(roots) > 3 else "")
        raise ArchiveError(f"holds {len(roots)} exports ({shown}), not one", archive=path,
                           hint="give each export's own path")
    if any(m.type not in ("other", "directory") for m in archive.members):
        return
    base = os.path.basename(os.path.normpath(path))
    if any(name.endswith(".osh") for name in names):
        raise ArchiveError("is the compiled binaries of a flow (px_executables/), not an export", archive=path,
                           hint="give the export that holds it")
    if base in ASSET_FOLDERS:
        raise ArchiveError(f"is the {base}/ folder of an export, not an export", archive=path,
                           hint=f"give the folder that holds it: {os.path.dirname(os.path.normpath(path)) or '.'}")
    for suffix, kind, hint in ((".zip", "ZIP", "give an export ZIP itself"),
                               (".json", "JSON", "give a flow .json itself, or the folder of a whole export")):
        found = sum(1 for name in names if name.lower().endswith(suffix))
        if found:
            raise ArchiveError(f"holds no export but {found} {kind} file{'s' if found != 1 else ''}",
                               archive=path, hint=hint)
    raise ArchiveError("holds no DataStage export: no DataStage-README.json and no asset folder such as "
                       "data_intg_flow/", archive=path)


def new_archive() -> Archive:
    """An empty archive to build from scratch (saved with ``save``)."""
    return Archive(None)
