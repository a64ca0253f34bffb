"""Saving in place: all or nothing, never over an input changed meanwhile, never two writers at once."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

import flowzip
from flowzip.errors import DestinationError
from flowzip.package.sink import exclusive
from tests.zipbuild import MINIMAL_FLOW


def _tree(root: Path) -> Path:
    (root / "data_intg_flow").mkdir(parents=True)
    (root / "data_intg_flow" / "a.json").write_bytes(MINIMAL_FLOW)
    (root / "data_intg_flow" / "b.json").write_bytes(MINIMAL_FLOW)
    (root / "empty").mkdir()
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


def _edit(archive: flowzip.Archive) -> None:
    flow = archive.flows.get(name="a")
    flow.description = "changed"
    archive.update_flow(flow)


def test_a_tree_saved_in_place_is_swapped_whole_and_keeps_git_and_empty_folders(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    inode_b = (root / "data_intg_flow" / "b.json").stat().st_ino
    archive = flowzip.open(root)
    _edit(archive)
    archive.save(root, in_place=True)
    assert b"changed" in (root / "data_intg_flow" / "a.json").read_bytes()
    assert (root / "data_intg_flow" / "b.json").stat().st_ino == inode_b  # unchanged: the same file, linked
    assert (root / ".git" / "HEAD").read_text() == "ref: refs/heads/main\n" and (root / "empty").is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]  # no temporary folder left
    _edit(archive)  # a second in-place save of the same archive is ours, not another program's
    archive.save(root, in_place=True)


@pytest.mark.parametrize("kind", ["zip", "tree"])
def test_an_input_changed_since_it_was_read_is_not_overwritten(tmp_path: Path, kind: str) -> None:
    root = _tree(tmp_path / "repo")
    path = root
    if kind == "zip":
        path = tmp_path / "a.zip"
        flowzip.open(root).save(path)
    first, second = flowzip.open(path), flowzip.open(path)
    _edit(first)
    first.save(path, in_place=True)
    _edit(second)
    before = sorted((p.name, p.read_bytes()) for p in Path(path).rglob("*") if p.is_file()) if kind == "tree" \
        else Path(path).read_bytes()
    with pytest.raises(DestinationError, match="changed on disk since flowzip read it"):
        second.save(path, in_place=True)
    after = sorted((p.name, p.read_bytes()) for p in Path(path).rglob("*") if p.is_file()) if kind == "tree" \
        else Path(path).read_bytes()
    assert after == before


def test_a_second_writer_is_refused_while_the_first_holds_the_input(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data_intg_flow/a.json", MINIMAL_FLOW)
    opened = flowzip.open(path)
    _edit(opened)
    with exclusive(str(path)), pytest.raises(DestinationError, match="another program is writing it"):
        opened.save(path, in_place=True)
    opened.save(path, in_place=True)  # once the other writer is done


def test_an_output_that_resolves_to_an_input_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data_intg_flow/a.json", MINIMAL_FLOW)
    os.symlink(path, tmp_path / "link.zip")
    os.link(path, tmp_path / "hard.zip")
    other = tmp_path / "other.zip"
    other.write_bytes(path.read_bytes())
    opened = flowzip.open(other)
    for dest in ("link.zip", "hard.zip", "a.zip"):
        with pytest.raises(DestinationError, match="refusing to overwrite an input"):
            opened.save(tmp_path / dest, inputs=[str(path)])
    with pytest.raises(DestinationError, match="refusing to overwrite the input"):
        flowzip.open(path).save(tmp_path / "hard.zip")  # a hard link to the archive's own file


def test_a_tree_rewritten_in_place_keeps_its_modes_and_a_link_to_it_stays_a_link(tmp_path: Path) -> None:
    root = _tree(tmp_path / "repo")
    (root / "data_intg_flow").chmod(0o700)
    (root / "data_intg_flow" / "a.json").chmod(0o600)
    os.symlink(root, tmp_path / "link")
    archive = flowzip.open(tmp_path / "link")
    _edit(archive)
    archive.save(tmp_path / "link", in_place=True)
    assert (tmp_path / "link").is_symlink() and b"changed" in (root / "data_intg_flow" / "a.json").read_bytes()
    assert (root / ".git" / "HEAD").exists()  # the repository keeps its .git
    assert (root / "data_intg_flow").stat().st_mode & 0o777 == 0o700
    assert (root / "data_intg_flow" / "a.json").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "repo"]
