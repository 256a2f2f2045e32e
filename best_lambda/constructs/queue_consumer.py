"""``QueueConsumer``: an SQS queue and the HardenedFunction that consumes it, sized together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NamedTuple, Never, TypedDict

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from best_lambda import limits
from best_lambda.constructs._props import PropsChecker
from best_lambda.constructs._shared import acknowledge, secure_queue
from best_lambda.constructs._trigger import (
    Invocation,
    TargetFunction,
    check_trigger_props,
    failure_queue,
    invocable,
)
from best_lambda.constructs.alarms import alarm_period, depth_alarm_metric
from best_lambda.constructs.hardened_function import HardenedFunctionOptions
from best_lambda.defaults import lambda_ as lambda_defaults
from best_lambda.defaults import sqs as defaults
from best_lambda.defaults.sqs import QUEUE_CONSUMER_PROPS, QUEUE_OPTIONS

__all__ = [
    "CheckedQueueConsumer",
    "QueueConsumer",
    "QueueConsumerOptions",
    "check_queue_consumer",
    "required_visibility_timeout",
]


class QueueConsumerOptions(TypedDict, total=False):
    """The queue-side keyword arguments of :class:`QueueConsumer`, for constructs that build one.

    ``tests/constructs/test_declarations.py`` keeps it equal to
    :data:`best_lambda.defaults.sqs.QUEUE_CONSUMER_PROPS` minus ``function`` and
    ``function_options`` (the building construct passes those).
    """

    queue: sqs.IQueue
    fifo: bool
    content_based_deduplication: bool
    batch_size: int
    max_batching_window: cdk.Duration
    max_concurrency: int
    max_receive_count: int
    visibility_timeout: cdk.Duration
    retention_period: cdk.Duration
    encryption_key: kms.IKey
    report_batch_item_failures: bool
    filters: Sequence[Mapping[str, Any]]
    message_age_sla: cdk.Duration


def required_visibility_timeout(function_timeout_s: int, batching_window_s: int) -> int:
    """The smallest safe visibility timeout, in seconds: 6 x timeout + batching window.

    Examples
    --------
    >>> required_visibility_timeout(10, 0), required_visibility_timeout(30, 20)
    (60, 200)
    """
    return limits.SQS_VISIBILITY_TIMEOUT_MULTIPLIER * function_timeout_s + batching_window_s


@dataclass
class _Plan:
    """Validated, derived numbers."""

    timeout_s: int
    fifo: bool
    batch_size: int
    window_s: int
    visibility_s: int
    max_receive_count: int
    retention_s: int
    age_threshold_s: int
    adopted_dlq: sqs.IQueue | None


class QueueConsumer(Construct):
    """An SQS queue, its dead-letter queue and the function that consumes it.

    Everything that has to agree is derived together: the visibility timeout is
    ``6 x function timeout + max_batching_window`` (AWS's guidance; shorter means messages
    reappear while still being processed), the redrive policy sends a message to an
    encrypted, TLS-only dead-letter queue after ``max_receive_count`` attempts, the event
    source reports partial batch failures, and the alarms' thresholds follow from the
    visibility timeout. A function built here gets no asynchronous dead-letter queue: events
    arrive through the SQS poller, and failures go to the queue's DLQ. The event source
    invokes a function deployed safely (``deployment=SafeDeployment(...)``) through its alias,
    so that CodeDeploy's canary covers the messages too.

    ``consumer.function`` is the function (an ``aws_lambda.Function``):
    ``table.grant_read_write_data(consumer.function)``.

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
    queue : aws_sqs.IQueue
        Adopt an existing queue instead of creating one. What can be seen of it is checked:
        a visibility timeout known to be too short, a missing dead-letter queue or a FIFO
        mismatch is refused.
    fifo : bool
        Create a FIFO queue (and FIFO DLQ); FIFO sources take at most 10 records per batch
        and no batching window. Default: False.
    content_based_deduplication : bool
        FIFO only: deduplicate by message body.
    batch_size : int
        Records per invocation; above 10 needs a batching window of at least 1 s. Default:
        10. Accepts an int from 1 to 10,000 (Lambda's limit; 10 for FIFO queues).
    max_batching_window : aws_cdk.Duration
        How long Lambda gathers records before invoking. Default: 0 s. Accepts a whole
        number of seconds from 0 to 300 (Lambda limit).
    max_concurrency : int
        Cap on concurrent invocations from this queue; must not exceed
        reserved_concurrent_executions. Default: not set. Accepts an int from 2 to 1,000
        (Lambda ScalingConfig limit).
    max_receive_count : int
        Deliveries before a message moves to the dead-letter queue. Default: 5 (redrive to
        an encrypted, TLS-only DLQ kept 14 days). Accepts an int from 1 to 1,000 (SQS
        limit).
    visibility_timeout : aws_cdk.Duration
        The queue's visibility timeout; a value below 6 x timeout + batching window is
        refused. Default: 6 x function timeout + max_batching_window. Accepts a whole number
        of seconds from 0 to 43,200 (SQS limit).
    retention_period : aws_cdk.Duration
        How long the source queue keeps a message. Default: 4 days. Accepts a whole number
        of seconds from 60 to 1,209,600 (SQS limit).
    encryption_key : aws_kms.IKey
        Encrypt both queues with this KMS key instead of SSE-SQS.
    report_batch_item_failures : bool
        The handler returns ``batchItemFailures`` and only those records are retried.
        Default: True.
    filters : list of dict of str to str
        Event filtering patterns (``aws_lambda.FilterCriteria.filter(...)``); records that
        match none are *deleted* from the queue. Accepts a list of a dict of str to str.
    message_age_sla : aws_cdk.Duration
        Alarm when the oldest message is older than this. Default: oldest message age >=
        visibility timeout x max_receive_count (or this SLA), DLQ depth >= 1, plus the
        function's alarms. Accepts a whole number of seconds from 1 to 1,209,600 (at most
        the SQS retention limit).

    Raises
    ------
    InvalidPropsError
        Listing every invalid or contradictory argument, the function's included.

    Examples
    --------
    >>> from aws_cdk import App, Stack, Duration, aws_lambda as lambda_
    >>> from best_lambda import HardenedFunctionOptions
    >>> stack = Stack(App(), "Shop")
    >>> consumer = QueueConsumer(stack, "IndexOrders", function_options=HardenedFunctionOptions(
    ...     code=lambda_.Code.from_inline("def handler(event, context): return {}"),
    ...     handler="index.handler", timeout=Duration.seconds(30)))
    >>> consumer.queue.node.default_child.visibility_timeout  # 6 x 30 s
    180
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction | None = None,
        function_options: HardenedFunctionOptions | None = None,
        queue: sqs.IQueue | None = None,
        fifo: bool | None = None,
        content_based_deduplication: bool | None = None,
        batch_size: int | None = None,
        max_batching_window: cdk.Duration | None = None,
        max_concurrency: int | None = None,
        max_receive_count: int | None = None,
        visibility_timeout: cdk.Duration | None = None,
        retention_period: cdk.Duration | None = None,
        encryption_key: kms.IKey | None = None,
        report_batch_item_failures: bool | None = None,
        filters: Sequence[Mapping[str, Any]] | None = None,
        message_age_sla: cdk.Duration | None = None,
        **unknown: Never,
    ) -> None:
        given = {k: v for k, v in locals().items() if k in QUEUE_CONSUMER_PROPS}
        checker = PropsChecker(type(self).__name__, str(construct_id))
        checked = check_queue_consumer(checker, scope, construct_id, given, unknown)
        checker.raise_if_any()
        self._build(scope, construct_id, checked)

    @classmethod
    def _from_checked(
        cls, scope: Construct, construct_id: str, checked: CheckedQueueConsumer
    ) -> QueueConsumer:
        """A QueueConsumer from arguments its owner checked already, with its own.

        ``BucketProcessor(through_queue=True)`` checks ``queue_options`` and the function's
        options before creating anything, naming the function's service after itself; going
        through ``__init__`` would check them all again, under this consumer's ID.
        ``__init__`` is skipped, not the construction: ``Construct.__init__`` creates (and
        jsii registers) the object in :meth:`_build`, as it does for any construct.
        """
        consumer = cls.__new__(cls)
        consumer._build(scope, construct_id, checked)
        return consumer

    def _build(self, scope: Construct, construct_id: str, checked: CheckedQueueConsumer) -> None:
        """Create everything from checked arguments (nothing is checked here)."""
        values, target, plan = checked
        super().__init__(scope, construct_id)
        self._queue, self._dead_letter_queue = self._queues(plan, values.get("queue"), values)
        self._function = target.build(self, "Handler")
        source_props: dict[str, Any] = {
            "batch_size": plan.batch_size,
            "report_batch_item_failures": values.get("report_batch_item_failures", True),
        }
        if plan.window_s:
            source_props["max_batching_window"] = cdk.Duration.seconds(plan.window_s)
        if "max_concurrency" in values:
            source_props["max_concurrency"] = values["max_concurrency"]
        if values.get("filters"):
            source_props["filters"] = values["filters"]
        self._event_source = event_sources.SqsEventSource(self._queue, **source_props)
        consumer = invocable(self._function)  # the alias of a function deployed safely
        consumer.add_event_source(self._event_source)
        mapping_id = f"SqsEventSource:{cdk.Names.node_unique_id(self._queue.node)}"
        acknowledge(
            consumer.node.find_child(mapping_id),
            "Serverless-LambdaEventSourceMappingDestination",
        )

        self._alarms = target.alarms(self, self._function)
        if target.create_alarms:
            self._add_alarms(plan)

    def _queues(
        self, plan: _Plan, queue: sqs.IQueue | None, values: Mapping[str, Any]
    ) -> tuple[sqs.IQueue, sqs.IQueue | None]:
        if queue is not None:
            return queue, plan.adopted_dlq
        encryption_key: kms.IKey | None = values.get("encryption_key")
        cbd = values.get("content_based_deduplication")
        dead_letter_queue = failure_queue(
            self,
            "DeadLetterQueue",
            fifo=plan.fifo,
            content_based_deduplication=cbd,
            encryption_key=encryption_key,
        )
        created = secure_queue(
            self,
            "Queue",
            retention_seconds=plan.retention_s,
            fifo=plan.fifo,
            content_based_deduplication=cbd,
            encryption_key=encryption_key,
            visibility_timeout_seconds=plan.visibility_s,
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=dead_letter_queue, max_receive_count=plan.max_receive_count
            ),
        )
        return created, dead_letter_queue

    # -- public surface -------------------------------------------------------------------
    @property
    def function(self) -> lambda_.IFunction:
        """The consumer: the function passed in, or the :class:`HardenedFunction` built."""
        return self._function

    @property
    def queue(self) -> sqs.IQueue:
        """The source queue (created or adopted)."""
        return self._queue

    @property
    def dead_letter_queue(self) -> sqs.IQueue | None:
        """The queue's dead-letter queue (``None`` for an adopted queue whose DLQ is unknown)."""
        return self._dead_letter_queue

    @property
    def event_source(self) -> event_sources.SqsEventSource:
        """The SQS event source bound to the function."""
        return self._event_source

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms, by name.

        The built function's, plus ``OldestMessageAge`` and, when the DLQ is known,
        ``DeadLetterQueueDepth``.
        """
        return MappingProxyType(self._alarms.alarms)

    def _add_alarms(self, plan: _Plan) -> None:
        self._alarms.add(
            "OldestMessageAge",
            self._queue.metric_approximate_age_of_oldest_message(
                period=alarm_period(),
                statistic="Maximum",
            ),
            plan.age_threshold_s,
            f"the oldest message has waited {plan.age_threshold_s} s or more; the consumer "
            "is falling behind.",
        )
        if self._dead_letter_queue is not None:
            self._alarms.add(
                "DeadLetterQueueDepth",
                depth_alarm_metric(self._dead_letter_queue),
                1,
                f"messages failed {plan.max_receive_count} deliveries and wait in the "
                "dead-letter queue.",
            )


class CheckedQueueConsumer(NamedTuple):
    """QueueConsumer keyword arguments, checked: what :meth:`QueueConsumer._build` needs."""

    values: dict[str, Any]
    target: TargetFunction
    plan: _Plan


def check_queue_consumer(
    checker: PropsChecker,
    scope: Construct,
    construct_id: str,
    given: Mapping[str, Any],
    unknown: Mapping[str, Any],
    *,
    service_name: str | None = None,
) -> CheckedQueueConsumer:
    """Validate QueueConsumer keyword arguments into ``checker`` without raising.

    For constructs that build a QueueConsumer (``BucketProcessor(through_queue=True)``) and
    want one error for all their problems. ``service_name`` is the Powertools service name
    a built function defaults to (see :meth:`TargetFunction.check`). The result is
    meaningful only when ``checker`` recorded no problem.
    """
    values = check_trigger_props(checker, QUEUE_CONSUMER_PROPS, given, unknown)
    function_options = given.get("function_options")
    target = TargetFunction.check(
        checker,
        scope,
        construct_id,
        Invocation.POLL,
        function=given.get("function"),
        function_options=function_options,
        service_name=service_name,
    )
    options = function_options if isinstance(function_options, Mapping) else {}
    reserved = options.get("reserved_concurrent_executions")
    plan = _plan(checker, target.timeout_s, reserved, values, given)
    return CheckedQueueConsumer(values, target, plan)


def _plan(
    checker: PropsChecker,
    timeout_s: int | None,
    reserved: Any,
    values: Mapping[str, Any],
    given: Mapping[str, Any],
) -> _Plan:
    """Check what only makes sense together; derive the numbers that must agree."""
    fifo = bool(values.get("fifo", False))
    if given.get("content_based_deduplication") is not None and not fifo:
        checker.add(
            "content_based_deduplication",
            given["content_based_deduplication"],
            "applies only to FIFO queues; pass fifo=True",
        )
    batch_size = values.get("batch_size", defaults.BATCH_SIZE)
    if fifo and batch_size > limits.SQS_BATCH_SIZE_FIFO_MAX:
        checker.add(
            "batch_size + fifo",
            batch_size,
            f"FIFO event sources take at most {limits.SQS_BATCH_SIZE_FIFO_MAX} records per "
            "batch (Lambda's limit)",
        )
    window_s = values.get("max_batching_window", defaults.BATCHING_WINDOW_SECONDS)
    if fifo and given.get("max_batching_window") is not None:
        checker.add(
            "max_batching_window + fifo",
            given["max_batching_window"],
            "FIFO event sources take no batching window (Lambda rule)",
        )
        window_s = 0
    if not fifo and batch_size > limits.SQS_BATCH_SIZE_WITHOUT_WINDOW_MAX and window_s < 1:
        checker.add(
            "batch_size + max_batching_window",
            batch_size,
            "a batch size above 10 needs max_batching_window of at least "
            "Duration.seconds(1) (Lambda rule)",
        )
    max_concurrency = values.get("max_concurrency")
    if max_concurrency is not None and isinstance(reserved, int) and max_concurrency > reserved:
        checker.add(
            "max_concurrency + reserved_concurrent_executions",
            max_concurrency,
            f"must not exceed reserved_concurrent_executions={reserved}: the poller "
            "ignores reserved concurrency, so the excess would only be throttled "
            "and retried into the dead-letter queue",
        )

    if timeout_s is None:
        if given.get("function") is not None and given.get("visibility_timeout") is None:
            checker.add(
                "function + visibility_timeout",
                given["function"],
                "the function's timeout is not known here (an imported function): pass "
                "visibility_timeout= of at least 6 x its timeout + the batching window",
            )
        # The longest timeout the visibility timeout given allows, else the default.
        visibility = values.get("visibility_timeout") or 0
        fitting = visibility // limits.SQS_VISIBILITY_TIMEOUT_MULTIPLIER
        timeout_s = fitting or lambda_defaults.TIMEOUT_SECONDS
    required = required_visibility_timeout(timeout_s, window_s)
    visibility_s = required
    max_receive = values.get("max_receive_count", defaults.MAX_RECEIVE_COUNT)
    retention_s = values.get("retention_period", defaults.SOURCE_RETENTION_DAYS * 86_400)
    adopted_dlq: sqs.IQueue | None = None
    queue = values.get("queue")
    if given.get("queue") is not None:
        for key in QUEUE_OPTIONS:
            if given.get(key) is not None:
                checker.add(
                    f"{key} + queue",
                    given[key],
                    "applies only to the queue QueueConsumer creates; configure the "
                    "queue you pass instead",
                )
        if queue is not None:
            adopted_dlq, visibility_s, max_receive = _inspect_adopted(
                checker, queue, fifo=fifo, required=required
            )
    else:
        chosen = values.get("visibility_timeout")
        if chosen is not None and chosen < required:
            checker.add(
                "visibility_timeout",
                given["visibility_timeout"],
                f"must be at least Duration.seconds({required}): 6 x the function's "
                f"{timeout_s} s timeout + the {window_s} s batching window, or messages "
                "reappear while still being processed",
            )
        elif chosen is not None:
            visibility_s = chosen
        if required > limits.SQS_VISIBILITY_TIMEOUT_MAX_SECONDS:
            checker.add(
                "timeout",
                f"{timeout_s} s",
                f"needs a visibility timeout of {required} s, above SQS's "
                f"{limits.SQS_VISIBILITY_TIMEOUT_MAX_SECONDS} s maximum",
                rendered=f"Duration.seconds({timeout_s})",
            )
    age_threshold_s = values.get("message_age_sla", visibility_s * max_receive)
    return _Plan(
        timeout_s=timeout_s,
        fifo=fifo,
        batch_size=batch_size,
        window_s=window_s,
        visibility_s=visibility_s,
        max_receive_count=max_receive,
        retention_s=retention_s,
        age_threshold_s=age_threshold_s,
        adopted_dlq=adopted_dlq,
    )


def _inspect_adopted(
    checker: PropsChecker, queue: sqs.IQueue, *, fifo: bool, required: int
) -> tuple[sqs.IQueue | None, int, int]:
    """Check what can be seen of an adopted queue; return (DLQ, visibility, max receives)."""
    if bool(queue.fifo) != fifo:
        checker.add(
            "fifo",
            fifo,
            f"the queue passed is {'a FIFO' if queue.fifo else 'a standard'} "
            f"queue; pass fifo={bool(queue.fifo)}",
        )
    visibility_s = required
    max_receive = defaults.MAX_RECEIVE_COUNT
    dlq: sqs.IQueue | None = None
    if not isinstance(queue, sqs.Queue):  # imported: nothing more can be seen
        return None, visibility_s, max_receive
    cfn = queue.node.default_child
    if not isinstance(cfn, sqs.CfnQueue):
        return None, visibility_s, max_receive
    declared = cfn.visibility_timeout
    seen = limits.SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS if declared is None else declared
    if isinstance(seen, (int, float)) and not cdk.Token.is_unresolved(seen):
        visibility_s = int(seen)
        if visibility_s < required:
            checker.add(
                "queue",
                queue,
                f"has a visibility timeout of {visibility_s} s; it must be at least "
                f"{required} s (6 x the function timeout + the batching window)",
                rendered=f"<queue {queue.node.path}>",
            )
    if queue.dead_letter_queue is not None:
        dlq = queue.dead_letter_queue.queue
        max_receive = int(queue.dead_letter_queue.max_receive_count)
    elif cfn.redrive_policy is None:
        checker.add(
            "queue",
            queue,
            "has no dead-letter queue: poison messages would be retried "
            "until they expire; give it dead_letter_queue="
            "DeadLetterQueue(...) (BestLambda-SqsRedrive)",
            rendered=f"<queue {queue.node.path}>",
        )
    return dlq, visibility_s, max_receive
