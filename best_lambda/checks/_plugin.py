"""What every front does with one validation callback: load, evaluate, acknowledge, report.

One callback per synthesis, one pass of the engine over plain dicts: the cost does not
depend on how many rules there are or how many constructs the app has (see
``benchmarks/synth.py``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk

from best_lambda.checks._assembly import ACK_METADATA, Acknowledgements, load_stacks
from best_lambda.rules.engine import Report, Violation, evaluate
from best_lambda.rules.model import Rule, Severity
from best_lambda.rules.options import CheckOptions

__all__ = [
    "CheckRun",
    "check_options",
    "check_settings",
    "collect_stage_acknowledgements",
    "has_pack",
    "note_pack",
    "run_checks",
    "select_rules",
    "to_cdk_report",
]

PLUGIN_NAME = "BestLambda"

#: Apps with a BestLambdaChecks pack, by id (jsii keeps those objects alive, and the
#: identity check guards against reuse): the enforcing Aspect defers to the pack there.
_PACK_ROOTS: dict[int, Any] = {}


def note_pack(root: Any) -> None:
    """Remember that ``root`` runs the BestLambda rules through a BestLambdaChecks pack."""
    _PACK_ROOTS[id(root)] = root


def has_pack(root: Any) -> bool:
    """Whether :func:`note_pack` was called for ``root``."""
    return _PACK_ROOTS.get(id(root)) is root


@dataclass
class CheckRun:
    """The outcome of one validation: what was found, what was acknowledged (and why)."""

    report: Report
    violations: list[Violation] = field(default_factory=list)
    acknowledged: list[tuple[Violation, str]] = field(default_factory=list)
    template_paths: dict[str, str] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        """No unacknowledged error-level finding (warnings are reported, not fatal)."""
        return not any(v.severity is Severity.ERROR for v in self.violations)


def check_options(**kwargs: Any) -> CheckOptions:
    """:class:`CheckOptions` from the fronts' keyword arguments (``None`` = the default)."""
    return CheckOptions(**{k: v for k, v in kwargs.items() if v is not None})


def select_rules(rule_ids: Sequence[str] | None) -> tuple[Rule, ...]:
    """The registered rules, or the subset named by ``rule_ids`` (unknown IDs are an error)."""
    from best_lambda.rules.registry import ALL_RULES, RULES_BY_ID

    if rule_ids is None:
        return ALL_RULES
    if isinstance(rule_ids, str):
        raise TypeError("rules= takes a list of rule IDs, not one string")
    unknown = sorted(set(rule_ids) - set(RULES_BY_ID))
    if unknown:
        raise ValueError(f"unknown BestLambda rule IDs {unknown}; known: {sorted(RULES_BY_ID)}")
    return tuple(RULES_BY_ID[i] for i in rule_ids)


def check_settings(
    *, rules: Sequence[str] | None, **options: Any
) -> tuple[CheckOptions, tuple[Rule, ...]]:
    """The options and rules both fronts build from their keyword arguments."""
    return check_options(**options), select_rules(rules)


def collect_stage_acknowledgements(app_construct: Any, acks: Acknowledgements) -> None:
    """Add acknowledgements made on the App and on Stages (above any stack).

    Stacks' own acknowledgements come from the assembly's metadata files; this walks only
    App -> Stages, never into a stack, so it costs a handful of jsii calls.
    """
    if app_construct is None:
        return
    pending = [app_construct]
    while pending:
        node = pending.pop()
        for entry in node.node.metadata:
            if entry.type == ACK_METADATA and isinstance(entry.data, dict):
                acks.add(node.node.path, entry.data)
        pending.extend(child for child in node.node.children if isinstance(child, cdk.Stage))


def run_checks(
    template_paths: Iterable[str],
    *,
    app_construct: Any,
    options: CheckOptions,
    rules: Sequence[Rule],
    stack_paths: Collection[str] | None = None,
) -> CheckRun:
    """Evaluate ``rules`` over the templates and split findings by acknowledgement.

    ``stack_paths`` limits the check to those stacks (construct paths); ``None`` checks all.
    """
    acks = Acknowledgements()
    stacks = load_stacks(template_paths, acks)
    if stack_paths is not None:
        wanted = {p.strip("/") for p in stack_paths}
        stacks = [s for s in stacks if s.stack_path.strip("/") in wanted]
    collect_stage_acknowledgements(app_construct, acks)
    report = evaluate([s.as_template_input() for s in stacks], rules=rules, options=options)
    run = CheckRun(report=report, template_paths={s.stack_path: s.template_path for s in stacks})
    for violation in report.violations:
        reason = acks.reason(violation.finding_id, violation.path or "")
        if reason is None:
            run.violations.append(violation)
        else:
            run.acknowledged.append((violation, reason))
    return run


def to_cdk_report(run: CheckRun, *, verbose: bool = False) -> cdk.PolicyValidationPluginReport:
    """The CDK policy-validation report of a run (one violation per finding and resource)."""
    violations = []
    for v in run.violations:
        description = f"{v.description} {v.rule.explanation}" if verbose else v.description
        violations.append(
            cdk.PolicyViolation(
                rule_name=v.finding_id,
                description=description,
                fix=v.rule.explanation,
                severity=v.severity.value,
                rule_metadata={"rule": v.rule.id, "status": v.status.value},
                violating_resources=[
                    cdk.PolicyViolatingResource(
                        construct_path=v.path,
                        resource_logical_id=v.logical_id,
                        template_path=run.template_paths.get(v.template, ""),
                        locations=["Properties"],
                    )
                ],
            )
        )
    return cdk.PolicyValidationPluginReport(success=run.success, violations=violations)
