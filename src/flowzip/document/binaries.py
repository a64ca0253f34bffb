"""Compiled binaries (``px_executables/<flow>.zip``): the OSH scripts inside, and whether they match
their flow (format.md §7.8)."""

from __future__ import annotations

from typing import Any

from ..package.limits import Limits
from ..package.zipformat import inflate, read_directory
from .pipeline import iter_nodes, stage_label

__all__ = ["NESTED_LIMITS", "osh_scripts", "unmentioned_stages"]

#: Limits for reading the nested ZIP of compiled binaries.
NESTED_LIMITS = Limits(max_members=1000, max_total_bytes=256 << 20)


def osh_scripts(data: bytes, label: str) -> dict[str, str]:
    """The ``.osh`` scripts inside a compiled-binaries ZIP, by file name (a ``FlowzipError`` when it is no ZIP)."""
    directory = read_directory(data, label, NESTED_LIMITS)
    return {entry.name: inflate(data, entry, NESTED_LIMITS, label).decode("utf-8", "replace")
            for entry in directory.entries if entry.name.endswith(".osh")}


def unmentioned_stages(scripts: dict[str, str], flow_document: dict[str, Any]) -> list[str]:
    """Labels of the flow's stages that no script mentions: the flow changed after it was compiled.

    Empty when there are no scripts (nothing to compare with)."""
    if not scripts:
        return []
    text = "\n".join(scripts.values())
    labels = [stage_label(node) for _, node in iter_nodes(flow_document) if node.get("op")]
    return [label for label in labels if label and label not in text]
