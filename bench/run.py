"""flowzip benchmarks: every figure of issue 17 against its floor, measured in the same run, with its target.

    python bench/run.py [--repeat 5] [--json] [--skip-layout] [--skip-big]

Archives (built once into ``bench/out/``, deterministic):

* ``sdk-2000.zip``: 2,000 flows built with the official SDK (``bench/sdk_corpus.py sdk``): every property
  default of every stage, 4 to 80 stages, median ~86 KB a flow, 193 MB of flow JSON, in the platform's style;
* ``real-2000.zip``: the flows of the real exports in ``../shared/fixtures/real`` taken round-robin to 2,000
  (real-export sizes, median ~16 KB, their own files' styles; not built when ``../shared`` is missing);
* ``sdk-dag-99.zip``: 99 SDK-built random DAGs of 10 to 200 stages, for the layout comparison;
* ``flow-5000.zip``: one flow of 5,000 stages (``bench/big_flow.py``).

Floors, measured in the same run: *read* = read the file + inflate every member + ``orjson.loads`` of every JSON
member; *recipe* = read + inflate + parse every member + ``orjson.dumps(OPT_INDENT_2)`` + deflate of the
members the recipe changes; *copy* = ``shutil.copyfile`` + fsync. Each figure is the best of ``--repeat``
rounds, the measures interleaved within a round. Peak memory is the resident size of the command run alone
(``flowzip`` in a child process) less that of ``flowzip --version`` (the interpreter and modules), against what
the command must hold: the archive's bytes and its largest member (check, lint), and the uncompressed flows it
changes (apply, arrange). Timings are never
asserted in tests; this script is where they are watched.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

import big_flow  # noqa: E402
import layout  # noqa: E402
import sdk_corpus  # noqa: E402
import timing  # noqa: E402

import flowzip  # noqa: E402
from flowzip.analysis.summary import check_archive  # noqa: E402
from flowzip.lint import lint  # noqa: E402
from flowzip.ops.arrange import arrange_flows  # noqa: E402
from flowzip.ops.transform import apply_recipe, parse_recipe  # noqa: E402

OUT = HERE / "out"
RECIPE = [{"stages": {"type": "Transformer"}, "set": {"buf_free_run": 40}}]


def interleaved(repeat: int, **measures: Callable[[], object]) -> dict[str, float]:
    """Best time of each measure over *repeat* rounds, the measures interleaved within a round
    so that a slow spell of the machine hits them all alike."""
    best = {name: float("inf") for name in measures}
    for _ in range(repeat):
        for name, func in measures.items():
            best[name] = min(best[name], timing.seconds(func))
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


def propagate_every_flow(path: Path) -> None:
    """Column propagation over every flow (every link out of a stage with a rule recomputed)."""
    archive = flowzip.open(path)
    for flow in archive.flows:
        flow.propagate_columns(every_link=True)


def raw_copy(src: Path, dest: Path) -> None:
    shutil.copyfile(src, dest)
    with open(dest, "rb+") as handle:
        os.fsync(handle.fileno())


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


def check(path: Path, jobs: int | None = None) -> None:
    check_archive(flowzip.open(path), jobs=jobs)  # what `flowzip check` does


def lint_jobs(path: Path, jobs: int | None) -> None:
    lint(path, jobs=jobs)


def recipe(path: Path, dest: Path, jobs: int | None = None) -> int:
    archive = flowzip.open(path)
    changed = len(apply_recipe(archive, parse_recipe(RECIPE), jobs=jobs).flows)
    archive.save(dest)
    return changed


def changed_members(path: Path, dest: Path) -> set[str]:
    """The members whose bytes differ between two archives."""
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(dest) as b:
        crc = {i.filename: i.CRC for i in a.infolist()}
        return {i.filename for i in b.infolist() if crc.get(i.filename) != i.CRC}


def floor_recipe(path: Path, changed: set[str]) -> None:
    """Read, inflate and parse every member, then orjson's indented text and deflate of the changed ones."""
    data = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            payload = archive.read(info)
            if info.filename.endswith(".json"):
                doc = orjson.loads(payload)
                if info.filename in changed:
                    deflater = zlib.compressobj(6, zlib.DEFLATED, -15)
                    deflater.compress(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
                    deflater.flush()


def arrange_all(path: Path, dest: Path, jobs: int | None = None) -> None:
    archive = flowzip.open(path)
    arrange_flows(archive, jobs=jobs)
    archive.save(dest)


#: The one-flow archive of the README's first command.
DEMO = HERE.parent / "fixtures" / "demo" / "paramset.zip"

#: Runs a command and prints its peak resident size: a small process of its own, so that the command's child
#: starts from it and not from this process's pages (a child forked or spawned from here counts them).
_LAUNCHER = ("import os, subprocess, sys; child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, "
             "stderr=subprocess.DEVNULL); print(os.wait4(child.pid, 0)[2].ru_maxrss)")


def peak_rss(args: list[str]) -> int:
    """Peak resident bytes of ``flowzip ARGS`` run alone."""
    done = subprocess.run([sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "flowzip", *args],
                          capture_output=True, check=True, env={**os.environ, "PYTHONPATH": str(HERE.parent / "src")})
    return int(done.stdout) * 1024


def flow_bytes(path: Path, names: set[str] | None = None) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(i.file_size for i in archive.infolist() if i.filename.startswith("data_intg_flow/")
                   and (names is None or i.filename in names))


def largest_member(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return max(i.file_size for i in archive.infolist())


def corpus(name: str, kind: str, flows: int) -> Path | None:
    path = OUT / name
    if not path.exists():
        print(f"building {name} (once) ...", file=sys.stderr)
        try:
            data = sdk_corpus.build(kind, flows)
        except SystemExit as exc:  # the SDK or ../shared missing: say so, measure the rest
            print(f"  skipped: {exc}", file=sys.stderr)
            return None
        path.write_bytes(data)
    return path


Row = tuple[str, float, float | None, str]  # label, value, floor (None: absolute), target


def archive_rows(path: Path, repeat: int, full: bool) -> list[Row]:
    """Reading, checking, linting, a recipe, arranging and saving *path*, each against its floor."""
    dest, copy_dest = OUT / "bench-out.zip", OUT / "bench-copy.zip"
    opened = flowzip.open(path)
    flows = len(opened.flows)
    recipe(path, dest)
    changed = changed_members(path, dest)
    times = interleaved(
        repeat,
        floor=lambda: floor_read(path),
        parse_flows=lambda: open_and_parse_flows(path),
        check=lambda: check(path),
        check1=lambda: check(path, 1),
        lint2=lambda: lint_jobs(path, None),
        lint1=lambda: lint_jobs(path, 1),
        recipe_floor=lambda: floor_recipe(path, changed),
        recipe=lambda: recipe(path, dest),
        recipe1=lambda: recipe(path, dest, jobs=1),
        copy=lambda: raw_copy(path, copy_dest),
        save=lambda: opened.save(copy_dest),
        arrange=lambda: arrange_all(path, dest),
        arrange1=lambda: arrange_all(path, dest, jobs=1),
    )
    floor = times["floor"]
    rows: list[Row] = [
        ("open + parse every flow", times["parse_flows"], floor, "<= 1.5"),
        ("check (every member read and checked), both cores", times["check"], floor, "<= 1.5"),
        ("check, one core", times["check1"], floor, ""),
        ("lint, default rules, both cores", times["lint2"], floor, "<= 2.5"),
        ("lint, default rules, one core", times["lint1"], floor, "<= 4"),
        (f"recipe: one property, {len(changed)} flows changed + save, both cores", times["recipe"],
         times["recipe_floor"], "<= 3"),
        ("recipe, one core", times["recipe1"], times["recipe_floor"], ""),
        ("no-op save of an open archive", times["save"], times["copy"], "<= 3"),
        (f"arrange all {flows} flows + save (both cores)", times["arrange"], None, "<= 5 s"),
        (f"arrange all {flows} flows + save, one core", times["arrange1"], None, ""),
    ]
    if full:
        rows += transfer_rows(path, repeat)
    size = flow_bytes(path)
    members = largest_member(path)
    # lint must also hold what it reports: its findings (sorted, filtered by ignores and baseline before they are
    # printed), counted as their JSON text (64,000 on the SDK-built archive, where every stage keeps its default name).
    findings = len(orjson.dumps([f.to_dict() for f in lint(path, jobs=1).findings]))
    must = {"check": path.stat().st_size + members, "lint": path.stat().st_size + members + findings,
            "apply": path.stat().st_size + flow_bytes(path, changed), "arrange": path.stat().st_size + size}
    recipe_file = OUT / "bench-recipe.json"
    recipe_file.write_text(json.dumps({"steps": RECIPE}))
    def commands(archive: Path) -> dict[str, list[str]]:
        return {"check": ["check", str(archive)], "lint": ["lint", "--jobs", "1", str(archive)],
                "apply": ["apply", str(archive), str(recipe_file), "-o", str(dest)],
                "arrange": ["arrange", str(archive), "-o", str(dest)]}

    # What a command holds whatever its input (the interpreter, the modules it imports, the stage catalog lint
    # reads): the same command on the one-flow demo archive. The rest grows with the input.
    fixed = {name: peak_rss(args) for name, args in commands(DEMO).items()}
    for name, args in commands(path).items():
        dest.unlink(missing_ok=True)
        peak = peak_rss(args)
        rows.append((f"peak memory of {name} ({peak / 2**20:.0f} MiB; {fixed[name] / 2**20:.0f} on the demo), x what "
                     "it holds", (peak - fixed[name]) / must[name], None, "<= 2"))
    for leftover in (dest, copy_dest, recipe_file):
        leftover.unlink(missing_ok=True)
    return rows


def transfer_rows(path: Path, repeat: int) -> list[Row]:
    """Import, split, diff and column propagation (no targets: watched for regressions)."""
    replaced, renamed, copy_dest = OUT / "replaced.zip", OUT / "renamed.zip", OUT / "bench-copy.zip"
    split_dest, floor_split_dest, changed_path = OUT / "split", OUT / "floor-split", OUT / "changed.zip"
    transfer = interleaved(
        min(repeat, 3),
        floor=lambda: floor_read(path),
        replace=lambda: import_into_itself(path, replaced, "replace"),
        rename=lambda: import_into_itself(path, renamed, "rename"),
        copy_renamed=lambda: raw_copy(renamed, copy_dest) if renamed.exists() else None,
        copy=lambda: raw_copy(path, copy_dest),
        split=lambda: split(path, split_dest),
        floor_split=lambda: floor_split(path, floor_split_dest),
        propagate=lambda: propagate_every_flow(path),
    )
    assert replaced.read_bytes() == path.read_bytes(), "replacing with the same flows changes nothing"
    changed_flows = make_changed_copy(path, changed_path)
    compare = interleaved(
        min(repeat, 3),
        floor=lambda: (floor_read(path), floor_read(changed_path)),
        diff=lambda: flowzip.diff(path, changed_path),
        patch=lambda: flowzip.diff(path, changed_path, patches=True),
    )
    two_reads = 2 * transfer["floor"]
    rows: list[Row] = [
        ("column propagation over every flow", transfer["propagate"], transfer["floor"], ""),
        ("import into itself, replace + save", transfer["replace"], two_reads + transfer["copy"], ""),
        ("import into itself, rename + save", transfer["rename"], two_reads + transfer["copy_renamed"], ""),
        ("split into one archive per flow", transfer["split"], transfer["floor_split"], ""),
        (f"diff, {changed_flows} flows changed", compare["diff"], compare["floor"], ""),
        ("diff --format patch (patches checked)", compare["patch"], compare["floor"], ""),
    ]
    for leftover in (replaced, renamed, copy_dest, changed_path):
        leftover.unlink(missing_ok=True)
    for folder in (split_dest, floor_split_dest):
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def holds(value: float, floor: float | None, target: str) -> str:
    if not target:
        return ""
    limit = float(target.split()[1])
    figure = value / floor if floor else value
    return "ok" if figure <= limit else "OVER"


def print_rows(title: str, rows: list[Row]) -> None:
    print(f"\n{title}")
    print(f"  {'measure':52} {'value':>9} {'floor':>9} {'ratio':>7}  {'target':8}")
    for label, value, floor, target in rows:
        if floor:
            verdict = holds(value, floor, target)
            print(f"  {label:52} {value:9.3f} {floor:9.3f} {value / floor:7.2f}  {target:8} {verdict}")
        elif target.endswith(" s"):
            print(f"  {label:52} {value:9.3f} {'':9} {'':7}  {target:8} {holds(value, None, target)}")
        else:
            print(f"  {label:52} {value:9.2f} {'':9} {'':7}  {target:8} {holds(value, None, target)}")


def main() -> None:
    parser = argparse.ArgumentParser(description="flowzip benchmarks against the floor, with issue 17's targets")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of the archive measures (the best counts)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--skip-layout", action="store_true", help="leave out the layout comparison (~90 s)")
    parser.add_argument("--skip-big", action="store_true", help="leave out the 5,000-stage flow (~60 s)")
    parser.add_argument("--skip-real", action="store_true", help="leave out the real-export-sized archive")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    gc.collect()
    results: dict[str, object] = {}
    sdk = corpus("sdk-2000.zip", "sdk", 2000)
    if sdk is not None:
        results["sdk"] = archive_rows(sdk, args.repeat, full=True)
    real = None if args.skip_real else corpus("real-2000.zip", "real", 2000)
    if real is not None:
        results["real"] = archive_rows(real, args.repeat, full=False)
    if not args.skip_layout:
        dags = corpus("sdk-dag-99.zip", "dag", 99)
        if dags is not None:
            results["layout"] = layout.quality(dags)
    if not args.skip_big:
        results["big"] = big_flow.measure(5000)
    if args.json:
        print(json.dumps(results, indent=2, default=list))
        return
    for key, title in (("sdk", "2,000 SDK-built flows (sdk-2000.zip)"),
                       ("real", "2,000 flows of real-export sizes (real-2000.zip)")):
        if key in results:
            path = OUT / f"{key}-2000.zip"
            print_rows(f"{title}: {path.stat().st_size / 2**20:.1f} MiB, {flow_bytes(path) / 2**20:.0f} MiB of flow "
                       f"JSON; best of {args.repeat}", results[key])  # type: ignore[arg-type]
    if "layout" in results:
        q: dict = results["layout"]  # type: ignore[assignment]
        print(f"\nlayout of {q['flows']} SDK-built DAGs (sdk-dag-99.zip), measured alike (straight links):")
        print(f"  crossings: flowzip {q['crossings']}, Graphviz dot {q['dot_crossings']}, SDK LayeredLayout "
              f"{q['sdk_crossings']} (on the {q['sdk_flows']} it lays out)   target: flowzip <= dot  "
              f"{'ok' if q['crossings_on_dot_flows'] <= q['dot_crossings'] else 'OVER'}")
        print(f"  flows where flowzip crosses no more than dot: {q['share_at_most_dot']:.0%}   target: >= 90%  "
              f"{'ok' if q['share_at_most_dot'] >= 0.9 else 'OVER'}")
        print(f"  overlapping stage pairs: flowzip {q['overlaps']}, dot {q['dot_overlaps']}   target: 0  "
              f"{'ok' if q['overlaps'] == 0 else 'OVER'}")
        print(f"  flows with every link left to right: {q['acyclic_flows_all_left_to_right']:.0%}   target: 100%")
        print(f"  area: flowzip / dot {q['area_vs_dot']:.2f} in total; no larger on {q['share_area_at_most_dot']:.0%}"
              f" of the flows   target: <= 1  {'ok' if q['area_vs_dot'] <= 1 else 'OVER'}")
        print(f"  laid out twice, the same positions: {'yes' if q['stable'] else 'NO'}")
        print(f"  500 stages: {q['seconds_500_stages']:.2f} s   target: <= 0.5 s  "
              f"{'ok' if q['seconds_500_stages'] <= 0.5 else 'OVER'}")
    if "big" in results:
        print("\none flow of 5,000 stages (flow-5000.zip), best of 2; target 2 s each")
        for name, seconds in results["big"].items():  # type: ignore[union-attr]
            print(f"  {name:28} {seconds:7.2f} s  {'ok' if seconds <= 2 else 'OVER'}")


if __name__ == "__main__":
    main()
