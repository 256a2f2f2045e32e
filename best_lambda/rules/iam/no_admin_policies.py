"""BestLambda-NoAdminPolicies: Lambda roles attach no admin or ``*FullAccess`` AWS policy."""

from __future__ import annotations

import re
from typing import Any

from best_lambda.rules.iam._common import ROLE, lambda_execution_roles
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex, Unresolved, is_intrinsic

#: AWS-managed policies that grant (almost) everything, and what they grant.
ADMIN_POLICIES: dict[str, str] = {
    "AdministratorAccess": "every action on every resource of the account",
    "PowerUserAccess": "every action on every resource except most of IAM and Organizations",
    "IAMFullAccess": "full control of IAM, hence of every permission of the account",
}

# A stand-in for the parts of an ARN the template alone does not decide.
_HOLE = "\x00"
# Pseudo parameters whose value is known well enough to read an ARN: the partition does not
# matter, and an account ID is never the literal "aws" of AWS-managed policies.
_PSEUDO = {"AWS::Partition": "aws", "AWS::AccountId": "000000000000"}
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def is_admin_policy(name: str) -> bool:
    """Whether an AWS-managed policy name is one this rule rejects.

    ``AdministratorAccess``, ``PowerUserAccess``, ``IAMFullAccess`` and every
    ``…FullAccess`` policy (``AmazonS3FullAccess``, ``AWSLambda_FullAccess``, and versioned
    ones such as ``CloudWatchFullAccessV2``).
    """
    return name in ADMIN_POLICIES or "fullaccess" in name.lower()


def _text(value: Any, index: TemplateIndex) -> str:
    """The ARN as text, with :data:`_HOLE` where the template does not decide it."""
    if isinstance(value, str):
        return value
    if not is_intrinsic(value):
        return _HOLE
    (key, arg) = next(iter(value.items()))
    if key == "Ref" and isinstance(arg, str) and arg in _PSEUDO:
        return _PSEUDO[arg]
    if key == "Fn::Sub":
        text = arg[0] if isinstance(arg, list) and arg else arg
        variables = arg[1] if isinstance(arg, list) and len(arg) > 1 else {}
        if isinstance(text, str):

            def substitute(match: re.Match[str]) -> str:
                name = match.group(1)
                if isinstance(variables, dict) and name in variables:
                    return _text(variables[name], index)
                return _PSEUDO.get(name, _HOLE)

            return _SUB_VARIABLE.sub(substitute, text)
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        delimiter, parts = arg
        if isinstance(delimiter, str) and isinstance(parts, list):
            return delimiter.join(_text(part, index) for part in parts)
    literal = index.literal(value)
    return literal if isinstance(literal, str) else _HOLE


def aws_managed_name(value: Any, index: TemplateIndex) -> str | Unresolved | None:
    """The name of the AWS-managed policy a ``ManagedPolicyArns`` entry designates.

    ``None`` for a customer-managed policy (a policy of this template, or an ARN in an
    account); :class:`Unresolved` when the template alone cannot tell.
    """
    if index.target(value) is not None:
        return None
    text = _text(value, index)
    parts = text.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn" or parts[2] != "iam":
        if _HOLE in text:
            reason = index.literal(value)
            return (
                reason
                if isinstance(reason, Unresolved)
                else Unresolved(f"{value!r} cannot be resolved")
            )
        return None
    account, resource = parts[4], parts[5]
    if _HOLE in account:
        return Unresolved(f"the account of {value!r} is not known from the template")
    if account != "aws" or not resource.startswith("policy/"):
        return None
    name = resource.rsplit("/", 1)[1]
    if _HOLE in name or not name:
        return Unresolved(f"the policy name in {value!r} is not known from the template")
    return name


def check(role: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Non-compliant for each administrator or ``*FullAccess`` AWS-managed policy."""
    if role.logical_id not in lambda_execution_roles(index):
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
            grants = ADMIN_POLICIES.get(name, "every action of one service on all its resources")
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
    message=(
        "The Lambda execution role attaches an administrator or *FullAccess AWS-managed policy."
    ),
    explanation=(
        "AdministratorAccess, PowerUserAccess, IAMFullAccess and the *FullAccess policies "
        "grant a function every action of a service (or of the account) on every resource, "
        "far beyond what its code calls. Remove iam.ManagedPolicy.from_aws_managed_policy_name"
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
