"""What a user mistypes gets a suggestion; what a command cannot do is said before any work."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowzip.cli import cli, in_cli_words
from flowzip.display import counted
from tests.conftest import REPO

DEMO = str(REPO / "fixtures" / "demo" / "paramset.zip")


@pytest.mark.parametrize(("args", "suggestion"), [
    (["show", DEMO, "rowgen_peak"], "did you mean 'rowgen_peek'?"),
    (["stage", "links", DEMO, "rowgen_peek", "Peek_2"], "did you mean 'Peek_1'?"),
    (["stage", "ls", DEMO, "rowgen_peek", "--type", "Transfomer"], "did you mean 'Transformer'?"),
])
def test_a_near_miss_gets_a_suggestion(args: list[str], suggestion: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and suggestion in result.stderr and result.stderr.count("\n") == 1


def test_a_type_the_flow_has_is_listed() -> None:
    result = CliRunner().invoke(cli, ["stage", "ls", "--json", DEMO, "rowgen_peek", "--type", "peek"])
    assert result.exit_code == 0 and [row["label"] for row in json.loads(result.stdout)] == ["Peek_1"]


def test_render_refuses_a_picture_it_cannot_write(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["render", DEMO, "-o", str(tmp_path / "flow.pdf")])
    assert result.exit_code == 2 and "name the output .svg or .png" in result.stderr
    assert not (tmp_path / "flow.pdf").exists()


def test_lint_takes_json_as_the_other_commands_do() -> None:
    result = CliRunner().invoke(cli, ["lint", "--json", DEMO])
    assert result.exit_code in (0, 1) and "findings" in json.loads(result.stdout)
    clash = CliRunner().invoke(cli, ["lint", "--json", "--format", "sarif", DEMO])
    assert clash.exit_code == 2 and "--json is --format json" in clash.stderr


# Words from inside the code: Python values, parameter spellings, keyword arguments, type names.
PYTHON_WORDS = re.compile(r"\b(None|True|False|kwargs|int|str|dict|bool)\b|<class|\b[a-z]+_[a-z_]+=|\w\(\)")


@pytest.mark.parametrize(("args", "words"), [
    (["annotate", DEMO, "rowgen_peek", "hi", "--text-size", "99"], "--text-size must be one of"),
    (["settings", "set", DEMO, "rowgen_peek", "--retention-days", "3", "--retention-amount", "2"],
     "--retention-days and --retention-amount cannot both be set (clear --retention-amount in the same change)"),
    (["stage", "set", DEMO, "rowgen_peek", "Peek_1", "nrecs=abc"], "nrecs must be a whole number, not 'abc'"),
    (["params", "set-default", DEMO, "peek_paramse", "x=1"],
     "no parameter set named 'peek_paramse' (did you mean 'peek_paramset'?)"),
    (["params", "set-default", DEMO, "nothing_like_it", "x=1"], "no parameter set named 'nothing_like_it' "
                                                                "(parameter sets: peek_paramset"),
    (["stage", "rm", DEMO, "rowgen_peek", "Peek_9"], "no stage labelled 'Peek_9' (did you mean 'Peek_1'?)"),
    (["link", "rm", DEMO, "rowgen_peek", "Link_9"], "no link named 'Link_9'"),
    (["lint", DEMO, "--select", "FZZ999"], "'FZZ999' picks no lint rule"),
    (["lint", DEMO, "--ignore", "nmaing"], "'nmaing' picks no lint rule (did you mean 'naming'?)"),
    (["link", "rename", DEMO, "rowgen_peek", "Link_1", ""], "a link name cannot be empty"),
])
def test_messages_are_in_the_command_lines_words(args: list[str], words: str, tmp_path: Path) -> None:
    writes = args[0] not in ("lint",)
    result = CliRunner().invoke(cli, [*args, *(["-o", str(tmp_path / "out.zip")] if writes else [])])
    assert result.exit_code == 2 and words in result.stderr, result.stderr
    assert not PYTHON_WORDS.search(result.stderr), result.stderr
    assert not (tmp_path / "out.zip").exists()


def test_python_parameter_names_become_options_only_where_the_cli_has_them() -> None:
    assert in_cli_words("pass in_place=True to overwrite", cli) == "pass --in-place to overwrite"
    assert in_cli_words("text_size must be 12", cli) == "--text-size must be 12"
    # A stage property or a word that is no option stays as it is.
    assert in_cli_words("runtime_column_propagation must be set", cli) == "runtime_column_propagation must be set"


def test_counts_take_the_number_of_their_noun(tmp_path: Path) -> None:
    # "1 links" was printed by render; one helper words every count.
    assert [counted(n, "link") for n in (0, 1, 2)] == ["0 links", "1 link", "2 links"]
    assert counted(2, "missing dependency") == "2 missing dependencies" and counted(1, "match") == "1 match"
    assert counted(3, "day") == "3 days"
    result = CliRunner().invoke(cli, ["render", DEMO, "rowgen_peek", "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 0 and "2 stages, 1 link, 0 comments drawn" in result.stdout
