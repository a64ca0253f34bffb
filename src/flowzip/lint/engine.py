"""The lint engine: rules, findings, the context rules read from, and the run itself.

Rules are written as sqlfluff writes them: one module per rule under
:mod:`flowzip.lint.rules`, a class with a stable ``code``, a dotted ``name``, a
``family``, a default ``severity`` and a docstring showing a bad and a good
example (the docs page for the rule is generated from it).  A rule's
``check(context)`` yields :class:`Finding` objects; it never changes anything.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import operator
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cached_property
from typing import Any, ClassVar, TypeVar

from ..document.jobs import job_body
from ..document.pipeline import LinkCounts, iter_nodes, typed_link_counts
from ..document.references import Reference, node_references
from ..errors import FlowzipError
from ..model.archive import Archive
from ..model.reading import read_member
from ..package.store import Member
from . import rules

SEVERITIES = ("error", "warning", "info")
T = TypeVar("T")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: which rule, how bad, where (archive, member, flow, stage) and what to do."""

    code: str
    name: str
    severity: str
    message: str
    archive: str | None = None
    member: str | None = None
    asset_type: str | None = None
    flow: str | None = None
    stage: str | None = None
    stage_id: str | None = None

    def __reduce__(self) -> tuple[type[Finding], tuple[str | None, ...]]:
        # Findings come back from worker processes by the ten thousand: as their fields, faster than the generic
        # pickling of a slotted dataclass.
        return (Finding, _FINDING_FIELDS(self))

    def identity(self) -> tuple[str, ...]:
        """What identifies the finding across runs: rule, asset, flow, stage id and message; never a line."""
        return (self.code, self.member or "", self.flow or "", self.stage_id or self.stage or "", self.message)

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256("\x1f".join(self.identity()).encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["fingerprint"] = self.fingerprint
        return data


_FINDING_FIELDS = operator.attrgetter(*(f.name for f in fields(Finding)))


class Rule:
    """Base class of a lint rule; subclasses set the class attributes and implement :meth:`check`."""

    code: ClassVar[str]
    name: ClassVar[str]
    family: ClassVar[str]
    severity: ClassVar[str] = "warning"
    #: In the default selection ("DEFAULT"); expensive rules are opt-in.
    default: ClassVar[bool] = True

    def check(self, context: Context) -> Iterable[Finding]:
        """Archive-level findings (after every flow was seen)."""
        return ()

    def check_flow(self, context: Context, flow: FlowDoc) -> Iterable[Finding]:
        """Findings in one flow, subflow or orchestration flow (parsed once for every rule)."""
        return ()

    def check_bytes(self, context: Context, member: Any, data: bytes) -> Iterable[Finding]:
        """Findings in the bytes of one JSON member (read once for every rule)."""
        return ()

    def check_unreadable(self, context: Context, member: Member, reason: str) -> Iterable[Finding]:
        """Findings about a member the engine could not read, parse or recognise (*reason* says why)."""
        return ()

    def check_unopened(self, label: str, error: FlowzipError) -> Iterable[Finding]:
        """Findings about an archive that cannot be opened at all (*error* says why)."""
        return ()

    def finding(self, message: str, *, severity: str | None = None, **where: Any) -> Finding:
        return Finding(self.code, self.name, severity or self.severity, message, **where)

    def flow_finding(self, flow: FlowDoc, message: str, *, stage: str | None = None, stage_id: str | None = None,
                     severity: str | None = None) -> Finding:
        """A finding in *flow* (its archive, member, kind and name filled in), at *stage* when given."""
        return Finding(self.code, self.name, severity or self.severity, message, flow.archive, flow.member.name,
                       flow.kind, flow.name, stage, stage_id)

    @classmethod
    def summary(cls) -> str:
        """The docstring's first paragraph, on one line."""
        first = inspect.cleandoc(cls.__doc__ or cls.name).split("\n\n", 1)[0]
        return " ".join(first.split())


@dataclass
class FlowDoc:
    """A flow, subflow or orchestration flow of the archive, parsed once for every rule."""

    member: Any
    name: str
    kind: str  # data_intg_flow, data_intg_subflow, orchestration_flow
    document: dict[str, Any]
    raw: bytes = b""
    archive: str | None = None

    @property
    def where(self) -> dict[str, Any]:
        return {"archive": self.archive, "member": self.member.name, "asset_type": self.kind, "flow": self.name}

    # The walk every flow rule shares (issue 17: one traversal of each flow feeds every rule). Each view is
    # computed once, the first time a rule asks for it, and dropped with the flow.

    @cached_property
    def stages(self) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(pipeline, node) for every node of every pipeline."""
        return list(iter_nodes(self.document))

    def nodes(self) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
        """(pipeline, node) for every node of every pipeline."""
        return iter(self.stages)

    @cached_property
    def references(self) -> list[tuple[dict[str, Any], list[Reference]]]:
        """(node, the assets it names) for every node that names one (connections, subflows, custom stages)."""
        found = []
        for _, node in self.stages:
            named = list(node_references(node))
            if named:
                found.append((node, named))
        return found

    def link_counts(self, pipeline: dict[str, Any]) -> dict[Any, LinkCounts]:
        """Per node id of *pipeline*, its links by type (:func:`typed_link_counts`)."""
        return self.shared(f"link counts {id(pipeline)}", lambda: typed_link_counts(pipeline))

    def shared(self, name: str, compute: Callable[[], T]) -> T:
        """What *compute* gives, computed once for this flow whichever rule asks first (the rules of a family
        share the work: the integrity check, the schema validation, the referenced parameter names)."""
        if name not in self._shared:
            self._shared[name] = compute()
        return self._shared[name]

    @cached_property
    def _shared(self) -> dict[str, Any]:
        return {}


class Context:
    """What rules read: the archive, its small JSON members parsed once, and what the flows declared.

    Flow documents are not kept: the engine parses each flow once, hands it to every
    flow rule, and lets it go, so linting thousands of flows stays within memory.
    """

    def __init__(self, archive: Archive, label: str) -> None:
        self.archive = archive
        self.label = label
        self.parsed: dict[str, Any] = {}
        #: Members that cannot be read, parsed or recognised, and why.
        self.unreadable: dict[str, str] = {}
        #: flow name -> names of the parameter sets, connections and subflows its document refers to
        self.flow_names: set[str] = {m.asset_name for m in archive.members_of_type("data_intg_flow")}

    def json(self, member: Any) -> Any:
        """A non-flow member's parsed JSON, or ``None`` when it cannot be read (reported by FZA002)."""
        if member.name in self.unreadable:
            return None
        if member.name not in self.parsed:
            # Read ahead of the scan (a flow rule asking for the parameter sets): the same reader decides.
            reading = read_member(member)
            if reading.error is not None:
                self.unreadable[member.name] = reading.error
                return None
            self.parsed[member.name] = reading.document
        return self.parsed[member.name]

    def members(self, type_: str) -> list[Member]:
        return self.archive.members_of_type(type_)

    @cached_property
    def asset_names(self) -> dict[str, set[str]]:
        names: dict[str, set[str]] = {}
        for member in self.archive.members:
            if member.asset_name:
                names.setdefault(member.type, set()).add(member.asset_name)
        return names

    @cached_property
    def parameter_sets(self) -> dict[str, dict[str, Any]]:
        """Parameter-set name → its ``parameter_set`` body."""
        found = {}
        for member in self.members("parameter_set"):
            doc = self.json(member)
            if isinstance(doc, dict) and isinstance(doc.get("parameter_set"), dict):
                found[member.asset_name] = doc["parameter_set"]
        return found

    @cached_property
    def jobs(self) -> list[tuple[Any, dict[str, Any]]]:
        found = []
        for member in self.members("job"):
            body = job_body(self.json(member))
            if body is not None:
                found.append((member, body))
        return found


# --------------------------------------------------------------------------- discovery


def all_rules() -> list[type[Rule]]:
    """Every rule class in :mod:`flowzip.lint.rules`, by code."""
    found: list[type[Rule]] = []
    for info in pkgutil.walk_packages(rules.__path__, rules.__name__ + "."):
        if info.ispkg:
            continue  # a family's folder; its rules are the modules inside
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value is not Rule and getattr(
                    value, "code", None) and value.__module__ == module.__name__:
                found.append(value)
    return sorted(found, key=lambda r: r.code)


@dataclass
class LintResult:
    """What one lint run found, per archive, after configuration and baseline."""

    findings: list[Finding] = field(default_factory=list)
    archives: list[str] = field(default_factory=list)
    unused_ignores: list[dict[str, Any]] = field(default_factory=list)
    fixed_baseline: list[dict[str, Any]] = field(default_factory=list)
    rules: list[type[Rule]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {severity: 0 for severity in SEVERITIES}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts

    def exit_code(self, fail_on: str = "error") -> int:
        threshold = SEVERITY_RANK[fail_on]
        return 1 if any(SEVERITY_RANK[f.severity] >= threshold for f in self.findings) else 0


def with_severity(finding: Finding, severity: str) -> Finding:
    return replace(finding, severity=severity)
