"""``flowzip diff`` and ``flowzip patch``: compare by meaning, change by RFC 6902 patches."""

from __future__ import annotations

import sys
from typing import Any

import click

from .. import jsonio
from ..analysis.diff import diff
from ..display import printable
from ..document.patch import apply_patch
from ..document.secrets import CHANGED_SECRET, SECRET
from ..errors import PatchError
from ..inputs import MAX_INPUT_BYTES, read_input
from .options import check_destination, output_options, save, show_secrets_option
from .reporters import emit, reporter, table

EXIT_SAME, EXIT_DIFFERENT = 0, 1
SIGNS = {"added": "+", "removed": "-", "changed": "~"}


@click.command("diff")
@click.argument("a", type=click.Path(exists=True, dir_okay=True))
@click.argument("b", type=click.Path(exists=True, dir_okay=True))
@click.option("--ignore-ui", is_flag=True,
              help="Hide what only the canvas uses: positions, sizes, link decorations, style classes, key order.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "patch"]), default="text", show_default=True,
              help="text for people; json for scripts; patch: RFC 6902 JSON Patch (an array for two files, an "
                   "object of member path -> array for archives).")
@click.option("--stat", is_flag=True, help="Only a line per member that differs, with how many changes, and totals.")
@show_secrets_option
@click.pass_context
def diff_command(ctx: click.Context, a: str, b: str, ignore_ui: bool, fmt: str, stat: bool, show_secrets: bool) -> int:
    """Compare A and B (archives, trees or single flow files) by meaning.

    Per member: added, removed or changed.  Inside flows: stages matched by
    label (then by id), links by their stages and name, configuration property
    by property, comments, parameters.  Ids renewed on every save never show.

    Exit codes, as diff(1): 0 no difference, 1 differences, 2 error.

    \b
    Examples:
      flowzip diff before.zip after.zip
      flowzip diff --ignore-ui repo-v1/datastage repo-v2/datastage
      flowzip diff --format json before.zip after.zip | jq '.members[].member'
      flowzip diff --format patch old/TestFlow2.json new/TestFlow2.json > change.json
      flowzip diff --stat release-1.zip release-2.zip

    Passwords, keys, tokens and encrypted values show as <secret> (<secret changed>
    where they differ); --show-secrets prints them.
    """
    opened_a, opened_b = ctx.obj["open"](a), ctx.obj["open"](b)
    result = diff(opened_a, opened_b, ignore_ui=ignore_ui, patches=fmt == "patch", show_secrets=show_secrets)
    if fmt == "patch":
        patches = result.patches()
        single = opened_a.kind == "file" and opened_b.kind == "file"
        document: Any = next(iter(patches.values()), []) if single else patches
        text = jsonio.dumps(document, jsonio.JACKSON).decode()
        click.echo(text)
        if SECRET in text or CHANGED_SECRET in text:
            click.echo("flowzip: note: secrets in the patch show as <secret>; --show-secrets puts their values "
                       "in it", err=True)
        others = [m for m in result.members if m.patch is None]
        for member in others:  # JSON Patch changes documents; it cannot add or remove files
            click.echo(f"flowzip: note: {printable(member.member)} is {member.status}; a JSON Patch cannot say so",
                       err=True)
    elif stat:
        emit("diff_stat", _stat(result.to_dict()), fmt == "json")
    else:
        emit("diff", result.to_dict(), fmt == "json")
    return EXIT_DIFFERENT if result else EXIT_SAME


def _stat(data: dict[str, Any]) -> dict[str, Any]:
    """Per member that differs: its status and how many changes of each kind; and the totals."""
    members = []
    for member in data["members"]:
        kinds = {kind: sum(c["kind"] == kind for c in member["changes"]) for kind in ("added", "removed", "changed")}
        members.append({"member": member["member"], "status": member["status"], **kinds})
    totals = {status: sum(m["status"] == status for m in members) for status in ("added", "removed", "changed")}
    return {"a": data["a"], "b": data["b"], "members": members, "totals": totals}


@reporter("diff_stat")
def _diff_stat(data: dict[str, Any]) -> None:
    rows = []
    for member in data["members"]:
        counts = ", ".join(f"{member[k]} {k}" for k in ("added", "removed", "changed") if member[k])
        rows.append([SIGNS[member["status"]], member["member"], counts or member["status"]])
    table(rows, indent="")
    totals = data["totals"]
    count = sum(totals.values())
    click.echo(f"{count} member{' differs' if count == 1 else 's differ'}: {totals['changed']} changed, "
               f"{totals['added']} added, {totals['removed']} removed" if count else "no differences")


def _short(value: Any, width: int = 70) -> str:
    text = jsonio.dumps(value, jsonio.COMPACT).decode() if not isinstance(value, str) else repr(value)
    return text if len(text) <= width else text[: width - 1] + "…"


@reporter("diff")
def report_diff(data: dict[str, Any]) -> None:
    for member in data["members"]:
        label = f" ({member['type']} {member['name']})" if member["name"] else ""
        click.echo(f"{SIGNS[member['status']]} {member['member']}{label}")
        for change in member["changes"]:
            sign = SIGNS[change["kind"]]
            what = change["scope"] + (f" {change['name']}" if change["name"] else "")
            if change.get("stage_type"):
                what += f" ({change['stage_type']})"
            where = f": {change['path']}" if change["path"] else ""
            ui = " (ui)" if change["ui"] else ""
            if change["kind"] == "changed" and change["path"]:
                detail = f": {_short(change['before'])} -> {_short(change['after'])}"
            elif change["kind"] == "added" and change["path"]:
                detail = f": {_short(change['after'])}"
            elif change["scope"] == "stage" and not change["path"] and not change.get("stage_type"):
                detail = f" ({change['after'] or change['before']})"
            else:
                detail = ""
            click.echo(f"    {sign} {what}{where}{detail}{ui}")
    count = len(data["members"])
    if count:
        click.echo("1 member differs" if count == 1 else f"{count} members differ")
    else:
        click.echo("no differences" + (" (ignoring the canvas)" if data["ignore_ui"] else ""))


@click.command("patch")
@click.argument("archive", type=click.Path(exists=True, dir_okay=True))
@click.argument("patchfile", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@output_options()
@click.pass_context
def patch_command(ctx: click.Context, archive: str, patchfile: str, output: str | None, in_place: bool,
                  dry_run: bool, as_json: bool) -> None:
    """Apply RFC 6902 JSON Patches to members of ARCHIVE.

    PATCHFILE holds an array of operations (for an ARCHIVE that is a single
    file), or an object mapping member paths to arrays, as 'flowzip diff
    --format patch' writes them.  'test' operations are checked; a failed test
    or a path that does not exist refuses the whole patch: nothing is written.
    Changed members keep their file's style.

    \b
    Examples:
      flowzip diff --format patch v1.zip v2.zip > upgrade.json
      flowzip patch other.zip upgrade.json -o other-upgraded.zip
      flowzip patch data_intg_flow/load.json fix.json --in-place
    """
    check_destination(output, in_place, dry_run)
    raw = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1) if patchfile == "-" else read_input(patchfile, PatchError)
    if len(raw) > MAX_INPUT_BYTES:
        raise PatchError(f"is larger than {MAX_INPUT_BYTES >> 20} MiB", member="standard input")
    patches = jsonio.loads(raw, member=patchfile)
    opened = ctx.obj["open"](archive)
    if isinstance(patches, list):
        if len(opened.members) != 1 or not opened.members[0].is_json:
            raise PatchError("a bare patch array applies to a single JSON file; for an archive give an object "
                             "mapping member paths to patches", member=patchfile)
        patches = {opened.members[0].name: patches}
    if not isinstance(patches, dict):
        raise PatchError("a patch file holds an RFC 6902 array or an object of member path -> array",
                         member=patchfile)
    results = []
    for name, operations in patches.items():  # all applied in memory first: nothing is written on failure
        member = opened.member(name)
        patched = apply_patch(member.json(), operations, member=member.name)
        results.append((member, patched, len(operations)))
    for member, patched, _ in results:
        member.set_json(patched)
    written = save(opened, output, in_place, inputs=[patchfile] if patchfile != "-" else [], dry_run=dry_run)
    summary = {"written": written, "members": [{"member": m.name, "operations": n} for m, _, n in results]}
    emit("patched", summary, as_json)


@reporter("patched")
def _patched(data: dict[str, Any]) -> None:
    for item in data["members"]:
        count = item["operations"]
        click.echo(f"{item['member']}: {count} operation{'s' if count != 1 else ''} applied")
    click.echo(f"wrote {data['written']}" if data["written"] else "dry run: nothing written")


COMMANDS = [diff_command, patch_command]
