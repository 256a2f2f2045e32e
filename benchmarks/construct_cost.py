"""What best-lambda's constructs cost to build, against the same resources written by hand.

Usage: ``python benchmarks/construct_cost.py [--units 200] [--repeat 3]`` (after
``bash scripts/setup.sh``).

For each construct, two apps are built in fresh Python processes (jsii starts once per
process, as in ``cdk synth``): one with the construct, one with plain aws-cdk-lib code that
produces the *same template* (same construct tree, properties, policies, alarms and
cdk-nag acknowledgements a careful user would need to pass AwsSolutions and Serverless).
The script checks that the normalized templates are identical, then prints the median
build + synth time of each, their ratio and the number of jsii round trips per unit.

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
#: Units per stack: CloudFormation allows 500 resources per stack.
PER_STACK = {"function": 25, "consumer": 20}
CONTEXT = {"@aws-cdk/aws-lambda:useCdkManagedLogGroup": True}
XRAY = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


def _count_round_trips() -> list[int]:
    """Count every request Python sends to the jsii kernel process (callbacks included)."""
    from jsii._kernel.providers import process

    counter = [0]
    original = process._NodeProcess.send

    def send(self: Any, request: Any, response_type: Any) -> Any:
        counter[0] += 1
        return original(self, request, response_type)

    process._NodeProcess.send = send  # type: ignore[method-assign]
    return counter


def _acknowledge(construct: Any, rule_id: str) -> None:
    import aws_cdk as cdk

    from best_lambda.constructs._shared import ACK_REASONS

    cdk.Validations.of(construct).acknowledge(
        cdk.Acknowledgment(id=rule_id, reason=ACK_REASONS[rule_id])
    )


def hand_built_function(
    stack: Any,
    construct_id: str,
    code: Any,
    *,
    sync: bool = False,
    action: Any = None,
    service_name: str | None = None,
) -> Any:
    """A plain ``aws_lambda.Function`` with everything HardenedFunction adds, by hand.

    ``service_name`` is the trigger's ID for a function a trigger builds (the triggers name
    the Powertools service after themselves, not after their "Handler" child).
    """
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_lambda as lambda_

    async_props: dict[str, Any] = {}
    if not sync:
        async_props = {
            "dead_letter_queue_enabled": True,
            "retry_attempts": 2,
            "max_event_age": cdk.Duration.hours(6),
        }
    fn = lambda_.Function(
        stack,
        construct_id,
        code=code,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_14,
        architecture=lambda_.Architecture.ARM_64,
        timeout=cdk.Duration.seconds(10),
        memory_size=512,
        logging_format=lambda_.LoggingFormat.JSON,
        application_log_level_v2=lambda_.ApplicationLogLevel.INFO,
        system_log_level_v2=lambda_.SystemLogLevel.INFO,
        recursive_loop=lambda_.RecursiveLoop.TERMINATE,
        environment={
            "POWERTOOLS_SERVICE_NAME": service_name or construct_id,
            "POWERTOOLS_METRICS_NAMESPACE": cdk.Stack.of(stack).stack_name,
            "POWERTOOLS_LOG_LEVEL": "INFO",
        },
        **async_props,
    )
    path = fn.node.path
    cfn = fn.node.default_child
    role = fn.role
    cfn_role = role.node.default_child
    cfn_role.managed_policy_arns = None
    cfn_role.description = f"Execution role of {path} (best-lambda HardenedFunction)"
    tracing = iam.Policy(
        fn,
        "TracingPolicy",
        roles=[role],
        statements=[iam.PolicyStatement(actions=XRAY, resources=["*"])],
    )
    _acknowledge(tracing, "AwsSolutions-IAM5[Resource::*]")
    cfn.node.add_dependency(tracing)
    group = fn.node.find_child("LogGroup")
    group.node.default_child.retention_in_days = 30
    iam.Policy(
        fn,
        "LogsPolicy",
        roles=[role],
        statements=[
            iam.PolicyStatement(
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[group.log_group_arn],
            )
        ],
    )
    cfn.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
    dlq = fn.dead_letter_queue
    if dlq is not None:
        dlq.node.default_child.sqs_managed_sse_enabled = True
        dlq.add_to_resource_policy(
            iam.PolicyStatement(
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["sqs:*"],
                resources=[dlq.queue_arn],
                conditions={"Bool": {"aws:SecureTransport": "false"}},
            )
        )
        _acknowledge(dlq, "Serverless-SQSRedrivePolicy")
        _acknowledge(
            fn.node.find_child("EventInvokeConfig"), "Serverless-LambdaAsyncFailureDestination"
        )
    else:
        _acknowledge(cfn, "Serverless-LambdaDLQ")
    period = cdk.Duration.minutes(5)
    alarms = [
        (
            "Errors",
            fn.metric_errors(period=period, statistic="Sum"),
            1,
            f"{path}: the function reported errors in the last 5 minutes.",
        ),
        (
            "Throttles",
            fn.metric_throttles(period=period, statistic="Sum"),
            1,
            f"{path}: invocations were throttled in the last 5 minutes.",
        ),
        (
            "Duration",
            fn.metric_duration(period=period, statistic="p99"),
            8000,
            f"{path}: p99 duration reached 80% of the 10 s timeout (8000 ms).",
        ),
    ]
    if dlq is not None:
        alarms += [
            (
                "DeadLetterQueueDepth",
                dlq.metric_approximate_number_of_messages_visible(
                    period=period, statistic="Maximum"
                ),
                1,
                f"{path}: failed asynchronous events are waiting in the dead-letter queue.",
            ),
            (
                "DeadLetterErrors",
                fn.metric("DeadLetterErrors", period=period, statistic="Sum"),
                1,
                f"{path}: Lambda could not deliver failed events to the dead-letter queue; "
                "they are lost.",
            ),
        ]
    for name, metric, threshold, description in alarms:
        alarm = cloudwatch.Alarm(
            fn,
            f"{name}Alarm",
            metric=metric,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        if action is not None:
            alarm.add_alarm_action(action)
    return fn


def build(kind: str, style: str, units: int, outdir: str) -> dict[str, Any]:
    """Build and synthesize one app in this process; return timings and counts."""
    counter = _count_round_trips()
    started = time.perf_counter()
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_

    imported = time.perf_counter()
    calls_at_import = counter[0]
    app = cdk.App(outdir=outdir, builtin_cloud_formation_validation=False, context=CONTEXT)
    per_stack = PER_STACK[kind]
    stacks = [cdk.Stack(app, f"Stack{i}") for i in range((units - 1) // per_stack + 1)]
    code = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
    # Alarms notify a topic per stack, as in a real app.
    from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
    from aws_cdk import aws_sns as sns

    actions = []
    for stack in stacks:
        topic = sns.Topic(stack, "Alarms")
        actions.append(cloudwatch_actions.SnsAction(topic))
        if style == "best-lambda":
            from best_lambda import AlarmDefaults

            AlarmDefaults.of(stack).notify(topic)
    before_units = counter[0]
    if kind == "function":
        if style == "best-lambda":
            from best_lambda import HardenedFunction

            for i in range(units):
                HardenedFunction(
                    stacks[i // per_stack], f"Fn{i}", code=code, handler="index.handler"
                )
        else:
            for i in range(units):
                hand_built_function(
                    stacks[i // per_stack], f"Fn{i}", code, action=actions[i // per_stack]
                )
    elif style == "best-lambda":
        from best_lambda import HardenedFunctionOptions, QueueConsumer

        options = HardenedFunctionOptions(code=code, handler="index.handler")
        for i in range(units):
            QueueConsumer(stacks[i // per_stack], f"Worker{i}", function_options=options)
    else:
        for i in range(units):
            hand_built_consumer(stacks[i // per_stack], f"Worker{i}", code, actions[i // per_stack])
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
        "calls_at_import": calls_at_import,
    }


def hand_built_consumer(stack: Any, construct_id: str, code: Any, action: Any) -> Any:
    """QueueConsumer's resources written with plain aws-cdk-lib."""
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_lambda_event_sources as event_sources
    from aws_cdk import aws_sqs as sqs
    from constructs import Construct

    scope = Construct(stack, construct_id)
    dlq = sqs.Queue(
        scope,
        "DeadLetterQueue",
        enforce_ssl=True,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        retention_period=cdk.Duration.days(14),
    )
    _acknowledge(dlq, "Serverless-SQSRedrivePolicy")
    queue = sqs.Queue(
        scope,
        "Queue",
        enforce_ssl=True,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        retention_period=cdk.Duration.days(4),
        visibility_timeout=cdk.Duration.seconds(60),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
    )
    fn = hand_built_function(
        scope, "Handler", code, sync=True, action=action, service_name=scope.node.id
    )
    fn.add_event_source(
        event_sources.SqsEventSource(queue, batch_size=10, report_batch_item_failures=True)
    )
    _acknowledge(
        fn.node.find_child(f"SqsEventSource:{cdk.Names.node_unique_id(queue.node)}"),
        "Serverless-LambdaEventSourceMappingDestination",
    )
    period = cdk.Duration.minutes(5)
    path = scope.node.path
    for name, metric, threshold, description in (
        (
            "OldestMessageAge",
            queue.metric_approximate_age_of_oldest_message(period=period, statistic="Maximum"),
            300,
            f"{path}: the oldest message has waited 300 s or more; the consumer is falling behind.",
        ),
        (
            "DeadLetterQueueDepth",
            dlq.metric_approximate_number_of_messages_visible(period=period, statistic="Maximum"),
            1,
            f"{path}: messages failed 5 deliveries and wait in the dead-letter queue.",
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


def run(kind: str, style: str, units: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Measure one app in a fresh process; return its timings and its normalized templates."""
    with tempfile.TemporaryDirectory() as outdir:
        script = (
            f"import json, sys; sys.path[:0] = [{str(ROOT)!r}]; "
            "from benchmarks.construct_cost import build; "
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
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kinds", nargs="*", default=["function", "consumer"])
    args = parser.parse_args()
    print(f"{args.units} units, median of {args.repeat} runs, validation off\n")
    print(f"{'construct':<18}{'hand-built':>12}{'best-lambda':>13}{'ratio':>8}{'jsii/unit':>16}")
    for kind in args.kinds:
        results: dict[str, list[float]] = {"hand": [], "best-lambda": []}
        calls: dict[str, float] = {}
        templates: dict[str, Any] = {}
        for _ in range(args.repeat):
            for style in ("hand", "best-lambda"):
                timings, templates[style] = run(kind, style, args.units)
                results[style].append(timings["total"])
                calls[style] = timings["calls_per_unit"]
        same = templates["hand"] == templates["best-lambda"]
        hand, best = (statistics.median(results[s]) for s in ("hand", "best-lambda"))
        label = "HardenedFunction" if kind == "function" else "QueueConsumer"
        print(
            f"{label:<18}{hand:>11.2f}s{best:>12.2f}s{best / hand:>7.2f}x"
            f"{calls['hand']:>8.0f} / {calls['best-lambda']:<6.0f}"
            + ("" if same else "  TEMPLATES DIFFER")
        )
        if not same:
            _explain(templates["hand"], templates["best-lambda"])
    return 0


def _explain(hand: dict[str, Any], best: dict[str, Any]) -> None:
    for name in sorted(set(hand) | set(best)):
        a, b = hand.get(name, {}), best.get(name, {})
        for logical_id in sorted(set(a.get("Resources", {})) | set(b.get("Resources", {}))):
            ra, rb = a.get("Resources", {}).get(logical_id), b.get("Resources", {}).get(logical_id)
            if ra != rb:
                print(f"    {name} {logical_id}:")
                print(f"      hand: {json.dumps(ra)[:300]}")
                print(f"      best: {json.dumps(rb)[:300]}")
                return


if __name__ == "__main__":
    import _env  # noqa: F401  (scripts/env.sh: private jsii cache, no Node banner)

    sys.exit(main())
