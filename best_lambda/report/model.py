"""What an audit found, as plain data every writer reads (text, JSON, SARIF, JUnit, HTML).

An :class:`Audit` holds the templates checked, every finding (with its suppression, if an
acknowledgement or a baseline accepts it), the inputs that could not be read, and notices
about acknowledgements that accept nothing. Writers never call the engine.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from best_lambda.rules.engine import Violation
from best_lambda.rules.model import Rule, Severity, Status

__all__ = [
    "ACK_METADATA_KEY",
    "EXIT_FINDINGS",
    "EXIT_INPUT",
    "EXIT_OK",
    "EXIT_USAGE",
    "OUTCOMES",
    "Audit",
    "AuditFinding",
    "AuditTemplate",
    "InputProblem",
    "Suppression",
    "finding_counts",
    "fingerprint",
    "plural",
    "rule_anchor",
    "rules_url",
]

#: Exit codes of ``best-lambda audit`` (documented in the README and ``--help``).
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INPUT = 3

#: Resource (or template) ``Metadata`` key that acknowledges findings in plain templates:
#: ``Metadata: {best-lambda: {acknowledge: {<finding ID>: <reason>}}}``.
ACK_METADATA_KEY = "best-lambda"

FailLevel = Literal["error", "warning", "none"]

#: The outcomes of a rule on a resource, worst first: a finding's :attr:`AuditFinding.outcome`
#: is one of the first four; the scorecard shows the worst of a function's and its neighbours'.
OUTCOMES = ("error", "warning", "unknown", "accepted", "compliant", "n/a")


def plural(count: int, noun: str) -> str:
    """``1 error``, ``2 errors``.

    Examples
    --------
    >>> plural(1, "error"), plural(0, "warning")
    ('1 error', '0 warnings')
    """
    return f"{count} {noun}{'s' * (count != 1)}"


@dataclass(frozen=True)
class Suppression:
    """Why a finding does not count: an acknowledgement or a baseline entry, and its reason."""

    kind: Literal["acknowledgement", "baseline"]
    reason: str


@dataclass(frozen=True)
class InputProblem:
    """A path that could not be checked, and why."""

    path: str
    reason: str


@dataclass
class AuditTemplate:
    """One checked template.

    Attributes
    ----------
    name
        Unique name in this audit: a stack's construct path for assemblies, the file's
        path otherwise.
    file
        The template file, as shown (relative to the working folder when inside it).
    kind
        ``cdk-stack``, ``cdk-nested-stack``, ``cloudformation`` or ``sam``.
    resources
        How many resources it has (after SAM translation).
    functions
        Logical ID -> construct path (or logical ID) of each Lambda function.
    cells
        (function logical ID, rule ID) -> outcome, for the scorecard: one of
        :data:`OUTCOMES`.
    applied
        The rules that applied to at least one resource of the template.
    """

    name: str
    file: str
    kind: str
    resources: int
    functions: dict[str, str] = field(default_factory=dict)
    cells: dict[tuple[str, str], str] = field(default_factory=dict)
    applied: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class AuditFinding:
    """One finding of one rule on one resource, where it is, and whether it counts."""

    violation: Violation
    template: str
    file: str
    line: int | None
    construct_path: str | None
    resource_key: str
    suppression: Suppression | None = None

    @property
    def rule(self) -> Rule:
        """The rule that reported it."""
        return self.violation.rule

    @property
    def finding_id(self) -> str:
        """The ID to acknowledge (with a granular suffix when the rule has one)."""
        return self.violation.finding_id

    @property
    def severity(self) -> Severity:
        """``error`` or ``warning`` (unknown values are warnings)."""
        return self.violation.severity

    @property
    def status(self) -> Status:
        """Non-compliant, or unknown (the template cannot tell)."""
        return self.violation.status

    @property
    def outcome(self) -> str:
        """``accepted`` (suppressed), ``unknown``, else its severity: ``error`` or ``warning``."""
        if self.suppression is not None:
            return "accepted"
        if self.status is Status.UNKNOWN:
            return "unknown"
        return self.severity.value

    @property
    def logical_id(self) -> str:
        """The resource's logical ID in the (translated) template."""
        return self.violation.logical_id

    @property
    def message(self) -> str:
        """The rule's one-line message and this resource's detail."""
        return f"{self.rule.message} {self.violation.detail}".strip()

    @property
    def fingerprint(self) -> str:
        """Stable identity across runs (no line numbers, no file locations)."""
        return fingerprint(self.finding_id, self.template, self.resource_key)


def fingerprint(finding_id: str, template: str, resource: str) -> str:
    """A stable hash of what identifies a finding: its ID, template and resource.

    Examples
    --------
    >>> fingerprint("BestLambda-Arm64", "template.yaml", "Fn")[:12]
    '5423e5476d74'
    """
    text = "\x1f".join((finding_id, template, resource))
    return hashlib.sha256(text.encode()).hexdigest()


def rule_anchor(rule_id: str) -> str:
    """The RULES.md anchor of a rule (``BestLambda-Arm64`` -> ``bestlambda-arm64``)."""
    return rule_id.lower()


def rules_url(rule_id: str) -> str | None:
    """A link to the rule's section of RULES.md, if the package declares where it lives.

    The link is built from the installed package's ``Documentation`` or ``Repository``
    project URL; without one there is no link (reports still name ``RULES.md``).
    """
    from importlib import metadata  # only the SARIF report links rules (and it is slow)

    try:
        urls = metadata.metadata("best-lambda").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        return None
    found = dict(u.split(", ", 1) for u in urls if ", " in u)
    base = found.get("Rules") or found.get("Documentation") or found.get("Repository")
    if not base:
        return None
    if base.endswith(".md"):
        return f"{base}#{rule_anchor(rule_id)}"
    return f"{base.rstrip('/')}/blob/main/RULES.md#{rule_anchor(rule_id)}"


@dataclass
class Audit:
    """Everything one ``best-lambda audit`` run found.

    Attributes
    ----------
    templates
        The templates checked, in the order given.
    findings
        Every finding, suppressed ones included.
    problems
        Inputs that could not be read.
    notices
        Warnings about the run itself (acknowledgements that accept nothing, stale
        baseline entries).
    rules
        The rules that ran.
    fail_level
        ``error``, ``warning`` or ``none``.
    """

    templates: list[AuditTemplate] = field(default_factory=list)
    findings: list[AuditFinding] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    rules: tuple[Rule, ...] = ()
    fail_level: FailLevel = "error"

    @property
    def open_findings(self) -> list[AuditFinding]:
        """Findings that no acknowledgement or baseline accepts."""
        return [f for f in self.findings if f.suppression is None]

    @property
    def failing(self) -> list[AuditFinding]:
        """Open findings at or above the fail level."""
        if self.fail_level == "none":
            return []
        levels = {Severity.ERROR} | ({Severity.WARNING} if self.fail_level == "warning" else set())
        return [f for f in self.open_findings if f.severity in levels]

    @property
    def exit_code(self) -> int:
        """:data:`EXIT_INPUT` if an input could not be read, else findings, else OK."""
        if self.problems:
            return EXIT_INPUT
        return EXIT_FINDINGS if self.failing else EXIT_OK

    def counts(self) -> Mapping[str, int]:
        """Errors, warnings, acknowledged, baselined, resources, templates, problems."""
        return {
            "templates": len(self.templates),
            "resources": sum(t.resources for t in self.templates),
            **finding_counts(self.findings),
            "input_errors": len(self.problems),
        }

    def by_template(
        self, findings: Iterable[AuditFinding] | None = None
    ) -> dict[str, list[AuditFinding]]:
        """Template name -> its ``findings`` (default: every finding), in their order."""
        grouped: dict[str, list[AuditFinding]] = {}
        for finding in self.findings if findings is None else findings:
            grouped.setdefault(finding.template, []).append(finding)
        return grouped

    def summary(self) -> str:
        """One line: counts and the verdict at the fail level."""
        c = self.counts()
        parts = [plural(c["errors"], "error"), plural(c["warnings"], "warning")]
        if c["acknowledged"]:
            parts.append(f"{c['acknowledged']} acknowledged")
        if c["baselined"]:
            parts.append(f"{c['baselined']} in the baseline")
        text = (
            f"best-lambda: {', '.join(parts)} in {plural(c['resources'], 'resource')} of "
            f"{plural(c['templates'], 'template')}"
        )
        if c["input_errors"]:
            text += f"; {plural(c['input_errors'], 'input')} could not be checked"
        verdict = {0: "passed", 1: "failed", 3: "incomplete"}[self.exit_code]
        return f"{text} -> {verdict} (fail level: {self.fail_level})"


def finding_counts(findings: Iterable[AuditFinding]) -> dict[str, int]:
    """Open errors and warnings, acknowledged and baselined findings among ``findings``."""
    counts = dict.fromkeys(("errors", "warnings", "acknowledged", "baselined"), 0)
    for finding in findings:
        if finding.suppression is None:
            counts["errors" if finding.severity is Severity.ERROR else "warnings"] += 1
        elif finding.suppression.kind == "acknowledgement":
            counts["acknowledged"] += 1
        else:
            counts["baselined"] += 1
    return counts
