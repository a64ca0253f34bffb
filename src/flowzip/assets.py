"""Typed, read-only views of the assets in an archive: flows, stages, links, jobs, sets.

A view reads its member's parsed JSON; it never copies or re-orders it.  Views
are read-only: the editing API (issue: flows and stages) stores changes back
through :meth:`flowzip.Archive.write_json`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from .catalog import catalog
from .errors import NotFoundError, WrongDocumentError

__all__ = [
    "Asset",
    "AssetList",
    "Flow",
    "FlowList",
    "Subflow",
    "Stage",
    "Link",
    "Comment",
    "ParameterSet",
    "Connection",
    "Job",
    "Manifest",
    "stage_type_for_op",
]


# --------------------------------------------------------------------------- catalogue of ops


def stage_type_for_op(op: str | None) -> str | None:
    """The SDK's stage type name (``"Row Generator"``) for an operator (``"PxRowGenerator"``)."""
    found = catalog().by_op(op)
    return found.type_name if found else None


# --------------------------------------------------------------------------- document kinds


def unwrap_flow_document(doc: Any) -> dict[str, Any] | None:
    """The pipeline-flow document inside *doc*, as the SDK's reader finds it (format.md §1.6).

    Accepts the bare document, an API envelope whose ``attachments`` is the
    document, or a one-element list holding it; ``None`` when none of these fits.
    """
    if isinstance(doc, list) and len(doc) == 1:
        doc = doc[0]
    if isinstance(doc, dict):
        if isinstance(doc.get("pipelines"), list):
            return doc
        attachments = doc.get("attachments")
        if isinstance(attachments, list) and len(attachments) == 1:
            attachments = attachments[0]
        if isinstance(attachments, dict) and isinstance(attachments.get("pipelines"), list):
            return attachments
    return None


def document_kind_error(member: Any, doc: Any) -> str | None:
    """Why *doc* is not the kind of document *member*'s folder holds, or ``None``."""
    kind = member.type
    if kind in ("data_intg_flow", "data_intg_subflow", "orchestration_flow"):
        flow = unwrap_flow_document(doc)
        if flow is None:
            return "is not a pipeline-flow document (no 'pipelines' list)"
        expected = {"data_intg_flow": "pipeline", "data_intg_subflow": "subpipeline"}.get(kind)
        doc_type = flow.get("doc_type")
        if expected and doc_type is not None and doc_type != expected:
            return f"has doc_type {doc_type!r} where {expected!r} belongs (folder {kind}/)"
        return None
    if kind == "parameter_set":
        if not isinstance(doc, dict) or not isinstance(doc.get("parameter_set"), dict):
            return "is not a parameter set (no 'parameter_set' object)"
        return None
    if kind == "job":
        if not isinstance(doc, dict) or not isinstance(doc.get("entity"), dict) or not isinstance(
            doc["entity"].get("job"), dict
        ):
            return "is not a job (no 'entity.job' object)"
        return None
    if kind in ("connection", "manifest", "data_definition"):
        if not isinstance(doc, dict):
            return f"is not a {kind.replace('_', ' ')} (a JSON object is expected)"
    return None


# --------------------------------------------------------------------------- lists

A = TypeVar("A", bound="Asset")


class AssetList(Generic[A]):
    """The assets of one type, printable, with ``get`` and ``get_all`` as in the SDK.

    Views are made when asked for; two views of one asset share its document.
    """

    def __init__(self, archive: Any, members: list[Any], view: type[A]) -> None:
        self._archive = archive
        self._members = members
        self._view = view

    def _make(self, member: Any) -> A:
        return self._view(self._archive, member)

    def __iter__(self) -> Iterator[A]:
        return (self._make(m) for m in self._members)

    def __len__(self) -> int:
        return len(self._members)

    def __getitem__(self, index: int) -> A:
        return self._make(self._members[index])

    def __bool__(self) -> bool:
        return bool(self._members)

    def __repr__(self) -> str:
        return "[" + ", ".join(f"{self._view.__name__}(name={n!r})" for n in self.names()) + "]"

    def names(self) -> list[str]:
        return [m.asset_name or m.name for m in self._members]

    def get(self, name: str | None = None, **filters: Any) -> A:
        """The one asset matching *name* (and *filters*); :class:`NotFoundError` otherwise."""
        if name is not None:
            filters["name"] = name
        for member in self._members:
            if "name" in filters and (member.asset_name or member.name) != filters["name"]:
                continue  # decided by the name alone: no need to parse the document
            item = self._make(member)
            if all(item._matches(key, value) for key, value in filters.items()):
                return item
        wanted = ", ".join(f"{k}={v!r}" for k, v in filters.items())
        names = ", ".join(self.names()[:8]) or "none"
        raise NotFoundError(f"no asset with {wanted}", hint=f"available: {names}")

    def get_all(self, **filters: Any) -> list[A]:
        return [item for item in self if all(item._matches(k, v) for k, v in filters.items())]


class Asset:
    """Base view over one asset member; holds the member's document while the view lives."""

    def __init__(self, archive: Any, member: Any) -> None:
        self.archive = archive
        self.member = member
        self._held: Any = None

    @property
    def name(self) -> str:
        return self.member.asset_name or self.member.name

    @property
    def document(self) -> Any:
        """The member's parsed JSON (read-only by default: store edits with ``archive.write_json``)."""
        held = self.member.document()
        if held is not self._held:
            problem = document_kind_error(self.member, held.value)
            if problem:
                raise WrongDocumentError(problem, member=self.member.name)
            self._held = held
            self._document_changed()
        return held.value

    def _document_changed(self) -> None:
        """Drop anything derived from an earlier document."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Asset) and type(other) is type(self) and other.member is self.member

    def __hash__(self) -> int:
        return hash((type(self), id(self.member)))

    def _matches(self, key: str, value: Any) -> bool:
        return getattr(self, key, None) == value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"


# --------------------------------------------------------------------------- flows


class Stage:
    """A node of a pipeline (read-only view)."""

    def __init__(self, flow: Flow, node: dict[str, Any], pipeline_id: str) -> None:
        self.flow = flow
        self.node = node
        self.pipeline_id = pipeline_id

    @property
    def id(self) -> str:
        return self.node.get("id", "")

    @property
    def label(self) -> str | None:
        ui = (self.node.get("app_data") or {}).get("ui_data") or {}
        return ui.get("label")

    @property
    def op(self) -> str | None:
        return self.node.get("op")

    @property
    def node_type(self) -> str:
        return self.node.get("type", "")

    @property
    def type(self) -> str:
        """The SDK's type name when the op is in the catalog, else what the node says it is."""
        known = stage_type_for_op(self.op)
        if known:
            return known
        if self.node_type == "super_node":
            ref = self.node.get("subflow_ref") or {}
            return "Subflow" if ref.get("name") or ref.get("url") else "Local subflow"
        return self.op or self.node_type or "?"

    def __repr__(self) -> str:
        return f"Stage(label={self.label!r}, type={self.type!r})"


class Link:
    """A link, stored on its target's input port (format.md §2.4)."""

    def __init__(self, flow: Flow, link: dict[str, Any], target: Stage, port: dict[str, Any]) -> None:
        self.flow = flow
        self.link = link
        self.target = target
        self.target_port = port

    @property
    def id(self) -> str:
        return self.link.get("id", "")

    @property
    def name(self) -> str | None:
        return self.link.get("link_name")

    @property
    def type(self) -> str:
        return self.link.get("type_attr") or "PRIMARY"

    @property
    def source(self) -> Stage | None:
        return self.flow._stage_by_id.get(self.link.get("node_id_ref", ""))

    def __repr__(self) -> str:
        source = self.source.label if self.source else self.link.get("node_id_ref")
        return f"Link(name={self.name!r}, {source!r} -> {self.target.label!r}, type={self.type!r})"


class Comment:
    """A markdown comment or annotation (format.md §2.6)."""

    def __init__(self, flow: Flow, comment: dict[str, Any]) -> None:
        self.flow = flow
        self.comment = comment

    @property
    def id(self) -> str:
        return self.comment.get("id", "")

    @property
    def content(self) -> str:
        return self.comment.get("content") or ""

    @property
    def kind(self) -> str:
        return "annotation" if self.comment.get("contentType") == "WYSIWYG" else "markdown"

    @property
    def stages(self) -> list[Stage]:
        refs = [r.get("node_ref") for r in self.comment.get("associated_id_refs") or [] if isinstance(r, dict)]
        return [self.flow._stage_by_id[r] for r in refs if r in self.flow._stage_by_id]

    def __repr__(self) -> str:
        return f"Comment(kind={self.kind!r}, content={self.content[:30]!r})"


class Flow(Asset):
    """A batch flow (``data_intg_flow/<name>.json``)."""

    flow_type = "batch"

    @property
    def flow_document(self) -> dict[str, Any]:
        """The pipeline-flow document (unwrapped from an API envelope if needed)."""
        return unwrap_flow_document(self.document)  # type: ignore[return-value]

    @property
    def id(self) -> str | None:
        return self.flow_document.get("id")

    @property
    def flow_id(self) -> str | None:
        """The flow's asset id, known from a job that points at it by name (format.md §1.5)."""
        for job in self.archive.jobs:
            if job.flow_name == self.name and job.asset_ref:
                return job.asset_ref
        return None

    def _matches(self, key: str, value: Any) -> bool:
        if key == "flow_id":
            return value in (self.flow_id, self.id)
        return super()._matches(key, value)

    @property
    def primary_pipeline(self) -> dict[str, Any]:
        doc = self.flow_document
        pipelines = doc.get("pipelines") or []
        primary = doc.get("primary_pipeline")
        for pipeline in pipelines:
            if isinstance(pipeline, dict) and pipeline.get("id") == primary:
                return pipeline
        if pipelines and isinstance(pipelines[0], dict):
            return pipelines[0]
        raise WrongDocumentError("has no pipeline", member=self.member.name)

    @property
    def description(self) -> str:
        return self.primary_pipeline.get("description") or ""

    _stage_cache: list[Stage] | None = None
    _stage_index: dict[str, Stage] | None = None

    def _document_changed(self) -> None:
        self._stage_cache = None
        self._stage_index = None

    @property
    def stages(self) -> list[Stage]:
        """Stages of the primary pipeline, in document order."""
        return list(self._stages)

    @property
    def _stages(self) -> list[Stage]:
        pipeline = self.primary_pipeline  # refreshes the caches when the document changed
        if self._stage_cache is None:
            pid = pipeline.get("id", "")
            self._stage_cache = [Stage(self, n, pid) for n in pipeline.get("nodes") or [] if isinstance(n, dict)]
        return self._stage_cache

    @property
    def _stage_by_id(self) -> dict[str, Stage]:
        stages = self._stages
        if self._stage_index is None:
            self._stage_index = {stage.id: stage for stage in stages}
        return self._stage_index

    @property
    def links(self) -> list[Link]:
        found: list[Link] = []
        for stage in self._stages:
            for port in stage.node.get("inputs") or []:
                if not isinstance(port, dict):
                    continue
                for link in port.get("links") or []:
                    if isinstance(link, dict):
                        found.append(Link(self, link, stage, port))
        return found

    @property
    def comments(self) -> list[Comment]:
        ui = (self.primary_pipeline.get("app_data") or {}).get("ui_data") or {}
        return [Comment(self, c) for c in ui.get("comments") or [] if isinstance(c, dict)]

    @property
    def parameter_sets(self) -> list[str]:
        """Names of the parameter sets the flow declares (``external_paramsets``)."""
        return [p.get("name", "") for p in self.flow_document.get("external_paramsets") or [] if isinstance(p, dict)]

    @property
    def local_parameters(self) -> list[dict[str, Any]]:
        params = self.flow_document.get("parameters") or {}
        return [p for p in params.get("local_parameters") or [] if isinstance(p, dict)]

    @property
    def pipelines(self) -> list[dict[str, Any]]:
        return [p for p in self.flow_document.get("pipelines") or [] if isinstance(p, dict)]


class FlowList(AssetList[Flow]):
    """The batch flows; ``get(name=...)`` or ``get(flow_id=...)`` as in the SDK."""

    def get_all(self, flow_type: str | None = "batch", **filters: Any) -> list[Flow]:  # type: ignore[override]
        """All flows of *flow_type* (only ``"batch"`` flows live in ``data_intg_flow/``)."""
        if flow_type not in (None, "batch"):
            return []
        return super().get_all(**filters)


class Subflow(Flow):
    """A reusable subflow (``data_intg_subflow/<name>.json``)."""

    flow_type = "subflow"


# --------------------------------------------------------------------------- other assets


class ParameterSet(Asset):
    """A parameter set (``parameter_set/<name>.json``, format.md §1.4)."""

    @property
    def body(self) -> dict[str, Any]:
        return self.document["parameter_set"]

    @property
    def description(self) -> str:
        return self.body.get("description") or ""

    @property
    def parameters(self) -> list[dict[str, Any]]:
        return [p for p in self.body.get("parameters") or [] if isinstance(p, dict)]

    @property
    def value_sets(self) -> list[dict[str, Any]]:
        return [v for v in self.body.get("value_sets") or [] if isinstance(v, dict)]


class Connection(Asset):
    """A connection asset (``connection/<name>.json``)."""

    @property
    def datasource_type(self) -> str | None:
        return self.document.get("datasource_type")

    @property
    def properties(self) -> dict[str, Any]:
        return self.document.get("properties") or {}


class Job(Asset):
    """A job (``job/<job name>.json``): the flow's runtime settings live here (format.md §5.1)."""

    @property
    def job(self) -> dict[str, Any]:
        return self.document["entity"]["job"]

    @property
    def flow_name(self) -> str | None:
        return self.job.get("flow_name") or self.job.get("asset_ref_name")

    @property
    def asset_ref(self) -> str | None:
        return self.job.get("asset_ref")

    @property
    def asset_ref_type(self) -> str | None:
        return self.job.get("asset_ref_type")


class Manifest(Asset):
    """``DataStage-README.json``: what the export says it holds (format.md §1.3)."""

    @property
    def name(self) -> str:
        return "DataStage-README"

    @property
    def project_name(self) -> str | None:
        doc = self.document
        return doc.get("project_name") or doc.get("project")

    @property
    def assets(self) -> list[dict[str, Any]]:
        return [a for a in self.document.get("assets") or [] if isinstance(a, dict)]

    @property
    def flow_job_mapping(self) -> list[dict[str, Any]]:
        return [a for a in self.document.get("flow_job_mapping") or [] if isinstance(a, dict)]
