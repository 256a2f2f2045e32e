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
from construct_cost import hand_built_handler

#: Units per stack, under CloudFormation's 500 resources.
PER_STACK = {"subscriber": 20, "rule": 20, "schedule": 20, "bucket": 18}
LABELS = {
    "subscriber": "TopicSubscriber",
    "rule": "EventRuleHandler",
    "schedule": "ScheduledFunction",
    "bucket": "BucketProcessor",
}


def hand_built_subscriber(stack: Any, construct_id: str, code: Any, action: Any) -> None:
    """TopicSubscriber's resources written with plain aws-cdk-lib."""
    import aws_cdk as cdk
    from aws_cdk import aws_sns as sns
    from aws_cdk import aws_sns_subscriptions as subscriptions
    from constructs import Construct

    scope = Construct(stack, construct_id)
    fn = hand_built_handler(scope, code, action)
    topic = sns.Topic(scope, "Topic", enforce_ssl=True)
    topic.node.default_child.kms_master_key_id = "alias/aws/sns"
    dlq = encrypted_queue(scope, "DeadLetterQueue")
    topic.add_subscription(subscriptions.LambdaSubscription(fn, dead_letter_queue=dlq))
    alarm(
        scope,
        "DeliveryDeadLetterQueueDepth",
        queue_depth(dlq),
        "SNS could not deliver messages to the function; they wait in the subscription's "
        "dead-letter queue.",
        action,
    )
    alarm(
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
    fn = hand_built_handler(scope, code, action)
    dlq = encrypted_queue(scope, "DeadLetterQueue")
    rule = events.Rule(scope, "Rule", event_pattern=events.EventPattern(source=["shop.orders"]))
    rule.add_target(
        targets.LambdaFunction(
            fn,
            dead_letter_queue=dlq,
            retry_attempts=185,
            max_event_age=cdk.Duration.seconds(86_400),
        )
    )
    alarm(
        scope,
        "DeliveryDeadLetterQueueDepth",
        queue_depth(dlq),
        "EventBridge could not deliver events to a target of the rule; they wait in the "
        "target's dead-letter queue.",
        action,
    )
    alarm(
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
    fn = hand_built_handler(scope, code, action)
    dlq = encrypted_queue(scope, "DeadLetterQueue")
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
    alarm(
        scope,
        "DeliveryDeadLetterQueueDepth",
        queue_depth(dlq),
        "Scheduler could not deliver runs to the function; they wait in the target's "
        "dead-letter queue.",
        action,
    )
    group = scheduler.ScheduleGroup.from_default_schedule_group(scope, "Group")
    alarm(
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
    acknowledge(logs, "AwsSolutions-S1")
    bucket = s3.Bucket(scope, "Bucket", server_access_logs_bucket=logs, **secure)
    fn = hand_built_handler(scope, code, action)
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
        acknowledge(handler, "BestLambda-CdkFrameworkFunction")
        acknowledge(
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
    return measure(style, units, PER_STACK[kind], outdir, lambda setup: _units(kind, style, setup))


def _units(kind: str, style: str, setup: Setup) -> None:
    for i in range(setup.units):
        if style == "best-lambda":
            best_lambda_unit(kind, setup.stack(i), f"Unit{i}", setup.code)
        else:
            HAND_BUILT[kind](setup.stack(i), f"Unit{i}", setup.code, setup.action(i))


def _row(kind: str, c: Comparison) -> str:
    hand, best = c.median("hand"), c.median("best-lambda")
    build = {style: c.last(style, "calls_per_unit") for style in ("hand", "best-lambda")}
    synth = {style: c.last(style, "synth_calls_per_unit") for style in ("hand", "best-lambda")}
    return (
        f"{LABELS[kind]:<19}{hand:>10.2f}s{best:>12.2f}s{best / hand:>7.2f}x"
        f"{build['hand']:>9.0f} / {build['best-lambda']:<6.0f}"
        f"{synth['hand']:>9.1f} / {synth['best-lambda']:<6.1f}"
    )


if __name__ == "__main__":
    sys.exit(
        main(
            "trigger_cost",
            __doc__ or "",
            units=50,
            kinds=LABELS,
            header=f"{'construct':<19}{'hand-built':>11}{'best-lambda':>13}{'ratio':>8}"
            f"{'jsii/unit build':>18}{'jsii/unit synth':>18}",
            row=_row,
            intro="units of each",
        )
    )
