"""Measure the advance widths that flowzip.analysis.geometry estimates text widths with.

Runs headless Chromium on a page that measures each printable ASCII character in DejaVu Sans (the widest
of the fonts the pictures name), regular and bold, at 1000 px, and prints the two tables to paste into
``src/flowzip/analysis/geometry.py``.  Needs Chromium and the DejaVu fonts (Debian: chromium,
fonts-dejavu-core).

    python tools/measure_glyphs.py
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from flowzip.analysis.picture import browser_flags  # noqa: E402

PAGE = """<!DOCTYPE html><html><body><pre id="out"></pre><script>
const context = document.createElement("canvas").getContext("2d");
const widths = (weight) => {
  context.font = weight + ' 1000px "DejaVu Sans"';
  const found = [];
  for (let code = 32; code < 127; code++) found.push(Math.round(context.measureText(String.fromCharCode(code)).width));
  return found;
};
document.getElementById("out").textContent = JSON.stringify([widths(""), widths("bold")]);
</script></body></html>"""


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "glyphs.html"
        page.write_text(PAGE, encoding="utf-8")
        done = subprocess.run(["chromium", *browser_flags(str(Path(folder) / "profile")), "--dump-dom",
                               page.as_uri()], check=True, capture_output=True, timeout=120)
    text = done.stdout.decode("utf-8").split('<pre id="out">', 1)[1].split("</pre>", 1)[0]
    regular, bold = json.loads(html.unescape(text))
    for name, table in (("_REGULAR", regular), ("_BOLD", bold)):
        print(f"{name} = {tuple(table)}")


if __name__ == "__main__":
    main()
