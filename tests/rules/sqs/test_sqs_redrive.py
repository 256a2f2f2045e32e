from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.model import Severity
from best_lambda.rules.sqs.sqs_redrive import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def function(stack: cdk.Stack) -> lambda_.Function:
    return lambda_.Function(
        stack, "Fn", code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_13
    )


def consume(stack: cdk.Stack, queue: sqs.IQueue) -> None:
    function(stack).add_event_source(sources.SqsEventSource(queue))


def with_dlq(stack: cdk.Stack, max_receive_count: int) -> sqs.Queue:
    dlq = sqs.Queue(stack, "Dlq")
    return sqs.Queue(
        stack,
        "Queue",
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=max_receive_count),
    )


def hand_written(redrive_policy: Any) -> dict[str, Any]:
    queue_props = {} if redrive_policy is None else {"RedrivePolicy": redrive_policy}
    return {
        "Parameters": {"Count": {"Type": "Number"}, "DlqArn": {"Type": "String"}},
        "Resources": {
            "Dlq": {"Type": "AWS::SQS::Queue"},
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": queue_props},
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {}},
            "Esm": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
                    "FunctionName": {"Ref": "Fn"},
                },
            },
        },
    }


def test_compliant_with_a_dlq_after_five_receives(stack: cdk.Stack):
    consume(stack, with_dlq(stack, 5))
    assert_compliant(result(RULE, stack, "FnSqsEventSource"))


def test_compliant_with_a_json_string_redrive_policy():
    """CloudFormation accepts RedrivePolicy as a JSON string as well as an object."""
    policy = json.dumps(
        {"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:1:dlq", "maxReceiveCount": 5}
    )
    assert_compliant(result(RULE, hand_written(policy), "Esm"))


def test_compliant_with_an_fn_sub_json_redrive_policy():
    policy = {"Fn::Sub": '{"deadLetterTargetArn": "${Dlq.Arn}", "maxReceiveCount": 10}'}
    assert_compliant(result(RULE, hand_written(policy), "Esm"))


def test_non_compliant_without_redrive_policy(stack: cdk.Stack):
    consume(stack, sqs.Queue(stack, "Queue"))
    outcome = result(RULE, stack, "FnSqsEventSource")
    assert_non_compliant(outcome, "Queue Queue", "has no RedrivePolicy")
    assert outcome.findings[0].severity is None  # an error, the rule's severity


def test_non_compliant_redrive_policy_without_target():
    outcome = result(RULE, hand_written({"maxReceiveCount": 5}), "Esm")
    assert_non_compliant(outcome, "has no deadLetterTargetArn")


def test_non_compliant_low_receive_count_is_a_warning(stack: cdk.Stack):
    consume(stack, with_dlq(stack, 3))
    outcome = result(RULE, stack, "FnSqsEventSource")
    assert_non_compliant(outcome, "maxReceiveCount 3, below the 5")
    assert [f.severity for f in outcome.findings] == [Severity.WARNING]


def test_non_compliant_low_receive_count_in_a_json_string():
    policy = json.dumps(
        {"deadLetterTargetArn": "arn:aws:sqs:eu-west-1:1:dlq", "maxReceiveCount": 1}
    )
    outcome = result(RULE, hand_written(policy), "Esm")
    assert_non_compliant(outcome, "maxReceiveCount 1")
    assert outcome.findings[0].severity is Severity.WARNING


def test_not_applicable_to_a_dynamodb_stream(stack: cdk.Stack):
    table = dynamodb.Table(
        stack,
        "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_IMAGE,
    )
    function(stack).add_event_source(
        sources.DynamoEventSource(table, starting_position=lambda_.StartingPosition.LATEST)
    )
    assert_not_applicable(result(RULE, stack, "FnDynamoDBEventSource"))


def test_unknown_when_the_queue_is_imported(stack: cdk.Stack):
    consume(stack, sqs.Queue.from_queue_arn(stack, "Q", "arn:aws:sqs:eu-west-1:1:queue"))
    assert_unknown(result(RULE, stack, "FnSqsEventSource"), "not an AWS::SQS::Queue")


def test_unknown_when_the_receive_count_is_a_parameter():
    policy = {
        "deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]},
        "maxReceiveCount": {"Ref": "Count"},
    }
    assert_unknown(result(RULE, hand_written(policy), "Esm"), "template parameter 'Count'")


def test_non_compliant_when_a_condition_removes_the_redrive_policy():
    policy = {
        "Fn::If": [
            "Prod",
            {"deadLetterTargetArn": {"Ref": "DlqArn"}, "maxReceiveCount": 5},
            {"Ref": "AWS::NoValue"},
        ]
    }
    assert_non_compliant(
        result(RULE, hand_written(policy), "Esm"), "When Prod is false: Queue Queue has no"
    )


def test_unknown_when_an_fn_sub_policy_substitutes_the_count():
    policy = {"Fn::Sub": '{"deadLetterTargetArn": "${DlqArn}", "maxReceiveCount": "${Count}"}'}
    assert_unknown(result(RULE, hand_written(policy), "Esm"), "substituted at deploy time")


def test_each_receive_count_of_a_condition_is_judged():
    """Both branches set maxReceiveCount, to different values: each is judged."""
    policy = {
        "deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]},
        "maxReceiveCount": {"Fn::If": ["Prod", 3, 10]},
    }
    outcome = result(RULE, hand_written(policy), "Esm")
    assert_non_compliant(outcome, "When Prod is true: The RedrivePolicy of queue Queue has")
    assert outcome.findings[0].severity is Severity.WARNING
