"""What StreamConsumer and ApiFunction cost to build, against the same resources by hand.

Usage: ``python benchmarks/trigger_cost_streams_apis.py [--units 50] [--repeat 3]`` (after
``bash scripts/setup.sh``).

The pattern of ``benchmarks/construct_cost.py``: for each construct, two apps are built in
fresh Python processes, one with the construct and one with plain aws-cdk-lib code that
produces the *same template* (checked: the normalized templates must be identical), and the
median build + synth time of each, their ratio and the jsii round trips per unit are
printed. The units are a StreamConsumer on a new Kinesis stream with its defaults, and an
ApiFunction on a route of an HTTP API (one API per stack).

Ratios are printed, never asserted: timings depend on the machine.
"""

from __future__ import annotations

import sys
from typing import Any

from _compare import Comparison, Setup, alarm, encrypted_queue, main, measure, queue_depth
from construct_cost import hand_built_handler

#: Units per stack: CloudFormation allows 500 resources per stack.
PER_STACK = {"stream": 25, "api": 25}
LABELS = {"stream": "StreamConsumer", "api": "ApiFunction"}


def hand_built_stream_consumer(stack: Any, construct_id: str, code: Any, action: Any) -> Any:
    """StreamConsumer's resources (new Kinesis stream, defaults) with plain aws-cdk-lib."""
    import aws_cdk as cdk
    from aws_cdk import aws_kinesis as kinesis
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_lambda_event_sources as event_sources
    from constructs import Construct

    scope = Construct(stack, construct_id)
    stream = kinesis.Stream(
        scope,
        "Stream",
        encryption=kinesis.StreamEncryption.MANAGED,
        stream_mode=kinesis.StreamMode.ON_DEMAND,
        retention_period=cdk.Duration.hours(24),
    )
    fn = hand_built_handler(scope, code, action, sync=True)
    queue = encrypted_queue(scope, "OnFailureQueue")
    lambda_.EventSourceMapping(
        scope,
        "EventSourceMapping",
        target=fn,
        event_source_arn=stream.stream_arn,
        starting_position=lambda_.StartingPosition.TRIM_HORIZON,
        batch_size=100,
        parallelization_factor=1,
        bisect_batch_on_error=True,
        retry_attempts=10,
        max_record_age=cdk.Duration.hours(1),
        on_failure=event_sources.SqsDlq(queue),
        support_s3_on_failure_destination=True,
        report_batch_item_failures=True,
    )
    stream.grant_read(fn)
    period = cdk.Duration.minutes(5)
    path = scope.node.path
    alarm(
        scope,
        "IteratorAge",
        fn.metric("IteratorAge", period=period, statistic="Maximum"),
        "records waited 1800 s or more before processing; past 3600 s (max_record_age) they "
        "are set aside unprocessed.",
        action,
        1_800_000,
        path=path,
    )
    alarm(
        scope,
        "OnFailureQueueDepth",
        queue_depth(queue, period),
        "the stream consumer gave up on records: the on-failure queue names their shard and "
        "sequence numbers; re-read them before the stream's retention ends.",
        action,
        path=path,
    )
    return scope


def hand_built_api_function(
    stack: Any, construct_id: str, code: Any, action: Any, api: Any, path: str
) -> Any:
    """ApiFunction's resources (an HTTP API route, defaults) with plain aws-cdk-lib."""
    from aws_cdk import aws_apigatewayv2 as apigatewayv2
    from aws_cdk import aws_apigatewayv2_integrations as integrations
    from constructs import Construct

    scope = Construct(stack, construct_id)
    fn = hand_built_handler(scope, code, action, sync=True)
    apigatewayv2.HttpRoute(
        scope,
        "Route",
        http_api=api,
        route_key=apigatewayv2.HttpRouteKey.with_(path, apigatewayv2.HttpMethod.ANY),
        integration=integrations.HttpLambdaIntegration("Integration", fn),
    )
    return scope


def build(kind: str, style: str, units: int, outdir: str) -> dict[str, Any]:
    """Build and synthesize one app in this process; return timings and counts."""
    return measure(
        style,
        units,
        PER_STACK[kind],
        outdir,
        lambda setup: _units(kind, style, setup),
        per_stack_setup=_http_api if kind == "api" else None,
    )


def _http_api(stack: Any) -> Any:
    from aws_cdk import aws_apigatewayv2 as apigatewayv2

    return apigatewayv2.HttpApi(stack, "Api")


def _units(kind: str, style: str, setup: Setup) -> None:
    if style == "best-lambda":
        from best_lambda import ApiFunction, HardenedFunctionOptions, StreamConsumer

        options = HardenedFunctionOptions(code=setup.code, handler="index.handler")
        for i in range(setup.units):
            if kind == "stream":
                StreamConsumer(setup.stack(i), f"Consumer{i}", function_options=options)
            else:
                ApiFunction(
                    setup.stack(i),
                    f"Api{i}",
                    function_options=options,
                    http_api=setup.extra(i),
                    path=f"/orders{i}",
                )
    else:
        for i in range(setup.units):
            stack, action = setup.stack(i), setup.action(i)
            if kind == "stream":
                hand_built_stream_consumer(stack, f"Consumer{i}", setup.code, action)
            else:
                hand_built_api_function(
                    stack, f"Api{i}", setup.code, action, setup.extra(i), f"/orders{i}"
                )


def _row(kind: str, c: Comparison) -> str:
    hand, best = c.median("hand"), c.median("best-lambda")
    hand_build, best_build = c.median("hand", "build"), c.median("best-lambda", "build")
    calls = {style: c.last(style, "calls_per_unit") for style in ("hand", "best-lambda")}
    return (
        f"{LABELS[kind]:<16}{hand:>11.2f}s{best:>12.2f}s{best / hand:>7.2f}x"
        f"{hand_build:>9.2f}s/{best_build:.2f}s"
        f"{calls['hand']:>8.0f} / {calls['best-lambda']:<6.0f}"
    )


if __name__ == "__main__":
    sys.exit(
        main(
            "trigger_cost_streams_apis",
            __doc__ or "",
            units=50,
            kinds=LABELS,
            header=f"{'construct':<16}{'hand-built':>12}{'best-lambda':>13}{'ratio':>8}"
            f"{'build (hand/bl)':>18}{'jsii/unit':>16}",
            row=_row,
        )
    )
