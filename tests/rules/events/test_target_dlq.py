from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.events.target_dlq import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    is_prod_condition,
    l2_function,
    result,
)

PATTERN = events.EventPattern(source=["shop.orders"])


def rule_with(stack: cdk.Stack, *rule_targets: events.IRuleTarget) -> events.Rule:
    return events.Rule(stack, "Rule", event_pattern=PATTERN, targets=list(rule_targets))


def schedule_of(stack: cdk.Stack, fn: lambda_.IFunction, **kwargs: object) -> None:
    scheduler.Schedule(
        stack,
        "Schedule",
        schedule=scheduler.ScheduleExpression.rate(cdk.Duration.hours(1)),
        target=scheduler_targets.LambdaInvoke(fn, **kwargs),  # type: ignore[arg-type]
    )


def test_compliant_rule_target_with_a_dead_letter_queue(stack: cdk.Stack):
    fn = l2_function(stack)
    rule_with(stack, targets.LambdaFunction(fn, dead_letter_queue=sqs.Queue(stack, "Dlq")))
    assert_compliant(result(RULE, stack, "Rule"))


def test_compliant_schedule_with_a_dead_letter_queue(stack: cdk.Stack):
    schedule_of(stack, l2_function(stack), dead_letter_queue=sqs.Queue(stack, "Dlq"))
    assert_compliant(result(RULE, stack, "Schedule"))


def test_non_compliant_rule_target_without_dead_letter_queue(stack: cdk.Stack):
    fn = l2_function(stack)
    rule_with(stack, targets.LambdaFunction(fn))
    assert_non_compliant(
        result(RULE, stack, "Rule"), "Target 'Target0' invokes function Fn9270CBC0 without"
    )


def test_non_compliant_only_for_the_lambda_targets(stack: cdk.Stack):
    fn = l2_function(stack)
    queue = sqs.Queue(stack, "Queue")
    rule_with(stack, targets.SqsQueue(queue), targets.LambdaFunction(fn))
    outcome = result(RULE, stack, "Rule")
    assert_non_compliant(outcome, "Target 'Target1' invokes function Fn9270CBC0")
    assert len(outcome.findings) == 1


def test_non_compliant_schedule_without_dead_letter_queue(stack: cdk.Stack):
    schedule_of(stack, l2_function(stack))
    assert_non_compliant(result(RULE, stack, "Schedule"), "The schedule's target invokes")


def test_non_compliant_universal_target_and_imported_function(stack: cdk.Stack):
    events.CfnRule(
        stack,
        "Imported",
        event_pattern={"source": ["shop"]},
        targets=[
            events.CfnRule.TargetProperty(
                id="Theirs", arn="arn:aws:lambda:eu-west-1:123456789012:function:theirs"
            )
        ],
    )
    scheduler.CfnSchedule(
        stack,
        "Universal",
        schedule_expression="rate(1 hour)",
        flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
        target=scheduler.CfnSchedule.TargetProperty(
            arn="arn:aws:scheduler:::aws-sdk:lambda:invoke",
            role_arn="arn:aws:iam::123456789012:role/scheduler",
        ),
    )
    assert_non_compliant(result(RULE, stack, "Imported"), "a function outside this template")
    assert_non_compliant(result(RULE, stack, "Universal"), "Invoke API (universal target)")


def test_non_compliant_function_arn_joined_with_a_delimiter(stack: cdk.Stack):
    """An ``Fn::Join [":", ...]`` ARN of a function elsewhere is read with its delimiter."""
    arn = cdk.Fn.join(
        ":",
        ["arn", cdk.Aws.PARTITION, "lambda", cdk.Aws.REGION, cdk.Aws.ACCOUNT_ID, "function", "x"],
    )
    events.CfnRule(
        stack,
        "Joined",
        event_pattern={"source": ["shop"]},
        targets=[events.CfnRule.TargetProperty(id="T", arn=arn)],
    )
    assert_non_compliant(result(RULE, stack, "Joined"), "a function outside this template")


def test_not_applicable_without_lambda_targets(stack: cdk.Stack):
    rule_with(stack, targets.SqsQueue(sqs.Queue(stack, "Queue")))
    assert_not_applicable(result(RULE, stack, "Rule"))


def test_not_applicable_to_a_rule_without_targets(stack: cdk.Stack):
    events.Rule(stack, "Rule", event_pattern=PATTERN)
    assert_not_applicable(result(RULE, stack, "Rule"))


def test_unknown_target_arn_from_a_parameter(stack: cdk.Stack):
    arn = cdk.CfnParameter(stack, "TargetArn")
    events.CfnRule(
        stack,
        "Rule",
        event_pattern={"source": ["shop"]},
        targets=[events.CfnRule.TargetProperty(id="T", arn=arn.value_as_string)],
    )
    assert_unknown(result(RULE, stack, "Rule"), "parameter 'TargetArn'")


def test_non_compliant_when_the_dead_letter_queue_exists_in_one_branch(stack: cdk.Stack):
    fn = l2_function(stack)
    condition = is_prod_condition(stack)
    dlq = sqs.Queue(stack, "Dlq")
    events.CfnRule(
        stack,
        "Rule",
        event_pattern={"source": ["shop"]},
        targets=[
            events.CfnRule.TargetProperty(
                id="T",
                arn=fn.function_arn,
                dead_letter_config=cdk.Fn.condition_if(
                    condition.logical_id,
                    {"Arn": dlq.queue_arn},
                    cdk.Aws.NO_VALUE,
                ),  # type: ignore[arg-type]
            )
        ],
    )
    assert_non_compliant(
        result(RULE, stack, "Rule"), "When IsProd is false", "without a DeadLetterConfig"
    )
