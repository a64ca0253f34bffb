from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import orjson

from ....document.pipeline import JSON_SCHEMA
from ...engine import Context, FlowDoc, Rule


@lru_cache(maxsize=1)
def validator() -> Any:
    """A Draft 4 validator of the pipeline-flow v3 schema, with every schema it refers to in a local registry."""
    # Imported here: jsonschema takes about 60 ms to load, and these rules are off by default.
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    root = resources.files("flowzip").joinpath("data/schemas")
    found = []
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for item in folder.iterdir():
            if item.name.endswith(".json"):
                contents = orjson.loads(item.read_bytes())
                if "id" in contents:
                    found.append((contents["id"], Resource.from_contents(contents, default_specification=DRAFT4)))
    registry = Registry().with_resources(found)
    return Draft4Validator(registry.contents(JSON_SCHEMA), registry=registry)


def known_deviation(error: Any, flow: FlowDoc) -> str | None:
    """Why *error* is one of the platform's known deviations from the schema (real-exports.md), or None."""
    path = list(error.absolute_path)
    if flow.kind == "data_intg_subflow" and error.validator == "additionalProperties" and not path and \
            "'name'" in error.message:
        return "a subflow's root 'name'"
    if flow.kind == "orchestration_flow":
        return "an orchestration flow (numbers stored as strings, pipelines without id)"
    if error.validator == "oneOf" and len(path) >= 4 and path[-2] == "nodes":
        node = flow.document
        for step in path:
            node = node[step]
        if isinstance(node, dict) and isinstance(node.get("connection"), dict) and "ref" not in node["connection"]:
            return "a binding node's connection without 'ref'"
    return None


def schema_errors(context: Context, flow: FlowDoc) -> list[tuple[Any, str | None]]:
    return flow.shared("schema", lambda: [(e, known_deviation(e, flow))
                                          for e in validator().iter_errors(flow.document)])


def describe(error: Any) -> str:
    """Where and which schema keyword fails; never the value (jsonschema's own message quotes it, and the
    value may be a password)."""
    where = "/" + "/".join(str(p) for p in error.absolute_path)
    expected = error.validator_value if error.validator in ("type", "required", "enum", "const", "pattern",
                                                            "minimum", "maximum", "minItems", "maxItems") else None
    shown = f" {expected!r}" if expected is not None and len(repr(expected)) < 120 else ""
    return f"at {where}: does not satisfy '{error.validator}'{shown}"


class SchemaInvalid(Rule):
    """A flow or subflow does not validate against the official pipeline-flow v3 schema (Draft 4,
    validated offline with the schemas shipped in flowzip).

    Off by default (full validation costs about 20 ms a flow): ``select = ["DEFAULT", "schema"]`` or
    ``flowzip lint --select schema``.

    **Bad**: ``"version": "2.0"``, or a node without ``id``.

    **Good**: a document the platform itself would write.
    """

    code = "FZS001"
    name = "schema.invalid"
    family = "schema"
    severity = "error"
    default = False

    def check_flow(self, context: Context, flow: FlowDoc):
        for error, deviation in schema_errors(context, flow):
            if deviation is None:
                yield self.flow_finding(flow, describe(error))
