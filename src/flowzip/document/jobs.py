"""Jobs: the one rule for which flow a job runs, and the job document's parts (format.md §5.1, §5.2).

A batch job (``job/<name>.json``) names its flow by ``entity.job.flow_name`` or, in
some exports, only by ``asset_ref_name``; ``asset_ref`` holds the flow's asset id.
The platform names the job it creates for a flow ``<flow>.DataStage job``.  Which
jobs of an archive run a given flow (the manifest's ``flow_job_mapping`` first) is
decided in :mod:`flowzip.model.relations`, on top of these functions.
"""

from __future__ import annotations

from typing import Any

from .pipeline import new_id

__all__ = ["JOB_SUFFIX", "FLOW_NAME_KEYS", "job_body", "runs_batch_flow", "flow_name_of", "default_job_name",
           "new_job_document", "renamed_job_name", "rename_flow_in_job", "set_job_parameter", "ensure_set_entry"]

#: What the platform appends to a flow's name to name the job it creates for it.
JOB_SUFFIX = ".DataStage job"
#: Where a job names its flow, in the order they are read.
FLOW_NAME_KEYS = ("flow_name", "asset_ref_name")


def job_body(doc: Any) -> dict[str, Any] | None:
    """``entity.job`` of a job document, or ``None`` when the document has none."""
    entity = doc.get("entity") if isinstance(doc, dict) else None
    body = entity.get("job") if isinstance(entity, dict) else None
    return body if isinstance(body, dict) else None


def runs_batch_flow(body: dict[str, Any]) -> bool:
    """Whether the job runs a batch flow (no ``asset_ref_type``, or ``data_intg_flow``)."""
    return body.get("asset_ref_type") in (None, "data_intg_flow")


def flow_name_of(body: dict[str, Any]) -> str | None:
    """The name of the flow the job names: ``flow_name``, else ``asset_ref_name``."""
    for key in FLOW_NAME_KEYS:
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def default_job_name(flow_name: str) -> str:
    """The name the platform gives the job it creates for *flow_name*."""
    return flow_name + JOB_SUFFIX


def new_job_document(flow_name: str, *, asset_ref: str | None, project_name: str | None) -> dict[str, Any]:
    """A job for *flow_name* in the shape real exports have."""
    return {
        "metadata": {"name": default_job_name(flow_name), "asset_id": new_id(), "owner_id": "", "version": 0},
        "entity": {"job": {
            "asset_ref": asset_ref or "",
            "asset_ref_type": "data_intg_flow",
            "flow_name": flow_name,
            "project_name": project_name or "",
            "configuration": {"env_type": "", "env_variables": [], "runPriorityQueue": "Medium"},
            "retention_policy": {},
            "parameter_sets": [],
            "job_parameters": [],
            "enable_notifications": False,
            "schedule_id": "",
            "schedule_creator_id": "",
            "future_scheduled_runs": [],
            "last_run_status_timestamp": 0,
        }},
    }


def renamed_job_name(job_name: str, old_flow: str, new_flow: str) -> str | None:
    """The new name of a job named after its flow (``<flow>.DataStage job``, or any name that starts with
    the flow's) when the flow is renamed; ``None`` when the job's name does not follow the flow's."""
    if old_flow == new_flow or not job_name.startswith(old_flow):
        return None
    return new_flow + job_name[len(old_flow):]


def rename_flow_in_job(body: dict[str, Any], old: str, new: str) -> int:
    """Point the job's names of flow *old* at *new*; returns how many keys changed."""
    changed = 0
    for key in FLOW_NAME_KEYS:
        if body.get(key) == old:
            body[key] = new
            changed += 1
    return changed


def _entries(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    entries = body.get(key)
    if not isinstance(entries, list):
        entries = []
        body[key] = entries
    return entries


def set_job_parameter(body: dict[str, Any], name: str, value: Any) -> None:
    """Override parameter *name* (``<set>.<param>`` or a local name) in ``job_parameters``."""
    entries = _entries(body, "job_parameters")
    for entry in entries:
        if isinstance(entry, dict) and entry.get("name") == name:
            entry["value"] = value
            return
    entries.append({"name": name, "value": value})


def ensure_set_entry(body: dict[str, Any], name: str, ref: str | None) -> dict[str, Any]:
    """The job's ``parameter_sets`` entry for set *name*, added when missing."""
    entries = _entries(body, "parameter_sets")
    for entry in entries:
        if isinstance(entry, dict) and entry.get("name") == name:
            return entry
    entry = {"name": name, "ref": ref or ""}
    entries.append(entry)
    return entry
