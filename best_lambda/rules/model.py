"""The rule model: what a rule is, what a check returns, what a report holds.

A rule is data plus one pure function. The function reads one CloudFormation resource
(and, through the template index, its neighbours) and returns a :class:`Result`; it never
touches aws-cdk-lib, the file system or the clock (the clock comes in through
:class:`~best_lambda.rules.options.CheckOptions`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from best_lambda.rules.options import CheckOptions
    from best_lambda.rules.template import TemplateIndex

__all__ = [
    "Check",
    "Finding",
    "Resource",
    "Result",
    "Rule",
    "Severity",
    "Status",
]


class Severity(enum.Enum):
    """How bad a finding is. Errors fail synthesis; warnings are reported."""

    ERROR = "error"
    WARNING = "warning"


class Status(enum.Enum):
    """The four outcomes of one rule on one resource."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non-compliant"
    NOT_APPLICABLE = "not-applicable"
    #: The value the rule needs cannot be resolved from the template (a parameter, an
    #: import, a condition). Reported as a warning, never silently passed.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Finding:
    """One concrete problem a check found.

    Parameters
    ----------
    message
        What is wrong with this resource, specifically (values included).
    suffix
        For granular rules: a stable key (an action name, a property), never an ARN or a
        hashed logical ID. The reported ID becomes ``<rule id>[<suffix>]``.
    severity
        Overrides the rule's severity for this finding (e.g. "within 180 days of
        deprecation" is a warning of an error-level rule).
    logical_id
        The resource the finding belongs to, when it is not the resource being checked
        (e.g. the IAM policy that holds a wildcard statement).
    """

    message: str
    suffix: str | None = None
    severity: Severity | None = None
    logical_id: str | None = None


@dataclass(frozen=True)
class Result:
    """What a check returns for one resource."""

    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str = ""

    @classmethod
    def compliant(cls) -> Result:
        """The resource follows the practice."""
        return cls(Status.COMPLIANT)

    @classmethod
    def not_applicable(cls, reason: str) -> Result:
        """The practice does not apply to this resource; say why."""
        return cls(Status.NOT_APPLICABLE, reason=reason)

    @classmethod
    def unknown(cls, reason: str) -> Result:
        """The check cannot decide from the template; say what could not be resolved."""
        return cls(Status.UNKNOWN, (Finding(f"Could not be checked: {reason}"),), reason)

    @classmethod
    def non_compliant(cls, *findings: Finding) -> Result:
        """The resource breaks the practice; at least one finding says how."""
        if not findings:
            raise ValueError("a non-compliant result needs at least one finding")
        return cls(Status.NON_COMPLIANT, tuple(findings))

    @classmethod
    def from_findings(cls, findings: list[Finding]) -> Result:
        """Compliant when ``findings`` is empty, otherwise non-compliant."""
        return cls.non_compliant(*findings) if findings else cls.compliant()


@dataclass(frozen=True)
class Resource:
    """A read-only view of one CloudFormation resource."""

    logical_id: str
    type: str
    properties: dict[str, Any]
    metadata: dict[str, Any]
    raw: dict[str, Any]

    @property
    def path(self) -> str | None:
        """The CDK construct path (``aws:cdk:path`` metadata), when the template has it."""
        value = self.metadata.get("aws:cdk:path")
        return value if isinstance(value, str) else None

    def get(self, name: str, default: Any = None) -> Any:
        """Return a property, or ``default`` when absent or ``{"Ref": "AWS::NoValue"}``."""
        value = self.properties.get(name, default)
        if isinstance(value, dict) and value.get("Ref") == "AWS::NoValue":
            return default
        return value


Check = Callable[["Resource", "TemplateIndex", "CheckOptions"], Result]


@dataclass(frozen=True)
class Rule:
    """A best-practice rule: stable identity, documentation and one pure check.

    Parameters
    ----------
    id
        Public, stable ID, e.g. ``"BestLambda-TracingActive"``. Never derived from a file
        name; renaming one is a breaking change.
    severity
        The default severity of its findings.
    message
        One line saying what is wrong when the rule fires.
    explanation
        Why it matters and how to fix it.
    resource_types
        The CloudFormation types the check is called for.
    check
        The pure check.
    source
        The practice (``seeds/…``) or AWS limit the rule encodes.
    granular
        Whether findings carry suffixes (``<id>[<suffix>]``), acknowledged one by one.
    """

    id: str
    severity: Severity
    message: str
    explanation: str
    resource_types: frozenset[str]
    check: Check
    source: str
    granular: bool = False

    def finding_id(self, finding: Finding) -> str:
        """The reported (and acknowledgeable) ID of one finding."""
        return f"{self.id}[{finding.suffix}]" if finding.suffix else self.id
