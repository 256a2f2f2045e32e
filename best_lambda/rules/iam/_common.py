"""Facts the IAM rules share: Lambda execution roles and how functions reference them."""

from __future__ import annotations

import re
from typing import Any

from best_lambda.rules.model import Resource
from best_lambda.rules.relations import principal_service, statement_list
from best_lambda.rules.template import ROLE, TemplateIndex, Unresolved, is_intrinsic

__all__ = [
    "ROLE",
    "aws_managed_name",
    "is_lambda_execution_role",
    "role_users",
    "trusts_lambda",
]


def trusts_lambda(role: Resource, index: TemplateIndex) -> bool:
    """Whether the role's trust policy lets ``lambda.amazonaws.com`` assume it.

    A principal that cannot be resolved from the template is not counted as Lambda.
    """
    for statement in statement_list(role.get("AssumeRolePolicyDocument")):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        if not isinstance(principal, dict):
            continue
        services = principal.get("Service")
        for service in services if isinstance(services, list) else [services]:
            if principal_service(service, index) == "lambda":
                return True
    return False


def role_users(role_id: str, index: TemplateIndex) -> list[str]:
    """The functions (logical IDs, sorted) that run as the role (:meth:`TemplateIndex.role_of`)."""
    return sorted(f.logical_id for f in index.functions_with_role(role_id))


def is_lambda_execution_role(role: Resource, index: TemplateIndex) -> bool:
    """Whether the role is (or is made to be) a Lambda execution role.

    It is when a function of the template runs as it, or when its trust policy allows
    ``lambda.amazonaws.com`` to assume it. Computed once per role, from the role and the
    functions that reference it (never a scan of the whole template).
    """
    cache: dict[str, bool] = index.memo("iam.lambda_execution_roles", dict)
    if role.logical_id not in cache:
        cache[role.logical_id] = bool(index.functions_with_role(role.logical_id)) or (
            trusts_lambda(role, index)
        )
    return cache[role.logical_id]


# A stand-in for the parts of an ARN the template alone does not decide.
_HOLE = "\x00"
# Pseudo parameters whose value is known well enough to read an ARN: the partition does not
# matter, and an account ID is never the literal "aws" of AWS-managed policies.
_PSEUDO = {"AWS::Partition": "aws", "AWS::AccountId": "000000000000"}
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")


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
