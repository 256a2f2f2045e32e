from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.lambda_.tracing_active import RULE
from tests.rules.harness import assert_compliant, assert_non_compliant, assert_unknown, result

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def function(stack: cdk.Stack, **kwargs: object) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "Fn",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        **kwargs,
    )  # type: ignore[arg-type]


def test_compliant(stack: cdk.Stack):
    function(stack, tracing=lambda_.Tracing.ACTIVE)
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_when_unset(stack: cdk.Stack):
    function(stack)
    assert_non_compliant(result(RULE, stack, "Fn"), "TracingConfig is not set")


def test_non_compliant_pass_through(stack: cdk.Stack):
    function(stack, tracing=lambda_.Tracing.PASS_THROUGH)
    assert_non_compliant(result(RULE, stack, "Fn"), "'PassThrough'")


def test_not_applicable_to_other_resources(stack: cdk.Stack):
    """The rule only reads AWS::Lambda::Function: a stack without one yields no result."""
    lambda_.CfnLayerVersion(stack, "Layer", content={"s3Bucket": "b", "s3Key": "k"})
    from tests.rules.harness import results

    assert results(RULE, stack) == {}


def test_unknown_when_mode_is_a_parameter(stack: cdk.Stack):
    mode = cdk.CfnParameter(stack, "TracingMode", default="Active")
    lambda_.CfnFunction(
        stack,
        "Fn",
        code={"zipFile": "x"},
        role="arn:aws:iam::1:role/r",
        runtime="python3.13",
        handler="index.handler",
        tracing_config={"mode": mode.value_as_string},
    )
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'TracingMode'")
