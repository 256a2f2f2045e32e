"""Every keyword argument of :class:`~best_lambda.EventRuleHandler`, declared once.

EventBridge invokes the function asynchronously. Its target has a retry policy and a
dead-letter queue of its own, for events EventBridge could not hand to Lambda; the function
has its own asynchronous retries and dead-letter queue, for events it failed on. The
target's ``retry_attempts`` (0-185) and ``max_event_age`` (up to 24 h) are this construct's;
the function's (0-2, up to 6 h) go in ``function_options``.
"""

from __future__ import annotations

from best_lambda import limits
from best_lambda.defaults.lambda_ import DLQ_RETENTION_DAYS, TRIGGER_FUNCTION_PROPS
from best_lambda.props import Integer, Interface, Prop, PropTable, Seconds, Struct, Text

__all__ = [
    "EVENT_RULE_HANDLER_PROPS",
    "TARGET_DLQ_REASON",
    "TARGET_MAX_EVENT_AGE_SECONDS",
    "TARGET_RETRY_ATTEMPTS",
]

#: EventBridge's own maxima, stated explicitly.
TARGET_RETRY_ATTEMPTS = limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS[1]
TARGET_MAX_EVENT_AGE_SECONDS = limits.EVENTBRIDGE_MAX_EVENT_AGE_SECONDS[1]

#: What a target's dead-letter queue is, and why it is there (shared with ScheduledFunction).
TARGET_DLQ_REASON = (
    "Without one, an event the service could not deliver (a deleted function, a missing "
    "permission, retries exhausted) is dropped and recorded nowhere but a metric "
    "(seeds/000 step 5). 14 days is the longest SQS keeps a message."
)

EVENT_RULE_HANDLER_PROPS = PropTable(
    "EventRuleHandler",
    (
        *TRIGGER_FUNCTION_PROPS,
        Prop(
            "event_pattern",
            Struct("aws_events.EventPattern"),
            "Which events invoke the function (``EventPattern(source=[...], "
            "detail_type=[...])``); at least one field.",
            required=True,
        ),
        Prop(
            "event_bus",
            Interface("aws_events.IEventBus", ("event_bus_arn", "event_bus_name")),
            "The bus the rule listens on: yours, or ``EventBus.from_event_bus_name(...)``.",
            default_doc="the account's default bus",
        ),
        Prop(
            "description",
            Text(min_len=0, max_len=512, why="EventBridge limit"),
            "A description of the rule.",
        ),
        Prop(
            "retry_attempts",
            Integer(*limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS, "EventBridge limit"),
            "How many times EventBridge retries handing an event to Lambda (the target's "
            "retry policy; not the function's own asynchronous retries).",
            default=TARGET_RETRY_ATTEMPTS,
            reason="EventBridge retries only throttling and server errors, which pass; its "
            "own maximum, stated explicitly, lets an event outlast a regional blip. "
            "max_event_age bounds the total time.",
            source="eb-rule-dlq (retry policy); API_RetryPolicy",
        ),
        Prop(
            "max_event_age",
            Seconds(*limits.EVENTBRIDGE_MAX_EVENT_AGE_SECONDS, "EventBridge limit"),
            "How long EventBridge keeps retrying an event before it goes to the dead-letter queue.",
            default=TARGET_MAX_EVENT_AGE_SECONDS,
            reason="EventBridge's own maximum, stated explicitly: a late event is delivered "
            "rather than parked; what still fails lands in the alarmed dead-letter queue.",
            source="eb-rule-dlq (retry policy); API_RetryPolicy",
        ),
        Prop(
            "dead_letter_queue",
            Interface("aws_sqs.IQueue", ("queue_arn", "grant_send_messages")),
            "Your own queue for events EventBridge could not deliver to the function (the "
            "target's dead-letter queue). The function's own dead-letter queue is configured "
            "in function_options.",
            default_doc=f"an SQS queue: SSE, TLS-only, {DLQ_RETENTION_DAYS} days retention; "
            "alarms on its depth >= 1 and the rule's FailedInvocations >= 1",
            reason=TARGET_DLQ_REASON,
            source="eb-rule-dlq; seeds/000 step 5",
        ),
    ),
)
