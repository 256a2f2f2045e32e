from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.lambda_.cdk_framework_function import RULE
from best_lambda.rules.model import Status
from best_lambda.rules.options import CheckOptions
from tests.rules.harness import (
    TODAY,
    assert_non_compliant,
    assert_not_applicable,
    result,
    results,
)

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def test_non_compliant_log_retention_function(stack: cdk.Stack):
    """aws_lambda.Function(log_retention=...) adds aws-cdk-lib's LogRetention function."""
    lambda_.CfnFunction(
        stack,
        "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
        role="arn:aws:iam::1:role/r",
        code={"zipFile": "x"},
        runtime="nodejs22.x",
        handler="index.handler",
    )
    assert_non_compliant(result(RULE, stack, "LogRetention"), "Custom::LogRetention")


def test_non_compliant_provider_framework_by_path():
    template = {
        "Resources": {
            "ProviderframeworkonEvent83C1D0A7": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Runtime": "nodejs22.x"},
                "Metadata": {"aws:cdk:path": "App/Provider/framework-onEvent/Resource"},
            }
        }
    }
    assert_non_compliant(result(RULE, template, "Provider"), "Provider framework")


def test_not_applicable_to_user_functions(stack: cdk.Stack):
    lambda_.Function(
        stack, "Fn", code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_13
    )
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_when_framework_functions_are_judged(stack: cdk.Stack):
    lambda_.CfnFunction(
        stack,
        "AWS679f53fac002430cb0da5b7982bd2287",
        role="arn:aws:iam::1:role/r",
        code={"zipFile": "x"},
        runtime="nodejs22.x",
        handler="index.handler",
    )
    options = CheckOptions(today=TODAY, check_framework_functions=True)
    assert_not_applicable(result(RULE, stack, "AWS679", options=options))


def test_compliant_never_a_framework_function_is_always_reported(stack: cdk.Stack):
    """There is no compliant framework function: each is reported once, as a warning."""
    lambda_.CfnFunction(
        stack,
        "AWS679f53fac002430cb0da5b7982bd2287",
        role="arn:aws:iam::1:role/r",
        code={"zipFile": "x"},
        runtime="nodejs22.x",
        handler="index.handler",
    )
    statuses = {r.status for r in results(RULE, stack).values()}
    assert statuses == {Status.NON_COMPLIANT}


def test_unknown_never_recognition_reads_only_ids_and_paths(stack: cdk.Stack):
    """Recognition uses construct IDs and paths, never property values: nothing is unknown."""
    runtime = cdk.CfnParameter(stack, "Runtime")
    lambda_.CfnFunction(
        stack,
        "AWS679f53fac002430cb0da5b7982bd2287",
        role="arn:aws:iam::1:role/r",
        code={"zipFile": "x"},
        runtime=runtime.value_as_string,
        handler="index.handler",
    )
    assert result(RULE, stack, "AWS679").status is Status.NON_COMPLIANT
