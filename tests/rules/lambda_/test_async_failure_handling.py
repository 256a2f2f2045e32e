from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.lambda_.async_failure_handling import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)
from tests.rules.harness import (
    l2_function as function,
)


def cfn_function(stack: cdk.Stack, construct_id: str = "Fn", **kwargs: object) -> None:
    lambda_.CfnFunction(
        stack,
        construct_id,
        code={"zipFile": "x"},
        role="arn:aws:iam::123456789012:role/r",
        runtime="python3.13",
        handler="index.handler",
        **kwargs,
    )  # type: ignore[arg-type]


def test_compliant_with_dead_letter_queue(stack: cdk.Stack):
    fn = function(stack, dead_letter_queue=sqs.Queue(stack, "Dlq"))
    sns.Topic(stack, "Topic").add_subscription(subscriptions.LambdaSubscription(fn))
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_with_on_failure_destination(stack: cdk.Stack):
    fn = function(stack, on_failure=destinations.SqsDestination(sqs.Queue(stack, "Failed")))
    s3.Bucket(stack, "Bucket").add_event_notification(
        s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(fn)
    )
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_s3_notification(stack: cdk.Stack):
    fn = function(stack)
    s3.Bucket(stack, "Bucket").add_event_notification(
        s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(fn)
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "S3 event notifications", "no DeadLetterConfig")


def test_non_compliant_sns_subscription(stack: cdk.Stack):
    fn = function(stack)
    sns.Topic(stack, "Topic").add_subscription(subscriptions.LambdaSubscription(fn))
    assert_non_compliant(result(RULE, stack, "Fn"), "SNS subscriptions")


def test_non_compliant_eventbridge_target_dead_letter_queue_does_not_count(stack: cdk.Stack):
    """The rule target's DLQ keeps undeliverable events, not the function's failures."""
    fn = function(stack)
    rule = events.Rule(stack, "Rule", schedule=events.Schedule.rate(cdk.Duration.hours(1)))
    rule.add_target(targets.LambdaFunction(fn, dead_letter_queue=sqs.Queue(stack, "RuleDlq")))
    assert_non_compliant(result(RULE, stack, "Fn"), "EventBridge rules")


def test_non_compliant_scheduler_target_dead_letter_queue_does_not_count(stack: cdk.Stack):
    fn = function(stack)
    scheduler.CfnSchedule(
        stack,
        "Schedule",
        flexible_time_window={"mode": "OFF"},
        schedule_expression="rate(1 hour)",
        target={
            "arn": fn.function_arn,
            "roleArn": "arn:aws:iam::123456789012:role/s",
            "deadLetterConfig": {"arn": sqs.Queue(stack, "ScheduleDlq").queue_arn},
        },
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "EventBridge Scheduler (schedule Schedule)")


def test_non_compliant_event_invoke_config_without_destination(stack: cdk.Stack):
    fn = function(stack)
    fn.configure_async_invoke(retry_attempts=0)
    assert_non_compliant(result(RULE, stack, "Fn"), "asynchronous invoke configuration")


def test_not_applicable_sqs_event_source(stack: cdk.Stack):
    """An SQS consumer is invoked synchronously by a poller; the queue's redrive applies."""
    fn = function(stack)
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue")))
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_api_gateway_permission(stack: cdk.Stack):
    fn = function(stack)
    apigw.LambdaRestApi(stack, "Api", handler=fn)
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_same_account_principal(stack: cdk.Stack):
    """An account principal is resolved (IAM decides), not an unknown service."""
    fn = function(stack)
    fn.grant_invoke(iam.AccountPrincipal(cdk.Aws.ACCOUNT_ID))
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_without_trigger_even_with_dead_letter_queue(stack: cdk.Stack):
    function(stack, dead_letter_queue=sqs.Queue(stack, "Dlq"))
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_to_cdk_framework_function(stack: cdk.Stack):
    cfn_function(stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a")
    lambda_.CfnPermission(
        stack,
        "Perm",
        action="lambda:InvokeFunction",
        function_name="LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
        principal="events.amazonaws.com",
    )
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_unknown_when_a_principal_is_a_parameter(stack: cdk.Stack):
    principal = cdk.CfnParameter(stack, "InvokerPrincipal", default="sns.amazonaws.com")
    cfn_function(stack)
    lambda_.CfnPermission(
        stack,
        "Perm",
        action="lambda:InvokeFunction",
        function_name=cdk.Fn.ref("Fn"),
        principal=principal.value_as_string,
    )
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'InvokerPrincipal'")


def test_non_compliant_when_a_condition_removes_the_dead_letter_queue(stack: cdk.Stack):
    condition = cdk.CfnCondition(
        stack, "WithDlq", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "eu-west-1")
    )
    cfn_function(
        stack,
        dead_letter_config={
            "targetArn": cdk.Fn.condition_if(
                condition.logical_id, "arn:aws:sqs:eu-west-1:123456789012:dlq", cdk.Aws.NO_VALUE
            ).to_string()
        },
    )
    lambda_.CfnPermission(
        stack,
        "Perm",
        action="lambda:InvokeFunction",
        function_name=cdk.Fn.ref("Fn"),
        principal="sns.amazonaws.com",
        source_arn="arn:aws:sns:eu-west-1:123456789012:t",
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "When WithDlq is false: It is invoked")
