"""Secrets: one notion of what is a secret in any document, used by every output and by the lint rules.

A value is a secret when it is
- text under a key that names a credential (``password``, ``api_key``, ``client_secret``, …), unless it
  is a flag (``"false"``), empty, or a whole ``#...#`` parameter reference;
- a value the platform encrypted (``{dsmenc}…``, format.md §1.4): still a secret, only scrambled;
- an AWS access-key id (``AKIA…``), wherever it stands;
- the ``value`` of a parameter (or of a value-set entry, a job's parameter override) whose type is
  ``encrypted`` or whose name names a credential.

Outputs show :data:`SECRET` (or :data:`CHANGED_SECRET` where a value changed) instead of the value;
:func:`redacted` makes such a copy of a document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from .parameters import is_encrypted, is_reference

__all__ = ["SECRET_KEY", "NOT_SECRETS", "ACCESS_KEY_ID", "ACCESS_KEY_PREFIX", "SECRET", "CHANGED_SECRET",
           "is_secret_key", "is_plaintext_secret", "is_secret", "shown", "might_hold_secrets", "secret_paths",
           "redacted", "redacted_pair", "redact_text", "encrypted_parameter_names"]

SECRET_KEY = re.compile(r"(^|_)(password|passwd|pwd|secret|api_?key|access_?token|auth_?token|private_?key|"
                        r"client_?secret|secret_?key|sas_?token|credentials?)$", re.IGNORECASE)
#: Flags and placeholders that sit under secret-sounding names (``inherit_access_token: "false"``).
NOT_SECRETS = frozenset({"true", "false", "yes", "no", "none", "null"})
#: An AWS access-key id, in a member's bytes.
ACCESS_KEY_ID = re.compile(rb"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
#: Where an access-key id may start: found far faster than the whole pattern, to skip members without one.
ACCESS_KEY_PREFIX = re.compile(rb"A[KS]IA")
_ACCESS_KEY_TEXT = re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")
#: What may hold a secret, looked for in a member's lower-cased bytes before its document is walked
#: (substring searches run in C; a regular expression over a large flow costs milliseconds).
_HINTS = (b"passw", b"pwd", b"secret", b"api_key", b"apikey", b"token", b"private_key", b"privatekey", b"credential",
          b"{dsmenc}", b"{dsnextenc}", b"{iisenc}", b"akia", b"asia", b'"encrypted"')
SECRET = "<secret>"
CHANGED_SECRET = "<secret changed>"


def might_hold_secrets(raw: bytes) -> bool:
    """False when a member's bytes surely hold no secret (most flows): a cheap test before a walk."""
    lowered = raw.lower()
    return any(hint in lowered for hint in _HINTS)


def is_secret_key(key: Any) -> bool:
    """Whether a key or parameter name names a credential."""
    return isinstance(key, str) and bool(SECRET_KEY.search(key))


def is_plaintext_secret(key: str, value: Any) -> bool:
    """A credential stored in clear under *key* (what lint reports): secret-named, set, not encrypted,
    not a reference."""
    return (is_secret_key(key) and isinstance(value, str) and bool(value.strip())
            and value.strip().lower() not in NOT_SECRETS and not is_encrypted(value)
            and not is_reference(value.strip()))


def is_secret(key: Any, value: Any) -> bool:
    """Whether *value*, found under *key*, must not be shown."""
    if not isinstance(value, str) or not value:
        return False
    if is_encrypted(value) or _ACCESS_KEY_TEXT.search(value):
        return True
    return is_plaintext_secret(str(key), value)


def shown(key: Any, value: Any, *, encrypted: bool = False) -> Any:
    """*value* as an output may show it: :data:`SECRET` for a secret (or any value of an *encrypted*
    parameter, or anything but a flag under a credential's name), else the value itself."""
    if (encrypted and value not in (None, "")) or is_secret(key, value):
        return SECRET
    if is_secret_key(key) and isinstance(value, (dict, list)) and value:
        return SECRET
    return value


def _parameter_secret(item: dict[str, Any], encrypted_names: set[str]) -> bool:
    """A ``{name, type?, value}`` object whose value is a secret by its type or name."""
    name = item.get("name")
    return item.get("type") == "encrypted" or is_secret_key(name) or (
        isinstance(name, str) and (name in encrypted_names or name.rpartition(".")[2] in encrypted_names))


def secret_paths(doc: Any, encrypted: Iterable[str] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """``(path, value)`` of every secret in *doc*; a path is the keys and indices that lead to it.

    *encrypted*: names (``set.param`` or ``param``) of parameters that other documents declare
    ``encrypted``: a job's override of one is a secret too."""
    encrypted_names = {p.get("name") for p in _parameter_objects(doc) if p.get("type") == "encrypted"}
    encrypted_names |= set(encrypted)
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(doc, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            parameter = "name" in value and "value" in value and _parameter_secret(value, encrypted_names)
            for key, item in value.items():
                if isinstance(item, (dict, list)):
                    stack.append((item, (*path, key)))
                elif key == "value" and parameter and item not in (None, ""):
                    yield (*path, key), item
                elif is_secret(key, item):
                    yield (*path, key), item
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (dict, list)):
                    stack.append((item, (*path, index)))
                elif isinstance(item, str) and (is_encrypted(item) or _ACCESS_KEY_TEXT.search(item)):
                    yield (*path, index), item


def _parameter_objects(doc: Any) -> Iterator[dict[str, Any]]:
    """The parameters a parameter set (or a flow's local parameters) declares."""
    if not isinstance(doc, dict):
        return
    body = doc.get("parameter_set")
    for holder in (body if isinstance(body, dict) else None, doc.get("parameters")):
        if not isinstance(holder, dict):
            continue
        for key in ("parameters", "local_parameters"):
            for item in holder.get(key) or [] if isinstance(holder.get(key), list) else []:
                if isinstance(item, dict):
                    yield item


def redacted(doc: Any, reference: Any = None, *, encrypted: Iterable[str] = ()) -> Any:
    """A copy of *doc* with every secret shown as :data:`SECRET`; with *reference* (the same document
    before a change), a secret that differs from the reference's at the same place as
    :data:`CHANGED_SECRET`, so that a change stays visible without its value."""
    if reference is None:
        return redacted_pair(doc, doc, encrypted=encrypted)[0]
    return redacted_pair(reference, doc, encrypted=encrypted)[1]


def redacted_pair(before: Any, after: Any, *, encrypted: Iterable[str] = ()) -> tuple[Any, Any]:
    """Both sides of a change with their secrets hidden: a place that holds a secret on either side is
    hidden on both (a value that became encrypted shows neither value), and shows as
    :data:`CHANGED_SECRET` on the *after* side where the two differ."""
    names = set(encrypted)
    secrets_before, secrets_after = dict(secret_paths(before, names)), dict(secret_paths(after, names))
    places = set(secrets_before) | set(secrets_after)
    if not places:
        return before, after
    values_before = {p: v for p in places if (v := _get(before, p)) is not _ABSENT}
    values_after = {p: v for p in places if (v := _get(after, p)) is not _ABSENT}
    hidden_before, hidden_after = _copy_paths(before, values_before), _copy_paths(after, values_after)
    for path in values_before:
        _set(hidden_before, path, SECRET)
    for path, value in values_after.items():
        _set(hidden_after, path, CHANGED_SECRET if values_before.get(path, _ABSENT) != value else SECRET)
    return hidden_before, hidden_after


_ABSENT = object()


def _get(doc: Any, path: tuple[str | int, ...]) -> Any:
    for step in path:
        try:
            doc = doc[step]
        except (KeyError, IndexError, TypeError):
            return _ABSENT
    return doc


def _copy_paths(doc: Any, paths: dict[tuple[str | int, ...], Any]) -> Any:
    """*doc* with the containers on the way to *paths* copied (the rest shared): cheap for large flows."""
    prefixes = {path[:depth] for path in paths for depth in range(len(path))}

    def copy(value: Any, path: tuple[str | int, ...]) -> Any:
        if path not in prefixes:
            return value
        if isinstance(value, dict):
            return {k: copy(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [copy(v, (*path, i)) for i, v in enumerate(value)]
        return value

    return copy(doc, ())


def _set(doc: Any, path: tuple[str | int, ...], value: Any) -> None:
    for step in path[:-1]:
        doc = doc[step]
    doc[path[-1]] = value


def encrypted_parameter_names(set_name: str, document: Any) -> set[str]:
    """``set.param`` for every ``encrypted`` parameter of parameter set *set_name* (its *document*)."""
    return {f"{set_name}.{p.get('name')}" for p in _parameter_objects(document) if p.get("type") == "encrypted"}


def redact_text(text: str, secrets: Any) -> str:
    """*text* (a message) with every secret value of *secrets* (a document) shown as :data:`SECRET`."""
    for _, value in secret_paths(secrets):
        if isinstance(value, str) and len(value) >= 3 and value in text:
            text = text.replace(value, SECRET)
    return _ACCESS_KEY_TEXT.sub(SECRET, text)
