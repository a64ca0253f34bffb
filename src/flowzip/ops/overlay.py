"""Per-environment overlays: overrides kept in files laid out like the archive, applied in order.

An overlay folder mirrors the archive: ``parameter_set/psGlobal.json`` overrides the
member ``parameter_set/psGlobal.json``.  Two kinds of file:

* ``<folder>/<asset>.json``: an RFC 7386 JSON Merge Patch of the member's document
  (objects merge, ``null`` removes a key, anything else replaces);
* ``parameter_set/<set>.json5``: parameter name -> new default value, the shorthand
  MettleCI-style repositories keep per environment (real-exports: ``electromart/overlays/qa``),
  in JSON5 (unquoted keys, trailing commas, comments, single-quoted strings).

An overlay that names a member the archive does not hold, or a parameter the set
does not have, is an error: a typo must not pass silently into production.
"""

from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import jsonio
from ..document.patch import leaf_changes
from ..document.secrets import SECRET, shown
from ..errors import FlowzipError, OverlayError
from ..inputs import read_input
from ..suggest import closest

__all__ = ["OverlayError", "merge_patch", "json5_loads", "apply_overlays", "OverlayResult"]



def merge_patch(target: Any, patch: Any) -> Any:
    """*target* with RFC 7386 *patch* applied (a new document; the target's key order is kept)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


_JSON5_TOKEN = re.compile(r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<string>"[^"\\\n]*(?:\\.[^"\\\n]*)*"|'[^'\\\n]*(?:\\.[^'\\\n]*)*')
  | (?P<punct>[{}\[\]:,])
  | (?P<number>[+-]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|(?:Infinity|NaN)\b))
  | (?P<word>[A-Za-z_$][A-Za-z0-9_$]*)
""", re.VERBOSE | re.DOTALL)


def json5_loads(text: str, *, member: str | None = None) -> Any:
    """Parse the JSON5 subset overlay files use: comments, unquoted keys, single quotes, trailing commas,
    hexadecimal and signed numbers."""
    out: list[str] = []
    position = 0
    while position < len(text):
        match = _JSON5_TOKEN.match(text, position)
        if match is None:
            line = text.count("\n", 0, position) + 1
            raise OverlayError(f"is not valid JSON5 (line {line}: {text[position:position + 20]!r})", member=member)
        position = match.end()
        kind, token = match.lastgroup, match.group()
        if kind == "space":
            continue
        if kind == "string" and token.startswith("'"):
            token = jsonio.dumps(_unquote_single(token[1:-1])).decode()
        elif kind == "word":
            token = {"true": "true", "false": "false", "null": "null"}.get(token, jsonio.dumps(token).decode())
        elif kind == "number":
            if token.lstrip("+-") in ("Infinity", "NaN"):
                raise OverlayError(f"{token} is not a JSON number", member=member)
            sign = "-" if token.startswith("-") else ""
            body = token.lstrip("+-")
            if body[:2] in ("0x", "0X"):
                body = str(int(body, 16))
            else:  # JSON wants digits on both sides of the point: .5 -> 0.5, 5. -> 5.0
                body = re.sub(r"\.(?=$|[eE])", ".0", "0" + body if body.startswith(".") else body)
            token = sign + body
        elif kind == "punct" and token in "}]" and out and out[-1] == ",":
            out.pop()  # a trailing comma
        out.append(token)
    return jsonio.loads("".join(out).encode(), member=member)


def _unquote_single(body: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "'": "'", '"': '"', "\\": "\\"}.get(m.group(1),
                                                                                          m.group(0)), body)


@dataclass
class OverlayResult:
    """Per overlay file, in the order applied: the member it changed and the changes (one line each)."""

    applied: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"applied": self.applied}


def _overlay_files(folder: Path) -> list[Path]:
    """The overlay files of *folder*; a symbolic link anywhere in it is refused: an overlay reads only
    what is inside its folder."""
    if folder.is_symlink() or not folder.is_dir():
        raise OverlayError("is not a folder", member=str(folder))
    found = []
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            if os.path.islink(os.path.join(parent, name)):
                raise OverlayError("is a symbolic link; an overlay reads only the files inside its folder",
                                   member=os.path.join(parent, name))
        found += [Path(parent, name) for name in files if name.endswith((".json", ".json5"))]
    return sorted(found)


def apply_overlays(archive: Any, folders: list[str | os.PathLike[str]]) -> OverlayResult:
    """Apply every overlay of *folders*, folder after folder, to *archive* (in memory; save to keep)."""
    result = OverlayResult()
    for folder in map(Path, folders):
        files = _overlay_files(folder)
        if not files:  # an overlay folder that changes nothing is most likely the wrong folder
            raise OverlayError("holds no overlay: no <folder>/<asset>.json merge patch and no "
                               "parameter_set/<set>.json5", member=str(folder))
        for path in files:
            relative = path.relative_to(folder).as_posix()
            label = f"{folder.name}/{relative}"
            raw = read_input(path, OverlayError)
            if path.suffix == ".json5":
                member_name = relative[: -len(".json5")] + ".json"
                if not member_name.startswith("parameter_set/"):
                    raise OverlayError("a .json5 overlay sets parameter defaults: it belongs in parameter_set/",
                                       member=label)
                try:
                    values = json5_loads(raw.decode("utf-8"), member=label)
                except UnicodeDecodeError:
                    raise OverlayError("is not valid UTF-8", member=label) from None
                if not isinstance(values, dict):
                    raise OverlayError("holds parameter name -> value pairs", member=label)
                changes = _set_defaults(archive, member_name, values, label)
            else:
                member_name = relative
                patch = jsonio.loads(raw, member=label)
                member = _member(archive, member_name, label)
                before = member.json()
                after = merge_patch(before, patch)
                changes = [f"{kind} {where}" for kind, where, _, _ in leaf_changes(before, after, "")]
                if changes:
                    member.set_json(after)
            result.applied.append({"overlay": label, "member": member_name, "changes": changes})
    return result


def _member(archive: Any, name: str, label: str) -> Any:
    try:
        return archive.member(name)
    except FlowzipError:
        same_folder = [m.relative_name for m in archive.members
                       if m.relative_name.rpartition("/")[0] == name.rpartition("/")[0]]
        guess = closest(name, same_folder)
        raise OverlayError(f"overrides {name}, which the archive does not hold", member=label,
                           hint=f"did you mean {guess}?" if guess
                           else "check the overlay's path against 'flowzip ls --members'") from None


def _set_defaults(archive: Any, member_name: str, values: dict[str, Any], label: str) -> list[str]:
    member = _member(archive, member_name, label)
    parameter_set = archive.parameter_sets.get(name=member.asset_name)
    changes = []
    for name, value in values.items():
        try:
            parameter = parameter_set.parameter(name)
        except FlowzipError as exc:
            raise OverlayError(exc.message, member=label, hint=exc.hint) from None
        if parameter.get("value") != value:
            parameter_set.set_parameter(name, value=value)
            visible = shown(name, value, encrypted=parameter.get("type") == "encrypted")
            changes.append(f"{name} = {visible if visible == SECRET else jsonio.dumps(value, jsonio.COMPACT).decode()}")
    if changes:
        archive.update_parameter_set(parameter_set)
    return changes
