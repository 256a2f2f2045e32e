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
    HardenedFunction,
    HardenedFunctionOptions,
    InvalidPropsError,
    QueueConsumer,
    StreamConsumer,
)
from best_lambda.constructs._trigger import ASYNC_OPTIONS
from best_lambda.defaults.apigateway import API_FUNCTION_PROPS
from best_lambda.defaults.lambda_ import FUNCTION_PROPS, TRIGGER_FUNCTION_PROPS
from best_lambda.defaults.sqs import QUEUE_CONSUMER_PROPS
from best_lambda.defaults.streams import STREAM_CONSUMER_PROPS
from best_lambda.rules.engine import evaluate
from best_lambda.testing import template_of
from tests.constructs.fuzzing import (
    API_POOLS,
    FUNCTION_POOLS,
    QUEUE_POOLS,
    STREAM_POOLS,
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


def _trigger(construct: Any) -> Any:
    """Build ``construct`` with the function options split off into function_options."""

    def build(stack: cdk.Stack, kwargs: dict[str, Any]) -> None:
        options = {k: kwargs.pop(k) for k in list(kwargs) if k in CONSUMER_FUNCTION_POOLS}
        options.setdefault("code", FUNCTION_POOLS["code"][0][0](stack))
        options.setdefault("handler", "index.handler")
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


@pytest.mark.parametrize(
    ("table", "pools"),
    [
        (FUNCTION_PROPS, FUNCTION_POOLS),
        (QUEUE_CONSUMER_PROPS, QUEUE_POOLS),
        (STREAM_CONSUMER_PROPS, STREAM_POOLS),
        (API_FUNCTION_PROPS, API_POOLS),
    ],
    ids=lambda v: getattr(v, "construct", ""),
)
def test_every_declared_prop_has_a_pool(table: Any, pools: dict[str, Any]):
    trigger = {p.name for p in TRIGGER_FUNCTION_PROPS}
    assert sorted(set(table.names) - trigger - set(pools)) == []
    assert all(pools[name][1] for name in pools), "every prop needs invalid values"
