"""Which document each asset folder holds, and why a parsed document is not that kind (format.md §1.2)."""

from __future__ import annotations

from typing import Any

from .jobs import job_body
from .pipeline import unwrap_flow_document

__all__ = ["FLOW_KINDS", "kind_problem"]

#: Folders whose documents are pipeline flows, and the ``doc_type`` each requires (None: any).
FLOW_KINDS = {"data_intg_flow": "pipeline", "data_intg_subflow": "subpipeline", "orchestration_flow": None}


def kind_problem(kind: str, doc: Any) -> str | None:
    """Why *doc* is not the kind of document a member of type *kind* (its folder) holds, or ``None``."""
    if kind in FLOW_KINDS:
        flow = unwrap_flow_document(doc)
        if flow is None:
            return "is not a pipeline-flow document (no 'pipelines' list)"
        expected = FLOW_KINDS[kind]
        doc_type = flow.get("doc_type")
        if expected and doc_type is not None and doc_type != expected:
            return f"has doc_type {doc_type!r} where {expected!r} belongs (folder {kind}/)"
        return None
    if kind == "parameter_set":
        if not isinstance(doc, dict) or not isinstance(doc.get("parameter_set"), dict):
            return "is not a parameter set (no 'parameter_set' object)"
        return None
    if kind == "job":
        if job_body(doc) is None:
            return "is not a job (no 'entity.job' object)"
        return None
    if kind in ("connection", "manifest", "data_definition"):
        if not isinstance(doc, dict):
            return f"is not a {kind.replace('_', ' ')} (a JSON object is expected)"
    return None
