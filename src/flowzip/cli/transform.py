"""``flowzip apply`` (batch transforms from a recipe) and ``flowzip overlay`` (per-environment overrides)."""

from __future__ import annotations

from typing import Any

import click

from ..analysis.diff import diff
from ..model.parallel import PARALLEL_MEMBERS
from ..ops.overlay import apply_overlays
from ..ops.transform import apply_recipe, load_recipe
from .common import progress
from .compare import report_diff
from .options import check_destination, output_options, save
from .reporters import emit, reporter


def _write_or_dry_run(ctx: click.Context, archive: Any, original_path: str, output: str | None, in_place: bool,
                      dry_run: bool, as_json: bool, kind: str, summary: dict[str, Any],
                      inputs: list[str]) -> None:
    """Save the changed archive, or with --dry-run print the diff it would make and write nothing."""
    if dry_run:
        summary["diff"] = diff(ctx.obj["open"](original_path), archive).to_dict()
        summary["written"] = None
    else:
        summary["written"] = save(archive, output, in_place, inputs=inputs)
    emit(kind, summary, as_json)


@click.command("apply")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.argument("recipe", type=click.Path(exists=True, dir_okay=False))
@click.option("--allow-no-match", is_flag=True,
              help="A step whose selectors pick no flow is reported, not an error (exit 2).")
@click.option("--jobs", type=click.IntRange(1), default=None,
              help=f"Worker processes (default: one per core for {PARALLEL_MEMBERS} flows or more).")
@output_options()
@click.pass_context
def apply_command(ctx: click.Context, archive: str, recipe: str, allow_no_match: bool, jobs: int | None,
                  output: str | None, in_place: bool, dry_run: bool, as_json: bool) -> None:
    """Run RECIPE (.toml or .json) over every flow of ARCHIVE its selectors pick.

    Each step names the flows (a name glob) and stages (type, op, label glob)
    it applies to and one action: set, remove, rename-stage, rename-link,
    replace-text, repoint-connection, repoint-parameter-set, add-parameter-set,
    remove-parameter-set, settings, arrange.  A step whose selectors pick
    no flow is an error (exit 2, nothing written) unless the step says
    optional = true or --allow-no-match is given.  The recipe format: docs/diff-and-transforms.md.

    \b
    Examples:
      flowzip apply project.zip migrate.toml --dry-run
      flowzip apply project.zip migrate.toml -o migrated.zip
      flowzip apply repo/datastage prod-connections.json --in-place
    """
    check_destination(output, in_place, dry_run)
    steps = load_recipe(recipe)
    opened = ctx.obj["open"](archive)
    with progress(len(opened.flows) * len(steps), "applying", threshold=200) as step:
        result = apply_recipe(opened, steps, progress=step, allow_no_match=allow_no_match, jobs=jobs)
    _write_or_dry_run(ctx, opened, archive, output, in_place, dry_run, as_json, "applied", result.to_dict(),
                      [recipe])


@reporter("applied")
def _applied(data: dict[str, Any]) -> None:
    for flow, changes in data["flows"].items():
        click.echo(f"flow {flow!r}")
        for change in changes:
            click.echo(f"    {change}")
    for number in data.get("unchanged_steps", []):
        click.echo(f"step {number}: nothing to change (already so)")
    for number in data.get("unmatched_steps", []):
        click.echo(f"step {number}: picked no flow (allowed)")
    if data.get("diff") is not None:
        report_diff(data["diff"])
        click.echo("dry run: nothing written")
    else:
        count = len(data["members"])
        click.echo(f"{count} member{'s' if count != 1 else ''} changed; wrote {data['written']}")


@click.command("overlay")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.argument("overlays", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@output_options()
@click.pass_context
def overlay_command(ctx: click.Context, archive: str, overlays: tuple[str, ...], output: str | None,
                    in_place: bool, dry_run: bool, as_json: bool) -> None:
    """Apply per-environment overlays to ARCHIVE, folder after folder, and report them asset by asset.

    An overlay folder is laid out like the archive: <folder>/<asset>.json is an
    RFC 7386 JSON Merge Patch of that member; parameter_set/<set>.json5 sets
    parameter defaults (name: value, JSON5).  An overlay for a member or a
    parameter the archive does not hold is an error: nothing is written.

    \b
    Examples:
      flowzip overlay repo/datastage overlays/qa --dry-run
      flowzip overlay release.zip overlays/common overlays/prod -o release-prod.zip
    """
    check_destination(output, in_place, dry_run)
    opened = ctx.obj["open"](archive)
    result = apply_overlays(opened, list(overlays))
    _write_or_dry_run(ctx, opened, archive, output, in_place, dry_run, as_json, "overlaid", result.to_dict(),
                      list(overlays))


@reporter("overlaid")
def _overlaid(data: dict[str, Any]) -> None:
    for item in data["applied"]:
        count = len(item["changes"])
        click.echo(f"{item['overlay']} -> {item['member']}: " + (f"{count} change{'s' if count != 1 else ''}"
                                                                 if count else "already so"))
        for change in item["changes"]:
            click.echo(f"    {change}")
    if data.get("diff") is not None:
        click.echo("dry run: nothing written")
    else:
        click.echo(f"wrote {data['written']}")


COMMANDS = [apply_command, overlay_command]
