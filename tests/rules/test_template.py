"""The template index's shared lookups, over awkward shapes (conditions, intrinsic ARNs,
names that share a prefix)."""

from __future__ import annotations

from typing import Any

import pytest

from best_lambda.rules.template import TemplateIndex

ROLE = "AWS::IAM::Role"
QUEUE = "AWS::SQS::Queue"


def _index(**resources: dict[str, Any]) -> TemplateIndex:
    return TemplateIndex(
        {
            "Parameters": {"Env": {"Type": "String"}},
            "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
            "Resources": resources,
        }
    )


# -- only_reference -----------------------------------------------------------------------------
ONLY = _index(
    Role={"Type": ROLE},
    RoleB={"Type": ROLE},
    Queue={"Type": QUEUE},
)


@pytest.mark.parametrize(
    ("value", "types", "expected"),
    [
        ({"Ref": "Role"}, (ROLE,), "Role"),
        ({"Fn::GetAtt": ["RoleB", "Arn"]}, (ROLE,), "RoleB"),
        # names that share a prefix: ${RoleB} is RoleB, never Role
        (
            {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleB}"},
            (ROLE,),
            "RoleB",
        ),
        ({"Fn::Sub": "${Role.Arn}"}, (ROLE,), "Role"),
        ({"Fn::Join": ["", ["arn:aws:iam::1:role/", {"Ref": "Role"}]]}, (ROLE,), "Role"),
        # Fn::Sub variables are references too
        ({"Fn::Sub": ["role/${Name}", {"Name": {"Ref": "RoleB"}}]}, (ROLE,), "RoleB"),
        # another type is not counted when types are given, but is without
        ({"Fn::Sub": "${Role}/${Queue}"}, (ROLE,), "Role"),
        ({"Fn::Sub": "${Role}/${Queue}"}, (), None),
        ({"Fn::Sub": "${Queue.Arn}"}, (), "Queue"),
        # two candidates: not one
        ({"Fn::If": ["IsProd", {"Ref": "Role"}, {"Ref": "RoleB"}]}, (ROLE,), None),
        ({"Fn::Join": ["", [{"Ref": "Role"}, {"Ref": "RoleB"}]]}, (ROLE,), None),
        # the same one twice is one
        ({"Fn::If": ["IsProd", {"Ref": "Role"}, {"Fn::GetAtt": ["Role", "Arn"]}]}, (ROLE,), "Role"),
        # nothing of the template
        ("arn:aws:iam::1:role/Role", (ROLE,), None),
        ({"Fn::Sub": "arn:aws:iam::1:role/${!Role}"}, (ROLE,), None),
        ({"Ref": "Missing"}, (ROLE,), None),
        ({"Ref": "Queue"}, (ROLE,), None),
    ],
)
def test_only_reference(value: Any, types: tuple[str, ...], expected: str | None):
    assert ONLY.only_reference(value, *types) == expected


# -- role_of / functions_with_role ----------------------------------------------------------------
def _fn(role: Any, **more: Any) -> dict[str, Any]:
    return {"Type": "AWS::Lambda::Function", "Properties": {"Role": role, **more}}


ROLES = _index(
    Role={"Type": ROLE},
    RoleB={"Type": ROLE},
    Queue={"Type": QUEUE},
    ByArn=_fn({"Fn::GetAtt": ["Role", "Arn"]}),
    BySub=_fn({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleB}"}),
    ByJoin=_fn(
        {"Fn::Join": ["", ["arn:aws:iam::", {"Ref": "AWS::AccountId"}, ":role/", {"Ref": "Role"}]]}
    ),
    # a role and a queue in one expression: the role is still the only role
    Mixed=_fn(
        {"Fn::Sub": "arn:aws:iam::1:role/${RoleB}"},
        Environment={"Variables": {"Q": {"Ref": "Queue"}}},
    ),
    # references Role elsewhere (an environment variable) but runs as RoleB
    Elsewhere=_fn({"Ref": "RoleB"}, Environment={"Variables": {"ROLE": {"Ref": "Role"}}}),
    # a condition between two roles: not one role (each world decides it)
    Either=_fn({"Fn::If": ["IsProd", {"Ref": "Role"}, {"Fn::Sub": "${RoleB.Arn}"}]}),
    Outside=_fn("arn:aws:iam::123456789012:role/Role"),
)


@pytest.mark.parametrize(
    ("function", "role"),
    [
        ("ByArn", "Role"),
        ("BySub", "RoleB"),
        ("ByJoin", "Role"),
        ("Mixed", "RoleB"),
        ("Elsewhere", "RoleB"),
        ("Either", None),
        ("Outside", None),
    ],
)
def test_role_of(function: str, role: str | None):
    assert ROLES.role_of(ROLES.resources[function]) == role


def test_functions_with_role_counts_the_role_a_function_runs_as_not_every_reference():
    assert [f.logical_id for f in ROLES.functions_with_role("Role")] == ["ByArn", "ByJoin"]
    assert [f.logical_id for f in ROLES.functions_with_role("RoleB")] == [
        "BySub",
        "Mixed",
        "Elsewhere",
    ]
    assert ROLES.functions_with_role("Queue") == []


def test_functions_with_role_in_each_world():
    either = ROLES.resources["Either"]
    prod = ROLES.in_world((("IsProd", True),))
    dev = ROLES.in_world((("IsProd", False),))
    assert prod.role_of(prod.resources["Either"]) == "Role"
    assert dev.role_of(dev.resources["Either"]) == "RoleB"
    assert "Either" in [f.logical_id for f in prod.functions_with_role("Role")]
    assert "Either" in [f.logical_id for f in dev.functions_with_role("RoleB")]
    assert ROLES.variants(either.logical_id) == [(("IsProd", False),), (("IsProd", True),)]


def test_docstring_examples():
    import doctest

    import best_lambda.rules.template

    outcome = doctest.testmod(best_lambda.rules.template)
    assert outcome.attempted > 0
    assert outcome.failed == 0
