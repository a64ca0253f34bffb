"""What ``import flowzip`` hands out: :func:`open`, :func:`new` and the :class:`Archive` they return.

The archive users get is the model's :class:`~flowzip.model.archive.Archive` with the
SDK's project-level transfers on top (``import_flows``, ``export_flows``,
``export_flow``), which live in :mod:`flowzip.ops.transfer`: the model below knows
nothing of operations, and this module, above both, puts them together.
"""

from __future__ import annotations

import os
from typing import Any

from .document.layout import Metrics
from .model import archive as model
from .model.flow import Flow
from .ops.arrange import arrange_flows
from .ops.transfer import ExportResult, ImportResponse, export_flows, import_flows
from .package.limits import DEFAULT_LIMITS, Limits

__all__ = ["Archive", "open_archive", "new_archive"]


class Archive(model.Archive):
    """A DataStage export: a ZIP, an extracted folder tree or a single flow file.

    Use :func:`flowzip.open` or :func:`flowzip.new` to get one.
    """

    # ------------------------------------------------------------------ export and import (format.md §5.3, §5.4)
    def export_flow(self, flow: Flow | str, destination: str | os.PathLike[str] = "flows.zip", *,
                    include_dependencies: bool = True, include_binaries: bool = False) -> ExportResult:
        """Write one flow, its jobs and its dependencies to a new archive (see :meth:`export_flows`);
        *destination* defaults to ``flows.zip`` in the current folder, as in the SDK."""
        return self.export_flows([flow], destination, include_dependencies=include_dependencies,
                                 include_binaries=include_binaries)

    def export_flows(self, flows: Any, destination: str | os.PathLike[str] = "flows.zip", *,
                     include_dependencies: bool = True,
                     include_binaries: bool = False) -> ExportResult:
        """Write *flows* (views or names, all of one type), their jobs and, with *include_dependencies*,
        the closure of their dependencies to a new archive at *destination* (``.zip`` or a folder),
        with a manifest in the platform's shape.  Returns an :class:`~flowzip.ops.transfer.ExportResult`."""
        return export_flows(self, flows, destination, include_dependencies=include_dependencies,
                            include_binaries=include_binaries)

    def import_flows(self, source: Any, type: str = "batch", conflict_resolution: str = "rename",  # noqa: A002
                     on_failure: str = "continue", import_only: bool = False, include_dependencies: bool = True,
                     replace_mode: str = "hard", import_binaries: bool = False,
                     asset_types: Any = None, wait: int | None = -1) -> ImportResponse:
        """Merge *source* (an archive or a path) into this archive as the platform's import would
        (the SDK's ``Project.import_flows`` parameters and defaults; *asset_types*, asset folders, limits
        what is imported).  Returns an :class:`~flowzip.ops.transfer.ImportResponse`, whose
        ``not_imported`` lists every asset left out and why; save the archive to keep the result.

        *wait* is accepted as the SDK takes it and changes nothing: offline, the import is complete when
        this returns (``status`` is ``"completed"``; ``refresh()`` returns the same response)."""
        del wait
        return import_flows(self, source, type=type, conflict_resolution=conflict_resolution,
                            on_failure=on_failure, import_only=import_only,
                            include_dependencies=include_dependencies, replace_mode=replace_mode,
                            import_binaries=import_binaries, asset_types=asset_types)


    # ------------------------------------------------------------------ layout
    def arrange_flows(self, flows: Any = None, *, keep_existing: bool = False,
                      jobs: int | None = None) -> dict[str, Metrics]:
        """Auto-arrange *flows* (views of this archive; default every batch flow) as ``flow.auto_arrange()``
        does, on every core for a large archive (*jobs* worker processes). Each flow is stored at once, as
        ``update_flow`` stores it (edits in the views given are stored first); views of these flows are stale
        afterwards. Returns each flow's layout measures (crossings, overlaps, ...) by name."""
        return arrange_flows(self, flows, keep_existing=keep_existing, jobs=jobs)


def open_archive(path: str | os.PathLike[str], *, limits: Limits = DEFAULT_LIMITS) -> Archive:
    """Open an export ZIP, an extracted folder tree or a single flow JSON file.

    A path that holds no export (an empty folder, an asset folder, a ZIP of compiled binaries) or several
    is refused with an :class:`~flowzip.errors.ArchiveError` that says which.
    """
    archive = Archive(model.open_source(path, limits=limits), limits=limits)
    model.check_export(archive, os.fspath(path))
    return archive


def new_archive() -> Archive:
    """An empty archive to build from scratch (saved with ``save``)."""
    return Archive(None)
