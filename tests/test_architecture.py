"""The package's shape, kept by a test: layers are folders, imports point down, no hidden cycles.

Every ``import`` in ``src/flowzip`` is read from the syntax tree, those inside
functions included; only ``if TYPE_CHECKING:`` blocks are left out (they never
run).  The checks are functions of a source folder, so the second half of this
file shows each of them failing on a small package that breaks its rule.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

import flowzip.errors
from tests.conftest import REPO

SOURCE = REPO / "src" / "flowzip"

#: Layers, bottom up: a module may import from a lower layer, or from its own folder.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "version", "suggest", "display"),  # foundations
    ("jsonio", "inputs"),  # text formats: archive members, and the other files users give
    ("package",),  # the container
    ("document",),  # pure functions on raw documents
    ("model",),  # typed views, relations, the Archive with its SDK verbs
    ("ops",),  # archive-to-archive operations
    ("analysis", "lint"),  # side by side: neither imports the other
    ("api",),  # flowzip.open / new and the Archive they return
    ("",),  # the package itself: flowzip/__init__.py, the public API
    ("cli",),  # click parses, one library call does the work
    ("__main__",),
]


@dataclass(frozen=True)
class Import:
    importer: str  # the importing module, dotted
    target: str  # the imported module, dotted
    names: tuple[str, ...]  # names taken from it (``from target import a, b``)
    line: int


def module_name(root: Path, path: Path) -> str:
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _statements(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, in functions too, but not under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.If) and _is_type_checking(node):
            stack.extend(node.orelse)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def imports(root: Path) -> list[Import]:
    """Every import of a module of the package at *root* by another of its modules."""
    modules = {module_name(root, path): path for path in root.rglob("*.py")}
    found: list[Import] = []
    for importer, path in sorted(modules.items()):
        package = importer if path.name == "__init__.py" else importer.rpartition(".")[0]
        for statement in _statements(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(statement, ast.Import):
                for alias in statement.names:
                    if alias.name in modules:
                        found.append(Import(importer, alias.name, (), statement.lineno))
                continue
            if statement.level:
                base = package.split(".")[: len(package.split(".")) - statement.level + 1]
                target = ".".join(base + ([statement.module] if statement.module else []))
            else:
                target = statement.module or ""
            if target not in modules:
                continue  # outside the package
            names = tuple(alias.name for alias in statement.names)
            submodules = [n for n in names if f"{target}.{n}" in modules]
            for name in submodules:  # ``from package import module``: the module is what is imported
                found.append(Import(importer, f"{target}.{name}", (), statement.lineno))
            others = tuple(n for n in names if n not in submodules)
            if others:
                found.append(Import(importer, target, others, statement.lineno))
    return found


def cycles(found: list[Import]) -> list[list[str]]:
    graph = nx.DiGraph()
    graph.add_edges_from((i.importer, i.target) for i in found if i.importer != i.target)
    return [sorted(c) for c in nx.strongly_connected_components(graph) if len(c) > 1]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(found: list[Import]) -> list[str]:
    """Private names (``_name``, or a module ``_name``) one module takes from another."""
    bad = []
    for item in found:
        names = [n for n in item.names if _private(n)]
        if any(_private(part) for part in item.target.split(".")[1:]) and item.importer != item.target:
            names.append(item.target)
        bad += [f"{item.importer}:{item.line} imports {n} from {item.target}" for n in names]
    return bad


def _folder(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _rank(module: str) -> int:
    folder = _folder(module)
    for rank, layer in enumerate(LAYERS):
        if folder in layer:
            return rank
    raise AssertionError(f"{module} is in no layer: add its folder to LAYERS")


def layer_breaches(found: list[Import]) -> list[str]:
    """Imports that point up or sideways, a CLI imported below the CLI, a lint rule imported outside lint."""
    bad = []
    for item in found:
        where = f"{item.importer}:{item.line} imports {item.target}"
        importer_folder, target_folder = _folder(item.importer), _folder(item.target)
        if item.target.split(".")[1:2] == ["cli"] and importer_folder not in ("cli", "__main__"):
            bad.append(f"{where}: only the command line imports flowzip.cli")
        elif ".lint.rules." in item.target + "." and importer_folder != "lint":
            bad.append(f"{where}: only flowzip.lint imports lint rules")
        elif importer_folder != target_folder and _rank(item.target) >= _rank(item.importer):
            bad.append(f"{where}: layer {_rank(item.importer)} may import only lower layers")
    return bad


# --------------------------------------------------------------------------- flowzip itself


@pytest.fixture(scope="module")
def found() -> list[Import]:
    return imports(SOURCE)


def test_the_package_is_read(found: list[Import]) -> None:
    # A reader that found nothing would pass every check below.
    assert len(found) > 200
    pairs = {(i.importer, i.target) for i in found}
    assert ("flowzip.api", "flowzip.ops.transfer") in pairs
    assert ("flowzip.lint.engine", "flowzip.lint.rules") in pairs  # ``from . import rules``: the module itself


def test_no_import_cycle(found: list[Import]) -> None:
    assert cycles(found) == []


def test_no_private_name_crosses_a_module(found: list[Import]) -> None:
    assert private_imports(found) == []


def test_imports_point_down(found: list[Import]) -> None:
    assert layer_breaches(found) == []


def test_every_module_is_in_a_layer() -> None:
    for path in SOURCE.rglob("*.py"):
        _rank(module_name(SOURCE, path))


def test_every_error_class_is_defined_in_errors() -> None:
    errors = {name for name, value in vars(flowzip.errors).items()
              if isinstance(value, type) and issubclass(value, Exception)}
    for path in SOURCE.rglob("*.py"):
        if path.name == "errors.py" and path.parent == SOURCE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                assert not bases & errors, f"{path.relative_to(REPO)}: {node.name} belongs in flowzip/errors.py"


def test_tests_mirror_the_source_tree() -> None:
    folders = {p.name for p in SOURCE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    for test_file in (REPO / "tests").glob("*/test_*.py"):
        assert test_file.parent.name in folders, f"{test_file.relative_to(REPO)} mirrors no folder of src/flowzip"


# --------------------------------------------------------------------------- each check can fail


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "flowzip"
    for name, text in {"__init__.py": "", **files}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_a_cycle_hidden_in_a_function_is_found(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "model/__init__.py": "",
        "model/archive.py": "def export():\n    from ..ops.transfer import export_flows\n",
        "ops/__init__.py": "",
        "ops/transfer.py": "from ..model.archive import Archive\n",
    })
    assert cycles(imports(root)) == [["flowzip.model.archive", "flowzip.ops.transfer"]]


def test_an_import_under_type_checking_is_left_out(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "model/__init__.py": "",
        "model/flow.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .archive import Archive\n",
        "model/archive.py": "from .flow import Flow\n",
    })
    assert cycles(imports(root)) == []


def test_a_private_import_is_found(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "document/__init__.py": "",
        "document/jobs.py": "def _set_job_parameter(): ...\n",
        "model/__init__.py": "",
        "model/flow.py": "from ..document.jobs import _set_job_parameter\n",
    })
    assert private_imports(imports(root)) == [
        "flowzip.model.flow:1 imports _set_job_parameter from flowzip.document.jobs"]


def test_layer_breaches_are_found(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "cli/__init__.py": "",
        "cli/options.py": "",
        "lint/__init__.py": "",
        "lint/rules/__init__.py": "",
        "lint/rules/binaries/__init__.py": "",
        "lint/rules/binaries/fzb001.py": "def osh_scripts(): ...\n",
        "ops/__init__.py": "",
        "ops/transfer.py": "from ..lint.rules.binaries.fzb001 import osh_scripts\n",
        "document/__init__.py": "",
        "document/pipeline.py": "from ..cli import options\n",
        "package/__init__.py": "",
        "package/store.py": "from ..document import pipeline\n",
    })
    assert layer_breaches(imports(root)) == [
        "flowzip.document.pipeline:1 imports flowzip.cli.options: only the command line imports flowzip.cli",
        "flowzip.ops.transfer:1 imports flowzip.lint.rules.binaries.fzb001: only flowzip.lint imports lint rules",
        "flowzip.package.store:1 imports flowzip.document.pipeline: layer 2 may import only lower layers",
    ]
