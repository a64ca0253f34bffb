"""flowzip benchmarks, measured against the physical floor in the same run.

    python bench/run.py [--flows 2000] [--repeat 5] [--json]

Generates (once, deterministically) a large export in ``bench/out/``, then
prints for each operation the best of ``--repeat`` runs, the floor it is
compared with, and the ratio:

* open + parse every flow  ÷  read + inflate + ``orjson.loads`` of every member
* no-op save of an opened archive  ÷  raw file copy (``shutil.copyfile`` + fsync);
  open + save is printed too
* import of the archive into itself (replace, rename) + save  ÷  two reads + a raw copy of the result
* split into one archive per flow  ÷  writing each flow's and job's stored bytes to a file, with fsync
* diff (and diff with patches) against a copy where a recipe changed most flows  ÷  reading both archives
* column propagation over every flow (every link out of a stage with a rule)  ÷  the read floor
* peak memory of open + parse + save (tracemalloc, measured in a separate pass)

Timings are never asserted in tests; this script is where they are watched.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import shutil
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

import flowzip  # noqa: E402


def interleaved(repeat: int, **measures: Callable[[], object]) -> dict[str, float]:
    """Best time of each measure over *repeat* rounds, the measures interleaved within a round
    so that a slow spell of the machine hits them all alike."""
    best = {name: float("inf") for name in measures}
    for _ in range(repeat):
        for name, func in measures.items():
            gc.collect()
            start = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def floor_read(path: Path) -> None:
    """The physical floor: read the file, inflate every member, orjson.loads every JSON member."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            payload = archive.read(info)
            if info.filename.endswith(".json"):
                orjson.loads(payload)


def open_and_parse_flows(path: Path) -> None:
    archive = flowzip.open(path)
    for flow in archive.flows:
        _ = flow.document


def open_and_parse_everything(path: Path) -> None:
    archive = flowzip.open(path)
    for member in archive.members:
        if member.is_json:
            member.json()
        else:
            member.read()


def open_parse_and_walk_stages(path: Path) -> None:
    archive = flowzip.open(path)
    for flow in archive.flows:
        _ = flow.links


def propagate_every_flow(path: Path) -> None:
    """Column propagation over every flow (every link out of a stage with a rule recomputed)."""
    archive = flowzip.open(path)
    for flow in archive.flows:
        flow.propagate_columns(every_link=True)


def lint_default(path: Path) -> None:
    from flowzip.lint import lint

    lint(path)


def raw_copy(src: Path, dest: Path) -> None:
    shutil.copyfile(src, dest)
    with open(dest, "rb+") as handle:
        os.fsync(handle.fileno())


def open_and_save(src: Path, dest: Path) -> None:
    flowzip.open(src).save(dest)


def import_into_itself(path: Path, dest: Path, resolution: str) -> None:
    """The archive imported into itself: 'replace' changes nothing, 'rename' brings every flow and job in again
    as a copy (its parameter sets are identical, so they are skipped)."""
    target = flowzip.open(path)
    target.import_flows(flowzip.open(path), conflict_resolution=resolution)
    target.save(dest)


def split(path: Path, folder: Path) -> None:
    from flowzip.ops.transfer import split_flows

    shutil.rmtree(folder, ignore_errors=True)
    split_flows(flowzip.open(path), folder)


def floor_split(path: Path, folder: Path) -> None:
    """The floor for a split: each flow's and its job's stored (compressed) bytes written to a file of
    their own, with fsync, as a split must at least do."""
    from flowzip.package.zipformat import read_directory

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    data = path.read_bytes()
    entries = {e.name: e for e in read_directory(data, str(path), flowzip.Limits()).entries}
    for name, entry in entries.items():
        if name.startswith("data_intg_flow/"):
            flow = name[len("data_intg_flow/"):-len(".json")]
            job = entries.get(f"job/{flow}.DataStage job.json")
            with open(folder / f"{flow}.zip", "wb") as handle:
                for part in (entry, job) if job else (entry,):
                    handle.write(memoryview(data)[part.header_offset:part.record_end])
                handle.flush()
                os.fsync(handle.fileno())


def make_changed_copy(path: Path, dest: Path) -> int:
    """A copy of the archive where a recipe changed every flow with a Peek stage; how many flows changed."""
    from flowzip.ops.transform import apply_recipe, parse_recipe

    archive = flowzip.open(path)
    result = apply_recipe(archive, parse_recipe([{"stages": {"type": "Peek"}, "set": {"nrecs": 25}}]))
    archive.save(dest)
    return len(result.flows)


def peak_memory(func: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def largest_real_lint(repeat: int) -> dict[str, object] | None:
    """Lint time of the largest archive or tree of ../shared/fixtures/real, when it is there."""
    real = HERE.parent.parent / "shared" / "fixtures" / "real"
    if not real.is_dir():
        return None
    candidates = [p for p in real.iterdir() if p.is_dir()] + list(real.rglob("*.zip"))

    def size(path: Path) -> int:
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size

    largest = max(candidates, key=size)
    seconds = interleaved(repeat, lint=lambda: lint_default(largest))["lint"]
    return {"archive": largest.name, "members": len(flowzip.open(largest).members), "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description="flowzip benchmarks against the physical floor")
    parser.add_argument("--flows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    out = HERE / "out"
    out.mkdir(exist_ok=True)
    archive_path = out / f"generated-{args.flows}.zip"
    if not archive_path.exists():
        archive_path.write_bytes(generate(args.flows))
    size = archive_path.stat().st_size
    members = len(flowzip.open(archive_path).members)
    copy_dest, save_dest = out / "copy.zip", out / "saved.zip"

    opened = flowzip.open(archive_path)
    times = interleaved(
        args.repeat,
        floor=lambda: floor_read(archive_path),
        parse_flows=lambda: open_and_parse_flows(archive_path),
        parse_all=lambda: open_and_parse_everything(archive_path),
        walk=lambda: open_parse_and_walk_stages(archive_path),
        copy=lambda: raw_copy(archive_path, copy_dest),
        save=lambda: opened.save(save_dest),
        open_save=lambda: open_and_save(archive_path, save_dest),
        lint=lambda: lint_default(archive_path),
        propagate=lambda: propagate_every_flow(archive_path),
    )
    floor, parse_flows, parse_all, walk = times["floor"], times["parse_flows"], times["parse_all"], times["walk"]
    copy, save, open_save, lint_time = times["copy"], times["save"], times["open_save"], times["lint"]
    real_lint = largest_real_lint(args.repeat)
    replaced_dest, renamed_dest = out / "replaced.zip", out / "renamed.zip"
    split_dest, floor_split_dest = out / "split", out / "floor-split"
    transfer = interleaved(
        min(args.repeat, 3),
        floor=lambda: floor_read(archive_path),
        replace=lambda: import_into_itself(archive_path, replaced_dest, "replace"),
        rename=lambda: import_into_itself(archive_path, renamed_dest, "rename"),
        copy_renamed=lambda: raw_copy(renamed_dest, copy_dest) if renamed_dest.exists() else None,
        split=lambda: split(archive_path, split_dest),
        floor_split=lambda: floor_split(archive_path, floor_split_dest),
    )
    assert replaced_dest.read_bytes() == archive_path.read_bytes(), "replacing with the same flows changes nothing"
    changed_path = out / "changed.zip"
    changed_flows = make_changed_copy(archive_path, changed_path)
    compare = interleaved(
        min(args.repeat, 3),
        floor=lambda: (floor_read(archive_path), floor_read(changed_path)),
        diff=lambda: flowzip.diff(archive_path, changed_path),
        patch=lambda: flowzip.diff(archive_path, changed_path, patches=True),
    )
    # Importing reads both archives and writes the result: its floor is two reads and a copy of the result.
    import_floor = {"replace": 2 * transfer["floor"] + copy, "rename": 2 * transfer["floor"] + transfer["copy_renamed"]}
    assert save_dest.read_bytes() == archive_path.read_bytes(), "a no-op save must reproduce the archive"

    def whole_job() -> None:
        archive = flowzip.open(archive_path)
        for flow in archive.flows:
            _ = flow.document
        archive.save(save_dest)

    peak = peak_memory(whole_job)
    results = {
        "archive": {"path": str(archive_path), "bytes": size, "members": members, "flows": args.flows},
        "floor_read_inflate_orjson_s": floor,
        "open_parse_flows_s": parse_flows,
        "open_parse_flows_ratio": parse_flows / floor,
        "open_parse_all_members_s": parse_all,
        "open_parse_all_members_ratio": parse_all / floor,
        "open_parse_flows_and_links_s": walk,
        "open_parse_flows_and_links_ratio": walk / floor,
        "raw_copy_s": copy,
        "no_op_save_s": save,
        "no_op_save_ratio": save / copy,
        "open_and_save_s": open_save,
        "open_and_save_ratio": open_save / copy,
        "lint_default_rules_s": lint_time,
        "lint_default_rules_ratio": lint_time / floor,
        "lint_largest_real_archive": real_lint,
        "propagate_columns_every_flow_s": times["propagate"],
        "propagate_columns_every_flow_ratio": times["propagate"] / floor,
        "import_into_itself_replace_s": transfer["replace"],
        "import_into_itself_replace_ratio": transfer["replace"] / import_floor["replace"],
        "import_into_itself_rename_s": transfer["rename"],
        "import_into_itself_rename_ratio": transfer["rename"] / import_floor["rename"],
        "diff_s": compare["diff"],
        "diff_ratio": compare["diff"] / compare["floor"],
        "diff_with_patches_s": compare["patch"],
        "diff_with_patches_ratio": compare["patch"] / compare["floor"],
        "split_s": transfer["split"],
        "split_ratio": transfer["split"] / transfer["floor_split"],
        "peak_memory_bytes": peak,
        "peak_memory_per_archive_byte": peak / size,
    }
    for leftover in (copy_dest, save_dest, replaced_dest, renamed_dest, changed_path):
        leftover.unlink(missing_ok=True)
    for folder in (split_dest, floor_split_dest):
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"archive: {archive_path.name}, {size / 2**20:.1f} MiB, {members} members, best of {args.repeat}")
    print(f"{'measure':44} {'seconds':>9} {'floor':>9} {'ratio':>7} target")
    rows = [
        ("open + parse every flow", parse_flows, floor, "<= 1.5"),
        ("open + parse every member", parse_all, floor, ""),
        ("open + parse every flow + walk its links", walk, floor, ""),
        ("lint, default rules", lint_time, floor, "<= 2.5"),
        ("column propagation over every flow", times["propagate"], floor, ""),
        ("no-op save of an open archive", save, copy, "<= 3"),
        ("open + no-op save", open_save, copy, ""),
    ]
    rows += [
        ("import into itself, replace + save", transfer["replace"], import_floor["replace"], ""),
        ("import into itself, rename + save", transfer["rename"], import_floor["rename"], ""),
        (f"split into {args.flows} archives", transfer["split"], transfer["floor_split"], ""),
        (f"diff, {changed_flows} flows changed", compare["diff"], compare["floor"], ""),
        ("diff --format patch (patches checked)", compare["patch"], compare["floor"], ""),
    ]
    for label, value, base, target in rows:
        print(f"{label:44} {value:9.3f} {base:9.3f} {value / base:7.2f} {target}")
    print(f"floor for reads: read + inflate + orjson.loads of every member = {floor:.3f} s")
    print(f"floor for save: raw file copy + fsync = {copy:.3f} s")
    print("floor for import: two reads (target and source) + a raw copy of the result; for split: each flow's "
          "and job's stored bytes written to a file of their own, with fsync; for diff: reading both archives")
    if real_lint:
        print(f"lint of the largest real archive ({real_lint['archive']}, {real_lint['members']} members): "
              f"{real_lint['seconds']:.3f} s")
    print(f"peak memory (open + parse flows + save): {peak / 2**20:.1f} MiB "
          f"({peak / size:.1f}x the archive size)")


if __name__ == "__main__":
    main()
