"""What the CDK fronts add to a pure :class:`~best_lambda.checks.run.CheckRun`.

Acknowledgements made on the App or a Stage are not written to the cloud assembly, so they
are read from the construct tree (a handful of jsii calls: App -> Stages, never into a
stack). A run becomes a CDK policy-validation report here, with each rule's fix once, not
once per finding, and a warning for each acknowledgement that accepts nothing.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk

from best_lambda.assembly.cloud import ACK_METADATA, Acknowledgements
from best_lambda.checks.run import PLUGIN_NAME, CheckRun

__all__ = [
    "ACK_NOTICE_RULE",
    "collect_stage_acknowledgements",
    "has_pack",
    "note_pack",
    "to_cdk_report",
]

#: The rule name under which acknowledgements that accept nothing are reported (warnings).
ACK_NOTICE_RULE = f"{PLUGIN_NAME}-Acknowledgement"

#: Apps with a BestLambdaChecks pack, by id (jsii keeps those objects alive, and the
#: identity check guards against reuse): the enforcing plugin defers to the pack there.
_PACK_ROOTS: dict[int, Any] = {}


def note_pack(root: Any) -> None:
    """Remember that ``root`` runs the BestLambda rules through a BestLambdaChecks pack."""
    _PACK_ROOTS[id(root)] = root


def has_pack(root: Any) -> bool:
    """Whether :func:`note_pack` was called for ``root``."""
    return _PACK_ROOTS.get(id(root)) is root


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


def to_cdk_report(run: CheckRun, *, verbose: bool = False) -> cdk.PolicyValidationPluginReport:
    """The CDK policy-validation report of a run (one violation per finding and resource).

    CDK prints every violation with its suggested fix; the fix of a rule is given with its
    first finding of each severity only (later ones point back to it), so an app with many
    functions does not repeat the same paragraph for each.
    """
    violations = []
    fixed: set[tuple[str, str]] = set()
    for v in run.violations:
        description = f"{v.description} {v.rule.explanation}" if verbose else v.description
        key = (v.rule.id, v.severity.value)
        fix = v.rule.explanation if key not in fixed else f"as for the first {v.rule.id} above."
        fixed.add(key)
        violations.append(
            cdk.PolicyViolation(
                rule_name=v.finding_id,
                description=description,
                fix=fix,
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
    for notice in run.notices:
        violations.append(
            cdk.PolicyViolation(
                rule_name=ACK_NOTICE_RULE,
                description=notice.message,
                severity="warning",
                rule_metadata={"acknowledgement": notice.acknowledgement.raw_id},
                violating_resources=[
                    cdk.PolicyViolatingResource(
                        construct_path=notice.acknowledgement.path or None,
                        resource_logical_id="",
                        template_path="",
                        locations=[],
                    )
                ],
            )
        )
    return cdk.PolicyValidationPluginReport(success=run.success, violations=violations)
