"""Where things live in an export: asset folders, root files, and how a member is classified.

The folder names and their meaning come from format.md §1.2 and real-exports.md
("Layout"); member names may sit under a prefix folder (``datastage/`` in
Git-integration repositories), which :func:`find_root` detects.
"""

from __future__ import annotations

from collections import defaultdict

#: Asset folders whose files are JSON documents (format.md §1.2).
JSON_ASSET_FOLDERS = frozenset(
    {
        "data_intg_flow",
        "data_intg_subflow",
        "parameter_set",
        "connection",
        "data_definition",
        "job",
        "data_intg_message_handler",
        "data_intg_java_library",
        "data_intg_parallel_function",
        "data_intg_build_stage",
        "data_intg_wrapped_stage",
        "data_intg_custom_stage",
        "orchestration_flow",
        "data_intg_project_settings",
        "environment",
    }
)

#: Asset folders whose files are binary, mostly nested ZIPs (format.md §1.2).
BINARY_ASSET_FOLDERS = frozenset(
    {
        "px_executables",
        "function_library",
        "custom_stage_library",
        "ds_match_specification",
        "ds_xml_schema_library",
        "data_intg_test_case",
        "data_intg_data_set",
        "standardization_rule",
    }
)

ASSET_FOLDERS = JSON_ASSET_FOLDERS | BINARY_ASSET_FOLDERS

#: Files at the root of an export, by name (real-exports.md "Layout").
ROOT_FILES = {
    "DataStage-README.json": "manifest",
    "ENCRYPTED": "encrypted_marker",
    "project.json": "git_project",
    "dependencies.json": "git_dependencies",
    "DataStage-DirectoryAsset.json": "git_directory_assets",
}

MANIFEST_NAME = "DataStage-README.json"


def _root_candidates(names: list[str]) -> dict[str, set[str]]:
    """Per prefix, the asset folders (and root files) under it that mark it as an export's root.

    An asset file counts unless it is an overlay's ``.json5``; a root file (the manifest, a Git
    repository's ``project.json``, ...) counts for the folder it sits in.
    """
    found: dict[str, set[str]] = defaultdict(set)
    for name in names:
        parts = name.split("/")
        for depth, part in enumerate(parts[:-1]):
            if part in ASSET_FOLDERS:
                if not parts[-1].lower().endswith(".json5"):
                    found["/".join(parts[:depth])].add(part)
                break
        if parts[-1] in ROOT_FILES:
            found["/".join(parts[:-1])].add(parts[-1])
    return found


def _rank(found: dict[str, set[str]], prefix: str) -> tuple[int, int]:
    """The prefix holding the most asset folders and root files wins; ties go to the shallowest."""
    return len(found[prefix]), -prefix.count("/") - bool(prefix)


def find_root(names: list[str]) -> str:
    """The prefix (``""`` or ``"folder/"``) under which the export's asset folders sit.

    The prefix holding the most distinct asset folders wins (root files count one each); ties go to the
    shallowest.  ``overlays/qa/parameter_set/...`` beside ``datastage/`` therefore does not steal the root.
    """
    found = _root_candidates(names)
    if not found:
        return ""
    best = max(found, key=lambda prefix: _rank(found, prefix))
    return best + "/" if best else ""


def export_roots(names: list[str]) -> list[str]:
    """Every prefix (as :func:`find_root` gives it) under which an export sits, for a tree that may hold several.

    Of two nested prefixes (a Git repository's own manifest above its ``datastage/``) the one
    :func:`find_root` prefers stands for both.
    """
    found = _root_candidates(names)

    def nested(a: str, b: str) -> bool:
        return a == "" or b == "" or (a + "/").startswith(b + "/") or (b + "/").startswith(a + "/")

    kept = [p for p in found if not any(q != p and nested(p, q) and _rank(found, q) > _rank(found, p)
                                        for q in found)]
    return sorted(prefix + "/" if prefix else "" for prefix in kept)


def classify(name: str, root: str) -> tuple[str, str | None]:
    """``(type, asset name)`` of member *name* in an export rooted at *root*.

    The type is the asset folder name for assets (as the manifest spells it),
    a role from :data:`ROOT_FILES` for root files, ``"directory"`` for folder
    entries and ``"other"`` for everything else (passed through untouched).
    """
    if name.endswith("/"):
        return "directory", None
    if not name.startswith(root):
        return "other", None
    parts = name[len(root):].split("/")
    if len(parts) == 1:
        return ROOT_FILES.get(parts[0], "other"), None
    folder, filename = parts[0], parts[-1]
    if folder not in ASSET_FOLDERS:
        return "other", None
    if folder in JSON_ASSET_FOLDERS:
        if len(parts) != 2 or not filename.lower().endswith(".json"):
            return "other", None  # .DS_Store and the like: stray files
        return folder, filename[: -len(".json")]
    stem = filename.rsplit(".", 1)[0] if "." in filename[1:] else filename
    return folder, stem


def is_json_name(name: str) -> bool:
    return name.lower().endswith(".json")


def renamed_path(relative: str, old: str, new: str) -> str:
    """*relative* (``folder/…/old.ext``) with the asset's name changed in every part after the folder."""
    parts = relative.split("/")
    out = [parts[0]]
    for part in parts[1:-1]:
        out.append(new if part == old else part)
    last = parts[-1]
    out.append(new + last[len(old):] if last.startswith(old + ".") or last == old else last)
    return "/".join(out)
