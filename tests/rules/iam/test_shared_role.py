from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.iam.shared_role import RULE
from best_lambda.rules.model import Status
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    beyond_the_condition_cap,
    result,
    results,
)

LAMBDA = iam.ServicePrincipal("lambda.amazonaws.com")


def function(stack: cdk.Stack, cid: str, role: iam.IRole | None = None) -> lambda_.Function:
    return lambda_.Function(
        stack,
        cid,
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        role=role,
    )


def cfn_function(stack: cdk.Stack, cid: str, role: str) -> lambda_.CfnFunction:
    return lambda_.CfnFunction(
        stack, cid, code={"zipFile": "x"}, role=role, runtime="python3.13", handler="index.handler"
    )


def cfn_role(stack: cdk.Stack, cid: str) -> iam.CfnRole:
    return iam.CfnRole(
        stack,
        cid,
        assume_role_policy_document={
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ]
        },
    )


def condition(stack: cdk.Stack) -> cdk.CfnCondition:
    return cdk.CfnCondition(
        stack, "Prod", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "us-east-1")
    )


def test_compliant_each_function_has_its_own_role(stack: cdk.Stack):
    function(stack, "A")
    function(stack, "B")
    outcomes = results(RULE, stack)
    assert len(outcomes) == 2
    assert {o.status for o in outcomes.values()} == {Status.COMPLIANT}


def test_compliant_explicit_role_used_once(stack: cdk.Stack):
    role = iam.Role(stack, "Shared", assumed_by=LAMBDA)
    function(stack, "A", role)
    assert_compliant(result(RULE, stack, "Shared"))


def test_non_compliant_two_functions_share_a_role(stack: cdk.Stack):
    role = iam.Role(stack, "Shared", assumed_by=LAMBDA)
    function(stack, "Zeta", role)
    function(stack, "Alpha", role)
    outcome = result(RULE, stack, "Shared")
    assert_non_compliant(outcome, "2 functions: Alpha")
    (finding,) = outcome.findings
    names = finding.message.split(": ", 1)[1]
    assert names.startswith("Alpha") and "Zeta" in names  # sorted logical IDs


def test_non_compliant_role_referenced_through_fn_sub(stack: cdk.Stack):
    """An ARN built with Fn::Sub around the role's name still designates that one role."""
    role = cfn_role(stack, "Role")
    arn = cdk.Fn.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}")
    cfn_function(stack, "One", arn)
    cfn_function(stack, "Two", role.attr_arn)
    assert_non_compliant(results(RULE, stack)["Role"], "2 functions: One, Two")


def test_non_compliant_even_with_a_conditional_user(stack: cdk.Stack):
    cond = condition(stack)
    shared, other = cfn_role(stack, "Shared"), cfn_role(stack, "Other")
    cfn_function(stack, "A", shared.attr_arn)
    cfn_function(stack, "B", shared.attr_arn)
    cfn_function(
        stack,
        "C",
        cdk.Fn.condition_if(cond.logical_id, shared.attr_arn, other.attr_arn).to_string(),
    )
    assert_non_compliant(
        results(RULE, stack)["Shared"],
        "When Prod is true: The role is the execution role of 3 functions: A, B, C.",
        "When Prod is false: The role is the execution role of 2 functions: A, B.",
    )


def test_not_applicable_role_no_function_uses(stack: cdk.Stack):
    iam.Role(stack, "Spare", assumed_by=LAMBDA)
    assert_not_applicable(result(RULE, stack, "Spare"))


def test_not_applicable_role_of_another_service(stack: cdk.Stack):
    iam.Role(stack, "Machine", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
    assert_not_applicable(result(RULE, stack, "Machine"))


def test_non_compliant_when_a_condition_chooses_the_role(stack: cdk.Stack):
    cond = condition(stack)
    blue, green = cfn_role(stack, "Blue"), cfn_role(stack, "Green")
    cfn_function(stack, "Direct", blue.attr_arn)
    cfn_function(
        stack,
        "Chooser",
        cdk.Fn.condition_if(cond.logical_id, blue.attr_arn, green.attr_arn).to_string(),
    )
    outcomes = results(RULE, stack)
    assert_non_compliant(outcomes["Blue"], "When Prod is true: The role is the execution role")
    # Green can have at most one user (Chooser): it cannot be shared.
    assert_compliant(outcomes["Green"])


def test_non_compliant_when_two_functions_choose_the_role_together(stack: cdk.Stack):
    cond = condition(stack)
    blue, green = cfn_role(stack, "Blue"), cfn_role(stack, "Green")
    for cid in ("One", "Two"):
        cfn_function(
            stack,
            cid,
            cdk.Fn.condition_if(cond.logical_id, blue.attr_arn, green.attr_arn).to_string(),
        )
    outcomes = results(RULE, stack)
    assert_non_compliant(outcomes["Blue"], "When Prod is true: The role is the execution role of 2")
    assert_non_compliant(
        outcomes["Green"], "When Prod is false: The role is the execution role of 2"
    )


def test_unknown_beyond_the_cap_on_condition_combinations(stack: cdk.Stack):
    shared = cfn_role(stack, "Shared")
    cfn_function(stack, "A", shared.attr_arn)
    outcome = result(RULE, beyond_the_condition_cap(stack, "Shared"), "Shared")
    assert_unknown(outcome, "more combinations than best-lambda judges")
