"""File-system faults while saving: the destination and the input stay as they were."""

from __future__ import annotations

import os

import pytest
from pyfakefs.fake_filesystem_unittest import Patcher

import flowzip
from flowzip.errors import DestinationError
from flowzip.ops.transfer import split_flows
from tests.zipbuild import MINIMAL_FLOW, make_zip

INPUT = make_zip({"data_intg_flow/f.json": MINIMAL_FLOW, "px_executables/f.zip": os.urandom(20_000)})
OLD_OUTPUT = b"previous output"


def _edited_archive() -> flowzip.Archive:
    archive = flowzip.open("/work/in.zip")
    doc = archive.read_json("data_intg_flow/f.json")
    doc["pipelines"][0]["description"] = "edited"
    archive.write_json("data_intg_flow/f.json", doc)
    return archive


def _setup(fs) -> None:  # noqa: ANN001 - pyfakefs' FakeFilesystem
    fs.create_file("/work/in.zip", contents=INPUT)
    fs.create_file("/work/out/result.zip", contents=OLD_OUTPUT)


def _assert_untouched() -> None:
    assert open("/work/in.zip", "rb").read() == INPUT
    assert open("/work/out/result.zip", "rb").read() == OLD_OUTPUT
    assert sorted(os.listdir("/work/out")) == ["result.zip"], "a temporary file was left behind"


def test_disk_full_leaves_everything_unchanged(fs) -> None:  # noqa: ANN001
    _setup(fs)
    archive = _edited_archive()
    fs.set_disk_usage(len(INPUT) + len(OLD_OUTPUT) + 5_000)
    with pytest.raises(DestinationError, match="free some disk space"):
        archive.save("/work/out/result.zip")
    _assert_untouched()


def test_disk_full_while_writing_a_tree_leaves_no_half_tree(fs) -> None:  # noqa: ANN001
    _setup(fs)
    archive = _edited_archive()
    fs.set_disk_usage(len(INPUT) + len(OLD_OUTPUT) + 5_000)
    with pytest.raises(DestinationError):
        archive.save("/work/out/tree")
    _assert_untouched()


def test_permission_denied_leaves_everything_unchanged() -> None:
    with Patcher(allow_root_user=False) as patcher:
        _setup(patcher.fs)
        os.chmod("/work/out", 0o555)
        archive = _edited_archive()
        with pytest.raises(DestinationError, match="check that you may write"):
            archive.save("/work/out/result.zip")
        os.chmod("/work/out", 0o755)
        _assert_untouched()


def test_failure_before_the_rename_removes_the_temporary_file(fs, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    _setup(fs)
    archive = _edited_archive()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(DestinationError, match="Input/output error"):
        archive.save("/work/out/result.zip")
    monkeypatch.undo()
    _assert_untouched()


def test_in_place_failure_keeps_the_input(fs, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    _setup(fs)
    archive = _edited_archive()
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(DestinationError):
        archive.save("/work/in.zip", in_place=True)
    monkeypatch.undo()
    _assert_untouched()
    assert sorted(os.listdir("/work")) == ["in.zip", "out"]


def test_successful_save_replaces_the_destination(fs) -> None:  # noqa: ANN001
    _setup(fs)
    _edited_archive().save("/work/out/result.zip")
    assert open("/work/in.zip", "rb").read() == INPUT
    assert flowzip.open("/work/out/result.zip").flows[0].description == "edited"
    assert sorted(os.listdir("/work/out")) == ["result.zip"]


def test_written_files_get_the_usual_permissions(tmp_path) -> None:  # noqa: ANN001
    source = tmp_path / "in.zip"
    source.write_bytes(INPUT)
    old = os.umask(0o022)
    try:
        flowzip.open(source).save(tmp_path / "new.zip")
        flowzip.open(source).save(tmp_path / "tree")
        existing = tmp_path / "existing.zip"
        existing.write_bytes(b"x")
        existing.chmod(0o640)
        flowzip.open(source).save(existing)
    finally:
        os.umask(old)
    assert (tmp_path / "new.zip").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "tree").stat().st_mode & 0o777 == 0o755
    assert existing.stat().st_mode & 0o777 == 0o640


def _tree(fs) -> None:  # noqa: ANN001
    fs.create_file("/work/tree/data_intg_flow/f.json", contents=MINIMAL_FLOW)
    fs.create_file("/work/tree/data_intg_flow/g.json", contents=MINIMAL_FLOW)
    fs.create_file("/work/tree/px_executables/f.zip", contents=os.urandom(20_000))


def _files(root: str) -> dict[str, bytes]:
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            found[os.path.relpath(path, root)] = open(path, "rb").read()
    return found


def test_disk_full_while_rewriting_a_tree_in_place_leaves_the_old_tree(fs) -> None:  # noqa: ANN001
    _tree(fs)
    before = _files("/work/tree")
    archive = flowzip.open("/work/tree")
    doc = archive.read_json("data_intg_flow/f.json")
    doc["pipelines"][0]["description"] = "edited " * 5_000
    archive.write_json("data_intg_flow/f.json", doc)
    fs.set_disk_usage(sum(len(v) for v in before.values()) + 10_000)  # no room for the new tree
    with pytest.raises(DestinationError, match="free some disk space"):
        archive.save("/work/tree", in_place=True)
    assert _files("/work/tree") == before
    assert sorted(os.listdir("/work")) == ["tree"], "a temporary folder was left behind"


def test_disk_full_while_splitting_leaves_no_folder(fs) -> None:  # noqa: ANN001
    fs.create_file("/work/in.zip", contents=make_zip({f"data_intg_flow/f{i}.json": MINIMAL_FLOW for i in range(30)}))
    archive = flowzip.open("/work/in.zip")
    fs.set_disk_usage(os.path.getsize("/work/in.zip") + 4_000)  # room for a few archives, not all
    with pytest.raises(DestinationError):
        split_flows(archive, "/work/flows")
    assert sorted(os.listdir("/work")) == ["in.zip"], "a partial split was left behind"
