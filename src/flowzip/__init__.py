"""flowzip: read, edit, lint and write DataStage flow export archives offline.

>>> import flowzip
>>> archive = flowzip.open("export.zip")          # doctest: +SKIP
>>> [flow.name for flow in archive.flows]         # doctest: +SKIP
>>> archive.save("copy.zip")                      # doctest: +SKIP
"""

from __future__ import annotations

from .analysis.diff import diff
from .api import Archive
from .api import new_archive as new
from .api import open_archive as open  # noqa: A001 - the public name, as in zipfile/tarfile
from .errors import FlowzipError
from .lint import lint
from .model.archive import Problem
from .model.assets import Connection, Job, Manifest, ParameterSet
from .model.flow import Comment, Flow, Link, Stage, Subflow
from .package.limits import Limits
from .package.store import Member
from .version import __version__

__all__ = [
    "open",
    "new",
    "Archive",
    "Member",
    "Problem",
    "Flow",
    "Subflow",
    "Stage",
    "Link",
    "Comment",
    "ParameterSet",
    "Connection",
    "Job",
    "Manifest",
    "Limits",
    "lint",
    "diff",
    "FlowzipError",
    "__version__",
]
