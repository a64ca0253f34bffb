"""Atomic output: a ZIP file or a folder tree appears whole or not at all.

Files are written to a temporary name in the destination folder, flushed,
fsynced and moved into place with :func:`os.replace`; on any error the
temporary file is removed and the destination is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from typing import BinaryIO

from ..errors import DestinationError


def _fsync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return  # not possible on every platform; the data itself is already synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(dest: str, default: int) -> int:
    """The permission bits a new *dest* gets: those of the file it replaces, else the umask's."""
    try:
        return os.stat(dest).st_mode & 0o7777
    except OSError:
        return default & ~_umask()


def _describe(exc: OSError, dest: str) -> DestinationError:
    reason = exc.strerror or str(exc)
    hint = None
    if isinstance(exc, PermissionError):
        hint = "check that you may write to the destination folder"
    elif getattr(exc, "errno", None) == 28:
        hint = "free some disk space and try again"
    return DestinationError(f"cannot write: {reason}", archive=dest, hint=hint)


def atomic_write(dest: str, write: Callable[[BinaryIO], None]) -> None:
    """Create or replace the file *dest* with what *write* writes, atomically."""
    folder = os.path.dirname(os.path.abspath(dest))
    tmp_path = None
    try:
        fd, tmp_path = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(dest) + ".", suffix=".tmp")
        os.chmod(tmp_path, _mode_for(dest, 0o666))  # mkstemp makes 0600 files; keep the usual mode
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_path, dest)
        tmp_path = None
        _fsync_folder(folder)
    except OSError as exc:
        raise _describe(exc, dest) from None
    finally:
        if tmp_path is not None:
            try:
                os.unlink(tmp_path)
            except OSError:
                pass


def write_bytes_atomic(dest: str, payload: bytes) -> None:
    atomic_write(dest, lambda handle: handle.write(payload))


def write_new_tree(dest: str, files: Iterable[tuple[str, Callable[[], bytes] | None]]) -> None:
    """Create the folder *dest* holding *files* (``(name, read)``; ``read`` None for a folder).

    The tree is built in a temporary folder beside *dest* and renamed into place,
    so *dest* never holds half a tree.  *dest* must not exist or be an empty folder.
    """
    dest = os.path.abspath(dest)
    if os.path.lexists(dest) and not (os.path.isdir(dest) and not os.listdir(dest)):
        raise DestinationError(
            "the destination folder exists and is not empty", archive=dest, hint="choose a new folder"
        )
    parent = os.path.dirname(dest)
    tmp_root = None
    try:
        os.makedirs(parent, exist_ok=True)
        tmp_root = tempfile.mkdtemp(dir=parent, prefix="." + os.path.basename(dest) + ".", suffix=".tmp")
        os.chmod(tmp_root, _mode_for(dest, 0o777))
        for name, read in files:
            target = os.path.join(tmp_root, *name.rstrip("/").split("/"))
            if read is None:
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            payload = read()
            with open(target, "wb") as handle:
                handle.write(payload)
                if not hasattr(os, "sync"):
                    handle.flush()
                    os.fsync(handle.fileno())
        if hasattr(os, "sync"):
            os.sync()  # one flush for every file of the tree, before it becomes visible
        os.replace(tmp_root, dest)
        tmp_root = None
        _fsync_folder(parent)
    except OSError as exc:
        raise _describe(exc, dest) from None
    finally:
        if tmp_root is not None:
            shutil.rmtree(tmp_root, ignore_errors=True)
