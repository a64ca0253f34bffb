"""Atomic output: a ZIP file or a folder tree appears whole or not at all.

Files are written to a temporary name in the destination folder, flushed,
fsynced and moved into place with :func:`os.replace`; on any error the
temporary file is removed and the destination is left as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

from ..errors import DestinationError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the change check alone guards in-place saves
    fcntl = None  # type: ignore[assignment]

__all__ = ["atomic_write", "write_bytes_atomic", "write_new_tree", "same_path", "refuse_inputs", "exclusive",
           "replace_tree", "new_folder", "TEMP_SUFFIX"]

#: What temporary files and folders beside a destination end with (``.<name>.<random>.tmp``).
TEMP_SUFFIX = ".tmp"


def same_path(a: str, b: str) -> bool:
    """Whether *a* and *b* are one file or folder: the same path after resolving links, or the same inode
    (a hard link)."""
    try:
        if os.path.exists(a) and os.path.exists(b) and os.path.samefile(a, b):
            return True
    except OSError:
        pass
    return os.path.realpath(a) == os.path.realpath(b)


def refuse_inputs(dest: str, inputs: Iterable[str]) -> None:
    """Refuse a destination that is, or resolves to, one of *inputs* (the files and folders a command read)."""
    for source in inputs:
        if source and same_path(dest, source):
            raise DestinationError("refusing to overwrite an input", archive=dest,
                                   hint="write to another path; an archive is rewritten only with --in-place")


@contextlib.contextmanager
def exclusive(path: str) -> Iterator[None]:
    """Hold an exclusive lock on *path* (a file or folder) while writing it in place: a second flowzip
    writing the same input is refused instead of silently losing one of the two edits."""
    if fcntl is None:
        yield
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as exc:
        raise _describe(exc, path) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise DestinationError("another program is writing it", archive=path,
                                   hint="wait for it to finish, then run the command again") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock


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


@contextlib.contextmanager
def new_folder(dest: str) -> Iterator[str]:
    """Build the folder *dest* in a temporary folder beside it (yielded) and move it into place when the
    block ends without error; after an error nothing of it remains.  *dest* must not exist, or be empty."""
    dest = os.path.abspath(dest)
    if os.path.lexists(dest) and not (os.path.isdir(dest) and not os.path.islink(dest) and not os.listdir(dest)):
        raise DestinationError("the destination folder exists and is not empty", archive=dest,
                               hint="choose a new folder")
    parent = os.path.dirname(dest)
    tmp_root = None
    try:
        os.makedirs(parent, exist_ok=True)
        tmp_root = tempfile.mkdtemp(dir=parent, prefix="." + os.path.basename(dest) + ".", suffix=TEMP_SUFFIX)
        os.chmod(tmp_root, _mode_for(dest, 0o777))
        yield tmp_root
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


def write_new_tree(dest: str, files: Iterable[tuple[str, Callable[[], bytes] | None]]) -> None:
    """Create the folder *dest* holding *files* (``(name, read)``; ``read`` None for a folder), whole or
    not at all (:func:`new_folder`).  *dest* must not exist or be an empty folder."""
    with new_folder(dest) as tmp_root:
        for name, read in files:
            target = os.path.join(tmp_root, *name.rstrip("/").split("/"))
            if read is None:
                os.makedirs(target, exist_ok=True)
                continue
            os.makedirs(os.path.dirname(target), exist_ok=True)
            payload = read()
            with open(target, "wb") as handle:
                handle.write(payload)


def _exchange(a: str, b: str) -> bool:
    """Swap paths *a* and *b* in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False where the
    system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def replace_tree(dest: str, files: Iterable[tuple[str, Callable[[], bytes] | str | None]],
                 keep: Iterable[str] = ()) -> None:
    """Replace the folder *dest* by a new one holding *files*, all at once.

    *files* are ``(name, what)``: ``what`` is a function giving the bytes, the path of an existing file
    to take as it is (hard-linked, else copied), or ``None`` for a folder.  *keep* names folders of
    *dest* that are no member but must stay (``.git``): they are moved into the new tree.

    The new tree is built beside *dest* (``.<name>.<random>.tmp``) and swapped in with one atomic
    exchange where the system has one (Linux), else with two renames; the old tree is then removed.
    A failure before the swap leaves *dest* as it was and no temporary folder.  If the machine stops
    between the two renames of the fallback, *dest* is missing and both ``.<name>.*.tmp`` (the new tree,
    complete) and ``.<name>.*.old`` (the old one) are beside it: rename either to *dest*.
    """
    dest = os.path.realpath(dest)  # through a symbolic link: the tree it points to is the one rewritten
    parent, base = os.path.dirname(dest), os.path.basename(dest)
    tmp_root: str | None = None
    try:
        tmp_root = tempfile.mkdtemp(dir=parent, prefix=f".{base}.", suffix=TEMP_SUFFIX)
        _copy_mode(dest, tmp_root, 0o777)
        for name, what in files:
            relative = name.rstrip("/").split("/")
            target = os.path.join(tmp_root, *relative)
            if what is None:
                _make_folders(tmp_root, dest, relative)
                continue
            _make_folders(tmp_root, dest, relative[:-1])
            if isinstance(what, str):
                try:
                    os.link(what, target)
                except OSError:
                    shutil.copy2(what, target)
                continue
            with open(target, "wb") as handle:
                handle.write(what())
            _copy_mode(os.path.join(dest, *relative), target, 0o666)  # a rewritten file keeps its mode
        if hasattr(os, "sync"):
            os.sync()
        with _signals_held():  # the swap and the move of .git are not to be cut in half by Ctrl-C
            old = _swap(tmp_root, dest, parent, base)
            tmp_root = None
            for name in keep:  # version control folders go with the tree
                source = os.path.join(old, name)
                if os.path.isdir(source) and not os.path.lexists(os.path.join(dest, name)):
                    os.makedirs(os.path.dirname(os.path.join(dest, name)), exist_ok=True)
                    os.rename(source, os.path.join(dest, name))
        _fsync_folder(parent)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise _describe(exc, dest) from None
    finally:
        if tmp_root is not None:
            shutil.rmtree(tmp_root, ignore_errors=True)


def _swap(new: str, dest: str, parent: str, base: str) -> str:
    """Put the folder *new* at *dest*; the path the old tree is at afterwards."""
    if _exchange(new, dest):
        return new
    old = tempfile.mkdtemp(dir=parent, prefix=f".{base}.", suffix=".old")
    os.rmdir(old)
    os.rename(dest, old)
    try:
        os.rename(new, dest)
    except OSError:
        os.rename(old, dest)
        raise
    return old


def _copy_mode(original: str, made: str, default: int) -> None:
    """Give *made* the permission bits of *original* (the file or folder it replaces), else the umask's."""
    os.chmod(made, _mode_for(original, default))


def _make_folders(root: str, original_root: str, parts: list[str]) -> None:
    """Create the folders *parts* below *root*, each with the mode of its counterpart in *original_root*."""
    for depth in range(1, len(parts) + 1):
        made = os.path.join(root, *parts[:depth])
        if not os.path.isdir(made):
            os.mkdir(made)
            _copy_mode(os.path.join(original_root, *parts[:depth]), made, 0o777)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is done (they are delivered then), where the system can."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
