"""Property: every combination of keyword arguments is built, or refused with one
InvalidPropsError that names each invalid one; never another exception (a jsii traceback, a
TypeError from our own code), and what is built has no error-level BestLambda finding.

The values come from the pools in ``tests/constructs/fuzzing.py`` (every declared prop has
one; a test below enforces it). Examples are derandomized, so CI sees the same cases every
run; ``scripts/fuzz_constructs.py`` runs many more with a seed and counts outcomes.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from best_lambda import (
    ApiFunction,
    BucketProcessor,
    EventRuleHandler,
    HardenedFunction,
    HardenedFunctionOptions,
    InvalidPropsError,
    QueueConsumer,
    ScheduledFunction,
    StreamConsumer,
    TopicSubscriber,
)
from best_lambda.constructs._trigger import ASYNC_OPTIONS
from best_lambda.defaults.apigateway import API_FUNCTION_PROPS
from best_lambda.defaults.events import EVENT_RULE_HANDLER_PROPS
from best_lambda.defaults.lambda_ import FUNCTION_PROPS, TRIGGER_FUNCTION_PROPS
from best_lambda.defaults.s3 import BUCKET_PROCESSOR_PROPS
from best_lambda.defaults.scheduler import SCHEDULED_FUNCTION_PROPS
from best_lambda.defaults.sns import TOPIC_SUBSCRIBER_PROPS
from best_lambda.defaults.sqs import QUEUE_CONSUMER_PROPS
from best_lambda.defaults.streams import STREAM_CONSUMER_PROPS
from best_lambda.rules.engine import evaluate
from best_lambda.testing import template_of
from tests.constructs.fuzzing import (
    API_POOLS,
    BUCKET_POOLS,
    FUNCTION_POOLS,
    QUEUE_POOLS,
    REQUIRED,
    RULE_POOLS,
    SCHEDULE_POOLS,
    STREAM_POOLS,
    TOPIC_POOLS,
    Case,
    Recipe,
    draw_case,
    invalid_props,
    realize,
)

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: The function options a QueueConsumer accepts (poll-based: no async ones).
CONSUMER_FUNCTION_POOLS = {
    name: pools for name, pools in FUNCTION_POOLS.items() if name not in ASYNC_OPTIONS
}


def cases(pools: dict[str, tuple[list[Recipe], list[Recipe]]]) -> st.SearchStrategy[Case]:
    @st.composite
    def strategy(draw: st.DrawFn) -> Case:
        size = draw(st.integers(0, 4))
        return draw_case(lambda options: draw(st.sampled_from(options)), pools, size=size)

    return strategy()


def _outcome(build: Any, case: Case, pools: Any) -> str:
    app = cdk.App(builtin_cloud_formation_validation=False)
    stack = cdk.Stack(app, "Fuzz")
    kwargs = realize(case, stack, pools)
    try:
        build(stack, kwargs)
    except InvalidPropsError as error:
        named = " ".join(p.prop for p in error.problems)
        missing = [prop for prop in invalid_props(case) if prop not in named]
        assert not missing, f"{case}: {missing} not named in\n{error}"
        return "refused"
    assert case.valid, f"{case}: an invalid value was accepted"
    report = evaluate([template_of(stack)])
    assert not report.errors, f"{case}: {[v.finding_id for v in report.errors]}"
    return "built"


def _function(stack: cdk.Stack, kwargs: dict[str, Any]) -> None:
    kwargs.setdefault("code", FUNCTION_POOLS["code"][0][0](stack))
    kwargs.setdefault("handler", "index.handler")
    HardenedFunction(stack, "Fn", **kwargs)


def _trigger(construct: Any, function_pools: dict[str, Any] = CONSUMER_FUNCTION_POOLS) -> Any:
    """Build ``construct`` with the function options split off into function_options."""

    def build(stack: cdk.Stack, kwargs: dict[str, Any]) -> None:
        options = {k: kwargs.pop(k) for k in list(kwargs) if k in function_pools}
        options.setdefault("code", FUNCTION_POOLS["code"][0][0](stack))
        options.setdefault("handler", "index.handler")
        for name, recipe in REQUIRED.get(construct.__name__, {}).items():
            kwargs.setdefault(name, recipe(stack))
        construct(stack, "Trigger", function_options=HardenedFunctionOptions(**options), **kwargs)

    return build


_consumer = _trigger(QueueConsumer)


@SETTINGS
@given(case=cases(FUNCTION_POOLS))
def test_hardened_function_builds_or_refuses(case: Case):
    _outcome(_function, case, FUNCTION_POOLS)


@SETTINGS
@given(case=cases({**QUEUE_POOLS, **CONSUMER_FUNCTION_POOLS}))
def test_queue_consumer_builds_or_refuses(case: Case):
    _outcome(_consumer, case, {**QUEUE_POOLS, **CONSUMER_FUNCTION_POOLS})


@SETTINGS
@given(case=cases({**STREAM_POOLS, **CONSUMER_FUNCTION_POOLS}))
def test_stream_consumer_builds_or_refuses(case: Case):
    _outcome(_trigger(StreamConsumer), case, {**STREAM_POOLS, **CONSUMER_FUNCTION_POOLS})


@SETTINGS
@given(case=cases({**API_POOLS, **CONSUMER_FUNCTION_POOLS}))
def test_api_function_builds_or_refuses(case: Case):
    _outcome(_trigger(ApiFunction), case, {**API_POOLS, **CONSUMER_FUNCTION_POOLS})


def _async_function_pools(trigger_pools: dict[str, Any]) -> dict[str, Any]:
    """The function options an asynchronous trigger takes: all but the names it has itself."""
    return {k: v for k, v in FUNCTION_POOLS.items() if k not in trigger_pools}


ASYNC_TRIGGERS = [
    (TopicSubscriber, TOPIC_POOLS),
    (EventRuleHandler, RULE_POOLS),
    (ScheduledFunction, SCHEDULE_POOLS),
    (BucketProcessor, BUCKET_POOLS),
]


@pytest.mark.parametrize(
    ("construct", "pools"), ASYNC_TRIGGERS, ids=lambda v: getattr(v, "__name__", "")
)
def test_asynchronous_triggers_build_or_refuse(construct: Any, pools: dict[str, Any]):
    functions = _async_function_pools(pools)
    everything = {**pools, **functions}

    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(case=cases(everything))
    def run(case: Case) -> None:
        _outcome(_trigger(construct, functions), case, everything)

    run()


@pytest.mark.parametrize(
    ("table", "pools"),
    [
        (FUNCTION_PROPS, FUNCTION_POOLS),
        (QUEUE_CONSUMER_PROPS, QUEUE_POOLS),
        (STREAM_CONSUMER_PROPS, STREAM_POOLS),
        (API_FUNCTION_PROPS, API_POOLS),
        (TOPIC_SUBSCRIBER_PROPS, TOPIC_POOLS),
        (EVENT_RULE_HANDLER_PROPS, RULE_POOLS),
        (SCHEDULED_FUNCTION_PROPS, SCHEDULE_POOLS),
        (BUCKET_PROCESSOR_PROPS, BUCKET_POOLS),
    ],
    ids=lambda v: getattr(v, "construct", ""),
)
def test_every_declared_prop_has_a_pool(table: Any, pools: dict[str, Any]):
    trigger = {p.name for p in TRIGGER_FUNCTION_PROPS}
    assert sorted(set(table.names) - trigger - set(pools)) == []
    assert all(pools[name][1] for name in pools), "every prop needs invalid values"
