"""The ``flowzip`` command: click parses options, a library call does the work.

Exit codes: 0 clean, 1 findings, 2 usage error or unreadable input.  Errors
are one line on stderr, never a traceback (set ``FLOWZIP_DEBUG=1`` to see one).
"""

from __future__ import annotations

import gc
import os
import re
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any

import click

from .. import jsonio
from ..analysis.summary import check_archive, check_exit_code, describe_flow, member_rows, summarize
from ..api import Archive, open_archive
from ..display import printable, shorten
from ..errors import FlowzipError
from ..ops.transfer import as_export
from ..package.limits import DEFAULT_LIMITS, Limits
from ..version import __version__
from .columns import COMMANDS as COLUMNS_COMMANDS
from .common import pick_flow, progress
from .compare import COMMANDS as COMPARE_COMMANDS
from .edit import COMMANDS as EDIT_COMMANDS
from .lint import COMMANDS as LINT_COMMANDS
from .options import json_option, save
from .picture import COMMANDS as PICTURE_COMMANDS
from .reporters import REPORTERS, emit
from .runtime import COMMANDS as RUNTIME_COMMANDS
from .transfer import COMMANDS as TRANSFER_COMMANDS
from .transform import COMMANDS as TRANSFORM_COMMANDS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM, as shells report them


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI timeout, ``kill``): unwound like Ctrl-C, so that every temporary file is removed."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise Terminated()


class FlowzipGroup(click.Group):
    """A click group that turns flowzip's errors into one line on stderr and exit code 2."""

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `flowzip`, `flowzip stage`: their help, as asked
            click.echo(exc.ctx.get_help())
            sys.exit(EXIT_CLEAN)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "flowzip"
            _fail(f"{exc.format_message()} (see '{command} --help')")
        except click.ClickException as exc:
            _fail(exc.format_message())
        except click.Abort:
            _fail("aborted", EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            # A command holds the documents it reads until it ends; the cyclic collector would traverse them
            # again and again as they grow (seconds over a large archive) and find nothing: they are acyclic.
            with jsonio.gc_paused():
                return super().invoke(ctx)
        except FlowzipError as exc:
            _fail(in_cli_words(str(exc), self))
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:
            _quiet_on_a_closed_pipe()
        except RecursionError:
            _fail("a document is nested too deeply for this command (flowzip compares and edits up to 255 levels)")
        except TypeError as exc:
            if "Recursion limit reached" not in str(exc):  # orjson's word for the same
                _internal(exc)
            _fail("a document is nested too deeply for this command (flowzip compares and edits up to 255 levels)")
        except Terminated:
            _fail("terminated; every output is whole or absent", EXIT_TERMINATED)
        except KeyboardInterrupt:
            _fail("interrupted; every output is whole or absent", EXIT_INTERRUPTED)
        except Exception as exc:  # noqa: BLE001 - last line of defence: no tracebacks for users
            _internal(exc)


def _options(command: click.Command) -> Iterator[click.Option]:
    yield from (p for p in command.params if isinstance(p, click.Option))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            yield from _options(sub)


def in_cli_words(message: str, root: click.Command) -> str:
    """A library message as the command line says it: a Python parameter name that is also an option of
    the CLI (``text_size``, ``in_place=True``) becomes the option (``--text-size``, ``--in-place``)."""
    words: dict[str, set[str]] = {}
    for option in _options(root):
        if option.name and "_" in option.name:
            words.setdefault(option.name, set()).add(max(option.opts, key=len))
    unique = {name: next(iter(opts)) for name, opts in words.items() if len(opts) == 1}
    if not unique:
        return message
    pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, sorted(unique, key=len, reverse=True))) +
                         r")(=\S+)?(?![\w-])")

    def option(match: re.Match[str]) -> str:
        value = (match.group(2) or "=True")[1:]
        return unique[match.group(1)] + ("" if value == "True" else f" {value}")  # a flag: just the option

    return pattern.sub(option, message)


def _quiet_on_a_closed_pipe() -> None:
    """The reader of our output went away (``| head``): stop quietly, as git and ruff do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to flush at exit
    except OSError:
        pass
    sys.exit(EXIT_CLEAN)


def _internal(exc: Exception) -> None:
    if os.environ.get("FLOWZIP_DEBUG"):
        raise exc
    _fail(f"internal error: {type(exc).__name__}: {exc} (set FLOWZIP_DEBUG=1 for details and report it)")


def _fail(message: str, code: int = EXIT_ERROR) -> None:
    click.echo(f"flowzip: error: {printable(shorten(message))}", err=True)
    sys.exit(code)


def _limits(ctx: click.Context) -> Limits:
    return ctx.obj["limits"] if ctx.obj else DEFAULT_LIMITS


def _open(ctx: click.Context, path: str) -> Archive:
    return open_archive(path, limits=_limits(ctx))


@click.group(cls=FlowzipGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="flowzip")
@click.option("--max-members", type=click.IntRange(1), default=DEFAULT_LIMITS.max_members, show_default=True,
              help="Refuse archives with more members.")
@click.option("--max-total-bytes", type=click.IntRange(1), default=DEFAULT_LIMITS.max_total_bytes,
              show_default=True, help="Refuse archives that inflate to more bytes in total.")
@click.option("--max-member-bytes", type=click.IntRange(1), default=DEFAULT_LIMITS.max_member_bytes,
              show_default=True, help="Refuse any member that inflates to more bytes.")
@click.option("--max-ratio", type=click.IntRange(1), default=DEFAULT_LIMITS.max_ratio, show_default=True,
              help="Refuse members over 1 MiB that inflate more than this many times their size.")
@click.pass_context
def cli(ctx: click.Context, max_members: int, max_total_bytes: int, max_member_bytes: int, max_ratio: int) -> None:
    """Read, edit, lint and write DataStage flow export archives offline.

    ARCHIVE arguments accept an export .zip, an extracted export folder (or a
    Git-integration repository) and a single flow .json file.

    \b
    Examples:
      flowzip ls export.zip
      flowzip show export.zip my_flow
      flowzip check export.zip
      flowzip convert repo/datastage -o export.zip
      flowzip stage add export.zip my_flow "Row Generator" --label rows -o out.zip
      flowzip stage set export.zip my_flow rows records=500 --in-place

    Exit codes: 0 clean, 1 findings, 2 error (bad usage or unreadable input).
    """
    limits = Limits(
        max_members=max_members,
        max_total_bytes=max_total_bytes,
        max_member_bytes=max_member_bytes,
        max_ratio=max_ratio,
    )
    ctx.obj = {"limits": limits, "open": lambda path: open_archive(path, limits=limits)}


@cli.command("ls")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.option("--members", is_flag=True, help="List every member with its type, size and compression.")
@json_option
@click.pass_context
def ls_command(ctx: click.Context, archive: str, members: bool, as_json: bool) -> None:
    """List the assets of ARCHIVE by type, with counts.

    \b
    Examples:
      flowzip ls export.zip
      flowzip ls --members export.zip
      flowzip ls --json repo/datastage | jq '.types[] | select(.type=="data_intg_flow")'
    """
    opened = _open(ctx, archive)
    if members:
        emit("members", member_rows(opened), as_json)
    else:
        emit("summary", summarize(opened), as_json)


@cli.command("show")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.argument("flow", required=False)
@json_option
@click.pass_context
def show_command(ctx: click.Context, archive: str, flow: str | None, as_json: bool) -> None:
    """Show a flow: its stages, links, parameter sets and comments.

    FLOW is the flow's name (its file name without .json).  It may be left out
    when ARCHIVE holds a single flow.

    \b
    Examples:
      flowzip show export.zip rowgen_peek
      flowzip show --json data_intg_flow/rowgen_peek.json
    """
    emit("flow", describe_flow(pick_flow(_open(ctx, archive), flow)), as_json)


@cli.command("cat")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.argument("member")
@click.option("--raw", is_flag=True, help="Write the member's bytes exactly as stored (also for binary members).")
@click.pass_context
def cat_command(ctx: click.Context, archive: str, member: str, raw: bool) -> None:
    """Print MEMBER of ARCHIVE as pretty JSON.

    MEMBER is a path inside the archive, as 'flowzip ls --members' prints it
    (the prefix folder of a Git repository may be left out).

    \b
    Examples:
      flowzip cat export.zip data_intg_flow/rowgen_peek.json
      flowzip cat --raw export.zip px_executables/rowgen_peek.zip > binaries.zip
    """
    opened = _open(ctx, archive)
    found = opened.member(member)
    if raw:
        sys.stdout.buffer.write(found.read())
        return
    if not found.is_json:
        raise FlowzipError("is not a JSON member", member=found.name, hint="use --raw to write its bytes")
    click.echo(jsonio.dumps(found.json(), jsonio.Style(layout="indent", key_sep=": ", floats="repr")).decode())


@cli.command("check")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.option("--jobs", type=click.IntRange(1), default=None,
              help="Worker processes (default: one per core for 200 members or more).")
@json_option
@click.pass_context
def check_command(ctx: click.Context, archive: str, jobs: int | None, as_json: bool) -> None:
    """Read everything in ARCHIVE and report the problems found while reading.

    Every member is inflated (checking sizes, compression ratios and CRCs) and
    every JSON member parsed and matched against the document its folder holds.

    Exit codes: 0 nothing found, 1 warnings only, 2 errors (flowzip, and most
    likely the platform, would refuse the archive).

    \b
    Examples:
      flowzip check export.zip
      flowzip check --json repo/datastage > check.json
    """
    opened = _open(ctx, archive)
    with progress(len(opened.members), "Reading") as advance:
        report = check_archive(opened, progress=lambda _m: advance(), jobs=jobs)
    emit("check", report, as_json)
    ctx.exit(check_exit_code(report))


@cli.command("convert")
@click.argument("source", type=click.Path(exists=True, dir_okay=True))
@click.option("-o", "--output", required=True, type=click.Path(),
              help="Where to write: a path ending in .zip gives a ZIP, any other path a new folder.")
@json_option
@click.pass_context
def convert_command(ctx: click.Context, source: str, output: str, as_json: bool) -> None:
    """Copy SOURCE to OUTPUT as a ZIP or a folder tree, changing no member.

    Everything is read and checked first; if anything is broken nothing is
    written.  ZIP members are copied with their compressed bytes untouched.

    \b
    Examples:
      flowzip convert repo/datastage -o export.zip      # Git tree -> importable ZIP
      flowzip convert export.zip -o extracted/          # ZIP -> folder tree
    """
    opened = _open(ctx, source)
    with progress(len(opened.members), "Checking") as advance:
        report = check_archive(opened, progress=lambda _m: advance())
    errors = [p for p in report["problems"] if p["severity"] == "error"]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more; run 'flowzip check')" if len(errors) > 1 else ""
        raise FlowzipError(f"{first['message']}{more}", member=first["member"], hint="nothing was written")
    left_out: list[str] = []
    result = opened
    if output.lower().endswith(".zip"):
        # An export ZIP is what the platform imports: no prefix folder, nothing but the export.
        result, left_out = as_export(opened)
    written = save(result, output, False, inputs=[source])
    emit("written", {"source": source, "output": written, "members": len(result.members), "left_out": left_out},
         as_json)


for _command in (EDIT_COMMANDS + RUNTIME_COMMANDS + LINT_COMMANDS + PICTURE_COMMANDS + TRANSFER_COMMANDS
                 + COMPARE_COMMANDS + TRANSFORM_COMMANDS + COLUMNS_COMMANDS):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    # The process ends with the command: the cyclic collector, paused while the command runs (see
    # FlowzipGroup.invoke), is not started again to traverse, once more, the documents the command held.
    gc.disable()
    cli(prog_name="flowzip")


__all__ = ["cli", "main", "REPORTERS"]
