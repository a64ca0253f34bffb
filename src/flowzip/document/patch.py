"""RFC 6902 JSON Patch between two JSON documents, made so that it always applies, and applying patches.

``make_patch(a, b)`` walks both documents together.  Lists whose items all carry a
unique ``id`` (nodes, ports, links, schemas, comments) or ``name`` (parameters,
properties) are matched item by item, so that a reordered, inserted or removed
stage yields ``remove`` / ``move`` / ``add`` operations at indices that are right
at the moment each operation runs, never a cascade of replacements or an index
that no longer exists.  Other lists are compared by position.  Objects keep their
key order: when an edit would leave the keys in another order than *b*'s (a key
inserted in the middle), the object is replaced whole, because ``add`` appends.

Every patch is checked by applying it to a copy of *a* (with the ``jsonpatch``
package) and comparing the result with *b*, key order included; should that
ever fail, the patch falls back to replacing the whole document.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from typing import Any

import jsonpatch
import jsonpointer
import orjson

from .. import jsonio
from ..errors import PatchError

__all__ = ["make_patch", "apply_patch", "same_document", "key_field", "leaf_changes", "NAMED"]

Operation = dict[str, Any]
#: How much copy operations may add to a document: this many times its size, at least MIN_BUDGET bytes.
GROWTH = 10
MIN_BUDGET = 16 << 20



def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def key_field(items: list[Any], fields: tuple[str, ...] = ("id", "name")) -> str | None:
    """The first of *fields* that tells a list's items apart across versions: every item an object carrying a
    distinct non-empty string there; else None (the items are compared by position)."""
    if not all(isinstance(item, dict) for item in items):
        return None
    for name in fields:
        keys = [item.get(name) for item in items]
        if all(isinstance(k, str) and k for k in keys) and len(set(keys)) == len(keys):
            return name
    return None


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON, key order included (``True == 1`` and ``1 == 1.0`` are not)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def same_document(a: Any, b: Any) -> bool:
    """Whether two parsed JSON documents are the same, key order and number types included (compared as
    orjson's bytes, in C; integers beyond 64 bits, which orjson cannot write, the slow way)."""
    if a is b:
        return True
    if a != b:  # Python's equality is looser (1 == 1.0 == True, any key order): unequal is surely different
        return False
    try:
        return orjson.dumps(a) == orjson.dumps(b)
    except TypeError:
        return _same(a, b)


def _diff(a: Any, b: Any, path: str, ops: list[Operation]) -> None:
    if same_document(a, b):
        return
    if isinstance(a, dict) and isinstance(b, dict):
        _diff_object(a, b, path, ops)
    elif isinstance(a, list) and isinstance(b, list):
        _diff_list(a, b, path, ops)
    else:
        ops.append({"op": "replace", "path": path, "value": copy.deepcopy(b)})


def _diff_object(a: dict[str, Any], b: dict[str, Any], path: str, ops: list[Operation]) -> None:
    kept = [k for k in a if k in b]
    added = [k for k in b if k not in a]
    if kept + added != list(b):  # the keys would end up in another order than b's: replace the object
        ops.append({"op": "replace", "path": path, "value": copy.deepcopy(b)})
        return
    for key in a:
        if key not in b:
            ops.append({"op": "remove", "path": f"{path}/{_escape(key)}"})
    for key in kept:
        _diff(a[key], b[key], f"{path}/{_escape(key)}", ops)
    for key in added:
        ops.append({"op": "add", "path": f"{path}/{_escape(key)}", "value": copy.deepcopy(b[key])})


def _diff_list(a: list[Any], b: list[Any], path: str, ops: list[Operation]) -> None:
    field_a, field_b = key_field(a) if a else None, key_field(b) if b else None
    field = field_a if field_a == field_b or not b else field_b if not a else None
    if field is None:
        _diff_by_position(a, b, path, ops)
        return
    keys_a, keys_b = [item[field] for item in a], [item[field] for item in b]
    in_b, in_a = set(keys_b), set(keys_a)
    current = list(keys_a)
    for index in range(len(a) - 1, -1, -1):  # removals, last first, so earlier indices stay right
        if keys_a[index] not in in_b:
            ops.append({"op": "remove", "path": f"{path}/{index}"})
            current.pop(index)
    by_key_a = dict(zip(keys_a, a))
    by_key_b = dict(zip(keys_b, b))
    survivors = [k for k in keys_b if k in in_a]
    for target, item_key in enumerate(survivors):  # moves into b's order
        where = current.index(item_key)
        if where != target:
            ops.append({"op": "move", "from": f"{path}/{where}", "path": f"{path}/{target}"})
            current.insert(target, current.pop(where))
    for index, item_key in enumerate(current):  # changes inside the items that stay
        _diff(by_key_a[item_key], by_key_b[item_key], f"{path}/{index}", ops)
    for index, item_key in enumerate(keys_b):  # additions, in b's order
        if item_key not in in_a:
            ops.append({"op": "add", "path": f"{path}/{index}", "value": copy.deepcopy(by_key_b[item_key])})
            current.insert(index, item_key)


def _diff_by_position(a: list[Any], b: list[Any], path: str, ops: list[Operation]) -> None:
    for index in range(min(len(a), len(b))):
        _diff(a[index], b[index], f"{path}/{index}", ops)
    for index in range(len(a) - 1, len(b) - 1, -1):
        ops.append({"op": "remove", "path": f"{path}/{index}"})
    for index in range(len(a), len(b)):
        ops.append({"op": "add", "path": f"{path}/{index}", "value": copy.deepcopy(b[index])})


def _copy(document: Any) -> Any:
    """A deep copy of a JSON document, made in C (``copy.deepcopy`` is ten times slower)."""
    try:
        return orjson.loads(orjson.dumps(document))
    except TypeError:  # an integer beyond 64 bits
        return copy.deepcopy(document)


def make_patch(a: Any, b: Any) -> list[Operation]:
    """The RFC 6902 operations that turn document *a* into document *b* (checked: see the module)."""
    ops: list[Operation] = []
    _diff(a, b, "", ops)
    try:
        applied = jsonpatch.apply_patch(_copy(a), ops, in_place=True)
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):  # pragma: no cover - a bug
        applied = None
    if applied is None or not same_document(applied, b):  # pragma: no cover - never seen; the safe answer
        return [{"op": "replace", "path": "", "value": copy.deepcopy(b)}]
    return ops


def _failed_test(document: Any, patch: list[dict[str, Any]]) -> str:
    """The path of the first ``test`` operation of *patch* that fails on *document*."""
    doc = _copy(document)
    for operation in patch:
        try:
            doc = jsonpatch.apply_patch(doc, [operation], in_place=True)
        except jsonpatch.JsonPatchTestFailed:
            return str(operation.get("path"))
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
            break
    return "a path"


def _size(value: Any) -> int:
    try:
        return len(orjson.dumps(value))
    except TypeError:  # integers beyond 64 bits
        return len(jsonio.dumps(value, jsonio.COMPACT))


def _apply_with_budget(document: Any, patch: list[dict[str, Any]], member: str | None) -> Any:
    """Apply a patch that copies, one operation at a time, refusing one whose copies would grow the
    document past :data:`GROWTH` times its size (a patch of a few lines can otherwise double a document
    forty times)."""
    doc = _copy(document)
    budget = max(MIN_BUDGET, GROWTH * _size(document))
    grown = 0
    for operation in patch:
        if operation.get("op") == "copy":
            source = jsonpointer.resolve_pointer(doc, str(operation.get("from")))
            grown += _size(source)
            if grown > budget:
                raise PatchError(f"its copy operations would grow the document past {budget >> 20} MiB",
                                 member=member, hint="nothing was written")
        doc = jsonpatch.apply_patch(doc, [operation], in_place=True)
    return doc


def _failed_operation(document: Any, patch: list[dict[str, Any]]) -> str:
    """Which operation of *patch* does not apply to *document*, by number, kind and path."""
    doc = _copy(document)
    for number, operation in enumerate(patch, 1):
        try:
            doc = jsonpatch.apply_patch(doc, [operation], in_place=True)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
            where = operation.get("from") if operation.get("op") in ("copy", "move") else operation.get("path")
            return f"operation {number} ({operation.get('op')} {where}) names a path that does not exist"
    return "an operation names a path that does not exist"


def apply_patch(document: Any, patch: Any, *, member: str | None = None) -> Any:
    """*document* with *patch* (an RFC 6902 array) applied, as a new document; *document* is not changed.

    A failed ``test``, a path that does not exist or a malformed operation raises :class:`PatchError`
    naming *member*.
    """
    if not isinstance(patch, list) or not all(isinstance(op, dict) for op in patch):
        raise PatchError("a JSON Patch is an array of operation objects (RFC 6902)", member=member)
    for number, operation in enumerate(patch, 1):
        if operation.get("op") not in ("add", "remove", "replace", "move", "copy", "test") \
                or not isinstance(operation.get("path"), str):
            shown_op = {k: v for k, v in operation.items() if k != "value"}  # a value may be a secret
            text = jsonio.dumps(shown_op).decode()
            raise PatchError(f"operation {number} is not an RFC 6902 operation: "
                             f"{text if len(text) <= 200 else text[:199] + '…'}", member=member)
    try:
        if any(operation.get("op") == "copy" for operation in patch):
            return _apply_with_budget(document, patch, member)
        return jsonpatch.apply_patch(_copy(document), patch, in_place=True)
    except jsonpatch.JsonPatchTestFailed:
        # Name the path, never the values: the tested value may be a password.
        raise PatchError(f"the test of {_failed_test(document, patch)} failed: the member holds another value there",
                         member=member, hint="the member is not what the patch expects; nothing was written") from None
    except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException):
        # The libraries' messages quote the document (a password with it): name the operation instead.
        raise PatchError(f"the patch does not apply: {_failed_operation(document, patch)}", member=member,
                         hint="a path it names does not exist; nothing was written") from None


# --------------------------------------------------------------------------- changes, leaf by leaf


#: What tells the items of a list apart in a report of changes.
NAMED = ("name", "id", "ColumnName")


def leaf_changes(before: Any, after: Any, path: str) -> Iterator[tuple[str, str, Any, Any]]:
    """(kind, path, before, after) for every leaf that differs; lists of named objects are matched by name."""
    if same_document(before, after):
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in before:
            sub = f"{path}.{key}" if path else str(key)
            if key not in after:
                yield "removed", sub, before[key], None
            else:
                yield from leaf_changes(before[key], after[key], sub)
        for key in after:
            if key not in before:
                yield "added", f"{path}.{key}" if path else str(key), None, after[key]
        return
    if isinstance(before, list) and isinstance(after, list):
        key = key_field(before, NAMED) if before else key_field(after, NAMED)
        if key and (not after or key_field(after, NAMED) == key) and (not before or key_field(before, NAMED) == key):
            old = {item[key]: item for item in before}
            new = {item[key]: item for item in after}
            for name, item in old.items():
                if name not in new:
                    yield "removed", f"{path}[{name}]", item, None
                else:
                    yield from leaf_changes(item, new[name], f"{path}[{name}]")
            for name, item in new.items():
                if name not in old:
                    yield "added", f"{path}[{name}]", None, item
            return
        if before and after:
            yield from _list_changes(before, after, path)
            return
    yield "changed", path, before, after


def _list_changes(before: list[Any], after: list[Any], path: str) -> Iterator[tuple[str, str, Any, Any]]:
    """A list whose items have no name: items that came or went, by value; of lists as long, item by item.
    (Shown whole, a changed list is cut at the same place on both sides and the change is not seen.)"""
    if len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after)):
            yield from leaf_changes(old, new, f"{path}[{index}]")
        return
    encoded_before, encoded_after = [_encoded(item) for item in before], [_encoded(item) for item in after]
    kept = Counter(encoded_after)  # each item encoded once; what both sides hold is matched by count
    for index, (item, encoded) in enumerate(zip(before, encoded_before)):
        if kept[encoded]:
            kept[encoded] -= 1
        else:
            yield "removed", f"{path}[{index}]", item, None
    had = Counter(encoded_before)
    for index, (item, encoded) in enumerate(zip(after, encoded_after)):
        if had[encoded]:
            had[encoded] -= 1
        else:
            yield "added", f"{path}[{index}]", None, item


def _encoded(value: Any) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits
        return jsonio.dumps(value, jsonio.COMPACT)
