"""Typed, read-only views of the assets in an archive: flows, stages, links, jobs, sets.

A view reads its member's parsed JSON; it never copies or re-orders it.  Views
are read-only: the editing API (issue: flows and stages) stores changes back
through :meth:`flowzip.Archive.write_json`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from ..document import manifest as manifest_document
from ..document.jobs import flow_name_of, job_body, rename_flow_in_job
from ..document.kinds import kind_problem
from ..document.parameters import is_parameter_name, normalise_type, value_problem
from ..errors import FlowzipError, NotFoundError, SettingsError, WrongDocumentError
from ..suggest import closest

__all__ = [
    "Asset",
    "AssetList",
    "ParameterSet",
    "Connection",
    "Job",
    "Manifest",
]


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
        noun = self._view.noun
        if set(filters) == {"name"}:
            guess = closest(str(filters["name"]), self.names())
            listing = f"{noun}s: {', '.join(self.names()[:8]) or 'none'}"
            raise NotFoundError(f"no {noun} named {filters['name']!r}",
                                hint=f"did you mean {guess!r}?" if guess else listing)
        wanted = " and ".join(f"{key.replace('_', ' ')} {value!r}" for key, value in filters.items())
        raise NotFoundError(f"no {noun} with {wanted}", hint=f"{noun}s: {', '.join(self.names()[:8]) or 'none'}")

    def get_all(self, **filters: Any) -> list[A]:
        return [item for item in self if all(item._matches(k, v) for k, v in filters.items())]


class Asset:
    """Base view over one asset member; holds the member's document while the view lives."""

    noun = "asset"  # what messages call one of these

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
            problem = kind_problem(self.member.type, held.value)
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


# --------------------------------------------------------------------------- other assets


class EditableAsset(Asset):
    """A view that owns its document: a fresh parse of the member, edited in the view and stored
    back explicitly (``archive.update_flow``, ``archive.update_parameter_set``), as in the SDK."""

    _doc: Any = None

    @property
    def document(self) -> Any:
        if self._doc is None:
            doc = self.member.fresh_json()
            problem = kind_problem(self.member.type, doc)
            if problem:
                raise WrongDocumentError(problem, member=self.member.name)
            self._doc = doc
        return self._doc

    @property
    def loaded(self) -> bool:
        """Whether the view holds its parsed document now (edits in it count once stored with ``update_*``)."""
        return self._doc is not None

    def release(self) -> None:
        """Let go of the view's parsed document: the next use parses the member again (what the archive
        holds then, edits stored with ``update_*`` included)."""
        self._doc = None


class ParameterSet(EditableAsset):
    """A parameter set (``parameter_set/<name>.json``, format.md §1.4), editable.

    Like a flow, the view owns its document: store edits with
    ``archive.update_parameter_set(ps)``.  Every edit is checked with the SDK's
    rules: parameter names unique, values of the parameter's type, value-set
    values naming parameters of the set.
    """

    noun = "parameter set"

    @property
    def body(self) -> dict[str, Any]:
        return self.document["parameter_set"]

    @property
    def description(self) -> str:
        return self.body.get("description") or ""

    @description.setter
    def description(self, value: str) -> None:
        self.body["description"] = value

    @property
    def parameters(self) -> list[dict[str, Any]]:
        return [p for p in self.body.get("parameters") or [] if isinstance(p, dict)]

    @property
    def value_sets(self) -> list[dict[str, Any]]:
        return [v for v in self.body.get("value_sets") or [] if isinstance(v, dict)]

    def parameter(self, name: str) -> dict[str, Any]:
        for parameter in self.parameters:
            if parameter.get("name") == name:
                return parameter
        names = [p.get("name") for p in self.parameters if p.get("name")]
        guess = closest(name, names)
        listing = f"its parameters: {', '.join(names) or 'none'}"
        raise SettingsError(f"parameter set {self.name!r} has no parameter {name!r}",
                            hint=f"did you mean {guess!r}?" if guess else listing)

    def value_set(self, name: str) -> dict[str, Any]:
        for value_set in self.value_sets:
            if value_set.get("name") == name:
                return value_set
        names = [v.get("name") for v in self.value_sets if v.get("name")]
        raise SettingsError(f"parameter set {self.name!r} has no value set {name!r}",
                            hint=f"its value sets: {', '.join(names) or 'none'}")

    def add_parameter(self, type: str, name: str, value: Any = None, *, prompt: str = "",  # noqa: A002
                      description: str = "", valid_values: list[Any] | None = None) -> dict[str, Any]:
        """Add a parameter (type aliases as in the SDK: integer, float, list)."""
        if not is_parameter_name(name):
            raise SettingsError(f"{name!r} is not a valid parameter name (letters, digits and _)")
        if any(p.get("name") == name for p in self.parameters):
            raise SettingsError(f"parameter set {self.name!r} already has a parameter {name!r}")
        type_name = normalise_type(type)
        parameter: dict[str, Any] = {"name": name, "type": type_name, "prompt": prompt, "value": value}
        if description:
            parameter["description"] = description
        if type_name == "enum" or valid_values:
            parameter["valid_values"] = list(valid_values or [])
        if value is not None:
            problem = value_problem(parameter, value)
            if problem:
                raise SettingsError(problem)
        self.body.setdefault("parameters", []).append(parameter)
        return parameter

    def remove_parameter(self, name: str) -> None:
        """Remove a parameter and its values in every value set."""
        self.parameter(name)
        self.body["parameters"] = [p for p in self.body.get("parameters") or [] if p.get("name") != name]
        for value_set in self.value_sets:
            value_set["values"] = [v for v in value_set.get("values") or [] if v.get("name") != name]

    def set_parameter(self, name: str, **changes: Any) -> dict[str, Any]:
        """Change a parameter's ``value``, ``prompt``, ``description`` or ``valid_values``."""
        parameter = self.parameter(name)
        unknown = set(changes) - {"value", "prompt", "description", "valid_values"}
        if unknown:
            raise SettingsError(f"cannot set {', '.join(sorted(unknown))} of a parameter",
                                hint="value, prompt, description and valid_values can be set")
        candidate = {**parameter, **changes}
        if "value" in changes and changes["value"] is not None:
            problem = value_problem(candidate, changes["value"])
            if problem:
                raise SettingsError(problem)
        parameter.update(changes)
        return parameter

    def add_value_set(self, name: str, values: dict[str, Any] | None = None) -> dict[str, Any]:
        """Add a value set; parameters it does not name take their default (the SDK's rule)."""
        if any(v.get("name") == name for v in self.value_sets):
            raise SettingsError(f"parameter set {self.name!r} already has a value set {name!r}")
        values = dict(values or {})
        for key, value in values.items():
            problem = value_problem(self.parameter(key), value)
            if problem:
                raise SettingsError(problem)
        entry = {"name": name, "values": [
            {"name": p.get("name"), "value": values.get(p.get("name"), p.get("value"))} for p in self.parameters]}
        self.body.setdefault("value_sets", []).append(entry)
        return entry

    def remove_value_set(self, name: str) -> None:
        self.value_set(name)
        self.body["value_sets"] = [v for v in self.value_sets if v.get("name") != name]

    def set_value(self, value_set: str, parameter: str, value: Any) -> None:
        """Set one parameter's value in one value set."""
        entry = self.value_set(value_set)
        problem = value_problem(self.parameter(parameter), value)
        if problem:
            raise SettingsError(problem)
        for item in entry.setdefault("values", []):
            if isinstance(item, dict) and item.get("name") == parameter:
                item["value"] = value
                return
        entry["values"].append({"name": parameter, "value": value})


class Connection(Asset):
    """A connection asset (``connection/<name>.json``)."""

    noun = "connection"

    @property
    def datasource_type(self) -> str | None:
        return self.document.get("datasource_type")

    @property
    def properties(self) -> dict[str, Any]:
        return self.document.get("properties") or {}


class Job(Asset):
    """A job (``job/<job name>.json``): the flow's runtime settings live here (format.md §5.1)."""

    noun = "job"

    @property
    def job(self) -> dict[str, Any]:
        return job_body(self.document)  # type: ignore[return-value] - the view checked the kind

    @property
    def flow_name(self) -> str | None:
        """The flow the job names (``flow_name``, else ``asset_ref_name``)."""
        return flow_name_of(self.job)

    def rename_flow(self, old: str, new: str) -> bool:
        """Point the job's names of flow *old* at *new*, in the view's document; whether anything changed."""
        return rename_flow_in_job(self.job, old, new) > 0

    @property
    def asset_ref(self) -> str | None:
        return self.job.get("asset_ref")

    @property
    def asset_ref_type(self) -> str | None:
        return self.job.get("asset_ref_type")


class Manifest(Asset):
    """``DataStage-README.json``: what the export says it holds (format.md §1.3).

    The one owner of the manifest's upkeep: every change flowzip makes to it goes
    through these methods, which write the member at once (in its own style).
    """

    @property
    def name(self) -> str:
        return "DataStage-README"

    @property
    def project_name(self) -> str | None:
        return manifest_document.project_name(self.document)

    @property
    def project_id(self) -> str | None:
        return manifest_document.project_id(self.document)

    @property
    def assets(self) -> list[dict[str, Any]]:
        return manifest_document.assets(self.document)

    @property
    def flow_job_mapping(self) -> list[dict[str, Any]]:
        return manifest_document.flow_job_mapping(self.document)

    def _edit(self, change: Callable[[Any], bool]) -> bool:
        """Apply *change* (which says whether it changed anything) and store the result.  A manifest
        that cannot be read is left as it is: reading the archive reports it (``check``, FZA002)."""
        try:
            doc = self.document
        except FlowzipError:
            return False
        changed = change(doc)
        if changed:
            self.member.set_json(doc)
        return changed

    def add_asset(self, name: str, type_: str, location: str | None = None) -> bool:
        """List an asset (when the manifest lists assets and does not list this one)."""
        return self._edit(lambda doc: manifest_document.add_asset(doc, name, type_, location))

    def remove_assets(self, pairs: Iterable[tuple[str, str]]) -> bool:
        """Drop the entries of every ``(name, type)``."""
        return self._edit(lambda doc: manifest_document.remove_assets(doc, pairs))

    def map_job(self, flow: str, job: str) -> bool:
        """Record that *job* runs *flow* (``flow_job_mapping``)."""
        return self._edit(lambda doc: manifest_document.add_mapping(doc, flow, job))

    def unmap_flow(self, flow: str) -> bool:
        """Drop every job mapping of *flow*."""
        return self._edit(lambda doc: manifest_document.remove_mappings(doc, flow))

    def rename_flow(self, old: str, new: str) -> bool:
        """A flow renamed: its entry, its binaries' entry and its job mappings follow."""
        def change(doc: Any) -> bool:
            renamed = manifest_document.rename_asset(doc, old, new, ("data_intg_flow", "px_executables"))
            return manifest_document.rename_mapped_flow(doc, old, new) or renamed

        return self._edit(change)

    def update(self, *, added: Iterable[tuple[str, str, str | None]] = (), removed: Iterable[tuple[str, str]] = (),
               mapping: Iterable[dict[str, str]] = ()) -> bool:
        """Several changes at once (an import's): ``(name, type, location)`` added, ``(name, type)`` removed,
        ``{flow, job}`` mapped."""
        def change(doc: Any) -> bool:
            changed = manifest_document.remove_assets(doc, removed)
            changed = manifest_document.add_assets(doc, added) or changed
            return manifest_document.add_mappings(doc, mapping) or changed

        return self._edit(change)
