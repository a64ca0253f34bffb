"""How every benchmark times a measure: as the ``flowzip`` command runs it.

The command pauses Python's cyclic garbage collector while it works (``flowzip.jsonio.gc_paused``: the
documents it holds are acyclic, and the collector's passes over them find nothing), so each measure, floors
included, runs the same way here; the collector runs, between measures, what the previous one left.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from flowzip import jsonio


def seconds(func: Callable[[], object]) -> float:
    """Wall-clock seconds of one call of *func*, the collector paused as the command pauses it."""
    gc.collect()
    with jsonio.gc_paused():
        start = time.perf_counter()
        func()
        return time.perf_counter() - start


def best(func: Callable[[], object], repeat: int) -> float:
    """The best of *repeat* calls."""
    return min(seconds(func) for _ in range(repeat))
