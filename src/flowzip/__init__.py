"""flowzip: read, edit, lint and write DataStage flow export archives offline.

>>> import flowzip
>>> archive = flowzip.open("export.zip")          # doctest: +SKIP
>>> [flow.name for flow in archive.flows]         # doctest: +SKIP
>>> archive.save("copy.zip")                      # doctest: +SKIP
"""

from __future__ import annotations

from .archive import Archive, Member, Problem
from .archive import new_archive as new
from .archive import open_archive as open  # noqa: A001 - the public name, as in zipfile/tarfile
from .assets import Connection, Job, Manifest, ParameterSet
from .diff import diff
from .errors import FlowzipError
from .flow import Comment, Flow, Link, Stage, Subflow
from .lint import lint
from .package.limits import Limits

__version__ = "0.1.0"

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
