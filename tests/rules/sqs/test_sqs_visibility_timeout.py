from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.sqs.sqs_visibility_timeout import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def function(stack: cdk.Stack, timeout: int | None = None) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "Fn",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        timeout=cdk.Duration.seconds(timeout) if timeout is not None else None,
    )


def consume(
    stack: cdk.Stack,
    *,
    timeout: int | None,
    visibility: int | None,
    window: int | None = None,
) -> None:
    queue = sqs.Queue(
        stack,
        "Queue",
        visibility_timeout=cdk.Duration.seconds(visibility) if visibility is not None else None,
    )
    function(stack, timeout).add_event_source(
        sources.SqsEventSource(
            queue,
            max_batching_window=cdk.Duration.seconds(window) if window is not None else None,
        )
    )


def test_compliant_six_times_the_timeout(stack: cdk.Stack):
    consume(stack, timeout=10, visibility=60)
    assert_compliant(result(RULE, stack, "FnSqsEventSource"))


def test_compliant_with_every_default(stack: cdk.Stack):
    """Unset: SQS hides messages for 30 s, Lambda times out after 3 s; 30 >= 6 x 3."""
    consume(stack, timeout=None, visibility=None)
    assert_compliant(result(RULE, stack, "FnSqsEventSource"))


def test_non_compliant_below_six_times(stack: cdk.Stack):
    consume(stack, timeout=10, visibility=59)
    assert_non_compliant(
        result(RULE, stack, "FnSqsEventSource"),
        "VisibilityTimeout 59 s",
        "6 x the timeout of function Fn",
        "(10 s)",
        "MaximumBatchingWindowInSeconds (0 s) = 60 s.",
    )


def test_non_compliant_batching_window_raises_the_requirement(stack: cdk.Stack):
    """60 s would do for a 10 s function, but messages also wait up to 5 s in the window."""
    consume(stack, timeout=10, visibility=60, window=5)
    outcome = result(RULE, stack, "FnSqsEventSource")
    assert_non_compliant(
        outcome, "VisibilityTimeout 60 s", "MaximumBatchingWindowInSeconds (5 s) = 65 s."
    )
    assert "Defaults assumed" not in outcome.findings[0].message


def test_compliant_when_visibility_covers_the_window(stack: cdk.Stack):
    consume(stack, timeout=10, visibility=65, window=5)
    assert_compliant(result(RULE, stack, "FnSqsEventSource"))


def test_non_compliant_uses_the_sqs_default_visibility(stack: cdk.Stack):
    consume(stack, timeout=10, visibility=None)
    assert_non_compliant(
        result(RULE, stack, "FnSqsEventSource"),
        "VisibilityTimeout 30 s",
        "= 60 s.",
        "Defaults assumed: queue VisibilityTimeout unset, SQS default 30 s; "
        "MaximumBatchingWindowInSeconds unset, default 0 s.",
    )


def test_non_compliant_uses_the_lambda_default_timeout(stack: cdk.Stack):
    consume(stack, timeout=None, visibility=10)
    assert_non_compliant(
        result(RULE, stack, "FnSqsEventSource"),
        "VisibilityTimeout 10 s",
        "(3 s)",
        "= 18 s.",
        "Defaults assumed: function Timeout unset, Lambda default 3 s; "
        "MaximumBatchingWindowInSeconds unset, default 0 s.",
    )


def test_non_compliant_string_numbers_from_a_hand_written_template():
    template = {
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": "20"}},
            "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": "4"}},
            "Esm": {
                "Type": "AWS::Lambda::EventSourceMapping",
                "Properties": {
                    "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
                    "FunctionName": {"Ref": "Fn"},
                    "MaximumBatchingWindowInSeconds": "1",
                },
            },
        }
    }
    assert_non_compliant(result(RULE, template, "Esm"), "20 s", "(4 s)", "(1 s) = 25 s.")


def test_not_applicable_to_a_kinesis_mapping(stack: cdk.Stack):
    stream = kinesis.Stream(stack, "Stream")
    function(stack, 900).add_event_source(
        sources.KinesisEventSource(stream, starting_position=lambda_.StartingPosition.LATEST)
    )
    assert_not_applicable(result(RULE, stack, "FnKinesisEventSource"))


def test_not_applicable_when_an_unresolved_source_has_a_starting_position(stack: cdk.Stack):
    arn = cdk.CfnParameter(stack, "SourceArn")
    lambda_.CfnEventSourceMapping(
        stack,
        "Esm",
        function_name="some-function",
        event_source_arn=arn.value_as_string,
        starting_position="LATEST",
    )
    assert_not_applicable(result(RULE, stack, "Esm"))


def test_unknown_when_the_queue_is_imported(stack: cdk.Stack):
    queue = sqs.Queue.from_queue_arn(stack, "Imported", "arn:aws:sqs:eu-west-1:123456789012:q")
    function(stack, 10).add_event_source(sources.SqsEventSource(queue))
    assert_unknown(result(RULE, stack, "FnSqsEventSource"), "not an AWS::SQS::Queue of this")


def test_unknown_when_the_function_is_not_in_the_template(stack: cdk.Stack):
    queue = sqs.Queue(stack, "Queue")
    lambda_.CfnEventSourceMapping(
        stack, "Esm", function_name="elsewhere", event_source_arn=queue.queue_arn
    )
    assert_unknown(result(RULE, stack, "Esm"), "FunctionName")


def test_unknown_when_the_visibility_is_a_parameter(stack: cdk.Stack):
    visibility = cdk.CfnParameter(stack, "Visibility", type="Number")
    queue = sqs.CfnQueue(stack, "Queue", visibility_timeout=visibility.value_as_number)
    function(stack, 10).add_event_source(
        sources.SqsEventSource(sqs.Queue.from_queue_arn(stack, "Q", queue.attr_arn))
    )
    assert_unknown(result(RULE, stack, "FnSqsEventSource"), "template parameter 'Visibility'")


def test_unknown_when_the_source_arn_is_a_parameter(stack: cdk.Stack):
    arn = cdk.CfnParameter(stack, "SourceArn")
    lambda_.CfnEventSourceMapping(
        stack, "Esm", function_name="some-function", event_source_arn=arn.value_as_string
    )
    assert_unknown(result(RULE, stack, "Esm"), "whether the source is an SQS queue")
