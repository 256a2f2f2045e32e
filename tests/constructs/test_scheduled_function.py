"""ScheduledFunction: a Scheduler schedule, its scoped role, target DLQ and derived event age."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs

from best_lambda import HardenedFunction, ScheduledFunction
from best_lambda.testing import normalized, template_of
from tests.constructs.trigger_helpers import OPTIONS, alarm, arn, of_type, one, options, ref

HOURLY = scheduler.ScheduleExpression.rate(cdk.Duration.hours(1))


def schedule_props(template: dict[str, Any]) -> dict[str, Any]:
    return one(template, "AWS::Scheduler::Schedule")[1]


@pytest.mark.parametrize(
    ("expression", "age"),
    [
        (scheduler.ScheduleExpression.rate(cdk.Duration.minutes(1)), 60),
        (scheduler.ScheduleExpression.rate(cdk.Duration.minutes(15)), 900),
        (scheduler.ScheduleExpression.cron(minute="0/30", hour="8-17", week_day="MON-FRI"), 1_800),
        (scheduler.ScheduleExpression.cron(minute="0", hour="9,17"), 8 * 3_600),
        (scheduler.ScheduleExpression.cron(minute="15", hour="2"), 86_400),
        (scheduler.ScheduleExpression.rate(cdk.Duration.days(7)), 86_400),
        (scheduler.ScheduleExpression.at(dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC)), 86_400),
    ],
    ids=["1-min", "15-min", "office-half-hours", "twice-a-day", "nightly", "weekly", "once"],
)
def test_event_age_derived_from_the_interval(stack: cdk.Stack, expression, age):
    ScheduledFunction(stack, "Job", schedule=expression, function_options=OPTIONS)
    retry = schedule_props(template_of(stack))["Target"]["RetryPolicy"]
    assert retry == {"MaximumRetryAttempts": 185, "MaximumEventAgeInSeconds": age}


class TestDefaults:
    @pytest.fixture
    def job(self, stack: cdk.Stack) -> ScheduledFunction:
        return ScheduledFunction(stack, "Job", schedule=HOURLY, function_options=OPTIONS)

    @pytest.fixture
    def template(self, stack: cdk.Stack, job: ScheduledFunction) -> dict[str, Any]:
        return template_of(stack)

    def test_schedule(self, template):
        props = schedule_props(template)
        fn_id, _ = one(template, "AWS::Lambda::Function")
        assert props["ScheduleExpression"] == "rate(1 hour)"
        assert props["ScheduleExpressionTimezone"] == "Etc/UTC"
        assert props["FlexibleTimeWindow"] == {"Mode": "OFF"}
        assert props["State"] == "ENABLED"
        assert "GroupName" not in props
        target = props["Target"]
        assert target["Arn"] == arn(fn_id)
        assert target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0].startswith("JobDeadLetterQueue")

    def test_role_may_only_invoke_this_function_and_send_to_its_dlq(self, template):
        fn_id, _ = one(template, "AWS::Lambda::Function")
        role_id = schedule_props(template)["Target"]["RoleArn"]["Fn::GetAtt"][0]
        role = template["Resources"][role_id]["Properties"]
        (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
        assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
        assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ref("AWS::AccountId")}}
        statements = [
            s
            for p in of_type(template, "AWS::IAM::Policy").values()
            if p["Properties"]["Roles"] == [ref(role_id)]
            for s in p["Properties"]["PolicyDocument"]["Statement"]
        ]
        invoke, send = statements
        assert (invoke["Action"], invoke["Resource"]) == ("lambda:InvokeFunction", arn(fn_id))
        assert "sqs:SendMessage" in send["Action"]
        assert send["Resource"]["Fn::GetAtt"][0].startswith("JobDeadLetterQueue")
        # The schedule waits for the role's policy: the first run may be due at once.
        (schedule,) = of_type(template, "AWS::Scheduler::Schedule").values()
        assert any(d.startswith("JobSchedulerRoleDefaultPolicy") for d in schedule["DependsOn"])

    def test_function_keeps_its_own_failures(self, template, job):
        _, function = one(template, "AWS::Lambda::Function")
        assert "DeadLetterConfig" in function
        assert isinstance(job.function, HardenedFunction)

    def test_alarms(self, template, job):
        assert sorted(job.alarms) == [
            "DeadLetterErrors",
            "DeadLetterQueueDepth",
            "DeliveryDeadLetterQueueDepth",
            "Duration",
            "Errors",
            "TargetErrors",
            "Throttles",
        ]
        errors = alarm(template, "TargetErrorCount")
        assert errors["Namespace"] == "AWS/Scheduler"
        assert errors["Dimensions"] == [{"Name": "ScheduleGroup", "Value": "default"}]

    def test_exposes_what_it_built(self, job):
        assert isinstance(job.schedule, scheduler.Schedule)
        assert isinstance(job.dead_letter_queue, sqs.Queue)

    def test_snapshot(self, template, template_snapshot):
        assert normalized(template) == template_snapshot


def test_tuned(stack: cdk.Stack, template_snapshot):
    group = scheduler.ScheduleGroup(stack, "Reports")
    ScheduledFunction(
        stack,
        "Job",
        schedule=scheduler.ScheduleExpression.cron(minute="0", hour="7", week_day="MON-FRI"),
        time_zone=cdk.TimeZone.EUROPE_LONDON,
        time_window=scheduler.TimeWindow.flexible(cdk.Duration.minutes(15)),
        retry_attempts=3,
        max_event_age=cdk.Duration.hours(2),
        schedule_group=group,
        input=scheduler.ScheduleTargetInput.from_object({"report": "daily"}),
        description="Weekday report",
        enabled=False,
        function_options=options(timeout=cdk.Duration.minutes(5)),
    )
    template = template_of(stack)
    props = schedule_props(template)
    assert props["ScheduleExpression"] == "cron(0 7 ? * MON-FRI *)"
    assert props["ScheduleExpressionTimezone"] == "Europe/London"
    assert props["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert props["State"] == "DISABLED"
    assert props["Description"] == "Weekday report"
    assert props["Target"]["RetryPolicy"] == {
        "MaximumRetryAttempts": 3,
        "MaximumEventAgeInSeconds": 7_200,
    }
    assert props["Target"]["Input"] == '{"report":"daily"}'
    group_name = stack.resolve(group.schedule_group_name)  # a generated physical name
    assert props["GroupName"] == group_name
    assert alarm(template, "TargetErrorCount")["Dimensions"] == [
        {"Name": "ScheduleGroup", "Value": group_name}
    ]
    assert normalized(template) == template_snapshot


def test_time_zone_in_the_expression(stack: cdk.Stack):
    ScheduledFunction(
        stack,
        "Job",
        schedule=scheduler.ScheduleExpression.cron(
            minute="0", hour="9", time_zone=cdk.TimeZone.AMERICA_NEW_YORK
        ),
        time_zone=cdk.TimeZone.AMERICA_NEW_YORK,  # the same: fine
        function_options=OPTIONS,
    )
    assert schedule_props(template_of(stack))["ScheduleExpressionTimezone"] == "America/New_York"


def test_existing_function_and_dead_letter_queue(stack: cdk.Stack):
    fn = HardenedFunction(stack, "Fn", code=OPTIONS["code"], handler="index.handler")
    dlq = sqs.Queue(stack, "Missed", enforce_ssl=True)
    job = ScheduledFunction(stack, "Job", schedule=HOURLY, function=fn, dead_letter_queue=dlq)
    template = template_of(stack)
    assert job.function is fn and job.dead_letter_queue is dlq
    dlq_id = stack.get_logical_id(dlq.node.default_child)  # type: ignore[arg-type]
    assert schedule_props(template)["Target"]["DeadLetterConfig"] == {"Arn": arn(dlq_id)}
    assert sorted(job.alarms) == ["DeliveryDeadLetterQueueDepth", "TargetErrors"]


def test_logical_ids_are_stable(stack: cdk.Stack):
    ScheduledFunction(stack, "Job", schedule=HOURLY, function_options=OPTIONS)
    ids = sorted(template_of(stack)["Resources"])
    assert [i for i in ids if not i.startswith("JobHandler")] == [
        "JobDeadLetterQueueC4697666",
        "JobDeadLetterQueuePolicyF42896A8",
        "JobDeliveryDeadLetterQueueDepthAlarm286AB564",
        "JobSchedule20627B1E",
        "JobSchedulerRole296D441E",
        "JobSchedulerRoleDefaultPolicy75B9DD92",
        "JobTargetErrorsAlarmEFE4270E",
    ]
