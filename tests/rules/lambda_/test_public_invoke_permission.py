from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions

from best_lambda.rules.lambda_.public_invoke_permission import RULE
from best_lambda.rules.model import Status
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
    results,
)

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def function(stack: cdk.Stack, construct_id: str = "Fn") -> lambda_.Function:
    return lambda_.Function(
        stack, construct_id, code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_13
    )


def permission(stack: cdk.Stack, **kwargs: object) -> None:
    lambda_.CfnPermission(
        stack,
        "Perm",
        action="lambda:InvokeFunction",
        function_name="arn:aws:lambda:eu-west-1:123456789012:function:f",
        **kwargs,
    )  # type: ignore[arg-type]


def test_compliant_cdk_service_grants_name_their_source(stack: cdk.Stack):
    fn = function(stack)
    sns.Topic(stack, "Topic").add_subscription(subscriptions.LambdaSubscription(fn))
    s3.Bucket(stack, "Bucket").add_event_notification(
        s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(fn)
    )
    outcomes = results(RULE, stack)
    assert len(outcomes) == 2
    assert {o.status for o in outcomes.values()} == {Status.COMPLIANT}


def test_compliant_public_principal_restricted_to_an_organization(stack: cdk.Stack):
    function(stack).grant_invoke(iam.OrganizationPrincipal("o-abcdefghij12"))
    assert_compliant(result(RULE, stack, "FnInvoke"))


def test_compliant_service_with_source_account_only(stack: cdk.Stack):
    permission(stack, principal="s3.amazonaws.com", source_account=cdk.Aws.ACCOUNT_ID)
    assert_compliant(result(RULE, stack, "Perm"))


def test_non_compliant_service_without_source(stack: cdk.Stack):
    function(stack).add_permission("FromS3", principal=iam.ServicePrincipal("s3.amazonaws.com"))
    assert_non_compliant(
        result(RULE, stack, "FnFromS3"), "'s3.amazonaws.com' has no SourceArn", "confused deputy"
    )


def test_non_compliant_public_principal(stack: cdk.Stack):
    permission(stack, principal="*")
    assert_non_compliant(result(RULE, stack, "Perm"), "Principal is '*'")


def test_non_compliant_alexa_without_event_source_token(stack: cdk.Stack):
    permission(stack, principal="alexa-appkit.amazon.com")
    assert_non_compliant(result(RULE, stack, "Perm"), "EventSourceToken")


def test_not_applicable_account_principal(stack: cdk.Stack):
    function(stack).grant_invoke(iam.AccountPrincipal("123456789012"))
    assert_not_applicable(result(RULE, stack, "FnInvoke"))


def test_not_applicable_this_account(stack: cdk.Stack):
    permission(stack, principal=cdk.Aws.ACCOUNT_ID)
    assert_not_applicable(result(RULE, stack, "Perm"))


def test_not_applicable_public_function_url_permissions(stack: cdk.Stack):
    """They open a NONE function URL, which BestLambda-FunctionUrlAuth reports."""
    function(stack).add_function_url(auth_type=lambda_.FunctionUrlAuthType.NONE)
    outcomes = results(RULE, stack)
    assert len(outcomes) == 2  # lambda:InvokeFunctionUrl, and lambda:InvokeFunction via URL
    for outcome in outcomes.values():
        assert_not_applicable(outcome)


def test_unknown_when_principal_is_a_parameter(stack: cdk.Stack):
    principal = cdk.CfnParameter(stack, "Invoker")
    permission(stack, principal=principal.value_as_string)
    assert_unknown(result(RULE, stack, "Perm"), "template parameter 'Invoker'")


def test_non_compliant_when_a_condition_removes_the_source_arn(stack: cdk.Stack):
    condition = cdk.CfnCondition(
        stack, "Restrict", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "eu-west-1")
    )
    permission(
        stack,
        principal="sns.amazonaws.com",
        source_arn=cdk.Fn.condition_if(
            condition.logical_id, "arn:aws:sns:eu-west-1:123456789012:t", cdk.Aws.NO_VALUE
        ).to_string(),
    )
    assert_non_compliant(result(RULE, stack, "Perm"), "When Restrict is false: The service")
