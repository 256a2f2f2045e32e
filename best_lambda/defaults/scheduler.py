"""Every keyword argument of :class:`~best_lambda.ScheduledFunction`, declared once.

EventBridge Scheduler (``aws_scheduler``, not the older scheduled EventBridge rules) invokes
the function asynchronously, through a role that may invoke only this function. Like an
EventBridge target, the schedule's target has its own retry policy and dead-letter queue;
the function's asynchronous options go in ``function_options``.
"""

from __future__ import annotations

from best_lambda import limits
from best_lambda.defaults.events import TARGET_DLQ_REASON
from best_lambda.defaults.lambda_ import DLQ_RETENTION_DAYS, TRIGGER_FUNCTION_PROPS
from best_lambda.props import Flag, Instance, Integer, Interface, Prop, PropTable, Seconds, Text

__all__ = ["RETRY_ATTEMPTS", "SCHEDULED_FUNCTION_PROPS", "TIME_ZONE"]

RETRY_ATTEMPTS = limits.SCHEDULER_MAX_RETRY_ATTEMPTS[1]
#: aws-cdk-lib's name for UTC (``TimeZone.ETC_UTC``).
TIME_ZONE = "Etc/UTC"

SCHEDULED_FUNCTION_PROPS = PropTable(
    "ScheduledFunction",
    (
        *TRIGGER_FUNCTION_PROPS,
        Prop(
            "schedule",
            Instance("aws_scheduler.ScheduleExpression", "ScheduleExpression.rate(...)"),
            "When to run: ``ScheduleExpression.rate(...)``, ``.cron(...)``, ``.at(...)`` or "
            "``.expression('...')``; an expression Scheduler would reject is refused.",
            required=True,
        ),
        Prop(
            "time_zone",
            Instance("core.TimeZone", "TimeZone.EUROPE_LONDON"),
            "The time zone cron and at expressions are read in (or pass it in the "
            "expression; not both, unless equal).",
            default_doc="UTC",
            reason="UTC has no daylight saving time. In a zone that has it, Scheduler skips a "
            "cron run whose local time does not exist on the spring change, and days last "
            "23 or 25 hours: choose one for business-hours jobs.",
            source="schedule-types (daylight saving time)",
        ),
        Prop(
            "time_window",
            Instance("aws_scheduler.TimeWindow", "TimeWindow.flexible(Duration.minutes(15))"),
            "A flexible window lets Scheduler start each run any time within it (1 to "
            f"{limits.SCHEDULER_FLEXIBLE_WINDOW_MINUTES[1]:,} minutes, Scheduler limit); it must "
            "be shorter than the interval between runs.",
            default_doc="TimeWindow.off()",
            reason="Runs start within the scheduled minute. A flexible window spreads the load "
            "of many schedules, at the price of precision: opt in.",
            source="managing-schedule-flexible-time-windows",
        ),
        Prop(
            "retry_attempts",
            Integer(*limits.SCHEDULER_MAX_RETRY_ATTEMPTS, "Scheduler limit"),
            "How many times Scheduler retries invoking the function (the target's retry "
            "policy; not the function's own asynchronous retries).",
            default=RETRY_ATTEMPTS,
            reason="Scheduler retries throttling and server errors, with exponential backoff; "
            "its maximum, stated, while max_event_age bounds the total time.",
            source="API_RetryPolicy (Scheduler)",
        ),
        Prop(
            "max_event_age",
            Seconds(*limits.SCHEDULER_MAX_EVENT_AGE_SECONDS, "Scheduler limit"),
            "How long Scheduler keeps retrying a run before it goes to the dead-letter queue.",
            default_doc="the interval between runs, from 60 s to 24 h (24 h for one-time "
            "schedules)",
            reason="A run still being retried when the next one is due would overlap it, or "
            "land after it: retries stop when the next run starts, and the missed run waits in "
            "the alarmed dead-letter queue.",
            source="API_RetryPolicy (Scheduler); schedule-types",
        ),
        Prop(
            "dead_letter_queue",
            Interface("aws_sqs.IQueue", ("queue_arn", "grant_send_messages")),
            "Your own queue for runs Scheduler could not deliver to the function (the "
            "target's dead-letter queue; the schedule's role may send to it). The function's "
            "own dead-letter queue is configured in function_options.",
            default_doc=f"an SQS queue: SSE, TLS-only, {DLQ_RETENTION_DAYS} days retention; "
            "alarms on its depth >= 1 and the schedule group's TargetErrorCount >= 1",
            reason=TARGET_DLQ_REASON,
            source="configuring-schedule-dlq; seeds/000 step 5",
        ),
        Prop(
            "schedule_group",
            Interface("aws_scheduler.IScheduleGroup", ("schedule_group_name",)),
            "The schedule group (its TargetErrorCount is alarmed).",
            default_doc="the account's default group",
        ),
        Prop(
            "input",
            Instance("aws_scheduler.ScheduleTargetInput", "ScheduleTargetInput.from_object({...})"),
            "The event the function receives.",
        ),
        Prop(
            "description",
            Text(min_len=0, max_len=512, why="Scheduler limit"),
            "A description of the schedule.",
        ),
        Prop("enabled", Flag(), "``False`` creates the schedule disabled.", default=True),
    ),
)
