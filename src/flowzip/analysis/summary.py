"""What ``flowzip ls``, ``show`` and ``check`` report, as plain data.

The command line renders these dictionaries as text or JSON; scripts can call
the same functions and get the same data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..model.archive import Archive
from ..model.flow import Flow
from ..model.parallel import run_in_workers, workers_for
from ..model.reading import Problem, member_problems
from ..package.store import Member

#: The order in which ``ls`` lists asset types: the ones users edit first.
TYPE_ORDER = [
    "data_intg_flow",
    "data_intg_subflow",
    "orchestration_flow",
    "parameter_set",
    "connection",
    "job",
    "data_definition",
    "px_executables",
]


def _type_rank(type_: str) -> tuple[int, str]:
    return (TYPE_ORDER.index(type_), type_) if type_ in TYPE_ORDER else (len(TYPE_ORDER), type_)


def summarize(archive: Archive) -> dict[str, Any]:
    """Assets by type, with counts and names; the data behind ``flowzip ls``."""
    groups = archive.assets()
    types = []
    for type_ in sorted(groups, key=_type_rank):
        members = groups[type_]
        types.append(
            {
                "type": type_,
                "count": len(members),
                "names": [m.asset_name or m.name for m in members],
            }
        )
    return {
        "archive": archive.path,
        "kind": archive.kind,
        "root": archive.root,
        "members": len(archive.members),
        "types": types,
    }


def member_rows(archive: Archive) -> list[dict[str, Any]]:
    """Every member with its type, size and compression (``flowzip ls --members``)."""
    return [
        {
            "name": m.name,
            "type": m.type,
            "asset": m.asset_name,
            "size": m.size,
            "compressed_size": m.compressed_size,
            "compression": m.compression,
        }
        for m in archive.members
    ]


def describe_flow(flow: Flow) -> dict[str, Any]:
    """Stages, links, parameter sets and comments of a flow (``flowzip show``)."""
    return {
        "flow": flow.name,
        "member": flow.member.name,
        "id": flow.id,
        "description": flow.description,
        "stages": [
            {"label": s.label, "type": s.type, "op": s.op, "node_type": s.node_type, "id": s.id}
            for s in flow.stages
        ],
        "links": [
            {
                "name": link.name,
                "source": link.source.label if link.source else None,
                "target": link.target.label,
                "type": link.type,
                "id": link.id,
            }
            for link in flow.links
        ],
        "parameter_sets": flow.parameter_sets,
        "local_parameters": [p.get("name") for p in flow.local_parameters],
        "comments": [
            {"kind": c.kind, "content": c.content, "stages": [s.label for s in c.stages]} for c in flow.comments
        ],
        "pipelines": len(flow.pipelines),
    }


def _check_chunk(archive: Archive, _state: Any, names: list[str]) -> list[Problem]:
    return member_problems([archive.member(name) for name in names])


def check_archive(archive: Archive, progress: Callable[[Member], None] | None = None, *,
                  jobs: int | None = None) -> dict[str, Any]:
    """Read everything (``Archive.check``); the data behind ``flowzip check``. A large archive is read by
    *jobs* worker processes (default: one per core from 200 members on), with the same report."""
    workers = workers_for(archive, len(archive.members), jobs)
    if workers > 1:
        problems: list[Problem] = []
        with run_in_workers(archive, [m.name for m in archive.members], _check_chunk, workers) as results:
            for chunk, found in results:
                problems.extend(found)
                if progress:
                    for name in chunk:
                        progress(archive.member(name))
    else:
        problems = archive.check(progress)
    errors = sum(p.severity == "error" for p in problems)
    warnings = sum(p.severity == "warning" for p in problems)
    return {
        "archive": archive.path,
        "members": len(archive.members),
        "errors": errors,
        "warnings": warnings,
        "problems": [{"severity": p.severity, "member": p.member, "message": p.message} for p in problems],
    }


def check_exit_code(report: dict[str, Any]) -> int:
    """0 clean, 1 warnings only, 2 when something the reader refuses was found."""
    if report["errors"]:
        return 2
    return 1 if report["warnings"] else 0
