"""What every trigger construct shares: its function, its failure queues, its alarms.

A trigger construct (``QueueConsumer``, ``TopicSubscriber``, ...) wires one way of invoking
a function. The function is either passed in (``function=``, any ``aws_lambda.IFunction``,
typically a :class:`HardenedFunction` you built) or built by the trigger from
``function_options=`` (:class:`HardenedFunctionOptions`) — never both. The function's own
options are not flattened into the trigger's keyword arguments, because triggers have
options of the same name that mean something else (an EventBridge target's
``retry_attempts`` is 0-185, the function's asynchronous ``retry_attempts`` is 0-2).

How the trigger invokes the function (:class:`Invocation`) decides which function options
make sense: a poller or a synchronous caller never invokes asynchronously, so the built
function gets no asynchronous dead-letter queue and the async options are refused. An
asynchronous trigger refuses the opposite: a function that would discard the events it
fails on (``dead_letter_queue_enabled=False``, or a function passed in with neither a
dead-letter queue nor an on-failure destination). What the service could not deliver goes
to the trigger's own :func:`delivery_dead_letter_queue`.

A trigger is written in two steps, so that nothing is created when any argument is wrong:

>>> # in __init__, before super().__init__:
>>> #   checker = PropsChecker("TopicSubscriber", construct_id)
>>> #   values = checker.check_table(TOPIC_SUBSCRIBER_PROPS, given)
>>> #   target = TargetFunction.check(checker, scope, construct_id, Invocation.ASYNCHRONOUS,
>>> #                                 function=function, function_options=function_options)
>>> #   checker.raise_if_any()
>>> #   super().__init__(scope, construct_id)
>>> #   self._function = target.build(self)
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from best_lambda.constructs._function_plan import _ASYNC_PROPS, _Plan
from best_lambda.constructs._props import PropsChecker, implements
from best_lambda.constructs._shared import acknowledge, secure_queue
from best_lambda.constructs.alarms import alarm, alarm_actions
from best_lambda.constructs.hardened_function import HardenedFunction, check_function_options
from best_lambda.defaults import lambda_ as lambda_defaults
from best_lambda.defaults.lambda_ import FUNCTION_PROPS
from best_lambda.errors import Problem
from best_lambda.props import PropTable

__all__ = [
    "Invocation",
    "TargetFunction",
    "TriggerAlarms",
    "check_trigger_props",
    "delivery_dead_letter_queue",
    "failure_queue",
    "invocable",
]

#: HardenedFunction options about asynchronous invocation: those HardenedFunction refuses
#: beside dead_letter_queue_enabled=False, and that flag itself, in declaration order.
ASYNC_OPTIONS = tuple(
    name
    for name in FUNCTION_PROPS.names
    if name in _ASYNC_PROPS or name == "dead_letter_queue_enabled"
)


class Invocation(enum.Enum):
    """How a trigger invokes its function; decides which function options apply."""

    #: API Gateway, Function URLs, load balancers: the caller waits and sees the error.
    SYNCHRONOUS = "synchronous"
    #: SNS, EventBridge, S3, Scheduler: Lambda queues the event and retries it itself.
    ASYNCHRONOUS = "asynchronous"
    #: SQS, Kinesis, DynamoDB Streams: an event source mapping polls and handles failures.
    POLL = "poll"


_NOT_ASYNC = {
    Invocation.SYNCHRONOUS: "the caller invokes the function synchronously and sees its errors",
    Invocation.POLL: "an event source mapping polls for the function, and failures are handled "
    "where the records come from",
}


@dataclass
class TargetFunction:
    """The function a trigger invokes: given (``function=``) or to build (options)."""

    invocation: Invocation
    given: lambda_.IFunction | None
    options: dict[str, Any]
    #: The function's timeout in seconds when it is known (built, or a HardenedFunction).
    timeout_s: int | None
    #: The checked plan of the function to build (``None`` for a given function).
    plan: _Plan | None = None

    @classmethod
    def check(
        cls,
        checker: PropsChecker,
        scope: Construct,
        construct_id: str,
        invocation: Invocation,
        *,
        function: Any,
        function_options: Any,
        own: PropTable | None = None,
        service_name: str | None = None,
    ) -> TargetFunction:
        """Validate ``function`` XOR ``function_options`` into ``checker``; raise nothing.

        ``own`` is the trigger's table: an asynchronous option that the trigger has too
        (a stream mapping's ``on_failure``) is pointed at the trigger's own keyword.
        ``service_name`` is the Powertools service name a built function defaults to:
        ``construct_id`` unless the trigger is built on behalf of another construct (a
        ``BucketProcessor``'s ``QueueConsumer``), whose ID names the service instead.
        """
        if (function is None) == (function_options is None):
            checker.add(
                "function + function_options",
                "both" if function is not None else "neither",
                "pass exactly one: function= (an existing aws_lambda.IFunction) or "
                "function_options=HardenedFunctionOptions(code=..., handler=...) to build one",
                rendered="both" if function is not None else "neither",
            )
            return cls(invocation, None, {}, None)
        if function is not None:
            if not implements(function, "function_arn", "add_permission"):
                checker.add(
                    "function",
                    function,
                    f"expected aws_lambda.IFunction, got {type(function).__name__}",
                )
                return cls(invocation, None, {}, None)
            if invocation is Invocation.ASYNCHRONOUS and _keeps_failed_events(function) is False:
                checker.add(
                    "function",
                    function,
                    "has no dead-letter queue and no on-failure destination, but this trigger "
                    "invokes it asynchronously: events it still fails on after Lambda's retries "
                    "would be discarded (BestLambda-AsyncFailureHandling). Build it without "
                    "dead_letter_queue_enabled=False, or pass on_failure=",
                )
            return cls(invocation, function, {}, _known_timeout(function))
        if not isinstance(function_options, Mapping):
            checker.add(
                "function_options",
                function_options,
                "expected HardenedFunctionOptions(code=..., handler=..., ...) (a dict of "
                f"HardenedFunction keyword arguments), got {type(function_options).__name__}",
            )
            return cls(invocation, None, {}, None)
        options = dict(function_options)
        sub = PropsChecker(checker.construct_type, checker.construct_id)
        if invocation is not Invocation.ASYNCHRONOUS:
            for key in ASYNC_OPTIONS:
                if key in options:
                    hint = (
                        f"; {checker.construct_type}({key}=...) configures the trigger's own"
                        if own is not None and key in own
                        else ""
                    )
                    why = f"does not apply: {_NOT_ASYNC[invocation]}{hint}"
                    sub.add(key, options.pop(key), why)
            options["dead_letter_queue_enabled"] = False
        elif options.get("dead_letter_queue_enabled") is False:
            sub.add(
                "dead_letter_queue_enabled",
                options.pop("dead_letter_queue_enabled"),
                "this trigger invokes the function asynchronously: without a dead-letter queue "
                "(or on_failure=) the events it fails on are discarded after Lambda's retries",
            )
        if options.get("powertools_environment") is not False:
            # The built function's own ID is "Handler"/"Function" in every trigger: name the
            # service after the trigger instead (POWERTOOLS_SERVICE_NAME). Only here: with
            # powertools_environment=False a service name would contradict it.
            options.setdefault("service_name", service_name or construct_id)
        plan = check_function_options(sub, scope, construct_id, options)
        checker.problems += [
            Problem(f"function_options.{p.prop}", p.value, p.allowed) for p in sub.problems
        ]
        return cls(invocation, None, options, plan.timeout_s, plan)

    @property
    def alarm_topic(self) -> sns.ITopic | None:
        """The ``alarm_topic`` of a function built here; ``None`` for a given function."""
        topic: sns.ITopic | None = self.options.get("alarm_topic")
        return topic

    @property
    def create_alarms(self) -> bool:
        """``False`` when ``function_options`` turned alarms off: the trigger's follow it."""
        return self.options.get("create_alarms") is not False

    def alarms(self, owner: Construct, function: lambda_.IFunction) -> TriggerAlarms:
        """The alarms of the trigger ``owner``: its ``function``'s if built here, and its own.

        All notify the built function's ``alarm_topic`` (else the nearest
        :class:`~best_lambda.AlarmDefaults`); a function passed in keeps its alarms.
        """
        return TriggerAlarms(owner, function, self.alarm_topic, built_here=self.given is None)

    def build(self, scope: Construct, construct_id: str = "Function") -> lambda_.IFunction:
        """The given function, or a :class:`HardenedFunction` built in ``scope``.

        A built function's Powertools service name defaults to the trigger's ID (set in
        :meth:`check`), not to its own child ID, which is the same in every trigger. It is
        built from the plan :meth:`check` made, not planned again.
        """
        if self.given is not None:
            return self.given
        assert self.plan is not None  # check recorded a problem otherwise
        return HardenedFunction._bl_from_plan(scope, construct_id, self.plan)


def invocable(function: lambda_.IFunction) -> lambda_.IFunction:
    """What a trigger wires to: the function's alias when it deploys safely, else itself.

    A :class:`HardenedFunction` built with ``deployment=`` is invoked through its alias
    (``live``): that is what CodeDeploy shifts between versions, what its alarms measure
    and what provisioned concurrency and SnapStart apply to. Anything else (a function
    without deployment, an imported function, an alias you pass) is returned as is. Every
    trigger construct wires its event source, target, subscription or integration to
    ``invocable(function)``, never to ``function`` itself. Pure Python: no jsii call.

    Examples
    --------
    >>> # in a trigger construct, after target.build(self):
    >>> #   invocable(self._function).add_event_source(source)
    >>> #   events_targets.LambdaFunction(invocable(self._function), ...)
    """
    if isinstance(function, HardenedFunction):
        alias = function.alias
        if alias is not None:
            return alias
    return function


def check_trigger_props(
    checker: PropsChecker,
    table: PropTable,
    given: Mapping[str, Any],
    unknown: Mapping[str, Any],
) -> dict[str, Any]:
    """:meth:`PropsChecker.check_table` for a trigger construct.

    A function option passed to the trigger itself is pointed at ``function_options``.
    """
    misplaced = {k: v for k, v in unknown.items() if k in FUNCTION_PROPS and k not in table}
    for key in misplaced:
        checker.add(
            key,
            "...",
            f"belongs to the function: function_options=HardenedFunctionOptions(..., {key}=...)",
            rendered="...",
        )
    rest = {k: v for k, v in unknown.items() if k not in misplaced}
    return checker.check_table(table, given, unknown=rest)


def _keeps_failed_events(function: lambda_.IFunction) -> bool | None:
    """Whether a function of this app keeps failed asynchronous events (``None``: unknown).

    A dead-letter queue or topic, or an ``EventInvokeConfig`` with an on-failure
    destination (what ``on_failure=`` creates), counts; an imported function is unknown.
    """
    if not isinstance(function, lambda_.Function):
        return None
    if function.dead_letter_queue is not None or function.dead_letter_topic is not None:
        return True
    config = function.node.try_find_child("EventInvokeConfig")
    cfn = config.node.default_child if config is not None else None
    if not isinstance(cfn, lambda_.CfnEventInvokeConfig):
        return False
    destinations = cfn.destination_config
    return destinations is not None and getattr(destinations, "on_failure", None) is not None


def _known_timeout(function: lambda_.IFunction) -> int | None:
    """The timeout of a function built in this app (or of an alias of one); else ``None``."""
    if isinstance(function, lambda_.Alias):  # e.g. fn.alias, passed as function=
        function = function.version.lambda_
    timeout = getattr(function, "timeout", None) if isinstance(function, lambda_.Function) else None
    if not isinstance(timeout, cdk.Duration) or timeout.is_unresolved():
        return None
    return int(timeout.to_seconds())


class TriggerAlarms:
    """A trigger's alarms: the built function's, plus its own, all to the same actions.

    Made by :meth:`TargetFunction.alarms`, which knows whether the function was built here
    (``built_here``) without asking jsii where the function sits.
    """

    def __init__(
        self,
        owner: Construct,
        function: lambda_.IFunction,
        topic: sns.ITopic | None,
        *,
        built_here: bool,
    ):
        self._owner = owner
        self._topic = topic
        #: The owner's path and alarm actions, resolved once at the first alarm.
        self._resolved: tuple[str, tuple[cloudwatch.IAlarmAction, ...]] | None = None
        own = getattr(function, "alarms", None) if built_here else None
        self.alarms: dict[str, cloudwatch.Alarm] = dict(own or {})
        #: A function built here already warned if nothing receives its alarms.
        self._warn = not built_here

    def add(
        self, name: str, metric: cloudwatch.IMetric, threshold: float, description: str
    ) -> cloudwatch.Alarm:
        """Alarm when ``metric >= threshold`` in one period, notifying the resolved actions."""
        if self._resolved is None:
            node = self._owner.node
            path = node.path
            actions = alarm_actions(self._owner, self._topic, warn=self._warn, node=node, path=path)
            self._resolved = path, actions
        path, actions = self._resolved
        created = alarm(
            self._owner,
            f"{name}Alarm",
            metric=metric,
            threshold=threshold,
            description=f"{path}: {description}",
            actions=actions,
        )
        self.alarms[name] = created
        return created


def failure_queue(
    scope: Construct,
    construct_id: str,
    *,
    fifo: bool = False,
    content_based_deduplication: bool | None = None,
    encryption_key: kms.IKey | None = None,
    acknowledgements: tuple[str, ...] = ("Serverless-SQSRedrivePolicy",),
) -> sqs.Queue:
    """A dead-letter queue: SSE (or KMS), TLS-only, 14 days retention, acknowledged.

    ``acknowledgements`` name the cdk-nag findings a dead-letter queue triggers falsely
    (see :data:`best_lambda.constructs._shared.ACK_REASONS`).
    """
    queue = secure_queue(
        scope,
        construct_id,
        retention_seconds=lambda_defaults.DLQ_RETENTION_SECONDS,
        fifo=fifo,
        content_based_deduplication=content_based_deduplication,
        encryption_key=encryption_key,
    )
    acknowledge(queue, *acknowledgements)
    return queue


def delivery_dead_letter_queue(
    scope: Construct, given: sqs.IQueue | None, construct_id: str = "DeadLetterQueue"
) -> sqs.IQueue:
    """The dead-letter queue of a subscription, target or stream mapping: ``given``, or new.

    For what the service could not deliver to the function, or what a stream's poller gave
    up on (the function's own failures go to the function's dead-letter queue). A new queue
    is a :func:`failure_queue` at ``<scope>/<construct_id>``, acknowledged for the cdk-nag
    findings a DLQ of a DLQ and cdk-nag#1990 raise.
    """
    if given is not None:
        return given
    return failure_queue(
        scope,
        construct_id,
        acknowledgements=("Serverless-SQSRedrivePolicy", "AwsSolutions-SQS3"),
    )
