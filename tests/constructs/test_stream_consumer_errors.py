"""StreamConsumer refuses every invalid combination with one error listing all problems."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_

from best_lambda import HardenedFunctionOptions, InvalidPropsError, StreamConsumer
from best_lambda.defaults.lambda_ import FUNCTION_PROPS
from best_lambda.defaults.streams import STREAM_CONSUMER_PROPS

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
OPTIONS = HardenedFunctionOptions(code=CODE, handler="index.handler")


def problems_of(stack: cdk.Stack, **kwargs: Any) -> list[str]:
    options: dict[str, Any] = dict(OPTIONS)
    options |= {
        k: kwargs.pop(k)
        for k in list(kwargs)
        if k in FUNCTION_PROPS and k not in STREAM_CONSUMER_PROPS
    }
    options |= kwargs.pop("function_options", {})
    with pytest.raises(InvalidPropsError) as caught:
        StreamConsumer(stack, "Bad", function_options=HardenedFunctionOptions(**options), **kwargs)
    assert str(caught.value).startswith("StreamConsumer 'Bad' has")
    assert stack.node.try_find_child("Bad") is None  # nothing was created
    return [str(p) for p in caught.value.problems]


def table(stack: cdk.Stack, *, stream: bool = True) -> dynamodb.TableV2:
    return dynamodb.TableV2(
        stack,
        "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        dynamo_stream=dynamodb.StreamViewType.NEW_IMAGE if stream else None,
    )


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"batch_size": 0}, "batch_size=0: must be an int from 1 to 10,000 (Lambda's limit)"),
        ({"batch_size": 10_001}, "batch_size=10001: must be an int from 1 to 10,000"),
        (
            {"max_batching_window": cdk.Duration.minutes(6)},
            "max_batching_window=Duration.minutes(6): must be a whole number of seconds from 0 "
            "to 300",
        ),
        ({"parallelization_factor": 0}, "parallelization_factor=0: must be an int from 1 to 10"),
        ({"parallelization_factor": 11}, "parallelization_factor=11: must be an int from 1 to 10"),
        ({"retry_attempts": -2}, "retry_attempts=-2: must be an int from -1 to 10,000"),
        ({"retry_attempts": 10_001}, "retry_attempts=10001: must be an int from -1 to 10,000"),
        (
            {"max_record_age": cdk.Duration.seconds(59)},
            "max_record_age=Duration.seconds(59): must be a whole number of seconds from 60 to "
            "604,800 (Lambda limit)",
        ),
        (
            {"max_record_age": cdk.Duration.days(8)},
            "max_record_age=Duration.days(8): must be a whole number of seconds from 60 to 604,800",
        ),
        (
            {"max_record_age": cdk.Duration.hours(24)},
            "max_record_age=Duration.hours(24): must be shorter than the stream's 24 h retention",
        ),
        (
            {"retention_period": cdk.Duration.hours(48), "max_record_age": cdk.Duration.days(3)},
            "max_record_age=Duration.days(3): must be shorter than the stream's 48 h retention",
        ),
        (
            {"tumbling_window": cdk.Duration.seconds(901)},
            "tumbling_window=Duration.seconds(901): must be a whole number of seconds from 0 to "
            "900",
        ),
        (
            {"iterator_age_sla": cdk.Duration.hours(1)},
            "iterator_age_sla + max_record_age=Duration.hours(1): must be shorter than "
            "max_record_age (3600 s)",
        ),
        (
            {"stream_mode": kinesis.StreamMode.PROVISIONED},
            "stream_mode + shard_count=StreamMode.PROVISIONED: StreamMode.PROVISIONED needs "
            "shard_count=",
        ),
        ({"shard_count": 2}, "shard_count + stream_mode=2: applies only with stream_mode"),
        (
            {"retention_period": cdk.Duration.hours(12)},
            "retention_period=Duration.hours(12): must be a whole number of seconds from 86,400",
        ),
        (
            {"starting_position": lambda_.StartingPosition.AT_TIMESTAMP},
            "starting_position + starting_position_timestamp=StartingPosition.AT_TIMESTAMP: "
            "AT_TIMESTAMP needs starting_position_timestamp=",
        ),
        (
            {"starting_position_timestamp": 1_700_000_000},
            "starting_position_timestamp + starting_position=1700000000: applies only with "
            "starting_position=StartingPosition.AT_TIMESTAMP",
        ),
        (
            {"on_failure": "arn:aws:sqs:eu-west-1:123456789012:failures"},
            "on_failure='arn:aws:sqs:eu-west-1:123456789012:failures': expected aws_sqs.IQueue "
            "or aws_lambda.IEventSourceDlq",
        ),
        ({"stream": "clicks"}, "stream='clicks': expected aws_kinesis.IStream"),
        ({"enhanced_fan_out": "yes"}, "enhanced_fan_out='yes': expected bool"),
        ({"filters": [{"pattern": 5}]}, "filters[0]['pattern']=5: expected str, got int"),
        (
            {"batch_sise": 5},
            "batch_sise=...: is not a keyword argument of StreamConsumer; did you mean "
            "'batch_size'?",
        ),
        (
            {"timeout": cdk.Duration.minutes(20)},
            "function_options.timeout=Duration.minutes(20): must be a whole number of seconds "
            "from 1 to 900",
        ),
        (
            {"function_options": {"on_failure": lambda_.Code}},
            "function_options.on_failure=",
        ),
        (
            {"function_options": {"retry_attempts": 1}},
            "function_options.retry_attempts=1: does not apply: an event source mapping polls "
            "for the function, and failures are handled where the records come from; "
            "StreamConsumer(retry_attempts=...) configures the trigger's own",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_each_invalid_setting(stack: cdk.Stack, kwargs: dict[str, Any], expected: str):
    problems = problems_of(stack, **kwargs)
    assert any(expected in p for p in problems), problems


def test_a_table_without_a_stream_is_refused_naming_the_fix(stack: cdk.Stack):
    (problem,) = problems_of(stack, table=table(stack, stream=False))
    assert problem == (
        "table=<table Test/Table>: has no stream: create it with "
        "stream=StreamViewType.NEW_AND_OLD_IMAGES (TableV2: dynamo_stream=...), or import it with "
        "Table.from_table_attributes(..., table_stream_arn=...)"
    )


def test_an_imported_table_needs_its_stream_arn(stack: cdk.Stack):
    imported = dynamodb.Table.from_table_name(stack, "Theirs", "orders")
    assert "has no stream" in problems_of(stack, table=imported)[0]


def test_a_table_v1_without_a_stream_is_refused(stack: cdk.Stack):
    plain = dynamodb.Table(
        stack,
        "Plain",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
    )
    assert "has no stream" in problems_of(stack, table=plain)[0]


def test_what_kinesis_alone_has_is_refused_for_a_table(stack: cdk.Stack):
    problems = problems_of(
        stack,
        table=table(stack),
        enhanced_fan_out=True,
        starting_position=lambda_.StartingPosition.AT_TIMESTAMP,
        starting_position_timestamp=1_700_000_000,
        stream_mode=kinesis.StreamMode.ON_DEMAND,
        max_record_age=cdk.Duration.days(2),
    )
    assert problems == [
        "stream_mode + table=StreamMode.ON_DEMAND: applies only to the stream StreamConsumer "
        "creates; configure the table you pass instead",
        "enhanced_fan_out + table=True: Kinesis only: DynamoDB streams have no consumers",
        "starting_position + table=StartingPosition.AT_TIMESTAMP: DynamoDB streams start at "
        "StartingPosition.TRIM_HORIZON or LATEST",
        "max_record_age=Duration.days(2): must be shorter than the table stream's 24 h "
        "retention: records would expire from the stream first, unrecorded, and what the "
        "on-failure queue names could no longer be re-read",
    ]


def test_stream_and_table_together_are_refused(stack: cdk.Stack):
    stream = kinesis.Stream(stack, "Clicks")
    problems = problems_of(stack, stream=stream, table=table(stack))
    assert "stream + table=both: pass one: a Kinesis stream or a DynamoDB table" in problems


def test_an_existing_streams_retention_is_respected(stack: cdk.Stack):
    stream = kinesis.Stream(stack, "Clicks", retention_period=cdk.Duration.hours(30))
    problems = problems_of(stack, stream=stream, max_record_age=cdk.Duration.hours(30))
    assert problems == [
        "max_record_age=Duration.hours(30): must be shorter than the stream's 30 h retention: "
        "records would expire from the stream first, unrecorded, and what the on-failure "
        "queue names could no longer be re-read"
    ]


def test_every_problem_at_once(stack: cdk.Stack):
    problems = problems_of(
        stack,
        batch_size=0,
        parallelization_factor=11,
        retry_attempts=-5,
        max_record_age=cdk.Duration.days(9),
        memory_size=64,
    )
    assert len(problems) == 5, problems


def test_function_xor_function_options(stack: cdk.Stack):
    with pytest.raises(InvalidPropsError, match="pass exactly one: function="):
        StreamConsumer(stack, "Bad")
