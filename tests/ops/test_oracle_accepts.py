"""What flowzip writes passes the official SDK as a consumer: its reader, its writer and its code generator.

``../shared/sdk-oracle/oracle/accepts.py`` reads each flow of an archive with the SDK, loads it into the SDK's
graph, writes it again with the SDK's writer and generates Python code for it.  Archives flowzip builds
(every stage type that needs no connection asset: the SDK's code generator insists on a connection for a
connector) and archives of real exports edited through flowzip's commands and API must pass every step.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import flowzip
from flowzip.cli import cli
from flowzip.document.catalog import catalog
from tests.conftest import REPO, SHARED, require_shared
from tests.document.test_sdk_shape import TYPES, _build

ACCEPTS = SHARED / "sdk-oracle" / "oracle" / "accepts.py"
DEMO = REPO / "fixtures" / "demo" / "paramset.zip"


def _accepts(*archives: Path) -> None:
    require_shared()
    done = subprocess.run([sys.executable, str(ACCEPTS), *map(str, archives)], capture_output=True, text=True,
                          timeout=600, check=False)
    failures = [line for line in done.stdout.splitlines() if line.startswith("FAIL")]
    assert done.returncode == 0 and not failures, "\n".join(failures[:20]) or done.stderr[-2000:]
    assert " passed, 0 failed" in done.stdout


def test_flows_of_every_stage_type_flowzip_builds_pass_the_sdk(tmp_path: Path) -> None:
    archive = flowzip.new()
    built = 0
    for type_name in TYPES:
        if catalog().get(type_name).needs_connection:
            continue
        flow = archive.create_flow("f_" + "".join(c if c.isalnum() else "_" for c in type_name))
        # Transformer outputs are declared (the SDK's writer needs them); the others are propagated.
        _build(flow, type_name, type_name == "Transformer")
        archive.update_flow(flow)
        built += 1
    assert built > 60
    archive.save(tmp_path / "every_type.zip")
    _accepts(tmp_path / "every_type.zip")


def test_real_exports_edited_by_flowzip_pass_the_sdk(tmp_path: Path) -> None:
    require_shared()
    runner = CliRunner()
    edited = tmp_path / "edited.zip"
    steps = [
        ["stage", "add", str(DEMO), "rowgen_peek", "Copy", "--label", "copy_rows", "-o", str(tmp_path / "a.zip")],
        ["stage", "insert", str(tmp_path / "a.zip"), "rowgen_peek", "Link_1", "Sort", "-o", str(tmp_path / "b.zip")],
        ["columns", "propagate", str(tmp_path / "b.zip"), "--every-link", "-o", str(edited)],
    ]
    for step in steps:
        result = runner.invoke(cli, step)
        assert result.exit_code == 0, (step, result.output, result.stderr)
    archive = flowzip.open(edited)
    flow = archive.flows.get(name="rowgen_peek")
    into_sort = next(link for link in flow.links if link.target.type == "Sort")
    columns = into_sort.create_schema()  # declared on the link out of the Row Generator
    columns.add_field("BIGINT", "ID")
    columns.add_field("VARCHAR", "NAME", length=40)
    flow.propagate_columns(every_link=True)
    archive.update_flow(flow)
    archive.save(tmp_path / "final.zip")
    _accepts(edited, tmp_path / "final.zip")
    out_of_sort = next(link for link in flow.links if link.source is not None and link.source.type == "Sort")
    assert [c.source for c in out_of_sort.columns] == [f"{into_sort.name}.ID", f"{into_sort.name}.NAME"]
