"""``flowzip import``, ``flowzip export`` and ``flowzip split``: the platform's import and export, offline."""

from __future__ import annotations

import os
from typing import Any

import click

from ..display import counted
from ..errors import FlowzipError
from ..ops.transfer import CONFLICT_RESOLUTIONS, ON_FAILURE, REPLACE_MODES, split_flows
from ..package.folders import ASSET_FOLDERS
from .common import progress
from .options import check_destination, json_option, output_options, save
from .reporters import emit, reporter, table

EXIT_CLEAN, EXIT_FINDINGS = 0, 1


def export_options(func: Any) -> Any:
    """What export and split share: which dependencies come along, and --json."""
    func = json_option(func)
    func = click.option("--include-binaries", is_flag=True,
                        help="Bring the flows' compiled binaries (px_executables) along.")(func)
    return click.option("--include-dependencies/--no-include-dependencies", default=True, show_default=True,
                        help="Bring the flows' parameter sets, connections, subflows and other dependencies "
                             "along.")(func)


@click.command("import")
@click.argument("target", type=click.Path(exists=True, dir_okay=True))
@click.argument("source", type=click.Path(exists=True, dir_okay=True))
@click.option("--conflict-resolution", type=click.Choice(CONFLICT_RESOLUTIONS), default="rename", show_default=True,
              help="What to do with an asset whose name the target already has.")
@click.option("--on-failure", type=click.Choice(ON_FAILURE), default="continue", show_default=True,
              help="Go on after an asset fails to import, or stop and change nothing.")
@click.option("--replace-mode", type=click.Choice(REPLACE_MODES), default="hard", show_default=True,
              help="With --conflict-resolution replace: 'soft' merges parameter sets (adds new parameters, keeps "
                   "the target's parameters and value sets), 'hard' replaces them.")
@click.option("--include-dependencies/--no-include-dependencies", default=True, show_default=True,
              help="Import parameter sets, connections, subflows and other dependencies too, or flows only.")
@click.option("--import-binaries", is_flag=True,
              help="Also import compiled binaries (px_executables) that match their flows; stale ones are "
                   "reported and left out.")
@click.option("--import-only", is_flag=True, help="Import flows without their jobs (the platform then creates no "
                                                   "jobs and compiles nothing).")
@click.option("--type", "asset_types", multiple=True, type=click.Choice(sorted(ASSET_FOLDERS)), metavar="TYPE",
              help="Import only assets of this type (an asset folder: data_intg_flow, orchestration_flow, "
                   "parameter_set, job, ...; repeatable). Everything else is listed as not imported.")
@click.option("--strict", is_flag=True, help="Exit 1 also when imported flows miss dependencies.")
@output_options()
@click.pass_context
def import_command(ctx: click.Context, target: str, source: str, output: str | None, in_place: bool, dry_run: bool,
                   conflict_resolution: str, on_failure: str, replace_mode: str, include_dependencies: bool,
                   import_binaries: bool, import_only: bool, asset_types: tuple[str, ...], strict: bool,
                   as_json: bool) -> int:
    """Import SOURCE into TARGET as the platform's import would change the project.

    TARGET is the project as it stands (a full export or a Git-integration
    tree), SOURCE the archive to import.  Assets whose names TARGET already has
    are skipped, renamed (NAME_1, NAME_2, ... with every reference in the
    imported flows and jobs re-pointed) or replaced.  The report lists every
    asset with the platform's status names.

    Exit codes: 0 imported, 1 an asset failed or the import was cancelled
    (with --strict also: flows miss dependencies), 2 error.

    \b
    Examples:
      flowzip import project.zip release.zip --dry-run
      flowzip import project.zip release.zip -o after.zip
      flowzip import project.zip release.zip --conflict-resolution replace --replace-mode soft -o after.zip
      flowzip import repo/datastage release.zip --conflict-resolution skip --in-place
      flowzip import project.zip release.zip --dry-run --json | jq '.import_data_flows[] | select(.status=="renamed")'
    """
    check_destination(output, in_place, dry_run)
    opened = ctx.obj["open"](target)
    incoming = ctx.obj["open"](source)
    response = opened.import_flows(incoming, conflict_resolution=conflict_resolution, on_failure=on_failure,
                                   import_only=import_only, include_dependencies=include_dependencies,
                                   replace_mode=replace_mode, import_binaries=import_binaries,
                                   asset_types=list(asset_types) or None)
    written = None
    if not dry_run and response.status == "completed":
        written = save(opened, output, in_place, inputs=[source])
    data = {"target": target, "source": source, "written": written, "dry_run": dry_run, **response.to_dict()}
    emit("import", data, as_json)
    if response.status != "completed" or response.failed or (strict and response.missing_assets):
        return EXIT_FINDINGS
    return EXIT_CLEAN


@reporter("import")
def _import_report(data: dict[str, Any]) -> None:
    options = (f"conflict resolution {data['conflict_resolution']}, on failure {data['on_failure']}, "
               f"replace mode {data['replace_mode']}")
    if not data["include_dependencies"]:
        options += ", flows only"
    if data["import_only"]:
        options += ", import only"
    if data["import_binaries"]:
        options += ", with binaries"
    click.echo(f"import of {data['source']} into {data['target']}: {data['status']} ({options})")
    rows = [["TYPE", "NAME", "RESULT", "STATUS"]]
    for entry in data["import_data_flows"]:
        name = entry["original_name"]
        if entry["name"] != name:
            name += f" -> {entry['name']}"
        rows.append([entry["type"], name, entry["status"], entry["conflict_resolution_status"] or ""])
    table(rows)
    for entry in data["import_data_flows"]:
        for problem in entry["errors"]:
            click.echo(f"  error: {entry['type']} {entry['original_name']!r}: {problem['type']}: "
                       f"{problem['description']}")
        for warning in entry["warnings"]:
            click.echo(f"  warning: {entry['type']} {entry['original_name']!r}: {warning['type']}: "
                       f"{warning['description']}")
    for missing in data["missing_assets"]:
        click.echo(f"  missing: {missing['type']} {missing['name']!r} (neither the target nor the import has it)")
    for item in data["not_imported"]:
        click.echo(f"  not imported: {item['type']} {item['name']!r}: {item['reason']}")
    tally = data["tally"]
    click.echo(f"{tally['total']} assets: {tally['imported']} imported ({tally['renamed']} renamed, "
               f"{tally['replaced']} replaced), {tally['skipped']} skipped, {tally['failed']} failed")
    if data["import_error"]:
        click.echo(f"cancelled: {data['import_error']}; nothing written")
    elif data["dry_run"]:
        click.echo("dry run: nothing written")
    elif data["written"]:
        click.echo(f"wrote {data['written']}")


@click.command("export")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.option("--flow", "flows", multiple=True, required=True, metavar="NAME",
              help="A flow to export (repeat for more; all of one type: batch flows or subflows).")
@click.option("-o", "--output", required=True, type=click.Path(),
              help="The new archive (.zip for a ZIP, any other path for a folder).")
@export_options
@click.pass_context
def export_command(ctx: click.Context, archive: str, flows: tuple[str, ...], output: str, include_dependencies: bool,
                   include_binaries: bool, as_json: bool) -> None:
    """Export some flows of ARCHIVE, with their jobs and dependencies, to a new archive.

    The new archive holds the flows, the jobs that run them and (unless
    --no-include-dependencies) everything they depend on, transitively, with a
    DataStage-README.json manifest, as the platform's export writes it.
    Unchanged members keep their bytes.

    \b
    Examples:
      flowzip export project.zip --flow nightly_load -o nightly_load.zip
      flowzip export repo/datastage --flow load_a --flow load_b -o release.zip
      flowzip export project.zip --flow nightly_load --no-include-dependencies -o flow-only.zip
    """
    opened = ctx.obj["open"](archive)
    result = opened.export_flows(list(flows), output, include_dependencies=include_dependencies,
                                 include_binaries=include_binaries)
    emit("export", result.to_dict(), as_json)


@reporter("export")
def _export_report(data: dict[str, Any]) -> None:
    flows = ", ".join(repr(f) for f in data["flows"])
    click.echo(f"exported {flows} with {counted(len(data['members']), 'member')} to {data['path']}")
    for missing in data["missing"]:
        click.echo(f"  missing: {missing['type']} {missing['name']!r} (the archive does not hold it)")


@click.command("split")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False),
              help="Folder to write one FLOW.zip per flow into (created when missing).")
@export_options
@click.pass_context
def split_command(ctx: click.Context, archive: str, output: str, include_dependencies: bool, include_binaries: bool,
                  as_json: bool) -> None:
    """Split ARCHIVE into one archive per batch flow, each with its jobs and dependencies.

    \b
    Examples:
      flowzip split project.zip -o flows/
      flowzip split repo/datastage -o flows/ --json | jq -r '.[].path'
    """
    opened = ctx.obj["open"](archive)
    if os.path.abspath(output) == os.path.abspath(archive):
        raise FlowzipError("the output folder is the archive itself; choose another -o", archive=archive)
    names = opened.flows.names()
    with progress(len(names), "splitting", threshold=20) as step:
        results = split_flows(opened, output, include_dependencies=include_dependencies,
                              include_binaries=include_binaries, progress=step)
    emit("split", [r.to_dict() for r in results], as_json)


@reporter("split")
def _split_report(data: list[dict[str, Any]]) -> None:
    for item in data:
        missing = f", {counted(len(item['missing']), 'missing dependency')}" if item["missing"] else ""
        click.echo(f"{item['path']}: {item['flows'][0]!r}, {counted(len(item['members']), 'member')}{missing}")
    click.echo(f"{counted(len(data), 'archive')} written")


COMMANDS = [import_command, export_command, split_command]
