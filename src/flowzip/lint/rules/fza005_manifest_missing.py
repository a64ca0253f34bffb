from __future__ import annotations

from ..engine import Context, Rule


class ManifestMissingAsset(Rule):
    """The manifest (``DataStage-README.json``) lists an asset the archive does not hold.

    Common in Git-integration repositories where only part of a project is committed
    (real-exports.md, "Manifest variants"), so a warning.

    **Bad**: ``assets: [{"name": "load", "type": "data_intg_flow"}]`` with no ``data_intg_flow/load.json``.

    **Good**: every listed asset has its file; drop the entries of assets you removed.
    """

    code = "FZA005"
    name = "manifest.missing-asset"
    family = "archive"
    severity = "warning"

    def check(self, context: Context):
        manifest = context.archive.manifest
        if manifest is None or context.json(manifest.member) is None:
            return
        names = context.asset_names
        for entry in manifest.assets:
            name, type_ = entry.get("name"), entry.get("type")
            if not name or not type_ or type_ not in _FOLDERS:
                continue
            if name not in names.get(type_, set()) and name.rstrip(".") not in names.get(type_, set()):
                yield self.finding(f"lists {type_} {name!r}, which the archive does not hold",
                                   member=manifest.member.name, asset_type="manifest")


_FOLDERS = {"data_intg_flow", "data_intg_subflow", "parameter_set", "connection", "job", "data_definition",
            "px_executables", "orchestration_flow", "data_intg_message_handler", "data_intg_build_stage",
            "data_intg_wrapped_stage", "data_intg_java_library", "data_intg_parallel_function",
            "ds_match_specification", "ds_xml_schema_library", "data_intg_test_case", "data_intg_data_set"}
