"""``ScheduledFunction``: an EventBridge Scheduler schedule and the function it runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Never

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from best_lambda import limits
from best_lambda.constructs._props import PropsChecker, is_token
from best_lambda.constructs._trigger import (
    Invocation,
    TargetFunction,
    check_trigger_props,
    delivery_dead_letter_queue,
    invocable,
)
from best_lambda.constructs.alarms import alarm_period, depth_alarm_metric
from best_lambda.constructs.hardened_function import HardenedFunctionOptions
from best_lambda.defaults import scheduler as defaults
from best_lambda.defaults.scheduler import SCHEDULED_FUNCTION_PROPS
from best_lambda.schedules import DAY_SECONDS, parse_schedule

__all__ = ["ScheduledFunction", "derived_max_event_age"]


def derived_max_event_age(interval_s: int | None) -> int:
    """The default maximum event age: the interval between runs, from 60 s to 24 h.

    ``None`` (a one-time schedule) gives 24 h.

    Examples
    --------
    >>> derived_max_event_age(900), derived_max_event_age(30), derived_max_event_age(None)
    (900, 60, 86400)
    """
    low, high = limits.SCHEDULER_MAX_EVENT_AGE_SECONDS
    return high if interval_s is None else max(low, min(interval_s, high))


@dataclass
class _Plan:
    expression: str
    time_zone: cdk.TimeZone | None
    interval_s: int | None
    max_event_age_s: int


class ScheduledFunction(Construct):
    """A function run on a schedule by EventBridge Scheduler, with failures kept twice.

    EventBridge Scheduler (``aws_scheduler``; the older scheduled EventBridge rules are a
    legacy feature) invokes the function asynchronously, through a role of its own that may
    invoke only this function and send to the target's dead-letter queue. A run Scheduler
    could not deliver goes to that queue once the retry policy is exhausted; a run the
    function failed on goes to the function's own dead-letter queue. Retries stop when the
    next run is due (``max_event_age`` defaults to the interval between runs). The target
    DLQ's depth and the schedule group's ``TargetErrorCount`` are alarmed, with the
    function's own alarms. An expression Scheduler would reject is refused here, not at
    deployment.

    Parameters
    ----------
    scope, construct_id
        As for any construct.
    function : aws_lambda.IFunction
        An existing function to invoke (typically a HardenedFunction you built). Not with
        function_options.
    function_options : HardenedFunctionOptions
        Build the function here: HardenedFunctionOptions(code=..., handler=..., ...), every
        HardenedFunction keyword argument the way the trigger invokes it allows. Not with
        function.
    schedule : aws_scheduler.ScheduleExpression
        When to run: ``ScheduleExpression.rate(...)``, ``.cron(...)``, ``.at(...)`` or
        ``.expression('...')``; an expression Scheduler would reject is refused. Required.
    time_zone : core.TimeZone
        The time zone cron and at expressions are read in (or pass it in the expression; not
        both, unless equal). Default: UTC.
    time_window : aws_scheduler.TimeWindow
        A flexible window lets Scheduler start each run any time within it (1 to 1,440
        minutes, Scheduler limit); it must be shorter than the interval between runs.
        Default: TimeWindow.off().
    retry_attempts : int
        How many times Scheduler retries invoking the function (the target's retry policy;
        not the function's own asynchronous retries). Default: 185. Accepts an int from 0 to
        185 (Scheduler limit).
    max_event_age : aws_cdk.Duration
        How long Scheduler keeps retrying a run before it goes to the dead-letter queue.
        Default: the interval between runs, from 60 s to 24 h (24 h for one-time schedules).
        Accepts a whole number of seconds from 60 to 86,400 (Scheduler limit).
    dead_letter_queue : aws_sqs.IQueue
        Your own queue for runs Scheduler could not deliver to the function (the target's
        dead-letter queue; the schedule's role may send to it). The function's own
        dead-letter queue is configured in function_options. Default: an SQS queue: SSE,
        TLS-only, 14 days retention; alarms on its depth >= 1 and the schedule group's
        TargetErrorCount >= 1.
    schedule_group : aws_scheduler.IScheduleGroup
        The schedule group (its TargetErrorCount is alarmed). Default: the account's default
        group.
    input : aws_scheduler.ScheduleTargetInput
        The event the function receives.
    description : str
        A description of the schedule.
    enabled : bool
        ``False`` creates the schedule disabled. Default: True.

    Raises
    ------
    InvalidPropsError
        Listing every invalid or contradictory argument, the function's included.

    Examples
    --------
    >>> from aws_cdk import App, Stack, aws_lambda as lambda_, aws_scheduler as scheduler
    >>> from best_lambda import HardenedFunctionOptions
    >>> stack = Stack(App(), "Reports")
    >>> nightly = ScheduledFunction(stack, "DailySummary",
    ...     schedule=scheduler.ScheduleExpression.cron(minute="15", hour="2"),
    ...     function_options=HardenedFunctionOptions(
    ...         code=lambda_.Code.from_inline("def handler(event, context): pass"),
    ...         handler="index.handler"))
    >>> nightly.schedule.node.default_child.target.retry_policy.maximum_event_age_in_seconds
    86400
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction | None = None,
        function_options: HardenedFunctionOptions | None = None,
        schedule: scheduler.ScheduleExpression | None = None,
        time_zone: cdk.TimeZone | None = None,
        time_window: scheduler.TimeWindow | None = None,
        retry_attempts: int | None = None,
        max_event_age: cdk.Duration | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        schedule_group: scheduler.IScheduleGroup | None = None,
        input: scheduler.ScheduleTargetInput | None = None,  # noqa: A002 (aws-cdk-lib's name)
        description: str | None = None,
        enabled: bool | None = None,
        **unknown: Never,
    ) -> None:
        given = {k: v for k, v in locals().items() if k in SCHEDULED_FUNCTION_PROPS}
        checker = PropsChecker(type(self).__name__, str(construct_id))
        values = check_trigger_props(checker, SCHEDULED_FUNCTION_PROPS, given, unknown)
        target = TargetFunction.check(
            checker,
            scope,
            construct_id,
            Invocation.ASYNCHRONOUS,
            function=function,
            function_options=function_options,
        )
        plan = _plan(checker, values, given)
        checker.raise_if_any()
        super().__init__(scope, construct_id)
        assert plan is not None

        self._function = target.build(self, "Handler")
        self._dead_letter_queue = delivery_dead_letter_queue(self, dead_letter_queue)
        role = self._role()
        target_props: dict[str, Any] = {
            "role": role.without_policy_updates(),  # grants below, on this function only
            "dead_letter_queue": self._dead_letter_queue,
            "retry_attempts": values.get("retry_attempts", defaults.RETRY_ATTEMPTS),
            "max_event_age": cdk.Duration.seconds(plan.max_event_age_s),
        }
        if input is not None:
            target_props["input"] = input
        schedule_props: dict[str, Any] = {
            "schedule": scheduler.ScheduleExpression.expression(plan.expression, plan.time_zone),
            "target": scheduler_targets.LambdaInvoke(invocable(self._function), **target_props),
            "enabled": values.get("enabled", True),
        }
        for key in ("time_window", "schedule_group", "description"):
            if values.get(key) is not None:
                schedule_props[key] = values[key]
        self._schedule = scheduler.Schedule(self, "Schedule", **schedule_props)
        # The first run may be due at once: the role must be allowed to invoke by then.
        self._schedule.node.add_dependency(role)
        if isinstance(schedule_group, scheduler.ScheduleGroup):
            # aws-cdk-lib names the group by its generated physical name, not a reference.
            self._schedule.node.add_dependency(schedule_group)

        self._alarms = target.alarms(self, self._function)
        if target.create_alarms:
            self._add_alarms(schedule_group)

    def _role(self) -> iam.Role:
        """Scheduler's role: invoke this function (unqualified ARN), send to the target DLQ."""
        stack = cdk.Stack.of(self)
        role = iam.Role(
            self,
            "SchedulerRole",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                # Confused-deputy protection: only this account's schedules may assume it.
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            ),
            description=f"Lets EventBridge Scheduler invoke {self.node.path}/Handler only",
        )
        role.add_to_policy(
            iam.PolicyStatement(
                actions=["lambda:InvokeFunction"],
                resources=[invocable(self._function).function_arn],
            )
        )
        self._dead_letter_queue.grant_send_messages(role)
        return role

    # -- public surface -------------------------------------------------------------------
    @property
    def function(self) -> lambda_.IFunction:
        """The scheduled function: the one passed in, or the :class:`HardenedFunction` built."""
        return self._function

    @property
    def schedule(self) -> scheduler.Schedule:
        """The EventBridge Scheduler schedule."""
        return self._schedule

    @property
    def dead_letter_queue(self) -> sqs.IQueue:
        """The target's dead-letter queue: runs Scheduler could not deliver."""
        return self._dead_letter_queue

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms, by name.

        The built function's, plus ``DeliveryDeadLetterQueueDepth`` and ``TargetErrors``.
        """
        return MappingProxyType(self._alarms.alarms)

    def _add_alarms(self, group: scheduler.IScheduleGroup | None) -> None:
        self._alarms.add(
            "DeliveryDeadLetterQueueDepth",
            depth_alarm_metric(self._dead_letter_queue),
            1,
            "Scheduler could not deliver runs to the function; they wait in the target's "
            "dead-letter queue.",
        )
        group = group or scheduler.ScheduleGroup.from_default_schedule_group(self, "Group")
        self._alarms.add(
            "TargetErrors",
            group.metric_target_errors(
                period=alarm_period(),
                statistic="Sum",
            ),
            1,
            "Scheduler's invocations of targets in this schedule group failed (the group is "
            "shared by every schedule in it).",
        )


def _plan(
    checker: PropsChecker, values: Mapping[str, Any], given: Mapping[str, Any]
) -> _Plan | None:
    """Check the expression, its time zone and window; derive the maximum event age."""
    schedule = values.get("schedule")
    if schedule is None:
        return None
    expression = str(schedule.expression_string)
    if is_token(expression):
        checker.add("schedule", schedule, "must be a concrete expression, not a token")
        return None
    parsed = parse_schedule(expression)
    if parsed.problem is not None:
        checker.add("schedule", expression, f"Scheduler would reject it: {parsed.problem}")
    in_expression: cdk.TimeZone | None = schedule.time_zone
    if in_expression is not None and in_expression.timezone_name == defaults.TIME_ZONE:
        in_expression = None  # aws-cdk-lib's default for cron and at: not a choice
    time_zone: cdk.TimeZone | None = values.get("time_zone") or in_expression
    if (
        in_expression is not None
        and values.get("time_zone") is not None
        and in_expression.timezone_name != values["time_zone"].timezone_name
    ):
        checker.add(
            "time_zone + schedule",
            values["time_zone"].timezone_name,
            f"contradicts the expression's own time zone {in_expression.timezone_name!r}: "
            "pass one of them",
        )
    window = values.get("time_window")
    window_s = _window_seconds(window)
    interval = parsed.interval_s
    # Intervals of a day or more are reported as one day: a window cannot reach them.
    if window_s and interval is not None and interval < DAY_SECONDS and window_s >= interval:
        checker.add(
            "time_window + schedule",
            given["time_window"],
            f"a flexible window of {window_s // 60} min is not shorter than the "
            f"{interval // 60} min between runs: consecutive runs could start "
            "together or out of order",
            rendered=f"TimeWindow.flexible(Duration.minutes({window_s // 60}))",
        )
    age = values.get("max_event_age", derived_max_event_age(parsed.interval_s))
    return _Plan(expression, time_zone, parsed.interval_s, age)


def _window_seconds(window: scheduler.TimeWindow | None) -> int:
    """A flexible window's length in seconds (0 when off or not given)."""
    if window is None or window.mode != "FLEXIBLE" or window.max_window is None:
        return 0
    return int(window.max_window.to_seconds())
