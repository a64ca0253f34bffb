"""The relations between an archive's assets: which jobs run a flow, what a member depends on.

"Which jobs run this flow?" has one answer, here, for ``flow.job``, export,
import, rename, delete and lint: among the batch jobs, those the manifest's
``flow_job_mapping`` maps to it, then those that name it (``flow_name``, else
``asset_ref_name``: :func:`flowzip.document.jobs.flow_name_of`), the one the
platform names after the flow first; only when none does, a job that names no
flow and whose ``asset_ref`` is the flow's id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..document.jobs import default_job_name, flow_name_of, job_body, runs_batch_flow
from ..document.manifest import flow_job_mapping
from ..document.references import Reference, document_references, job_references
from ..errors import FlowzipError
from ..package.store import Member, Store

__all__ = ["JobIndex", "job_index", "jobs_of_flow", "flow_of_job", "dependency_members", "member_references",
           "closure"]


class JobIndex:
    """The batch jobs of an archive by the flow they run, built once until the archive changes."""

    def __init__(self, store: Store) -> None:
        jobs = {m.asset_name: m for m in store.members_of_type("job")}
        self.mapped: dict[str, list[Member]] = {}  # flow name -> jobs, in the manifest's order
        self.named: dict[str, list[Member]] = {}  # flow name -> jobs that name it, in archive order
        self.by_ref: dict[str, Member] = {}  # asset ref -> the first job that has it and names no flow
        self.flow_of: dict[str, str] = {}  # job member name -> the flow it runs (mapping, then name)
        batch: set[str] = set()
        for member in jobs.values():
            try:
                body = job_body(member.json())
            except FlowzipError:
                continue  # a broken job member is check's business, not a reason to fail here
            if body is None or not runs_batch_flow(body):
                continue
            batch.add(member.name)
            name = flow_name_of(body)
            if name:
                self.named.setdefault(name, []).append(member)
                self.flow_of.setdefault(member.name, name)
            ref = body.get("asset_ref")
            if isinstance(ref, str) and ref and not name:
                self.by_ref.setdefault(ref, member)
        manifests = store.members_of_type("manifest")
        try:
            mapping = flow_job_mapping(manifests[0].json()) if manifests else []
        except FlowzipError:
            mapping = []
        for entry in mapping:
            flow, member = entry.get("flow"), jobs.get(entry.get("job"))
            if isinstance(flow, str) and member is not None and member.name in batch:
                found = self.mapped.setdefault(flow, [])
                if member not in found:
                    found.append(member)
                self.flow_of[member.name] = flow

    def jobs_of(self, flow_name: str, flow_id: Callable[[], str | None] | str | None = None) -> list[Member]:
        """The jobs that run flow *flow_name*, the preferred one first (see the module's docstring).

        *flow_id* (the flow document's id, or a function giving it) is asked for only when no job
        is mapped to the flow or names it; a flow whose document cannot be read has no id to match.
        """
        found = list(self.mapped.get(flow_name, ()))
        preferred = default_job_name(flow_name)
        named = sorted(self.named.get(flow_name, ()), key=lambda m: m.asset_name != preferred)
        found += [m for m in named if m not in found]
        if not found and flow_id is not None and self.by_ref:
            try:
                ref = flow_id() if callable(flow_id) else flow_id
            except FlowzipError:
                ref = None  # renaming or deleting a broken flow must still work
            if ref and ref in self.by_ref:
                found.append(self.by_ref[ref])
        return found


def job_index(store: Store) -> JobIndex:
    """The archive's :class:`JobIndex`, kept until a job or the manifest changes or a member comes or goes."""
    return store.cached("job_index", JobIndex, types=("job", "manifest"))


def jobs_of_flow(store: Store, flow_name: str, flow_id: Callable[[], str | None] | str | None = None
                 ) -> list[Member]:
    """The job members that run flow *flow_name*, the preferred one first."""
    return job_index(store).jobs_of(flow_name, flow_id)


def flow_of_job(store: Store, job: Member) -> str | None:
    """The name of the flow *job* runs (by the manifest's mapping, else by the name it gives)."""
    return job_index(store).flow_of.get(job.name)


# --------------------------------------------------------------------------- dependencies


def dependency_members(archive: Store, reference: Reference) -> list[Member]:
    """The members that hold *reference* in *archive* (a custom stage brings its library, a function
    library its shared object); empty when the archive lacks it."""
    found = [m for m in archive.members_of_type(reference.folder) if m.asset_name == reference.name]
    if not found and reference.folder == "data_intg_message_handler":
        found = [m for m in archive.members_of_type(reference.folder) if _asset_id(m) == reference.name]
    if found and reference.folder == "data_intg_custom_stage":
        found += [m for m in archive.members_of_type("custom_stage_library") if m.asset_name == "lib_" + reference.name]
    if found and reference.folder == "data_intg_parallel_function":
        found += [m for m in archive.members_of_type("function_library") if m.asset_name == reference.name]
    return found


def _asset_id(member: Member) -> str | None:
    try:
        doc = member.json()
    except FlowzipError:
        return None
    metadata = doc.get("metadata") if isinstance(doc, dict) else None
    return metadata.get("asset_id") if isinstance(metadata, dict) else None


def member_references(archive: Store, member: Member) -> set[Reference]:
    """What one member names: a flow or subflow's dependencies, a job's parameter sets."""
    if not member.is_json:
        return set()
    doc = member.json()
    if member.type in ("data_intg_flow", "data_intg_subflow"):
        raw = None if member.changed else member.read()
        return document_references(doc, {m.asset_name for m in archive.members_of_type("parameter_set")}, raw=raw)
    if member.type == "job":
        return job_references(doc)
    return set()


def closure(archive: Store, members: Iterable[Member], *, order: dict[str, int] | None = None,
            ) -> tuple[list[Member], set[Reference]]:
    """*members* and everything they depend on, transitively (subflows' own dependencies too),
    in archive order (*order*: member name -> position, when already known); and the references
    the archive cannot satisfy."""
    chosen: dict[str, Member] = {}
    missing: set[Reference] = set()
    queue = list(members)
    while queue:
        member = queue.pop()
        if member.name in chosen:
            continue
        chosen[member.name] = member
        for reference in sorted(member_references(archive, member)):
            found = dependency_members(archive, reference)
            if not found:
                missing.add(reference)
            queue.extend(m for m in found if m.name not in chosen)
    order = order if order is not None else {m.name: i for i, m in enumerate(archive.members)}
    return sorted(chosen.values(), key=lambda m: order.get(m.name, len(order))), missing
