"""Extract the data the SDK's column propagation needs into flowzip's packaged data (developer tool).

    python tools/extract_acp_data.py src/flowzip/data/acp_data.json.gz

Reads, as literals (no SDK code runs for them), from ``ibm-watsonx-data-integration`` installed in the running
Python: the Standardize rulesets and the columns each adds (``standardize_data.py``), the Address
Verification output columns (``acp.py``, ``compute_address_verification``) and the names its value
derivations use (``extractor.py``).  JSON objects keep the SDK's order, which the rules rely on.
"""

from __future__ import annotations

import ast
import gzip
import json
import pathlib
import sys

import ibm_watsonx_data_integration.services.datastage.models as sdk_models


def function(tree: ast.AST, name: str) -> ast.FunctionDef:
    return next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)


def assigned(node: ast.AST, variable: str) -> object:
    for found in ast.walk(node):
        if isinstance(found, ast.Assign) and any(isinstance(t, ast.Name) and t.id == variable for t in found.targets):
            return ast.literal_eval(found.value)
    raise KeyError(variable)


def main() -> None:
    root = pathlib.Path(sdk_models.__file__).parent
    acp = ast.parse((root / "acp.py").read_text(encoding="utf-8"))
    extractor = ast.parse((root / "extractor.py").read_text(encoding="utf-8"))
    standardize = ast.parse((root / "standardize_data.py").read_text(encoding="utf-8"))
    data = {
        "sdk": "ibm-watsonx-data-integration==2.1.0",
        "address_verification_columns": assigned(function(acp, "compute_address_verification"), "column_data"),
        "address_verification_expressions": assigned(function(extractor, "get_node_value_derivation"),
                                                     "column_data"),
        "standardize_rulesets": ast.literal_eval(standardize.body[-1].value),  # STANDARDIZE_DATA = {...}
    }
    with gzip.open(sys.argv[1], "wt", encoding="utf-8") as handle:
        json.dump(data, handle, indent=None, separators=(",", ":"))
    print(f"{len(data['standardize_rulesets'])} rulesets, {len(data['address_verification_columns'])} "
          f"address verification columns -> {sys.argv[1]}")


if __name__ == "__main__":
    main()
