"""Options every command shares, and the one write path: ``-o/--output``, ``--in-place``, ``--dry-run``.

A command that changes an archive takes exactly one of ``-o OUT`` (a new ZIP or
folder), ``--in-place`` (the input, rewritten atomically) and, where it can say
what it would do, ``--dry-run``.  Every file a command writes goes through
:func:`save` or :func:`write_file`, which never overwrite an input unless asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import click

from ..package.sink import refuse_inputs, write_bytes_atomic
from ..package.store import Store

__all__ = ["json_option", "output_options", "check_destination", "save", "write_file", "refuse_inputs",
           "show_secrets_option"]

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON instead of text.")
show_secrets_option = click.option(
    "--show-secrets", is_flag=True,
    help="Print passwords, keys, tokens and encrypted values as they are (by default they show as <secret>).")


def output_options(*, dry_run: bool = False) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-o/--output``, ``--in-place``, with *dry_run* ``--dry-run``, and ``--json``."""
    options = [
        click.option("-o", "--output", type=click.Path(),
                     help="Write the result here: a .zip, a new folder, or a .json file for a single flow file."),
        click.option("--in-place", is_flag=True, help="Overwrite the input archive with the result (atomically)."),
    ]
    if dry_run:
        options.append(click.option("--dry-run", is_flag=True, help="Print what would change; write nothing."))
    options.append(json_option)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def check_destination(output: str | None, in_place: bool, dry_run: bool | None = None) -> None:
    """Refuse a combination of ``-o``, ``--in-place`` and ``--dry-run`` (*dry_run* is ``None`` for a
    command without one) that is not exactly one of them."""
    if dry_run and (output or in_place):
        raise click.UsageError("--dry-run writes nothing; leave out -o/--output and --in-place")
    if not dry_run and bool(output) == in_place:
        choices = "-o/--output, --in-place and --dry-run" if dry_run is not None else "-o/--output and --in-place"
        raise click.UsageError(f"give exactly one of {choices}")


def save(archive: Store, output: str | None, in_place: bool, *, inputs: Iterable[str] = ()) -> str:
    """Write *archive* to *output*, or over its own input with *in_place*; never over another of *inputs*
    (the other archives the command read).  The path written."""
    return archive.save(archive.path if in_place else output, in_place=in_place,  # type: ignore[arg-type]
                        inputs=inputs)


def write_file(path: str, data: bytes, *, inputs: Iterable[str] = ()) -> None:
    """Write *data* to *path* atomically, refusing to overwrite any of *inputs* (the files a command read)."""
    refuse_inputs(path, inputs)
    write_bytes_atomic(path, data)
