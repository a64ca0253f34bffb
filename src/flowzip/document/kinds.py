"""Which document each asset folder holds, and why a parsed document is not that kind (format.md §1.2)."""

from __future__ import annotations

from typing import Any

from .jobs import job_body
from .pipeline import unwrap_flow_document

__all__ = ["FLOW_KINDS", "kind_problem", "flow_shape_problem"]

#: Folders whose documents are pipeline flows, and the ``doc_type`` each requires (None: any).
FLOW_KINDS = {"data_intg_flow": "pipeline", "data_intg_subflow": "subpipeline", "orchestration_flow": None}


def kind_problem(kind: str, doc: Any) -> str | None:
    """Why *doc* is not the kind of document a member of type *kind* (its folder) holds, or ``None``."""
    if kind in FLOW_KINDS:
        flow = unwrap_flow_document(doc)
        if flow is None:
            return "is not a pipeline-flow document (no 'pipelines' list)"
        expected = FLOW_KINDS[kind]
        doc_type = flow.get("doc_type")
        if expected and doc_type is not None and doc_type != expected:
            return f"has doc_type {doc_type!r} where {expected!r} belongs (folder {kind}/)"
        shape = flow_shape_problem(flow)
        return f"is not a usable flow: {shape}" if shape else None
    if kind == "parameter_set":
        if not isinstance(doc, dict) or not isinstance(doc.get("parameter_set"), dict):
            return "is not a parameter set (no 'parameter_set' object)"
        return _parameter_set_problem(doc["parameter_set"])
    if kind == "job":
        body = job_body(doc)
        if body is None:
            return "is not a job (no 'entity.job' object)"
        return _job_problem(body)
    if kind in ("connection", "manifest", "data_definition"):
        if not isinstance(doc, dict):
            return f"is not a {kind.replace('_', ' ')} (a JSON object is expected)"
    return None


# --------------------------------------------------------------------------- shapes

#: Within a node, port or link: keys whose values, when present, must be text.
_TEXT_KEYS = ("id", "type", "op", "node_id_ref", "port_id_ref", "link_name", "label", "schema_ref")


def _text_problems(value: dict[str, Any], path: str, keys: tuple[str, ...] = _TEXT_KEYS) -> str | None:
    for key in keys:
        item = value.get(key)
        if item is not None and not isinstance(item, str):
            return f"{path}/{key} is {_kind(item)} where text belongs"
    return None


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "text", bool: "true or false", type(None): "null"}.get(
        type(value), "a number")


def _objects(value: Any, path: str, what: str) -> tuple[list[dict[str, Any]], str | None]:
    """The items of a list of objects at *path*; or why it is not one (absent counts as empty)."""
    if value is None:
        return [], None
    if not isinstance(value, list):
        return [], f"{path} is {_kind(value)} where a list of {what} belongs"
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            return [], f"{path}/{index} is {_kind(item)} where {what[:-1] if what.endswith('s') else what} belongs"
    return value, None


def _object(value: Any, path: str) -> tuple[dict[str, Any], str | None]:
    if value is _MISSING:
        return {}, None
    if not isinstance(value, dict):
        return {}, f"{path} is {_kind(value)} where an object belongs"
    return value, None


_TEXTS = (str, type(None))
_MISSING = object()


def _named(items: Any) -> bool:
    """Every object of a list (parameters, parameter sets) has a text name."""
    return items is None or type(items) is not list or all(type(i.get("name")) in _TEXTS for i in items
                                                           if type(i) is dict)
_OBJECTS = (dict, type(None))


def _text(value: Any) -> bool:
    return value is None or type(value) is str


def _list_of_objects(value: Any) -> bool:
    return value is None or (type(value) is list and (not value or set(map(type, value)) == _ONLY_OBJECTS))


_ONLY_OBJECTS = {dict}


def _shape_ok(doc: dict[str, Any]) -> bool:
    """The fast test behind :func:`flow_shape_problem` (every flow is checked on every read)."""
    if type(doc.get("pipelines")) is not list or not all(map(_list_of_objects, (
            doc["pipelines"], doc.get("external_paramsets"), doc.get("schemas"), doc.get("runtimes")))):
        return False
    parameters, app_data = doc.get("parameters", _MISSING), doc.get("app_data", _MISSING)
    if parameters is not _MISSING and (type(parameters) is not dict
                                       or not _list_of_objects(parameters.get("local_parameters"))
                                       or not _named(parameters.get("local_parameters"))):
        return False
    if (app_data is not _MISSING and type(app_data) is not dict) or not _named(doc.get("external_paramsets")):
        return False
    for pipeline in doc["pipelines"]:
        app_data = pipeline.get("app_data", _MISSING)
        if not _text(pipeline.get("id")) or (app_data is not _MISSING and type(app_data) is not dict):
            return False
        ui_data = app_data.get("ui_data", _MISSING) if app_data is not _MISSING else _MISSING
        if ui_data is not _MISSING:
            if type(ui_data) is not dict or not _list_of_objects(ui_data.get("comments")):
                return False
            for comment in ui_data.get("comments") or ():
                if not _list_of_objects(comment.get("associated_id_refs")) or type(comment.get("id")) not in _TEXTS \
                        or type(comment.get("content")) not in _TEXTS:
                    return False
        nodes = pipeline.get("nodes")
        if not _list_of_objects(nodes):
            return False
        for node in nodes or ():
            get = node.get
            if type(get("id")) is not str or type(get("type")) not in _TEXTS or type(get("op")) not in _TEXTS:
                return False
            app_data = get("app_data", _MISSING)
            if app_data is not _MISSING:
                if type(app_data) is not dict:
                    return False
                ui_data = app_data.get("ui_data", _MISSING)
                if ui_data is not _MISSING and (type(ui_data) is not dict
                                                or type(ui_data.get("label")) not in _TEXTS):
                    return False
            if type(get("parameters", {})) is not dict or type(get("connection", {})) is not dict:
                return False
            for side in ("inputs", "outputs"):
                ports = get(side)
                if ports is None:
                    continue
                if type(ports) is not list:
                    return False
                for port in ports:
                    if type(port) is not dict:
                        return False
                    links = port.get("links")
                    if type(port.get("id")) not in _TEXTS or type(port.get("schema_ref")) not in _TEXTS \
                            or type(port.get("app_data", {})) is not dict:
                        return False
                    if links is None:
                        continue
                    if type(links) is not list:
                        return False
                    for link in links:
                        if type(link) is not dict:
                            return False
                        lget = link.get
                        if type(lget("id")) not in _TEXTS or type(lget("node_id_ref")) not in _TEXTS \
                                or type(lget("port_id_ref")) not in _TEXTS or type(lget("link_name")) not in _TEXTS \
                                or type(lget("type_attr")) not in _TEXTS:
                            return False
    return True


def flow_shape_problem(doc: dict[str, Any]) -> str | None:
    """Where a pipeline-flow document departs from the shape every reader of it relies on (lists where
    lists belong, objects where objects, text where ids and labels), as a JSON pointer and a reason;
    ``None`` when it has the shape (format.md §2)."""
    if _shape_ok(doc):
        return None
    pipelines, problem = _objects(doc.get("pipelines"), "/pipelines", "pipelines")
    if problem:
        return problem
    for key, what in (("external_paramsets", "parameter sets"), ("schemas", "schemas"), ("runtimes", "runtimes")):
        found, problem = _objects(doc.get(key), f"/{key}", what)
        if problem:
            return problem
        if key == "external_paramsets":
            for index, item in enumerate(found):
                problem = problem or _text_problems(item, f"/external_paramsets/{index}", ("name",))
            if problem:
                return problem
    parameters, problem = _object(doc.get("parameters", _MISSING), "/parameters")
    if problem:
        return problem
    local, problem = _objects(parameters.get("local_parameters"), "/parameters/local_parameters", "parameters")
    for index, item in enumerate(local):
        problem = problem or _text_problems(item, f"/parameters/local_parameters/{index}", ("name",))
    if problem:
        return problem
    _, problem = _object(doc.get("app_data", _MISSING), "/app_data")
    if problem:
        return problem
    for p, pipeline in enumerate(pipelines):
        where = f"/pipelines/{p}"
        problem = _text_problems(pipeline, where, ("id",))
        if problem:
            return problem
        app_data, problem = _object(pipeline.get("app_data", _MISSING), f"{where}/app_data")
        if problem:
            return problem
        ui_data, problem = _object(app_data.get("ui_data", _MISSING), f"{where}/app_data/ui_data")
        if problem:
            return problem
        comments, problem = _objects(ui_data.get("comments"), f"{where}/app_data/ui_data/comments", "comments")
        if problem:
            return problem
        for c, comment in enumerate(comments):
            _, problem = _objects(comment.get("associated_id_refs"),
                                  f"{where}/app_data/ui_data/comments/{c}/associated_id_refs", "references")
            problem = problem or _text_problems(comment, f"{where}/app_data/ui_data/comments/{c}", ("id", "content"))
            if problem:
                return problem
        nodes, problem = _objects(pipeline.get("nodes"), f"{where}/nodes", "nodes")
        if problem:
            return problem
        for n, node in enumerate(nodes):
            problem = _node_problem(node, f"{where}/nodes/{n}")
            if problem:
                return problem
    return None


def _node_problem(node: dict[str, Any], where: str) -> str | None:
    problem = _text_problems(node, where, ("id", "type", "op"))
    if problem:
        return problem
    if type(node.get("id")) is not str:
        return f"{where}/id is {_kind(node.get('id'))} where the node's id (text) belongs"
    app_data, problem = _object(node.get("app_data", _MISSING), f"{where}/app_data")
    if problem:
        return problem
    ui_data, problem = _object(app_data.get("ui_data", _MISSING), f"{where}/app_data/ui_data")
    if problem:
        return problem
    problem = _text_problems(ui_data, f"{where}/app_data/ui_data", ("label",))
    if problem:
        return problem
    for key in ("parameters", "connection"):
        _, problem = _object(node.get(key, _MISSING), f"{where}/{key}")
        if problem:
            return problem
    for side in ("inputs", "outputs"):
        ports, problem = _objects(node.get(side), f"{where}/{side}", "ports")
        if problem:
            return problem
        for i, port in enumerate(ports):
            problem = _text_problems(port, f"{where}/{side}/{i}", ("id", "schema_ref"))
            if problem:
                return problem
            _, problem = _object(port.get("app_data", _MISSING), f"{where}/{side}/{i}/app_data")
            if problem:
                return problem
            links, problem = _objects(port.get("links"), f"{where}/{side}/{i}/links", "links")
            if problem:
                return problem
            for k, link in enumerate(links):
                problem = _text_problems(link, f"{where}/{side}/{i}/links/{k}",
                                         ("id", "node_id_ref", "port_id_ref", "link_name", "type_attr"))
                if problem:
                    return problem
    return None


def _parameter_set_problem(body: dict[str, Any]) -> str | None:
    """Where a parameter set's body departs from the shape its readers rely on, or ``None``."""
    parameters, problem = _objects(body.get("parameters"), "/parameter_set/parameters", "parameters")
    for index, item in enumerate(parameters):
        problem = problem or _text_problems(item, f"/parameter_set/parameters/{index}", ("name", "type"))
    if not problem:
        value_sets, problem = _objects(body.get("value_sets"), "/parameter_set/value_sets", "value sets")
        for index, item in enumerate(value_sets):
            where = f"/parameter_set/value_sets/{index}"
            problem = problem or _text_problems(item, where, ("name",)) \
                or _objects(item.get("values"), f"{where}/values", "values")[1]
    return f"is not a usable parameter set: {problem}" if problem else None


def _job_problem(body: dict[str, Any]) -> str | None:
    """Where a job's ``entity.job`` departs from the shape its readers rely on, or ``None``."""
    problem = _text_problems(body, "/entity/job", ("flow_name", "asset_ref_name", "asset_ref", "asset_ref_type"))
    for key in ("configuration", "retention_policy"):
        problem = problem or _object(body.get(key, _MISSING) if body.get(key) is not None else _MISSING,
                                     f"/entity/job/{key}")[1]
    configuration = body.get("configuration")
    if not problem and isinstance(configuration, dict):
        problem = _object(configuration.get("flow_limits", _MISSING) if configuration.get("flow_limits")
                          is not None else _MISSING, "/entity/job/configuration/flow_limits")[1]
    for key in ("parameter_sets", "job_parameters"):
        problem = problem or _objects(body.get(key), f"/entity/job/{key}", "entries")[1]
    return f"is not a usable job: {problem}" if problem else None
