"""flowzip link columns / link set-columns / columns propagate: what they print, and every bad columns file
refused in one line, exit 2, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import flowzip
from flowzip.cli import cli
from tests.conftest import REPO

DEMO = str(REPO / "fixtures" / "demo" / "paramset.zip")


def test_set_columns_then_list_them(tmp_path: Path) -> None:
    columns = tmp_path / "columns.csv"
    columns.write_text("name,type,nullable,key,length,scale\nCUSTOMER_ID,BIGINT,false,true,,\n"
                       "NAME,VARCHAR,true,false,40,\n", encoding="utf-8")
    out = tmp_path / "out.zip"
    runner = CliRunner()
    result = runner.invoke(cli, ["link", "set-columns", DEMO, "rowgen_peek", "Link_1", str(columns), "-o", str(out)])
    assert result.exit_code == 0 and "has 2 columns" in result.stdout
    listed = runner.invoke(cli, ["link", "columns", str(out), "rowgen_peek", "Link_1", "--json"])
    rows = json.loads(listed.stdout)
    assert [(r["name"], r["odbc_type"], r["nullable"], r["key"], r["length"]) for r in rows] == [
        ("CUSTOMER_ID", "BIGINT", False, True, 6), ("NAME", "VARCHAR", True, False, 40)]
    table = runner.invoke(cli, ["link", "columns", str(out), "rowgen_peek", "Link_1"])
    assert table.stdout.splitlines()[0].split() == ["name", "type", "nullable", "key", "length", "scale", "source"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("bad.csv", "name,type\nX,VARCHR\n", "row 1 (X): unknown field type 'VARCHR' (did you mean 'VARCHAR'?)"),
    ("empty.json", "[]", "lists no columns"),
    ("header.csv", "name,type\n", "lists no columns"),
    ("twice.csv", "name,name,type\nA,B,INTEGER\n", "the header names 'name' twice"),
    ("extra.csv", "name,type\nA,INTEGER,oops\n", "more cells than the header names"),
    ("float.json", '[{"name": "A", "type": "VARCHAR", "length": 1.5}]', "length is a whole number"),
    ("negative.csv", "name,type,length\nA,VARCHAR,-5\n", "length is a whole number"),
    ("huge.csv", "name,type,length\nA,VARCHAR," + "9" * 5000 + "\n", "length is a whole number"),
    ("dup.csv", "name,type\nA,INTEGER\nA,INTEGER\n", "a second column named 'A'"),
    ("attr.csv", "name,type,scale\nA,VARCHAR,2\n", "a VARCHAR field has no attribute 'scale'"),
    ("notjson.json", "{", "not JSON"),
])
def test_a_bad_columns_file_is_refused_in_one_line(tmp_path: Path, name: str, content: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out = tmp_path / "out.zip"
    result = CliRunner().invoke(cli, ["link", "set-columns", DEMO, "rowgen_peek", "Link_1", str(path), "-o", str(out)])
    assert result.exit_code == 2 and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


def test_columns_propagate_fills_links_with_no_columns(tmp_path: Path) -> None:
    archive = flowzip.open(DEMO)
    flow = archive.flows.get(name="rowgen_peek")
    flow.insert_stage(flow.links[0], "Copy", "copy_rows")
    out_of_copy = next(link for link in flow.links if link.source.label == "copy_rows")
    out_of_copy.schema = None  # as a link made by hand would be
    archive.update_flow(flow)
    before = tmp_path / "before.zip"
    archive.save(before)
    result = CliRunner().invoke(cli, ["columns", "propagate", str(before), "-o", str(tmp_path / "after.zip")])
    assert result.exit_code == 0 and "columns of 1 link computed" in result.stdout, result.output
    again = CliRunner().invoke(cli, ["columns", "propagate", str(tmp_path / "after.zip"), "--dry-run"])
    assert "every link already has the columns propagation gives it" in again.stdout
