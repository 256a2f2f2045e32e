"""BestLambda-NoAdminPolicies: Lambda roles attach no admin or ``*FullAccess`` AWS policy."""

from __future__ import annotations

from best_lambda.rules.iam._common import ROLE, aws_managed_name, is_lambda_execution_role
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex, Unresolved

#: AWS-managed policies that grant (almost) everything, and what they grant.
ADMIN_POLICIES: dict[str, str] = {
    "AdministratorAccess": "every action on every resource of the account",
    "PowerUserAccess": "every action on every resource except most of IAM and Organizations",
    "IAMFullAccess": "full control of IAM, hence of every permission of the account",
}


def is_admin_policy(name: str) -> bool:
    """Whether an AWS-managed policy name is one this rule rejects.

    ``AdministratorAccess``, ``PowerUserAccess`` and ``IAMFullAccess``: each grants, or can
    grant itself, every permission of the account. A service's ``…FullAccess`` policy
    (``AmazonSQSFullAccess``) grants every action of one service: that is a wildcard
    permission, reported by ``BestLambda-NoWildcardPermissions``.
    """
    return name in ADMIN_POLICIES


def check(role: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Non-compliant for each administrator AWS-managed policy."""
    if not is_lambda_execution_role(role, index):
        return Result.not_applicable("the role is not a Lambda execution role")
    arns = role.get("ManagedPolicyArns")
    if arns is None:
        return Result.compliant()
    if not isinstance(arns, list):
        literal = index.literal(arns)
        reason = literal.reason if isinstance(literal, Unresolved) else f"{arns!r} is not a list"
        return Result.unknown(f"ManagedPolicyArns: {reason}")
    findings: dict[str, Finding] = {}
    unknown: list[str] = []
    for arn in arns:
        name = aws_managed_name(arn, index)
        if isinstance(name, Unresolved):
            unknown.append(f"ManagedPolicyArns entry: {name.reason}")
        elif name is not None and is_admin_policy(name):
            grants = ADMIN_POLICIES[name]
            findings.setdefault(
                name,
                Finding(
                    f"ManagedPolicyArns attaches the AWS-managed policy {name}, which grants "
                    f"{grants}.",
                    suffix=f"Policy::{name}",
                ),
            )
    if findings:
        return Result.non_compliant(*findings.values())
    if unknown:
        return Result.unknown("; ".join(unknown))
    return Result.compliant()


RULE = Rule(
    id="BestLambda-NoAdminPolicies",
    severity=Severity.ERROR,
    message="The Lambda execution role attaches an administrator AWS-managed policy.",
    explanation=(
        "AdministratorAccess, PowerUserAccess and IAMFullAccess grant a function every action "
        "of the account (IAMFullAccess: the power to grant itself any), far beyond what its "
        "code calls. A service's *FullAccess policy is a wildcard permission, reported by "
        "BestLambda-NoWildcardPermissions. Remove iam.ManagedPolicy.from_aws_managed_policy_name"
        "(...) from the role and grant what the function uses on the resources it uses: "
        "queue.grant_consume_messages(fn), bucket.grant_read(fn), or fn.add_to_role_policy("
        "iam.PolicyStatement(actions=[...], resources=[...]))."
    ),
    resource_types=frozenset({ROLE}),
    check=check,
    source=(
        "seeds/000 step 4 and Constraints (least privilege, no overly permissive role), "
        "seeds/003 §3a, seeds/001 §4.1"
    ),
    granular=True,
)
