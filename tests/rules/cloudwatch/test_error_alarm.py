from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.cloudwatch.error_alarm import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
    results,
)
from tests.rules.harness import (
    l2_function as function,
)


def alarm(stack: cdk.Stack, metric: cloudwatch.IMetric, construct_id: str = "Alarm") -> None:
    metric.create_alarm(stack, construct_id, threshold=1, evaluation_periods=1)


def errors_of(name: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/Lambda", metric_name="Errors", dimensions_map={"FunctionName": name}
    )


def test_compliant_with_metric_errors_alarm(stack: cdk.Stack):
    fn = function(stack)
    alarm(stack, fn.metric_errors())
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_with_a_metric_math_alarm(stack: cdk.Stack):
    fn = function(stack)
    rate = cloudwatch.MathExpression(
        expression="100 * e / i",
        using_metrics={"e": fn.metric_errors(), "i": fn.metric_invocations()},
    )
    alarm(stack, rate)
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_with_the_literal_function_name(stack: cdk.Stack):
    function(stack, function_name="orders-handler")
    alarm(stack, errors_of("orders-handler"))
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_when_name_and_dimension_are_the_same_expression(stack: cdk.Stack):
    name = cdk.Fn.sub("${AWS::StackName}-handler")
    function(stack, function_name=name)
    alarm(stack, errors_of(name))
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_without_alarm(stack: cdk.Stack):
    function(stack)
    assert_non_compliant(
        result(RULE, stack, "Fn"), "No CloudWatch alarm", "AWS/Lambda Errors", "function Fn"
    )


def test_non_compliant_when_only_another_metric_is_watched(stack: cdk.Stack):
    fn = function(stack)
    alarm(stack, fn.metric_throttles())
    assert_non_compliant(result(RULE, stack, "Fn"), "Errors metric of function Fn")


def test_non_compliant_when_another_function_is_watched(stack: cdk.Stack):
    watched = function(stack, "Watched")
    function(stack, "Unwatched")
    alarm(stack, watched.metric_errors())
    outcomes = results(RULE, stack)
    assert_compliant(next(v for k, v in outcomes.items() if k.startswith("Watched")))
    assert_non_compliant(
        next(v for k, v in outcomes.items() if k.startswith("Unwatched")), "function Unwatched"
    )


def test_non_compliant_when_the_dimension_is_the_function_arn(stack: cdk.Stack):
    """Lambda publishes Errors with the function *name*; an ARN dimension never matches."""
    fn = function(stack)
    alarm(stack, errors_of(fn.function_arn))
    assert_non_compliant(
        result(RULE, stack, "Fn"),
        "refers to it but never fires",
        "is Fn::GetAtt Arn, which does not give the FunctionName (use Ref)",
    )


def test_not_applicable_to_aws_cdk_lib_functions(stack: cdk.Stack):
    lambda_.CfnFunction(
        stack,
        "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
        code={"zipFile": "x"},
        role="arn:aws:iam::1:role/r",
        runtime="python3.13",
        handler="index.handler",
    )
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_unknown_when_an_errors_alarm_names_a_parameter(stack: cdk.Stack):
    function(stack)
    name = cdk.CfnParameter(stack, "WatchedFunction")
    alarm(stack, errors_of(name.value_as_string))
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'WatchedFunction'")


def test_compliant_despite_an_unresolved_alarm_elsewhere(stack: cdk.Stack):
    fn = function(stack)
    alarm(stack, fn.metric_errors())
    alarm(stack, errors_of(cdk.CfnParameter(stack, "Other").value_as_string), "OtherAlarm")
    assert_compliant(result(RULE, stack, "Fn"))
