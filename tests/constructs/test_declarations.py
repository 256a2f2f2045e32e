"""Each keyword argument is declared once: signature, declaration and options type agree.

The declarations in ``best_lambda/defaults`` drive validation, the README table and the
docstrings (``tests/test_docs.py``); these tests keep the hand-written parts that Python
tooling needs (explicit signatures, the ``HardenedFunctionOptions`` TypedDict) equal to them,
and every declared default valid for its own kind.
"""

from __future__ import annotations

import inspect
from typing import Any, get_type_hints

import pytest
from aws_cdk import aws_lambda as lambda_

from best_lambda import (
    ApiFunction,
    BucketProcessor,
    EventRuleHandler,
    HardenedFunction,
    HardenedFunctionOptions,
    QueueConsumer,
    QueueConsumerOptions,
    ScheduledFunction,
    StreamConsumer,
    TopicSubscriber,
)
from best_lambda.defaults import all_tables
from best_lambda.defaults.apigateway import API_FUNCTION_PROPS
from best_lambda.defaults.events import EVENT_RULE_HANDLER_PROPS
from best_lambda.defaults.lambda_ import FUNCTION_PROPS, TRIGGER_FUNCTION_PROPS
from best_lambda.defaults.s3 import BUCKET_PROCESSOR_PROPS
from best_lambda.defaults.scheduler import SCHEDULED_FUNCTION_PROPS
from best_lambda.defaults.sns import TOPIC_SUBSCRIBER_PROPS
from best_lambda.defaults.sqs import QUEUE_CONSUMER_PROPS
from best_lambda.defaults.streams import STREAM_CONSUMER_PROPS
from best_lambda.props import Enum, Integer, Prop, PropTable, Seconds

#: Every trigger construct and its declaration.
TRIGGERS: list[tuple[type, PropTable]] = [
    (QueueConsumer, QUEUE_CONSUMER_PROPS),
    (TopicSubscriber, TOPIC_SUBSCRIBER_PROPS),
    (EventRuleHandler, EVENT_RULE_HANDLER_PROPS),
    (ScheduledFunction, SCHEDULED_FUNCTION_PROPS),
    (BucketProcessor, BUCKET_PROCESSOR_PROPS),
    (StreamConsumer, STREAM_CONSUMER_PROPS),
    (ApiFunction, API_FUNCTION_PROPS),
]


def keyword_parameters(cls: type) -> list[str]:
    return [
        p.name
        for p in inspect.signature(cls.__init__).parameters.values()  # type: ignore[misc]
        if p.kind is p.KEYWORD_ONLY
    ]


def test_hardened_function_signature_is_its_declaration():
    assert keyword_parameters(HardenedFunction) == list(FUNCTION_PROPS.names)


def test_every_signature_default_is_none():
    """None means "not given", as in aws-cdk-lib; the real default is in the declaration."""
    for cls in (HardenedFunction, *(cls for cls, _ in TRIGGERS)):
        for p in inspect.signature(cls.__init__).parameters.values():  # type: ignore[misc]
            if p.kind is p.KEYWORD_ONLY and p.name not in ("code", "handler"):
                assert p.default is None, f"{cls.__name__}.{p.name}"


def test_options_type_is_the_declaration():
    assert list(HardenedFunctionOptions.__annotations__) == list(FUNCTION_PROPS.names)


def test_queue_consumer_signature_is_its_declaration():
    assert keyword_parameters(QueueConsumer) == list(QUEUE_CONSUMER_PROPS.names)


def test_stream_consumer_signature_is_its_declaration():
    assert keyword_parameters(StreamConsumer) == list(STREAM_CONSUMER_PROPS.names)


def test_api_function_signature_is_its_declaration():
    assert keyword_parameters(ApiFunction) == list(API_FUNCTION_PROPS.names)


def test_stream_consumer_takes_the_event_source_props_aws_cdk_lib_names():
    """Where StreamConsumer configures the mapping, it uses EventSourceMapping's names."""
    theirs = set(inspect.signature(lambda_.EventSourceMapping.__init__).parameters)
    ours = set(STREAM_CONSUMER_PROPS.names) - {
        "function",
        "function_options",
        "stream",
        "table",
        "stream_mode",
        "shard_count",
        "retention_period",
        "enhanced_fan_out",
        "iterator_age_sla",
    }
    assert ours - theirs == set()


def test_topic_subscriber_signature_is_its_declaration():
    assert keyword_parameters(TopicSubscriber) == list(TOPIC_SUBSCRIBER_PROPS.names)


def test_event_rule_handler_signature_is_its_declaration():
    assert keyword_parameters(EventRuleHandler) == list(EVENT_RULE_HANDLER_PROPS.names)


def test_scheduled_function_signature_is_its_declaration():
    assert keyword_parameters(ScheduledFunction) == list(SCHEDULED_FUNCTION_PROPS.names)


def test_bucket_processor_signature_is_its_declaration():
    assert keyword_parameters(BucketProcessor) == list(BUCKET_PROCESSOR_PROPS.names)


@pytest.mark.parametrize(("cls", "table"), TRIGGERS, ids=lambda v: getattr(v, "__name__", ""))
def test_every_trigger_starts_with_the_function_props(cls: type, table: PropTable):
    """function XOR function_options, first, in every trigger (design-notes §3)."""
    assert table.props[: len(TRIGGER_FUNCTION_PROPS)] == TRIGGER_FUNCTION_PROPS


def test_queue_consumer_options_type_is_the_declaration():
    """What BucketProcessor(queue_options=...) accepts: QueueConsumer's own queue props."""
    queue_props = [
        n for n in QUEUE_CONSUMER_PROPS.names if n not in ("function", "function_options")
    ]
    assert list(QueueConsumerOptions.__annotations__) == queue_props


def test_every_aws_lambda_function_prop_is_declared_or_refused():
    """A prop aws-cdk-lib adds to Function must be looked at before users can pass it."""
    function_props = {
        p.name
        for p in inspect.signature(lambda_.Function.__init__).parameters.values()
        if p.name not in ("self", "scope", "id")
    }
    handled = set(FUNCTION_PROPS.names) | {r.name for r in FUNCTION_PROPS.refused}
    assert function_props - handled == set()


def test_signature_types_match_aws_lambda_function():
    """Where we take an aws_lambda.Function prop, we take the same type."""
    ours = get_type_hints(HardenedFunction.__init__)
    theirs = inspect.signature(lambda_.Function.__init__).parameters
    for name in FUNCTION_PROPS.names:
        if name in theirs and name not in ("log_group",):
            assert name in ours, name


@pytest.mark.parametrize("prop", [p for t in all_tables() for p in t], ids=lambda p: p.name)
def test_declared_default_fits_its_own_kind(prop: Prop):
    kind: Any = prop.kind
    if prop.default is None:
        return
    if isinstance(kind, (Seconds, Integer)):
        low = kind.low if kind.low is not None else prop.default
        high = kind.high if kind.high is not None else prop.default
        assert low <= prop.default <= high
    if isinstance(kind, Enum):
        if kind.allowed is not None:
            assert prop.default in kind.allowed
        assert prop.default not in kind.refused


@pytest.mark.parametrize("prop", [p for t in all_tables() for p in t], ids=lambda p: p.name)
def test_every_documented_default_says_why_and_where_from(prop: Prop):
    assert prop.doc.strip(), f"{prop.name} has no doc"
    if prop.reason:
        assert prop.source, f"{prop.name}'s reason cites no source"
