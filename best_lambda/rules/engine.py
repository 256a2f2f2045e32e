"""Evaluate rules over templates in one pass and collect the violations.

This is the only engine: the cdk-nag pack, the enforcing Aspect and tests are thin fronts
over :func:`evaluate`. It reads plain dicts and never calls into aws-cdk-lib.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from best_lambda.rules.conditions import World, describe
from best_lambda.rules.framework import framework_component
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity, Status
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex, Unresolved

__all__ = [
    "FRAMEWORK_RULE_ID",
    "Report",
    "RuleFailure",
    "TemplateInput",
    "Violation",
    "evaluate",
    "evaluate_template",
    "judge",
]

FRAMEWORK_RULE_ID = "BestLambda-CdkFrameworkFunction"


@dataclass(frozen=True)
class TemplateInput:
    """One template to check.

    Parameters
    ----------
    name
        How reports refer to the template (stack artifact ID or file name).
    template
        The parsed template.
    paths
        Logical ID -> construct path, when known from the cloud assembly (the template's
        own ``aws:cdk:path`` metadata is used otherwise).
    assets
        Looks up local asset sizes for ``BestLambda-AssetSize`` (see
        :class:`best_lambda.rules.assets.AssetCatalog`).
    """

    name: str
    template: Mapping[str, Any]
    paths: Mapping[str, str] = field(default_factory=dict)
    assets: Any = None


@dataclass(frozen=True)
class Violation:
    """One finding of one rule on one resource (non-compliant or unknown)."""

    rule: Rule
    finding_id: str
    severity: Severity
    status: Status
    detail: str
    template: str
    logical_id: str
    path: str | None

    @property
    def description(self) -> str:
        """The rule's one-line message, the specific detail, and the ID to acknowledge."""
        return f"[{self.finding_id}] {self.rule.message} {self.detail}".strip()

    @property
    def location(self) -> str:
        """Construct path when known, else ``template:LogicalId``."""
        return self.path or f"{self.template}:{self.logical_id}"


@dataclass(frozen=True)
class RuleFailure:
    """A rule that raised on a resource: a bug in best-lambda, reported as UNKNOWN.

    The engine's safety net turns the exception into an "unknown" finding so that one bug
    cannot hide the rest of the report; this record keeps the event visible to tests and
    tools (``Report.failures``).
    """

    rule_id: str
    template: str
    logical_id: str
    error: str


@dataclass(frozen=True)
class Report:
    """Everything one evaluation found.

    ``failures`` lists the rules that raised (each also reported as an UNKNOWN violation);
    it is empty unless best-lambda has a bug.
    """

    violations: tuple[Violation, ...]
    templates: int
    resources: int
    outcomes: Mapping[Status, int]
    #: (template name, logical ID, rule ID) -> outcome, when ``evaluate(record=True)``
    #: (the audit's scorecard shows compliant and not-applicable results too).
    statuses: Mapping[tuple[str, str, str], Status] = field(default_factory=dict)
    failures: tuple[RuleFailure, ...] = ()

    @property
    def errors(self) -> tuple[Violation, ...]:
        """Error-level violations (these fail synthesis)."""
        return tuple(v for v in self.violations if v.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Violation, ...]:
        """Warning-level violations, including values that could not be checked."""
        return tuple(v for v in self.violations if v.severity is Severity.WARNING)

    def format(self) -> str:
        """A readable, stable, multi-line report (each rule's fix once).

        Presentation lives in :mod:`best_lambda.report.text`; this stays for callers of
        the engine alone.
        """
        from best_lambda.report.text import format_report

        return format_report(self)


def evaluate_template(
    index: TemplateIndex,
    rules: Sequence[Rule],
    options: CheckOptions,
    *,
    paths: Mapping[str, str] | None = None,
    outcomes: Counter[Status] | None = None,
    statuses: dict[tuple[str, str, str], Status] | None = None,
    failures: list[RuleFailure] | None = None,
) -> list[Violation]:
    """Run ``rules`` over one indexed template; return its violations.

    Several findings of one result with the same ID on the same resource become one
    violation that lists them all (a rule may find more than one problem at once).
    """
    paths = paths or {}
    violations: list[Violation] = []
    seen: set[tuple[str, str]] = set()
    for rule in rules:
        for rtype in sorted(rule.resource_types):
            for resource in index.of_type(rtype):
                result = _run(rule, resource, index, options, failures)
                if outcomes is not None:
                    outcomes[result.status] += 1
                if statuses is not None:
                    statuses[index.name, resource.logical_id, rule.id] = result.status
                if result.status not in (Status.NON_COMPLIANT, Status.UNKNOWN):
                    continue
                for finding in _combined(rule, result.findings):
                    violation = _violation(rule, result.status, finding, resource, index, paths)
                    key = (violation.finding_id, violation.logical_id)
                    if key not in seen:
                        seen.add(key)
                        violations.append(violation)
    return violations


def _combined(rule: Rule, findings: Sequence[Finding]) -> list[Finding]:
    """One finding per (ID, resource): several problems are listed in one message."""
    groups: dict[tuple[str, str | None], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((rule.finding_id(finding), finding.logical_id), []).append(finding)
    combined: list[Finding] = []
    for group in groups.values():
        messages = list(dict.fromkeys(f.message for f in group))
        if len(messages) == 1:
            combined.append(group[0])
            continue
        severities = [f.severity or rule.severity for f in group]
        worst = Severity.ERROR if Severity.ERROR in severities else Severity.WARNING
        listed = " ".join(f"({n}) {m}" for n, m in enumerate(messages, start=1))
        combined.append(
            Finding(
                f"{len(messages)} problems, each to be fixed: {listed}",
                suffix=group[0].suffix,
                severity=worst if worst is not rule.severity else None,
                logical_id=group[0].logical_id,
            )
        )
    return combined


def judge(rule: Rule, resource: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """One rule's result for one resource, with the engine's policy applied.

    Resources owned by aws-cdk-lib's own functions are not applicable (they are reported
    once each by ``BestLambda-CdkFrameworkFunction``) unless
    ``options.check_framework_functions``.

    Conditions are decided here, once for every rule: when the resource or its neighbours
    depend on conditions the template cannot decide, the rule is run once per consistent
    combination of them (:meth:`TemplateIndex.variants`), with every ``Fn::If`` taken and
    every ``AWS::NoValue`` removed, and the results are merged: non-compliant if any
    combination is (the finding names the conditions, e.g. "When IsProd is false: ..."),
    compliant only if every combination is compliant or not applicable, unknown past
    :data:`~best_lambda.rules.conditions.MAX_WORLDS` combinations. Exceptions from the
    check propagate.
    """
    if (
        rule.id != FRAMEWORK_RULE_ID
        and not options.check_framework_functions
        and (component := _component(resource, index))
    ):
        return Result.not_applicable(f"owned by aws-cdk-lib ({component})")
    worlds = index.variants(resource.logical_id)
    if worlds is None:
        return rule.check(resource, index, options)
    if isinstance(worlds, Unresolved):
        return Result.unknown(worlds.reason)
    judged: list[tuple[World, Result]] = []
    for world in worlds:
        variant_index = index.in_world(world)
        variant = variant_index.get(resource.logical_id)
        if variant is not None:
            judged.append((world, rule.check(variant, variant_index, options)))
    return _merge(rule, judged)


def _merge(rule: Rule, judged: list[tuple[World, Result]]) -> Result:
    """One result from the results of every world the resource exists in."""
    if not judged:
        return Result.not_applicable("the resource exists under no combination of conditions")
    worlds = [w for w, _ in judged]
    for status in (Status.NON_COMPLIANT, Status.UNKNOWN):
        hits = [(w, r) for w, r in judged if r.status is status]
        if not hits:
            continue
        # The same finding (ID, resource, message) in several worlds is one finding that
        # names the worlds it holds in (nothing when it holds in all of them).
        seen: dict[tuple[str, str | None, str], tuple[list[World], list[Finding]]] = {}
        for world, result in hits:
            for finding in result.findings:
                key = (rule.finding_id(finding), finding.logical_id, finding.message)
                entry = seen.setdefault(key, ([], []))
                entry[0].append(world)
                entry[1].append(finding)
        findings: list[Finding] = []
        for (_, _, message), (where, found) in seen.items():
            when = describe(where, worlds)
            severities = [f.severity or rule.severity for f in found]
            worst = Severity.ERROR if Severity.ERROR in severities else Severity.WARNING
            findings.append(
                Finding(
                    f"{when[:1].upper()}{when[1:]}: {message}" if when else message,
                    suffix=found[0].suffix,
                    severity=found[0].severity if len(set(severities)) == 1 else worst,
                    logical_id=found[0].logical_id,
                )
            )
        if status is Status.NON_COMPLIANT:
            return Result.non_compliant(*findings)
        reasons = []
        for world, result in hits:
            when = describe([world], worlds)
            reasons.append(f"{when}: {result.reason}" if when else result.reason)
        return Result(Status.UNKNOWN, tuple(findings), "; ".join(dict.fromkeys(reasons)))
    compliant = [r for _, r in judged if r.status is Status.COMPLIANT]
    if compliant:
        return Result.compliant()
    return judged[0][1]


def _component(resource: Resource, index: TemplateIndex) -> str | None:
    """:func:`framework_component`, computed once per resource of the template."""
    cache: dict[str, str | None] = index.memo("engine.framework_components", dict)
    if resource.logical_id not in cache:
        cache[resource.logical_id] = framework_component(resource)
    return cache[resource.logical_id]


def _run(
    rule: Rule,
    resource: Resource,
    index: TemplateIndex,
    options: CheckOptions,
    failures: list[RuleFailure] | None,
) -> Result:
    try:
        return judge(rule, resource, index, options)
    except Exception as exc:  # a bug in a rule must not hide the resource
        if failures is not None:
            failures.append(
                RuleFailure(
                    rule.id, index.name, resource.logical_id, f"{type(exc).__name__}: {exc}"
                )
            )
        return Result.unknown(
            f"{rule.id} failed on this resource ({type(exc).__name__}: {exc}); "
            "please report this to best-lambda"
        )


def _violation(
    rule: Rule,
    status: Status,
    finding: Finding,
    resource: Resource,
    index: TemplateIndex,
    paths: Mapping[str, str],
) -> Violation:
    logical_id = finding.logical_id or resource.logical_id
    owner = index.get(logical_id) or resource
    severity = Severity.WARNING if status is Status.UNKNOWN else (finding.severity or rule.severity)
    return Violation(
        rule=rule,
        finding_id=rule.finding_id(finding),
        severity=severity,
        status=status,
        detail=finding.message,
        template=index.name,
        logical_id=logical_id,
        path=paths.get(logical_id) or owner.path,
    )


def evaluate(
    templates: Iterable[TemplateInput | Mapping[str, Any]],
    *,
    rules: Sequence[Rule] | None = None,
    options: CheckOptions | None = None,
    record: bool = False,
) -> Report:
    """Evaluate rules over templates.

    Parameters
    ----------
    templates
        :class:`TemplateInput` objects, or bare template dicts.
    rules
        Which rules to run (default: every registered rule).
    options
        Thresholds (default: :class:`CheckOptions` defaults).
    record
        Keep every rule's outcome per resource in :attr:`Report.statuses`.

    Examples
    --------
    >>> report = evaluate([{"Resources": {"Fn": {"Type": "AWS::Lambda::Function",
    ...     "Properties": {"Runtime": "python3.13", "Handler": "x.h", "Role": "arn"}}}}])
    >>> "BestLambda-TracingActive" in {v.rule.id for v in report.errors}
    True
    """
    if rules is None:
        from best_lambda.rules.registry import ALL_RULES

        rules = ALL_RULES
    options = options or CheckOptions()
    violations: list[Violation] = []
    outcomes: Counter[Status] = Counter()
    statuses: dict[tuple[str, str, str], Status] | None = {} if record else None
    failures: list[RuleFailure] = []
    count = resources = 0
    for item in templates:
        count += 1
        tpl = item if isinstance(item, TemplateInput) else TemplateInput(f"template{count}", item)
        index = TemplateIndex(tpl.template, name=tpl.name)
        index.assets = tpl.assets
        resources += len(index.resources) + len(index.inactive)
        violations += evaluate_template(
            index,
            rules,
            options,
            paths=tpl.paths,
            outcomes=outcomes,
            statuses=statuses,
            failures=failures,
        )
    return Report(
        tuple(violations), count, resources, dict(outcomes), statuses or {}, tuple(failures)
    )
