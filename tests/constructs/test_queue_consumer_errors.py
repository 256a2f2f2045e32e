"""QueueConsumer refuses every invalid combination with one error listing all problems."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_sqs as sqs

from best_lambda import HardenedFunction, HardenedFunctionOptions, InvalidPropsError, QueueConsumer
from best_lambda.defaults.lambda_ import FUNCTION_PROPS

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")


def problems_of(stack: cdk.Stack, **kwargs: Any) -> list[str]:
    options: dict[str, Any] = {"code": CODE, "handler": "index.handler"}
    options |= {k: kwargs.pop(k) for k in list(kwargs) if k in FUNCTION_PROPS}
    with pytest.raises(InvalidPropsError) as caught:
        QueueConsumer(stack, "Bad", function_options=HardenedFunctionOptions(**options), **kwargs)
    assert str(caught.value).startswith("QueueConsumer 'Bad' has")
    assert stack.node.try_find_child("Bad") is None
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"fifo": True, "max_batching_window": cdk.Duration.seconds(1)},
            "max_batching_window + fifo=Duration.seconds(1): FIFO event sources take no batching "
            "window",
        ),
        (
            {"fifo": True, "batch_size": 11},
            "batch_size + fifo=11: FIFO event sources take at most 10 records per batch",
        ),
        ({"batch_size": 0}, "batch_size=0: must be an int from 1 to 10,000"),
        ({"batch_size": 10_001}, "batch_size=10001: must be an int from 1 to 10,000"),
        (
            {"batch_size": 50},
            "batch_size + max_batching_window=50: a batch size above 10 needs "
            "max_batching_window of at least Duration.seconds(1)",
        ),
        (
            {"max_batching_window": cdk.Duration.minutes(6)},
            "max_batching_window=Duration.minutes(6): must be a whole number of seconds from 0 "
            "to 300",
        ),
        ({"max_concurrency": 1}, "max_concurrency=1: must be an int from 2 to 1,000"),
        ({"max_concurrency": 1001}, "max_concurrency=1001: must be an int from 2 to 1,000"),
        (
            {"max_concurrency": 20, "reserved_concurrent_executions": 10},
            "max_concurrency + reserved_concurrent_executions=20: must not exceed "
            "reserved_concurrent_executions=10",
        ),
        ({"max_receive_count": 0}, "max_receive_count=0: must be an int from 1 to 1,000"),
        (
            {"visibility_timeout": cdk.Duration.seconds(59)},
            "visibility_timeout=Duration.seconds(59): must be at least Duration.seconds(60)",
        ),
        (
            {
                "timeout": cdk.Duration.seconds(30),
                "max_batching_window": cdk.Duration.seconds(10),
                "visibility_timeout": cdk.Duration.minutes(3),
            },
            "visibility_timeout=Duration.minutes(3): must be at least Duration.seconds(190)",
        ),
        ({"visibility_timeout": cdk.Duration.hours(13)}, "from 0 to 43,200 (SQS limit)"),
        (
            {"retention_period": cdk.Duration.days(15)},
            "retention_period=Duration.days(15): must be a whole number of seconds from 60 to "
            "1,209,600",
        ),
        (
            {"content_based_deduplication": True},
            "content_based_deduplication=True: applies only to FIFO queues",
        ),
        ({"fifo": "yes"}, "fifo='yes': expected bool"),
        ({"report_batch_item_failures": "no"}, "report_batch_item_failures='no': expected bool"),
        (
            {"batch_sise": 5},
            "batch_sise=...: is not a keyword argument of QueueConsumer; did you mean "
            "'batch_size'?",
        ),
        ({"encryption_key": "alias/aws/sqs"}, "expected aws_kms.IKey"),
        ({"filters": "body.kind = order"}, "filters='body.kind = order': expected a list"),
        ({"filters": [{"pattern": 5}]}, "filters[0]['pattern']=5: expected str, got int"),
        ({"message_age_sla": cdk.Duration.seconds(0)}, "message_age_sla=Duration.seconds(0)"),
        (
            {"dead_letter_queue_enabled": True},
            "function_options.dead_letter_queue_enabled=True: does not apply: an event source "
            "mapping polls",
        ),
        (
            {"retry_attempts": 1},
            "function_options.retry_attempts=1: does not apply",
        ),
        (
            {"max_event_age": cdk.Duration.hours(1)},
            "function_options.max_event_age=Duration.hours(1): does not apply",
        ),
        ({"queue": "arn:aws:sqs:eu-west-1:123456789012:q"}, "expected aws_sqs.IQueue"),
        (
            {"timeout": cdk.Duration.minutes(20)},
            "function_options.timeout=Duration.minutes(20): must be a whole number of seconds "
            "from 1 to 900",
        ),
        ({"memory_size": 64}, "function_options.memory_size=64: must be an int from 128 to 10,240"),
        (
            {"environment": {"API_KEY": "sk_live_abcdefghijklmnop1234"}},
            "function_options.environment['API_KEY']=<redacted>: would expose a secret",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_invalid(stack: cdk.Stack, kwargs: dict[str, Any], expected: str):
    problems = problems_of(stack, **kwargs)
    assert any(expected in p for p in problems), problems


def test_on_failure_is_refused(stack: cdk.Stack):
    target = sqs.Queue(stack, "T")
    problems = problems_of(stack, on_failure=destinations.SqsDestination(target))
    assert any(
        p.startswith("function_options.on_failure=") and "does not apply" in p for p in problems
    )


def test_adopted_fifo_queue_needs_fifo_true(stack: cdk.Stack):
    dlq = sqs.Queue(stack, "Dlq", fifo=True)
    queue = sqs.Queue(
        stack,
        "Q",
        fifo=True,
        visibility_timeout=cdk.Duration.minutes(5),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
    )
    problems = problems_of(stack, queue=queue)
    assert any(
        p.startswith("fifo=False: the queue passed is a FIFO queue; pass fifo=True")
        for p in problems
    ), problems


def test_adopted_standard_queue_with_fifo_true(stack: cdk.Stack):
    queue = sqs.Queue.from_queue_arn(stack, "Q", "arn:aws:sqs:eu-west-1:123456789012:q")
    problems = problems_of(stack, queue=queue, fifo=True)
    assert any("the queue passed is a standard queue; pass fifo=False" in p for p in problems)


def test_adopted_queue_with_too_short_visibility_timeout(stack: cdk.Stack):
    dlq = sqs.Queue(stack, "Dlq")
    queue = sqs.Queue(
        stack, "Q", dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5)
    )
    problems = problems_of(stack, queue=queue, timeout=cdk.Duration.seconds(20))
    assert any(
        "has a visibility timeout of 30 s; it must be at least 120 s" in p for p in problems
    ), problems


def test_adopted_queue_without_dead_letter_queue(stack: cdk.Stack):
    queue = sqs.Queue(stack, "Q", visibility_timeout=cdk.Duration.minutes(5))
    problems = problems_of(stack, queue=queue)
    assert any("has no dead-letter queue" in p for p in problems), problems


def test_queue_options_contradict_an_adopted_queue(stack: cdk.Stack):
    queue = sqs.Queue.from_queue_arn(stack, "Q", "arn:aws:sqs:eu-west-1:123456789012:q")
    problems = problems_of(
        stack, queue=queue, max_receive_count=5, visibility_timeout=cdk.Duration.minutes(1)
    )
    assert any(
        p.startswith("max_receive_count + queue=5: applies only to the queue QueueConsumer creates")
        for p in problems
    )
    assert any(p.startswith("visibility_timeout + queue") for p in problems)


def test_all_problems_at_once(stack: cdk.Stack):
    problems = problems_of(
        stack,
        fifo=True,
        batch_size=20,
        memory_size=1,
        max_batching_window=cdk.Duration.seconds(3),
        retry_attempts=1,
    )
    assert [p.split("=")[0] for p in problems] == [
        "function_options.retry_attempts",
        "function_options.memory_size",
        "batch_size + fifo",
        "max_batching_window + fifo",
    ]


def test_function_xor_function_options(stack: cdk.Stack):
    fn = HardenedFunction(stack, "Fn", code=CODE, handler="index.handler")
    with pytest.raises(InvalidPropsError) as caught:
        QueueConsumer(
            stack,
            "Both",
            function=fn,
            function_options=HardenedFunctionOptions(code=CODE, handler="index.handler"),
        )
    assert "function + function_options=both: pass exactly one" in str(caught.value)
    with pytest.raises(InvalidPropsError) as caught:
        QueueConsumer(stack, "Neither")
    assert "function + function_options=neither: pass exactly one" in str(caught.value)


def test_a_function_option_given_to_the_consumer_points_at_function_options(stack: cdk.Stack):
    with pytest.raises(InvalidPropsError) as caught:
        QueueConsumer(stack, "Flat", code=CODE, handler="index.handler")  # type: ignore[call-arg]
    problems = [str(p) for p in caught.value.problems]
    assert problems[:2] == [
        "code=...: belongs to the function: function_options=HardenedFunctionOptions(..., "
        "code=...)",
        "handler=...: belongs to the function: function_options=HardenedFunctionOptions(..., "
        "handler=...)",
    ]
