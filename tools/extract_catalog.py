"""Regenerate the full stage catalog from the installed official SDK (developer tool).

    python tools/extract_catalog.py OUT.json

Reads the stage models of ``ibm-watsonx-data-integration`` (installed in the running
Python) and writes, for every stage type name ``BatchFlow.add_stage`` accepts
(``STAGE_NAMES``, 151 in SDK 2.1.0), one record: class-level op / node type / image /
palette label, primary cardinality, reject/reference link limits, connection model,
the parameters the SDK writes for a fresh stage, the node as serialized when it is the
only stage in a flow, and every model property (name, JSON alias, type, default, title,
enum values).  The output has the shape of ``shared/catalog/stage-catalog.json``;
``tools/build_catalog.py`` compacts it into the catalog flowzip ships.

Everything runs offline (``BatchFlow(project=None)``); the SDK import takes ~10 s and
the extraction a few seconds more.  Where the SDK itself fails for a type (Wrapped
Stage needs a live project, Java Integration's model lacks attributes its own methods
use, source-only connectors have no target validation) the failing step is recorded
in the record's ``errors`` and in the top-level ``failures`` and the rest is kept.

Only the standard library, the SDK and pydantic (which the SDK brings) are used.
Do not run this with the working directory inside the SDK package: its
``platform.py`` would shadow the standard library module.
"""

from __future__ import annotations

import contextlib
import enum
import importlib.metadata
import io
import json
import logging
import sys
import typing
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pydantic
from pydantic_core import PydanticUndefined

SDK_PACKAGE = "ibm-watsonx-data-integration"
# Type strings are written relative to this package, e.g. "enums.PEEK.BufMode | None".
MODELS_PREFIX = "ibm_watsonx_data_integration.services.datastage.models."
# Label given to the single stage of the throw-away flow used for serialization.
ISOLATED_LABEL = "Stage_1"


# --------------------------------------------------------------------------- SDK access


def load_sdk() -> dict[str, Any]:
    """Import the SDK pieces the extraction needs (slow: ~10 s)."""
    from ibm_watsonx_data_integration.services.datastage.codegen.op_mappings import OP_MAPPINGS
    from ibm_watsonx_data_integration.services.datastage.models.connections.base_connection import BaseConnection
    from ibm_watsonx_data_integration.services.datastage.models.flow import BatchFlow
    from ibm_watsonx_data_integration.services.datastage.models.flow.dag import DAG
    from ibm_watsonx_data_integration.services.datastage.models.stage_names import STAGE_NAMES
    from ibm_watsonx_data_integration.services.datastage.models.stage_type_enum import StageTypeEnum

    return {
        "OP_MAPPINGS": OP_MAPPINGS,
        "BaseConnection": BaseConnection,
        "BatchFlow": BatchFlow,
        "DAG": DAG,
        "STAGE_NAMES": STAGE_NAMES,
        "StageTypeEnum": StageTypeEnum,
    }


@contextlib.contextmanager
def quiet():
    """Silence the SDK while it works on lone stages.

    A stage with no links is "invalid" to the SDK, which logs cardinality warnings,
    emits pydantic/serialization warnings and sometimes prints; none of that is
    interesting here and it would bury the script's own output.
    """
    sink = io.StringIO()
    logging.disable(logging.CRITICAL)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            warnings.simplefilter("ignore")
            yield
    finally:
        logging.disable(logging.NOTSET)


def describe_error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


class Attempts:
    """Runs extraction steps for one type and records the ones the SDK cannot do."""

    def __init__(self, type_name: str, failures: list[dict[str, str]]) -> None:
        self.type_name = type_name
        self.failures = failures  # shared, catalog-wide list
        self.errors: dict[str, str] = {}  # this record's own view

    def run(self, step: str, func: Callable[[], Any]) -> Any:
        """Return func() or, if the SDK raises, None after recording the failure under `step`."""
        try:
            with quiet():
                return func()
        except Exception as exc:  # noqa: BLE001 - any SDK defect is data here, not a crash
            self.record(step, describe_error(exc))
            return None

    def record(self, step: str, error: str) -> None:
        self.errors[step] = error
        self.failures.append({"type_name": self.type_name, "stage": step, "error": error})


# --------------------------------------------------------------------------- JSON values


def to_json(value: Any) -> Any:
    """Turn a pydantic default (enums, models, containers) into plain JSON data."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_json(v) for v in value]
    return value


def dump_json(value: Any) -> Any:
    """Round-trip SDK output through JSON so it is exactly what a file would hold."""
    return json.loads(json.dumps(value, default=to_json))


# --------------------------------------------------------------------------- properties


def type_string(annotation: Any) -> str:
    """Readable annotation: plain classes by qualified name, the rest as Python prints it.

    Module paths inside the SDK's models package are shortened ("enums.PEEK.BufMode",
    "base_stage.BufMode") so the strings stay short but unambiguous.
    """
    if isinstance(annotation, type) and typing.get_origin(annotation) is None:
        return annotation.__qualname__
    return str(annotation).replace(MODELS_PREFIX, "")


def find_enum(annotation: Any) -> type[enum.Enum] | None:
    """The enum class an annotation allows (directly or in a union), if any."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation
    for arg in typing.get_args(annotation):
        found = find_enum(arg)
        if found is not None:
            return found
    return None


def field_default(field: pydantic.fields.FieldInfo) -> Any:
    """The default a fresh model gets (required fields: None)."""
    if field.default is not PydanticUndefined:
        return to_json(field.default)
    if field.default_factory is not None:
        return to_json(field.default_factory())
    return None


def describe_field(name: str, field: pydantic.fields.FieldInfo, *, with_title: bool) -> dict[str, Any]:
    """One property item: name, JSON alias, type, default, [title], [enum_values]."""
    item: dict[str, Any] = {
        "name": name,
        "alias": field.alias or name,
        "type": type_string(field.annotation),
        "default": field_default(field),
    }
    if with_title and field.title is not None:
        item["title"] = field.title
    enum_class = find_enum(field.annotation)
    if enum_class is not None:
        item["enum_values"] = [member.value for member in enum_class]
    return item


def stage_properties(model_class: type[pydantic.BaseModel]) -> list[dict[str, Any]]:
    """Every configuration field except the connection (described separately)."""
    return [
        describe_field(name, field, with_title=True)
        for name, field in model_class.model_fields.items()
        if name != "connection"
    ]


def connection_fields(conn_class: type[pydantic.BaseModel], base_class: type) -> list[dict[str, Any]]:
    """The connection's own properties.

    The bookkeeping fields every connection inherits (asset id, project id, raw
    properties) are filled by ``use_connection`` and are not connection properties.
    Titles are left out: the catalog records connection fields without them.
    """
    inherited = set(base_class.model_fields)
    return [
        describe_field(name, field, with_title=False)
        for name, field in conn_class.model_fields.items()
        if name not in inherited
    ]


# --------------------------------------------------------------------------- class-level facts


def class_var(model_class: type, name: str) -> Any:
    """A ClassVar of the model, or None (pydantic fields are not class attributes)."""
    return getattr(model_class, name, None) if name in model_class.__class_vars__ else None


def configuration_class(stage_class: type) -> type[pydantic.BaseModel]:
    """The pydantic model behind a stage class, read from its __init__ annotation.

    (The generated stage modules do not postpone annotations, so this is the class itself.)
    """
    return stage_class.__init__.__annotations__["configuration"]


def static_facts(type_name: str, stage_class: type, model_class: type, sdk: dict[str, Any]) -> dict[str, Any]:
    """What the classes say without instantiating anything."""
    op = class_var(model_class, "op_name")
    return {
        "type_name": type_name,
        "in_stage_type_enum": type_name in {member.value for member in sdk["StageTypeEnum"]},
        "stage_class": stage_class.__name__,
        "configuration_model": f"{model_class.__module__.rsplit('.', 1)[-1]}.{model_class.__name__}",
        "op": op,
        "node_type": class_var(model_class, "node_type"),
        "image": class_var(model_class, "image"),
        "ui_label": class_var(model_class, "label"),
        "codegen_module_for_op": sdk["OP_MAPPINGS"].get(op) if op else None,
    }


# --------------------------------------------------------------------------- model behaviour


def model_facts(model_class: type, attempts: Attempts, sdk: dict[str, Any]) -> dict[str, Any]:
    """What a fresh configuration model reports about links, connection and ports.

    Each step uses its own fresh model so that no step sees another's side effects:
    a catalog default must be what the SDK does for an untouched stage.
    """

    def call(method: str) -> Any:
        return attempts.run(method, lambda: dump_json(getattr(model_class(), method)()))

    facts: dict[str, Any] = {
        "input_cardinality": call("_get_input_cardinality"),
        "output_cardinality": call("_get_output_cardinality"),
    }
    app_data = call("_get_app_data_props")
    # Reject/reference limits live in the node's app data ("datastage" block).
    facts["link_limits"] = app_data.get("datastage") if app_data else None
    conn_class = connection_class(model_class, sdk)
    facts["needs_connection"] = conn_class is not None
    if conn_class is not None:
        facts.update(connection_facts(model_class, conn_class, call, sdk))
    facts["default_input_port_parameters"] = call("_get_input_ports_props")
    facts["default_output_port_parameters"] = call("_get_output_ports_props")
    return facts


def connection_class(model_class: type, sdk: dict[str, Any]) -> type | None:
    """The connection model a fresh stage carries, or None.

    Decided by the default value, not the annotation: Sequential file's ``connection``
    is a plain string property and SAP BAPI declares a connection model but leaves it
    None, so neither gets a connection written by the SDK.
    """
    field = model_class.model_fields.get("connection")
    default = field.default if field is not None else None
    return type(default) if isinstance(default, sdk["BaseConnection"]) else None


def connection_facts(
    model_class: type, conn_class: type, call: Callable[[str], Any], sdk: dict[str, Any]
) -> dict[str, Any]:
    """Connection model, data source type, fields and source/target abilities."""
    model = model_class()

    def allowed(method: str) -> bool | None:
        # Source-only / target-only connectors simply lack the other method.
        return getattr(model, method)() if hasattr(model, method) else None

    return {
        "connection_model": conn_class.__name__,
        "connection_datasource_type": getattr(conn_class, "datasource_type", None),
        "connection_fields": connection_fields(conn_class, sdk["BaseConnection"]),
        "allowed_as_source": allowed("_get_allowed_as_source_props"),
        "allowed_as_target": allowed("_get_allowed_as_target_props"),
        "default_source_props": call("_get_source_props"),
        "default_target_props": call("_get_target_props"),
    }


# --------------------------------------------------------------------------- serialization


def serialize_isolated(type_name: str, sdk: dict[str, Any]) -> dict[str, Any]:
    """The node exactly as the SDK writes it when it is the only stage of a flow.

    Its id and canvas position are removed: they are random / layout-dependent.
    """
    flow = sdk["BatchFlow"](project=None, name="catalog", description="")
    flow.add_stage(type_name, ISOLATED_LABEL)
    document = json.loads(flow._dag_to_json())
    (node,) = document["pipelines"][0]["nodes"]
    node.pop("id", None)
    ui_data = node.get("app_data", {}).get("ui_data", {})
    ui_data.pop("x_pos", None)
    ui_data.pop("y_pos", None)
    return node


def fresh_node_parameters(stage_class: type, model_class: type, sdk: dict[str, Any]) -> dict[str, Any]:
    """The parameters of a freshly added stage: node parameters, then the advanced
    (buffering) parameters, the merge the SDK's node extractor writes.

    Taken from a bare stage node rather than from the serialized flow because
    serializing first stores the flow's link counts in the model (``input_count`` /
    ``output_count`` then count as set and are written, 0 for a lone stage); a
    catalog default must not depend on a flow.  Models that always write the counts
    (Match Frequency, One-/Two-source Match, Wrapped Stage) keep their model
    defaults.  Wrapped Stage gets a default model with no asset, all that can be
    built offline.
    """
    dag = sdk["DAG"]()
    if stage_class.__name__ == "WrappedStageStage":
        node = stage_class(dag, None, configuration=model_class())
    else:
        node = stage_class(dag, label=ISOLATED_LABEL)
    return dump_json({**node._get_node_params(), **node._get_advanced_params()})


def serialization_facts(
    type_name: str, stage_class: type, model_class: type, attempts: Attempts, sdk: dict[str, Any]
) -> dict[str, Any]:
    facts = {
        "default_node_parameters": attempts.run(
            "node_parameters", lambda: fresh_node_parameters(stage_class, model_class, sdk)
        )
    }
    node = attempts.run("serialize_isolated", lambda: serialize_isolated(type_name, sdk))
    facts["serialized_isolated_node"] = node
    if node is not None:
        facts["serialized_node_type"] = node.get("type")
    return facts


# --------------------------------------------------------------------------- records


def check_add_stage(type_name: str, attempts: Attempts, sdk: dict[str, Any]) -> str | None:
    """Try ``add_stage`` the way a user would; return an error text if it cannot work offline."""
    flow = sdk["BatchFlow"](project=None, name="catalog", description="")
    try:
        with quiet():
            flow.add_stage(type_name)
    except Exception as exc:  # noqa: BLE001
        error = describe_error(exc)
        attempts.failures.append({"type_name": type_name, "stage": "add_stage", "error": error})
        return error
    return None


# Order of keys in a record (the reference catalog's order, kept for readable diffs).
RECORD_ORDER = (
    "type_name",
    "in_stage_type_enum",
    "stage_class",
    "error",
    "built_via_fallback",
    "configuration_model",
    "op",
    "node_type",
    "image",
    "ui_label",
    "codegen_module_for_op",
    "input_cardinality",
    "output_cardinality",
    "link_limits",
    "needs_connection",
    "connection_model",
    "connection_datasource_type",
    "connection_fields",
    "allowed_as_source",
    "allowed_as_target",
    "default_source_props",
    "default_target_props",
    "default_node_parameters",
    "default_input_port_parameters",
    "default_output_port_parameters",
    "serialized_isolated_node",
    "serialized_node_type",
    "properties",
    "errors",
)


def stage_record(type_name: str, stage_class: type, failures: list[dict[str, str]], sdk: dict[str, Any]) -> dict:
    model_class = configuration_class(stage_class)
    attempts = Attempts(type_name, failures)
    record = static_facts(type_name, stage_class, model_class, sdk)

    add_error = check_add_stage(type_name, attempts, sdk)
    if add_error is not None:
        # The rest is still extracted from the model itself, hence "fallback".
        record["error"] = f"add_stage failed: {add_error}"
        record["built_via_fallback"] = True

    record.update(model_facts(model_class, attempts, sdk))
    record.update(serialization_facts(type_name, stage_class, model_class, attempts, sdk))
    record["properties"] = stage_properties(model_class)
    if attempts.errors:
        record["errors"] = attempts.errors
    return {key: record[key] for key in RECORD_ORDER if key in record}


def build_catalog(sdk: dict[str, Any]) -> dict[str, Any]:
    failures: list[dict[str, str]] = []
    # Sorted by type name so that regenerating gives a stable, diffable file.
    stages = [
        stage_record(type_name, stage_class, failures, sdk)
        for type_name, stage_class in sorted(sdk["STAGE_NAMES"].items())
    ]
    return {
        "generated_by": f"extracted offline from the stage models of {SDK_PACKAGE} (PyPI)",
        "sdk_package": SDK_PACKAGE,
        "sdk_version": importlib.metadata.version(SDK_PACKAGE),
        "stage_type_count": len(stages),
        "stage_type_enum_count": len(sdk["StageTypeEnum"]),
        "connection_backed_count": sum(1 for s in stages if s["needs_connection"]),
        "failures": failures,
        "stages": stages,
    }


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__.split("\n\n")[1])
    out = Path(sys.argv[1])
    catalog = build_catalog(load_sdk())
    out.write_text(json.dumps(catalog, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    failed_types = sorted({f["type_name"] for f in catalog["failures"]})
    print(
        f"wrote {out}: {catalog['stage_type_count']} stage types "
        f"({catalog['connection_backed_count']} connection-backed), "
        f"{len(catalog['failures'])} failed steps in {len(failed_types)} types: {', '.join(failed_types)}"
    )


if __name__ == "__main__":
    main()
