from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.cloudwatch.dlq_alarm import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)

CODE = lambda_.Code.from_inline("def handler(event, context): pass")
VISIBLE = "ApproximateNumberOfMessagesVisible"


def function(stack: cdk.Stack, **kwargs: object) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "Fn",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        **kwargs,
    )  # type: ignore[arg-type]


def redrive_to(stack: cdk.Stack, **dlq_props: Any) -> sqs.Queue:
    dlq = sqs.Queue(stack, "Dlq", **dlq_props)
    sqs.Queue(
        stack, "Source", dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5)
    )
    return dlq


def alarm(stack: cdk.Stack, metric: cloudwatch.IMetric) -> None:
    metric.create_alarm(stack, "Alarm", threshold=1, evaluation_periods=1)


def visible_of(name: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/SQS", metric_name=VISIBLE, dimensions_map={"QueueName": name}
    )


def test_compliant_with_visible_messages_alarm(stack: cdk.Stack):
    dlq = redrive_to(stack)
    alarm(stack, dlq.metric_approximate_number_of_messages_visible())
    assert_compliant(result(RULE, stack, "Dlq"))


def test_compliant_with_the_literal_queue_name(stack: cdk.Stack):
    redrive_to(stack, queue_name="orders-dlq")
    alarm(stack, visible_of("orders-dlq"))
    assert_compliant(result(RULE, stack, "Dlq"))


def test_non_compliant_redrive_target_without_alarm(stack: cdk.Stack):
    redrive_to(stack)
    assert_non_compliant(
        result(RULE, stack, "Dlq"),
        "is the redrive target of queue Source",
        f"AWS/SQS {VISIBLE}",
    )


def test_non_compliant_function_dlq(stack: cdk.Stack):
    function(stack, dead_letter_queue=sqs.Queue(stack, "Dlq"))
    assert_non_compliant(result(RULE, stack, "Dlq"), "dead-letter queue of function Fn")


def test_non_compliant_stream_on_failure_destination(stack: cdk.Stack):
    function(stack).add_event_source(
        sources.KinesisEventSource(
            kinesis.Stream(stack, "Stream"),
            starting_position=lambda_.StartingPosition.LATEST,
            on_failure=sources.SqsDlq(sqs.Queue(stack, "Dlq")),
        )
    )
    assert_non_compliant(
        result(RULE, stack, "Dlq"), "event source mapping on-failure destination (Fn"
    )


def test_non_compliant_eventbridge_target_dlq(stack: cdk.Stack):
    rule = events.Rule(stack, "Rule", schedule=events.Schedule.rate(cdk.Duration.hours(1)))
    rule.add_target(
        targets.LambdaFunction(function(stack), dead_letter_queue=sqs.Queue(stack, "Dlq"))
    )
    assert_non_compliant(result(RULE, stack, "Dlq"), "dead-letter queue of EventBridge rule Rule")


def test_non_compliant_when_another_metric_is_watched(stack: cdk.Stack):
    dlq = redrive_to(stack)
    alarm(stack, dlq.metric_number_of_messages_sent())
    assert_non_compliant(result(RULE, stack, "Dlq"), "no CloudWatch alarm")


def test_non_compliant_when_the_dimension_is_the_queue_url(stack: cdk.Stack):
    """Ref of a queue is its URL, not the QueueName the metric is published under."""
    dlq = redrive_to(stack)
    alarm(stack, visible_of(dlq.queue_url))
    assert_non_compliant(
        result(RULE, stack, "Dlq"),
        "never fires",
        "QueueName dimension is Ref, which does not give the QueueName (use Fn::GetAtt QueueName)",
    )


def test_non_compliant_json_string_redrive_policy():
    """A RedrivePolicy written as a JSON string (Fn::Sub) still makes its target a DLQ."""
    template = {
        "Resources": {
            "Dlq": {"Type": "AWS::SQS::Queue"},
            "Source": {
                "Type": "AWS::SQS::Queue",
                "Properties": {
                    "RedrivePolicy": {
                        "Fn::Sub": json.dumps(
                            {"deadLetterTargetArn": "${Dlq.Arn}", "maxReceiveCount": 5}
                        )
                    }
                },
            },
        }
    }
    assert_non_compliant(result(RULE, template, "Dlq"), "redrive target of queue Source")
    assert_not_applicable(result(RULE, template, "Source"))


def test_not_applicable_to_a_queue_that_is_no_dlq(stack: cdk.Stack):
    redrive_to(stack)
    assert_not_applicable(result(RULE, stack, "Source"))


def test_unknown_when_a_visible_messages_alarm_names_an_import(stack: cdk.Stack):
    redrive_to(stack)
    alarm(stack, visible_of(cdk.Fn.import_value("SharedDlqName")))
    assert_unknown(result(RULE, stack, "Dlq"), "Fn::ImportValue")
