from __future__ import annotations

from ....document.jobs import flow_name_of, runs_batch_flow
from ....model.relations import flow_of_job
from ...engine import Context, Rule


class OrphanJob(Rule):
    """A batch job whose flow the archive does not hold (``entity.job.flow_name``, else ``asset_ref_name``).

    **Bad**: ``job/load.DataStage job.json`` naming flow ``load`` after ``data_intg_flow/load.json`` was deleted.

    **Good**: delete the job with its flow (``flowzip flow rm --with-jobs``), or add the flow back.
    """

    code = "FZD005"
    name = "deps.orphan-job"
    family = "dependencies"
    severity = "warning"

    def check(self, context: Context):
        flows = context.asset_names.get("data_intg_flow", set())
        for member, body in context.jobs:
            if not runs_batch_flow(body):
                continue
            name = flow_of_job(context.archive, member) or flow_name_of(body)
            if name and name not in flows:
                yield self.finding(f"runs flow {name!r}, which the archive does not hold", member=member.name,
                                   asset_type="job", flow=name)
