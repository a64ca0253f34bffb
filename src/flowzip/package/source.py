"""One reader for an export ZIP, an extracted folder tree or a single JSON file.

A :class:`Source` lists :class:`Part` objects (name, sizes, compression) and
reads their bytes on demand.  Whatever the container, member names are relative
forward-slash paths, checked for safety before anything else happens.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from ..errors import ArchiveError, LimitExceededError, MemberError, UnsafeArchiveError
from .limits import DEFAULT_LIMITS, Limits
from .names import check_member_name
from .zipformat import ZipDirectory, ZipEntry, inflate, read_directory

#: Folders that belong to version control, never to an export.
VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})


@dataclass(slots=True)
class Part:
    """One stored member: where it is and what its container says about it."""

    name: str
    size: int
    compressed_size: int | None = None
    compression: str = "none"
    entry: ZipEntry | None = None
    fs_path: str | None = None

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")


class Source:
    """Base class: a container of parts."""

    kind = "source"

    #: :meth:`state` when the source was read.
    opened_state: object = None

    def __init__(self, path: str, parts: list[Part], limits: Limits) -> None:
        self.path = path
        self.parts = parts
        self.limits = limits
        self.opened_state = file_state(path)
        self._inflated_total = 0
        self._counted: set[str] = set()

    @property
    def label(self) -> str:
        return self.path

    def read(self, part: Part) -> bytes:
        raise NotImplementedError

    def state(self) -> object:
        """What the container looks like on disk now (compared with :attr:`opened_state`)."""
        return file_state(self.path)

    def changed_on_disk(self) -> bool:
        """Whether the file or tree changed since it was read (another program wrote it)."""
        return self.state() != self.opened_state

    def _count(self, part: Part, size: int) -> None:
        if part.name in self._counted:
            return  # read again: already counted
        self._counted.add(part.name)
        self._inflated_total += size
        if self._inflated_total > self.limits.max_total_bytes:
            raise LimitExceededError(
                f"reading it takes the archive over {self.limits.max_total_bytes} bytes in total",
                archive=self.label,
                member=part.name,
            )


class ZipSource(Source):
    """An export ZIP held in memory; parts are inflated on demand."""

    kind = "zip"

    def __init__(self, path: str, data: bytes, limits: Limits) -> None:
        self.data = data
        self.directory: ZipDirectory = read_directory(data, path, limits)
        parts = [
            Part(e.name, e.file_size, e.compress_size, e.compression, entry=e) for e in self.directory.entries
        ]
        super().__init__(path, parts, limits)

    def read(self, part: Part) -> bytes:
        assert part.entry is not None
        payload = inflate(self.data, part.entry, self.limits, self.label)
        self._count(part, len(payload))
        return payload


class TreeSource(Source):
    """An extracted export or a Git-integration repository: every file below a folder."""

    kind = "tree"

    def __init__(self, path: str, limits: Limits) -> None:
        self._files_state: list[tuple[str, int, int, int]] = []
        parts: list[Part] = []
        total = 0
        root = os.path.abspath(path)
        #: Folders below the root (also empty ones) and version-control folders, relative, "/"-separated.
        self.folders: list[str] = []
        self.vcs_folders: list[str] = []
        for folder, subfolders, files in os.walk(root, onerror=_raise_walk_error):
            rel_folder = os.path.relpath(folder, root)
            prefix = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
            self.vcs_folders += [prefix + d for d in subfolders if d in VCS_FOLDERS]
            subfolders[:] = sorted(d for d in subfolders if d not in VCS_FOLDERS)
            self.folders += [prefix + d for d in subfolders]
            for sub in subfolders:
                if os.path.islink(os.path.join(folder, sub)):
                    name = sub if rel_folder == "." else f"{rel_folder}/{sub}"
                    raise UnsafeArchiveError(
                        "the folder is a symbolic link, which could point outside the tree",
                        archive=path,
                        member=name.replace(os.sep, "/"),
                    )
            for filename in sorted(files):
                full = os.path.join(folder, filename)
                name = filename if rel_folder == "." else f"{rel_folder}/{filename}"
                name = name.replace(os.sep, "/")
                check_member_name(name, archive=path)
                info = os.lstat(full)
                if stat.S_ISLNK(info.st_mode):
                    raise UnsafeArchiveError(
                        "the file is a symbolic link, which could point outside the tree",
                        archive=path,
                        member=name,
                    )
                if not stat.S_ISREG(info.st_mode):
                    raise UnsafeArchiveError("not a regular file", archive=path, member=name)
                if info.st_size > limits.max_member_bytes:
                    raise LimitExceededError(
                        f"has {info.st_size} bytes, over the per-member limit of {limits.max_member_bytes}",
                        archive=path,
                        member=name,
                    )
                total += info.st_size
                if total > limits.max_total_bytes:
                    raise LimitExceededError(
                        f"the tree holds more than {limits.max_total_bytes} bytes, over the limit",
                        archive=path,
                        member=name,
                    )
                parts.append(Part(name, info.st_size, fs_path=full))
                self._files_state.append((name, info.st_size, info.st_mtime_ns, info.st_ino))
                if len(parts) > limits.max_members:
                    raise LimitExceededError(
                        f"the tree holds more than {limits.max_members} files, over the limit",
                        archive=path,
                    )
        super().__init__(path, parts, limits)
        self.root = root
        self.opened_state = tuple(self._files_state)

    def state(self) -> object:
        found = []
        for folder, subfolders, files in os.walk(self.root):
            subfolders[:] = sorted(d for d in subfolders if d not in VCS_FOLDERS)
            rel_folder = os.path.relpath(folder, self.root)
            for filename in sorted(files):
                name = (filename if rel_folder == "." else f"{rel_folder}/{filename}").replace(os.sep, "/")
                try:
                    info = os.lstat(os.path.join(folder, filename))
                except OSError:
                    continue
                found.append((name, info.st_size, info.st_mtime_ns, info.st_ino))
        return tuple(found)

    def read(self, part: Part) -> bytes:
        assert part.fs_path is not None
        try:
            with open(part.fs_path, "rb") as handle:
                payload = handle.read(self.limits.max_member_bytes + 1)
        except OSError as exc:
            raise MemberError(f"cannot be read: {exc.strerror}", archive=self.label, member=part.name) from None
        if len(payload) > self.limits.max_member_bytes:
            raise LimitExceededError("grew over the per-member limit while open", archive=self.label, member=part.name)
        self._count(part, len(payload))
        return payload


class FileSource(Source):
    """A single JSON document (a flow file), presented as a one-member archive."""

    kind = "file"

    def __init__(self, path: str, data: bytes, member_name: str, limits: Limits) -> None:
        self.data = data
        super().__init__(path, [Part(member_name, len(data))], limits)

    def read(self, part: Part) -> bytes:
        return self.data


def file_state(path: str) -> object:
    """What identifies a file's content on disk for an in-place save: inode, size, modification time."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


def _raise_walk_error(error: OSError) -> None:
    raise ArchiveError(f"cannot list folder: {error.strerror}", archive=error.filename)


def read_file_bytes(path: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Read a whole container file, refusing one larger than the limits allow."""
    try:
        size = os.path.getsize(path)
        if size > limits.max_total_bytes:
            raise LimitExceededError(f"is {size} bytes, over the limit of {limits.max_total_bytes}", archive=path)
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise ArchiveError("no such file or folder", archive=path) from None
    except IsADirectoryError:
        raise ArchiveError("is a folder", archive=path) from None
    except PermissionError:
        raise ArchiveError("permission denied", archive=path, hint="check the file's permissions") from None
    except OSError as exc:
        raise ArchiveError(f"cannot be read: {exc.strerror}", archive=path) from None


def looks_like_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")
