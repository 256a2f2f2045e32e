"""The four asynchronous triggers refuse every invalid combination, all problems at once."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns

from best_lambda import (
    BucketProcessor,
    EventRuleHandler,
    HardenedFunction,
    InvalidPropsError,
    QueueConsumerOptions,
    ScheduledFunction,
    TopicSubscriber,
)
from best_lambda.defaults.lambda_ import FUNCTION_PROPS
from tests.constructs.trigger_helpers import CODE

PATTERN = events.EventPattern(source=["shop.orders"])
HOURLY = scheduler.ScheduleExpression.rate(cdk.Duration.hours(1))
REQUIRED: dict[type, dict[str, Any]] = {
    TopicSubscriber: {},
    EventRuleHandler: {"event_pattern": PATTERN},
    ScheduledFunction: {"schedule": HOURLY},
    BucketProcessor: {},
}


def problems_of(stack: cdk.Stack, cls: type, **kwargs: Any) -> list[str]:
    """Build ``cls`` with the function options in ``kwargs`` (``fn_<name>``) and the rest."""
    options: dict[str, Any] = {"code": CODE, "handler": "index.handler"}
    options |= {k[3:]: kwargs.pop(k) for k in list(kwargs) if k.startswith("fn_")}
    if "function" not in kwargs and "function_options" not in kwargs:
        kwargs["function_options"] = options
    with pytest.raises(InvalidPropsError) as caught:
        cls(stack, "Bad", **{**REQUIRED[cls], **kwargs})
    assert str(caught.value).startswith(f"{cls.__name__} 'Bad' has")
    assert stack.node.try_find_child("Bad") is None  # nothing was created
    return [str(p) for p in caught.value.problems]


def expect(stack: cdk.Stack, cls: type, expected: str, **kwargs: Any) -> None:
    problems = problems_of(stack, cls, **kwargs)
    assert any(expected in p for p in problems), problems


# -- every trigger: the function, given or built ----------------------------------------------
@pytest.mark.parametrize("cls", list(REQUIRED), ids=lambda c: c.__name__)
def test_function_xor_function_options(stack: cdk.Stack, cls: type):
    fn = HardenedFunction(stack, "Fn", code=CODE, handler="index.handler")
    expect(
        stack,
        cls,
        "function + function_options=both: pass exactly one",
        function=fn,
        function_options={"code": CODE, "handler": "index.handler"},
    )
    with pytest.raises(InvalidPropsError, match="function \\+ function_options=neither"):
        cls(stack, "Bad", **REQUIRED[cls])


@pytest.mark.parametrize("cls", list(REQUIRED), ids=lambda c: c.__name__)
def test_an_asynchronous_trigger_needs_the_functions_failure_handling(stack: cdk.Stack, cls):
    expect(
        stack,
        cls,
        "function_options.dead_letter_queue_enabled=False: this trigger invokes the function "
        "asynchronously",
        fn_dead_letter_queue_enabled=False,
    )
    synchronous = HardenedFunction(
        stack, "Sync", code=CODE, handler="index.handler", dead_letter_queue_enabled=False
    )
    expect(
        stack, cls, "has no dead-letter queue and no on-failure destination", function=synchronous
    )


@pytest.mark.parametrize("cls", list(REQUIRED), ids=lambda c: c.__name__)
def test_function_options_are_checked_with_their_own_limits(stack: cdk.Stack, cls: type):
    problems = problems_of(
        stack,
        cls,
        fn_timeout=cdk.Duration.minutes(20),
        fn_retry_attempts=3,  # the function's asynchronous retries: 0-2
        memory_size=256,  # a function option passed to the trigger
    )
    assert any(
        p.startswith(
            "function_options.timeout=Duration.minutes(20): must be a whole number of "
            "seconds from 1 to 900"
        )
        for p in problems
    ), problems
    assert any(
        p.startswith("function_options.retry_attempts=3: must be an int from 0 to 2")
        for p in problems
    ), problems
    assert any(
        "memory_size=...: belongs to the function: function_options=HardenedFunctionOptions(..., "
        "memory_size=...)" in p
        for p in problems
    ), problems


# -- TopicSubscriber ---------------------------------------------------------------------------
def test_topic_subscriber_refusals(stack: cdk.Stack):
    fifo = sns.Topic(stack, "Orders", fifo=True)
    problems = problems_of(
        stack,
        TopicSubscriber,
        topic=fifo,
        master_key=kms.Key(stack, "Key"),
        filter_policy={"kind": sns.SubscriptionFilter.string_filter(allowlist=["a"])},
        filter_policy_with_message_body={
            "kind": sns.FilterOrPolicy.filter(sns.SubscriptionFilter.exists_filter())
        },
        dead_letter_queue="arn:aws:sqs:eu-west-1:123456789012:dlq",
        dead_leter_queue=None,
    )
    assert problems == [
        "dead_letter_queue='arn:aws:sqs:eu-west-1:123456789012:dlq': expected aws_sqs.IQueue, "
        "got str",
        "dead_leter_queue=...: is not a keyword argument of TopicSubscriber; did you mean "
        "'dead_letter_queue'?",
        "master_key + topic=<Key Test/Key>: applies only to the topic TopicSubscriber creates; "
        "encrypt the topic you pass where you create it",
        "topic=<Topic Test/Orders>: is a FIFO topic: SNS delivers FIFO topics only to SQS "
        "queues, never to Lambda. Subscribe a QueueConsumer(fifo=True) queue to it instead",
        "filter_policy + filter_policy_with_message_body=both: a subscription filters on the "
        "message attributes or on its body, not both: pass one",
    ]


# -- EventRuleHandler --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"event_pattern": None}, "event_pattern=None: is required"),
        ({"event_pattern": {}}, "event_pattern={}: must match on at least one field"),
        ({"event_pattern": "orders"}, "expected aws_events.EventPattern (or a dict of its fields)"),
        ({"retry_attempts": 186}, "retry_attempts=186: must be an int from 0 to 185 (EventBridge"),
        ({"retry_attempts": -1}, "retry_attempts=-1: must be an int from 0 to 185"),
        (
            {"max_event_age": cdk.Duration.seconds(59)},
            "max_event_age=Duration.seconds(59): must be a whole number of seconds from 60 to "
            "86,400 (EventBridge limit)",
        ),
        ({"max_event_age": cdk.Duration.hours(25)}, "max_event_age=Duration.hours(25)"),
        ({"event_bus": "orders"}, "event_bus='orders': expected aws_events.IEventBus"),
        ({"description": "x" * 513}, "description="),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_event_rule_handler_refusals(stack: cdk.Stack, kwargs: dict[str, Any], expected: str):
    expect(stack, EventRuleHandler, expected, **kwargs)


def test_target_and_function_retries_are_told_apart(stack: cdk.Stack):
    """185 target retries are fine; 3 asynchronous function retries are not."""
    problems = problems_of(stack, EventRuleHandler, retry_attempts=185, fn_retry_attempts=3)
    assert problems == [
        "function_options.retry_attempts=3: must be an int from 0 to 2 (AWS Lambda limit)"
    ]


# -- ScheduledFunction -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"schedule": None}, "schedule=None: is required"),
        ({"schedule": "rate(1 hour)"}, "schedule='rate(1 hour)': expected aws_scheduler.Schedule"),
        (
            {"schedule": scheduler.ScheduleExpression.expression("rate(1 fortnight)")},
            "schedule='rate(1 fortnight)': Scheduler would reject it: a rate's unit must be one "
            "of minute | minutes | hour | hours | day | days, got 'fortnight'",
        ),
        (
            {"schedule": scheduler.ScheduleExpression.expression("cron(0 9 * * MON *)")},
            "exactly one of day-of-month and day-of-week must be '?' (got '*' and 'MON')",
        ),
        (
            {"schedule": scheduler.ScheduleExpression.expression("cron(0 25 * * ? *)")},
            "the hours field '25' is not valid: values must be 0-23",
        ),
        (
            {"schedule": scheduler.ScheduleExpression.expression("cron(0 9 * * ?)")},
            "a cron expression has six fields",
        ),
        (
            {"schedule": scheduler.ScheduleExpression.expression("at(2030-13-01T00:00:00)")},
            "at(...) takes a date and time as yyyy-mm-ddThh:mm:ss",
        ),
        (
            {
                "schedule": scheduler.ScheduleExpression.cron(
                    minute="0", hour="9", time_zone=cdk.TimeZone.EUROPE_PARIS
                ),
                "time_zone": cdk.TimeZone.EUROPE_LONDON,
            },
            "time_zone + schedule='Europe/London': contradicts the expression's own time zone "
            "'Europe/Paris'",
        ),
        (
            {
                "schedule": scheduler.ScheduleExpression.rate(cdk.Duration.minutes(30)),
                "time_window": scheduler.TimeWindow.flexible(cdk.Duration.minutes(30)),
            },
            "time_window + schedule=TimeWindow.flexible(Duration.minutes(30)): a flexible window "
            "of 30 min is not shorter than the 30 min between runs",
        ),
        ({"retry_attempts": 186}, "retry_attempts=186: must be an int from 0 to 185 (Scheduler"),
        ({"max_event_age": cdk.Duration.hours(25)}, "from 60 to 86,400 (Scheduler limit)"),
        ({"schedule_group": "reports"}, "expected aws_scheduler.IScheduleGroup"),
        ({"enabled": "no"}, "enabled='no': expected bool"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_scheduled_function_refusals(stack: cdk.Stack, kwargs: dict[str, Any], expected: str):
    expect(stack, ScheduledFunction, expected, **kwargs)


# -- BucketProcessor ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"output_prefix": "processed/"},
            "output_prefix + prefix='processed/': keys the function may write under "
            "'processed/' include some of those that trigger it (every key)",
        ),
        (
            {"prefix": "uploads/", "output_prefix": "uploads/small/"},
            "(keys starting with 'uploads/')",
        ),
        ({"prefix": "uploads/", "output_prefix": "up"}, "keys the function may write under 'up'"),
        (
            {"suffix": ".jpg", "output_prefix": "thumbs/"},
            "(every key and ending with '.jpg')",
        ),
        (
            {"queue_options": QueueConsumerOptions(batch_size=5)},
            "queue_options + through_queue=...: applies only with through_queue=True",
        ),
        (
            {"through_queue": True, "queue_options": QueueConsumerOptions(fifo=True)},
            "queue_options.fifo=True: S3 event notifications cannot be sent to FIFO queues",
        ),
        (
            {"through_queue": True, "queue_options": QueueConsumerOptions(batch_size=0)},
            "queue_options.batch_size=0: must be an int from 1 to 10,000",
        ),
        (
            {"through_queue": True, "queue_options": {"batch_sise": 5}},
            "queue_options.batch_sise=...: is not a keyword argument of QueueConsumer; did you "
            "mean 'batch_size'?",
        ),
        (
            {"through_queue": True, "queue_options": {"function_options": {}}},
            "queue_options.function_options=...: belongs to the processor",
        ),
        (
            {"through_queue": True, "queue_options": {"timeout": cdk.Duration.seconds(5)}},
            "queue_options.timeout=...: belongs to the function: function_options=",
        ),
        (
            {"through_queue": True, "fn_retry_attempts": 1},
            "function_options.retry_attempts=1: does not apply: an event source mapping polls",
        ),
        (
            {"events": [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_CREATED_PUT]},
            "lists an event twice (or within another)",
        ),
        ({"events": ["s3:ObjectCreated:*"]}, "events[0]='s3:ObjectCreated:*': expected aws_s3."),
        ({"prefix": "x" * 1025}, "must be a str of 0 to 1024 characters"),
        ({"through_queue": "yes"}, "through_queue='yes': expected bool"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_bucket_processor_refusals(stack: cdk.Stack, kwargs: dict[str, Any], expected: str):
    expect(stack, BucketProcessor, expected, **kwargs)


def test_access_logs_apply_to_the_bucket_it_creates(stack: cdk.Stack):
    bucket = s3.Bucket(stack, "Uploads")
    expect(
        stack,
        BucketProcessor,
        "server_access_logs_bucket + bucket=<Bucket Test/Logs>: applies only to the bucket",
        bucket=bucket,
        server_access_logs_bucket=s3.Bucket(stack, "Logs"),
    )


def test_every_problem_at_once(stack: cdk.Stack):
    problems = problems_of(
        stack,
        ScheduledFunction,
        schedule=scheduler.ScheduleExpression.expression("rate(0 minutes)"),
        retry_attempts=500,
        max_event_age=cdk.Duration.seconds(10),
        fn_memory_size=64,
    )
    assert len(problems) == 4, problems


def test_function_props_are_declared_for_the_helper():
    """The ``fn_`` prefix above names real function props (a typo would test nothing)."""
    assert {"timeout", "retry_attempts", "dead_letter_queue_enabled", "memory_size"} <= set(
        FUNCTION_PROPS.names
    )


# -- a trigger's function options are checked once ---------------------------------------------
@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        *((cls, required) for cls, required in REQUIRED.items()),
        (BucketProcessor, {"through_queue": True}),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else str(v or ""),
)
def test_a_built_function_is_planned_once(
    stack: cdk.Stack, monkeypatch: pytest.MonkeyPatch, cls: type, kwargs: dict[str, Any]
):
    from best_lambda.constructs import _function_plan

    planned: list[str] = []
    validate = _function_plan._validate

    def counting(checker: Any, *args: Any, **kw: Any) -> Any:
        planned.append(checker.construct_type)
        return validate(checker, *args, **kw)

    monkeypatch.setattr(_function_plan, "_validate", counting)
    options = {"code": CODE, "handler": "index.handler"}
    built = cls(stack, "Once", function_options=options, **kwargs)
    assert isinstance(built.function, HardenedFunction)
    assert planned == [cls.__name__]  # by the trigger's check; never by HardenedFunction
