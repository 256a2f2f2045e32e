from __future__ import annotations

import datetime as dt

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules import runtimes
from best_lambda.rules.lambda_.runtime_supported import RULE
from best_lambda.rules.model import Severity
from best_lambda.rules.options import CheckOptions
from tests.rules.harness import (
    TODAY,
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)
from tests.rules.harness import (
    cfn_function as fn,
)


def test_compliant_current_runtime(stack: cdk.Stack):
    fn(stack, runtime="python3.13")
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_l2_function(stack: cdk.Stack):
    lambda_.Function(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("x"),
        handler="index.handler",
        runtime=lambda_.Runtime.NODEJS_24_X,
    )
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_runtime_released_after_the_table(stack: cdk.Stack):
    fn(stack, runtime="python3.99")
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_deprecated_runtime(stack: cdk.Stack):
    fn(stack, runtime="python3.9")
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(
        outcome,
        "python3.9 was deprecated on 2025-12-15",
        "no security patches; AWS blocks creating and later updating functions on it",
        "Move to python3.14 (aws_lambda.Runtime.PYTHON_3_14)",
    )
    assert outcome.findings[0].severity is None  # the rule's own severity: an error


def test_non_compliant_on_the_deprecation_day(stack: cdk.Stack):
    fn(stack, runtime="dotnet8")
    options = CheckOptions(today=runtimes.DEPRECATION_DATES["dotnet8"])
    outcome = result(RULE, stack, "Fn", options=options)
    assert_non_compliant(outcome, "dotnet8 was deprecated on 2026-11-10", "Move to dotnet10")
    assert outcome.findings[0].severity is None


def test_non_compliant_warning_within_the_window(stack: cdk.Stack):
    fn(stack, runtime="nodejs22.x")
    days_left = (dt.date(2027, 4, 30) - TODAY).days
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(
        outcome,
        "nodejs22.x is deprecated on 2027-04-30",
        f"in {days_left} days",
        "Move to nodejs24.x (aws_lambda.Runtime.NODEJS_24_X)",
    )
    assert outcome.findings[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    ("today", "warning_days", "status"),
    [
        (dt.date(2027, 1, 30), 90, "warning"),  # exactly 90 days before
        (dt.date(2027, 1, 29), 90, "compliant"),  # 91 days before
        (dt.date(2027, 4, 29), 0, "compliant"),  # no warning window at all
        (dt.date(2027, 4, 30), 0, "error"),  # the deprecation day itself
        (dt.date(2025, 1, 1), 900, "warning"),  # a long window
    ],
)
def test_non_compliant_with_custom_options(
    stack: cdk.Stack, today: dt.date, warning_days: int, status: str
):
    fn(stack, runtime="nodejs22.x")
    options = CheckOptions(today=today, runtime_warning_days=warning_days)
    outcome = result(RULE, stack, "Fn", options=options)
    if status == "compliant":
        assert_compliant(outcome)
    elif status == "warning":
        assert_non_compliant(outcome, "is deprecated on 2027-04-30")
        assert outcome.findings[0].severity is Severity.WARNING
    else:
        assert_non_compliant(outcome, "was deprecated on 2027-04-30")
        assert outcome.findings[0].severity is None


@pytest.mark.parametrize(
    ("runtime", "successor"),
    [
        ("go1.x", "provided.al2023"),
        ("provided", "provided.al2023"),
        ("provided.al2", "provided.al2023"),
        ("dotnetcore3.1", "dotnet10"),
        ("java8", "java25"),
        ("nodejs18.x", "nodejs24.x"),
        ("ruby2.7", "ruby3.4"),
    ],
)
def test_non_compliant_names_the_newest_supported_runtime_of_the_family(
    stack: cdk.Stack, runtime: str, successor: str
):
    fn(stack, runtime=runtime)
    assert_non_compliant(result(RULE, stack, "Fn"), f"Move to {successor} ")


def test_non_compliant_without_successor_when_the_family_is_all_deprecated(stack: cdk.Stack):
    fn(stack, runtime="python3.9")
    outcome = result(RULE, stack, "Fn", options=CheckOptions(today=dt.date(2040, 1, 1)))
    assert_non_compliant(outcome, "python3.9 was deprecated on 2025-12-15")
    assert "Move to" not in outcome.findings[0].message


def test_not_applicable_to_container_images(stack: cdk.Stack):
    lambda_.CfnFunction(
        stack,
        "Fn",
        code={"imageUri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest"},
        role="arn:aws:iam::123456789012:role/r",
        package_type="Image",
    )
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_to_aws_cdk_lib_functions(stack: cdk.Stack):
    fn(stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a", runtime="nodejs18.x")
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_unknown_when_runtime_is_a_parameter(stack: cdk.Stack):
    runtime = cdk.CfnParameter(stack, "RuntimeParam", default="python3.13")
    fn(stack, runtime=runtime.value_as_string)
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'RuntimeParam'")


def test_unknown_when_runtime_is_not_set_on_a_zip_function(stack: cdk.Stack):
    fn(stack, runtime=None)
    assert_unknown(result(RULE, stack, "Fn"), "Runtime is not set")


@pytest.mark.parametrize("runtime", ["python3.5", "my-custom-runtime"])
def test_unknown_when_runtime_is_not_in_the_table(stack: cdk.Stack, runtime: str):
    fn(stack, runtime=runtime)
    outcome = result(RULE, stack, "Fn")
    assert_unknown(outcome, runtimes.SOURCE)
    assert runtime in outcome.reason


def test_each_package_type_of_a_condition_is_judged(stack: cdk.Stack):
    cond = cdk.CfnCondition(
        stack, "UseImage", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "eu-west-1")
    )
    fn(stack, package_type=cdk.Fn.condition_if(cond.logical_id, "Image", "Zip").to_string())
    assert_compliant(result(RULE, stack, "Fn"))  # an image, or a supported runtime
