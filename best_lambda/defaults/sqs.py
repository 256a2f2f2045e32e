"""Every keyword argument of :class:`~best_lambda.QueueConsumer`, declared once.

The queue-side props are declared here; the function's come from
:data:`best_lambda.defaults.lambda_.FUNCTION_PROPS` minus those about asynchronous
invocation (events arrive through the SQS poller, failures go to the queue's DLQ).
"""

from __future__ import annotations

from best_lambda import limits
from best_lambda.defaults.lambda_ import TRIGGER_FUNCTION_PROPS
from best_lambda.props import (
    Flag,
    Integer,
    Interface,
    ListOf,
    MapOf,
    Prop,
    PropTable,
    Seconds,
    Text,
)

__all__ = [
    "BATCHING_WINDOW_SECONDS",
    "BATCH_SIZE",
    "DLQ_RETENTION_DAYS",
    "MAX_RECEIVE_COUNT",
    "QUEUE_CONSUMER_PROPS",
    "QUEUE_OPTIONS",
    "SOURCE_RETENTION_DAYS",
]

BATCH_SIZE = 10
BATCHING_WINDOW_SECONDS = 0
MAX_RECEIVE_COUNT = 5
SOURCE_RETENTION_DAYS = 4
DLQ_RETENTION_DAYS = 14

#: Props that shape the queue QueueConsumer creates; contradictory with ``queue=``.
QUEUE_OPTIONS = (
    "content_based_deduplication",
    "visibility_timeout",
    "max_receive_count",
    "retention_period",
    "encryption_key",
)

QUEUE_CONSUMER_PROPS = PropTable(
    "QueueConsumer",
    (
        *TRIGGER_FUNCTION_PROPS,
        Prop(
            "queue",
            Interface("aws_sqs.IQueue", ("queue_arn", "grant_consume_messages")),
            "Adopt an existing queue instead of creating one. What can be seen of it is "
            "checked: a visibility timeout known to be too short, a missing dead-letter queue "
            "or a FIFO mismatch is refused.",
        ),
        Prop(
            "fifo",
            Flag(),
            "Create a FIFO queue (and FIFO DLQ); FIFO sources take at most 10 records per "
            "batch and no batching window.",
            default=False,
        ),
        Prop(
            "content_based_deduplication",
            Flag(),
            "FIFO only: deduplicate by message body.",
        ),
        Prop(
            "batch_size",
            Integer(1, limits.SQS_BATCH_SIZE_MAX, "Lambda's limit; 10 for FIFO queues"),
            "Records per invocation; above 10 needs a batching window of at least 1 s.",
            default=BATCH_SIZE,
            reason="Lambda's default: lowest latency. Raise it with max_batching_window for "
            "throughput (seeds/003 §2 'Batch events').",
            source="seeds/003 §2",
        ),
        Prop(
            "max_batching_window",
            Seconds(0, limits.SQS_BATCHING_WINDOW_MAX_SECONDS, "Lambda limit"),
            "How long Lambda gathers records before invoking.",
            default=BATCHING_WINDOW_SECONDS,
            reason="Lambda's default: no waiting. Above a batch size of 10 a window of at "
            "least 1 s is required (Lambda rule).",
            source="services-sqs-configure",
        ),
        Prop(
            "max_concurrency",
            Integer(*limits.SQS_MAX_CONCURRENCY, "Lambda ScalingConfig limit"),
            "Cap on concurrent invocations from this queue; must not exceed "
            "reserved_concurrent_executions.",
            default_doc="not set",
            reason="Set it to protect a downstream system; the poller ignores reserved "
            "concurrency, so it must not exceed it.",
            source="API_ScalingConfig",
        ),
        Prop(
            "max_receive_count",
            Integer(*limits.SQS_MAX_RECEIVE_COUNT, "SQS limit"),
            "Deliveries before a message moves to the dead-letter queue.",
            default=MAX_RECEIVE_COUNT,
            default_doc=f"{MAX_RECEIVE_COUNT} (redrive to an encrypted, TLS-only DLQ kept "
            f"{DLQ_RETENTION_DAYS} days)",
            reason="A poison message stops after a few attempts instead of retrying until it "
            "expires (seeds/000 step 5); AWS recommends at least 5 for Lambda consumers so "
            "throttled batches are not dead-lettered early. The DLQ keeps messages 14 days, "
            "the longest SQS allows, so it outlives the source queue's retention.",
            source="seeds/000 step 5; services-sqs-errorhandling",
        ),
        Prop(
            "visibility_timeout",
            Seconds(0, limits.SQS_VISIBILITY_TIMEOUT_MAX_SECONDS, "SQS limit"),
            "The queue's visibility timeout; a value below 6 x timeout + batching window is "
            "refused.",
            default_doc="6 x function timeout + max_batching_window",
            reason="AWS: at least six times the function timeout, plus the batching window; "
            "shorter means messages reappear while still being processed (duplicates, "
            "runaway cost).",
            source="services-sqs-configure",
        ),
        Prop(
            "retention_period",
            Seconds(*limits.SQS_RETENTION_SECONDS, "SQS limit"),
            "How long the source queue keeps a message.",
            default=SOURCE_RETENTION_DAYS * 86_400,
            reason="SQS's own default, stated explicitly; encrypted (SSE-SQS) and TLS-only "
            "like the DLQ.",
            source="SQS CreateQueue",
        ),
        Prop(
            "encryption_key",
            Interface("aws_kms.IKey", ("key_arn",)),
            "Encrypt both queues with this KMS key instead of SSE-SQS.",
        ),
        Prop(
            "report_batch_item_failures",
            Flag(),
            "The handler returns ``batchItemFailures`` and only those records are retried.",
            default=True,
            reason="One bad record must not fail (and re-deliver) the whole batch.",
            source="seeds/003 §4",
        ),
        Prop(
            "filters",
            ListOf(MapOf(Text(), Text(min_len=0))),
            "Event filtering patterns (``aws_lambda.FilterCriteria.filter(...)``); records "
            "that match none are *deleted* from the queue.",
        ),
        Prop(
            "message_age_sla",
            Seconds(1, limits.SQS_RETENTION_SECONDS[1], "at most the SQS retention limit"),
            "Alarm when the oldest message is older than this.",
            default_doc="oldest message age >= visibility timeout x max_receive_count (or "
            "this SLA), DLQ depth >= 1, plus the function's alarms",
            reason="A message older than the whole retry window means the consumer is falling "
            "behind; any message in the DLQ needs a person.",
            source="seeds/003 §5c",
        ),
    ),
)
