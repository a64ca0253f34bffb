"""Work on the members of a large archive shared among worker processes, each opening the archive itself.

A task is a module-level function ``task(archive, state, names)`` (worker processes get it by name), run on
chunks of member names; *setup*, when given, makes each worker's ``state`` once from its archive (the lint
rules, say). Results come back in the order of the chunks, so that a parallel run reports what a serial one
would, in the same order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ..package.limits import Limits
from .archive import Archive, open_archive

__all__ = ["PARALLEL_MEMBERS", "workers_for", "run_in_workers"]

#: Work on at least this many members is shared among worker processes (fewer: starting them costs more).
PARALLEL_MEMBERS = 200

_WORKER: dict[str, Any] = {}
#: Archives handed to workers, by ``id``: a worker forked from this process finds its archive here, already open
#: (its bytes shared with this process, not read again); a worker started afresh opens it from its path.
_HANDED: dict[int, Archive] = {}


def workers_for(archive: Archive, count: int, jobs: int | None = None) -> int:
    """How many worker processes to share work on *count* members of *archive* among: *jobs* when given, else
    one per core from :data:`PARALLEL_MEMBERS` members on; 1 (none) when the archive is not as stored on disk
    (the workers read it from there) or the machine has one core."""
    if jobs is None:
        jobs = (os.cpu_count() or 1) if count >= PARALLEL_MEMBERS else 1
    if jobs <= 1 or not archive.path or archive.kind not in ("zip", "tree") \
            or not all(member.unchanged_in_output() for member in archive.members):
        return 1
    return jobs


def _open(key: int, path: str, limits: Limits, setup: Callable[[Archive], Any] | None) -> None:
    archive = _HANDED.get(key) or open_archive(path, limits=limits)
    _HANDED.clear()
    _WORKER.update(archive=archive, state=setup(archive) if setup else None)


def _run(task: Callable[[Archive, Any, list[str]], Any], names: list[str]) -> Any:
    return task(_WORKER["archive"], _WORKER["state"], names)


def run_in_workers(archive: Archive, names: list[str], task: Callable[[Archive, Any, list[str]], Any], workers: int,
                   *, setup: Callable[[Archive], Any] | None = None) -> Iterator[tuple[list[str], Any]]:
    """``(chunk, task(archive, state, chunk))`` for chunks of *names*, in order, computed by *workers* processes
    that each open *archive* from its path. The work starts at once (the caller may do its own meanwhile);
    iterate the results to the end."""
    size = max(1, -(-len(names) // (workers * 4)))  # four chunks a worker: the work stays balanced
    chunks = [names[start:start + size] for start in range(0, len(names), size)]
    _HANDED[id(archive)] = archive
    try:  # forking workers start with the first task, and see the archive handed to them
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_open,
                                   initargs=(id(archive), archive.path, archive.limits, setup))
        futures = [pool.submit(_run, task, chunk) for chunk in chunks]
    finally:
        _HANDED.pop(id(archive), None)
    return _results(pool, chunks, futures)


def _results(pool: ProcessPoolExecutor, chunks: list[list[str]], futures: list[Future[Any]]
             ) -> Iterator[tuple[list[str], Any]]:
    try:
        for chunk, future in zip(chunks, futures):
            yield chunk, future.result()
    finally:
        pool.shutdown(cancel_futures=True)
