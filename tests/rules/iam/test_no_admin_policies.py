from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from best_lambda.rules.iam.no_admin_policies import RULE, is_admin_policy
from best_lambda.rules.model import Status
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
    results,
)

LAMBDA = iam.ServicePrincipal("lambda.amazonaws.com")
TRUST_LAMBDA = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def function(stack: cdk.Stack, role: iam.IRole | None = None) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        role=role,
    )


def cfn_role(stack: cdk.Stack, *arns: Any, used: bool = True) -> iam.CfnRole:
    """An L1 role with these ManagedPolicyArns (run as by a function when ``used``)."""
    role = iam.CfnRole(
        stack, "Role", assume_role_policy_document=TRUST_LAMBDA, managed_policy_arns=list(arns)
    )
    if used:
        lambda_.CfnFunction(
            stack,
            "User",
            code={"zipFile": "x"},
            role=role.attr_arn,
            runtime="python3.13",
            handler="index.handler",
        )
    return role


def suffixes(stack: cdk.Stack) -> list[str | None]:
    return [f.suffix for f in results(RULE, stack)["Role"].findings]


# -- compliant --------------------------------------------------------------------------


def test_compliant_default_function_role(stack: cdk.Stack):
    """aws-cdk-lib attaches AWSLambdaBasicExecutionRole (an Fn::Join ARN): not an admin one."""
    function(stack)
    assert {r.status for r in results(RULE, stack).values()} == {Status.COMPLIANT}


def test_compliant_without_managed_policies(stack: cdk.Stack):
    cfn_role(stack)
    assert_compliant(results(RULE, stack)["Role"])


def test_compliant_customer_managed_policy_of_the_template(stack: cdk.Stack):
    """A policy named like a FullAccess one, but customer-managed (a Ref): not AWS-managed."""
    managed = iam.ManagedPolicy(
        stack,
        "AppFullAccess",
        managed_policy_name="AppFullAccess",
        statements=[iam.PolicyStatement(actions=["sqs:SendMessage"], resources=["*"])],
    )
    role = iam.Role(stack, "Own", assumed_by=LAMBDA, managed_policies=[managed])
    function(stack, role)
    assert_compliant(result(RULE, stack, "Own"))


def test_compliant_customer_managed_policy_of_an_account(stack: cdk.Stack):
    cfn_role(
        stack,
        "arn:aws:iam::123456789012:policy/TeamFullAccess",
        cdk.Fn.sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/OpsFullAccess"),
    )
    assert_compliant(results(RULE, stack)["Role"])


def test_compliant_narrow_aws_managed_policies(stack: cdk.Stack):
    cfn_role(
        stack,
        "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
        "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
    )
    assert_compliant(results(RULE, stack)["Role"])


# -- non-compliant ----------------------------------------------------------------------


def test_non_compliant_administrator_access_from_cdk(stack: cdk.Stack):
    """aws-cdk-lib writes the ARN as Fn::Join ["arn:", {Ref: AWS::Partition}, ":iam::aws:..."]."""
    role = iam.Role(
        stack,
        "Admin",
        assumed_by=LAMBDA,
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")],
    )
    function(stack, role)
    outcome = result(RULE, stack, "Admin")
    assert_non_compliant(outcome, "Policy::AdministratorAccess", "every action on every resource")
    assert [f.suffix for f in outcome.findings] == ["Policy::AdministratorAccess"]


def test_compliant_service_full_access_is_a_wildcard_permission_instead(stack: cdk.Stack):
    """AmazonSQSFullAccess grants sqs:*: BestLambda-NoWildcardPermissions reports it."""
    cfn_role(
        stack,
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
    )
    assert_compliant(results(RULE, stack)["Role"])


def test_non_compliant_fn_sub_arn_in_another_partition(stack: cdk.Stack):
    cfn_role(
        stack,
        cdk.Fn.sub("arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess"),
        "arn:aws-us-gov:iam::aws:policy/IAMFullAccess",
    )
    assert suffixes(stack) == ["Policy::PowerUserAccess", "Policy::IAMFullAccess"]


def test_non_compliant_suffix_is_the_name_never_the_arn(stack: cdk.Stack):
    cfn_role(stack, "arn:aws:iam::aws:policy/IAMFullAccess")
    (finding,) = results(RULE, stack)["Role"].findings
    assert finding.suffix == "Policy::IAMFullAccess"
    assert "arn:" not in finding.suffix


def test_non_compliant_role_trusting_lambda_before_any_function(stack: cdk.Stack):
    cfn_role(stack, "arn:aws:iam::aws:policy/AdministratorAccess", used=False)
    assert suffixes(stack) == ["Policy::AdministratorAccess"]


def test_non_compliant_wins_over_an_unresolved_entry(stack: cdk.Stack):
    extra = cdk.CfnParameter(stack, "ExtraPolicy")
    cfn_role(stack, extra.value_as_string, "arn:aws:iam::aws:policy/PowerUserAccess")
    assert suffixes(stack) == ["Policy::PowerUserAccess"]


@pytest.mark.parametrize(
    ("name", "rejected"),
    [
        ("AdministratorAccess", True),
        ("PowerUserAccess", True),
        ("IAMFullAccess", True),
        ("AWSLambda_FullAccess", False),  # service-wide: BestLambda-NoWildcardPermissions
        ("CloudWatchFullAccessV2", False),
        ("AmazonDynamoDBFullAccess_v2", False),
        ("ReadOnlyAccess", False),
        ("AWSLambdaBasicExecutionRole", False),
        ("AWSLambdaVPCAccessExecutionRole", False),
        ("AmazonSQSReadOnlyAccess", False),
    ],
)
def test_non_compliant_names(name: str, rejected: bool):
    assert is_admin_policy(name) is rejected


# -- not applicable ---------------------------------------------------------------------


def test_not_applicable_role_of_another_service(stack: cdk.Stack):
    iam.Role(
        stack,
        "Machine",
        assumed_by=iam.ServicePrincipal("states.amazonaws.com"),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")],
    )
    assert_not_applicable(result(RULE, stack, "Machine"))


def test_not_applicable_aws_cdk_lib_log_retention_role(stack: cdk.Stack):
    logs.LogRetention(
        stack, "Retention", log_group_name="/aws/lambda/x", retention=logs.RetentionDays.ONE_WEEK
    )
    assert_not_applicable(result(RULE, stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"))


# -- unknown ----------------------------------------------------------------------------


def test_unknown_when_an_entry_is_a_parameter(stack: cdk.Stack):
    extra = cdk.CfnParameter(stack, "ExtraPolicy")
    cfn_role(stack, "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess", extra.value_as_string)
    assert_unknown(results(RULE, stack)["Role"], "template parameter 'ExtraPolicy'")


def test_unknown_when_an_entry_is_imported(stack: cdk.Stack):
    cfn_role(stack, cdk.Fn.import_value("SharedPolicyArn"))
    assert_unknown(results(RULE, stack)["Role"], "Fn::ImportValue")


def test_unknown_when_the_policy_name_is_a_parameter(stack: cdk.Stack):
    cdk.CfnParameter(stack, "PolicyName")
    cfn_role(stack, cdk.Fn.sub("arn:${AWS::Partition}:iam::aws:policy/${PolicyName}"))
    assert_unknown(results(RULE, stack)["Role"], "policy name")


def test_unknown_when_the_whole_list_is_a_parameter(stack: cdk.Stack):
    arns = cdk.CfnParameter(stack, "PolicyArns", type="CommaDelimitedList")
    role = cfn_role(stack)
    role.managed_policy_arns = arns.value_as_list
    assert_unknown(results(RULE, stack)["Role"], "template parameter 'PolicyArns'")
