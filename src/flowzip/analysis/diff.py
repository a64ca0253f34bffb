"""Semantic diff of archives, trees and single flows.

Members are paired by their path inside the archive (a Git tree's ``datastage/``
prefix aside; two single files are paired with each other).  Inside a flow or
subflow the comparison is by meaning, not by text: stages are matched by label,
then by id; links by their two stages and their name; configuration is compared
property by property, ports and their columns included; comments by id; local
parameters and parameter sets by name.  Ids that are renewed on every save (port,
link and schema ids) never show up.  ``ignore_ui`` hides what only the canvas uses:
positions, sizes, images, link decorations and style class names (the UI-only churn
real-exports.md describes between two saves of an unchanged flow).

Other JSON members are compared key by key; other files by their bytes.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import jsonio
from ..document.catalog import stage_type_name
from ..document.kinds import kind_problem
from ..document.patch import leaf_changes, make_patch, same_document
from ..document.pipeline import stage_label, unwrap_flow_document
from ..document.secrets import encrypted_parameter_names, might_hold_secrets, redacted_pair
from ..errors import FlowzipError
from ..model.archive import Archive, open_archive
from ..package.store import Member

__all__ = ["Change", "MemberDiff", "Diff", "diff"]

FLOW_TYPES = ("data_intg_flow", "data_intg_subflow")
#: Keys of a stage's, port's or comment's ``ui_data`` that are more than canvas decoration.
UI_KEEP = {"label", "description"}


@dataclass
class Change:
    """One difference: ``kind`` is added, removed or changed; ``scope`` what it is about (stage, link,
    comment, parameter, parameter set, flow, or a JSON key for other members); ``name`` which one;
    ``path`` where inside it (dotted, empty for the whole thing)."""

    kind: str
    scope: str
    name: str | None = None
    path: str = ""
    before: Any = None
    after: Any = None
    ui: bool = False  # only the canvas sees it
    stage_type: str | None = None  # for a stage: its type, as ``show`` names it


@dataclass
class MemberDiff:
    """The differences of one member: its path, asset type and name, and status added/removed/changed."""

    member: str
    type: str
    name: str | None
    status: str
    changes: list[Change] = field(default_factory=list)
    patch: list[dict[str, Any]] | None = None


@dataclass
class Diff:
    """What differs between *a* and *b*, member by member."""

    a: str
    b: str
    members: list[MemberDiff] = field(default_factory=list)
    ignore_ui: bool = False

    def __bool__(self) -> bool:
        return bool(self.members)

    def patches(self) -> dict[str, list[dict[str, Any]]]:
        """Member path -> RFC 6902 patch turning A's member into B's, for the JSON members in both."""
        return {m.member: m.patch for m in self.members if m.patch is not None}

    def to_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "ignore_ui": self.ignore_ui, "different": bool(self),
                "members": [{**asdict(m), "changes": [asdict(c) for c in m.changes]} for m in self.members]}


# --------------------------------------------------------------------------- generic values


# --------------------------------------------------------------------------- flows


def _without(mapping: Any, *keys: str) -> dict[str, Any]:
    return {k: v for k, v in mapping.items() if k not in keys} if isinstance(mapping, dict) else {}


def _split_ui(app_data: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(app_data without ui_data, the ui_data keys that mean something, the canvas-only ones)."""
    app = _without(app_data, "ui_data")
    ui = (app_data or {}).get("ui_data") if isinstance(app_data, dict) else None
    ui = ui if isinstance(ui, dict) else {}
    return app, {k: v for k, v in ui.items() if k in UI_KEEP}, {k: v for k, v in ui.items() if k not in UI_KEEP}


def _label(node: dict[str, Any]) -> str:
    return str(stage_label(node) or node.get("id") or "?")


class _FlowView:
    """A flow document seen by meaning: stages, links, comments, parameters; volatile ids left out."""

    def __init__(self, document: Any) -> None:
        doc = unwrap_flow_document(document) or {}
        self.doc = doc
        self.nodes: dict[str, dict[str, Any]] = {}  # node id -> node, every pipeline
        self.comments: dict[str, dict[str, Any]] = {}
        for pipeline in doc.get("pipelines") or []:
            if not isinstance(pipeline, dict):
                continue
            for node in pipeline.get("nodes") or []:
                if isinstance(node, dict):
                    self.nodes[str(node.get("id"))] = node
            ui = ((pipeline.get("app_data") or {}).get("ui_data") or {})
            for comment in ui.get("comments") or [] if isinstance(ui, dict) else []:
                if isinstance(comment, dict):
                    self.comments[str(comment.get("id"))] = comment
        self.schemas = {str(s.get("id")): s for s in doc.get("schemas") or [] if isinstance(s, dict)}

    def label(self, node_id: Any) -> str:
        node = self.nodes.get(str(node_id))
        return _label(node) if node else str(node_id)

    def port(self, port: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        app, keep, canvas = _split_ui(port.get("app_data"))
        datastage = app.get("datastage")
        if isinstance(datastage, dict) and "is_source_of_link" in datastage:  # the link says it (by name)
            app = {**app, "datastage": _without(datastage, "is_source_of_link")}
        schema = self.schemas.get(str(port.get("schema_ref"))) if port.get("schema_ref") else None
        view = {"parameters": port.get("parameters"), "app_data": app, "ui_data": keep,
                "columns": (schema or {}).get("fields")}
        extra = _without(port, "id", "app_data", "parameters", "schema_ref", "links")
        if extra:
            view["other"] = extra
        return view, canvas

    def stage(self, node: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(what the stage means, what only the canvas sees)."""
        app, keep, canvas = _split_ui(node.get("app_data"))
        view: dict[str, Any] = {"op": node.get("op"), "type": node.get("type"), "parameters": node.get("parameters"),
                                "ui_data": _without(keep, "label")}
        ui: dict[str, Any] = {"ui_data": canvas}
        for side in ("inputs", "outputs"):
            view[side], ui[side] = {}, {}
            for index, port in enumerate(p for p in node.get(side) or [] if isinstance(p, dict)):
                # Ports are known by position (their ids change on every save); their links are compared as links.
                meaning, canvas = self.port(port)
                view[side][f"port {index + 1}"], ui[side][f"port {index + 1}"] = meaning, canvas
        for key in ("connection", "subflow_ref"):
            if key in node:
                value = node[key]
                view[key] = _without(value, "pipeline_id_ref") if key == "subflow_ref" else value
        if app:
            view["app_data"] = app
        extra = _without(node, "id", "op", "type", "parameters", "app_data", "inputs", "outputs", "connection",
                         "subflow_ref")
        if extra:
            view["other"] = extra
        return view, ui

    def link_views(self) -> dict[str, tuple[dict[str, Any], dict[str, Any], str, tuple[str, str]]]:
        """"source -> target: name" -> (what the link means, canvas-only keys, link id, (source, target) ids)."""
        found = {}
        for node in self.nodes.values():
            for port in node.get("inputs") or []:
                for link in (port.get("links") or []) if isinstance(port, dict) else []:
                    if not isinstance(link, dict):
                        continue
                    name = link.get("link_name") or ""
                    key = f"{self.label(link.get('node_id_ref'))} -> {_label(node)}" + (f": {name}" if name else "")
                    app, keep, canvas = _split_ui(link.get("app_data"))
                    view = {"name": name, "from": self.label(link.get("node_id_ref")), "to": _label(node),
                            "type": link.get("type_attr"), "app_data": app, "ui_data": keep}
                    extra = _without(link, "id", "node_id_ref", "port_id_ref", "app_data", "type_attr", "link_name")
                    if extra:
                        view["other"] = extra
                    ends = (str(link.get("node_id_ref")), str(node.get("id")))
                    found[key] = (view, {"ui_data": canvas}, str(link.get("id")), ends)
        return found

    def comment_view(self, comment: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        canvas_keys = ("x_pos", "y_pos", "width", "height", "class_name", "style")
        view = {k: v for k, v in comment.items() if k not in canvas_keys and k != "id"}
        view["associated_id_refs"] = sorted(self.label(ref.get("node_ref") if isinstance(ref, dict) else ref)
                                            for ref in comment.get("associated_id_refs") or [])
        return view, {k: v for k, v in comment.items() if k in canvas_keys}

    def flow_level(self) -> dict[str, Any]:
        view = _without(self.doc, "id", "pipelines", "schemas", "primary_pipeline", "parameters",
                        "external_paramsets")
        for pipeline in self.doc.get("pipelines") or []:
            if isinstance(pipeline, dict):
                app, keep, canvas = _split_ui(pipeline.get("app_data"))
                rest = _without(pipeline, "id", "nodes", "app_data")
                if rest or app:
                    primary = pipeline.get("id") == self.doc.get("primary_pipeline")
                    view["pipeline " + ("primary" if primary else str(pipeline.get("id")))] = {**rest, "app_data": app}
        return view


def _pair_stages(a: _FlowView, b: _FlowView) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Stages of *a* and *b* paired by label, then by id; and those only in a, only in b."""
    by_label_b: dict[str, list[str]] = {}
    for node_id, node in b.nodes.items():
        by_label_b.setdefault(_label(node), []).append(node_id)
    pairs, only_a = [], []
    used: set[str] = set()
    for node_id, node in a.nodes.items():
        candidates = [c for c in by_label_b.get(_label(node), []) if c not in used]
        if candidates:
            chosen = node_id if node_id in candidates else candidates[0]
            pairs.append((node_id, chosen))
            used.add(chosen)
        else:
            only_a.append(node_id)
    still = []
    for node_id in only_a:
        if node_id in b.nodes and node_id not in used:
            pairs.append((node_id, node_id))
            used.add(node_id)
        else:
            still.append(node_id)
    return pairs, still, [n for n in b.nodes if n not in used]


def _pair_links(links_a: dict[str, Any], links_b: dict[str, Any], stage_pairs: dict[str, str],
                ) -> list[tuple[str | None, str | None]]:
    """Links of a and b paired: by their two stages and name, then by link id (a renamed link or stage),
    then by the same two (paired) stages when only one link joins them; the rest added or removed."""
    pairs = [(k, k) for k in links_a if k in links_b]
    left = [k for k in links_a if k not in links_b]
    right = [k for k in links_b if k not in links_a]
    by_id = {links_b[k][2]: k for k in right}
    for key in list(left):
        match = by_id.get(links_a[key][2])
        if match in right:
            pairs.append((key, match))
            left.remove(key)
            right.remove(match)
    ends_b: dict[tuple[str, str], list[str]] = {}
    for key in right:
        ends_b.setdefault(links_b[key][3], []).append(key)
    for key in list(left):
        source, target = links_a[key][3]
        ends = (stage_pairs.get(source, source), stage_pairs.get(target, target))
        matches = ends_b.get(ends, [])
        if len(matches) == 1 and sum(links_a[k][3] == links_a[key][3] for k in left) == 1:
            pairs.append((key, matches[0]))
            left.remove(key)
            right.remove(matches[0])
    return pairs + [(k, None) for k in left] + [(None, k) for k in right]


def _compare(scope: str, name: str | None, before: tuple[Any, Any], after: tuple[Any, Any],
             changes: list[Change]) -> None:
    for kind, path, old, new in leaf_changes(before[0], after[0], ""):
        changes.append(Change(kind, scope, name, path, old, new))
    for kind, path, old, new in leaf_changes(before[1], after[1], ""):
        changes.append(Change(kind, scope, name, path, old, new, ui=True))


def flow_changes(before: Any, after: Any) -> list[Change]:
    """The differences between two flow or subflow documents, by meaning (see the module)."""
    a, b = _FlowView(before), _FlowView(after)
    changes: list[Change] = []
    for kind, path, old, new in leaf_changes(a.flow_level(), b.flow_level(), ""):
        changes.append(Change(kind, "flow", None, path, old, new, ui=".ui_data" in path))
    pairs, only_a, only_b = _pair_stages(a, b)
    for node_id in only_a:
        node = a.nodes[node_id]
        changes.append(Change("removed", "stage", _label(node), "", node.get("op") or node.get("type"), None,
                              stage_type=stage_type_name(node)))
    for node_id in only_b:
        node = b.nodes[node_id]
        changes.append(Change("added", "stage", _label(node), "", None, node.get("op") or node.get("type"),
                              stage_type=stage_type_name(node)))
    for id_a, id_b in pairs:
        node_a, node_b = a.nodes[id_a], b.nodes[id_b]
        first = len(changes)
        if _label(node_a) != _label(node_b):
            changes.append(Change("changed", "stage", _label(node_a), "label", _label(node_a), _label(node_b)))
        _compare("stage", _label(node_b), a.stage(node_a), b.stage(node_b), changes)
        for change in changes[first:]:
            change.stage_type = stage_type_name(node_b)
    links_a, links_b = a.link_views(), b.link_views()
    for key_a, key_b in _pair_links(links_a, links_b, dict(pairs)):
        if key_b is None:
            changes.append(Change("removed", "link", key_a))
        elif key_a is None:
            changes.append(Change("added", "link", key_b))
        else:
            _compare("link", key_b, links_a[key_a][:2], links_b[key_b][:2], changes)
    for comment_id, comment in a.comments.items():
        if comment_id not in b.comments:
            changes.append(Change("removed", "comment", str(comment.get("content", ""))[:60], "", comment, None))
        else:
            _compare("comment", str(b.comments[comment_id].get("content", ""))[:60], a.comment_view(comment),
                     b.comment_view(b.comments[comment_id]), changes)
    for comment_id, comment in b.comments.items():
        if comment_id not in a.comments:
            changes.append(Change("added", "comment", str(comment.get("content", ""))[:60], "", None, comment))
    params_a = {p.get("name"): p for p in ((a.doc.get("parameters") or {}).get("local_parameters") or [])
                if isinstance(p, dict)}
    params_b = {p.get("name"): p for p in ((b.doc.get("parameters") or {}).get("local_parameters") or [])
                if isinstance(p, dict)}
    for kind, path, old, new in leaf_changes(params_a, params_b, ""):
        name, _, rest = path.partition(".")
        changes.append(Change(kind, "parameter", name, rest, old, new))
    rest_a = _without(a.doc.get("parameters"), "local_parameters")
    rest_b = _without(b.doc.get("parameters"), "local_parameters")
    for kind, path, old, new in leaf_changes(rest_a, rest_b, "parameters"):
        changes.append(Change(kind, "flow", None, path, old, new))
    sets_a = [e.get("name") for e in a.doc.get("external_paramsets") or [] if isinstance(e, dict)]
    sets_b = [e.get("name") for e in b.doc.get("external_paramsets") or [] if isinstance(e, dict)]
    for name in sets_a:
        if name not in sets_b:
            changes.append(Change("removed", "parameter set", name))
    for name in sets_b:
        if name not in sets_a:
            changes.append(Change("added", "parameter set", name))
    return changes


# --------------------------------------------------------------------------- archives



def _members(archive: Archive) -> dict[str, Member]:
    return {m.relative_name: m for m in archive.members if m.type != "directory"}


def _member_diff(name: str, a: Member | None, b: Member | None, ignore_ui: bool, with_patch: bool,
                 show_secrets: bool = False, encrypted: frozenset[str] = frozenset()) -> MemberDiff | None:
    some = b or a
    assert some is not None
    if a is None or b is None:
        return MemberDiff(name, some.type, some.asset_name, "added" if a is None else "removed")
    raw_a, raw_b = a.read(), b.read()
    if raw_a == raw_b:
        return None
    if not (a.is_json and b.is_json):
        return MemberDiff(name, b.type, b.asset_name, "changed", [Change("changed", "file", None, "", len(raw_a),
                                                                         len(raw_b))])
    doc_a, doc_b = jsonio.loads(raw_a, member=a.name), jsonio.loads(raw_b, member=b.name)
    if same_document(doc_a, doc_b):
        return None  # the same document, written in another style
    found = _changes(b.type, doc_a, doc_b, with_patch)
    # Flows are large and mostly hold no secret: walk them only when what the changes show might; the
    # other members are small, and a secret there may sit under any name (an encrypted parameter).
    if not show_secrets and (b.type not in FLOW_TYPES or _encrypted_locals(doc_a) or _encrypted_locals(doc_b)
                             or _may_show_secrets(*found)):
        found = _changes(b.type, *redacted_pair(doc_a, doc_b, encrypted=encrypted), with_patch)
    changes, patch = found
    shown = [c for c in changes if not (ignore_ui and c.ui)]
    if not shown:
        return None
    return MemberDiff(name, b.type, b.asset_name, "changed", shown, patch)


def _changes(type_: str, doc_a: Any, doc_b: Any, with_patch: bool) -> tuple[list[Change], list[Any] | None]:
    if type_ in FLOW_TYPES and kind_problem(type_, doc_a) is None and kind_problem(type_, doc_b) is None:
        changes = flow_changes(doc_a, doc_b)  # by meaning; a member that is no usable flow is compared as JSON
    else:
        changes = [Change(kind, "json", None, path, old, new)
                   for kind, path, old, new in leaf_changes(doc_a, doc_b, "")]
    if not changes:  # the same content with keys in another order: cosmetic, like the canvas-only keys
        changes = [Change("changed", "key order", None, "", ui=True)]
    return changes, make_patch(doc_a, doc_b) if with_patch else None


def _encrypted_locals(doc: Any) -> bool:
    """Whether a flow declares an encrypted local parameter (whose value is a secret under any name)."""
    flow = unwrap_flow_document(doc) or {}
    parameters = flow.get("parameters")
    local = parameters.get("local_parameters") if isinstance(parameters, dict) else None
    return isinstance(local, list) and any(isinstance(p, dict) and p.get("type") == "encrypted" for p in local)


def _may_show_secrets(changes: list[Change], patch: list[Any] | None) -> bool:
    """Whether what the changes and the patch show might hold a secret (its key or its value)."""
    shown = [[c.scope, c.name, c.path, c.before, c.after] for c in changes] + [patch]
    return might_hold_secrets(jsonio.dumps(shown, jsonio.COMPACT))


def _encrypted_parameters(archive: Archive) -> frozenset[str]:
    """``set.param`` of every encrypted parameter of the archive's parameter sets (a job's override of
    one is a secret)."""
    names: set[str] = set()
    for member in archive.members_of_type("parameter_set"):
        try:
            names |= encrypted_parameter_names(member.asset_name or "", member.json())
        except FlowzipError:
            continue
    return frozenset(names)


def _open(value: Archive | str | os.PathLike[str]) -> Archive:
    return value if isinstance(value, Archive) else open_archive(os.fspath(value))


def diff(a: Archive | str | os.PathLike[str], b: Archive | str | os.PathLike[str], *, ignore_ui: bool = False,
         patches: bool = False, show_secrets: bool = False) -> Diff:
    """What differs between *a* and *b* (archives, trees or single flow files; opened when paths).

    With *patches*, every changed JSON member also carries the RFC 6902 patch from A's to B's
    (always exact, UI included).  Secrets (:mod:`flowzip.document.secrets`) are shown as
    ``<secret>`` / ``<secret changed>``, in the changes and in the patches, unless *show_secrets*.
    The result is false when nothing differs.
    """
    first, second = _open(a), _open(b)
    members_a, members_b = _members(first), _members(second)
    if first.kind == "file" and second.kind == "file" and len(members_a) == len(members_b) == 1:
        only_a, (name_b, only_b) = next(iter(members_a.values())), next(iter(members_b.items()))
        members_a, members_b = {name_b: only_a}, {name_b: only_b}  # two single files: compare them
    result = Diff(first.path or "(a)", second.path or "(b)", ignore_ui=ignore_ui)
    encrypted = frozenset() if show_secrets else _encrypted_parameters(first) | _encrypted_parameters(second)
    for name in list(members_a) + [n for n in members_b if n not in members_a]:
        found = _member_diff(name, members_a.get(name), members_b.get(name), ignore_ui, patches, show_secrets,
                             encrypted)
        if found is not None:
            result.members.append(found)
    return result
