"""Facts the IAM rules share: Lambda execution roles and how functions reference them."""

from __future__ import annotations

from best_lambda.rules.model import Resource
from best_lambda.rules.relations import lambda_roles, principal_service, statement_list
from best_lambda.rules.template import FUNCTION, TemplateIndex

__all__ = [
    "ROLE",
    "lambda_execution_roles",
    "role_of",
    "role_users",
    "trusts_lambda",
]

ROLE = "AWS::IAM::Role"


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


def _role_users(index: TemplateIndex) -> dict[str, list[str]]:
    """Role -> the functions that run as it.

    A ``Ref`` / ``Fn::GetAtt``, or any expression that references exactly one role of the
    template (e.g. an ``Fn::Sub`` of its name), designates the role.
    """

    def compute() -> dict[str, list[str]]:
        users: dict[str, list[str]] = {}
        for function in index.of_type(FUNCTION):
            role = role_of(function, index)
            if role is not None:
                users.setdefault(role, []).append(function.logical_id)
        return users

    return index.memo("iam.role_users", compute)


def role_of(function: Resource, index: TemplateIndex) -> str | None:
    """The role of this template the function runs as, if any."""
    direct = index.role_of(function)
    if direct is not None:
        return direct
    roles = [t for t in index.targets_in(function.get("Role")) if index.resources[t].type == ROLE]
    return roles[0] if len(roles) == 1 else None


def role_users(role_id: str, index: TemplateIndex) -> list[str]:
    """The functions (logical IDs, sorted) that run as the role."""
    return sorted(_role_users(index).get(role_id, ()))


def lambda_execution_roles(index: TemplateIndex) -> frozenset[str]:
    """Roles of the template that are (or are made to be) Lambda execution roles.

    A role counts when a function of the template runs as it, or when its trust policy
    allows ``lambda.amazonaws.com`` to assume it.
    """

    def compute() -> frozenset[str]:
        found = set(lambda_roles(index)) | set(_role_users(index))
        found.update(r.logical_id for r in index.of_type(ROLE) if trusts_lambda(r, index))
        return frozenset(found)

    return index.memo("iam.lambda_execution_roles", compute)
