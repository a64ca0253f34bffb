"""Pictures of flows: an SVG drawn as the canvas shows the flow, and PNG through an SVG converter.

``flow_svg(flow)`` draws the flow's primary pipeline at its stored positions: a
box per stage (taller for busy stages, as the canvas draws them, format.md §6)
with its label and type, links as arrows from output to input with their names
(reference links dashed, reject links red), and comments and annotations as
notes with their text (annotation formats honoured: bold, italics, underline,
text and background colours, text size) and dotted lines to the stages they are
attached to.  Stages without a stored position are placed by
:mod:`flowzip.layout` first (in the picture only; the flow is not changed);
``arrange=True`` draws the whole auto-arranged layout instead.

PNG needs an SVG renderer: the ``cairosvg`` package, librsvg's ``rsvg-convert``,
Inkscape, or a Chromium/Chrome browser run headless.  :func:`png_converters`
lists the ones found; :func:`svg_to_png` uses the first (or the one asked for).
"""

from __future__ import annotations

import copy
import importlib.util
import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from typing import Any
from xml.sax.saxutils import escape

from ..document.layout import arrange_flow, flow_boxes
from ..document.pipeline import comment_size, link_type, stage_label
from ..errors import PictureError
from ..model.flow import Flow
from .geometry import (
    Box,
    BoxIndex,
    Point,
    Router,
    bounds,
    crosses,
    cubic_points,
    cut_to_width,
    label_spots,
    separate,
    text_width,
)

__all__ = ["flow_svg", "png_converters", "svg_to_png", "stage_boxes", "browser_flags", "CONVERTERS"]

MARGIN = 32.0
LABEL_SPACE = 40.0  # label and type lines under a stage box
FONT = "IBM Plex Sans, Helvetica Neue, Arial, sans-serif"
ASCENT, DESCENT = 0.93, 0.24  # of the widest of those fonts (DejaVu Sans), in em: the height of a text line
LABEL_GAP = 8.0  # at least this much between two labels on one row
LINK_STYLES = {  # stroke, dash: the canvas draws reference links dashed and reject links red
    "PRIMARY": ("#525252", ""),
    "REFERENCE": ("#6929c4", "6 4"),
    "REJECT": ("#da1e28", "6 4"),
}



def _n(value: float) -> str:
    """Numbers as short, stable text: 1 decimal at most, no trailing zeros."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


#: Characters XML 1.0 does not allow (a picture holding one is not an SVG any reader opens).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml(value: Any) -> str:
    """Untrusted text (labels, names, comments, ids) as SVG character data: escaped, XML-valid."""
    return escape(_NOT_XML.sub("\ufffd", str(value)))


def _attr_text(value: Any) -> str:
    """Untrusted text as the value of a double-quoted attribute."""
    return escape(_NOT_XML.sub("\ufffd", str(value)), {'"': "&quot;"})


def _attrs(**values: Any) -> str:
    """Attributes, every value escaped for a double-quoted attribute: no text from a flow can end one."""
    parts = []
    for key, value in values.items():
        if value is None or value == "":
            continue
        name = key.rstrip("_").replace("_", "-")
        text = _n(value) if isinstance(value, float) else str(value)
        parts.append(f'{name}="{_attr_text(text)}"')
    return " ".join(parts)


def _initials(type_name: str) -> str:
    """A two- or three-letter badge for the stage icon: "Row Generator" → "RG", "Transformer" → "Tr"."""
    words = [w for w in re.split(r"[\s_/()-]+", type_name) if w]
    if len(words) >= 2:
        return "".join(w[0] for w in words[:3]).upper()
    word = words[0] if words else "?"
    return word[:2].capitalize()


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(markdown: str) -> str:
    """Comment text without the Markdown marks the canvas renders as styling."""
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", markdown, flags=re.M)
    text = re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return text


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words, line = paragraph.split(), ""
        for word in words:
            while len(word) > width:  # a word longer than the box: cut it
                if line:
                    lines.append(line)
                    line = ""
                lines.append(word[:width])
                word = word[width:]
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
    return lines


def _picture_pipeline(flow: Flow, arrange: bool) -> dict[str, Any]:
    """The primary pipeline with every stage and comment placed; the flow itself is left alone."""
    pipeline = flow.primary_pipeline
    nodes = [n for n in pipeline.get("nodes") or [] if isinstance(n, dict)]
    comments = [c for c in ((pipeline.get("app_data") or {}).get("ui_data") or {}).get("comments") or []
                if isinstance(c, dict)]

    def placed(ui: dict[str, Any]) -> bool:
        return isinstance(ui.get("x_pos"), (int, float)) and isinstance(ui.get("y_pos"), (int, float))

    if (not arrange and all(placed((n.get("app_data") or {}).get("ui_data") or {}) for n in nodes)
            and all(placed(c) for c in comments)):
        return pipeline
    document = {"pipelines": [copy.deepcopy(pipeline)]}
    arrange_flow(document, keep_existing=not arrange)
    return document["pipelines"][0]


def flow_svg(flow: Flow, *, arrange: bool = False) -> str:
    """The flow's primary pipeline drawn as an SVG document (text)."""
    pipeline = _picture_pipeline(flow, arrange)
    stages = {stage.id: stage for stage in flow.stages}
    boxes = {node_id: Box(*box) for node_id, box in flow_boxes(pipeline).items()}
    nodes = [n for n in pipeline.get("nodes") or [] if isinstance(n, dict) and n.get("id") in boxes]
    comments = [c for c in ((pipeline.get("app_data") or {}).get("ui_data") or {}).get("comments") or []
                if isinstance(c, dict) and isinstance(c.get("x_pos"), (int, float))
                and isinstance(c.get("y_pos"), (int, float))]
    comment_boxes = [Box(float(c["x_pos"]), float(c["y_pos"]), *comment_size(c)) for c in comments]
    rooms = label_rooms(boxes)
    drawn_stages: list[str] = []
    labels: list[Box] = []  # where the stages' and links' labels are: none may meet another
    for node in nodes:
        drawn, placed = _stage(node, boxes[node["id"]], stages.get(node["id"]), rooms[node["id"]])
        drawn_stages += drawn
        labels += placed
    drawn_links, routes = _links(nodes, boxes, labels)
    extents = [(b.x - 60.0, b.y, b.right + 60.0, b.bottom + LABEL_SPACE) for b in boxes.values()]
    extents += [(b.x, b.y, b.right, b.bottom) for b in [*comment_boxes, *labels]]
    extents += [(x, y, x, y) for x, y in routes]
    if extents:
        left = min(e[0] for e in extents) - MARGIN
        top = min(e[1] for e in extents) - MARGIN
        width = max(e[2] for e in extents) + MARGIN - left
        height = max(e[3] for e in extents) + MARGIN - top
    else:
        left, top, width, height = 0.0, 0.0, 320.0, 120.0
    left, top = math.floor(left), math.floor(top)
    width, height = math.ceil(width), math.ceil(height)

    out: list[str] = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" {_attrs(width=width, height=height)} '
        f'viewBox="{_n(left)} {_n(top)} {width} {height}" font-family="{FONT}">',
        f"<title>{_xml(flow.name or 'flow')}</title>",
        "<defs>",
    ]
    for kind, (stroke, _) in LINK_STYLES.items():
        out.append(f'<marker id="arrow-{kind.lower()}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
                   f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{stroke}"/>'
                   "</marker>")
    out += ["</defs>",
            f'<rect {_attrs(x=left, y=top, width=float(width), height=float(height))} fill="#ffffff"/>']
    # Bottom to top as the canvas stacks them: comments (often frames around stages), links, stages.
    for comment, box in zip(comments, comment_boxes):
        out += _comment(comment, box)
    out += _comment_connectors(comments, comment_boxes, boxes)
    out += drawn_links
    out += drawn_stages
    if not nodes and not comments:
        out.append(f'<text {_attrs(x=left + 16, y=top + 60)} font-size="14" fill="#6f6f6f">(empty flow)</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


ROOM = 280.0  # the widest a stage's label may be


def label_rooms(boxes: dict[str, Box]) -> dict[str, float]:
    """The width each stage's label and type lines may take: centred under the stage, they stop short of
    the labels of the stages beside it (whose label rows overlap), so no two labels meet; the full text is
    the stage's tooltip."""
    index = BoxIndex((box, node_id) for node_id, box in boxes.items())
    rooms: dict[str, float] = {}
    for node_id, box in boxes.items():
        centre, room = box.x + box.width / 2, ROOM
        # Only stages whose centre is within ROOM + LABEL_GAP can narrow the room.
        near = Box(centre - ROOM - LABEL_GAP, box.bottom - LABEL_SPACE, 2 * (ROOM + LABEL_GAP), 2 * LABEL_SPACE)
        for other, other_id in index.near(near):
            if other_id == node_id or other.bottom + LABEL_SPACE <= box.bottom or \
                    box.bottom + LABEL_SPACE <= other.bottom:
                continue
            room = min(room, abs(other.x + other.width / 2 - centre) - LABEL_GAP)
        rooms[node_id] = max(room, 0.0)
    return rooms


def _text_box(centre_x: float, baseline: float, text: str, size: float, pad: float = 0.0) -> Box:
    """Where a line of text centred on *centre_x* is drawn (the font's whole line height, as browsers
    measure it)."""
    width = text_width(text, size)
    return Box(centre_x - width / 2 - pad, baseline - ASCENT * size - pad, width + 2 * pad,
               (ASCENT + DESCENT) * size + 2 * pad)


def _stage(node: dict[str, Any], box: Box, stage: Any, room: float) -> tuple[list[str], list[Box]]:
    """The stage's drawing, and where its label and type lines are."""
    label = stage_label(node) or node.get("id", "")
    type_name = stage.type if stage is not None else (node.get("op") or node.get("type") or "?")
    subflow = node.get("type") == "super_node"
    centre_x = box.x + box.width / 2
    fill, stroke = ("#e5f6ff", "#0072c3") if subflow else ("#edf5ff", "#0f62fe")
    # Cut to the room beside the neighbours' labels; with no room for a letter (stages stacked on one
    # another) the line is left out: the tooltip has it.
    shown_label, shown_type = (_within(str(text), room, size) for text, size in ((label, 12), (type_name, 10)))
    drawn = [
        f'<g class="stage" data-id="{_attr_text(node.get("id", ""))}">',
        f"<title>{_xml(label)} ({_xml(type_name)})</title>",
        f'<rect {_attrs(x=box.x, y=box.y, width=box.width, height=box.height)} rx="6" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="2"/>',
        f'<text {_attrs(x=centre_x, y=box.y + box.height / 2 + 5)} text-anchor="middle" font-size="14" '
        f'font-weight="600" fill="{stroke}">{_xml(_initials(type_name))}</text>',
        f'<text class="label" {_attrs(x=centre_x, y=box.bottom + 16)} text-anchor="middle" font-size="12" '
        f'fill="#161616">{_xml(shown_label)}</text>',
        f'<text class="type" {_attrs(x=centre_x, y=box.bottom + 30)} text-anchor="middle" font-size="10" '
        f'fill="#6f6f6f">{_xml(shown_type)}</text>',
        "</g>",
    ]
    return drawn, [_text_box(centre_x, box.bottom + 16, shown_label, 12),
                   _text_box(centre_x, box.bottom + 30, shown_type, 10)]


def _within(text: str, room: float, size: float) -> str:
    shown = cut_to_width(text, room, size)
    return shown if text_width(shown, size) <= room else ""


STUB = 16.0  # a routed link leaves and enters its stages straight for this long
CORNER = 8.0  # radius of a routed link's corners


def _path(points: list[Point]) -> str:
    """SVG path data of a polyline with rounded corners."""
    d = [f"M{_n(points[0][0])},{_n(points[0][1])}"]
    for before, corner, after in zip(points, points[1:], points[2:]):
        radius = min(CORNER, math.dist(before, corner) / 2, math.dist(corner, after) / 2)

        def toward(point: Point, corner: Point = corner, radius: float = radius) -> Point:
            length = math.dist(point, corner) or 1.0
            return (corner[0] + (point[0] - corner[0]) * radius / length,
                    corner[1] + (point[1] - corner[1]) * radius / length)

        (ax, ay), (bx, by) = toward(before), toward(after)
        d.append(f"L{_n(ax)},{_n(ay)} Q{_n(corner[0])},{_n(corner[1])} {_n(bx)},{_n(by)}")
    d.append(f"L{_n(points[-1][0])},{_n(points[-1][1])}")
    return " ".join(d)


def _curve(start: Point, end: Point, stages: BoxIndex, ends: tuple[str, str]) -> tuple[str, list[Point]] | None:
    """A curve from the source's right edge to the target's left edge, when that runs forwards past no
    other stage: its path data and the polyline it follows."""
    (x1, y1), (x2, y2) = start, end
    if x2 - x1 < 2 * STUB:
        return None
    bend = max(40.0, (x2 - x1) / 2)
    controls = ((x1 + bend, y1), (x2 - bend, y2))
    points = cubic_points(start, *controls, end)
    if crosses(points, (box.grown(2.0) for box, node_id in stages.near(bounds(points).grown(2.0))
                        if node_id not in ends)):
        return None
    return (f"M{_n(x1)},{_n(y1)} C{_n(controls[0][0])},{_n(y1)} {_n(controls[1][0])},{_n(y2)} "
            f"{_n(x2)},{_n(y2)}"), points


def _route(source: Box, target: Box, start: Point, end: Point, router: Router) -> list[Point]:
    """A route round the stages; a straight line when a target sits against the source's right edge (or a
    source against the target's left), leaving no way round, or stages stacked around the link wall it in:
    it says at least where the link goes."""
    (x1, y1), (x2, y2) = start, end
    blocked = source is not target and (source.grown(STUB).holds((x2 - STUB, y2))
                                         or target.grown(STUB).holds((x1 + STUB, y1)))
    return (None if blocked else router.route(start, end)) or [start, end]


def _links(nodes: list[dict[str, Any]], boxes: dict[str, Box], labels: list[Box]) -> tuple[list[str], list[Point]]:
    """The links drawn in their direction, each name where it meets no stage and no other label (*labels*,
    to which the names are added; a name that finds no such place is cut, or left to the link's tooltip);
    and the corners of the routed ones (the picture must hold them)."""
    # Routes keep clear of the stages and of their labels (*labels* holds only theirs yet).
    router = Router([*boxes.values(), *(label for label in labels if label.width)], stub=STUB)
    stages = BoxIndex((box, node_id) for node_id, box in boxes.items())
    drawn: list[tuple[dict[str, Any], tuple[str, str], str | None, list[Point]]] = []
    # Several links between the same two stages fan out so that each, and its name, stays visible.
    seen: dict[tuple[str, str], int] = {}
    for node in nodes:
        target = boxes[node["id"]]
        for port in node.get("inputs") or []:
            for link in (port.get("links") or []) if isinstance(port, dict) else []:
                if not isinstance(link, dict) or link.get("node_id_ref") not in boxes:
                    continue
                source = boxes[link["node_id_ref"]]
                pair = (link["node_id_ref"], node["id"])
                index = seen[pair] = seen.get(pair, -1) + 1
                offset = 16.0 * ((index + 1) // 2) * (1 if index % 2 else -1)  # labels 10 px high stay apart
                start = (source.right, source.y + source.height / 2 + offset)
                end = (target.x, target.y + target.height / 2 + offset)
                curve = _curve(start, end, stages, pair)
                if curve:
                    drawn.append((link, pair, *curve))
                else:
                    drawn.append((link, pair, None, _route(source, target, start, end, router)))
    # Routes along the same corridor are moved apart so that each can be followed.
    routed = [number for number, (_, _, d, _) in enumerate(drawn) if d is None]
    for number, points in zip(routed, separate([drawn[n][3] for n in routed], router)):
        drawn[number] = (drawn[number][0], drawn[number][1], None, points)
    out: list[str] = []
    placed = BoxIndex((label, None) for label in labels)
    for link, pair, d, points in drawn:
        kind = link_type(link) if link_type(link) in LINK_STYLES else "PRIMARY"
        stroke, dash = LINK_STYLES[kind]
        name = str(link.get("link_name") or "")
        title = f"<title>{_xml(name)}</title>" if name else ""
        out.append(f'<path class="link" {_attrs(data_from=pair[0], data_to=pair[1])} d="{d or _path(points)}" '
                   f'fill="none" stroke="{stroke}" stroke-width="1.5" {_attrs(stroke_dasharray=dash)} '
                   f'marker-end="url(#arrow-{kind.lower()})">{title}</path>')
        if name:
            out.append(_link_label(name, points, stroke, stages, placed, labels))
    return out, [point for _, _, d, points in drawn if d is None for point in points]


def _link_label(name: str, points: list[Point], stroke: str, stages: BoxIndex, placed: BoxIndex,
                labels: list[Box]) -> str:
    """The link's name at the first place along it that is free of stages and of the labels *placed* so far
    (where it is added, and to *labels*), whole or cut; its tooltip has it whole."""
    shown, spot = "", None
    for text in dict.fromkeys((cut_to_width(name, 180, 10), cut_to_width(name, 60, 10, shortest=3))):
        for x, y in label_spots(points):
            box = _text_box(x, y - 4, text, 10, pad=1.5)  # 1.5: the white halo around the letters
            if not any(box.meets(other) for other, _ in placed.near(box)) and \
                    not any(box.meets(stage) for stage, _ in stages.near(box)):
                shown, spot = text, (x, y)
                placed.add(box)
                labels.append(box)
                break
        if spot:
            break
    text = ""
    if spot:
        text = (f'<text {_attrs(x=spot[0], y=spot[1] - 4)} text-anchor="middle" font-size="10" fill="{stroke}" '
                f'stroke="#ffffff" stroke-width="3" paint-order="stroke">{_xml(shown)}</text>')
    return f'<g class="link-label"><title>{_xml(name)}</title>{text}</g>'


def _formats(comment: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in comment.get("formats") or []:
        if isinstance(item, dict) and isinstance(item.get("type"), str):
            found[item["type"]] = str(item.get("value", "")) if item.get("value") is not None else ""
    return found


def _colour(value: str | None, default: str) -> str:
    return value if value and re.fullmatch(r"#[0-9A-Fa-f]{3,8}|transparent", value) else default


def _comment(comment: dict[str, Any], box: Box) -> list[str]:
    formats = _formats(comment)
    annotation = comment.get("contentType") == "WYSIWYG"
    size_match = re.fullmatch(r"text-size-(\d+)", formats.get("textSize", ""))
    size = int(size_match.group(1)) if size_match else 12
    fill = _colour(formats.get("backgroundColor"), "#ffffff" if annotation else "#fcf4d6")
    outline = "none" if formats.get("outlineStyle") == "outline-none" else "#8d8d8d"
    text = str(comment.get("content") or "")
    lines = _wrap(text if annotation else _plain(text), max(4, int((box.width - 16) / (size * 0.55))))
    visible = max(1, int((box.height - 8) / (size * 1.3)))
    if len(lines) > visible:
        lines = [*lines[: visible - 1], _short(lines[visible - 1] + " …", len(lines[visible - 1]) + 2)]
    style = _attrs(font_size=size, fill=_colour(formats.get("textColor"), "#161616"),
                   font_weight="bold" if "bold" in formats else None,
                   font_style="italic" if "italics" in formats else None,
                   text_decoration=formats.get("textDecoration") if formats.get("textDecoration") else None)
    out = [f'<g class="comment" data-id="{_attr_text(comment.get("id", ""))}">',
           f'<rect {_attrs(x=box.x, y=box.y, width=box.width, height=box.height)} rx="2" fill="{fill}" '
           f'stroke="{outline}"/>',
           f"<text {style}>"]
    for index, line in enumerate(lines):
        out.append(f'<tspan {_attrs(x=box.x + 8, y=box.y + 8 + size + index * size * 1.3)}>{_xml(line)}</tspan>')
    out += ["</text>", "</g>"]
    return out


def _comment_connectors(comments: list[dict[str, Any]], comment_boxes: list[Box],
                        boxes: dict[str, Box]) -> list[str]:
    out = []
    for comment, box in zip(comments, comment_boxes):
        for ref in comment.get("associated_id_refs") or []:
            stage = boxes.get(ref.get("node_ref")) if isinstance(ref, dict) else None
            if stage is None:
                continue
            out.append(f'<line {_attrs(x1=box.x + box.width / 2, y1=box.y + box.height / 2)} '
                       f'{_attrs(x2=stage.x + stage.width / 2, y2=stage.y + stage.height / 2)} '
                       'stroke="#8d8d8d" stroke-width="1" stroke-dasharray="2 3"/>')
    return out


# --------------------------------------------------------------------------- PNG


def _svg_size(svg: str) -> tuple[int, int]:
    match = re.search(r'<svg[^>]*\swidth="(\d+)"[^>]*\sheight="(\d+)"', svg)
    return (int(match.group(1)), int(match.group(2))) if match else (1200, 800)


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(argv: list[str], what: str) -> None:
    try:
        done = subprocess.run(argv, capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PictureError(f"{what} failed: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).decode("utf-8", "replace").strip().splitlines()
        raise PictureError(f"{what} failed (exit {done.returncode}): {detail[-1] if detail else 'no message'}")


def _with_cairosvg(svg_path: str, png_path: str, size: tuple[int, int]) -> None:
    import cairosvg  # type: ignore[import-not-found]

    cairosvg.svg2png(url=svg_path, write_to=png_path)


def _with_rsvg(svg_path: str, png_path: str, size: tuple[int, int]) -> None:
    _run([shutil.which("rsvg-convert") or "rsvg-convert", "--format=png", "-o", png_path, svg_path], "rsvg-convert")


def _with_inkscape(svg_path: str, png_path: str, size: tuple[int, int]) -> None:
    _run([shutil.which("inkscape") or "inkscape", svg_path, "--export-type=png", f"--export-filename={png_path}"],
         "inkscape")


def _with_browser(svg_path: str, png_path: str, size: tuple[int, int]) -> None:
    browser = _browser()
    if browser is None:
        raise PictureError("no Chromium or Chrome browser found")
    with tempfile.TemporaryDirectory(prefix="flowzip-browser-") as profile:
        _run([browser, *browser_flags(profile), f"--window-size={size[0]},{size[1]}",
              f"--screenshot={png_path}", "file://" + os.path.abspath(svg_path)], os.path.basename(browser))


def browser_flags(profile: str) -> list[str]:
    """Flags for a headless, offline, throw-away Chromium run (used for PNGs and by the tests)."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
            "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
            "--disable-extensions", "--disable-sync", "--no-first-run", "--no-default-browser-check",
            "--metrics-recording-only", "--force-device-scale-factor=1", f"--user-data-dir={profile}"]


CONVERTERS: dict[str, tuple[Callable[[], bool], Callable[[str, str, tuple[int, int]], None]]] = {
    "cairosvg": (lambda: importlib.util.find_spec("cairosvg") is not None, _with_cairosvg),
    "rsvg-convert": (lambda: shutil.which("rsvg-convert") is not None, _with_rsvg),
    "inkscape": (lambda: shutil.which("inkscape") is not None, _with_inkscape),
    "chromium": (lambda: _browser() is not None, _with_browser),
}


def png_converters() -> list[str]:
    """The SVG-to-PNG converters found on this machine, in the order they are preferred."""
    return [name for name, (available, _) in CONVERTERS.items() if available()]


def svg_to_png(svg: str, *, converter: str | None = None) -> tuple[bytes, str]:
    """PNG bytes of *svg*, and the name of the converter that made them."""
    names: Iterable[str]
    if converter is not None:
        if converter not in CONVERTERS:
            raise PictureError(f"unknown PNG converter {converter!r}; choose one of {', '.join(CONVERTERS)}")
        if not CONVERTERS[converter][0]():
            raise PictureError(f"the PNG converter {converter!r} is not installed here")
        names = [converter]
    else:
        names = png_converters()
    names = list(names)
    if not names:
        raise PictureError("cannot write PNG: no SVG converter found; install one of: the cairosvg Python "
                           "package, rsvg-convert (librsvg), Inkscape, Chromium; or write SVG (--format svg)")
    name = names[0]
    with tempfile.TemporaryDirectory(prefix="flowzip-picture-") as folder:
        svg_path, png_path = os.path.join(folder, "flow.svg"), os.path.join(folder, "flow.png")
        with open(svg_path, "w", encoding="utf-8") as handle:
            handle.write(svg)
        CONVERTERS[name][1](svg_path, png_path, _svg_size(svg))
        try:
            with open(png_path, "rb") as handle:
                data = handle.read()
        except OSError:
            raise PictureError(f"{name} wrote no PNG") from None
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise PictureError(f"{name} wrote something that is not a PNG")
    return data, name


def stage_boxes(flow: Flow, *, arrange: bool = False) -> dict[str, tuple[float, float, float, float]]:
    """Where :func:`flow_svg` draws each stage, in picture pixels from the top-left corner (for tests and tools)."""
    svg = flow_svg(flow, arrange=arrange)
    match = re.search(r'viewBox="(-?[\d.]+) (-?[\d.]+)', svg)
    left, top = (float(match.group(1)), float(match.group(2))) if match else (0.0, 0.0)
    pipeline = _picture_pipeline(flow, arrange)
    return {node_id: (x - left, y - top, w, h) for node_id, (x, y, w, h) in flow_boxes(pipeline).items()}

