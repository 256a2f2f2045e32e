"""What best-lambda's constructs cost to build, against the same resources written by hand.

Usage: ``python benchmarks/construct_cost.py [--units 200] [--repeat 3]`` (after
``bash scripts/setup.sh``).

For each construct, two apps are built in fresh Python processes (jsii starts once per
process, as in ``cdk synth``): one with the construct, one with plain aws-cdk-lib code that
produces the *same template* (same construct tree, properties, policies, alarms and
cdk-nag acknowledgements a careful user would need to pass AwsSolutions and Serverless).
The script checks that the normalized templates are identical, then prints the median
build + synth time of each, their ratio and the number of jsii round trips per unit. The
harness (processes, template check, command line) is ``benchmarks/_compare.py``, shared
with ``trigger_cost.py`` and ``trigger_cost_streams_apis.py``.

Ratios are printed, never asserted: timings depend on the machine.
"""

from __future__ import annotations

import sys
from typing import Any

from _compare import (
    Comparison,
    Setup,
    acknowledge,
    alarm,
    encrypted_queue,
    main,
    measure,
    queue_depth,
)

#: Units per stack: CloudFormation allows 500 resources per stack.
PER_STACK = {"function": 25, "consumer": 20}
LABELS = {"function": "HardenedFunction", "consumer": "QueueConsumer"}
XRAY = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


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
    acknowledge(tracing, "AwsSolutions-IAM5[Resource::*]")
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
        acknowledge(dlq, "Serverless-SQSRedrivePolicy")
        acknowledge(
            fn.node.find_child("EventInvokeConfig"), "Serverless-LambdaAsyncFailureDestination"
        )
    else:
        acknowledge(cfn, "Serverless-LambdaDLQ")
    period = cdk.Duration.minutes(5)
    alarms = [
        (
            "Errors",
            fn.metric_errors(period=period, statistic="Sum"),
            1,
            "the function reported errors in the last 5 minutes.",
        ),
        (
            "Throttles",
            fn.metric_throttles(period=period, statistic="Sum"),
            1,
            "invocations were throttled in the last 5 minutes.",
        ),
        (
            "Duration",
            fn.metric_duration(period=period, statistic="p99"),
            8000,
            "p99 duration reached 80% of the 10 s timeout (8000 ms).",
        ),
    ]
    if dlq is not None:
        alarms += [
            (
                "DeadLetterQueueDepth",
                queue_depth(dlq, period),
                1,
                "failed asynchronous events are waiting in the dead-letter queue.",
            ),
            (
                "DeadLetterErrors",
                fn.metric("DeadLetterErrors", period=period, statistic="Sum"),
                1,
                "Lambda could not deliver failed events to the dead-letter queue; they are lost.",
            ),
        ]
    for name, metric, threshold, description in alarms:
        alarm(fn, name, metric, description, action, threshold, path=path)
    return fn


def hand_built_handler(scope: Any, code: Any, action: Any, *, sync: bool = False) -> Any:
    """The function a construct builds for its trigger: hardened by hand, named after it."""
    return hand_built_function(
        scope, "Handler", code, sync=sync, action=action, service_name=scope.node.id
    )


def build(kind: str, style: str, units: int, outdir: str) -> dict[str, Any]:
    """Build and synthesize one app in this process; return timings and counts."""
    return measure(style, units, PER_STACK[kind], outdir, lambda setup: _units(kind, style, setup))


def _units(kind: str, style: str, setup: Setup) -> None:
    units = range(setup.units)
    if kind == "function":
        if style == "best-lambda":
            from best_lambda import HardenedFunction

            for i in units:
                HardenedFunction(setup.stack(i), f"Fn{i}", code=setup.code, handler="index.handler")
        else:
            for i in units:
                hand_built_function(setup.stack(i), f"Fn{i}", setup.code, action=setup.action(i))
    elif style == "best-lambda":
        from best_lambda import HardenedFunctionOptions, QueueConsumer

        options = HardenedFunctionOptions(code=setup.code, handler="index.handler")
        for i in units:
            QueueConsumer(setup.stack(i), f"Worker{i}", function_options=options)
    else:
        for i in units:
            hand_built_consumer(setup.stack(i), f"Worker{i}", setup.code, setup.action(i))


def hand_built_consumer(stack: Any, construct_id: str, code: Any, action: Any) -> Any:
    """QueueConsumer's resources written with plain aws-cdk-lib."""
    import aws_cdk as cdk
    from aws_cdk import aws_lambda_event_sources as event_sources
    from aws_cdk import aws_sqs as sqs
    from constructs import Construct

    scope = Construct(stack, construct_id)
    dlq = encrypted_queue(scope, "DeadLetterQueue", acknowledged=["Serverless-SQSRedrivePolicy"])
    queue = encrypted_queue(
        scope,
        "Queue",
        days=4,
        acknowledged=[],
        visibility_timeout=cdk.Duration.seconds(60),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
    )
    fn = hand_built_handler(scope, code, action, sync=True)
    fn.add_event_source(
        event_sources.SqsEventSource(queue, batch_size=10, report_batch_item_failures=True)
    )
    acknowledge(
        fn.node.find_child(f"SqsEventSource:{cdk.Names.node_unique_id(queue.node)}"),
        "Serverless-LambdaEventSourceMappingDestination",
    )
    period = cdk.Duration.minutes(5)
    path = scope.node.path
    alarm(
        scope,
        "OldestMessageAge",
        queue.metric_approximate_age_of_oldest_message(period=period, statistic="Maximum"),
        "the oldest message has waited 300 s or more; the consumer is falling behind.",
        action,
        300,
        path=path,
    )
    alarm(
        scope,
        "DeadLetterQueueDepth",
        queue_depth(dlq, period),
        "messages failed 5 deliveries and wait in the dead-letter queue.",
        action,
        path=path,
    )
    return scope


def _row(kind: str, c: Comparison) -> str:
    hand, best = c.median("hand"), c.median("best-lambda")
    calls = {style: c.last(style, "calls_per_unit") for style in ("hand", "best-lambda")}
    return (
        f"{LABELS[kind]:<18}{hand:>11.2f}s{best:>12.2f}s{best / hand:>7.2f}x"
        f"{calls['hand']:>8.0f} / {calls['best-lambda']:<6.0f}"
    )


if __name__ == "__main__":
    sys.exit(
        main(
            "construct_cost",
            __doc__ or "",
            units=200,
            kinds=LABELS,
            header=f"{'construct':<18}{'hand-built':>12}{'best-lambda':>13}{'ratio':>8}"
            f"{'jsii/unit':>16}",
            row=_row,
        )
    )
