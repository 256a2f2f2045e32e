from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.sqs.sqs_partial_batch import RULE
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


def consume(stack: cdk.Stack, **kwargs: object) -> None:
    function(stack).add_event_source(
        sources.SqsEventSource(sqs.Queue(stack, "Queue"), **kwargs)  # type: ignore[arg-type]
    )


def test_compliant_reporting_batch_item_failures(stack: cdk.Stack):
    consume(stack, report_batch_item_failures=True)
    assert_compliant(result(RULE, stack, "FnSqsEventSource"))


def test_compliant_batch_of_one(stack: cdk.Stack):
    consume(stack, batch_size=1)
    assert_compliant(result(RULE, stack, "FnSqsEventSource"))


def test_non_compliant_default_batch_size(stack: cdk.Stack):
    """BatchSize unset: Lambda's default for SQS is 10."""
    consume(stack)
    assert_non_compliant(
        result(RULE, stack, "FnSqsEventSource"),
        "BatchSize is 10 (unset: Lambda's default for SQS)",
        "does not include ReportBatchItemFailures",
    )


def test_non_compliant_explicit_batch_size(stack: cdk.Stack):
    consume(stack, batch_size=2)
    outcome = result(RULE, stack, "FnSqsEventSource")
    assert_non_compliant(outcome, "BatchSize is 2 and", "all 2 messages")
    assert "unset" not in outcome.findings[0].message


def test_non_compliant_sqs_arn_built_with_fn_sub(stack: cdk.Stack):
    """The queue need not be in the template: the mapping's own properties decide."""
    lambda_.CfnEventSourceMapping(
        stack,
        "Esm",
        function_name="fn",
        event_source_arn=cdk.Fn.sub("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:q"),
        batch_size=5,
    )
    assert_non_compliant(result(RULE, stack, "Esm"), "BatchSize is 5")


def test_not_applicable_to_a_kinesis_mapping(stack: cdk.Stack):
    function(stack).add_event_source(
        sources.KinesisEventSource(
            kinesis.Stream(stack, "Stream"), starting_position=lambda_.StartingPosition.LATEST
        )
    )
    assert_not_applicable(result(RULE, stack, "FnKinesisEventSource"))


def test_unknown_when_batch_size_is_a_parameter(stack: cdk.Stack):
    size = cdk.CfnParameter(stack, "BatchSize", type="Number")
    queue = sqs.Queue(stack, "Queue")
    lambda_.CfnEventSourceMapping(
        stack,
        "Esm",
        function_name="fn",
        event_source_arn=queue.queue_arn,
        batch_size=size.value_as_number,
    )
    assert_unknown(result(RULE, stack, "Esm"), "BatchSize: it comes from the template parameter")


def test_unknown_when_the_source_may_be_sqs(stack: cdk.Stack):
    arn = cdk.CfnParameter(stack, "SourceArn")
    lambda_.CfnEventSourceMapping(
        stack, "Esm", function_name="fn", event_source_arn=arn.value_as_string
    )
    assert_unknown(result(RULE, stack, "Esm"), "whether the source is an SQS queue")


def test_compliant_when_the_source_is_unresolved_but_failures_are_reported(stack: cdk.Stack):
    arn = cdk.CfnParameter(stack, "SourceArn")
    lambda_.CfnEventSourceMapping(
        stack,
        "Esm",
        function_name="fn",
        event_source_arn=arn.value_as_string,
        function_response_types=["ReportBatchItemFailures"],
    )
    assert_compliant(result(RULE, stack, "Esm"))
