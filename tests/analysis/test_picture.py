"""Pictures of flows: the SVG says what the canvas shows, a real browser draws it, PNG needs a converter."""

from __future__ import annotations

import copy
import html
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowzip
from flowzip.analysis.picture import browser_flags, flow_svg, png_converters, stage_boxes, svg_to_png
from flowzip.cli import cli
from flowzip.errors import PictureError
from tests.conftest import REAL, REPO, real_exports, require_shared
from tests.pngread import read_png

SVG = "{http://www.w3.org/2000/svg}"
DEMO = REPO / "fixtures" / "demo" / "paramset.zip"


def _texts(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return [" ".join("".join(element.itertext()).split()) for element in root.iter(f"{SVG}text")]


def _real_flows() -> list:
    require_shared()
    found = []
    for folder in (p for p in real_exports() if p.is_dir()):
        archive = flowzip.open(folder)
        found += [(folder.name, flow) for flow in archive.flows]
    return found


def test_every_real_flow_draws_its_stages_links_and_comments_without_changing_the_flow() -> None:
    flows = _real_flows()
    assert len(flows) > 100
    for source, flow in flows:
        before = copy.deepcopy(flow.flow_document)
        svg = flow_svg(flow)
        assert flow.flow_document == before, (source, flow.name)
        root = ET.fromstring(svg.encode("utf-8"))  # well-formed
        groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "stage"]
        assert sorted(g.get("data-id") for g in groups) == sorted(s.id for s in flow.stages), (source, flow.name)
        by_id = {g.get("data-id"): g for g in groups}
        for stage in flow.stages:
            group = by_id[stage.id]
            assert group.find(f"{SVG}title").text.startswith(stage.label or ""), (source, flow.name, stage.label)
            label = next(t for t in group.iter(f"{SVG}text") if t.get("class") == "label")
            shown = label.text or ""
            # The label is the stage's, whole, cut with an ellipsis, or left to the tooltip where stages
            # are stacked on one another.
            assert shown in (stage.label, "") or (shown.endswith("…") and (stage.label or "").startswith(shown[:-1])), \
                (source, flow.name, stage.label, shown)
        assert len([p for p in root.iter(f"{SVG}path") if p.get("class") == "link"]) == len(flow.links)
        comments = [g for g in root.iter(f"{SVG}g") if g.get("class") == "comment"]
        assert len(comments) == len(flow.comments), (source, flow.name)
        assert flow_svg(flow) == svg  # deterministic


def test_link_names_types_and_comment_text_are_drawn() -> None:
    archive = flowzip.new()
    flow = archive.create_flow("picture")
    rows = flow.add_stage("Row Generator", "rows")
    lookup = flow.add_stage("Lookup", "lookup")
    ref = flow.add_stage("Row Generator", "ref")
    out = flow.add_stage("Peek", "out")
    rows.connect_output_to(lookup).name = "main_in"
    ref.connect_output_to(lookup).reference().name = "ref_in"
    lookup.connect_output_to(out).name = "to_peek"
    flow.add_markdown_comment("**Nightly** load, see #ticket").connect_to(rows)
    flow.add_annotation("Do not change", bold=True, text_color="#DA1E28")
    svg = flow_svg(flow)
    texts = _texts(svg)
    for expected in ("rows", "lookup", "Row Generator", "Lookup", "main_in", "ref_in", "to_peek", "Do not change"):
        assert expected in texts, expected
    assert any("Nightly load" in t for t in texts)  # Markdown marks are not drawn
    assert 'stroke-dasharray="6 4"' in svg  # the reference link
    assert 'font-weight="bold"' in svg and 'fill="#DA1E28"' in svg  # the annotation's formats
    assert 'stroke-dasharray="2 3"' in svg  # the comment's line to its stage


def test_stages_without_positions_are_placed_in_the_picture_only() -> None:
    archive = flowzip.new()
    flow = archive.create_flow("unplaced")
    first, second = flow.add_stage("Row Generator", "a"), flow.add_stage("Peek", "b")
    first.connect_output_to(second)
    for stage in flow.stages:
        stage.node["app_data"]["ui_data"].pop("x_pos")
        stage.node["app_data"]["ui_data"].pop("y_pos")
    before = copy.deepcopy(flow.flow_document)
    boxes = stage_boxes(flow)
    assert flow.flow_document == before
    assert boxes[first.id][0] < boxes[second.id][0]  # left to right


def test_png_without_a_converter_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    assert png_converters() == []
    with pytest.raises(PictureError, match="no SVG converter found; install one of"):
        svg_to_png("<svg/>")
    result = CliRunner().invoke(cli, ["render", str(DEMO), "rowgen_peek", "-o", "flow.png"])
    assert result.exit_code == 2
    assert "install one of" in result.stderr and "Traceback" not in result.stderr


def test_render_command(tmp_path: Path) -> None:
    target = tmp_path / "flow.svg"
    result = CliRunner().invoke(cli, ["render", str(DEMO), "-o", str(target), "--json"])
    assert result.exit_code == 0, result.stderr
    assert '"format": "svg"' in result.output
    assert "Row_Generator_1" in _texts(target.read_text(encoding="utf-8"))
    streamed = CliRunner().invoke(cli, ["render", str(DEMO), "rowgen_peek", "-o", "-"])
    assert streamed.exit_code == 0 and streamed.output == target.read_text(encoding="utf-8")
    clash = CliRunner().invoke(cli, ["render", str(DEMO), "--format", "svg", "-o", str(DEMO)])
    assert clash.exit_code == 2 and "refusing to overwrite an input" in clash.stderr
    missing = CliRunner().invoke(cli, ["render", str(DEMO), "nope", "-o", str(tmp_path / "x.svg")])
    assert missing.exit_code == 2 and "no flow named 'nope'" in missing.stderr
    assert not (tmp_path / "x.svg").exists()


def _browser() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name) or name
    message = "no Chromium here (Debian package 'chromium'; .ci/run installs it)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.mark.parametrize("arrange", [False, True], ids=["stored", "arranged"])
def test_headless_chromium_shows_every_stage_box(tmp_path: Path, arrange: bool) -> None:
    browser = _browser()
    require_shared()
    flow = flowzip.open(REAL / "CPD_ocaso").flows.get(name="JP_F00_RCO_DIMENSION_DS")
    svg = flow_svg(flow, arrange=arrange)
    (tmp_path / "flow.svg").write_text(svg, encoding="utf-8")
    root = ET.fromstring(svg.encode("utf-8"))
    width, height = int(root.get("width")), int(root.get("height"))
    shot = tmp_path / "shot.png"
    subprocess.run([browser, *browser_flags(str(tmp_path / "profile")), f"--window-size={width},{height}",
                    f"--screenshot={shot}", (tmp_path / "flow.svg").as_uri()],
                   check=True, capture_output=True, timeout=120)
    image = read_png(shot.read_bytes())
    assert (image.width, image.height) == (width, height)

    def inked(x0: float, y0: float, w: float, h: float) -> float:
        points = [(x, y) for x in range(int(x0), int(x0 + w)) for y in range(int(y0), int(y0 + h))]
        return sum(not image.blank(x, y) for x, y in points) / len(points)

    boxes = stage_boxes(flow, arrange=arrange)
    assert len(boxes) == len(flow.stages) > 10
    for stage_id, (x, y, w, h) in boxes.items():
        assert inked(x, y, w, h) > 0.9, stage_id  # the stage's box is drawn where the SVG says
    assert inked(2, 2, 20, 20) == 0  # the margin stays blank: the check can fail
    # Links routed round stages are drawn where the SVG says: the middle of each straight run is inked.
    left, top = (float(v) for v in root.get("viewBox").split()[:2])
    runs = 0
    for path in (p for p in root.iter(f"{SVG}path") if p.get("class") == "link" and " L" in p.get("d")):
        # Straight runs go from the end of one command (M, or a rounded corner's Q) to the next L.
        runs_at = [[tuple(float(v) for v in pair.split(",")) for pair in part.split()]
                   for part in re.split(r"[MLQ]", path.get("d"))[1:]]
        for before, after in zip(runs_at, runs_at[1:]):
            (x1, y1), (x2, y2) = before[-1], after[0]
            if abs(x2 - x1) + abs(y2 - y1) > 20:
                runs += 1
                x, y = (x1 + x2) / 2 - left, (y1 + y2) / 2 - top
                assert inked(x - 1, y - 1, 3, 3) > 0, (path.get("data-from"), path.get("data-to"), x, y)
    assert runs >= (5 if not arrange else 0)


def test_headless_chromium_runs_nothing_a_hostile_flow_brings(tmp_path: Path) -> None:
    # Every piece of text a flow brings tries to add a script or an event handler; the browser's DOM after
    # loading the picture shows whether any of them ran (the attribute they would set).
    browser = _browser()
    attack = "document.documentElement.setAttribute('data-pwned','yes')"
    archive = flowzip.new()
    flow = archive.create_flow("load", description="x")
    rows = flow.add_stage("Row Generator", f'</text><script>{attack}</script>')
    peek = flow.add_stage("Peek", f'" onmouseover="{attack}')
    rows.connect_output_to(peek, name=f"<script>{attack}</script>")
    rows.node["id"] = f'x"><script>{attack}</script><g id="'
    flow.add_markdown_comment(f"<svg onload=\"{attack}\"/><script>{attack}</script>")
    archive.update_flow(flow)
    svg = flow_svg(archive.flows.get(name="load"))
    (tmp_path / "flow.svg").write_text(svg, encoding="utf-8")
    done = subprocess.run([browser, *browser_flags(str(tmp_path / "profile")), "--dump-dom",
                           (tmp_path / "flow.svg").as_uri()], check=True, capture_output=True, timeout=120)
    dom = done.stdout.decode("utf-8", "replace")
    assert "<svg" in dom and "stage" in dom  # the picture loaded
    assert 'data-pwned="yes"' not in dom


def test_the_names_of_parallel_links_stay_apart() -> None:
    require_shared()
    flow = flowzip.open(REAL / "CPD_ocaso").flows.get(name="FlowTestAllSample")
    root = ET.fromstring(flow_svg(flow).encode("utf-8"))
    at = {g.find(f"{SVG}title").text: g.find(f"{SVG}text") for g in root.iter(f"{SVG}g")
          if g.get("class") == "link-label"}
    for pair in (("Link_17", "Link_39"), ("Link_6", "Link_37"), ("Link_4", "Link_38"), ("Link_10", "Link_40")):
        (x1, y1), (x2, y2) = ((float(at[n].get("x")), float(at[n].get("y"))) for n in pair)
        assert abs(x1 - x2) < 1 and abs(y1 - y2) >= 12, (pair, y1, y2)  # one above the other, 10 px text apart


# Run in the page by headless Chromium over every picture in it: the geometry as the browser lays it out
# (real font metrics, real curves), judged there because the sampled links would be megabytes of JSON.
_MEASURE = """
<pre id="out"></pre>
<script>
const inside = (p, b, by) => p[0] > b[0] + by && p[0] < b[0] + b[2] - by && p[1] > b[1] + by && p[1] < b[1] + b[3] - by;
const meet = (a, b) => Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]) > 0.5 &&
                       Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]) > 0.5;
const box = (e) => { const r = e.getBBox(); return [r.x, r.y, r.width, r.height]; };
const report = [];
for (const svg of document.querySelectorAll("svg.flow")) {
  const stages = new Map([...svg.querySelectorAll("g.stage")].map(g => [g.dataset.id, box(g.querySelector("rect"))]));
  const labels = [...svg.querySelectorAll("g.stage text.label, g.stage text.type, g.link-label text")]
    .filter(t => t.textContent).map(t => [t.textContent, box(t)]);
  const found = {name: svg.dataset.name, stages: stages.size, labels: labels.length, links: 0, problems: []};
  for (const path of svg.querySelectorAll("path.link")) {
    found.links += 1;
    const total = path.getTotalLength();
    const points = [];
    for (let at = 0; at <= total; at += 2) { const p = path.getPointAtLength(at); points.push([p.x, p.y]); }
    const ends = [points[0], points[points.length - 1]];
    for (const [id, b] of stages) {
      const own = id === path.dataset.from || id === path.dataset.to;
      // Stages stacked on one another: a link cannot keep clear of a stage its own end lies in.
      if (!own && ends.some(p => inside(p, b, 0))) continue;
      const hit = points.find(p => inside(p, b, own ? 2 : 0));
      if (hit) found.problems.push(`link ${path.dataset.from}->${path.dataset.to} crosses stage ${id} at ${hit}`);
    }
  }
  labels.forEach(([text, b], i) => labels.slice(i + 1).forEach(([other, c]) => {
    if (meet(b, c)) found.problems.push(`labels ${JSON.stringify(text)} and ${JSON.stringify(other)} overlap`);
  }));
  report.push(found);
}
document.getElementById("out").textContent = JSON.stringify(report);
</script>
"""


def test_headless_chromium_sees_no_link_through_a_stage_and_no_labels_overlapping(tmp_path: Path) -> None:
    # Every real flow, at its stored positions and arranged: links go round the stages that are not theirs
    # (backwards, along a row, past stages in the way), and no two labels (stage names, types, link names)
    # overlap as Chromium lays out the text.
    browser = _browser()
    flows = _real_flows()
    pages, expected = [], {}
    for index, (source, flow) in enumerate(flows):
        for arrange in (False, True):
            key = f"{index}{'a' if arrange else 's'}"
            svg = flow_svg(flow, arrange=arrange).split("\n", 1)[1]  # no XML declaration inside HTML
            pages.append(svg.replace("<svg ", f'<svg class="flow" data-name="{key}" ', 1))
            expected[key] = (source, flow.name, arrange, len(flow.stages), len(flow.links))
    page = tmp_path / "pictures.html"
    page.write_text("<!DOCTYPE html><html><body>" + "\n".join(pages) + _MEASURE + "</body></html>",
                    encoding="utf-8")
    done = subprocess.run([browser, *browser_flags(str(tmp_path / "profile")), "--dump-dom", page.as_uri()],
                          check=True, capture_output=True, timeout=600)
    dom = done.stdout.decode("utf-8")
    report = json.loads(html.unescape(dom.split('<pre id="out">', 1)[1].split("</pre>", 1)[0]))
    assert len(report) == len(expected) > 200
    problems = []
    for found in report:
        source, name, arrange, stages, links = expected[found["name"]]
        assert (found["stages"], found["links"]) == (stages, links), (source, name)
        problems += [f"{source}/{name}{' (arranged)' if arrange else ''}: {p}" for p in found["problems"]]
    assert sum(found["labels"] for found in report) > 1000  # the labels were measured
    assert problems == [], "\n".join(problems[:40]) + f"\n({len(problems)} in all)"
