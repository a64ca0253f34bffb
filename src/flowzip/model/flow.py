"""Flows, stages, links and comments: the SDK's batch-flow editing API, on the flow JSON itself.

Every operation edits the pipeline-flow document in place and keeps whatever it
does not touch (format.md §2, §3, §7).  A :class:`Flow` view owns its document:
edits stay in the view until ``archive.update_flow(flow)`` stores them, as with
the SDK's ``project.update_flow``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..document.catalog import Property, StageType, catalog, stage_type_name
from ..document.columns import (
    add_partition_key,
    attach_schema,
    port_schema,
    remove_partition_key,
    schema_by_id,
    set_partitioning,
)
from ..document.jobs import ensure_set_entry, job_body, set_job_parameter
from ..document.layout import COLUMN_GAP, arrange_flow
from ..document.parameters import (
    REFERENCE,
    is_parameter_name,
    normalise_type,
    parameter_names,
    reference_strings,
    unresolved_reason,
    value_problem,
)
from ..document.pipeline import (
    COMMENT_SIZE,
    LINK_TYPES,
    STAGE_SIZE,
    comment_size,
    link_type,
    new_flow_document,
    new_id,
    rename_link_references,
    stage_box,
    stage_label,
    typed_link_counts,
    unwrap_flow_document,
)
from ..document.propagation import (
    LinkRef,
    PropagationResult,
    derive_values,
    pipeline_links,
    propagate,
    topological_ranks,
)
from ..document.sdk_shape import TYPED_OUTPUT_ORDER, input_port, output_port, shape_document, shape_node
from ..errors import EditError, FlowzipError, NotFoundError, SettingsError, WrongDocumentError
from ..suggest import closest
from .assets import AssetList, EditableAsset
from .columns import Field, Schema
from .runtime import ParameterReference, RuntimeParameter, RuntimeSettings, job_for_flow, parameter_set_in_archive

__all__ = ["Flow", "FlowList", "Subflow", "Stage", "StageList", "Link", "LinkList", "Comment", "Configuration",
           "AvailableStages", "annotation_formats"]

COLUMN_PITCH = STAGE_SIZE + COLUMN_GAP  # a stage plus the platform layout's gap (format.md §6)
TEXT_SIZES = (10, 11, 12, 14, 18, 24, 30, 36, 48, 60, 72, 96)


def _list_hint(type_name: str) -> str:
    return f"'flowzip stage types --properties \"{type_name}\"' lists them"


# --------------------------------------------------------------------------- stages


class Configuration:
    """A stage's properties, by SDK name or JSON alias, with dot and bracket access.

    Reading gives the value in the document, else the catalog's default.  Writing
    checks the name against the catalog (did-you-mean for a typo) and the value
    against the property's type and enum; it writes the JSON alias into the
    node's ``parameters`` (a connector's usage properties into
    ``connection.properties``, where the platform keeps them, format.md §2.3).
    Properties the catalog does not know but the document has are kept and can
    be read and changed with brackets.
    """

    __slots__ = ("_stage",)

    def __init__(self, stage: Stage) -> None:
        object.__setattr__(self, "_stage", stage)

    # -- lookup
    def _resolve(self, key: str, *, for_write: bool) -> tuple[str, Property | None]:
        stage = self._stage
        stage_type = stage.stage_type
        if stage_type is not None and stage_type.has_property(key):
            prop = stage_type.property(key)
            return prop.alias, prop
        if key in stage._parameters() or key in stage._connection_properties():
            return key, None  # unknown to the catalog, but already in the document: kept as it is
        if stage_type is None:
            if for_write:
                raise EditError(
                    f"the stage's op {stage.op!r} is not in the stage catalog, so only properties it already "
                    f"has can be set; {key!r} is not one of them",
                    stage=stage.label,
                )
            raise AttributeError(key)
        known = [p.name for p in stage_type.properties] + [p.alias for p in stage_type.properties]
        guess = closest(key, known)
        raise NotFoundError(
            f"{stage_type.type_name} has no property {key!r}",
            stage=stage.label,
            hint=f"did you mean {guess!r}?" if guess else _list_hint(stage_type.type_name),
        )

    def _where(self, alias: str) -> dict[str, Any]:
        stage = self._stage
        connection_properties = stage._connection_properties()
        if alias in connection_properties:
            return connection_properties
        if alias in stage._parameters():
            return stage._parameters()
        stage_type = stage.stage_type
        usage = {**(stage_type.default_source_props or {}), **(stage_type.default_target_props or {})} \
            if stage_type else {}
        if stage.node.get("connection") is not None and alias in usage:
            return stage.node["connection"].setdefault("properties", {})
        return stage.node.setdefault("parameters", {})

    # -- access
    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except (KeyError, NotFoundError):
            return default

    def __getitem__(self, key: str) -> Any:
        try:
            alias, prop = self._resolve(key, for_write=False)
        except AttributeError:
            raise KeyError(key) from None
        where = self._where(alias)
        if alias in where:
            return where[alias]
        if prop is not None:
            return copy.deepcopy(prop.default)
        raise KeyError(key)

    def __setitem__(self, key: str, value: Any) -> None:
        alias, prop = self._resolve(key, for_write=True)
        if prop is not None:
            problem = prop.problem(value)
            if problem:
                raise EditError(problem, stage=self._stage.label)
        self._where(alias)[alias] = value
        # Properties the platform mirrors on the output ports (Row Generator's records, format.md §3).
        for port in self._stage._ports("outputs"):
            params = port.get("parameters")
            if isinstance(params, dict) and alias in params:
                params[alias] = value

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except (KeyError, NotFoundError) as exc:
            raise AttributeError(str(exc)) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self.to_dict()

    def to_dict(self) -> dict[str, Any]:
        """Every property set in the document (parameters, then connection usage properties)."""
        return {**self._stage._parameters(), **self._stage._connection_properties()}

    def __repr__(self) -> str:
        return f"Configuration({self.to_dict()!r})"


class Stage:
    """A node of a flow's pipeline."""

    def __init__(self, flow: Flow, node: dict[str, Any], pipeline: dict[str, Any]) -> None:
        self.flow = flow
        self.node = node
        self.pipeline = pipeline

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stage) and other.node is self.node

    def __hash__(self) -> int:
        return id(self.node)

    def __repr__(self) -> str:
        return f"Stage(label={self.label!r}, type={self.type!r})"

    # -- identity
    @property
    def id(self) -> str:
        return self.node.get("id", "")

    @property
    def pipeline_id(self) -> str:
        return self.pipeline.get("id", "")

    def _ui(self) -> dict[str, Any]:
        return self.node.setdefault("app_data", {}).setdefault("ui_data", {})

    @property
    def label(self) -> str | None:
        return stage_label(self.node)

    @label.setter
    def label(self, value: str) -> None:
        if not isinstance(value, str) or not value.strip():
            raise EditError("a stage label cannot be empty", stage=self.label)
        clash = [s for s in self.flow.stages if s.label == value and s != self]
        if clash:
            raise EditError(f"another stage is already labelled {value!r}", stage=self.label,
                            hint="labels identify stages and must be unique in a flow")
        self._ui()["label"] = value

    @property
    def op(self) -> str | None:
        return self.node.get("op")

    @property
    def node_type(self) -> str:
        return self.node.get("type", "")

    @property
    def stage_type(self) -> StageType | None:
        return catalog().by_op(self.op)

    @property
    def type(self) -> str:
        """The SDK's type name when the op is in the catalog, else what the node says it is."""
        return stage_type_name(self.node)

    @property
    def x(self) -> float | None:
        return self._ui().get("x_pos")

    @property
    def y(self) -> float | None:
        return self._ui().get("y_pos")

    @property
    def configuration(self) -> Configuration:
        return Configuration(self)

    def _parameters(self) -> dict[str, Any]:
        params = self.node.get("parameters")
        return params if isinstance(params, dict) else {}

    def _connection_properties(self) -> dict[str, Any]:
        connection = self.node.get("connection")
        if isinstance(connection, dict) and isinstance(connection.get("properties"), dict):
            return connection["properties"]
        return {}

    def _ports(self, side: str) -> list[dict[str, Any]]:
        return [p for p in self.node.get(side) or [] if isinstance(p, dict)]

    # -- links
    def get_input_links(self) -> list[Link]:
        """Links into this stage, in port order."""
        return [link for link in self.flow.links if link.target == self]

    def get_output_links(self) -> list[Link]:
        """Links out of this stage."""
        return [link for link in self.flow.links if link.source == self]

    def connect_output_to(self, other: Stage, *, link_type: str = "PRIMARY", name: str | None = None) -> Link:
        """Link this stage's output to *other*'s input (the SDK's ``connect_output_to``)."""
        return self.flow._connect(self, other, link_type=link_type, name=name)


class StageList(list):
    """The stages of a flow: a list with the SDK's ``get`` and ``get_all``."""

    def get(self, label: str | None = None, **filters: Any) -> Stage:
        if label is not None:
            filters["label"] = label
        found = self.get_all(**filters)
        if not found:
            wanted = "with " + " and ".join(f"{key.replace('_', ' ')} {value!r}" for key, value in filters.items())
            if set(filters) == {"label"}:
                wanted = f"labelled {filters['label']!r}"
            labels = [str(s.label) for s in self]
            guess = closest(str(filters["label"]), labels) if set(filters) == {"label"} else None
            hint = f"did you mean {guess!r}?" if guess else f"stages: {', '.join(labels[:10]) or 'none'}"
            raise NotFoundError(f"no stage {wanted}", hint=hint)
        return found[0]

    def get_all(self, **filters: Any) -> list[Stage]:
        """Stages matching every filter: ``type`` (SDK type name), ``label``, ``op``, ``id``, or any
        configuration property (``output_count=1``)."""
        return [stage for stage in self if all(_stage_matches(stage, k, v) for k, v in filters.items())]


def _stage_matches(stage: Stage, key: str, value: Any) -> bool:
    if key == "type":
        try:
            wanted = catalog().get(value).type_name if isinstance(value, str) else value
        except NotFoundError:
            wanted = value
        return stage.type == wanted
    if key in ("label", "op", "id", "node_type"):
        return getattr(stage, key) == value
    try:
        return stage.configuration[key] == value
    except (KeyError, NotFoundError):
        return False


# --------------------------------------------------------------------------- links


class LinkList(list):
    """The links of a flow: a list with ``get`` and ``get_all``, as :class:`StageList`."""

    def get(self, name: str | None = None, **filters: Any) -> Link:
        if name is not None:
            filters["name"] = name
        found = self.get_all(**filters)
        if not found:
            wanted = " and ".join(f"{key.replace('_', ' ')} {value!r}" for key, value in filters.items())
            if set(filters) == {"name"}:
                wanted = f"named {filters['name']!r}"
            names = [str(link.name) for link in self]
            guess = closest(str(filters["name"]), names) if set(filters) == {"name"} else None
            hint = f"did you mean {guess!r}?" if guess else f"links: {', '.join(names[:10]) or 'none'}"
            raise NotFoundError(f"no link {wanted}" if wanted.startswith("named") else f"no link with {wanted}",
                                hint=hint)
        return found[0]

    def get_all(self, **filters: Any) -> list[Link]:
        """Links matching every filter: ``name``, ``id``, ``type`` (PRIMARY, REFERENCE, REJECT)."""
        return [link for link in self if all(getattr(link, key, None) == value for key, value in filters.items())]


class Link:
    """A link, stored on its target's input port (format.md §2.4)."""

    def __init__(self, flow: Flow, link: dict[str, Any], target: Stage, port: dict[str, Any]) -> None:
        self.flow = flow
        self.link = link
        self.target = target
        self.target_port = port

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Link) and other.link is self.link

    def __hash__(self) -> int:
        return id(self.link)

    def __repr__(self) -> str:
        source = self.source.label if self.source else self.link.get("node_id_ref")
        return f"Link(name={self.name!r}, {source!r} -> {self.target.label!r}, type={self.type!r})"

    @property
    def id(self) -> str:
        return self.link.get("id", "")

    @property
    def type(self) -> str:
        return link_type(self.link)

    @property
    def source(self) -> Stage | None:
        wanted = self.link.get("node_id_ref", "")
        found = self.flow._stage_by_id().get(wanted)
        if found is None or found.id != wanted:  # the stages changed in place since the map was made
            self.flow.__dict__.pop("_by_id", None)
            found = self.flow._stage_by_id().get(wanted)
        return found

    @property
    def source_port(self) -> dict[str, Any] | None:
        source = self.source
        if source is None:
            return None
        wanted = self.link.get("port_id_ref")
        for port in source._ports("outputs"):
            if port.get("id") == wanted:
                return port
        return None

    @property
    def name(self) -> str | None:
        return self.link.get("link_name")

    @name.setter
    def name(self, value: str) -> None:
        self.flow._rename_link(self, value)

    def set_name(self, value: str) -> Link:
        self.name = value
        return self

    def reference(self) -> Link:
        """Make this a reference link (a Lookup's lookup input), within the target's reference limit."""
        return self._retype("REFERENCE")

    def reject(self) -> Link:
        """Make this a reject link, within the source's reject limit."""
        return self._retype("REJECT")

    def primary(self) -> Link:
        return self._retype("PRIMARY")

    # ---------------------------------------------------------------- columns (the SDK's link schema API)

    @property
    def schema(self) -> Schema | None:
        """The link's columns (None when it has none): the schema both halves of the link name."""
        found = port_schema(self.flow.flow_document, self.target_port, self.source_port)
        if found is None:
            return None
        computed = self.flow.archive.computed

        def declared() -> None:  # an edit makes computed columns the user's own: propagation keeps them
            computed.discard(found.get("id"))

        return Schema(found, on_change=declared)

    @schema.setter
    def schema(self, value: Schema | None) -> None:
        """Give the link copies of *value*'s columns (None: no columns)."""
        old = {ref for ref in (self.target_port.get("schema_ref"),
                               (self.source_port or {}).get("schema_ref")) if ref}
        if value is None:
            for port in (self.target_port, self.source_port):
                if isinstance(port, dict):
                    port.pop("schema_ref", None)
        else:
            attach_schema(self.flow.flow_document, self.source_port, self.target_port,
                          [copy.deepcopy(f.field) for f in value.fields])
        self.flow._drop_unused_schemas(old)

    @property
    def columns(self) -> list[Field]:
        """The link's columns, in order (none when it has no schema)."""
        schema = self.schema
        return schema.fields if schema is not None else []

    def create_schema(self) -> Schema:
        """New, empty columns for the link (replacing any it had), to fill with ``add_field``."""
        self.schema = Schema()
        schema = self.schema
        assert schema is not None
        return schema

    def set_partitioning(self, part_type: str, perform_sort: bool | None = None, part_stable: bool | None = None,
                         part_unique: bool | None = None) -> Link:
        """How the data this link brings is partitioned among the target's nodes (the SDK's names)."""
        set_partitioning(self.target_port, part_type, perform_sort, part_stable, part_unique)
        return self

    def add_partition_key(self, key_col: str, sorting: bool = False, case_sensitive: bool = True,
                          sort_order: str = "asc", ebcdic: bool = False) -> Link:
        add_partition_key(self.target_port, key_col, sorting, case_sensitive, sort_order, ebcdic)
        return self

    def remove_partition_key(self, key_col: str) -> Link:
        remove_partition_key(self.target_port, key_col)
        return self

    def _retype(self, link_type: str) -> Link:
        if self.type == link_type:
            return self
        self.flow._check_capacity(self.source, self.target, link_type, replacing=self)
        self.link["type_attr"] = link_type
        self.flow._shape([stage.node for stage in (self.source, self.target) if stage is not None])
        return self


# --------------------------------------------------------------------------- comments


class Comment:
    """A markdown comment or a styled annotation (format.md §2.6)."""

    def __init__(self, flow: Flow, comment: dict[str, Any]) -> None:
        self.flow = flow
        self.comment = comment

    def __repr__(self) -> str:
        return f"Comment(kind={self.kind!r}, content={self.content[:30]!r})"

    @property
    def id(self) -> str:
        return self.comment.get("id", "")

    @property
    def content(self) -> str:
        return self.comment.get("content") or ""

    @content.setter
    def content(self, value: str) -> None:
        self.comment["content"] = value

    @property
    def kind(self) -> str:
        return "annotation" if self.comment.get("contentType") == "WYSIWYG" else "markdown"

    @property
    def formats(self) -> list[dict[str, Any]]:
        return list(self.comment.get("formats") or [])

    @property
    def stages(self) -> list[Stage]:
        refs = [r.get("node_ref") for r in self.comment.get("associated_id_refs") or [] if isinstance(r, dict)]
        self.flow.__dict__.pop("_by_id", None)  # read fresh: a comment is looked at once
        by_id = self.flow._stage_by_id()
        return [by_id[r] for r in refs if r in by_id]

    def formatting(self) -> dict[str, Any]:
        """The annotation's styling as :func:`annotation_formats` keywords (``{"bold": True, ...}``)."""
        found: dict[str, Any] = {}
        for entry in self.formats:
            if not isinstance(entry, dict) or entry.get("type") not in _FORMAT_KEYWORDS:
                continue
            keyword, value = _FORMAT_KEYWORDS[entry["type"]], entry.get("value")
            if keyword in ("bold", "italics"):
                found[keyword] = True
            elif keyword == "text_size" and isinstance(value, str) and value.startswith("text-size-"):
                found[keyword] = int(value[len("text-size-"):]) if value[10:].isdigit() else value
            elif keyword == "outline":
                found[keyword] = value != "outline-none"
            else:
                found[keyword] = value
        return found

    def _set_format(self, keyword: str, value: Any) -> None:
        """Set one styling keyword (the seed page's ``annotation.bold = True``): the known entries are
        rewritten in the platform's order, entries flowzip does not know are kept after them."""
        if self.kind != "annotation":
            raise EditError(f"a markdown comment has no {keyword}: style its text with markdown, or use an "
                            "annotation (add_annotation)", flow=self.flow.name)
        wanted = self.formatting()
        wanted[keyword] = value
        unknown = [e for e in self.formats if not (isinstance(e, dict) and e.get("type") in _FORMAT_KEYWORDS)]
        self.comment["formats"] = annotation_formats(**wanted) + unknown

    def connect_to(self, stage: Stage) -> Comment:
        """Attach the comment to *stage* (``associated_id_refs``)."""
        if stage.flow is not self.flow and stage.node not in self.flow._nodes():
            raise EditError("the stage belongs to another flow", stage=stage.label)
        refs = self.comment.setdefault("associated_id_refs", [])
        if not any(isinstance(r, dict) and r.get("node_ref") == stage.id for r in refs):
            refs.append({"node_ref": stage.id})
        return self


def annotation_formats(
    *,
    bold: bool = False,
    italics: bool = False,
    font: str | None = None,
    text_decoration: str | None = None,
    background_color: str | None = None,
    text_color: str | None = None,
    vertical_align: str | None = None,
    horizontal_align: str | None = None,
    text_size: int | None = None,
    outline: bool | None = None,
) -> list[dict[str, Any]]:
    """The ``formats`` list of an annotation, in the vocabulary real exports use (format.md §2.6)."""
    formats: list[dict[str, Any]] = []
    if bold:
        formats.append({"type": "bold"})
    if italics:
        formats.append({"type": "italics"})
    if font:
        value = font if font.startswith("font-") else "font-" + re.sub(r"[^a-z0-9]+", "-", font.lower()).strip("-")
        formats.append({"type": "fontType", "value": value})
    if text_decoration:
        if text_decoration not in ("underline", "strikethrough"):
            raise EditError(f"text_decoration must be 'underline' or 'strikethrough', not {text_decoration!r}")
        formats.append({"type": "textDecoration", "value": text_decoration})
    for kind, color in (("backgroundColor", background_color), ("textColor", text_color)):
        if color:
            if not re.fullmatch(r"#[0-9A-Fa-f]{6}|transparent", color):
                raise EditError(f"{color!r} is not a colour: use #RRGGBB")
            formats.append({"type": kind, "value": color})
    if horizontal_align:
        value = horizontal_align if horizontal_align.startswith("align-") else f"align-{horizontal_align}"
        if value not in ("align-left", "align-center", "align-right", "align-middle"):
            raise EditError(f"horizontal_align must be left, center or right, not {horizontal_align!r}")
        formats.append({"type": "alignHorizontally", "value": value})
    if vertical_align:
        value = vertical_align if vertical_align.startswith("align-") else f"align-{vertical_align}"
        if value not in ("align-top", "align-middle", "align-bottom", "align-center"):
            raise EditError(f"vertical_align must be top, middle or bottom, not {vertical_align!r}")
        formats.append({"type": "alignVertically", "value": value})
    if text_size is not None:
        if text_size not in TEXT_SIZES:
            raise EditError(f"text_size must be one of {', '.join(map(str, TEXT_SIZES))}, not {text_size!r}")
        formats.append({"type": "textSize", "value": f"text-size-{text_size}"})
    if outline is not None:
        formats.append({"type": "outlineStyle", "value": "outline-solid" if outline else "outline-none"})
    return formats


#: The ``formats`` entry types of an annotation and the keyword each is set with.
_FORMAT_KEYWORDS = {"bold": "bold", "italics": "italics", "fontType": "font", "textDecoration": "text_decoration",
                    "backgroundColor": "background_color", "textColor": "text_color",
                    "alignHorizontally": "horizontal_align", "alignVertically": "vertical_align",
                    "textSize": "text_size", "outlineStyle": "outline"}


def _format_property(keyword: str) -> property:
    def getter(comment: Comment) -> Any:
        return comment.formatting().get(keyword, False if keyword in ("bold", "italics") else None)

    def setter(comment: Comment, value: Any) -> None:
        comment._set_format(keyword, value)

    return property(getter, setter, doc=f"The annotation's {keyword.replace('_', ' ')} (set it as the SDK does).")


for _keyword in _FORMAT_KEYWORDS.values():
    setattr(Comment, _keyword, _format_property(_keyword))


# --------------------------------------------------------------------------- flows


class AvailableStages:
    """The stage types ``add_stage`` accepts (``flow.available_stages.get(name=...)``)."""

    def __iter__(self) -> Iterator[StageType]:
        return iter(catalog().types)

    def __len__(self) -> int:
        return len(catalog())

    def get(self, name: str | None = None, **filters: Any) -> StageType:
        if name is not None:
            return catalog().get(name)
        for stage_type in catalog():
            if all(getattr(stage_type, k, None) == v for k, v in filters.items()):
                return stage_type
        wanted = " and ".join(f"{key.replace('_', ' ')} {value!r}" for key, value in filters.items())
        raise NotFoundError(f"no stage type with {wanted}")

    def get_all(self, **filters: Any) -> list[StageType]:
        return [t for t in catalog() if all(getattr(t, k, None) == v for k, v in filters.items())]


class Flow(EditableAsset):
    """A batch flow (``data_intg_flow/<name>.json``), editable like the SDK's ``BatchFlow``.

    The view owns its document: edits reach the archive through ``archive.update_flow``.
    """

    noun = "flow"

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
        job = job_for_flow(self.archive, self)
        return job.asset_ref if job is not None and job.flow_name == self.name and job.asset_ref else None

    def _matches(self, key: str, value: Any) -> bool:
        if key == "flow_id":
            return value in (self.flow_id, self.id)
        return super()._matches(key, value)

    @property
    def name(self) -> str:
        return self.member.asset_name or self.member.name

    @name.setter
    def name(self, value: str) -> None:
        self.archive.rename_flow(self, value)

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
    def pipelines(self) -> list[dict[str, Any]]:
        return [p for p in self.flow_document.get("pipelines") or [] if isinstance(p, dict)]

    @property
    def description(self) -> str:
        """The flow description (kept in the primary pipeline, as ``update_flow`` writes it)."""
        return self.primary_pipeline.get("description") or ""

    @description.setter
    def description(self, value: str) -> None:
        self.primary_pipeline["description"] = value

    # -- reading
    def _nodes(self) -> list[dict[str, Any]]:
        return [n for n in self.primary_pipeline.get("nodes") or [] if isinstance(n, dict)]

    @property
    def stages(self) -> StageList:
        """Stages of the primary pipeline, in document order."""
        pipeline = self.primary_pipeline
        return StageList(Stage(self, node, pipeline) for node in self._nodes())

    def release(self) -> None:
        super().release()
        self.__dict__.pop("_by_id", None)

    def _stage_by_id(self) -> dict[str, Stage]:
        """Stage id -> stage, kept while the pipeline's node list is the same list of the same length (a link's
        source is looked up for every link: rebuilding the map each time made listing links quadratic)."""
        nodes = self.primary_pipeline.get("nodes")
        key = (id(nodes), len(nodes) if isinstance(nodes, list) else -1)
        cached = self.__dict__.get("_by_id")
        if cached is None or cached[0] != key or cached[1] is not nodes:
            cached = (key, nodes, {stage.id: stage for stage in self.stages})
            self.__dict__["_by_id"] = cached
        return cached[2]

    @property
    def links(self) -> LinkList:
        found = LinkList()
        for stage in self.stages:
            for port in stage._ports("inputs"):
                for link in port.get("links") or []:
                    if isinstance(link, dict):
                        found.append(Link(self, link, stage, port))
        return found

    def _comment_list(self) -> list[dict[str, Any]]:
        ui = self.primary_pipeline.setdefault("app_data", {}).setdefault("ui_data", {})
        return ui.setdefault("comments", [])

    @property
    def comments(self) -> list[Comment]:
        ui = (self.primary_pipeline.get("app_data") or {}).get("ui_data") or {}
        return [Comment(self, c) for c in ui.get("comments") or [] if isinstance(c, dict)]

    def comment(self, comment_id: str) -> Comment:
        """The comment or annotation with id *comment_id*, or the one whose id starts with it (at least 4
        characters, as git takes short ids); ``flowzip comment ls`` lists them."""
        for comment in self.comments:
            if comment.id == comment_id:
                return comment
        started = [c for c in self.comments if len(comment_id) >= 4 and c.id.startswith(comment_id)]
        if len(started) == 1:
            return started[0]
        ids = [c.id for c in self.comments]
        guess = closest(comment_id, ids)
        raise NotFoundError(f"no comment with id {comment_id!r}", flow=self.name,
                            hint=f"did you mean {guess!r}?" if guess else f"comments: {', '.join(ids) or 'none'}")

    def remove_comment(self, comment: Comment) -> None:
        """Remove a markdown comment or an annotation (the stages it was attached to stay)."""
        listed = self._comment_list()
        kept = [c for c in listed if c is not comment.comment]
        if len(kept) == len(listed):
            raise EditError("the comment is not in this flow (get it from this flow's view)", flow=self.name)
        listed[:] = kept

    @property
    def parameter_sets(self) -> list[str]:
        """Names of the parameter sets the flow declares (``external_paramsets``)."""
        return [p.get("name", "") for p in self.flow_document.get("external_paramsets") or [] if isinstance(p, dict)]

    @property
    def local_parameters(self) -> list[dict[str, Any]]:
        params = self.flow_document.get("parameters") or {}
        return [p for p in params.get("local_parameters") or [] if isinstance(p, dict)]

    @property
    def available_stages(self) -> AvailableStages:
        return AvailableStages()

    # -- layout
    def auto_arrange(self, *, keep_existing: bool = False) -> None:
        """Lay the flow out left to right (:mod:`flowzip.layout`); only positions change.

        Unlike the SDK's ``auto_arrange()``, which deletes positions for the server to
        recompute, this writes them.  With *keep_existing*, stages that have a position
        keep it, like the SDK's fixed nodes.
        """
        arrange_flow(self.flow_document, keep_existing=keep_existing)

    # -- runtime settings and parameters (kept in the flow's job, format.md §5)
    @property
    def configuration(self) -> RuntimeSettings:
        """Runtime settings (``environment``, ``warn_limit``, ``retention_days``, ``retention_amount``).

        They live in the flow's job member; setting one writes the job at once
        (creating ``<flow>.DataStage job`` if the flow has none).
        """
        return RuntimeSettings(self.archive, self)

    @property
    def job(self) -> Any:
        """The flow's job (manifest mapping first, then ``flow_name``), or ``None``."""
        return job_for_flow(self.archive, self)

    def _job_for_write(self) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        job = self.job
        if job is None:
            self.configuration.update()  # creates the job the platform would create
            job = self.job
        doc = job.member.json()
        return job, doc, job_body(doc)

    def _used_set(self, name: str) -> dict[str, Any]:
        for entry in self.flow_document.get("external_paramsets") or []:
            if isinstance(entry, dict) and entry.get("name") == name:
                return entry
        raise SettingsError(f"the flow does not use a parameter set named {name!r}", flow=self.name,
                            hint=f"it uses: {', '.join(self.parameter_sets) or 'none'}")

    def set_runtime_value_set(self, parameter_set_name: str, value_set_name: str) -> None:
        """Run the flow with *value_set_name* of *parameter_set_name* (stored in the job)."""
        entry = self._used_set(parameter_set_name)
        parameter_set = parameter_set_in_archive(self.archive, parameter_set_name)
        names = [v.get("name") for v in parameter_set.value_sets]
        if value_set_name not in names:
            guess = closest(value_set_name, [n for n in names if n])
            raise SettingsError(f"parameter set {parameter_set_name!r} has no value set {value_set_name!r}",
                                flow=self.name, hint=f"did you mean {guess!r}?" if guess else
                                f"its value sets: {', '.join(n for n in names if n) or 'none'}")
        job, doc, body = self._job_for_write()
        ensure_set_entry(body, parameter_set_name, entry.get("ref"))["value_set"] = value_set_name
        job.member.set_json(doc)

    def set_runtime_parameter_value(self, parameter_set_name: str, parameter_name: str, value: Any) -> None:
        """Override one parameter of a set the flow uses, for the flow's job."""
        entry = self._used_set(parameter_set_name)
        parameter_set = parameter_set_in_archive(self.archive, parameter_set_name)
        parameter = parameter_set.parameter(parameter_name)
        problem = value_problem(parameter, value)
        if problem:
            raise SettingsError(problem, flow=self.name)
        job, doc, body = self._job_for_write()
        ensure_set_entry(body, parameter_set_name, entry.get("ref"))
        set_job_parameter(body, f"{parameter_set_name}.{parameter_name}", value)
        job.member.set_json(doc)

    def set_runtime_local_parameter(self, local_parameter_name: str, value: Any) -> None:
        """Override one of the flow's local parameters, for the flow's job."""
        parameter = self.local_parameter(local_parameter_name)
        problem = value_problem(parameter, value)
        if problem:
            raise SettingsError(problem, flow=self.name)
        job, doc, body = self._job_for_write()
        set_job_parameter(body, local_parameter_name, value)
        job.member.set_json(doc)

    @property
    def runtime_parameters(self) -> list[RuntimeParameter]:
        """Every parameter's effective value for the flow's job: job override, else value set, else default."""
        job = self.job
        body = job.job if job is not None else {}
        overrides = {e.get("name"): e.get("value") for e in body.get("job_parameters") or [] if isinstance(e, dict)}
        chosen = {e.get("name"): e.get("value_set") for e in body.get("parameter_sets") or [] if isinstance(e, dict)}
        found: list[RuntimeParameter] = []
        for set_name in self.parameter_sets:
            try:
                parameter_set = self.archive.parameter_sets.get(name=set_name)
            except NotFoundError:
                parameter_set = None
            value_set = chosen.get(set_name)
            values = {}
            if parameter_set is not None and value_set:
                for candidate in parameter_set.value_sets:
                    if candidate.get("name") == value_set:
                        values = {v.get("name"): v.get("value") for v in candidate.get("values") or []
                                  if isinstance(v, dict)}
            known = parameter_set.parameters if parameter_set is not None else []
            for parameter in known:
                full = f"{set_name}.{parameter.get('name')}"
                if full in overrides:
                    value, source = overrides[full], "job"
                elif parameter.get("name") in values:
                    value, source = values[parameter.get("name")], f"value set {value_set}"
                else:
                    value, source = parameter.get("value"), "default"
                found.append(RuntimeParameter(full, value, source, set_name, str(parameter.get("type") or "")))
            known_names = {f"{set_name}.{p.get('name')}" for p in known}
            for name, value in overrides.items():
                if isinstance(name, str) and name.startswith(set_name + ".") and name not in known_names:
                    found.append(RuntimeParameter(name, value, "job", set_name, ""))
        for parameter in self.local_parameters:
            name = parameter.get("name")
            if name in overrides:
                found.append(RuntimeParameter(name, overrides[name], "job", None, str(parameter.get("type") or "")))
            else:
                found.append(RuntimeParameter(name, parameter.get("value"), "default", None,
                                              str(parameter.get("type") or "")))
        return found

    # -- parameter sets and local parameters
    def local_parameter(self, name: str) -> dict[str, Any]:
        for parameter in self.local_parameters:
            if parameter.get("name") == name:
                return parameter
        names = [p.get("name") for p in self.local_parameters]
        guess = closest(name, [n for n in names if n])
        raise SettingsError(f"the flow has no local parameter {name!r}", flow=self.name,
                            hint=f"did you mean {guess!r}?" if guess else
                            f"its local parameters: {', '.join(n for n in names if n) or 'none'}")

    def use_parameter_set(self, parameter_set: Any) -> None:
        """Declare that the flow uses *parameter_set* (a view or a name), as the SDK's ``use_parameter_set``.

        ``PROJDEF`` is special, as in the SDK: its parameters become local
        parameters with the value ``PROJDEF`` (format.md §1.4).
        """
        name = parameter_set if isinstance(parameter_set, str) else parameter_set.name
        view = parameter_set if not isinstance(parameter_set, str) else parameter_set_in_archive(self.archive, name)
        if name == "PROJDEF":
            for parameter in view.parameters:
                self.add_local_parameter(parameter.get("type") or "string", parameter["name"],
                                         description=parameter.get("description", ""),
                                         prompt=parameter.get("prompt", ""), value="PROJDEF")
            return
        if name in self.parameter_sets:
            raise SettingsError(f"the flow already uses a parameter set named {name!r}", flow=self.name)
        ref = _known_set_ref(self.archive, name) or new_id()
        entry = {"name": name, "ref": ref}
        manifest = self.archive.manifest
        project_id = manifest.project_id if manifest is not None else None
        if project_id:
            entry["project_ref"] = project_id
        self.flow_document.setdefault("external_paramsets", []).append(entry)

    def add_local_parameter(self, parameter_type: str, name: str, description: str = "", prompt: str = "",
                            value: Any = "", valid_values: list[Any] | None = None) -> dict[str, Any]:
        """Add (or, with the same name, replace) a local parameter: the SDK's ``add_local_parameter``, with its
        parameters in its order and its defaults (no value: ``""``)."""
        if not isinstance(name, str) or not is_parameter_name(name):
            raise SettingsError(f"{name!r} is not a valid parameter name (letters, digits and _)", flow=self.name)
        type_name = normalise_type(parameter_type)
        parameter = {"name": name, "type": type_name, "description": description, "prompt": prompt,
                     "value": value, "valid_values": list(valid_values or [])}
        if value not in (None, ""):
            problem = value_problem(parameter, value)
            if problem:
                raise SettingsError(problem, flow=self.name)
        params = self.flow_document.setdefault("parameters", {})
        local = params.setdefault("local_parameters", [])
        for index, existing in enumerate(local):
            if isinstance(existing, dict) and existing.get("name") == name:
                local[index] = parameter
                return parameter
        local.append(parameter)
        return parameter

    def parameter_references(self) -> list[ParameterReference]:
        """Every ``#set.param#``, ``#local#`` and ``#$VAR#`` reference in the flow, and whether it resolves
        (the rule FZP001 applies: :func:`flowzip.document.parameters.unresolved_reason`)."""
        in_archive = _SetsInArchive(self.archive)
        used = {name: in_archive.get(name) for name in self.parameter_sets}
        local = {p.get("name") for p in self.local_parameters}
        found: list[ParameterReference] = []
        for path, stage, _, text in reference_strings(self.flow_document):
            for match in REFERENCE.finditer(text):
                name = match.group(1)
                kind = "set" if "." in name else "environment" if name.startswith("$") else "local"
                why = unresolved_reason(name, used_sets=used, archive_sets=in_archive, local=local,
                                        projdef=in_archive.get("PROJDEF"))
                found.append(ParameterReference(match.group(0), kind, why is None, stage, path))
        return found

    # -- stages
    def add_stage(self, type: str | StageType | None = None, label: str | None = None, *,  # noqa: A002
                  stage_info: StageType | None = None) -> Stage:
        """Add a stage of *type* (a catalog type name) labelled *label* (default ``Type_N``)."""
        chosen = stage_info or type
        if chosen is None:
            raise EditError("add_stage needs a stage type name or stage_info")
        stage_type = chosen if isinstance(chosen, StageType) else catalog().get(chosen)
        if stage_type.isolated_node is None or stage_type.op is None:
            raise EditError(
                f"{stage_type.type_name} stages cannot be added offline: the SDK needs a live project to "
                "build them",
            )
        labels = {s.label for s in self.stages}
        if label is None:
            base = re.sub(r"\W+", "_", stage_type.type_name).strip("_")
            number = 1
            while f"{base}_{number}" in labels:
                number += 1
            label = f"{base}_{number}"
        elif label in labels:
            raise EditError(f"a stage labelled {label!r} already exists", flow=self.name,
                            hint="labels identify stages and must be unique in a flow")
        node = copy.deepcopy(stage_type.isolated_node)
        ordered: dict[str, Any] = {"type": node.pop("type", stage_type.node_type), "id": new_id()}
        ordered.update(node)
        ui = ordered.setdefault("app_data", {}).setdefault("ui_data", {})
        ui["label"] = label
        x, y = self._free_position()
        ui["x_pos"], ui["y_pos"] = x, y
        self.primary_pipeline.setdefault("nodes", []).append(ordered)
        self.archive.created.add(ordered["id"])
        self._shape([ordered], recount=False)
        return Stage(self, ordered, self.primary_pipeline)

    def _free_position(self) -> tuple[float, float]:
        """Right of the right-most stage, so that the new one overlaps nothing."""
        boxes = [stage_box(n) for n in self._nodes()]
        boxes = [b for b in boxes if b is not None]
        if not boxes:
            return 552.0, 400.0
        right = max(x + w for x, _, w, _ in boxes)
        top = min(y for _, y, _, _ in boxes)
        return float(right + COLUMN_PITCH - STAGE_SIZE), float(top)

    def remove_stage(self, stage: Stage) -> None:
        """Remove *stage* with every link into or out of it, fixing up its neighbours (format.md §3)."""
        node = self._own(stage)
        removed_links = [link for link in self.links if link.target.node is node or link.link.get(
            "node_id_ref") == node.get("id")]
        sources = {id(link): link.source for link in removed_links}
        source_ports = {id(link): link.source_port for link in removed_links}
        schema_refs = {ref for link in removed_links for ref in _link_schema_refs(link)}
        self.primary_pipeline["nodes"] = [n for n in self.primary_pipeline.get("nodes") or [] if n is not node]
        neighbours: list[dict[str, Any]] = []
        for link in removed_links:
            if link.target.node is not node:
                self._drop_input_link(link)
                neighbours.append(link.target.node)
            source = sources[id(link)]
            if source is not None and source.node is not node:
                self._drop_output_port(source, source_ports[id(link)])
                neighbours.append(source.node)
        for neighbour in neighbours:
            _isolate_if_unlinked(neighbour)
        self._shape(neighbours)
        for comment in self.comments:
            refs = comment.comment.get("associated_id_refs")
            if isinstance(refs, list):
                comment.comment["associated_id_refs"] = [
                    r for r in refs if not (isinstance(r, dict) and r.get("node_ref") == node.get("id"))]
        self._drop_unused_schemas(schema_refs)
        self._forget_links({link.id for link in removed_links}, {p.get("id") for p in stage._ports("inputs")})

    def remove_link(self, link: Link) -> None:
        """Remove *link*: its input port on the target and its output port on the source go, the link
        counts follow, a stage left with no link is marked unlinked, as :meth:`remove_stage` does for the
        links of the stage it removes (format.md §3)."""
        if link not in self.links:
            raise EditError("the link is not in this flow (get it from this flow's view)", flow=self.name)
        source, source_port = link.source, link.source_port
        schema_refs = set(_link_schema_refs(link))
        self._drop_input_link(link)
        neighbours = [link.target.node]
        if source is not None:
            self._drop_output_port(source, source_port)
            neighbours.append(source.node)
        for neighbour in neighbours:
            _isolate_if_unlinked(neighbour)
        self._shape(neighbours)
        self._drop_unused_schemas(schema_refs)
        self._forget_links({link.id}, {link.target_port.get("id")})

    def insert_stage(self, link: Link, type: str | StageType, label: str | None = None, *,  # noqa: A002
                     name: str | None = None) -> Stage:
        """Put a new stage of *type* into *link* ("a Peek between A and B"): source -> stage -> target.

        The link into the target keeps its name, id, input port (partitioning and all) and columns, so what
        the target says about it still holds; a new primary link *name* (default ``Link_N``) runs from the
        source's output port, kept with its columns, into the stage.  A reject link stays a reject link out
        of the source, a reference link stays a reference link into the target.
        """
        if link not in self.links:
            raise EditError("the link is not in this flow (get it from this flow's view)", flow=self.name)
        source, target = link.source, link.target
        source_port = link.source_port
        if source is None or source_port is None:
            raise EditError(f"link {link.name!r} has no source stage to insert after", flow=self.name)
        if name is not None and any(other.name == name for other in self.links):
            raise EditError(f"a link named {name!r} already exists", flow=self.name,
                            hint="link names must be unique in a flow")
        stage_type = type if isinstance(type, StageType) else catalog().get(type)
        for limits, wanted in ((stage_type.inputs, "input"), (stage_type.outputs, "output")):
            if limits[1] == 0:  # checked before the stage is added: nothing to undo
                raise EditError(f"{stage_type.type_name} stages take no {wanted} link: they cannot sit "
                                "inside a link", flow=self.name)
        stage = self.add_stage(stage_type, label)
        into_stage = _new_link(new_id(), source.id, source_port.get("id", ""), name or self._unique_link_name(),
                               "REJECT" if link.type == "REJECT" else "PRIMARY")
        source_port.setdefault("app_data", {}).setdefault("datastage", {})["is_source_of_link"] = into_stage["id"]
        in_port = input_port(into_stage, source.node, source.stage_type, stage.stage_type)
        out_port = output_port(stage.node, stage.stage_type, link.id)
        if source_port.get("schema_ref"):
            in_port["schema_ref"] = source_port["schema_ref"]  # the columns the link carried, into the stage
        carried = port_schema(self.flow_document, link.target_port)
        if carried is not None:  # and a copy of them out of it: two links never share one schema
            attach_schema(self.flow_document, out_port, link.target_port, copy.deepcopy(carried.get("fields") or []))
            if carried.get("id") in self.archive.computed:
                self.archive.computed.add(str(link.target_port.get("schema_ref")))
        link.link["node_id_ref"], link.link["port_id_ref"] = stage.id, out_port["id"]
        if link.type == "REJECT":
            link.link["type_attr"] = "PRIMARY"
        for side, port in (("inputs", in_port), ("outputs", out_port)):
            _add_port(stage.node, side, port)
            _append_to_order(stage.node, f"{side}_order", port["id"])
        ends = (source.x, source.y, target.x, target.y)
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in ends):
            ui = stage._ui()  # half-way between the two stages it now sits between
            ui["x_pos"], ui["y_pos"] = (ends[0] + ends[2]) / 2, (ends[1] + ends[3]) / 2
        self._shape([source.node, stage.node, target.node])
        return stage

    def _shape(self, nodes: list[dict[str, Any]], *, recount: bool = True) -> None:
        """After an edit of the links of *nodes*: their ``input_count`` and ``output_count`` as the SDK
        counts them (primary and reference links in, primary and reject links out, format.md §2.3, §7.4),
        the SDK's shape for the stages flowzip created among them, and the SDK's document form for a flow
        flowzip created (stages of real exports keep their own)."""
        created = self.archive.created
        mine = [node for node in nodes if node.get("id") in created]
        pipeline = self.primary_pipeline
        typed = typed_link_counts(pipeline) if recount or mine else {}  # one walk for every count
        if recount:
            for node in nodes:
                params = node.get("parameters")
                if isinstance(params, dict):
                    counted = typed.get(node.get("id"))
                    params["input_count"], params["output_count"] = \
                        (counted.inputs, counted.outputs) if counted else (0, 0)
        if mine:
            degrees = {node_id: [c.in_primary + c.in_reference + c.in_reject + c.in_other,
                                 c.out_primary + c.out_reference + c.out_reject + c.out_other]
                       for node_id, c in typed.items()}
            several_inputs = any(sum(1 for p in node.get("inputs") or [] if isinstance(p, dict) and p.get("links"))
                                 > 1 for node in mine)
            refs = pipeline_links(pipeline) if several_inputs or any(
                node.get("op") in TYPED_OUTPUT_ORDER for node in mine) else []
            out_types = {str(ref.link.get("port_id_ref")): ref.type for ref in refs}
            source_rank: dict[str, int] = {}
            if several_inputs:  # only a stage with several inputs has an order to follow
                ranks = topological_ranks(pipeline, refs)
                source_rank = {str(n.get("id")): ranks[id(n)] for n in self._nodes() if id(n) in ranks}
            for node in mine:
                counted = typed.get(node.get("id"))
                shape_node(pipeline, node, catalog().by_op(node.get("op")), degrees,
                           (counted.inputs, counted.outputs) if counted else (0, 0), out_types, source_rank)
        if self.flow_document.get("id") in created:
            shape_document(self.flow_document, new_flow_document())

    def propagate_columns(self, *, every_link: bool = False) -> PropagationResult:
        """Compute the columns of the links as the platform's automatic column propagation does (see
        :mod:`flowzip.document.propagation`): links with no columns, and links whose columns flowzip computed
        before; with *every_link*, every link out of a stage that propagates (stored columns replaced)."""
        computed = self.archive.computed
        document = self.flow_document

        def declared(ref: LinkRef) -> bool:
            if every_link:
                return False
            refs = [p.get("schema_ref") for p in (ref.target_port, ref.source_port) if isinstance(p, dict)]
            has = any(schema_by_id(document, r) is not None for r in refs)
            return has and not any(r in computed for r in refs)

        def was_computed(ref: LinkRef) -> bool:
            return any(p.get("schema_ref") in computed for p in (ref.target_port, ref.source_port)
                       if isinstance(p, dict))

        result = PropagationResult()
        for pipeline in self.pipelines:
            done = propagate(document, pipeline, declared, was_computed)
            for key in ("computed", "changed", "kept", "schemas", "dropped"):
                getattr(result, key).extend(getattr(done, key))
            # The value derivations and lineage the SDK writes, on the stages flowzip made.
            created = self.archive.created
            derive_values(document, pipeline, [n for n in pipeline.get("nodes") or []
                                               if isinstance(n, dict) and n.get("id") in created])
        computed.update(result.schemas)
        mine = {s.get("id") for s in document.get("schemas") or [] if isinstance(s, dict)} & computed
        self._drop_unused_schemas(mine)  # computed columns no link names any more
        return result

    def _own(self, stage: Stage) -> dict[str, Any]:
        for node in self._nodes():
            if node is stage.node:
                return node
        raise EditError("the stage is not in this flow (get it from this flow's view)", stage=stage.label,
                        flow=self.name)

    def _drop_input_link(self, link: Link) -> None:
        """Remove the input port holding *link* from its target (a placeholder when none is left)."""
        target = link.target
        ports = target.node.get("inputs") or []
        port_id = link.target_port.get("id")
        remaining = [p for p in ports if p is not link.target_port]
        if not remaining:
            remaining = [_placeholder_port(target, "inputs")]
        target.node["inputs"] = remaining
        _remove_from_order(target.node, "inputs_order", port_id)
        _drop_ordering_entry(target.node, link.name)

    def _drop_output_port(self, source: Stage, port: dict[str, Any] | None) -> None:
        ports = source.node.get("outputs") or []
        if port is None:
            return
        remaining = [p for p in ports if p is not port]
        if not remaining:
            remaining = [_placeholder_port(source, "outputs")]
        source.node["outputs"] = remaining
        _remove_from_order(source.node, "outputs_order", port.get("id"))

    def _drop_unused_schemas(self, candidates: set[str]) -> None:
        if not candidates:
            return
        still_used = {ref for node in self._all_nodes() for side in ("inputs", "outputs")
                      for port in node.get(side) or [] if isinstance(port, dict)
                      for ref in [port.get("schema_ref")] if ref}
        doc = self.flow_document
        if isinstance(doc.get("schemas"), list):
            doc["schemas"] = [s for s in doc["schemas"] if not (
                isinstance(s, dict) and s.get("id") in candidates and s.get("id") not in still_used)]

    def _all_nodes(self) -> Iterator[dict[str, Any]]:
        for pipeline in self.pipelines:
            for node in pipeline.get("nodes") or []:
                if isinstance(node, dict):
                    yield node

    def _forget_links(self, link_ids: set[str], port_ids: set[Any]) -> None:
        extra = (self.flow_document.get("app_data") or {}).get("additionalProperties")
        if not isinstance(extra, dict):
            return
        if isinstance(extra.get("rcpLinkList"), list):
            extra["rcpLinkList"] = [i for i in extra["rcpLinkList"] if i not in link_ids]
        mapper = extra.get("transInputLinkMapper")
        if isinstance(mapper, dict):
            for key in [k for k in mapper if k in port_ids]:
                del mapper[key]

    # -- links
    def _count_links(self, stage: Stage, side: str, wanted: str, skip: Link | None = None) -> int:
        """Links of type *wanted* into (``inputs``) or out of (``outputs``) *stage*, read straight from the JSON."""
        stage_id = stage.id
        count = 0
        for node in self._nodes():
            for port in node.get("inputs") or []:
                for link in (port.get("links") or []) if isinstance(port, dict) else []:
                    if not isinstance(link, dict) or (skip is not None and link is skip.link):
                        continue
                    mine = node.get("id") == stage_id if side == "inputs" else link.get("node_id_ref") == stage_id
                    if mine and link_type(link) == wanted:
                        count += 1
        return count

    def _check_capacity(self, source: Stage | None, target: Stage, link_type: str,
                        replacing: Link | None = None) -> None:
        """Refuse a link of *link_type* from *source* to *target* that breaks the catalog's limits."""
        if link_type not in LINK_TYPES:
            raise EditError(f"link type must be one of {', '.join(LINK_TYPES)}, not {link_type!r}")
        checks: list[tuple[Stage, str, str]] = [(target, "inputs", link_type if link_type != "REJECT" else
                                                 "PRIMARY")]
        if source is not None:
            checks.append((source, "outputs", link_type if link_type != "REFERENCE" else "PRIMARY"))
        for stage, side, kind in checks:
            stage_type = stage.stage_type
            if stage_type is None:
                continue  # build/wrapped/unknown stages: no catalog limits to check
            primary = stage_type.inputs if side == "inputs" else stage_type.outputs
            if kind == "PRIMARY":
                extra_kind = "REFERENCE" if side == "inputs" else "REJECT"
                extra = stage_type.max_reference_inputs if side == "inputs" else stage_type.max_reject_outputs
                limit = StageType.limit(primary[1])
                used = self._count_links(stage, side, "PRIMARY", replacing)
                if used + 1 > limit:
                    # The SDK connects as PRIMARY and converts afterwards: allow it while the
                    # stage's reference/reject capacity can still take the link.
                    used_extra = self._count_links(stage, side, extra_kind, replacing)
                    if replacing is not None or StageType.limit(extra) - used_extra < 1:
                        noun = "input" if side == "inputs" else "output"
                        if extra and replacing is None:
                            message = (f"{stage_type.type_name} takes at most {primary[1]} primary and "
                                       f"{'any number of' if extra == -1 else extra} {extra_kind.lower()} {noun} "
                                       f"links and already has {used} and {used_extra}")
                        else:
                            message = _capacity_message(stage_type.type_name, primary[1], f"primary {noun}", used)
                        raise EditError(message, stage=stage.label, flow=self.name)
            else:
                limit = StageType.limit(stage_type.max_reference_inputs if kind == "REFERENCE"
                                        else stage_type.max_reject_outputs)
                used = self._count_links(stage, side, kind, replacing)
                if used + 1 > limit:
                    noun = "reference input" if kind == "REFERENCE" else "reject output"
                    raise EditError(_capacity_message(stage_type.type_name, int(limit), noun, used),
                                    stage=stage.label, flow=self.name)

    def _unique_link_name(self) -> str:
        names = {link.name for link in self.links}
        number = 1
        while f"Link_{number}" in names:
            number += 1
        return f"Link_{number}"

    def _connect(self, source: Stage, target: Stage, *, link_type: str, name: str | None) -> Link:
        source_node, target_node = self._own(source), self._own(target)
        if source_node is target_node:
            raise EditError("a stage cannot be linked to itself", stage=source.label, flow=self.name)
        self._check_capacity(source, target, link_type)
        if name is None:
            name = self._unique_link_name()
        elif any(link.name == name for link in self.links):
            raise EditError(f"a link named {name!r} already exists", flow=self.name,
                            hint="link names must be unique in a flow")
        link_id = new_id()
        out_port = output_port(source_node, source.stage_type, link_id)
        link = _new_link(link_id, source_node.get("id", ""), out_port["id"], name, link_type)
        in_port = input_port(link, source_node, source.stage_type, target.stage_type)
        _add_port(source_node, "outputs", out_port)
        _add_port(target_node, "inputs", in_port)
        _append_to_order(source_node, "outputs_order", out_port["id"])
        _append_to_order(target_node, "inputs_order", in_port["id"])
        self._shape([source_node, target_node])
        return Link(self, link, Stage(self, target_node, self.primary_pipeline), in_port)

    def _rename_link(self, link: Link, value: str) -> None:
        if not isinstance(value, str) or not value:
            raise EditError("a link name cannot be empty", flow=self.name)
        old = link.name
        if value == old:
            return
        if any(other.name == value for other in self.links if other != link):
            raise EditError(f"a link named {value!r} already exists", flow=self.name,
                            hint="link names must be unique in a flow")
        link.link["link_name"] = value
        if old:
            rename_link_references(self.flow_document, old, value)
            # The canvas draws the name from the link's label decoration (and shows it as its tooltip).
            ui = (link.link.get("app_data") or {}).get("ui_data") or {}
            for decoration in ui.get("decorations") or [] if isinstance(ui, dict) else []:
                for key in ("label", "tooltip"):
                    if isinstance(decoration, dict) and decoration.get(key) == old:
                        decoration[key] = value

    # -- comments
    def add_markdown_comment(self, text: str) -> Comment:
        """A markdown comment (format.md §2.6): 175×60, no formats."""
        comment = {"id": new_id(), "x_pos": 0.0, "y_pos": 0.0, "width": COMMENT_SIZE[0], "height": COMMENT_SIZE[1],
                   "content": text, "associated_id_refs": []}
        return self._place_comment(comment)

    def add_annotation(self, text: str, **formatting: Any) -> Comment:
        """A styled annotation; see :func:`annotation_formats` for the keywords."""
        comment = {"id": new_id(), "x_pos": 0.0, "y_pos": 0.0, "width": COMMENT_SIZE[0], "height": COMMENT_SIZE[1],
                   "content": text, "contentType": "WYSIWYG", "class_name": "d3-comment-rect",
                   "formats": annotation_formats(**formatting), "associated_id_refs": []}
        return self._place_comment(comment)

    def _place_comment(self, comment: dict[str, Any]) -> Comment:
        boxes = [b for b in (stage_box(n) for n in self._nodes()) if b is not None]
        boxes += [(c.get("x_pos") or 0.0, c.get("y_pos") or 0.0, *comment_size(c))
                  for c in (cm.comment for cm in self.comments)]
        if boxes:
            comment["x_pos"] = float(min(x for x, _, _, _ in boxes))
            comment["y_pos"] = float(max(y + h for _, y, _, h in boxes) + 60.0)
        else:
            comment["x_pos"], comment["y_pos"] = 552.0, 400.0
        self._comment_list().append(comment)
        return Comment(self, comment)


class FlowList(AssetList[Flow]):
    """The batch flows; ``get(name=...)`` or ``get(flow_id=...)`` as in the SDK."""

    def get_all(self, flow_type: str | None = "batch", **filters: Any) -> list[Flow]:  # type: ignore[override]
        """All flows of *flow_type* (only ``"batch"`` flows live in ``data_intg_flow/``)."""
        if flow_type not in (None, "batch"):
            return []
        return super().get_all(**filters)


class Subflow(Flow):
    """A reusable subflow (``data_intg_subflow/<name>.json``)."""

    noun = "subflow"

    flow_type = "subflow"


# --------------------------------------------------------------------------- helpers


def _placeholder_port(stage: Stage, side: str) -> dict[str, Any]:
    """The port a stage keeps on a side with no link (format.md §2.4)."""
    if stage.node_type == "binding":
        return {"id": ""}
    stage_type = stage.stage_type
    if side == "inputs":
        return {"id": "", "app_data": {"ui_data": {"cardinality": {"min": 0, "max": 1}, "label": "inPort"}}}
    cardinality = ({"min": stage_type.outputs[0], "max": stage_type.outputs[1]} if stage_type
                   else {"min": 0, "max": -1})
    return {"id": "", "app_data": {"ui_data": {"cardinality": cardinality, "label": "outPort"}}}


def _isolate_if_unlinked(node: dict[str, Any]) -> None:
    """A stage left with no link at all gets the ports the SDK writes for a lone stage (format.md §2.4)."""
    if any(isinstance(p, dict) and p.get("id") for side in ("inputs", "outputs") for p in node.get(side) or []):
        return
    stage_type = catalog().by_op(node.get("op"))
    if stage_type is None or stage_type.isolated_node is None:
        return
    for side in ("inputs", "outputs"):
        if side in stage_type.isolated_node:
            node[side] = copy.deepcopy(stage_type.isolated_node[side])


def _new_link(link_id: str, source_id: str, port_id: str, name: str, link_type: str) -> dict[str, Any]:
    return {
        "id": link_id,
        "node_id_ref": source_id,
        "port_id_ref": port_id,
        "link_name": name,
        "type_attr": link_type,
        "app_data": {"ui_data": {"class_name": "", "decorations": []}, "datastage": {}},
    }


def _capacity_message(type_name: str, limit: int, noun: str, used: int) -> str:
    if limit == 0:
        return f"{type_name} stages take no {noun} link"
    return f"{type_name} takes at most {limit} {noun} link{'s' if limit != 1 else ''} and already has {used}"


def _add_port(node: dict[str, Any], side: str, port: dict[str, Any]) -> None:
    ports = [p for p in node.get(side) or [] if isinstance(p, dict)]
    # A placeholder port (id "") gives way to the first real one.
    ports = [p for p in ports if p.get("id") != ""]
    ports.append(port)
    node[side] = ports


def _append_to_order(node: dict[str, Any], key: str, port_id: str) -> None:
    datastage = (node.get("app_data") or {}).get("datastage")
    if isinstance(datastage, dict) and isinstance(datastage.get(key), str):
        datastage[key] = "|".join(filter(None, datastage[key].split("|") + [port_id]))


def _remove_from_order(node: dict[str, Any], key: str, port_id: Any) -> None:
    datastage = (node.get("app_data") or {}).get("datastage")
    if isinstance(datastage, dict) and isinstance(datastage.get(key), str):
        datastage[key] = "|".join(p for p in datastage[key].split("|") if p and p != port_id)


def _drop_ordering_entry(node: dict[str, Any], link_name: str | None) -> None:
    params = node.get("parameters")
    if isinstance(params, dict) and isinstance(params.get("InputlinkOrderingList"), list) and link_name:
        params["InputlinkOrderingList"] = [
            e for e in params["InputlinkOrderingList"] if not (isinstance(e, dict) and e.get("link_name") == link_name)]


def _link_schema_refs(link: Link) -> Iterable[str]:
    refs = [link.target_port.get("schema_ref")]
    source_port = link.source_port
    if source_port is not None:
        refs.append(source_port.get("schema_ref"))
    return [r for r in refs if isinstance(r, str) and r]


class _SetsInArchive:
    """The parameter sets of an archive by name, each with its parameters' names, parsed when asked for."""

    def __init__(self, archive: Any) -> None:
        self._archive = archive
        self._seen: dict[str, set[str] | None] = {}

    def get(self, name: str) -> set[str] | None:
        if name not in self._seen:
            try:
                self._seen[name] = parameter_names(self._archive.parameter_sets.get(name=name).body)
            except NotFoundError:
                self._seen[name] = None
        return self._seen[name]


def _known_set_ref(archive: Any, name: str) -> str | None:
    """The asset id other flows in the archive use for parameter set *name*, if any."""
    for member in archive.members_of_type("data_intg_flow"):
        try:
            doc = unwrap_flow_document(member.json())
        except FlowzipError:
            continue
        for entry in (doc or {}).get("external_paramsets") or []:
            if isinstance(entry, dict) and entry.get("name") == name and entry.get("ref"):
                return entry["ref"]
    return None
