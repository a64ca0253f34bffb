from __future__ import annotations

from ....document.binaries import osh_scripts, unmentioned_stages
from ....errors import FlowzipError
from ...engine import Context, FlowDoc, Rule


# Source: format.md §7.8.
class StaleBinaries(Rule):
    """The compiled binaries (``px_executables/<flow>.zip``) do not match their flow: a stage of the flow is
    missing from the OSH script (the flow was edited after it was compiled), or the script was compiled
    from another flow asset.

    Importing with ``import_binaries=true`` would run the old logic.

    **Bad**: a flow with a stage ``txNew`` whose ``px_executables`` script never mentions it.

    **Good**: recompile after editing, or drop the binaries and import with ``import_binaries=false``.
    """

    code = "FZB001"
    name = "binaries.stale"
    family = "binaries"
    severity = "warning"

    def check_flow(self, context: Context, flow: FlowDoc):
        if flow.kind != "data_intg_flow":
            return
        for member in context.members("px_executables"):
            if member.asset_name != flow.name:
                continue
            try:
                scripts = osh_scripts(member.read(), member.name)
            except FlowzipError:
                continue  # not a readable nested ZIP: FZA002 territory
            missing = unmentioned_stages(scripts, flow.document)
            if missing:
                shown = ", ".join(repr(m) for m in missing[:5])
                noun = "stages" if len(missing) > 1 else "stage"
                yield self.flow_finding(flow, f"the compiled binaries {member.name!r} do not mention {noun} {shown}: "
                                        "the flow changed after it was compiled")
