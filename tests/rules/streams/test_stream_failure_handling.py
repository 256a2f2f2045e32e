from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.streams.stream_failure_handling import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)

CODE = lambda_.Code.from_inline("def handler(event, context): pass")
LATEST = lambda_.StartingPosition.LATEST


def function(stack: cdk.Stack) -> lambda_.Function:
    return lambda_.Function(
        stack, "Fn", code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_13
    )


def from_kinesis(stack: cdk.Stack, **kwargs: Any) -> None:
    stream = kinesis.Stream(stack, "Stream")
    function(stack).add_event_source(
        sources.KinesisEventSource(stream, starting_position=LATEST, **kwargs)
    )


def dlq(stack: cdk.Stack) -> sources.SqsDlq:
    return sources.SqsDlq(sqs.Queue(stack, "Dlq"))


def hand_written(**properties: Any) -> dict[str, Any]:
    return {
        "Parameters": {"Retries": {"Type": "Number"}, "Bisect": {"Type": "String"}},
        "Resources": {
            "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
            "Esm": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "EventSourceArn": {"Fn::GetAtt": ["Stream", "Arn"]},
                    "FunctionName": "fn",
                    "StartingPosition": "LATEST",
                    **properties,
                },
            },
        },
    }


def test_compliant_with_destination_bisect_and_retries(stack: cdk.Stack):
    from_kinesis(stack, on_failure=dlq(stack), bisect_batch_on_error=True, retry_attempts=3)
    assert_compliant(result(RULE, stack, "FnKinesisEventSource"))


def test_compliant_with_a_record_age_instead_of_retries(stack: cdk.Stack):
    from_kinesis(
        stack,
        on_failure=dlq(stack),
        bisect_batch_on_error=True,
        max_record_age=cdk.Duration.hours(1),
    )
    assert_compliant(result(RULE, stack, "FnKinesisEventSource"))


def test_compliant_dynamodb_stream(stack: cdk.Stack):
    table = dynamodb.Table(
        stack,
        "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_IMAGE,
    )
    function(stack).add_event_source(
        sources.DynamoEventSource(
            table,
            starting_position=LATEST,
            on_failure=dlq(stack),
            bisect_batch_on_error=True,
            retry_attempts=2,
        )
    )
    assert_compliant(result(RULE, stack, "FnDynamoDBEventSource"))


def test_non_compliant_with_every_default(stack: cdk.Stack):
    """Unset: no destination, no bisection, retries and record age -1 (infinite)."""
    from_kinesis(stack)
    outcome = result(RULE, stack, "FnKinesisEventSource")
    assert_non_compliant(
        outcome,
        "DestinationConfig.OnFailure.Destination is not set",
        "BisectBatchOnFunctionError is not set (default false)",
        "MaximumRetryAttempts is unset (default -1, infinite) and "
        "MaximumRecordAgeInSeconds is unset (default -1, infinite)",
    )
    (finding,) = outcome.findings  # every problem at once, in one finding
    assert finding.suffix is None
    assert finding.message.startswith("3 of the 3 safeguards are missing, each needed: (1) ")


def test_non_compliant_only_the_missing_destination(stack: cdk.Stack):
    from_kinesis(stack, bisect_batch_on_error=True, retry_attempts=3)
    outcome = result(RULE, stack, "FnKinesisEventSource")
    assert_non_compliant(outcome, "DestinationConfig.OnFailure.Destination is not set")
    assert len(outcome.findings) == 1


def test_non_compliant_only_the_missing_bisection(stack: cdk.Stack):
    from_kinesis(stack, on_failure=dlq(stack), retry_attempts=3)
    outcome = result(RULE, stack, "FnKinesisEventSource")
    assert_non_compliant(outcome, "BisectBatchOnFunctionError is not set")
    assert len(outcome.findings) == 1


def test_non_compliant_explicitly_infinite_retries_and_age():
    template = hand_written(
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:eu-west-1:1:dlq"}},
        BisectBatchOnFunctionError="false",
        MaximumRetryAttempts=-1,
        MaximumRecordAgeInSeconds=-1,
    )
    outcome = result(RULE, template, "Esm")
    assert_non_compliant(
        outcome,
        "BisectBatchOnFunctionError is 'false'",
        "MaximumRetryAttempts is -1 (infinite) and MaximumRecordAgeInSeconds is -1 (infinite)",
    )
    assert len(outcome.findings) == 1


def test_non_compliant_destination_removed_with_no_value():
    template = hand_written(
        DestinationConfig={"OnFailure": {"Destination": {"Ref": "AWS::NoValue"}}},
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=2,
    )
    assert_non_compliant(result(RULE, template, "Esm"), "OnFailure.Destination is not set")


def test_not_applicable_to_an_sqs_mapping(stack: cdk.Stack):
    """The trap: SQS mappings cannot have on-failure destinations; the queue redrives."""
    function(stack).add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue")))
    outcome = result(RULE, stack, "FnSqsEventSource")
    assert_not_applicable(outcome)
    assert "redrive" in outcome.reason


def test_not_applicable_to_an_unresolved_source_without_starting_position(stack: cdk.Stack):
    arn = cdk.CfnParameter(stack, "SourceArn")
    lambda_.CfnEventSourceMapping(
        stack, "Esm", function_name="fn", event_source_arn=arn.value_as_string
    )
    assert_not_applicable(result(RULE, stack, "Esm"))


def test_non_compliant_stream_arn_built_with_fn_sub(stack: cdk.Stack):
    lambda_.CfnEventSourceMapping(
        stack,
        "Esm",
        function_name="fn",
        starting_position="LATEST",
        event_source_arn=cdk.Fn.sub(
            "arn:${AWS::Partition}:kinesis:${AWS::Region}:${AWS::AccountId}:stream/s"
        ),
    )
    assert_non_compliant(result(RULE, stack, "Esm"), "OnFailure.Destination is not set")


def test_unknown_when_retries_are_a_parameter():
    template = hand_written(
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:eu-west-1:1:dlq"}},
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts={"Ref": "Retries"},
    )
    assert_unknown(result(RULE, template, "Esm"), "MaximumRetryAttempts: it comes from")


def test_unknown_when_bisection_is_a_parameter():
    template = hand_written(
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:eu-west-1:1:dlq"}},
        BisectBatchOnFunctionError={"Ref": "Bisect"},
        MaximumRetryAttempts=1,
    )
    assert_unknown(result(RULE, template, "Esm"), "BisectBatchOnFunctionError")


def test_non_compliant_when_a_condition_removes_the_destination():
    template = hand_written(
        DestinationConfig={
            "OnFailure": {
                "Destination": {
                    "Fn::If": ["Prod", "arn:aws:sqs:eu-west-1:1:dlq", {"Ref": "AWS::NoValue"}]
                }
            }
        },
        BisectBatchOnFunctionError=True,
        MaximumRetryAttempts=1,
    )
    assert_non_compliant(
        result(RULE, template, "Esm"), "When Prod is false: DestinationConfig.OnFailure"
    )


def test_unknown_when_a_stream_source_is_a_parameter(stack: cdk.Stack):
    arn = cdk.CfnParameter(stack, "SourceArn")
    lambda_.CfnEventSourceMapping(
        stack,
        "Esm",
        function_name="fn",
        event_source_arn=arn.value_as_string,
        starting_position="LATEST",
    )
    assert_unknown(result(RULE, stack, "Esm"), "Kinesis or DynamoDB stream")


def test_non_compliant_wins_over_an_unresolved_piece():
    """A definitely missing destination is reported even when retries are a parameter."""
    template = hand_written(
        BisectBatchOnFunctionError=True, MaximumRetryAttempts={"Ref": "Retries"}
    )
    outcome = result(RULE, template, "Esm")
    assert_non_compliant(outcome, "OnFailure.Destination is not set")
    assert len(outcome.findings) == 1


def test_non_compliant_when_bisection_is_set_only_under_a_condition():
    template = hand_written(
        DestinationConfig={"OnFailure": {"Destination": "arn:aws:sqs:eu-west-1:1:dlq"}},
        BisectBatchOnFunctionError={"Fn::If": ["Prod", True, {"Ref": "AWS::NoValue"}]},
        MaximumRetryAttempts=1,
    )
    assert_non_compliant(result(RULE, template, "Esm"), "When Prod is false: BisectBatch")
