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

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.construct_cost import (  # noqa: E402  (after the path above)
    CONTEXT,
    _acknowledge,
    _count_round_trips,
    _explain,
    hand_built_function,
)

#: Units per stack: CloudFormation allows 500 resources per stack.
PER_STACK = {"stream": 25, "api": 25}
LABELS = {"stream": "StreamConsumer", "api": "ApiFunction"}


def hand_built_stream_consumer(stack: Any, construct_id: str, code: Any, action: Any) -> Any:
    """StreamConsumer's resources (new Kinesis stream, defaults) with plain aws-cdk-lib."""
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_kinesis as kinesis
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_lambda_event_sources as event_sources
    from aws_cdk import aws_sqs as sqs
    from constructs import Construct

    scope = Construct(stack, construct_id)
    stream = kinesis.Stream(
        scope,
        "Stream",
        encryption=kinesis.StreamEncryption.MANAGED,
        stream_mode=kinesis.StreamMode.ON_DEMAND,
        retention_period=cdk.Duration.hours(24),
    )
    fn = hand_built_function(
        scope, "Handler", code, sync=True, action=action, service_name=scope.node.id
    )
    queue = sqs.Queue(
        scope,
        "OnFailureQueue",
        enforce_ssl=True,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        retention_period=cdk.Duration.days(14),
    )
    _acknowledge(queue, "Serverless-SQSRedrivePolicy")
    _acknowledge(queue, "AwsSolutions-SQS3")
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
    for name, metric, threshold, description in (
        (
            "IteratorAge",
            fn.metric("IteratorAge", period=period, statistic="Maximum"),
            1_800_000,
            f"{path}: records waited 1800 s or more before processing; past 3600 s "
            "(max_record_age) they are set aside unprocessed.",
        ),
        (
            "OnFailureQueueDepth",
            queue.metric_approximate_number_of_messages_visible(period=period, statistic="Maximum"),
            1,
            f"{path}: the stream consumer gave up on records: the on-failure queue names their "
            "shard and sequence numbers; re-read them before the stream's retention ends.",
        ),
    ):
        cloudwatch.Alarm(
            scope,
            f"{name}Alarm",
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        ).add_alarm_action(action)
    return scope


def hand_built_api_function(
    stack: Any, construct_id: str, code: Any, action: Any, api: Any, path: str
) -> Any:
    """ApiFunction's resources (an HTTP API route, defaults) with plain aws-cdk-lib."""
    from aws_cdk import aws_apigatewayv2 as apigatewayv2
    from aws_cdk import aws_apigatewayv2_integrations as integrations
    from constructs import Construct

    scope = Construct(stack, construct_id)
    fn = hand_built_function(
        scope, "Handler", code, sync=True, action=action, service_name=scope.node.id
    )
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
    counter = _count_round_trips()
    started = time.perf_counter()
    import aws_cdk as cdk
    from aws_cdk import aws_apigatewayv2 as apigatewayv2
    from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_sns as sns

    imported = time.perf_counter()
    app = cdk.App(outdir=outdir, builtin_cloud_formation_validation=False, context=CONTEXT)
    per_stack = PER_STACK[kind]
    stacks = [cdk.Stack(app, f"Stack{i}") for i in range((units - 1) // per_stack + 1)]
    code = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
    actions, apis = [], []
    for stack in stacks:
        topic = sns.Topic(stack, "Alarms")
        actions.append(cloudwatch_actions.SnsAction(topic))
        apis.append(apigatewayv2.HttpApi(stack, "Api") if kind == "api" else None)
        if style == "best-lambda":
            from best_lambda import AlarmDefaults

            AlarmDefaults.of(stack).notify(topic)
    before_units = counter[0]
    if style == "best-lambda":
        from best_lambda import ApiFunction, HardenedFunctionOptions, StreamConsumer

        options = HardenedFunctionOptions(code=code, handler="index.handler")
        for i in range(units):
            stack = stacks[i // per_stack]
            if kind == "stream":
                StreamConsumer(stack, f"Consumer{i}", function_options=options)
            else:
                ApiFunction(
                    stack,
                    f"Api{i}",
                    function_options=options,
                    http_api=apis[i // per_stack],
                    path=f"/orders{i}",
                )
    else:
        for i in range(units):
            stack, action = stacks[i // per_stack], actions[i // per_stack]
            if kind == "stream":
                hand_built_stream_consumer(stack, f"Consumer{i}", code, action)
            else:
                hand_built_api_function(
                    stack, f"Api{i}", code, action, apis[i // per_stack], f"/orders{i}"
                )
    unit_calls = counter[0] - before_units
    built = time.perf_counter()
    app.synth()
    done = time.perf_counter()
    return {
        "import": imported - started,
        "build": built - imported,
        "synth": done - built,
        "total": done - imported,
        "calls_per_unit": unit_calls / units,
    }


def run(kind: str, style: str, units: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Measure one app in a fresh process; return its timings and its normalized templates."""
    with tempfile.TemporaryDirectory() as outdir:
        script = (
            f"import json, sys; sys.path[:0] = [{str(ROOT)!r}]; "
            "from benchmarks.trigger_cost_streams_apis import build; "
            f"print(json.dumps(build({kind!r}, {style!r}, {units}, {outdir!r})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", script], check=False, capture_output=True, text=True, cwd=ROOT
        )
        if out.returncode:
            raise SystemExit(f"{kind}/{style} failed:\n{out.stderr[-3000:]}")
        timings = json.loads(out.stdout.strip().splitlines()[-1])
        from best_lambda.testing import normalized

        templates = {
            path.name: normalized(json.loads(path.read_text()))
            for path in sorted(Path(outdir).glob("*.template.json"))
        }
    return timings, templates


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kinds", nargs="*", default=["stream", "api"])
    args = parser.parse_args()
    print(f"{args.units} units, median of {args.repeat} runs, validation off\n")
    print(
        f"{'construct':<16}{'hand-built':>12}{'best-lambda':>13}{'ratio':>8}"
        f"{'build (hand/bl)':>18}{'jsii/unit':>16}"
    )
    for kind in args.kinds:
        totals: dict[str, list[float]] = {"hand": [], "best-lambda": []}
        builds: dict[str, list[float]] = {"hand": [], "best-lambda": []}
        calls: dict[str, float] = {}
        templates: dict[str, Any] = {}
        for _ in range(args.repeat):
            for style in ("hand", "best-lambda"):
                timings, templates[style] = run(kind, style, args.units)
                totals[style].append(timings["total"])
                builds[style].append(timings["build"])
                calls[style] = timings["calls_per_unit"]
        same = templates["hand"] == templates["best-lambda"]
        hand, best = (statistics.median(totals[s]) for s in ("hand", "best-lambda"))
        hand_build, best_build = (statistics.median(builds[s]) for s in ("hand", "best-lambda"))
        print(
            f"{LABELS[kind]:<16}{hand:>11.2f}s{best:>12.2f}s{best / hand:>7.2f}x"
            f"{hand_build:>9.2f}s/{best_build:.2f}s"
            f"{calls['hand']:>8.0f} / {calls['best-lambda']:<6.0f}"
            + ("" if same else "  TEMPLATES DIFFER")
        )
        if not same:
            _explain(templates["hand"], templates["best-lambda"])
    return 0


if __name__ == "__main__":
    import _env  # noqa: F401  (scripts/env.sh: private jsii cache, no Node banner)

    sys.exit(main())
