"""Export and import, offline: archives in, archives out, under the platform's rules (format.md §5.3, §5.4).

``export_flows`` writes a new archive with some flows, their jobs and (by default)
the closure of their dependencies, with a manifest in the platform's shape.

``import_flows`` merges a *source* archive into a *target* archive (an export or a
Git tree of the project as it stands) the way ``Project.import_flows`` would change
the project: what collides by name is skipped, replaced or renamed, renamed
dependencies are re-pointed in the imported flows and jobs, and a response in the
platform's vocabulary says what happened to every asset.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from .. import jsonio
from ..document.binaries import osh_scripts, unmentioned_stages
from ..document.jobs import flow_name_of, job_body, rename_flow_in_job, renamed_job_name
from ..document.kinds import kind_problem
from ..document.manifest import asset_entry, new_manifest
from ..document.pipeline import unwrap_flow_document
from ..document.references import (
    DEPENDENCY_FOLDERS,
    Reference,
    document_references,
    job_references,
    rename_in_asset,
    repoint_all,
    repoint_job_all,
)
from ..errors import DestinationError, DocumentError, FlowzipError, WrongDocumentError
from ..model.archive import Archive, open_archive
from ..model.flow import Flow
from ..model.relations import closure, flow_of_job, jobs_of_flow
from ..package.folders import ASSET_FOLDERS, MANIFEST_NAME, renamed_path
from ..package.sink import new_folder, same_path
from ..package.store import Member

__all__ = ["ExportResult", "ImportResponse", "ImportedAsset", "export_flows", "import_flows", "split_flows",
           "as_export", "CONFLICT_RESOLUTIONS", "ON_FAILURE", "REPLACE_MODES"]

CONFLICT_RESOLUTIONS = ("skip", "rename", "replace")
ON_FAILURE = ("continue", "stop")
REPLACE_MODES = ("soft", "hard")

#: The import response's asset ``type`` for each folder (format.md §5.3; ``px_job`` is a batch flow).
RESPONSE_TYPES = {
    "data_intg_flow": "px_job", "parameter_set": "parameter_set", "connection": "connection",
    "data_definition": "table_def", "data_intg_subflow": "subflow", "data_intg_message_handler": "message_handler",
    "data_intg_build_stage": "build_stage", "data_intg_wrapped_stage": "wrapped_stage",
    "data_intg_custom_stage": "custom_stage", "custom_stage_library": "custom_stage_library",
    "data_intg_java_library": "data_intg_java_library", "data_intg_parallel_function": "data_intg_parallel_function",
    "function_library": "function_library", "ds_xml_schema_library": "xml_schema_library",
    "data_intg_data_set": "data_intg_data_set", "data_intg_test_case": "data_intg_test_case", "job": "job",
    "px_executables": "px_executables", "orchestration_flow": "orchestration_flow",
}
#: The kind in ``<kind>_renamed`` / ``<kind>_skipped`` / ``<kind>_replacement_succeeded`` statuses.
STATUS_KINDS = {
    "parameter_set": "parameter_set", "connection": "connection", "data_definition": "table_definition",
    "data_intg_subflow": "subflow", "data_intg_message_handler": "message_handler",
    "data_intg_build_stage": "build_stage", "data_intg_wrapped_stage": "wrapped_stage",
    "data_intg_custom_stage": "custom_stage", "data_intg_test_case": "test_case",
}
#: What a flow that needs a missing dependency is warned about (the platform's warning types).
MISSING_WARNINGS = {
    "parameter_set": "missing_parameter_set", "connection": "missing_data_connection",
    "data_intg_subflow": "missing_subflow", "data_definition": "missing_table_definition",
}
#: Members that travel with their owner, not on their own.
FOLLOWERS = {"custom_stage_library": "data_intg_custom_stage", "function_library": "data_intg_parallel_function"}


# --------------------------------------------------------------------------- results


@dataclass
class ImportedAsset:
    """What the import did with one asset of the source (an entry of ``import_data_flows``)."""

    type: str
    name: str
    original_name: str
    status: str  # imported, renamed, replaced, skipped, failed
    conflict_resolution_status: str | None = None
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)
    job_name: str | None = None
    member: str | None = None  # where it is in the result


@dataclass
class ImportResponse:
    """The import's outcome, shaped like the platform's import record (format.md §5.3)."""

    status: str  # completed or cancelled
    conflict_resolution: str
    on_failure: str
    replace_mode: str
    include_dependencies: bool
    import_only: bool
    import_binaries: bool
    asset_types: list[str] | None = None  # the folders chosen for import; None: all
    import_data_flows: list[ImportedAsset] = field(default_factory=list)
    missing_assets: list[dict[str, str]] = field(default_factory=list)
    #: Every asset of the source the import left out, and why (``type``, ``name``, ``member``, ``reason``).
    not_imported: list[dict[str, str]] = field(default_factory=list)
    import_error: str | None = None
    #: The archive imported into (set by ``Archive.import_flows``; not part of the record).
    target: Any = field(default=None, repr=False, compare=False)

    @property
    def tally(self) -> dict[str, int]:
        counts = {"total": len(self.import_data_flows), "imported": 0, "renamed": 0, "replaced": 0, "skipped": 0,
                  "failed": 0}
        for entry in self.import_data_flows:
            if entry.status in ("imported", "renamed", "replaced"):
                counts["imported"] += 1  # renamed and replaced count as imported, as on the platform
            if entry.status in counts and entry.status not in ("imported", "total"):
                counts[entry.status] += 1
        return counts

    def imported_flows(self, load: bool = False) -> list[Any]:
        """The flows that were imported (also renamed or replaced ones), as the SDK's ``imported_flows()``:
        entries with their ``name``; with *load*, the flows themselves (views of the target archive)."""
        entries = [e for e in self.import_data_flows
                   if e.type == "px_job" and e.status in ("imported", "renamed", "replaced")]
        if not load:
            return entries
        if self.target is None:
            raise FlowzipError("imported_flows(load=True) needs the archive the flows were imported into")
        return [self.target.flows.get(name=entry.name) for entry in entries]

    def refresh(self) -> ImportResponse:
        """The SDK's ``refresh()``: offline the import is already complete, so the same response."""
        return self

    @property
    def failed(self) -> list[ImportedAsset]:
        return [e for e in self.import_data_flows if e.status == "failed"]

    def to_dict(self) -> dict[str, Any]:
        data = asdict(replace(self, target=None))
        del data["target"]
        data["tally"] = self.tally
        return data


@dataclass
class ExportResult:
    """What an export wrote: the path, its members, and the dependencies the archive could not supply."""

    path: str
    members: list[str]
    flows: list[str]
    missing: list[Reference]

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "members": self.members, "flows": self.flows,
                "missing": [{"type": r.folder, "name": r.name} for r in self.missing]}


# --------------------------------------------------------------------------- helpers



def _same_content(a: Member, b: Member) -> bool:
    """Same bytes, or the same JSON document (style aside)."""
    first, second = a.read(), b.read()
    if first == second:
        return True
    if a.is_json and b.is_json:
        try:
            return jsonio.loads(first) == jsonio.loads(second)
        except FlowzipError:
            return False
    return False


def _unique(name: str, *taken: set[str]) -> str:
    """``name_1``, ``name_2``, … : the first that none of the *taken* sets holds (docs/import-export.md says why)."""
    number = 1
    while any(f"{name}_{number}" in names for names in taken):
        number += 1
    return f"{name}_{number}"


def _manifest_document(base: dict[str, Any], members: list[Member], mapping: list[dict[str, str]]) -> dict:
    """A manifest in the platform's shape (format.md §1.3): *base* (the source manifest's other keys,
    in their order) with ``assets`` and ``flow_job_mapping`` for *members*."""
    entries = [asset_entry(m.type, m.asset_name, m.relative_name) for m in members
               if m.asset_name is not None and m.type != "manifest"]
    return new_manifest(base, entries, mapping)


# --------------------------------------------------------------------------- export


class _ExportIndex:
    """What an export looks up, built once per archive (``split_flows`` exports every flow with one)."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.order = {m.name: i for i, m in enumerate(archive.members)}
        self.flows: dict[str, Any] = {}
        for flow in list(archive.flows) + list(archive.subflows):
            self.flows.setdefault(flow.name, flow)
        manifest = archive.manifest
        original = manifest.member.read() if manifest is not None else None
        self.manifest_style = jsonio.detect_style(original) if original is not None else jsonio.JACKSON
        try:
            base = manifest.member.json() if manifest is not None else {}
        except FlowzipError:
            base = {}
        self.manifest_base = base if isinstance(base, dict) else {}
        self.binaries: dict[str, list[Member]] = {}
        for member in archive.members_of_type("px_executables"):
            self.binaries.setdefault(member.asset_name, []).append(member)

    def jobs(self, flow: Any) -> list[Member]:
        """The jobs that run *flow* (:func:`flowzip.model.relations.jobs_of_flow`), in archive order."""
        return sorted(jobs_of_flow(self.archive, flow.name, lambda: flow.id), key=lambda m: self.order[m.name])

    def resolve(self, flows: Iterable[Flow | str]) -> list[Any]:
        resolved = []
        for item in flows:
            if isinstance(item, str):
                if item not in self.flows:
                    names = ", ".join(self.archive.flows.names()[:10]) or "none"
                    raise FlowzipError(f"no flow named {item!r}", archive=self.archive.path, hint=f"flows: {names}")
                resolved.append(self.flows[item])
            else:
                if item.archive is not self.archive:
                    raise FlowzipError("the flow does not belong to this archive", flow=item.name)
                resolved.append(item)
        if not resolved:
            raise FlowzipError("no flows to export", archive=self.archive.path, hint="name at least one flow")
        if len({f.member.type for f in resolved}) > 1:
            raise FlowzipError("all flows of an export must be of one type (batch flows or subflows), as the SDK "
                               "requires", archive=self.archive.path)
        return resolved


def export_members(archive: Archive, flows: Iterable[Flow | str], *, include_dependencies: bool = True,
                   include_binaries: bool = False, index: _ExportIndex | None = None,
                   ) -> tuple[list[Member], list[Any], set[Reference], list[dict[str, str]]]:
    """The members an export of *flows* holds, the flows, the missing dependencies and the job mapping."""
    index = index or _ExportIndex(archive)
    chosen = index.resolve(flows)
    held = [flow.member.document() for flow in chosen]  # parsed once, for the check and the dependencies
    for flow, document in zip(chosen, held):
        problem = kind_problem(flow.member.type, document.value)
        if problem:
            raise WrongDocumentError(problem, member=flow.member.name, hint="nothing was written")
    roots: list[Member] = []
    mapping: list[dict[str, str]] = []
    for flow in chosen:
        roots.append(flow.member)
        for job in index.jobs(flow):
            roots.append(job)
            mapping.append({"flow": flow.name, "job": job.asset_name, "type": flow.member.type})
        if include_binaries:
            roots += index.binaries.get(flow.name, [])
    if include_dependencies:
        members, missing = closure(archive, roots, order=index.order)
    else:
        members, missing = sorted(set(roots), key=lambda m: index.order[m.name]), set()
    return members, chosen, missing, mapping


def export_flows(archive: Archive, flows: Iterable[Flow | str], destination: str | os.PathLike[str], *,
                 include_dependencies: bool = True, include_binaries: bool = False,
                 index: _ExportIndex | None = None) -> ExportResult:
    """Write a new archive (a ZIP when *destination* ends in ``.zip``, else a folder) with *flows*, their
    jobs and, with *include_dependencies*, everything they depend on (format.md §5.4).

    Members are written under the export's own layout (no ``datastage/`` prefix); unchanged ones
    keep their bytes (their ZIP records are copied).  A manifest lists what the export holds.
    """
    dest = os.fspath(destination)
    if archive.is_input(dest):
        raise FlowzipError("refusing to overwrite the input", archive=dest, hint="export to another path")
    index = index or _ExportIndex(archive)
    members, chosen, missing, mapping = export_members(archive, flows, include_dependencies=include_dependencies,
                                                       include_binaries=include_binaries, index=index)
    out = Archive(None)
    for member in members:
        out.adopt(member, member.relative_name)
    for marker in archive.members_of_type("encrypted_marker"):
        out.adopt(marker, marker.relative_name)  # secrets in the export stay encrypted with the same key
    manifest = _manifest_document(index.manifest_base, members, mapping)
    out.write_bytes(MANIFEST_NAME, jsonio.dumps(manifest, index.manifest_style))  # the source manifest's style
    written = out.save(dest)
    return ExportResult(written, [m.name for m in out.members], [f.name for f in chosen], sorted(missing))


def as_export(archive: Archive) -> tuple[Archive, list[str]]:
    """*archive* as the platform's import takes it: its members below the export's root folder (a Git
    tree's ``datastage/``) at the top, and nothing that is not part of the export (files outside the root,
    stray files in asset folders).  Returns the new archive (members keep their compressed bytes) and the
    names left out."""
    out = Archive(None)
    left_out = []
    for member in archive.members:
        if member.type in ("other", "directory"):
            if member.type == "other":
                left_out.append(member.name)
            continue
        out.adopt(member, member.relative_name)
    return out, left_out


def split_flows(archive: Archive, folder: str | os.PathLike[str], *, include_dependencies: bool = True,
                include_binaries: bool = False,
                progress: Callable[[str], None] | None = None) -> list[ExportResult]:
    """One archive per batch flow, ``<folder>/<flow>.zip``, each with its jobs and dependencies.

    The folder appears whole or not at all: it is built beside its place and moved there when every
    archive is written.  It must not exist yet, or be empty."""
    target = os.path.abspath(os.fspath(folder))
    if archive.path and same_path(target, archive.path):
        raise DestinationError("refusing to overwrite the input", archive=target, hint="split into a new folder")
    results = []
    index = _ExportIndex(archive)
    with new_folder(target) as building:
        for name in archive.flows.names():
            if progress:
                progress(name)
            result = export_flows(archive, [name], os.path.join(building, name + ".zip"),
                                  include_dependencies=include_dependencies, include_binaries=include_binaries,
                                  index=index)
            result.path = os.path.join(os.fspath(folder), name + ".zip")
            results.append(result)
    return results


# --------------------------------------------------------------------------- import


class _Failure(Exception):
    def __init__(self, kind: str, description: str) -> None:
        super().__init__(description)
        self.kind = kind
        self.description = description


def _readable(member: Member) -> Any:
    """The holder of the member's parsed document (None for other files): while a caller keeps it, the
    document is parsed once.  _Failure when the member cannot be imported (bad JSON, wrong document)."""
    kind = f"{RESPONSE_TYPES.get(member.type, member.type)}_creation_failed"
    if member.type == "data_intg_flow":
        kind = "flow_creation_failed"
    try:
        if not member.is_json:
            member.read()
            return None
        held = member.document()
        wrong = kind_problem(member.type, held.value)
        if wrong:
            raise _Failure(kind, f"{member.name}: {wrong}")
        return held
    except DocumentError as exc:  # a broken ZIP record (ArchiveError) is not an asset's failure: it stops all
        raise _Failure(kind, str(exc)) from None


class _Importer:
    def __init__(self, target: Archive, source: Archive, options: dict[str, Any]) -> None:
        self.target = target
        self.source = source
        self.options = options
        self.response = ImportResponse(status="completed", **options)
        self.actions: list[Callable[[], None]] = []
        # Renamed dependencies: (folder, original name) -> name in the target.
        self.renames: dict[tuple[str, str], str] = {}
        self.flow_outcome: dict[str, ImportedAsset] = {}  # original flow name -> its entry
        self.orchestration_outcome: dict[str, ImportedAsset] = {}
        self.orchestrations: list[tuple[Member, ImportedAsset]] = []
        self.handled: set[str] = set()  # source members the import took a decision on
        # Names per folder as the target will hold them once the planned actions are applied.
        self.names: dict[str, set[str]] = {}
        self.index: dict[tuple[str, str], list[Member]] = {}  # the target's members by (folder, asset name)
        for member in target.members:
            if member.asset_name is not None:
                self.names.setdefault(member.type, set()).add(member.asset_name)
                self.index.setdefault((member.type, member.asset_name), []).append(member)
        self.incoming: dict[str, set[str]] = {}
        for member in source.members:
            if member.asset_name is not None:
                self.incoming.setdefault(member.type, set()).add(member.asset_name)
        self.source_flows = {m.asset_name: m for m in source.members_of_type("data_intg_flow")}
        self.stopped = False
        self.placed: set[str] = set()  # members the import writes
        self.binaries_layouts: set[int] | None = None
        self.manifest_assets: list[tuple[str, str, str | None]] = []  # (name, type, location) to list
        self.manifest_removed: list[tuple[str, str]] = []
        self.mapping: list[dict[str, str]] = []

    # -- planning
    def fail(self, entry: ImportedAsset, failure: _Failure) -> None:
        entry.status = "failed"
        entry.errors.append({"type": failure.kind, "name": entry.original_name, "description": failure.description})
        if entry.conflict_resolution_status and entry.conflict_resolution_status.endswith("replacement_succeeded"):
            entry.conflict_resolution_status = entry.conflict_resolution_status.replace("succeeded", "failed")
        if self.options["on_failure"] == "stop":
            self.stopped = True

    def readable(self, entry: ImportedAsset, *members: Member) -> list[Any] | None:
        """The members' parsed documents (hold them while working on the asset), or None when one of them
        cannot be imported: *entry* then records the failure."""
        try:
            return [_readable(member) for member in members]
        except _Failure as failure:
            self.fail(entry, failure)
            return None

    def status_for(self, folder: str, outcome: str) -> str:
        if folder == "data_intg_flow":
            return {"renamed": "import_flow_renamed", "skipped": "import_flow_skipped",
                    "replaced": "flow_replacement_succeeded"}[outcome]
        kind = STATUS_KINDS.get(folder, RESPONSE_TYPES.get(folder, folder))
        return {"renamed": f"{kind}_renamed", "skipped": f"{kind}_skipped",
                "replaced": f"{kind}_replacement_succeeded"}[outcome]

    def target_members(self, folder: str, name: str) -> list[Member]:
        return self.index.get((folder, name), [])

    def followers(self, member: Member) -> list[Member]:
        if member.type == "data_intg_custom_stage":
            return [m for m in self.source.members_of_type("custom_stage_library")
                    if m.asset_name == "lib_" + member.asset_name]
        if member.type == "data_intg_parallel_function":
            return [m for m in self.source.members_of_type("function_library") if m.asset_name == member.asset_name]
        return []

    def place(self, member: Member, name: str, replaces: list[Member], edit: Callable[[Any], bool] | None = None,
              relative: str | None = None) -> str:
        """Plan: bring *member* in as asset *name* (at *relative*, by default where the source has it, renamed),
        replacing *replaces*; *edit* may change its document."""
        if relative is None:
            relative = member.relative_name
            if name != member.asset_name:
                relative = renamed_path(relative, member.asset_name, name)
        destination = self.target.root + relative
        old = member.asset_name
        if name == old and [m.name for m in replaces] == [destination] and _same_content(replaces[0], member) \
                and not (edit is not None and self.names_renamed(member)):
            return destination  # replaced by the very same asset: nothing changes

        def apply() -> None:
            for existing in replaces:
                if existing.name != destination and existing.name in self.target:
                    self.target.remove(existing.name)
            adopted = self.target.adopt(member, destination)
            # A flow's name is its file name only (format.md §1.5); other assets may carry theirs inside.
            renaming = name != old and member.type != "data_intg_flow"
            editing = edit is not None and (bool(self.renames) or member.type == "job")
            if (renaming or editing) and adopted.is_json:
                doc = adopted.fresh_json()
                changed = edit(doc) if editing else False
                changed = bool(rename_in_asset(doc, member.type, old, name)) or changed if renaming else changed
                if changed:
                    adopted.set_json(doc)

        self.actions.append(apply)
        self.placed.add(destination)
        self.names.setdefault(member.type, set()).add(name)
        if not replaces:
            self.manifest_assets.append((name, member.type, asset_entry(member.type, name, relative).get("location")))
        return destination

    def names_renamed(self, member: Member) -> bool:
        """Whether *member* (a flow, subflow or job) names a dependency this import renames."""
        renamed = {Reference(folder, old) for (folder, old) in self.renames}
        if not renamed:
            return False
        found = job_references(member.json()) if member.type == "job" else \
            document_references(member.json(), raw=member.read())
        return bool(found & renamed)

    def taken(self, folder: str) -> tuple[set[str], set[str]]:
        """The names of *folder* a new name must avoid: the target's (as planned so far) and the source's."""
        return self.names.setdefault(folder, set()), self.incoming.get(folder, set())

    def dependency(self, member: Member) -> None:
        folder, name = member.type, member.asset_name
        entry = ImportedAsset(RESPONSE_TYPES.get(folder, folder), name, name, "imported")
        self.response.import_data_flows.append(entry)
        held = self.readable(entry, member, *self.followers(member))
        if held is None:
            return
        existing = self.target_members(folder, name)
        resolution = self.options["conflict_resolution"]
        edit = self.repointer() if folder == "data_intg_subflow" else None
        if not existing:
            entry.member = self.place(member, name, [], edit)
            for follower in self.followers(member):
                self.place(follower, follower.asset_name, [])
            return
        identical = len(existing) == 1 and _same_content(existing[0], member)
        if resolution == "skip" or (resolution == "rename" and identical):
            entry.status, entry.conflict_resolution_status = "skipped", self.status_for(folder, "skipped")
            entry.member = existing[0].name
            if identical:
                entry.warnings.append({"type": f"identical_{STATUS_KINDS.get(folder, folder)}", "name": name,
                                       "description": "identical to the asset the project has; flows use that one "
                                                      "by name"})
            return
        if folder == "parameter_set" and name == "PROJDEF" and resolution == "rename":
            # A project has one PROJDEF and flows name it only as such: a renamed copy would serve nobody.
            entry.status, entry.conflict_resolution_status = "replaced", self.status_for(folder, "replaced")
            entry.member = existing[0].name
            entry.warnings.append({"type": "project_parameter_set", "name": name,
                                   "description": "PROJDEF is the project's own parameter set and is never "
                                                  "renamed; its new parameters were merged in"})
            if not identical:
                self.merge_parameter_set(existing[0], member, entry)
            return
        if resolution == "replace":
            entry.status, entry.conflict_resolution_status = "replaced", self.status_for(folder, "replaced")
            if identical:
                entry.member = existing[0].name  # nothing to change
                return
            if folder == "parameter_set" and self.options["replace_mode"] == "soft":
                entry.member = existing[0].name
                self.merge_parameter_set(existing[0], member, entry)
                return
            entry.member = self.place(member, name, existing, edit)
            for follower in self.followers(member):
                self.place(follower, follower.asset_name,
                           self.target_members(follower.type, follower.asset_name))
            return
        new_name = _unique(name, *self.taken(folder))
        self.renames[(folder, name)] = new_name
        entry.status, entry.name = "renamed", new_name
        entry.conflict_resolution_status = self.status_for(folder, "renamed")
        entry.member = self.place(member, new_name, [], edit)
        for follower in self.followers(member):
            follower_name = ("lib_" + new_name) if folder == "data_intg_custom_stage" else new_name
            self.place(follower, follower_name, [])

    def repointer(self) -> Callable[[Any], bool]:
        """An edit that re-points a flow or subflow document at the renamed dependencies (all of them:
        it runs once the whole import is planned, so a subflow sees renames planned after it)."""

        def edit(doc: Any) -> bool:
            return repoint_all(doc, self.renames) > 0

        return edit

    def merge_parameter_set(self, existing: Member, incoming: Member, entry: ImportedAsset) -> None:
        """``replace_mode='soft'``: add the incoming set's new parameters; keep the existing ones and value sets."""
        current = existing.json()
        new = incoming.json()
        have = {p.get("name") for p in (current.get("parameter_set") or {}).get("parameters") or []
                if isinstance(p, dict)}
        added = [p for p in (new.get("parameter_set") or {}).get("parameters") or []
                 if isinstance(p, dict) and p.get("name") not in have]
        kept = sorted(n for n in have if n in {p.get("name") for p in (new.get("parameter_set") or {}).get(
            "parameters") or [] if isinstance(p, dict)})
        if kept:
            entry.warnings.append({"type": "parameters_in_existing_parameter_set", "name": entry.name,
                                   "description": "kept the project's " + ", ".join(kept)})
        if not added:
            entry.warnings.append({"type": "unchanged_parameter_set", "name": entry.name,
                                   "description": "no new parameters"})
            return
        entry.warnings.append({"type": "soft_replace", "name": entry.name,
                               "description": "added " + ", ".join(str(p.get("name")) for p in added)})

        def apply() -> None:
            doc = existing.fresh_json()
            doc["parameter_set"].setdefault("parameters", []).extend(copy.deepcopy(added))
            existing.set_json(doc)

        self.actions.append(apply)

    def flow(self, member: Member) -> None:
        """A batch flow or an orchestration flow (``member.type``), under the same conflict rules."""
        name, folder = member.asset_name, member.type
        entry = ImportedAsset(RESPONSE_TYPES[folder], name, name, "imported")
        self.response.import_data_flows.append(entry)
        (self.flow_outcome if folder == "data_intg_flow" else self.orchestration_outcome)[name] = entry
        held = self.readable(entry, member)
        if held is None:
            return
        existing = self.target_members(folder, name)
        resolution = self.options["conflict_resolution"]
        final = name
        if existing and resolution == "skip":
            entry.status, entry.conflict_resolution_status = "skipped", self.status_for(folder, "skipped")
            entry.member = existing[0].name
            return
        if existing and resolution == "rename":
            final = _unique(name, *self.taken(folder))
            entry.status, entry.name = "renamed", final
            entry.conflict_resolution_status = self.status_for(folder, "renamed")
        elif existing:
            entry.status, entry.conflict_resolution_status = "replaced", self.status_for(folder, "replaced")
        if folder == "orchestration_flow":
            self.orchestrations.append((member, entry))  # which renamed flows it names is known at the end
        else:
            self.report_missing(member, entry)
        edit = self.repointer()
        replaced = existing if final == name else []
        entry.member = self.place(member, final, replaced, edit)
        if replaced and entry.member in self.placed and folder == "data_intg_flow":
            self.drop_stale_binaries(name, entry)

    def chosen(self, folder: str) -> bool:
        types = self.options.get("asset_types")
        return types is None or folder in types or FOLLOWERS.get(folder) in types

    def job_outcome(self, member: Member) -> ImportedAsset | None:
        """The entry of the flow (batch or orchestration) the job runs, when that flow is being imported."""
        flow_name = flow_of_job(self.source, member)
        if flow_name in self.flow_outcome:
            return self.flow_outcome[flow_name]
        try:
            body = job_body(member.json())
        except FlowzipError:
            return None
        if body is not None and body.get("asset_ref_type") == "orchestration_flow":
            return self.orchestration_outcome.get(flow_name_of(body) or "")
        return None

    def warn_renamed_flows_in_orchestrations(self) -> None:
        """An orchestration flow names the flows it runs; one renamed by this import is pointed out."""
        renamed = {e.original_name: e.name for e in self.flow_outcome.values() if e.status == "renamed"}
        for member, entry in self.orchestrations:
            raw = member.read()
            for old, new in sorted(renamed.items()):
                if f'"{old}"'.encode() in raw:
                    entry.warnings.append({"type": "renamed_flow_in_orchestration", "name": old,
                                           "description": f"runs flow {old!r}, imported as {new!r}: point the "
                                                          "orchestration flow at the new name"})

    def report_not_imported(self) -> None:
        """Every asset of the source this import took no decision on is listed, with the reason."""
        handled = {(m.type, m.asset_name) for m in self.source.members if m.name in self.handled}
        for member in self.source.members:
            if member.asset_name is None or member.name in self.handled:
                continue
            folder = member.type
            if folder in FOLLOWERS:  # a library travels with its stage or function
                owner = member.asset_name[4:] if folder == "custom_stage_library" else member.asset_name
                if (FOLLOWERS[folder], owner) in handled:
                    continue
            if folder in FOLLOWERS and self.chosen(folder) and self.options["include_dependencies"]:
                reason = f"a library whose {FOLLOWERS[folder]} is not in the import"
            elif not self.chosen(folder):
                reason = f"{folder} is not among the asset types chosen for this import"
            elif folder == "job" and self.options["import_only"]:
                reason = "import_only brings no jobs"
            elif folder == "job":
                reason = "the flow it runs is not in the import"
            elif folder == "px_executables":
                reason = "compiled binaries come only with import_binaries"
            elif folder in DEPENDENCY_FOLDERS:
                reason = "dependencies come only with include_dependencies"
            else:
                reason = f"flowzip does not import {folder} assets"
            self.response.not_imported.append({"type": RESPONSE_TYPES.get(folder, folder),
                                               "name": member.asset_name, "member": member.name,
                                               "reason": reason})

    def report_missing(self, member: Member, entry: ImportedAsset) -> None:
        sets = self.names.get("parameter_set", set()) | (
            self.incoming.get("parameter_set", set()) if self.options["include_dependencies"] else set())
        for reference in sorted(document_references(member.json(), sets, raw=member.read())):
            available = self.names.get(reference.folder, set())
            if self.options["include_dependencies"]:
                available = available | {self.renames.get((reference.folder, n), n)
                                         for n in self.incoming.get(reference.folder, set())}
            if reference.name in available or (reference.folder, reference.name) in self.renames:
                continue
            self.add_missing(reference, entry)

    def add_missing(self, reference: Reference, entry: ImportedAsset) -> None:
        kind = MISSING_WARNINGS.get(reference.folder, "missing_" + RESPONSE_TYPES.get(reference.folder,
                                                                                     reference.folder))
        entry.warnings.append({"type": kind, "name": reference.name,
                               "description": f"needs {reference.folder} {reference.name!r}, which neither the "
                                              "project nor the imported assets have"})
        item = {"name": reference.name, "type": RESPONSE_TYPES.get(reference.folder, reference.folder)}
        if item not in self.response.missing_assets:
            self.response.missing_assets.append(item)

    def drop_stale_binaries(self, flow_name: str, entry: ImportedAsset) -> None:
        """A replaced flow's compiled binaries were compiled from the old flow: they go (unless new ones come)."""
        stale = self.target_members("px_executables", flow_name)
        if not stale:
            return
        entry.warnings.append({"type": "missing_binaries", "name": flow_name,
                               "description": "removed the project's compiled binaries of the replaced flow; "
                                              "compile the flow again"})

        def apply() -> None:
            for member in stale:
                if member.name in self.target and not member.foreign:
                    self.target.remove(member.name)
                    self.manifest_removed.append((flow_name, "px_executables"))

        self.actions.append(apply)

    def job(self, member: Member, flow_entry: ImportedAsset | None) -> None:
        name = member.asset_name
        entry = ImportedAsset("job", name, name, "imported")
        self.response.import_data_flows.append(entry)
        if flow_entry is not None and flow_entry.status in ("skipped", "failed"):
            entry.status = "skipped"
            entry.warnings.append({"type": "flow_not_imported", "name": flow_entry.original_name,
                                   "description": f"its flow was {flow_entry.status}"})
            return
        held = self.readable(entry, member)
        if held is None:
            return
        existing = self.target_members("job", name)
        final = name
        flow_old = flow_entry.original_name if flow_entry else None
        flow_new = flow_entry.name if flow_entry else None
        follows = renamed_job_name(name, flow_old, flow_new) if flow_entry is not None else None
        if follows is not None:
            final = follows  # "<flow>.DataStage job" follows its flow's new name
            if any(final in names for names in self.taken("job")):
                final = _unique(final, *self.taken("job"))
        elif existing:
            resolution = self.options["conflict_resolution"]
            if resolution == "skip":
                entry.status, entry.conflict_resolution_status = "skipped", "job_skipped"
                entry.member = existing[0].name
                return
            if resolution == "rename":
                final = _unique(name, *self.taken("job"))
        if final != name:
            entry.status, entry.name, entry.conflict_resolution_status = "renamed", final, "job_renamed"
        elif existing:
            entry.status, entry.conflict_resolution_status = "replaced", "job_replacement_succeeded"
        if flow_entry is not None:
            flow_entry.job_name = final
            if final != name or not existing:  # a job the project did not have before
                kind = "orchestration_flow" if flow_entry.type == "orchestration_flow" else "data_intg_flow"
                self.mapping.append({"flow": flow_new, "job": final, "type": kind})
        def edit(doc: Any) -> bool:
            changed = repoint_job_all(doc, self.renames)
            if flow_entry is not None and flow_new != flow_old:
                changed += rename_flow_in_job(job_body(doc), flow_old, flow_new)
            return changed > 0

        entry.member = self.place(member, final, existing if final == name else [], edit)

    def binaries(self, member: Member) -> None:
        flow_entry = self.flow_outcome.get(member.asset_name)
        entry = ImportedAsset("px_executables", member.asset_name, member.asset_name, "imported")
        self.response.import_data_flows.append(entry)
        if flow_entry is None or flow_entry.status in ("skipped", "failed"):
            entry.status = "skipped"
            return
        reason = _stale_reason(self.source_flows.get(member.asset_name), member)
        if reason:
            entry.status = "skipped"
            entry.warnings.append({"type": "binaries_import_failed", "name": member.asset_name,
                                   "description": f"not imported: {reason}; compile the flow after the import"})
            return
        existing = self.target_members("px_executables", flow_entry.name)
        if flow_entry.name != member.asset_name:
            entry.status, entry.name = "renamed", flow_entry.name
        elif existing:
            entry.status = "replaced"
        relative = self.binaries_path(member, flow_entry.name)
        entry.member = self.place(member, flow_entry.name, existing, relative=relative)

    def binaries_path(self, member: Member, name: str) -> str:
        """Where a flow's binaries go in the target: its own layout (``px_executables/<flow>.zip`` in
        exports, ``px_executables/<flow>/<flow>.zip`` in Git trees), else the source's."""
        if self.binaries_layouts is None:
            self.binaries_layouts = {len(m.relative_name.split("/"))
                                     for m in self.target.members_of_type("px_executables")}
        layouts = self.binaries_layouts
        nested = 3 in layouts if layouts else (self.target.kind == "tree" or len(member.relative_name.split("/")) == 3)
        extension = member.relative_name.rsplit("/", 1)[-1][len(member.asset_name):]
        return f"px_executables/{name}/{name}{extension}" if nested else f"px_executables/{name}{extension}"

    # -- running
    def run(self) -> ImportResponse:
        source = self.source
        steps: list[tuple[Callable[..., None], tuple[Any, ...]]] = []
        if self.options["include_dependencies"]:
            for folder in DEPENDENCY_FOLDERS:
                if folder in FOLLOWERS:
                    continue
                steps += [(self.dependency, (m,)) for m in source.members_of_type(folder)]
        steps += [(self.flow, (m,)) for m in source.members_of_type("data_intg_flow")]
        steps += [(self.flow, (m,)) for m in source.members_of_type("orchestration_flow")]
        steps = [(step, args) for step, args in steps if self.chosen(args[0].type)]
        for step, args in steps:
            if self.stopped:
                break
            self.handled.add(args[0].name)
            step(*args)
        if not self.stopped and not self.options["import_only"] and self.chosen("job"):
            for member in source.members_of_type("job"):
                if self.stopped:
                    break
                outcome = self.job_outcome(member)
                if outcome is not None:
                    self.handled.add(member.name)
                    self.job(member, outcome)
        if not self.stopped and self.options["import_binaries"] and self.chosen("px_executables"):
            for member in source.members_of_type("px_executables"):
                self.handled.add(member.name)
                self.binaries(member)
        if not self.stopped:
            self.warn_renamed_flows_in_orchestrations()
            self.report_not_imported()
        if self.stopped:
            self.response.status = "cancelled"
            failed = next(e for e in self.response.import_data_flows if e.status == "failed")
            self.response.import_error = (f"stopped at {failed.type} {failed.original_name!r}: "
                                          f"{failed.errors[0]['description']}")
            return self.response  # on_failure='stop': the target stays as it was
        for action in self.actions:
            action()
        self.update_manifest()
        return self.response

    def update_manifest(self) -> None:
        manifest = self.target.manifest
        if manifest is not None and (self.manifest_assets or self.mapping or self.manifest_removed):
            manifest.update(added=self.manifest_assets, removed=self.manifest_removed, mapping=self.mapping)


def _stale_reason(flow: Member | None, member: Member) -> str | None:
    """Why the compiled binaries in *member* do not match *flow* (their flow in the same archive), or None."""
    if flow is None:
        return "the archive has no flow of that name"
    try:
        scripts = osh_scripts(member.read(), member.name)
        doc = unwrap_flow_document(flow.json()) or {}
    except FlowzipError as exc:
        return f"unreadable ({exc.message})"
    missing = unmentioned_stages(scripts, doc)
    if missing:
        return f"compiled before the flow changed (no stage {missing[0]!r} in the script)"
    return None


def import_flows(target: Archive, source: Archive | str | os.PathLike[str], type: str = "batch",  # noqa: A002
                 conflict_resolution: str = "rename", on_failure: str = "continue", import_only: bool = False,
                 include_dependencies: bool = True, replace_mode: str = "hard",
                 import_binaries: bool = False, asset_types: Iterable[str] | None = None) -> ImportResponse:
    """Merge *source* into *target* as the platform's import would change the project (format.md §5.3).

    Parameters and defaults are the SDK's ``Project.import_flows``; *asset_types* (asset folders such as
    ``data_intg_flow``, ``orchestration_flow``, ``parameter_set``, ``job``) limits what is imported.  Every
    asset of the source that is not imported is listed with the reason (``not_imported``).  The
    target is changed in memory; save it to keep the result.  With ``on_failure='stop'`` a failing asset
    stops the import and the target is left exactly as it was.
    """
    if type != "batch":
        raise FlowzipError(f"flowzip imports batch flows only, not {type!r}")
    for value, allowed, what in ((conflict_resolution, CONFLICT_RESOLUTIONS, "conflict_resolution"),
                                 (on_failure, ON_FAILURE, "on_failure"), (replace_mode, REPLACE_MODES, "replace_mode")):
        if value not in allowed:
            raise FlowzipError(f"{what} must be one of {', '.join(allowed)}, not {value!r}")
    opened = source if isinstance(source, Archive) else open_archive(os.fspath(source), limits=target.limits)
    types = None if asset_types is None else sorted(set(asset_types))
    unknown = sorted(set(types or ()) - set(ASSET_FOLDERS))
    if unknown:
        raise FlowzipError(f"unknown asset type {unknown[0]!r}",
                           hint=f"asset types: {', '.join(sorted(ASSET_FOLDERS))}")
    options = {"conflict_resolution": conflict_resolution, "on_failure": on_failure, "replace_mode": replace_mode,
               "include_dependencies": include_dependencies, "import_only": import_only,
               "import_binaries": import_binaries, "asset_types": types}
    response = _Importer(target, opened, options).run()
    response.target = target
    return response
