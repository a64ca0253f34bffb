"""Reporters: turn the data a command produced into text or JSON on stdout.

Each text reporter is registered under the name of the data it renders;
``--json`` bypasses them and prints the data itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click
import orjson

from ..display import counted, printable_data

Reporter = Callable[[Any], None]
REPORTERS: dict[str, Reporter] = {}


def reporter(kind: str) -> Callable[[Reporter], Reporter]:
    def register(func: Reporter) -> Reporter:
        REPORTERS[kind] = func
        return func

    return register


def emit(kind: str, data: Any, as_json: bool) -> None:
    """Print *data* as JSON, or for people with the reporter of *kind*, every string of it made printable
    (labels and names from an archive cannot reach the terminal as control sequences)."""
    if as_json:
        click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    else:
        REPORTERS[kind](printable_data(data))


def table(rows: list[list[str]], indent: str = "  ") -> None:
    if not rows:
        return
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        click.echo(indent + "  ".join(cells).rstrip())


def size(n: int | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@reporter("summary")
def _summary(data: dict[str, Any]) -> None:
    root = f", root {data['root']}" if data["root"] else ""
    click.echo(f"{data['archive']} ({data['kind']}, {counted(data['members'], 'member')}{root})")
    rows = []
    for group in data["types"]:
        names = group["names"]
        shown = ", ".join(names[:5]) + (f", ... (+{len(names) - 5})" if len(names) > 5 else "")
        if group["type"] in ("other", "directory", "manifest", "encrypted_marker") or group["type"].startswith("git_"):
            shown = ""
        rows.append([group["type"], str(group["count"]), shown])
    table(rows)


@reporter("members")
def _members(rows: list[dict[str, Any]]) -> None:
    table(
        [[r["type"], size(r["size"]), size(r["compressed_size"]), r["compression"], r["name"]] for r in rows],
        indent="",
    )


@reporter("flow")
def _flow(data: dict[str, Any]) -> None:
    click.echo(f"flow {data['flow']}  ({data['member']})")
    if data["description"]:
        click.echo(f"  {data['description']}")
    click.echo(f"stages ({len(data['stages'])}):")
    table([[s["label"] or "(no label)", s["type"], s["id"]] for s in data["stages"]])
    click.echo(f"links ({len(data['links'])}):")
    table(
        [
            [link["name"] or "(no name)", f"{link['source'] or '?'} -> {link['target'] or '?'}", link["type"]]
            for link in data["links"]
        ]
    )
    if data["parameter_sets"]:
        click.echo("parameter sets: " + ", ".join(data["parameter_sets"]))
    if data["local_parameters"]:
        click.echo("local parameters: " + ", ".join(str(p) for p in data["local_parameters"]))
    if data["comments"]:
        click.echo(f"comments ({len(data['comments'])}):")
        for comment in data["comments"]:
            text = " ".join(comment["content"].split())
            text = text if len(text) <= 70 else text[:67] + "..."
            attached = f" [on {', '.join(comment['stages'])}]" if comment["stages"] else ""
            click.echo(f"  {comment['kind']}: {text}{attached}")
    if data["pipelines"] > 1:
        click.echo(f"({data['pipelines'] - 1} more pipelines: local subflows)")


@reporter("check")
def _check(data: dict[str, Any]) -> None:
    for problem in data["problems"]:
        where = f"{problem['member']}: " if problem["member"] else ""
        click.echo(f"{problem['severity']}: {where}{problem['message']}")
    verdict = "no problems" if not data["problems"] else \
        f"{counted(data['errors'], 'error')}, {counted(data['warnings'], 'warning')}"
    click.echo(f"{data['archive']}: {counted(data['members'], 'member')} read, {verdict}", err=bool(data["problems"]))


@reporter("written")
def _written(data: dict[str, Any]) -> None:
    for name in data.get("left_out") or []:
        click.echo(f"left out: {name} (not part of the export)")
    click.echo(f"wrote {data['output']} ({counted(data['members'], 'member')})")
