"""``flowzip render``: a picture of a flow, as SVG or PNG."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from ..analysis.picture import flow_svg, svg_to_png
from ..display import counted
from .common import pick_flow
from .options import json_option, write_file
from .reporters import emit, reporter


@click.command("render")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.argument("flow", required=False)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="Picture file to write ('-' writes SVG to standard output).")
@click.option("--format", "fmt", type=click.Choice(["svg", "png"]),
              help="Picture format (default: from the output's suffix, else svg).")
@click.option("--arrange", is_flag=True,
              help="Draw the flow auto-arranged (the archive is not changed) instead of at its stored positions.")
@click.option("--converter", type=click.Choice(["cairosvg", "rsvg-convert", "inkscape", "chromium"]),
              help="SVG-to-PNG converter for --format png (default: the first one installed, in this order).")
@json_option
@click.pass_context
def render(ctx: click.Context, archive: str, flow: str | None, output: str, fmt: str | None, arrange: bool,
           converter: str | None, as_json: bool) -> None:
    """Draw FLOW of ARCHIVE as the canvas shows it: stages with labels and types,
    links with names, comments as notes.

    FLOW may be left out when ARCHIVE holds a single flow.  Stages without a
    stored position are placed by the auto-arrange layout (in the picture only).
    PNG needs a converter: the cairosvg package, rsvg-convert, Inkscape or Chromium.

    \b
    Examples:
      flowzip render export.zip nightly_load -o nightly_load.svg
      flowzip render export.zip nightly_load -o nightly_load.png
      flowzip render export.zip nightly_load --arrange -o arranged.svg
      flowzip render data_intg_flow/nightly_load.json -o - | rsvg-convert -o flow.png
    """
    suffix = os.path.splitext(output)[1].lower()
    if fmt is None and output != "-" and suffix not in (".svg", ".png"):
        raise click.UsageError(f"cannot write a {suffix or 'suffix-less'} picture: name the output .svg or .png, "
                               "or give --format")
    fmt = fmt or ("png" if suffix == ".png" else "svg")
    if output == "-" and fmt != "svg":
        raise click.UsageError("only SVG can be written to standard output")
    chosen = pick_flow(ctx.obj["open"](archive), flow)
    svg = flow_svg(chosen, arrange=arrange)
    payload, used = (svg.encode("utf-8"), None) if fmt == "svg" else svg_to_png(svg, converter=converter)
    if output == "-":
        sys.stdout.write(svg)
        return
    write_file(output, payload, inputs=[archive])
    emit("picture", {"flow": chosen.name, "output": output, "format": fmt, "converter": used,
                     "stages": len(chosen.stages), "links": len(chosen.links), "comments": len(chosen.comments),
                     "arranged": arrange, "bytes": len(payload)}, as_json)


@reporter("picture")
def _picture(data: dict[str, Any]) -> None:
    via = f" (via {data['converter']})" if data["converter"] else ""
    click.echo(f"flow {data['flow']!r}: {counted(data['stages'], 'stage')}, {counted(data['links'], 'link')}, "
               f"{counted(data['comments'], 'comment')} "
               f"drawn to {data['output']}{via}")


COMMANDS = [render]
