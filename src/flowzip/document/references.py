"""What a flow, subflow or job depends on, and how to re-point those references to a new name.

A flow refers to its dependencies by name (format.md §1.5): parameter sets in
``external_paramsets`` and in ``#set.param#`` strings anywhere, project connections
in connector stages, external subflows in super nodes, data definitions in column
metadata (``table_def``), build / wrapped / custom stages by ``op``, function
libraries in ``app_data.datastage.function_libraries``, Java libraries in Java
Integration stages.  A job refers to its parameter sets.  The platform looks
dependencies up by file stem == referenced name, and so does flowzip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .jobs import job_body
from .parameters import set_names, set_names_in
from .pipeline import iter_nodes, unwrap_flow_document

__all__ = ["Reference", "Renames", "DEPENDENCY_FOLDERS", "CUSTOM_KINDS", "document_references", "node_references",
           "job_references", "repoint", "repoint_all", "repoint_job", "repoint_job_all", "rename_in_asset"]

#: Asset folders that hold what flows depend on, in the order an import brings them in: things other
#: assets refer to come before what refers to them (format.md §1.2).
DEPENDENCY_FOLDERS = (
    "parameter_set",
    "connection",
    "data_definition",
    "data_intg_message_handler",
    "data_intg_java_library",
    "data_intg_parallel_function",
    "function_library",
    "data_intg_build_stage",
    "data_intg_wrapped_stage",
    "data_intg_custom_stage",
    "custom_stage_library",
    "ds_match_specification",
    "ds_xml_schema_library",
    "data_intg_data_set",
    "standardization_rule",
    "data_intg_subflow",
    "data_intg_test_case",
)

CUSTOM_KINDS = {0: "data_intg_custom_stage", 1: "data_intg_build_stage", 2: "data_intg_wrapped_stage"}
NO_ASSET_CONNECTIONS = (None, "", "local", "app_defined")
JAVA_OPS = ("JavaStagePX", "JavaIntegration", "Java_Integration")


@dataclass(frozen=True, order=True)
class Reference:
    """A dependency named by a flow or job: the asset folder it lives in and its name (file stem)."""

    folder: str
    name: str


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _external_subflow(node: dict[str, Any]) -> str | None:
    ref = node.get("subflow_ref") if node.get("type") == "super_node" else None
    name = ref.get("name") if isinstance(ref, dict) else None
    if not name or not ref.get("url") or (node.get("parameters") or {}).get("stage_type") == "XMLStage":
        return None  # local subflows live in the same document; XML stages are not subflow assets
    return name


def node_references(node: dict[str, Any]) -> Iterator[Reference]:
    """The assets one stage names: its project connection (also a migrated stage's ``connData``), its
    external subflow, its build / wrapped / custom stage, its Java library."""
    connection = node.get("connection")
    if isinstance(connection, dict):
        if connection.get("ref") not in NO_ASSET_CONNECTIONS and connection.get("name"):
            yield Reference("connection", connection["name"])
        data = connection.get("connData")
        if isinstance(data, dict) and data.get("op") == "existing-asset" and data.get("connectionName"):
            yield Reference("connection", data["connectionName"])
    subflow = _external_subflow(node)
    if subflow:
        yield Reference("data_intg_subflow", subflow)
    datastage = (node.get("app_data") or {}).get("datastage") or {}
    kind = CUSTOM_KINDS.get(datastage.get("custom_optype")) if isinstance(datastage, dict) else None
    if kind and datastage.get("custom_op_asset_id") and node.get("op"):
        yield Reference(kind, node["op"])
    parameters = node.get("parameters")
    java = parameters.get("asset_name") if isinstance(parameters, dict) else None
    if isinstance(java, str) and java and node.get("op") in JAVA_OPS:
        yield Reference("data_intg_java_library", java)


def _parameter_set_names(doc: Any, raw: bytes | None) -> set[str]:
    """The set names of every ``#set.param#`` in the document's strings (read off the member's bytes when
    given: a match cannot span two JSON strings, and the names need no escapes)."""
    if raw is not None:
        return set_names(raw)
    names: set[str] = set()
    for text in _strings(doc):
        names |= set_names_in(text)
    return names


def document_references(document: Any, parameter_sets: Iterable[str] | None = None, *,
                        raw: bytes | None = None) -> set[Reference]:
    """The dependencies a flow or subflow document names.

    ``#set.param#`` strings count as a reference to ``set`` when *parameter_sets* (the
    names that exist) includes it, or always when *parameter_sets* is None.  *raw*, the
    document's bytes when at hand, makes finding those strings faster.
    """
    doc = unwrap_flow_document(document) or document
    found: set[Reference] = set()
    if not isinstance(doc, dict):
        return found
    for entry in doc.get("external_paramsets") or []:
        if isinstance(entry, dict) and entry.get("name") and entry["name"] != "PROJDEF":
            found.add(Reference("parameter_set", entry["name"]))
    names = _parameter_set_names(doc, raw)
    if parameter_sets is not None:
        names &= set(parameter_sets)
    found.update(Reference("parameter_set", name) for name in names)
    for _, node in iter_nodes(doc):
        found.update(node_references(node))
    for schema in doc.get("schemas") or []:
        for field in (schema.get("fields") or []) if isinstance(schema, dict) else []:
            table = (field.get("app_data") or {}).get("table_def") if isinstance(field, dict) else None
            if isinstance(table, str) and table:
                found.add(Reference("data_definition", table))
    datastage = (doc.get("app_data") or {}).get("datastage") or {}
    if isinstance(datastage, dict):
        for library in datastage.get("function_libraries") or []:
            if isinstance(library, dict) and library.get("asset_name"):
                found.add(Reference("data_intg_parallel_function", library["asset_name"]))
        for handler in datastage.get("external_message_handlers") or []:
            # Asset ids (the SDK's reader, commented out, looks them up as such); a name also matches.
            key = handler.get("asset_id") or handler.get("name") if isinstance(handler, dict) else handler
            if isinstance(key, str) and key:
                found.add(Reference("data_intg_message_handler", key))
    return found


def job_references(job_document: Any) -> set[Reference]:
    """The parameter sets a job names (``entity.job.parameter_sets``)."""
    body = job_body(job_document)
    found = set()
    for entry in (body.get("parameter_sets") or []) if isinstance(body, dict) else []:
        if isinstance(entry, dict) and entry.get("name") and entry["name"] != "PROJDEF":
            found.add(Reference("parameter_set", entry["name"]))
    return found


# --------------------------------------------------------------------------- re-pointing


#: A rename map: (asset folder, old name) -> new name.
Renames = dict[tuple[str, str], str]


def _by_folder(renames: Renames) -> dict[str, dict[str, str]]:
    grouped: dict[str, dict[str, str]] = {}
    for (folder, old), new in renames.items():
        if old != new:
            grouped.setdefault(folder, {})[old] = new
    return grouped


def _replace_parameter_sets(value: Any, sets: dict[str, str]) -> int:
    """Spell ``#old.x#`` as ``#new.x#`` in every string of *value*, in place, for every old -> new of
    *sets*, in one walk; returns how many strings changed."""
    pattern = re.compile("#(" + "|".join(re.escape(old) for old in sorted(sets, key=len, reverse=True))
                         + r")\.([A-Za-z0-9_$]+)#")
    changed = 0

    def fix(text: str) -> str:
        nonlocal changed
        replaced = pattern.sub(lambda m: f"#{sets[m.group(1)]}.{m.group(2)}#", text)
        changed += replaced != text
        return replaced

    def walk(item: Any) -> None:
        if isinstance(item, dict):
            for key, sub in item.items():
                if isinstance(sub, str):
                    if "#" in sub:
                        item[key] = fix(sub)
                elif isinstance(sub, (dict, list)):
                    walk(sub)
        elif isinstance(item, list):
            for index, sub in enumerate(item):
                if isinstance(sub, str):
                    if "#" in sub:
                        item[index] = fix(sub)
                elif isinstance(sub, (dict, list)):
                    walk(sub)

    walk(value)
    return changed


def repoint_all(document: Any, renames: Renames) -> int:
    """Re-point every reference of a flow or subflow *document* to a renamed asset, in place, in one
    pass over the document; returns how many places changed."""
    doc = unwrap_flow_document(document) or document
    grouped = _by_folder(renames)
    if not isinstance(doc, dict) or not grouped:
        return 0
    changed = 0
    sets = grouped.get("parameter_set")
    if sets:
        for entry in doc.get("external_paramsets") or []:
            if isinstance(entry, dict) and entry.get("name") in sets:
                entry["name"] = sets[entry["name"]]
                changed += 1
        changed += _replace_parameter_sets(doc, sets)
    connections = grouped.get("connection", {})
    subflows = grouped.get("data_intg_subflow", {})
    java = grouped.get("data_intg_java_library", {})
    custom = {folder: grouped[folder] for folder in CUSTOM_KINDS.values() if folder in grouped}
    if connections or subflows or java or custom:
        for _, node in iter_nodes(doc):
            connection = node.get("connection")
            if connections and isinstance(connection, dict):
                if connection.get("name") in connections and connection.get("ref") not in NO_ASSET_CONNECTIONS:
                    connection["name"] = connections[connection["name"]]
                    changed += 1
                data = connection.get("connData")
                if isinstance(data, dict) and data.get("op") == "existing-asset" \
                        and data.get("connectionName") in connections:
                    data["connectionName"] = connections[data["connectionName"]]
                    changed += 1
            subflow = _external_subflow(node) if subflows else None
            if subflow in subflows:
                node["subflow_ref"]["name"] = subflows[subflow]
                changed += 1
            if custom:
                datastage = (node.get("app_data") or {}).get("datastage") or {}
                kind = CUSTOM_KINDS.get(datastage.get("custom_optype")) if isinstance(datastage, dict) else None
                if kind in custom and node.get("op") in custom[kind]:
                    node["op"] = custom[kind][node["op"]]
                    changed += 1
            parameters = node.get("parameters")
            if java and isinstance(parameters, dict) and parameters.get("asset_name") in java \
                    and node.get("op") in JAVA_OPS:
                parameters["asset_name"] = java[parameters["asset_name"]]
                changed += 1
    tables = grouped.get("data_definition")
    if tables:
        for schema in doc.get("schemas") or []:
            for field in (schema.get("fields") or []) if isinstance(schema, dict) else []:
                app = field.get("app_data") if isinstance(field, dict) else None
                if isinstance(app, dict) and app.get("table_def") in tables:
                    app["table_def"] = tables[app["table_def"]]
                    changed += 1
    functions = grouped.get("data_intg_parallel_function")
    if functions:
        datastage = (doc.get("app_data") or {}).get("datastage") or {}
        for library in (datastage.get("function_libraries") or []) if isinstance(datastage, dict) else []:
            if isinstance(library, dict) and library.get("asset_name") in functions:
                library["asset_name"] = functions[library["asset_name"]]
                changed += 1
    return changed


def repoint(document: Any, folder: str, old: str, new: str) -> int:
    """Re-point every reference of a flow or subflow *document* to the asset *old* of *folder* at *new*."""
    return repoint_all(document, {(folder, old): new})


def repoint_job_all(job_document: Any, renames: Renames) -> int:
    """Re-point a job's references to renamed parameter sets (its selection, overrides and values)."""
    body = job_body(job_document)
    sets = _by_folder(renames).get("parameter_set")
    if not isinstance(body, dict) or not sets:
        return 0
    changed = 0
    for entry in body.get("parameter_sets") or []:
        if isinstance(entry, dict) and entry.get("name") in sets:
            entry["name"] = sets[entry["name"]]
            changed += 1
    for entry in body.get("job_parameters") or []:
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and "." in name and name.split(".", 1)[0] in sets:
            prefix, rest = name.split(".", 1)
            entry["name"] = f"{sets[prefix]}.{rest}"
            changed += 1
    return changed + _replace_parameter_sets(body, sets)


def repoint_job(job_document: Any, folder: str, old: str, new: str) -> int:
    """Re-point a job's references to parameter set *old* at *new*."""
    return repoint_job_all(job_document, {(folder, old): new})


def rename_in_asset(document: Any, folder: str, old: str, new: str) -> int:
    """Set the asset's own name inside its document (where the platform keeps one) from *old* to *new*."""
    if not isinstance(document, dict):
        return 0
    holders: list[dict[str, Any]] = []
    if folder == "parameter_set" and isinstance(document.get("parameter_set"), dict):
        holders.append(document["parameter_set"])
    else:
        holders.append(document)
        if isinstance(document.get("metadata"), dict):
            holders.append(document["metadata"])
    changed = 0
    for holder in holders:
        if holder.get("name") == old:
            holder["name"] = new
            changed += 1
    return changed
