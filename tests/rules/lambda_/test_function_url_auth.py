from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.lambda_.function_url_auth import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def function(stack: cdk.Stack, construct_id: str = "Fn") -> lambda_.Function:
    return lambda_.Function(
        stack, construct_id, code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_13
    )


def test_compliant_aws_iam(stack: cdk.Stack):
    function(stack).add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_auth_type_none(stack: cdk.Stack):
    fn = function(stack)
    url = fn.add_function_url(auth_type=lambda_.FunctionUrlAuthType.NONE)
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(outcome, "AuthType 'NONE'", "anyone")
    url_id = stack.resolve((url.node.default_child).logical_id)  # type: ignore[union-attr]
    assert outcome.findings[0].logical_id == url_id


def test_non_compliant_one_public_url_among_several(stack: cdk.Stack):
    fn = function(stack)
    fn.add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)
    alias = lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
    alias.add_function_url(auth_type=lambda_.FunctionUrlAuthType.NONE)
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(outcome, "LiveFunctionUrl")
    assert len(outcome.findings) == 1


def test_not_applicable_without_url(stack: cdk.Stack):
    function(stack)
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_to_cdk_framework_function(stack: cdk.Stack):
    function(stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a").add_function_url(
        auth_type=lambda_.FunctionUrlAuthType.NONE
    )
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_unknown_when_auth_type_is_a_parameter(stack: cdk.Stack):
    auth = cdk.CfnParameter(stack, "UrlAuth", default="AWS_IAM")
    fn = function(stack)
    lambda_.CfnUrl(
        stack, "Url", auth_type=auth.value_as_string, target_function_arn=fn.function_arn
    )
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'UrlAuth'")
