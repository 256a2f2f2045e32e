from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.cloudwatch.iterator_age_alarm import RULE
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


def kinesis_mapping(
    stack: cdk.Stack, target: lambda_.IFunction, construct_id: str = "Esm"
) -> lambda_.EventSourceMapping:
    stream = kinesis.Stream(stack, f"{construct_id}Stream")
    return lambda_.EventSourceMapping(
        stack,
        construct_id,
        target=target,
        event_source_arn=stream.stream_arn,
        starting_position=lambda_.StartingPosition.TRIM_HORIZON,
    )


def iterator_age_of(name: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace="AWS/Lambda", metric_name="IteratorAge", dimensions_map={"FunctionName": name}
    )


def alarm(stack: cdk.Stack, metric: cloudwatch.IMetric, construct_id: str = "Alarm") -> None:
    metric.create_alarm(stack, construct_id, threshold=60_000, evaluation_periods=1)


def test_compliant_with_an_iterator_age_alarm(stack: cdk.Stack):
    fn = function(stack)
    kinesis_mapping(stack, fn)
    alarm(stack, fn.metric("IteratorAge", statistic="Maximum"))
    assert_compliant(result(RULE, stack, "Esm"))


def test_compliant_for_a_dynamodb_stream_through_an_alias(stack: cdk.Stack):
    fn = function(stack)
    alias = lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
    table = dynamodb.TableV2(
        stack,
        "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        dynamo_stream=dynamodb.StreamViewType.NEW_IMAGE,
    )
    lambda_.EventSourceMapping(
        stack,
        "Esm",
        target=alias,
        event_source_arn=str(table.table_stream_arn),
        starting_position=lambda_.StartingPosition.LATEST,
    )
    alarm(stack, fn.metric("IteratorAge"))
    assert_compliant(result(RULE, stack, "Esm"))


def test_non_compliant_without_an_alarm(stack: cdk.Stack):
    fn = function(stack)
    kinesis_mapping(stack, fn)
    alarm(stack, fn.metric_errors())  # another metric does not count
    assert_non_compliant(
        result(RULE, stack, "Esm"),
        "No CloudWatch alarm",
        "AWS/Lambda IteratorAge metric of function Fn",
        "kinesis stream mapping",
    )


def test_non_compliant_when_another_consumer_is_watched(stack: cdk.Stack):
    watched = function(stack, "Watched")
    unwatched = function(stack, "Unwatched")
    kinesis_mapping(stack, watched, "WatchedEsm")
    kinesis_mapping(stack, unwatched, "UnwatchedEsm")
    alarm(stack, watched.metric("IteratorAge"))
    outcomes = results(RULE, stack)
    assert_compliant(next(v for k, v in outcomes.items() if k.startswith("WatchedEsm")))
    assert_non_compliant(
        next(v for k, v in outcomes.items() if k.startswith("UnwatchedEsm")), "function Unwatched"
    )


def test_non_compliant_when_the_dimension_is_the_function_arn(stack: cdk.Stack):
    fn = function(stack)
    kinesis_mapping(stack, fn)
    alarm(stack, iterator_age_of(fn.function_arn))
    assert_non_compliant(result(RULE, stack, "Esm"), "refers to it but never fires")


def test_not_applicable_to_an_sqs_mapping(stack: cdk.Stack):
    fn = function(stack)
    queue = sqs.Queue(stack, "Queue")
    lambda_.EventSourceMapping(stack, "Esm", target=fn, event_source_arn=queue.queue_arn)
    assert_not_applicable(result(RULE, stack, "Esm"))


def test_unknown_when_the_function_is_not_in_the_template(stack: cdk.Stack):
    imported = lambda_.Function.from_function_arn(
        stack, "Theirs", "arn:aws:lambda:eu-west-1:123456789012:function:theirs"
    )
    kinesis_mapping(stack, imported)
    assert_unknown(result(RULE, stack, "Esm"), "not a function of this template")


def test_unknown_when_an_iterator_age_alarm_names_a_parameter(stack: cdk.Stack):
    fn = function(stack)
    kinesis_mapping(stack, fn)
    alarm(stack, iterator_age_of(cdk.CfnParameter(stack, "Watched").value_as_string))
    assert_unknown(result(RULE, stack, "Esm"), "template parameter 'Watched'")


def test_unknown_when_the_source_is_a_parameter(stack: cdk.Stack):
    fn = function(stack)
    arn = cdk.CfnParameter(stack, "SourceArn").value_as_string
    lambda_.EventSourceMapping(
        stack,
        "Esm",
        target=fn,
        event_source_arn=arn,
        starting_position=lambda_.StartingPosition.LATEST,
    )
    assert_unknown(result(RULE, stack, "Esm"), "whether the source is a Kinesis or DynamoDB")
