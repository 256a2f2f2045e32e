"""``EventRuleHandler``: an EventBridge rule and the function it invokes, failures kept twice."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Never

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from best_lambda.constructs._props import PropsChecker
from best_lambda.constructs._trigger import (
    Invocation,
    TargetFunction,
    check_trigger_props,
    delivery_dead_letter_queue,
    invocable,
)
from best_lambda.constructs.alarms import alarm_period, depth_alarm_metric
from best_lambda.constructs.hardened_function import HardenedFunctionOptions
from best_lambda.defaults import events as defaults
from best_lambda.defaults.events import EVENT_RULE_HANDLER_PROPS

__all__ = ["EventRuleHandler"]


class EventRuleHandler(Construct):
    """An EventBridge rule matching an event pattern, and the function it invokes.

    EventBridge invokes Lambda asynchronously, so an event can be lost in two places, each
    with its own safety net: EventBridge may fail to hand it to Lambda (the target retries
    within bounds, then sends it to the target's dead-letter queue), and the function may
    fail on it after Lambda's retries (the function's own dead-letter queue). Both queues
    are encrypted and TLS-only; the target DLQ's depth and the rule's ``FailedInvocations``
    are alarmed, with the function's own alarms.

    ``handler.rule`` is the ``aws_events.Rule``: add more targets to it (they need their own
    dead-letter queue, e.g. ``dead_letter_queue=handler.dead_letter_queue``).

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
    event_pattern : aws_events.EventPattern
        Which events invoke the function (``EventPattern(source=[...],
        detail_type=[...])``); at least one field. Required.
    event_bus : aws_events.IEventBus
        The bus the rule listens on: yours, or ``EventBus.from_event_bus_name(...)``.
        Default: the account's default bus.
    description : str
        A description of the rule.
    retry_attempts : int
        How many times EventBridge retries handing an event to Lambda (the target's retry
        policy; not the function's own asynchronous retries). Default: 185. Accepts an int
        from 0 to 185 (EventBridge limit).
    max_event_age : aws_cdk.Duration
        How long EventBridge keeps retrying an event before it goes to the dead-letter
        queue. Default: 1 day. Accepts a whole number of seconds from 60 to 86,400
        (EventBridge limit).
    dead_letter_queue : aws_sqs.IQueue
        Your own queue for events EventBridge could not deliver to the function (the
        target's dead-letter queue). The function's own dead-letter queue is configured in
        function_options. Default: an SQS queue: SSE, TLS-only, 14 days retention; alarms on
        its depth >= 1 and the rule's FailedInvocations >= 1.

    Raises
    ------
    InvalidPropsError
        Listing every invalid or contradictory argument, the function's included.

    Examples
    --------
    >>> from aws_cdk import App, Stack, aws_events as events, aws_lambda as lambda_
    >>> from best_lambda import HardenedFunctionOptions
    >>> stack = Stack(App(), "Shop")
    >>> paid = EventRuleHandler(stack, "RenderReceipt",
    ...     event_pattern=events.EventPattern(source=["shop.orders"], detail_type=["OrderPaid"]),
    ...     function_options=HardenedFunctionOptions(
    ...         code=lambda_.Code.from_inline("def handler(event, context): pass"),
    ...         handler="index.handler"))
    >>> sorted(paid.alarms)  # the function's, then the target's
    ... # doctest: +NORMALIZE_WHITESPACE
    ['DeadLetterErrors', 'DeadLetterQueueDepth', 'DeliveryDeadLetterQueueDepth', 'Duration',
     'Errors', 'FailedInvocations', 'Throttles']
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction | None = None,
        function_options: HardenedFunctionOptions | None = None,
        event_pattern: events.EventPattern | Mapping[str, Any] | None = None,
        event_bus: events.IEventBus | None = None,
        description: str | None = None,
        retry_attempts: int | None = None,
        max_event_age: cdk.Duration | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        **unknown: Never,
    ) -> None:
        given = {k: v for k, v in locals().items() if k in EVENT_RULE_HANDLER_PROPS}
        checker = PropsChecker(type(self).__name__, str(construct_id))
        values = check_trigger_props(checker, EVENT_RULE_HANDLER_PROPS, given, unknown)
        target = TargetFunction.check(
            checker,
            scope,
            construct_id,
            Invocation.ASYNCHRONOUS,
            function=function,
            function_options=function_options,
        )
        if "event_pattern" in values and not _has_fields(values["event_pattern"]):
            checker.add(
                "event_pattern",
                event_pattern,
                "must match on at least one field (source, detail_type, detail, ...): an "
                "empty pattern matches nothing",
            )
        checker.raise_if_any()
        super().__init__(scope, construct_id)

        self._function = target.build(self, "Handler")
        self._dead_letter_queue = delivery_dead_letter_queue(self, dead_letter_queue)
        if event_bus is not None and event_bus.event_bus_name == "default":
            event_bus = None  # the default bus, named: the same rule as without it
        rule_props: dict[str, Any] = {"event_pattern": event_pattern}
        if event_bus is not None:
            rule_props["event_bus"] = event_bus
        if description is not None:
            rule_props["description"] = description
        self._rule = events.Rule(self, "Rule", **rule_props)
        self._rule.add_target(
            targets.LambdaFunction(
                invocable(self._function),
                dead_letter_queue=self._dead_letter_queue,
                retry_attempts=values.get("retry_attempts", defaults.TARGET_RETRY_ATTEMPTS),
                max_event_age=cdk.Duration.seconds(
                    values.get("max_event_age", defaults.TARGET_MAX_EVENT_AGE_SECONDS)
                ),
            )
        )

        self._alarms = target.alarms(self, self._function)
        if target.create_alarms:
            self._add_alarms(event_bus)

    # -- public surface -------------------------------------------------------------------
    @property
    def function(self) -> lambda_.IFunction:
        """The handler: the function passed in, or the :class:`HardenedFunction` built."""
        return self._function

    @property
    def rule(self) -> events.Rule:
        """The EventBridge rule."""
        return self._rule

    @property
    def dead_letter_queue(self) -> sqs.IQueue:
        """The target's dead-letter queue: events EventBridge could not deliver."""
        return self._dead_letter_queue

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms, by name.

        The built function's, plus ``DeliveryDeadLetterQueueDepth`` and
        ``FailedInvocations``.
        """
        return MappingProxyType(self._alarms.alarms)

    def _add_alarms(self, event_bus: events.IEventBus | None) -> None:
        dimensions = {"RuleName": self._rule.rule_name}
        if event_bus is not None:
            # A custom bus's rules report metrics by bus and rule name, and their Ref is
            # "<bus>|<rule>" (cloudformation-coverage-roadmap#1131).
            dimensions = {
                "EventBusName": event_bus.event_bus_name,
                "RuleName": cdk.Fn.select(1, cdk.Fn.split("|", self._rule.rule_name)),
            }
        self._alarms.add(
            "DeliveryDeadLetterQueueDepth",
            depth_alarm_metric(self._dead_letter_queue),
            1,
            "EventBridge could not deliver events to a target of the rule; they wait in the "
            "target's dead-letter queue.",
        )
        self._alarms.add(
            "FailedInvocations",
            cloudwatch.Metric(
                namespace="AWS/Events",
                metric_name="FailedInvocations",
                dimensions_map=dimensions,
                period=alarm_period(),
                statistic="Sum",
            ),
            1,
            "EventBridge failed to invoke the rule's target permanently.",
        )


def _has_fields(pattern: Any) -> bool:
    """Whether an ``EventPattern`` (or a dict of its fields) sets any field."""
    if isinstance(pattern, Mapping):
        return any(v is not None for v in pattern.values())
    values = getattr(pattern, "_values", None)
    return bool(values) if isinstance(values, Mapping) else True
