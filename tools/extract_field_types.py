"""Extract the SDK's link-schema field types into flowzip's packaged data (developer tool).

    python tools/extract_field_types.py src/flowzip/data/field_types.json

For every ODBC type ``Schema.add_field`` accepts in ``ibm-watsonx-data-integration`` (installed in the
running Python; it is in the test extra), builds a flow offline with one link whose schema holds one
field of that type, serialises it as the SDK saves it, and records:

* ``types[ODBC]``: the field as the SDK writes it with only a name (the per-type defaults);
* ``attributes[NAME][ODBC]``: for each ``add_field`` keyword argument the type takes, the keys it sets,
  each as ``["path", how]`` where ``how`` is ``"value"`` (the argument), ``"text"`` (the argument as text),
  ``"not"`` (its negation) or
  ``["literal", VALUE]``; arguments that go into ``app_data.apt_field_properties`` are recorded there
  instead (``apt[ODBC]``: argument -> [the key written, "quoted" / "bare" / "flag" / ["literal", text]],
  in the order the SDK joins them with commas); ``order``: add_field's arguments in the order the SDK applies them.

Arguments a type does not take (the SDK raises) are left out for that type: flowzip refuses them with
the list of those it takes.  Only the standard library and the SDK are used.
"""

from __future__ import annotations

import inspect
import json
import logging
import sys
import warnings
from typing import Any

warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)

from ibm_watsonx_data_integration.services.datastage.models.flow import BatchFlow  # noqa: E402
from ibm_watsonx_data_integration.services.datastage.models.schema.schema import (  # noqa: E402
    _ODBC_TYPE_TO_FIELD_CLASS,
    Schema,
)

APT = "app_data.apt_field_properties"


def saved_field(odbc: str, **arguments: Any) -> dict[str, Any]:
    flow = BatchFlow(project=None, name="p", description="")
    source, target = flow.add_stage("Row Generator", "A"), flow.add_stage("Peek", "B")
    schema = source.connect_output_to(target).create_schema()
    schema.add_field(odbc, "COL", **arguments)
    return json.loads(flow._dag_to_json())["schemas"][0]["fields"][0]


def flat(document: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in document.items():
        if isinstance(value, dict):
            found.update(flat(value, prefix + key + "."))
        else:
            found[prefix + key] = value
    return found


def samples(parameter: inspect.Parameter) -> tuple[Any, Any] | None:
    annotation = str(parameter.annotation)
    if "bool" in annotation:
        return True, False
    if annotation.startswith("int") or annotation == "<class 'int'>":
        return 33, 44
    if "str" in annotation and "FIELD" not in annotation:
        return "aa", "bb"
    return None  # enums and unions of enums: not extracted (flowzip refuses them by name)


def how(value: Any, sample: Any) -> Any:
    if value == sample and type(value) is type(sample):
        return "value"
    if isinstance(value, str) and not isinstance(sample, (str, bool)) and value == str(sample):
        return "text"
    if isinstance(sample, bool) and value == (not sample):
        return "not"
    return ["literal", value]


def main() -> None:
    parameters = [p for name, p in inspect.signature(Schema.add_field).parameters.items()
                  if name not in ("self", "odbc_type", "name")]
    # The SDK applies the arguments in the order of add_field's signature: it decides which of two that set
    # one key wins, and the order of the keys they add.
    data: dict[str, Any] = {"sdk": "ibm-watsonx-data-integration==2.1.0", "types": {}, "attributes": {}, "apt": {},
                            "order": [p.name for p in parameters]}
    for odbc in _ODBC_TYPE_TO_FIELD_CLASS:
        base = saved_field(odbc)
        flat_base = flat(base)
        base["name"] = ""
        data["types"][odbc] = base
        apt_names = []
        for parameter in parameters:
            pair = samples(parameter)
            if pair is None:
                continue
            try:
                first = flat(saved_field(odbc, **{parameter.name: pair[0]}))
                second = flat(saved_field(odbc, **{parameter.name: pair[1]}))
            except Exception:  # noqa: BLE001 - the type does not take it
                continue
            # In the order the SDK writes them (the keys' order in the document matters to a byte comparison).
            changed = [k for k in first if flat_base.get(k, "<absent>") != first[k]]
            changed += [k for k in second if flat_base.get(k, "<absent>") != second[k] and k not in changed]
            if APT in changed:
                text = first[APT]
                key, _, written = text.partition("=")
                style = ("quoted" if written == f"'{pair[0]}'" else "bare" if written == str(pair[0]) else
                         "flag" if written == "" else ["literal", written])
                data["apt"].setdefault(odbc, {})[parameter.name] = [key, style]
                apt_names.append(parameter.name)
                changed.remove(APT)
            if changed:
                data["attributes"].setdefault(parameter.name, {})[odbc] = [
                    [path, how(first.get(path), pair[0])] for path in changed]
        if apt_names:  # the order the SDK joins them in: all at once
            together = saved_field(odbc, **{n: samples(next(p for p in parameters if p.name == n))[0]
                                           for n in apt_names})
            text = flat(together).get(APT, "")
            keys = [item.partition("=")[0] for item in text.split(",")]  # the samples hold no commas
            written = data["apt"][odbc]
            positions = {name: keys.index(written[name][0]) if written[name][0] in keys else 10**6
                         for name in apt_names}
            data["apt"][odbc] = {name: written[name] for name in sorted(apt_names, key=positions.__getitem__)}
    with open(sys.argv[1], "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=False)
        handle.write("\n")
    print(f"{len(data['types'])} types, {len(data['attributes'])} attributes -> {sys.argv[1]}")


if __name__ == "__main__":
    main()
