"""Shared fixtures: where the real corpus is, and helpers that build archives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("FLOWZIP_SHARED", REPO.parent / "shared"))
REAL = SHARED / "fixtures" / "real"

#: Sources in the real corpus whose files the platform itself wrote (not SDK samples or Elyra files).
NOT_PLATFORM = ("elyra", "elyra-canvas", "elyra-examples", "elyra-pipeline-schemas",
                "datastage-python-sdk", "datastage-node-sdk")


def require_shared() -> Path:
    """The shared folder; in CI its absence is a failure, elsewhere a skip."""
    if not REAL.is_dir():
        message = f"the shared corpus is missing: {REAL}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return SHARED


@pytest.fixture(scope="session")
def shared() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def real(shared: Path) -> Path:
    return shared / "fixtures" / "real"


def real_archives() -> list[Path]:
    """Every export ZIP and every top-level folder tree of the real corpus."""
    if not REAL.is_dir():
        return []
    found = sorted(p for p in REAL.iterdir() if p.is_dir())
    found += sorted(REAL.rglob("*.zip"))
    return found


#: Top-level folders of the corpus that are no DataStage export: other pipeline formats, loose flow files,
#: ZIPs deeper down, a Git history with one export per commit.  Opening them is refused (tests/model).
NOT_EXPORTS = frozenset({"datastage-node-sdk", "datastage-python-sdk", "drew-cp4d-prod1-git-test-history", "elyra",
                         "elyra-canvas", "elyra-examples", "elyra-pipeline-schemas", "ibm-datastage"})


def is_real_export(path: Path) -> bool:
    """Whether *path* of the corpus is one export: not a listed non-export, not a ZIP inside an asset folder
    (compiled binaries, test cases: members of an export)."""
    from flowzip.package.folders import ASSET_FOLDERS

    relative = path.relative_to(REAL).parts
    return relative[0] not in NOT_EXPORTS if path.is_dir() else not ASSET_FOLDERS & set(relative[:-1])


def real_exports() -> list[Path]:
    """The real archives that are exports (every other path is refused on opening)."""
    return [p for p in real_archives() if is_real_export(p)]


def real_archives_with_flows() -> list[Path]:
    """The real archives (exports and trees, not history snapshots) that hold at least one batch flow."""
    import zipfile

    import flowzip

    found = []
    for path in real_exports():
        if path.name.endswith("-history") or (path.is_file() and not zipfile.is_zipfile(path)):
            continue
        try:
            if len(flowzip.open(path).flows):
                found.append(path)
        except flowzip.FlowzipError:
            continue
    return found


def real_params(paths: list[Path]) -> list:
    """pytest params for *paths*; one failing-or-skipping param when the corpus is missing."""
    if not paths:
        return [pytest.param(None, id="shared-corpus-missing")]
    return [pytest.param(p, id=str(p.relative_to(REAL))) for p in paths]


def real_or_missing(path: Path | None) -> Path:
    if path is None:
        require_shared()
        raise AssertionError("unreachable")
    return path


@pytest.fixture
def demo(real: Path, tmp_path: Path) -> Path:
    """A private copy of the real paramset.zip export, for tests that write to it."""
    import shutil

    copy = tmp_path / "demo.zip"
    shutil.copy(real / "ibm-datastage" / "dsjob" / "blogs" / "paramset.zip", copy)
    return copy
