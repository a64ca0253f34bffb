"""Helpers every command shares: finding a flow by name, and a progress bar for long runs."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from ..errors import FlowzipError, NotFoundError
from ..model.archive import Archive
from ..suggest import closest


def find_flow(archive: Archive, name: str) -> Any:
    """The flow (or subflow) called *name*; a one-line error listing the flows otherwise."""
    for collection in (archive.flows, archive.subflows):
        for flow in collection:
            if flow.name == name:
                return flow
    every = archive.flows.names() + archive.subflows.names()
    guess = closest(name, every)
    hint = f"did you mean {guess!r}?" if guess else f"flows: {', '.join(every[:10]) or 'none'}" + (
        f", … ({len(every)} in all; 'flowzip ls' lists them)" if len(every) > 10 else "")
    raise NotFoundError(f"no flow named {name!r}", archive=archive.path, hint=hint)


def pick_flow(archive: Archive, name: str | None) -> Any:
    """The flow called *name*, or the archive's only flow when *name* is None."""
    if name is not None:
        return find_flow(archive, name)
    flows = archive.flows or archive.subflows
    if len(flows) != 1:
        names = ", ".join(flows.names()[:10]) or "none"
        raise FlowzipError(f"holds {len(flows)} flows; name one (flows: {names})", archive=archive.path)
    return flows[0]


@contextmanager
def progress(total: int, label: str, *, threshold: int = 200) -> Iterator[Callable[..., None]]:
    """Yield a step function: a bar on stderr when it is a terminal and the run is long, never in CI."""
    if total < threshold or not sys.stderr.isatty() or os.environ.get("CI"):
        yield lambda *_: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda *_: bar.update(1)
