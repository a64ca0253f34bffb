"""Columns: ``link columns`` (list a link's columns), ``link set-columns`` (declare them from a CSV or JSON
file) and ``columns propagate`` (compute the columns of links as the platform's propagation does)."""

from __future__ import annotations

from typing import Any

import click

from ..display import counted
from ..errors import EditError
from ..inputs import read_columns
from ..model.archive import Archive
from ..model.columns import Schema
from .common import find_flow
from .edit import link_group, write_options
from .options import json_option
from .reporters import emit, reporter, table

__all__ = ["COMMANDS"]


@link_group.command("columns")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("link")
@json_option
@click.pass_context
def link_columns(ctx: click.Context, archive: str, flow: str, link: str, as_json: bool) -> None:
    """List the columns of LINK in FLOW: name, type, nullable, key, length, scale, source.

    \b
    Examples:
      flowzip link columns export.zip nightly_load Link_1
      flowzip link columns export.zip nightly_load Link_1 --json | jq -r '.[].name'
    """
    chosen = find_flow(ctx.obj["open"](archive), flow).links.get(link)
    emit("columns", [field.to_dict() for field in chosen.columns], as_json)


@reporter("columns")
def _columns(rows: list[dict[str, Any]]) -> None:
    if not rows:
        click.echo("no columns")
        return

    def text(value: Any) -> str:
        return "" if value is None else "yes" if value is True else "no" if value is False else str(value)

    header = ["name", "type", "nullable", "key", "length", "scale", "source"]
    table([header] + [[text(row["odbc_type"]) if key == "type" else text(row[key]) for key in header]
                      for row in rows], indent="")


@link_group.command("set-columns")
@click.argument("archive", type=click.Path(exists=True))
@click.argument("flow")
@click.argument("link")
@click.argument("columns_file", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@write_options
def link_set_columns(archive: Archive, flow: str, link: str, columns_file: str) -> dict[str, Any]:
    """Declare the columns of LINK in FLOW from FILE: CSV with a header, or a .json list of objects.

    A row holds name and type (the SDK's field types: VARCHAR, BIGINT, DECIMAL, TIMESTAMP, ...) and may hold
    nullable, key, length, scale and description.  The link's old columns go.

    \b
    Example (columns.csv):
      name,type,nullable,key,length,scale
      CUSTOMER_ID,BIGINT,false,true,,
      NAME,VARCHAR,true,false,40,
    \b
      flowzip link set-columns export.zip nightly_load Link_1 columns.csv -o out.zip
    """
    rows = read_columns(columns_file, EditError)
    chosen = find_flow(archive, flow)
    target = chosen.links.get(link)
    try:
        target.schema = Schema.from_rows(rows)
    except EditError as exc:
        raise EditError(str(exc), member=columns_file) from None
    archive.update_flow(chosen)
    return {"changes": [f"flow {flow!r}: link {link!r} has {counted(len(rows), 'column')}"], "flow": flow,
            "link": link, "columns": [row["name"] for row in rows]}


@click.group("columns")
def columns_group() -> None:
    """Compute link columns as the platform's automatic column propagation does.

    \b
    Examples:
      flowzip columns propagate export.zip --flow nightly_load -o out.zip
      flowzip columns propagate export.zip --every-link --dry-run
    """


@columns_group.command("propagate")
@click.argument("archive", type=click.Path(exists=True))
@click.option("--flow", "flow_names", multiple=True, help="Only this flow (repeatable; default: every flow).")
@click.option("--every-link", is_flag=True,
              help="Recompute every link out of a stage that propagates, replacing stored columns (default: "
                   "only links with no columns).")
@write_options
def columns_propagate(archive: Archive, flow_names: tuple[str, ...], every_link: bool) -> dict[str, Any]:
    """Give the links of ARCHIVE's flows the columns propagation computes from their inputs.

    Links are visited in the platform's order; a stage passes its input columns on (with their lineage,
    LINK.COLUMN) or applies its own rule (Join, Lookup, Aggregator, Funnel, ...).  By default only links that
    carry no columns get them; --every-link recomputes the others too.
    """
    flows = [find_flow(archive, name) for name in flow_names] if flow_names else list(archive.flows)
    lines, report = [], {}
    for flow in flows:
        result = flow.propagate_columns(every_link=every_link)
        if result.changed:
            archive.update_flow(flow)
            lines.append(f"flow {flow.name!r}: columns of {counted(len(result.changed), 'link')} computed "
                         f"({', '.join(result.changed[:8])}{', …' if len(result.changed) > 8 else ''})")
        report[flow.name] = {"changed": result.changed, "computed": result.computed}
    if not lines:
        lines.append("every link already has the columns propagation gives it")
    return {"changes": lines, "flows": report}


COMMANDS = [columns_group]
