from __future__ import annotations

import re

from ....document.jobs import flow_name_of
from ...engine import Context, Rule

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


# Source: format.md §5.1.
class InvalidRuntimeSetting(Rule):
    """A job's runtime settings break the SDK's rules: ``warn_limit``, ``retention_days``
    and ``retention_amount`` are ints greater than 0; retention is by days or by amount, never both.

    When the archive defines runtime environments (``environment/<name>.json``), a job's ``env_id`` given by
    name must name one of them (a bare asset id, as exports often hold, cannot be checked offline).

    **Bad**: ``"retention_policy": {"days": 0}``, ``"flow_limits": {"warn_limit": -1}``,
    ``{"days": 5, "amount": 3}``, ``"env_id": "gone_env-<project>"`` when only ``default_datastage_px`` is defined.

    **Good**: ``flowzip settings set ... --warn-limit 20 --retention-days 15``.
    """

    code = "FZR001"
    name = "runtime.invalid-setting"
    family = "runtime"
    severity = "error"

    def check(self, context: Context):
        environments = []
        for member in context.members("environment"):
            doc = context.json(member)
            environments.append(doc.get("name") if isinstance(doc, dict) and doc.get("name") else member.asset_name)
        for member, body in context.jobs:
            where = {"member": member.name, "asset_type": "job", "flow": flow_name_of(body)}
            limits = (body.get("configuration") or {}).get("flow_limits") or {}
            problems = []
            if isinstance(limits, dict) and "warn_limit" in limits and not _positive(limits["warn_limit"]):
                problems.append(f"warn_limit {limits['warn_limit']!r} is not an int greater than 0")
            policy = body.get("retention_policy") or {}
            if isinstance(policy, dict):
                for key in ("days", "amount"):
                    if key in policy and policy[key] is not None and not _positive(policy[key]):
                        problems.append(f"retention {key} {policy[key]!r} is not an int greater than 0")
                if policy.get("days") is not None and policy.get("amount") is not None:
                    problems.append("retention is set both by days and by amount")
            env_id = (body.get("configuration") or {}).get("env_id")
            # Exported jobs often hold the environment's bare asset id, which no offline file resolves
            # (format.md §5.1); only names ("<name>" or "<name>-<project id>") are checked.
            if environments and isinstance(env_id, str) and env_id and not UUID.match(env_id) and not any(
                    env_id == e or env_id.startswith(e + "-") for e in environments):
                problems.append(f"environment {env_id!r} is none of those the archive defines "
                                f"({', '.join(environments)})")
            for problem in problems:
                yield self.finding(problem, **where)


def _positive(value: object) -> bool:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)  # real jobs store "100" as text
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
