"""``flowzip lint``: pre-import checks for CI, with the output formats CI systems read."""

from __future__ import annotations

import os

import click

from ..display import counted
from ..lint import Baseline, LintConfig, lint, load_config
from ..lint.engine import SEVERITIES
from ..lint.report import REPORTERS, junit_report, text_report
from .common import progress
from .options import refuse_inputs, write_file


@click.command("lint")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True,
              help="Output format: text, json, sarif (GitHub code scanning), github (workflow annotations), "
                   "junit, gitlab (Code Quality).")
@click.option("--json", "as_json", is_flag=True, help="The same as --format json.")
@click.option("--show-info", is_flag=True, help="Text format: also print the info findings (by default only counted).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None,
              help="Exit 1 when a finding at or above this severity remains (default: error, or the config's).")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False),
              help="A .flowzip.toml or pyproject.toml (default: the nearest one above the first path).")
@click.option("--select", multiple=True, help="Rules to run: codes, prefixes, families, names, DEFAULT, ALL "
                                              "(repeatable; replaces the config's).")
@click.option("--ignore", multiple=True, help="Rules not to run (repeatable; added to the config's).")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report only findings not in this baseline file.")
@click.option("--update-baseline", is_flag=True, help="Write every current finding to --baseline and exit 0.")
@click.option("--jobs", type=click.IntRange(1), default=None, help="Worker processes for several archives.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write the report to this file.")
@click.pass_context
def lint_command(ctx: click.Context, paths: tuple[str, ...], output_format: str, as_json: bool, show_info: bool,
                 fail_on: str | None,
                 config_path: str | None, select: tuple[str, ...], ignore: tuple[str, ...],
                 baseline_path: str | None, update_baseline: bool, jobs: int | None, output: str | None) -> None:
    """Check archives (export ZIPs, folders, Git trees) before they are imported.

    Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 usage error or
    unreadable configuration.  An archive flowzip cannot open is a finding (FZA001).

    \b
    Examples:
      flowzip lint export.zip
      flowzip lint --format sarif -o flowzip.sarif repo/datastage
      flowzip lint --format github --fail-on warning exports/*.zip
      flowzip lint --select DEFAULT --select schema export.zip
      flowzip lint --baseline .flowzip-baseline.json --update-baseline repo/datastage
    """
    if as_json:
        if output_format not in ("text", "json"):
            raise click.UsageError(f"--json is --format json; it cannot go with --format {output_format}")
        output_format = "json"
    config = load_config(config_path) if config_path else load_config(start=os.path.dirname(
        os.path.abspath(paths[0])))
    if select:
        config.select = list(select)
    if ignore:
        config.ignore = config.ignore + list(ignore)
    if fail_on:
        config.fail_on = fail_on
    if update_baseline and not baseline_path:
        raise click.UsageError("--update-baseline needs --baseline FILE")
    # Before any work: a report never replaces what it reports on, nor the configuration or baseline it read.
    read = [*paths, *(p for p in (config.source, None if update_baseline else baseline_path) if p)]
    if output and baseline_path:
        read.append(baseline_path)
    for destination in (output, baseline_path if update_baseline else None):
        if destination:
            refuse_inputs(destination, read)
    baseline = Baseline.load(baseline_path) if baseline_path and not update_baseline else None
    with progress(len(paths), "Linting", threshold=5) as advance:
        result = lint(list(paths), config, baseline=baseline, jobs=jobs, limits=ctx.obj["limits"],
                      progress=advance)
    if update_baseline:
        Baseline.write(baseline_path, result.findings)
        click.echo(f"wrote {counted(len(result.findings), 'finding')} to {baseline_path}", err=True)
        ctx.exit(0)
    if output_format == "text":
        report = text_report(result, show_info=show_info)
    elif output_format == "junit":
        report = junit_report(result, fail_on=config.fail_on)  # failures are what fails the build
    else:
        report = REPORTERS[output_format](result)
    if output:
        write_file(output, (report + "\n").encode("utf-8"), inputs=paths)
    else:
        click.echo(report)
    ctx.exit(result.exit_code(config.fail_on))


COMMANDS = [lint_command]
__all__ = ["COMMANDS", "LintConfig"]
