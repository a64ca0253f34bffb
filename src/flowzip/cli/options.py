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


def output_options() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-o/--output``, ``--in-place``, ``--dry-run`` and ``--json``.

    ``--dry-run`` can be added to a command line as it stands, ``-o`` or ``--in-place`` still there
    (as ``git clean -n`` or ``rsync -n``): the command then does all its work, says what it would
    write, and writes nothing."""
    options = [
        click.option("-o", "--output", type=click.Path(),
                     help="Write the result here: a .zip, a new folder, or a .json file for a single flow file."),
        click.option("--in-place", is_flag=True, help="Overwrite the input archive with the result (atomically)."),
        click.option("--dry-run", is_flag=True,
                     help="Do everything but write: print what would change (also with -o or --in-place given)."),
        json_option,
    ]

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def check_destination(output: str | None, in_place: bool, dry_run: bool = False) -> None:
    """Refuse ``-o`` with ``--in-place``, and, without ``--dry-run``, neither of them."""
    if output and in_place:
        raise click.UsageError("give -o/--output or --in-place, not both")
    if not dry_run and not output and not in_place:
        raise click.UsageError("give one of -o/--output, --in-place and --dry-run")


def save(archive: Store, output: str | None, in_place: bool, *, inputs: Iterable[str] = (),
         dry_run: bool = False) -> str | None:
    """Write *archive* to *output*, or over its own input with *in_place*; never over another of *inputs*
    (the other archives the command read).  The path written; ``None`` with *dry_run* (nothing is)."""
    if dry_run:
        return None
    return archive.save(archive.path if in_place else output, in_place=in_place,  # type: ignore[arg-type]
                        inputs=inputs)


def write_file(path: str, data: bytes, *, inputs: Iterable[str] = ()) -> None:
    """Write *data* to *path* atomically, refusing to overwrite any of *inputs* (the files a command read)."""
    refuse_inputs(path, inputs)
    write_bytes_atomic(path, data)
