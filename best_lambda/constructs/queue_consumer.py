"""``QueueConsumer``: an SQS queue and the HardenedFunction that consumes it, sized together."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Unpack

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from best_lambda import limits
from best_lambda.constructs._props import PropsChecker
from best_lambda.constructs._shared import acknowledge, alarm, secure_queue
from best_lambda.constructs.hardened_function import (
    HardenedFunction,
    HardenedFunctionOptions,
    check_function_options,
)
from best_lambda.defaults import lambda_ as lambda_defaults
from best_lambda.defaults import sqs as defaults

__all__ = ["QueueConsumer", "required_visibility_timeout"]

#: HardenedFunction options about asynchronous invocation: meaningless behind the SQS poller.
_ASYNC_OPTIONS = (
    "dead_letter_queue",
    "dead_letter_queue_enabled",
    "on_failure",
    "on_success",
    "retry_attempts",
    "max_event_age",
)
#: Options that shape the queue QueueConsumer creates; contradictory with ``queue=``.
_QUEUE_OPTIONS = (
    "content_based_deduplication",
    "visibility_timeout",
    "max_receive_count",
    "retention_period",
    "encryption_key",
)


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
    batch_size: int
    window_s: int
    visibility_s: int
    max_receive_count: int
    retention_s: int
    age_threshold_s: int
    adopted_dlq: sqs.IQueue | None


class QueueConsumer(Construct):
    """An SQS queue, its dead-letter queue and a :class:`HardenedFunction` that consumes it.

    Everything that has to agree is derived together: the visibility timeout is
    ``6 x function timeout + max_batching_window`` (AWS's guidance; shorter means messages
    reappear while still being processed), the redrive policy sends a message to an
    encrypted, TLS-only dead-letter queue after ``max_receive_count`` attempts, the event
    source reports partial batch failures, and the alarms' thresholds follow from the
    visibility timeout. The function gets no asynchronous-invoke dead-letter queue: events
    arrive through the SQS poller, and failures go to the queue's DLQ.

    Parameters
    ----------
    scope, construct_id
        As for any construct.
    code, handler
        The consumer's code, as for ``aws_lambda.Function``.
    queue
        Adopt an existing queue instead of creating one. What can be seen of it is checked:
        a visibility timeout known to be too short, a missing dead-letter queue or a FIFO
        mismatch is refused.
    fifo, content_based_deduplication
        Create a FIFO queue (and FIFO DLQ). FIFO event sources take at most 10 records per
        batch and no batching window.
    batch_size
        Records per invocation: default 10; up to 10,000 (standard; above 10 needs a
        batching window of at least 1 s) or 10 (FIFO).
    max_batching_window
        How long Lambda gathers records before invoking; default 0; at most 5 minutes.
    max_concurrency
        Cap on concurrent invocations from this queue (2-1,000); must not exceed
        ``reserved_concurrent_executions`` when both are set.
    max_receive_count
        Deliveries before a message moves to the DLQ; default 5 (1-1,000).
    visibility_timeout
        Default ``6 x timeout + max_batching_window``; a smaller value is refused.
    retention_period
        Source queue retention, default 4 days (the DLQ keeps messages 14 days).
    encryption_key
        Encrypt both queues with this KMS key instead of SSE-SQS.
    report_batch_item_failures
        Default True: the handler returns ``batchItemFailures`` and only those records are
        retried.
    filters
        Event filtering patterns (records that match none are *deleted* from the queue).
    message_age_sla
        Alarm when the oldest message is older than this; default visibility timeout x
        ``max_receive_count`` (the longest a message can legitimately be retried).
    **function_options
        Every :class:`HardenedFunction` keyword argument (timeout, memory_size, environment,
        secrets, alarm_topic, ...) except the asynchronous-invocation ones.

    Raises
    ------
    InvalidPropsError
        Listing every invalid or contradictory argument, the function's included.

    Examples
    --------
    >>> from aws_cdk import App, Stack, Duration, aws_lambda as lambda_
    >>> stack = Stack(App(), "Shop")
    >>> consumer = QueueConsumer(stack, "IndexOrders",
    ...     code=lambda_.Code.from_inline("def handler(event, context): return {}"),
    ...     handler="index.handler", timeout=Duration.seconds(30))
    >>> consumer.queue.node.default_child.visibility_timeout  # 6 x 30 s
    180
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: lambda_.Code,
        handler: str,
        queue: sqs.IQueue | None = None,
        fifo: bool = False,
        content_based_deduplication: bool | None = None,
        batch_size: int | None = None,
        max_batching_window: cdk.Duration | None = None,
        max_concurrency: int | None = None,
        max_receive_count: int | None = None,
        visibility_timeout: cdk.Duration | None = None,
        retention_period: cdk.Duration | None = None,
        encryption_key: kms.IKey | None = None,
        report_batch_item_failures: bool = True,
        filters: Sequence[Mapping[str, Any]] | None = None,
        message_age_sla: cdk.Duration | None = None,
        **function_options: Unpack[HardenedFunctionOptions],
    ) -> None:
        checker = PropsChecker(type(self).__name__, str(construct_id))
        options: dict[str, Any] = dict(function_options)
        for key in _ASYNC_OPTIONS:
            if key in options:
                checker.add(
                    key,
                    options.pop(key),
                    "does not apply: events arrive through the SQS poller, and failed "
                    "messages go to the queue's dead-letter queue",
                )
        settings = check_function_options(checker, construct_id, code, handler, options)
        plan = _plan(
            checker,
            settings.timeout_s,
            options,
            queue=queue,
            fifo=fifo,
            content_based_deduplication=content_based_deduplication,
            batch_size=batch_size,
            max_batching_window=max_batching_window,
            max_concurrency=max_concurrency,
            max_receive_count=max_receive_count,
            visibility_timeout=visibility_timeout,
            retention_period=retention_period,
            encryption_key=encryption_key,
            report_batch_item_failures=report_batch_item_failures,
            filters=filters,
            message_age_sla=message_age_sla,
        )
        checker.raise_if_any()
        super().__init__(scope, construct_id)

        if queue is None:
            dead_letter_queue = secure_queue(
                self,
                "DeadLetterQueue",
                retention_seconds=defaults.DLQ_RETENTION_DAYS * 86_400,
                fifo=fifo,
                content_based_deduplication=content_based_deduplication,
                encryption_key=encryption_key,
            )
            acknowledge(dead_letter_queue, "Serverless-SQSRedrivePolicy")
            self._queue: sqs.IQueue = secure_queue(
                self,
                "Queue",
                retention_seconds=plan.retention_s,
                fifo=fifo,
                content_based_deduplication=content_based_deduplication,
                encryption_key=encryption_key,
                visibility_timeout_seconds=plan.visibility_s,
                dead_letter_queue=sqs.DeadLetterQueue(
                    queue=dead_letter_queue, max_receive_count=plan.max_receive_count
                ),
            )
            self._dead_letter_queue: sqs.IQueue | None = dead_letter_queue
        else:
            self._queue = queue
            self._dead_letter_queue = plan.adopted_dlq

        self._function = HardenedFunction(
            self, "Handler", code=code, handler=handler, dead_letter_queue_enabled=False, **options
        )
        source_props: dict[str, Any] = {
            "batch_size": plan.batch_size,
            "report_batch_item_failures": report_batch_item_failures,
        }
        if plan.window_s:
            source_props["max_batching_window"] = cdk.Duration.seconds(plan.window_s)
        if max_concurrency is not None:
            source_props["max_concurrency"] = max_concurrency
        if filters:
            source_props["filters"] = list(filters)
        self._event_source = event_sources.SqsEventSource(self._queue, **source_props)
        self._function.function.add_event_source(self._event_source)
        for child in self._function.function.node.children:
            if isinstance(child, lambda_.EventSourceMapping):
                acknowledge(child, "Serverless-LambdaEventSourceMappingDestination")

        self._alarms: dict[str, cloudwatch.Alarm] = dict(self._function.alarms)
        if options.get("create_alarms", True):
            self._add_alarms(plan, options.get("alarm_topic"))

    # -- public surface -------------------------------------------------------------------
    @property
    def function(self) -> HardenedFunction:
        """The consumer (``.function.function`` is the ``aws_lambda.Function``)."""
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

        The function's, plus ``OldestMessageAge`` and, when the DLQ is known,
        ``DeadLetterQueueDepth``.
        """
        return MappingProxyType(self._alarms)

    def _add_alarms(self, plan: _Plan, topic: sns.ITopic | None) -> None:
        period = cdk.Duration.minutes(lambda_defaults.ALARM_PERIOD_MINUTES)
        where = self.node.path
        self._alarms["OldestMessageAge"] = alarm(
            self,
            "OldestMessageAgeAlarm",
            metric=self._queue.metric_approximate_age_of_oldest_message(
                period=period, statistic="Maximum"
            ),
            threshold=plan.age_threshold_s,
            description=f"{where}: the oldest message has waited {plan.age_threshold_s} s or "
            "more; the consumer is falling behind.",
            topic=topic,
        )
        if self._dead_letter_queue is not None:
            self._alarms["DeadLetterQueueDepth"] = alarm(
                self,
                "DeadLetterQueueDepthAlarm",
                metric=self._dead_letter_queue.metric_approximate_number_of_messages_visible(
                    period=period, statistic="Maximum"
                ),
                threshold=1,
                description=f"{where}: messages failed {plan.max_receive_count} deliveries "
                "and wait in the dead-letter queue.",
                topic=topic,
            )


def _plan(checker: PropsChecker, timeout_s: int, options: Mapping[str, Any], **kw: Any) -> _Plan:
    """Validate the queue-side arguments and derive the numbers that must agree."""
    queue, fifo = kw["queue"], kw["fifo"]
    if not isinstance(fifo, bool):
        checker.add("fifo", fifo, "expected bool")
        fifo = False
    for flag in ("report_batch_item_failures",):
        checker.check_type(flag, kw[flag], bool, "bool")
    cbd = kw["content_based_deduplication"]
    if cbd is not None:
        if not isinstance(cbd, bool):
            checker.add("content_based_deduplication", cbd, "expected bool")
        elif not fifo:
            checker.add(
                "content_based_deduplication", cbd, "applies only to FIFO queues; pass fifo=True"
            )

    # Batching.
    batch_max = limits.SQS_BATCH_SIZE_FIFO_MAX if fifo else limits.SQS_BATCH_SIZE_MAX
    batch_size = defaults.BATCH_SIZE
    if kw["batch_size"] is not None:
        batch_size = (
            checker.integer(
                "batch_size",
                kw["batch_size"],
                1,
                batch_max,
                "Lambda's limit for FIFO queues" if fifo else "Lambda's limit for standard queues",
            )
            or batch_size
        )
    window_s = defaults.BATCHING_WINDOW_SECONDS
    if kw["max_batching_window"] is not None:
        if fifo:
            checker.add(
                "max_batching_window",
                kw["max_batching_window"],
                "FIFO event sources take no batching window (Lambda rule)",
            )
        else:
            value = checker.seconds(
                "max_batching_window",
                kw["max_batching_window"],
                0,
                limits.SQS_BATCHING_WINDOW_MAX_SECONDS,
                "Lambda limit",
            )
            window_s = window_s if value is None else value
    if not fifo and batch_size > limits.SQS_BATCH_SIZE_WITHOUT_WINDOW_MAX and window_s < 1:
        checker.add(
            "batch_size + max_batching_window",
            batch_size,
            "a batch size above 10 needs max_batching_window of at least "
            "Duration.seconds(1) (Lambda rule)",
        )

    # Concurrency.
    max_concurrency = kw["max_concurrency"]
    if max_concurrency is not None:
        value = checker.integer(
            "max_concurrency",
            max_concurrency,
            *limits.SQS_MAX_CONCURRENCY,
            "Lambda ScalingConfig limit",
        )
        reserved = options.get("reserved_concurrent_executions")
        if value is not None and isinstance(reserved, int) and value > reserved:
            checker.add(
                "max_concurrency + reserved_concurrent_executions",
                value,
                f"must not exceed reserved_concurrent_executions={reserved}: the poller "
                "ignores reserved concurrency, so the excess would only be throttled "
                "and retried into the dead-letter queue",
            )

    # The queue itself.
    required = required_visibility_timeout(timeout_s, window_s)
    visibility_s = required
    max_receive = defaults.MAX_RECEIVE_COUNT
    retention_s = defaults.SOURCE_RETENTION_DAYS * 86_400
    adopted_dlq: sqs.IQueue | None = None
    if queue is not None:
        for key in _QUEUE_OPTIONS:
            if kw[key] is not None:
                checker.add(
                    f"{key} + queue",
                    kw[key],
                    "applies only to the queue QueueConsumer creates; configure the "
                    "queue you pass instead",
                )
        if checker.check_interface(
            "queue", queue, ["queue_arn", "grant_consume_messages"], "aws_sqs.IQueue"
        ):
            adopted_dlq, visibility_s, max_receive = _inspect_adopted(
                checker, queue, fifo=fifo, required=required
            )
    else:
        if kw["visibility_timeout"] is not None:
            value = checker.seconds(
                "visibility_timeout",
                kw["visibility_timeout"],
                0,
                limits.SQS_VISIBILITY_TIMEOUT_MAX_SECONDS,
                "SQS limit",
            )
            if value is not None and value < required:
                checker.add(
                    "visibility_timeout",
                    kw["visibility_timeout"],
                    f"must be at least Duration.seconds({required}): 6 x the "
                    f"function's {timeout_s} s timeout + the {window_s} s batching "
                    "window, or messages reappear while still being processed",
                )
            elif value is not None:
                visibility_s = value
        if required > limits.SQS_VISIBILITY_TIMEOUT_MAX_SECONDS:
            checker.add(
                "timeout",
                f"{timeout_s} s",
                f"needs a visibility timeout of {required} s, above SQS's "
                f"{limits.SQS_VISIBILITY_TIMEOUT_MAX_SECONDS} s maximum",
                rendered=f"Duration.seconds({timeout_s})",
            )
        if kw["max_receive_count"] is not None:
            max_receive = (
                checker.integer(
                    "max_receive_count",
                    kw["max_receive_count"],
                    *limits.SQS_MAX_RECEIVE_COUNT,
                    "SQS limit",
                )
                or max_receive
            )
        if kw["retention_period"] is not None:
            retention_s = (
                checker.seconds(
                    "retention_period",
                    kw["retention_period"],
                    *limits.SQS_RETENTION_SECONDS,
                    "SQS limit",
                )
                or retention_s
            )
        if kw["encryption_key"] is not None:
            checker.check_interface(
                "encryption_key", kw["encryption_key"], ["key_arn"], "aws_kms.IKey"
            )
    filters = kw["filters"]
    if filters is not None and (not isinstance(filters, Sequence) or isinstance(filters, str)):
        checker.add(
            "filters",
            filters,
            "expected a list of filter patterns (aws_lambda.FilterCriteria.filter(...))",
        )

    age_threshold_s = visibility_s * max_receive
    if kw["message_age_sla"] is not None:
        age_threshold_s = (
            checker.seconds(
                "message_age_sla",
                kw["message_age_sla"],
                1,
                limits.SQS_RETENTION_SECONDS[1],
                "at most the SQS retention limit",
            )
            or age_threshold_s
        )
    return _Plan(
        timeout_s=timeout_s,
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
