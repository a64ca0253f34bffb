"""Work on the members of a large archive shared among worker processes.

A task is a module-level function ``task(archive, state, names)`` (worker processes get it by name), run on
chunks of member names; *setup*, when given, makes each worker's ``state`` once from its archive (the lint
rules, say), else ``state`` is what the caller gives (a recipe's steps). Results come back in the order of the
chunks, so that a parallel run reports what a serial one would, in the same order.

Where processes fork (Linux), a worker takes the archive this process has open (its bytes shared, not read
again, and the modules already imported); a worker started afresh opens the archive from its path, which is
why work is shared only for an archive as it is stored on disk (:func:`workers_for`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any

from ..package.limits import Limits
from .archive import Archive, open_archive

__all__ = ["PARALLEL_MEMBERS", "default_workers", "workers_for", "worker_pool", "run_in_workers", "WorkerResults"]

#: Work on at least this many members is shared among worker processes (fewer: starting them costs more).
PARALLEL_MEMBERS = 200

_WORKER: dict[str, Any] = {}
#: Archives handed to workers, by ``id``: a worker forked from this process finds its archive here.
_HANDED: dict[int, Archive] = {}


def default_workers(count: int, jobs: int | None = None) -> int:
    """Worker processes for work on *count* members: *jobs* when given, else one per core from
    :data:`PARALLEL_MEMBERS` members on, else 1 (the work is done in this process)."""
    if jobs is not None:
        return jobs
    return (os.cpu_count() or 1) if count >= PARALLEL_MEMBERS else 1


def workers_for(archive: Archive, count: int, jobs: int | None = None) -> int:
    """:func:`default_workers` for *count* members of *archive*, or 1 when the archive is not as it is stored on
    disk (a member changed, added, renamed or brought from elsewhere; or the file changed since it was read):
    a worker may read it from there."""
    workers = default_workers(count, jobs)
    if workers <= 1 or not archive.path or archive.kind not in ("zip", "tree") or archive.changed_on_disk() \
            or not all(member.unchanged_in_output() for member in archive.members):
        return 1
    return workers


def _guard(parent: int) -> None:
    """In a worker: leave Ctrl-C to the command (it stops the workers; a worker's own traceback would only
    clutter the terminal), and end when the command is gone (killed, its workers would work on forever)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.25)
    os._exit(1)


def worker_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
                ) -> ProcessPoolExecutor:
    """Worker processes as every command starts them: forked where processes fork (Linux), ignoring Ctrl-C,
    ending with the command (:func:`_guard`), each running *initializer* once."""
    context = multiprocessing.get_context("fork") if sys.platform.startswith("linux") else None
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start,
                               initargs=(os.getpid(), initializer, initargs))


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    _guard(parent)
    if initializer is not None:
        initializer(*initargs)


def _open(key: int, path: str, limits: Limits, setup: Callable[[Archive], Any] | None, state: Any) -> None:
    archive = _HANDED.get(key) or open_archive(path, limits=limits)
    _HANDED.clear()
    _WORKER.update(archive=archive, state=setup(archive) if setup else state)


def _run(task: Callable[[Archive, Any, list[str]], Any], names: list[str]) -> Any:
    return task(_WORKER["archive"], _WORKER["state"], names)


class WorkerResults:
    """``(chunk, task result)`` pairs in chunk order, as the workers finish them; the workers stop when the
    results are all read, or when this is closed (a ``with`` block closes it, whatever happens in it)."""

    def __init__(self, pool: ProcessPoolExecutor, chunks: list[list[str]], futures: list[Future[Any]]) -> None:
        self._pool, self._pending = pool, list(zip(chunks, futures))

    def __iter__(self) -> Iterator[tuple[list[str], Any]]:
        try:
            while self._pending:
                chunk, future = self._pending.pop(0)
                yield chunk, future.result()
        finally:
            self.close()

    def close(self) -> None:
        self._pending = []
        self._pool.shutdown(cancel_futures=True)

    def __enter__(self) -> WorkerResults:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def run_in_workers(archive: Archive, names: list[str], task: Callable[[Archive, Any, list[str]], Any], workers: int,
                   *, setup: Callable[[Archive], Any] | None = None, state: Any = None) -> WorkerResults:
    """``task(archive, state, chunk)`` for chunks of *names*, computed by *workers* processes; *state* is what
    *setup* makes of each worker's archive, else the *state* given. The work starts at once (the caller may do its
    own meanwhile). Read the results, or close them, to stop the workers."""
    size = max(1, -(-len(names) // (workers * 4)))  # four chunks a worker: the work stays balanced
    chunks = [names[start:start + size] for start in range(0, len(names), size)]
    pool = worker_pool(workers, _open, (id(archive), archive.path, archive.limits, setup, state))
    _HANDED[id(archive)] = archive
    try:  # forked workers start with the first task and see the archive handed to them
        futures = [pool.submit(_run, task, chunk) for chunk in chunks]
    except BaseException:
        pool.shutdown(cancel_futures=True)
        raise
    finally:
        _HANDED.pop(id(archive), None)
    return WorkerResults(pool, chunks, futures)
