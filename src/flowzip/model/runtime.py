"""Runtime settings and runtime parameters: what the SDK keeps on the job, offline in the job member.

The SDK stores a flow's environment, warning limit, retention and runtime
parameter values on the job it creates, never in the flow JSON (format.md §5.1,
§5.2, example ``06c``).  In an archive the job member is where they live:

* ``configuration.env_id``, ``configuration.flow_limits.warn_limit``;
* ``retention_policy`` = ``{"days": N}``, ``{"amount": N}`` or ``{ }``;
* ``parameter_sets[] = {name, ref, value_set}`` selects value sets;
* ``job_parameters[] = {name: "<set>.<param>" | "<local>", value}`` overrides values.

A flow's job is found through the manifest's ``flow_job_mapping`` and the jobs'
``flow_name`` / ``asset_ref``, never by guessing from file names.  Edits are
written to the job member at once and keep its other keys and its file style.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..document.jobs import job_body, new_job_document
from ..document.parameters import INT
from ..errors import FlowzipError, NotFoundError, SettingsError
from ..suggest import closest
from .relations import jobs_of_flow

if TYPE_CHECKING:
    from .archive import Archive
    from .assets import Job, ParameterSet
    from .flow import Flow

__all__ = ["RuntimeSettings", "RuntimeParameter", "ParameterReference", "job_for_flow", "parameter_set_in_archive"]

_UNSET = object()


# --------------------------------------------------------------------------- finding the job


def job_for_flow(archive: Archive, flow: Flow) -> Job | None:
    """The flow's job: the first of the jobs that run it (:func:`flowzip.model.relations.jobs_of_flow`)."""
    found = jobs_of_flow(archive, flow.name, lambda: flow.id)
    return archive.jobs.get(name=found[0].asset_name) if found else None


def _new_job(archive: Archive, flow: Flow) -> Job:
    """Create ``job/<flow>.DataStage job.json`` in the shape real exports have, and list it in the manifest."""
    manifest = archive.manifest
    doc = new_job_document(flow.name, asset_ref=flow.flow_id,
                           project_name=manifest.project_name if manifest is not None else None)
    name = doc["metadata"]["name"]
    member = archive.write_json(f"job/{name}.json", doc)
    if manifest is not None:
        manifest.add_asset(name, "job")
        manifest.map_job(flow.name, name)
    return archive.jobs.get(name=member.asset_name)


# --------------------------------------------------------------------------- settings


def _as_int(value: Any) -> Any:
    """A stored number, as an int when it is one written as text (``"100"``)."""
    if isinstance(value, str) and INT.match(value.strip()):
        return int(value)
    return value


def _positive_or_none(name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise SettingsError(f"{name} must be a whole number greater than 0, not {value!r}")
    if value <= 0:
        raise SettingsError(f"{name} must be greater than 0, not {value}")
    return value


class RuntimeSettings:
    """``flow.configuration``: environment, warn limit and retention, kept in the flow's job."""

    _FIELDS = ("environment", "warn_limit", "retention_days", "retention_amount")

    def __init__(self, archive: Archive, flow: Flow) -> None:
        object.__setattr__(self, "_archive", archive)
        object.__setattr__(self, "_flow", flow)

    def __repr__(self) -> str:
        return "RuntimeSettings(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self._FIELDS) + ")"

    @property
    def job(self) -> Job | None:
        return job_for_flow(self._archive, self._flow)

    def _job_body(self) -> dict[str, Any]:
        job = self.job
        return job.job if job is not None else {}

    # -- reading
    @property
    def environment(self) -> str | None:
        env_id = (self._job_body().get("configuration") or {}).get("env_id")
        if not env_id:
            return None
        for name in self.known_environments():
            if env_id == name or env_id.startswith(name + "-"):
                return name  # the SDK writes "<environment>-<project id>" (format.md §5.1)
        project_id = self._project_id()
        if project_id and env_id.endswith("-" + project_id):
            return env_id[: -len(project_id) - 1]
        return env_id

    @property
    def warn_limit(self) -> int | None:
        limits = (self._job_body().get("configuration") or {}).get("flow_limits") or {}
        return _as_int(limits.get("warn_limit")) if isinstance(limits, dict) else None

    @property
    def retention_days(self) -> int | None:
        return _as_int((self._job_body().get("retention_policy") or {}).get("days"))

    @property
    def retention_amount(self) -> int | None:
        return _as_int((self._job_body().get("retention_policy") or {}).get("amount"))

    def as_dict(self) -> dict[str, Any]:
        job = self.job
        return {"job": job.name if job else None, **{k: getattr(self, k) for k in self._FIELDS}}

    def known_environments(self) -> list[str]:
        """Names of the environment definitions the archive holds (``environment/<name>.json``)."""
        names = []
        for member in self._archive.members_of_type("environment"):
            try:
                doc = member.json()
            except FlowzipError:
                continue
            names.append(doc.get("name") if isinstance(doc, dict) and doc.get("name") else member.asset_name)
        return names

    # -- writing
    def __setattr__(self, name: str, value: Any) -> None:
        if name not in self._FIELDS:
            raise AttributeError(f"runtime settings have no {name!r}; they are {', '.join(self._FIELDS)}")
        self.update(**{name: value})

    def update(self, *, environment: Any = _UNSET, warn_limit: Any = _UNSET, retention_days: Any = _UNSET,
               retention_amount: Any = _UNSET) -> None:
        """Validate every given value first, then write them all to the job (created if absent).

        A value equal to the current one changes nothing, so a no-op update leaves
        the job's bytes as they were (real jobs sometimes store ``"100"`` as text).
        """
        current = {"environment": self.environment, "warn_limit": self.warn_limit,
                   "retention_days": self.retention_days, "retention_amount": self.retention_amount}
        given = {"environment": environment, "warn_limit": warn_limit, "retention_days": retention_days,
                 "retention_amount": retention_amount}
        unchanged = {k for k, v in given.items() if v is not _UNSET and type(v) is type(current[k])
                     and v == current[k]}
        if unchanged and all(v is _UNSET or k in unchanged for k, v in given.items()):
            return
        if "environment" in unchanged:
            environment = _UNSET
        if "warn_limit" in unchanged:
            warn_limit = _UNSET
        days = self.retention_days if retention_days is _UNSET else _positive_or_none("retention_days",
                                                                                     retention_days)
        amount = self.retention_amount if retention_amount is _UNSET else _positive_or_none("retention_amount",
                                                                                           retention_amount)
        if retention_days is not _UNSET or retention_amount is not _UNSET:
            if days is not None and amount is not None:
                other = "retention_amount" if retention_days is not _UNSET else "retention_days"
                raise SettingsError("retention_days and retention_amount cannot both be set",
                                    hint=f"clear {other} in the same change")
        if warn_limit is not _UNSET:
            warn_limit = _positive_or_none("warn_limit", warn_limit)
        env_id = None
        if environment is not _UNSET and environment is not None:
            if not isinstance(environment, str) or not environment.strip():
                raise SettingsError(f"environment must be a non-empty name, not {environment!r}")
            known = self.known_environments()
            if known and environment not in known:
                guess = closest(environment, known)
                raise SettingsError(f"unknown environment {environment!r}; the archive defines {', '.join(known)}",
                                    hint=f"did you mean {guess!r}?" if guess else None)
            project_id = self._project_id()
            env_id = f"{environment}-{project_id}" if project_id else environment
        job = self.job or _new_job(self._archive, self._flow)
        doc = job.member.json()
        body = job_body(doc)
        configuration = body.get("configuration")
        if not isinstance(configuration, dict):
            configuration = body["configuration"] = {}
        if environment is not _UNSET:
            if env_id is None:
                configuration.pop("env_id", None)
            else:
                configuration["env_id"] = env_id
                if not configuration.get("env_type"):
                    configuration["env_type"] = "datastage"
        if warn_limit is not _UNSET:
            if warn_limit is None:
                limits = configuration.get("flow_limits")
                if isinstance(limits, dict):
                    limits.pop("warn_limit", None)  # the SDK omits the key for None (format.md §5.1)
            else:
                configuration.setdefault("flow_limits", {})["warn_limit"] = warn_limit
        if retention_days is not _UNSET or retention_amount is not _UNSET:
            policy = {"days": days} if days is not None else {"amount": amount} if amount is not None else {}
            if body.get("retention_policy") != policy and not (policy == {} and body.get("retention_policy") is None):
                body["retention_policy"] = policy
        job.member.set_json(doc)

    def _project_id(self) -> str | None:
        manifest = self._archive.manifest
        return manifest.project_id if manifest is not None else None


# --------------------------------------------------------------------------- runtime parameters


@dataclass(frozen=True)
class RuntimeParameter:
    """The value a parameter takes when the flow's job runs, and where it comes from."""

    name: str  # "<set>.<param>" or "<local>"
    value: Any
    source: str  # "job", "value set <name>", "default"
    parameter_set: str | None
    type: str


@dataclass(frozen=True)
class ParameterReference:
    """A ``#...#`` reference found in a flow, and whether it resolves."""

    text: str
    kind: str  # "set", "local" or "environment"
    resolves: bool
    stage: str | None
    path: str

    @property
    def name(self) -> str:
        return self.text.strip("#")


def parameter_set_in_archive(archive: Archive, name: str) -> ParameterSet:
    try:
        return archive.parameter_sets.get(name=name)
    except NotFoundError:
        raise SettingsError(f"parameter set {name!r} is not in the archive",
                            hint="add its parameter_set/<name>.json to the archive to set its values") from None
