"""Facts the IAM rules share: Lambda execution roles and how functions reference them."""

from __future__ import annotations

from typing import Any

from best_lambda.rules.model import Resource
from best_lambda.rules.relations import lambda_roles, principal_service, statement_list
from best_lambda.rules.template import FUNCTION, TemplateIndex

__all__ = [
    "ROLE",
    "conditional_role_users",
    "lambda_execution_roles",
    "role_choices",
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


def _contains_if(value: Any) -> bool:
    if isinstance(value, dict):
        return "Fn::If" in value or any(_contains_if(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_if(v) for v in value)
    return False


def role_choices(function: Resource, index: TemplateIndex) -> tuple[str | None, list[str]]:
    """(the role the function surely runs as, the roles it may run as under a condition).

    A ``Ref`` / ``Fn::GetAtt`` (or any expression without ``Fn::If`` that references exactly
    one role of the template, e.g. an ``Fn::Sub`` of its name) is a sure choice; an
    expression that references roles through ``Fn::If`` only says which roles are possible.
    """
    direct = index.role_of(function)
    if direct is not None:
        return direct, []
    value = function.get("Role")
    roles = sorted(t for t in index.targets_in(value) if index.resources[t].type == ROLE)
    if len(roles) == 1 and not _contains_if(value):
        return roles[0], []
    return None, roles


def _roles_map(index: TemplateIndex) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Role -> functions that surely run as it; role -> functions that may, by condition."""

    def compute() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        sure: dict[str, list[str]] = {}
        maybe: dict[str, list[str]] = {}
        for function in index.of_type(FUNCTION):
            direct, possible = role_choices(function, index)
            if direct is not None:
                sure.setdefault(direct, []).append(function.logical_id)
            for role in possible:
                maybe.setdefault(role, []).append(function.logical_id)
        return sure, maybe

    return index.memo("iam.role_users", compute)


def role_users(role_id: str, index: TemplateIndex) -> list[str]:
    """The functions (logical IDs, sorted) that surely run as the role."""
    return sorted(_roles_map(index)[0].get(role_id, ()))


def conditional_role_users(role_id: str, index: TemplateIndex) -> list[str]:
    """The functions (logical IDs, sorted) whose ``Role`` picks this role under a condition."""
    return sorted(_roles_map(index)[1].get(role_id, ()))


def lambda_execution_roles(index: TemplateIndex) -> frozenset[str]:
    """Roles of the template that are (or are made to be) Lambda execution roles.

    A role counts when a function of the template runs as it (surely or by condition), or
    when its trust policy allows ``lambda.amazonaws.com`` to assume it.
    """

    def compute() -> frozenset[str]:
        sure, maybe = _roles_map(index)
        found = set(lambda_roles(index)) | set(sure) | set(maybe)
        found.update(r.logical_id for r in index.of_type(ROLE) if trusts_lambda(r, index))
        return frozenset(found)

    return index.memo("iam.lambda_execution_roles", compute)
