"""Pictures of flows: the SVG says what the canvas shows, a real browser draws it, PNG needs a converter."""

from __future__ import annotations

import copy
import itertools
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowzip
from flowzip.analysis.picture import CHAR_EM, browser_flags, flow_svg, png_converters, stage_boxes, svg_to_png
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
        labels: list[tuple[float, float, float]] = []  # (centre x, baseline y, estimated width) of each label
        for stage in flow.stages:
            group = by_id[stage.id]
            assert group.find(f"{SVG}title").text.startswith(stage.label or ""), (source, flow.name, stage.label)
            label = next(t for t in group.iter(f"{SVG}text") if t.get("class") == "label")
            shown = label.text or ""
            # The label is the stage's, whole or cut with an ellipsis (the tooltip has it whole).
            assert shown == stage.label or (shown.endswith("…") and (stage.label or "").startswith(shown[:-1])), \
                (source, flow.name, stage.label, shown)
            labels.append((float(label.get("x")), float(label.get("y")), len(shown) * CHAR_EM * 12))
        # No two labels on one row meet (widths as the picture estimates them), unless the stages sit so
        # close (stacked by the canvas) that no label is left but its first characters: `arrange` helps there.
        shortest = 3 * CHAR_EM * 12
        for (x1, y1, w1), (x2, y2, w2) in itertools.combinations(labels, 2):
            if abs(y1 - y2) < 14 and min(w1, w2) > shortest:
                assert abs(x1 - x2) >= (w1 + w2) / 2, (source, flow.name, x1, x2, w1, w2)
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
