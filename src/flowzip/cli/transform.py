"""``flowzip apply`` (batch transforms from a recipe) and ``flowzip overlay`` (per-environment overrides)."""

from __future__ import annotations

from typing import Any

import click

from .common import progress
from .render import emit, reporter


def _write_or_dry_run(ctx: click.Context, archive: Any, original_path: str, output: str | None, in_place: bool,
                      dry_run: bool, as_json: bool, kind: str, summary: dict[str, Any]) -> None:
    """Save the changed archive, or with --dry-run print the diff it would make and write nothing."""
    from ..diff import diff

    if dry_run:
        difference = diff(ctx.obj["open"](original_path), archive)
        summary["diff"] = difference.to_dict()
        summary["written"] = None
    else:
        summary["written"] = archive.save(archive.path if in_place else output, in_place=in_place)
    emit(kind, summary, as_json)


def _check_outputs(output: str | None, in_place: bool, dry_run: bool) -> None:
    if dry_run and (output or in_place):
        raise click.UsageError("--dry-run writes nothing; leave out -o/--output and --in-place")
    if not dry_run and bool(output) == in_place:
        raise click.UsageError("give exactly one of -o/--output, --in-place and --dry-run")


output_options = [
    click.option("-o", "--output", type=click.Path(), help="Write the result here (.zip, or a folder)."),
    click.option("--in-place", is_flag=True, help="Overwrite ARCHIVE with the result (atomically)."),
    click.option("--dry-run", is_flag=True, help="Print the diff the change would make; write nothing."),
    click.option("--json", "as_json", is_flag=True, help="Print the summary (and with --dry-run the diff) as JSON."),
]


def with_output_options(func: Any) -> Any:
    for option in reversed(output_options):
        func = option(func)
    return func


@click.command("apply")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.argument("recipe", type=click.Path(exists=True, dir_okay=False))
@with_output_options
@click.pass_context
def apply_command(ctx: click.Context, archive: str, recipe: str, output: str | None, in_place: bool, dry_run: bool,
                  as_json: bool) -> None:
    """Run RECIPE (.toml or .json) over every flow of ARCHIVE its selectors pick.

    Each step names the flows (a name glob) and stages (type, op, label glob)
    it applies to and one action: set, remove, rename-stage, rename-link,
    replace-text, repoint-connection, repoint-parameter-set, add-parameter-set,
    remove-parameter-set, settings, arrange.  See docs/transforms.md.

    \b
    Examples:
      flowzip apply project.zip migrate.toml --dry-run
      flowzip apply project.zip migrate.toml -o migrated.zip
      flowzip apply repo/datastage prod-connections.json --in-place
    """
    from ..transform import apply_recipe, load_recipe

    _check_outputs(output, in_place, dry_run)
    steps = load_recipe(recipe)
    opened = ctx.obj["open"](archive)
    with progress(len(opened.flows) * len(steps), "applying", threshold=200) as step:
        result = apply_recipe(opened, steps, progress=step)
    _write_or_dry_run(ctx, opened, archive, output, in_place, dry_run, as_json, "applied", result.to_dict())


@reporter("applied")
def _applied(data: dict[str, Any]) -> None:
    for flow, changes in data["flows"].items():
        click.echo(f"flow {flow!r}")
        for change in changes:
            click.echo(f"    {change}")
    if data.get("diff") is not None:
        from .compare import _diff_report

        _diff_report(data["diff"])
        click.echo("dry run: nothing written")
    else:
        count = len(data["members"])
        click.echo(f"{count} member{'s' if count != 1 else ''} changed; wrote {data['written']}")


@click.command("overlay")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.argument("overlays", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@with_output_options
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
    from ..overlay import apply_overlays

    _check_outputs(output, in_place, dry_run)
    opened = ctx.obj["open"](archive)
    result = apply_overlays(opened, list(overlays))
    _write_or_dry_run(ctx, opened, archive, output, in_place, dry_run, as_json, "overlaid", result.to_dict())


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
