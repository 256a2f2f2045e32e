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


def test_docstring_examples():
    import doctest

    import best_lambda.rules.template

    outcome = doctest.testmod(best_lambda.rules.template)
    assert outcome.attempted > 0
    assert outcome.failed == 0
