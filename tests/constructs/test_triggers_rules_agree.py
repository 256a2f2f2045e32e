"""The rules agree with the constructs: take one safety net away and its rule fires.

Each trigger construct adds safety nets (a subscription or target dead-letter queue, the
function's own dead-letter queue, alarms on both, a recursion guard). These tests remove one
at a time, through the escape hatches a user could reach for, and check that the matching
BestLambda rule (and cdk-nag's, where it has one) reports it.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sns as sns
from constructs import Construct

from best_lambda import BucketProcessor, EventRuleHandler, ScheduledFunction, TopicSubscriber
from best_lambda.rules.engine import TemplateInput, evaluate
from best_lambda.testing import assert_noncompliant, findings_of, template_of
from tests.constructs.trigger_helpers import OPTIONS

ASYNC_TRIGGERS: dict[str, Any] = {
    "TopicSubscriber": lambda s: TopicSubscriber(s, "Trigger", function_options=OPTIONS),
    "EventRuleHandler": lambda s: EventRuleHandler(
        s,
        "Trigger",
        event_pattern=events.EventPattern(source=["shop.orders"]),
        function_options=OPTIONS,
    ),
    "ScheduledFunction": lambda s: ScheduledFunction(
        s,
        "Trigger",
        schedule=scheduler.ScheduleExpression.rate(cdk.Duration.hours(1)),
        function_options=OPTIONS,
    ),
    "BucketProcessor": lambda s: BucketProcessor(
        s, "Trigger", prefix="in/", output_prefix="out/", function_options=OPTIONS
    ),
}
DELIVERY_DLQ = ["TopicSubscriber", "EventRuleHandler", "ScheduledFunction"]


def best_lambda_rules(stack: cdk.Stack) -> set[str]:
    return {f.rule for f in findings_of(stack, ["BestLambda"])}


def test_subscription_dlq(stack: cdk.Stack):
    subscriber = TopicSubscriber(stack, "Notify", function_options=OPTIONS)
    (subscription,) = [
        c for c in subscriber.function.node.children if isinstance(c, sns.Subscription)
    ]
    assert "BestLambda-SnsSubscriptionDlq" not in best_lambda_rules(stack)
    cfn = subscription.node.default_child
    assert isinstance(cfn, sns.CfnSubscription)
    cfn.redrive_policy = None
    assert_noncompliant(subscriber, "BestLambda-SnsSubscriptionDlq")
    assert_noncompliant(subscriber, "Serverless-SNSRedrivePolicy")


def test_rule_target_dlq(stack: cdk.Stack):
    handler = ASYNC_TRIGGERS["EventRuleHandler"](stack)
    assert "BestLambda-EventTargetDlq" not in best_lambda_rules(stack)
    handler.rule.node.default_child.add_property_deletion_override("Targets.0.DeadLetterConfig")
    # BestLambda reads the synthesized template, overrides included (cdk-nag reads the L1
    # object and does not see this one).
    assert_noncompliant(handler, "BestLambda-EventTargetDlq")


def test_schedule_target_dlq(stack: cdk.Stack):
    job = ASYNC_TRIGGERS["ScheduledFunction"](stack)
    assert "BestLambda-EventTargetDlq" not in best_lambda_rules(stack)
    job.schedule.node.default_child.add_property_deletion_override("Target.DeadLetterConfig")
    # cdk-nag has no rule for Scheduler targets: ours is the only one that sees this.
    assert_noncompliant(job, "BestLambda-EventTargetDlq")


@pytest.mark.parametrize("name", sorted(ASYNC_TRIGGERS))
def test_the_functions_own_dlq(stack: cdk.Stack, name: str):
    trigger = ASYNC_TRIGGERS[name](stack)
    assert "BestLambda-AsyncFailureHandling" not in best_lambda_rules(stack)
    trigger.function.node.default_child.add_property_deletion_override("DeadLetterConfig")
    assert_noncompliant(trigger.function, "BestLambda-AsyncFailureHandling")


@pytest.mark.parametrize("name", DELIVERY_DLQ)
def test_the_delivery_dlq_alarm(stack: cdk.Stack, name: str):
    trigger: Construct = ASYNC_TRIGGERS[name](stack)
    assert "BestLambda-DlqAlarm" not in best_lambda_rules(stack)
    assert trigger.node.try_remove_child("DeliveryDeadLetterQueueDepthAlarm")
    (finding,) = assert_noncompliant(trigger, "BestLambda-DlqAlarm")
    assert finding.path == "Test/Trigger/DeadLetterQueue/Resource"


def test_the_recursion_guard(stack: cdk.Stack):
    processor = ASYNC_TRIGGERS["BucketProcessor"](stack)
    assert "BestLambda-RecursiveLoop" not in best_lambda_rules(stack)
    # Widen the construct's own write grant to the trigger's keys through the L1 escape
    # hatch, which no construct can see: the rule still does.
    policy = processor.node.find_child("ObjectAccess").node.default_child
    bucket_arn = processor.bucket.bucket_arn
    policy.add_property_override(
        "PolicyDocument.Statement.1.Resource", cdk.Fn.join("", [bucket_arn, "/in/*"])
    )
    (finding,) = assert_noncompliant(processor, "BestLambda-RecursiveLoop")
    assert "s3:PutObject is allowed on '${TriggerBucket" in finding.description


def test_an_acknowledged_loop_is_still_a_loop_to_the_rule(stack: cdk.Stack):
    """The guard steps aside for an acknowledgement; the rule still sees (and honours) it."""
    processor = ASYNC_TRIGGERS["BucketProcessor"](stack)
    processor.bucket.grant_write(processor)
    cdk.Validations.of(processor).acknowledge(
        cdk.Acknowledgment(id="BestLambda-RecursiveLoop", reason="keys it writes are skipped")
    )
    report = evaluate([TemplateInput("Test", template_of(stack))])
    assert any(v.finding_id == "BestLambda-RecursiveLoop" for v in report.violations)
    assert "BestLambda-RecursiveLoop" not in best_lambda_rules(stack)  # acknowledged
