"""BestLambda-SharedRole: each Lambda function has an execution role of its own."""

from __future__ import annotations

from best_lambda.rules.iam._common import ROLE, role_users
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex


def check(role: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Non-compliant when two or more functions of the template run as the role."""
    users = role_users(role.logical_id, index)
    if len(users) >= 2:
        return Result.non_compliant(
            Finding(
                f"The role is the execution role of {len(users)} functions: {', '.join(users)}."
            )
        )
    if not users:
        return Result.not_applicable("no function of this template runs as this role")
    return Result.compliant()


RULE = Rule(
    id="BestLambda-SharedRole",
    severity=Severity.WARNING,
    message="Several Lambda functions share one execution role.",
    explanation=(
        "A shared role holds the union of every function's permissions, so each function "
        "can do what any of them needs and a compromise of one exposes all. Give each "
        "function its own role: let aws_lambda.Function create it (do not pass the same "
        "role= to several functions) and grant each function only what it uses "
        "(table.grant_read_data(fn_a), queue.grant_send_messages(fn_b))."
    ),
    resource_types=frozenset({ROLE}),
    check=check,
    source=(
        "seeds/000 Constraints (no single, overly permissive IAM role for all functions) and "
        "step 4, seeds/003 §3a (a specific IAM role per function), seeds/001 §4.1"
    ),
)
