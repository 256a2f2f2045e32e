"""What the trigger constructs cost to build, against the same resources written by hand.

Usage: ``python benchmarks/trigger_cost.py [--units 50] [--repeat 3] [--kinds ...]`` (after
``bash scripts/setup.sh``).

As ``benchmarks/construct_cost.py`` does for HardenedFunction and QueueConsumer: for each
trigger construct (TopicSubscriber, EventRuleHandler, ScheduledFunction, BucketProcessor),
two apps are built and synthesized in fresh Python processes, one with the construct and
one with plain aws-cdk-lib code producing the *same template* (the function hardened by
hand, the service's dead-letter queue, its policy, the alarms, the scoped roles and the
cdk-nag acknowledgements a careful user would need). The script checks that the normalized
templates are identical, then prints the median build + synth time of each, their ratio
and the jsii round trips per unit. BucketProcessor also registers its recursion guard (a
validation callback at synthesis), which the hand-built app does not have.

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

#: Units per stack, under CloudFormation's 500 resources.
PER_STACK = {"subscriber": 20, "rule": 20, "schedule": 20, "bucket": 18}
LABELS = {
    "subscriber": "TopicSubscriber",
    "rule": "EventRuleHandler",
    "schedule": "ScheduledFunction",
    "bucket": "BucketProcessor",
}
PATTERN = {"source": ["shop.orders"]}


def _alarm(scope: Any, name: str, metric: Any, description: str, action: Any) -> None:
    from aws_cdk import aws_cloudwatch as cloudwatch

    cloudwatch.Alarm(
        scope,
        f"{name}Alarm",
        metric=metric,
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=f"{scope.node.path}: {description}",
    ).add_alarm_action(action)


def _handler(scope: Any, code: Any, action: Any) -> Any:
    """The function a trigger builds: hardened by hand, named after the trigger."""
    return hand_built_function(scope, "Handler", code, action=action, service_name=scope.node.id)


def _delivery_dlq(scope: Any) -> Any:
    import aws_cdk as cdk
    from aws_cdk import aws_sqs as sqs

    dlq = sqs.Queue(
        scope,
        "DeadLetterQueue",
        enforce_ssl=True,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        retention_period=cdk.Duration.days(14),
    )
    _acknowledge(dlq, "Serverless-SQSRedrivePolicy")
    _acknowledge(dlq, "AwsSolutions-SQS3")
    return dlq


def _depth(queue: Any) -> Any:
    import aws_cdk as cdk

    return queue.metric_approximate_number_of_messages_visible(
        period=cdk.Duration.minutes(5), statistic="Maximum"
    )


def hand_built_subscriber(stack: Any, construct_id: str, code: Any, action: Any) -> None:
    """TopicSubscriber's resources written with plain aws-cdk-lib."""
    import aws_cdk as cdk
    from aws_cdk import aws_sns as sns
    from aws_cdk import aws_sns_subscriptions as subscriptions
    from constructs import Construct

    scope = Construct(stack, construct_id)
    fn = _handler(scope, code, action)
    topic = sns.Topic(scope, "Topic", enforce_ssl=True)
    topic.node.default_child.kms_master_key_id = "alias/aws/sns"
    dlq = _delivery_dlq(scope)
    topic.add_subscription(subscriptions.LambdaSubscription(fn, dead_letter_queue=dlq))
    _alarm(
        scope,
        "DeliveryDeadLetterQueueDepth",
        _depth(dlq),
        "SNS could not deliver messages to the function; they wait in the subscription's "
        "dead-letter queue.",
        action,
    )
    _alarm(
        scope,
        "FailedToRedriveToDlq",
        topic.metric(
            "NumberOfNotificationsFailedToRedriveToDlq",
            period=cdk.Duration.minutes(5),
            statistic="Sum",
        ),
        "SNS could neither deliver messages nor move them to the subscription's dead-letter "
        "queue: they are lost (check the queue's policy and encryption).",
        action,
    )


def hand_built_rule(stack: Any, construct_id: str, code: Any, action: Any) -> None:
    """EventRuleHandler's resources written with plain aws-cdk-lib."""
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_events as events
    from aws_cdk import aws_events_targets as targets
    from constructs import Construct

    scope = Construct(stack, construct_id)
    fn = _handler(scope, code, action)
    dlq = _delivery_dlq(scope)
    rule = events.Rule(scope, "Rule", event_pattern=events.EventPattern(source=["shop.orders"]))
    rule.add_target(
        targets.LambdaFunction(
            fn,
            dead_letter_queue=dlq,
            retry_attempts=185,
            max_event_age=cdk.Duration.seconds(86_400),
        )
    )
    _alarm(
        scope,
        "DeliveryDeadLetterQueueDepth",
        _depth(dlq),
        "EventBridge could not deliver events to a target of the rule; they wait in the "
        "target's dead-letter queue.",
        action,
    )
    _alarm(
        scope,
        "FailedInvocations",
        cloudwatch.Metric(
            namespace="AWS/Events",
            metric_name="FailedInvocations",
            dimensions_map={"RuleName": rule.rule_name},
            period=cdk.Duration.minutes(5),
            statistic="Sum",
        ),
        "EventBridge failed to invoke the rule's target permanently.",
        action,
    )


def hand_built_schedule(stack: Any, construct_id: str, code: Any, action: Any) -> None:
    """ScheduledFunction's resources written with plain aws-cdk-lib."""
    import aws_cdk as cdk
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_scheduler as scheduler
    from aws_cdk import aws_scheduler_targets as scheduler_targets
    from constructs import Construct

    scope = Construct(stack, construct_id)
    fn = _handler(scope, code, action)
    dlq = _delivery_dlq(scope)
    role = iam.Role(
        scope,
        "SchedulerRole",
        assumed_by=iam.ServicePrincipal(
            "scheduler.amazonaws.com",
            conditions={"StringEquals": {"aws:SourceAccount": cdk.Stack.of(scope).account}},
        ),
        description=f"Lets EventBridge Scheduler invoke {scope.node.path}/Handler only",
    )
    role.add_to_policy(
        iam.PolicyStatement(actions=["lambda:InvokeFunction"], resources=[fn.function_arn])
    )
    dlq.grant_send_messages(role)
    schedule = scheduler.Schedule(
        scope,
        "Schedule",
        schedule=scheduler.ScheduleExpression.rate(cdk.Duration.hours(1)),
        target=scheduler_targets.LambdaInvoke(
            fn,
            role=role.without_policy_updates(),
            dead_letter_queue=dlq,
            retry_attempts=185,
            max_event_age=cdk.Duration.seconds(3_600),
        ),
        enabled=True,
    )
    schedule.node.add_dependency(role)
    _alarm(
        scope,
        "DeliveryDeadLetterQueueDepth",
        _depth(dlq),
        "Scheduler could not deliver runs to the function; they wait in the target's "
        "dead-letter queue.",
        action,
    )
    group = scheduler.ScheduleGroup.from_default_schedule_group(scope, "Group")
    _alarm(
        scope,
        "TargetErrors",
        group.metric_target_errors(period=cdk.Duration.minutes(5), statistic="Sum"),
        "Scheduler's invocations of targets in this schedule group failed (the group is "
        "shared by every schedule in it).",
        action,
    )


def hand_built_bucket(stack: Any, construct_id: str, code: Any, action: Any) -> None:
    """BucketProcessor's resources written with plain aws-cdk-lib (no recursion guard)."""
    import aws_cdk as cdk
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_s3 as s3
    from aws_cdk import aws_s3_notifications as s3n
    from constructs import Construct

    scope = Construct(stack, construct_id)
    secure: dict[str, Any] = {
        "encryption": s3.BucketEncryption.S3_MANAGED,
        "enforce_ssl": True,
        "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
    }
    logs = s3.Bucket(
        scope,
        "AccessLogs",
        lifecycle_rules=[s3.LifecycleRule(expiration=cdk.Duration.days(90))],
        **secure,
    )
    _acknowledge(logs, "AwsSolutions-S1")
    bucket = s3.Bucket(scope, "Bucket", server_access_logs_bucket=logs, **secure)
    fn = _handler(scope, code, action)
    bucket.add_event_notification(
        s3.EventType.OBJECT_CREATED,
        s3n.LambdaDestination(fn),
        s3.NotificationKeyFilter(prefix="in/"),
    )
    handler = cdk.Stack.of(scope).node.try_find_child(
        "BucketNotificationsHandler050a0587b7544547bf325f094a3db834"
    )
    if handler is not None and not any(
        m.type == "aws:cdk:acknowledged-rules" for m in handler.node.metadata
    ):
        _acknowledge(handler, "BestLambda-CdkFrameworkFunction")
        _acknowledge(
            handler,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]",
        )
    policy = iam.Policy(
        scope,
        "ObjectAccess",
        roles=[fn.role],
        statements=[
            iam.PolicyStatement(
                actions=["s3:GetObject"], resources=[bucket.arn_for_objects("in/*")]
            ),
            iam.PolicyStatement(
                actions=["s3:PutObject"], resources=[bucket.arn_for_objects("out/*")]
            ),
        ],
    )
    bucket_id = cdk.Stack.of(scope).get_logical_id(bucket.node.default_child)
    for keys in ("in/*", "out/*"):
        cdk.Validations.of(policy).acknowledge(
            cdk.Acknowledgment(
                id=f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{keys}]",
                reason="Object keys are not known in advance.",
            )
        )


HAND_BUILT = {
    "subscriber": hand_built_subscriber,
    "rule": hand_built_rule,
    "schedule": hand_built_schedule,
    "bucket": hand_built_bucket,
}


def best_lambda_unit(kind: str, stack: Any, construct_id: str, code: Any) -> None:
    """One trigger construct with its defaults."""
    import aws_cdk as cdk
    from aws_cdk import aws_events as events
    from aws_cdk import aws_scheduler as scheduler

    from best_lambda import (
        BucketProcessor,
        EventRuleHandler,
        HardenedFunctionOptions,
        ScheduledFunction,
        TopicSubscriber,
    )

    options = HardenedFunctionOptions(code=code, handler="index.handler")
    if kind == "subscriber":
        TopicSubscriber(stack, construct_id, function_options=options)
    elif kind == "rule":
        EventRuleHandler(
            stack,
            construct_id,
            event_pattern=events.EventPattern(source=["shop.orders"]),
            function_options=options,
        )
    elif kind == "schedule":
        ScheduledFunction(
            stack,
            construct_id,
            schedule=scheduler.ScheduleExpression.rate(cdk.Duration.hours(1)),
            function_options=options,
        )
    else:
        BucketProcessor(
            stack, construct_id, prefix="in/", output_prefix="out/", function_options=options
        )


def build(kind: str, style: str, units: int, outdir: str) -> dict[str, Any]:
    """Build and synthesize one app in this process; return timings and counts."""
    counter = _count_round_trips()
    started = time.perf_counter()
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_sns as sns

    imported = time.perf_counter()
    app = cdk.App(outdir=outdir, builtin_cloud_formation_validation=False, context=CONTEXT)
    per_stack = PER_STACK[kind]
    stacks = [cdk.Stack(app, f"Stack{i}") for i in range((units - 1) // per_stack + 1)]
    code = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
    actions = []
    for stack in stacks:
        topic = sns.Topic(stack, "Alarms")
        actions.append(cloudwatch_actions.SnsAction(topic))
        if style == "best-lambda":
            from best_lambda import AlarmDefaults

            AlarmDefaults.of(stack).notify(topic)
    before_units = counter[0]
    for i in range(units):
        stack = stacks[i // per_stack]
        if style == "best-lambda":
            best_lambda_unit(kind, stack, f"Unit{i}", code)
        else:
            HAND_BUILT[kind](stack, f"Unit{i}", code, actions[i // per_stack])
    unit_calls = counter[0] - before_units
    built = time.perf_counter()
    before_synth = counter[0]
    app.synth()
    done = time.perf_counter()
    return {
        "import": imported - started,
        "build": built - imported,
        "synth": done - built,
        "total": done - imported,
        "calls_per_unit": unit_calls / units,
        "synth_calls_per_unit": (counter[0] - before_synth) / units,
    }


def run(kind: str, style: str, units: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Measure one app in a fresh process; return its timings and its normalized templates."""
    with tempfile.TemporaryDirectory() as outdir:
        script = (
            f"import json, sys; sys.path[:0] = [{str(ROOT)!r}]; "
            "from benchmarks.trigger_cost import build; "
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
    parser.add_argument("--kinds", nargs="*", default=list(LABELS))
    args = parser.parse_args()
    print(f"{args.units} units of each, median of {args.repeat} runs, validation off\n")
    print(
        f"{'construct':<19}{'hand-built':>11}{'best-lambda':>13}{'ratio':>8}"
        f"{'jsii/unit build':>18}{'jsii/unit synth':>18}"
    )
    for kind in args.kinds:
        totals: dict[str, list[float]] = {"hand": [], "best-lambda": []}
        calls: dict[str, tuple[float, float]] = {}
        templates: dict[str, Any] = {}
        for _ in range(args.repeat):
            for style in ("hand", "best-lambda"):
                timings, templates[style] = run(kind, style, args.units)
                totals[style].append(timings["total"])
                calls[style] = (timings["calls_per_unit"], timings["synth_calls_per_unit"])
        same = templates["hand"] == templates["best-lambda"]
        hand, best = (statistics.median(totals[s]) for s in ("hand", "best-lambda"))
        print(
            f"{LABELS[kind]:<19}{hand:>10.2f}s{best:>12.2f}s{best / hand:>7.2f}x"
            f"{calls['hand'][0]:>9.0f} / {calls['best-lambda'][0]:<6.0f}"
            f"{calls['hand'][1]:>9.1f} / {calls['best-lambda'][1]:<6.1f}"
            + ("" if same else "  TEMPLATES DIFFER")
        )
        if not same:
            _explain(templates["hand"], templates["best-lambda"])
    return 0


if __name__ == "__main__":
    import _env  # noqa: F401  (scripts/env.sh: private jsii cache, no Node banner)

    sys.exit(main())
