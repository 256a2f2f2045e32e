"""BestLambda-SharedRole: each Lambda function has an execution role of its own."""

from __future__ import annotations

from best_lambda.rules.iam._common import ROLE, conditional_role_users, role_users
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex


def check(role: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Non-compliant when two or more functions of the template run as the role.

    A function whose ``Role`` chooses between roles with ``Fn::If`` may or may not run as
    this one: the result is unknown only when that makes the difference between one user
    and several.
    """
    sure = role_users(role.logical_id, index)
    maybe = conditional_role_users(role.logical_id, index)
    if len(sure) >= 2:
        also = f" ({', '.join(maybe)} may also run as it, by condition)" if maybe else ""
        return Result.non_compliant(
            Finding(
                f"The role is the execution role of {len(sure)} functions: {', '.join(sure)}{also}."
            )
        )
    if len(sure) + len(maybe) >= 2:
        subject = (
            f"functions {', '.join(maybe)} choose their roles with Fn::If, so whether they run"
            if len(maybe) > 1
            else f"function {maybe[0]} chooses its role with Fn::If, so whether it runs"
        )
        beside = f" beside {sure[0]}" if sure else ""
        return Result.unknown(
            f"{subject} as this role{beside} is known only at deploy time; the role may be shared"
        )
    if maybe:
        # At most one function can run as the role: sharing is impossible.
        return Result.compliant()
    if not sure:
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
