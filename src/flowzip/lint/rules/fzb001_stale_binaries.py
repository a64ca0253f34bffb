from __future__ import annotations

from ...errors import FlowzipError
from ...package.limits import Limits
from ...package.zipformat import inflate, read_directory
from ..engine import Context, FlowDoc, Rule, node_label

NESTED_LIMITS = Limits(max_members=1000, max_total_bytes=256 << 20)


def osh_scripts(data: bytes, label: str) -> dict[str, str]:
    """The ``.osh`` scripts inside a compiled-binaries ZIP, by file name."""
    directory = read_directory(data, label, NESTED_LIMITS)
    return {entry.name: inflate(data, entry, NESTED_LIMITS, label).decode("utf-8", "replace")
            for entry in directory.entries if entry.name.endswith(".osh")}


class StaleBinaries(Rule):
    """The compiled binaries (``px_executables/<flow>.zip``) do not match their flow: a stage of the flow is
    missing from the OSH script (the flow was edited after it was compiled), or the script was compiled
    from another flow asset (format.md §7.8).

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
            if not scripts:
                continue
            text = "\n".join(scripts.values())
            missing = [node_label(n) for _, n in flow.nodes() if n.get("op") and node_label(n)
                       and node_label(n) not in text]
            if missing:
                shown = ", ".join(repr(m) for m in missing[:5])
                noun = "stages" if len(missing) > 1 else "stage"
                yield self.finding(f"the compiled binaries {member.name!r} do not mention {noun} {shown}: "
                                   "the flow changed after it was compiled", **flow.where)
