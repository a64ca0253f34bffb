"""Arranging many flows at once: each flow laid out left to right, a large archive's flows on every core.

>>> results = arrange_flows(archive)            # doctest: +SKIP
>>> results["nightly_load"].crossings           # doctest: +SKIP

A flow is arranged from its text alone (parse, lay out, measure, write in the file's own style, deflate), so
the work for one flow is the same whether it runs here or in a worker process; the archive takes the deflated
bytes back (:meth:`~flowzip.package.store.Member.set_deflated`) and writes them as they are at the save.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future
from typing import Any

from .. import jsonio
from ..document.kinds import kind_problem
from ..document.layout import Metrics, arrange_flow, metrics
from ..document.pipeline import primary_pipeline, unwrap_flow_document
from ..errors import FlowzipError, WrongDocumentError
from ..model.parallel import default_workers, run_in_workers, worker_pool, workers_for
from ..package.zipformat import Deflated, deflate

__all__ = ["arrange_flows", "arrange_text"]


def arrange_text(name: str, kind: str, data: bytes, keep_existing: bool = False) -> tuple[Deflated, Metrics]:
    """Arrange the flow member *name* (of type *kind*: its folder) whose bytes are *data*: its new bytes
    (deflated, in the file's style) and the measures of its primary pipeline's new layout."""
    with jsonio.gc_paused():
        document = jsonio.loads(data, member=name)
        problem = kind_problem(kind, document)  # what a flow view checks before it is used
        if problem:
            raise WrongDocumentError(problem, member=name)
        flow = unwrap_flow_document(document)
        pipeline = primary_pipeline(flow) if flow is not None else None
        if flow is None or pipeline is None:
            raise WrongDocumentError("has no pipeline: nothing to arrange", member=name)
        arrange_flow(flow, keep_existing=keep_existing)
        return deflate(jsonio.dumps_like(document, data)), metrics(pipeline)


def _arrange_chunk(tasks: list[tuple[str, str, bytes]], keep_existing: bool) -> list[tuple[Deflated, Metrics]]:
    return [arrange_text(name, kind, data, keep_existing) for name, kind, data in tasks]


def _arrange_members(archive: Any, keep_existing: bool, names: list[str]) -> list[tuple[Deflated, Metrics]]:
    """In a worker holding the archive: the flow members *names*, each read there and arranged."""
    members = [archive.member(name) for name in names]
    return [arrange_text(member.name, member.type, member.read(), keep_existing) for member in members]


def arrange_flows(archive: Any, flows: Iterable[Any] | None = None, *, keep_existing: bool = False,
                  jobs: int | None = None, progress: Callable[[str], None] | None = None) -> dict[str, Metrics]:
    """Lay out *flows* (flow views of *archive*; default every batch flow) and store the new positions in the
    archive (in memory: save it to keep them). Returns each flow's layout measures by flow name.

    *jobs* is the number of worker processes (default: one per core from 200 flows on, else none). Edits in
    the views given are stored first, as ``update_flow`` stores them; views of these flows are stale afterwards.
    """
    chosen = list({flow.member.name: flow for flow in (archive.flows if flows is None else flows)}.values())
    for flow in chosen:
        if flow.archive is not archive or flow.member.name not in archive:
            raise FlowzipError("the flow does not belong to this archive", flow=flow.name,
                               hint="get it from this archive's flows")
        if flow.loaded:  # a view's edits not stored yet are stored first: arranging starts from the archive's text
            archive.update_flow(flow)
    workers = default_workers(len(chosen), jobs)
    results: dict[str, Metrics] = {}

    def keep(flow: Any, done: tuple[Deflated, Metrics]) -> None:
        flow.member.set_deflated(done[0])
        flow.release()
        results[flow.name] = done[1]
        if progress:
            progress(flow.name)

    if workers <= 1 or len(chosen) < 2:
        for flow in chosen:
            keep(flow, arrange_text(flow.member.name, flow.member.type, flow.member.read(), keep_existing))
        return results
    if workers_for(archive, len(chosen), jobs) > 1:
        # An archive as stored on disk: each worker reads the flows itself (here nothing is inflated or sent).
        by_name = {flow.member.name: flow for flow in chosen}
        with run_in_workers(archive, list(by_name), _arrange_members, workers, state=keep_existing) as done:
            for chunk, arranged in done:
                for name, result in zip(chunk, arranged):
                    keep(by_name[name], result)
        return results
    # Else the texts are sent: chunks of a few flows each (fewer round trips than a flow a task, still balanced),
    # and only a few chunks on their way at a time: the texts sent wait in this process, so all of them at once
    # would hold them all.
    size = max(1, min(16, len(chosen) // (workers * 8)))
    chunks = [chosen[start:start + size] for start in range(0, len(chosen), size)]
    waiting: deque[tuple[list[Any], Future[list[tuple[Deflated, Metrics]]]]] = deque()
    with worker_pool(workers) as pool:
        for chunk in chunks:
            texts = [(flow.member.name, flow.member.type, flow.member.read()) for flow in chunk]
            waiting.append((chunk, pool.submit(_arrange_chunk, texts, keep_existing)))
            while len(waiting) > workers * 2 or (waiting and chunk is chunks[-1]):
                sent, future = waiting.popleft()
                for flow, done in zip(sent, future.result()):
                    keep(flow, done)
    return results
