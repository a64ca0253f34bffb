"""The manifest, ``DataStage-README.json``: what an export says it holds (format.md §1.3).

One home for its upkeep: every change flowzip makes to a manifest (an asset added,
removed or renamed, a flow's job mapped) goes through these functions, called by
the manifest's view (:class:`flowzip.model.assets.Manifest`), the one owner of the
member, as wheel's ``WheelFile`` owns its ``RECORD``.  Each function changes the
parsed document in place and says whether it changed anything.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

__all__ = ["LISTED_TYPES", "assets", "flow_job_mapping", "project_name", "project_id", "asset_entry",
           "add_asset", "add_assets", "remove_assets", "rename_asset", "add_mapping", "add_mappings",
           "remove_mappings", "rename_mapped_flow", "new_manifest"]

#: Asset types a platform manifest lists in ``assets`` (real-exports.md, "Manifest variants").
LISTED_TYPES = frozenset({
    "data_intg_flow", "data_intg_subflow", "parameter_set", "connection", "job", "data_definition",
    "px_executables", "orchestration_flow", "data_intg_message_handler", "data_intg_build_stage",
    "data_intg_wrapped_stage", "data_intg_java_library", "data_intg_parallel_function",
    "ds_match_specification", "ds_xml_schema_library", "data_intg_test_case", "data_intg_data_set",
})


def assets(doc: Any) -> list[dict[str, Any]]:
    """The ``assets`` entries (objects only)."""
    found = doc.get("assets") if isinstance(doc, dict) else None
    return [a for a in found or [] if isinstance(a, dict)] if isinstance(found, list) else []


def flow_job_mapping(doc: Any) -> list[dict[str, Any]]:
    """The ``flow_job_mapping`` entries (objects only)."""
    found = doc.get("flow_job_mapping") if isinstance(doc, dict) else None
    return [a for a in found or [] if isinstance(a, dict)] if isinstance(found, list) else []


def project_name(doc: Any) -> str | None:
    return (doc.get("project_name") or doc.get("project")) if isinstance(doc, dict) else None


def project_id(doc: Any) -> str | None:
    return (doc.get("project_id") or doc.get("projectId")) if isinstance(doc, dict) else None


def asset_entry(type_: str, name: str, relative_name: str) -> dict[str, Any]:
    """The ``assets`` entry of a member: ``location`` for one in a sub-folder (``px_executables/<flow>/…``)."""
    entry: dict[str, Any] = {"name": name, "type": type_}
    parts = relative_name.split("/")
    if len(parts) > 2:
        entry["location"] = "/".join(parts[1:-1])
    return entry


def add_asset(doc: Any, name: str, type_: str, location: str | None = None) -> bool:
    """List asset *name* of *type_* unless it is listed (in a manifest that has an ``assets`` list)."""
    return add_assets(doc, [(name, type_, location)])


def add_assets(doc: Any, items: Iterable[tuple[str, str, str | None]]) -> bool:
    """List every ``(name, type, location)`` of *items* that is not listed yet."""
    listed = doc.get("assets") if isinstance(doc, dict) else None
    if not isinstance(listed, list):
        return False
    present = {(a.get("name"), a.get("type")) for a in listed if isinstance(a, dict)}
    changed = False
    for name, type_, location in items:
        if (name, type_) in present:
            continue
        present.add((name, type_))
        entry: dict[str, Any] = {"name": name, "type": type_}
        if location:
            entry["location"] = location
        listed.append(entry)
        changed = True
    return changed


def remove_assets(doc: Any, pairs: Iterable[tuple[str, str]]) -> bool:
    """Drop the entries of every ``(name, type)`` in *pairs*."""
    listed = doc.get("assets") if isinstance(doc, dict) else None
    gone = set(pairs)
    if not isinstance(listed, list) or not gone:
        return False
    kept = [a for a in listed if not (isinstance(a, dict) and (a.get("name"), a.get("type")) in gone)]
    if len(kept) == len(listed):
        return False
    doc["assets"] = kept
    return True


def rename_asset(doc: Any, old: str, new: str, types: Iterable[str]) -> bool:
    """Rename the entries of *old* among *types* (and a ``location`` that is the old name)."""
    wanted = set(types)
    changed = False
    for entry in assets(doc):
        if entry.get("name") == old and entry.get("type") in wanted:
            entry["name"] = new
            if entry.get("location") == old:
                entry["location"] = new
            changed = True
    return changed


def add_mapping(doc: Any, flow: str, job: str, type_: str = "data_intg_flow") -> bool:
    """Map *job* to *flow* in ``flow_job_mapping`` (created when missing) unless it is mapped."""
    return add_mappings(doc, [{"flow": flow, "job": job, "type": type_}], create=True)


def add_mappings(doc: Any, items: Iterable[dict[str, str]], *, create: bool = False) -> bool:
    """Add every ``{flow, job, type}`` of *items* to ``flow_job_mapping`` that is not there yet (with
    *create*, a manifest without the list gets one)."""
    items = list(items)
    if not isinstance(doc, dict) or not items:
        return False
    mapping = doc.get("flow_job_mapping")
    if mapping is None and create:
        mapping = doc["flow_job_mapping"] = []
    if not isinstance(mapping, list):
        return False
    present = {(m.get("flow"), m.get("job")) for m in mapping if isinstance(m, dict)}
    changed = False
    for item in items:
        key = (item.get("flow"), item.get("job"))
        if key in present:
            continue
        present.add(key)
        mapping.append({"flow": item.get("flow"), "job": item.get("job"), "type": item.get("type") or "data_intg_flow"})
        changed = True
    return changed


def remove_mappings(doc: Any, flow: str) -> bool:
    """Drop every job mapping of *flow*."""
    mapping = doc.get("flow_job_mapping") if isinstance(doc, dict) else None
    if not isinstance(mapping, list):
        return False
    kept = [m for m in mapping if not (isinstance(m, dict) and m.get("flow") == flow)]
    if len(kept) == len(mapping):
        return False
    doc["flow_job_mapping"] = kept
    return True


def rename_mapped_flow(doc: Any, old: str, new: str) -> bool:
    changed = False
    for entry in flow_job_mapping(doc):
        if entry.get("flow") == old:
            entry["flow"] = new
            changed = True
    return changed


def new_manifest(base: dict[str, Any], entries: list[dict[str, Any]], mapping: list[dict[str, str]]) -> dict:
    """A manifest in the platform's shape: *base* (another manifest's other keys, in their order) with
    *entries* as ``assets`` and *mapping* as ``flow_job_mapping``."""
    document = {key: (entries if key == "assets" else mapping if key == "flow_job_mapping" else copy.deepcopy(value))
                for key, value in base.items()}
    document.setdefault("assets", entries)
    document.setdefault("flow_job_mapping", mapping)
    if "project_name" not in document and "project" not in document:
        document = {"project_name": "", **document}
    return document
