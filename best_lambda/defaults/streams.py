"""Every keyword argument of :class:`~best_lambda.StreamConsumer`, declared once.

The event source mapping's props are declared here; the function's come from
:data:`best_lambda.defaults.lambda_.FUNCTION_PROPS` minus those about asynchronous
invocation (a poller reads the stream; failures are handled by the mapping: bisection,
bounded retries and record age, and an on-failure destination).
"""

from __future__ import annotations

from best_lambda import limits
from best_lambda.defaults.lambda_ import TRIGGER_FUNCTION_PROPS
from best_lambda.props import (
    AnyOf,
    Enum,
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
    "ITERATOR_AGE_ALARM_RATIO",
    "MAX_RECORD_AGE_SECONDS",
    "NEW_STREAM_OPTIONS",
    "PARALLELIZATION_FACTOR",
    "RETRY_ATTEMPTS",
    "STARTING_POSITION",
    "STREAM_CONSUMER_PROPS",
    "STREAM_MODE",
]

BATCH_SIZE = 100
BATCHING_WINDOW_SECONDS = 0
RETRY_ATTEMPTS = 10
MAX_RECORD_AGE_SECONDS = 3_600
PARALLELIZATION_FACTOR = 1
STARTING_POSITION = "TRIM_HORIZON"
STREAM_MODE = "ON_DEMAND"
#: The IteratorAge alarm fires when records wait this fraction of ``max_record_age``: half
#: of the time left before Lambda starts setting records aside unprocessed.
ITERATOR_AGE_ALARM_RATIO = 0.5

#: Props that shape the Kinesis stream StreamConsumer creates; contradictory with
#: ``stream=`` or ``table=``.
NEW_STREAM_OPTIONS = ("stream_mode", "shard_count", "retention_period")

STREAM_CONSUMER_PROPS = PropTable(
    "StreamConsumer",
    (
        *TRIGGER_FUNCTION_PROPS,
        Prop(
            "stream",
            Interface("aws_kinesis.IStream", ("stream_arn", "grant_read")),
            "Consume an existing Kinesis data stream. Not with table.",
            default_doc="a new Kinesis data stream (unless table= is given)",
        ),
        Prop(
            "table",
            Interface("aws_dynamodb.ITable", ("table_arn", "grant_stream")),
            "Consume the stream of a DynamoDB table; a table without a stream is refused. Not "
            "with stream.",
        ),
        Prop(
            "stream_mode",
            Enum("aws_kinesis.StreamMode"),
            "Capacity mode of the stream StreamConsumer creates.",
            default=STREAM_MODE,
            reason="Capacity follows the traffic: no shard count to plan, and producers are not "
            "throttled by an under-provisioned stream. Pass StreamMode.PROVISIONED with "
            "shard_count= for steady, predictable traffic (cheaper per hour).",
            source="Kinesis Data Streams capacity modes",
        ),
        Prop(
            "shard_count",
            Integer(1, None, "Kinesis shard quota permitting"),
            "Shards of the stream StreamConsumer creates; only with "
            "stream_mode=StreamMode.PROVISIONED.",
        ),
        Prop(
            "retention_period",
            Seconds(
                limits.KINESIS_RETENTION_HOURS[0] * 3_600,
                limits.KINESIS_RETENTION_HOURS[1] * 3_600,
                "Kinesis limit",
            ),
            "How long the stream StreamConsumer creates keeps a record; max_record_age must "
            "be shorter.",
            default=limits.KINESIS_DEFAULT_RETENTION_HOURS * 3_600,
            default_doc=f"{limits.KINESIS_DEFAULT_RETENTION_HOURS} h",
            reason="Kinesis's own default, stated explicitly; encrypted with the AWS-managed "
            "key (alias/aws/kinesis). It leaves 23 h after the default 1 h maximum record age to "
            "re-read records set aside in the on-failure queue.",
            source="Kinesis Data Streams CreateStream",
        ),
        Prop(
            "enhanced_fan_out",
            Flag(),
            "Kinesis only: read through a registered stream consumer (its own 2 MB/s per "
            "shard, pushed over HTTP/2) instead of sharing the shard's read throughput.",
            default=False,
            reason="Off: a consumer costs an hourly fee per shard. Turn it on when several "
            "applications read the same stream or when latency matters.",
            source="Kinesis enhanced fan-out",
        ),
        Prop(
            "starting_position",
            Enum("aws_lambda.StartingPosition"),
            "Where Lambda starts reading when the mapping is created.",
            default=STARTING_POSITION,
            reason="Stated explicitly (CloudFormation requires it): from the oldest retained "
            "record, so nothing written between the stream's creation and the mapping's is "
            "skipped. LATEST skips what is already there; AT_TIMESTAMP (Kinesis only) needs "
            "starting_position_timestamp.",
            source="services-kinesis-parameters",
        ),
        Prop(
            "starting_position_timestamp",
            Integer(0, None, "Unix time, seconds"),
            "With starting_position=StartingPosition.AT_TIMESTAMP: the time to start reading from.",
        ),
        Prop(
            "batch_size",
            Integer(1, limits.STREAM_BATCH_SIZE_MAX, "Lambda's limit"),
            "Records per invocation (at most 6 MB in all).",
            default=BATCH_SIZE,
            reason="Lambda's default for streams. Raise it with max_batching_window for "
            "throughput (seeds/003 §2 'Batch events').",
            source="seeds/003 §2",
        ),
        Prop(
            "max_batching_window",
            Seconds(0, limits.STREAM_BATCHING_WINDOW_MAX_SECONDS, "Lambda limit"),
            "How long Lambda gathers records before invoking.",
            default=BATCHING_WINDOW_SECONDS,
            reason="Lambda's default: no waiting, lowest latency.",
            source="services-kinesis-parameters",
        ),
        Prop(
            "parallelization_factor",
            Integer(*limits.STREAM_PARALLELIZATION_FACTOR, "Lambda limit"),
            "Concurrent batches per shard; records with the same partition key stay in order.",
            default=PARALLELIZATION_FACTOR,
            reason="Lambda's default, stated: one batch per shard keeps every record of a shard "
            "in order. Raise it when a shard's records arrive faster than one invocation at a "
            "time can process them.",
            source="services-kinesis-parameters",
        ),
        Prop(
            "bisect_batch_on_error",
            Flag(),
            "When the function fails, split the batch in two and retry each half.",
            default=True,
            reason="Isolates a bad record instead of failing its whole batch on every retry "
            "(BestLambda-StreamFailureHandling).",
            source="seeds/003 §4",
        ),
        Prop(
            "retry_attempts",
            Integer(*limits.STREAM_RETRY_ATTEMPTS, "Lambda limit; -1 retries until max_record_age"),
            "Retries of a failing batch before its records are set aside.",
            default=RETRY_ATTEMPTS,
            reason="Bounded: a poison record stops blocking its shard after 10 failed "
            "invocations, not when it expires from the stream (Lambda's default, -1, can block "
            "a shard for up to a week). Bisection's splits do not count against them, so "
            "transient errors still get several retries.",
            source="seeds/003 §4a; kinesis-on-failure-destination",
        ),
        Prop(
            "max_record_age",
            Seconds(*limits.STREAM_RECORD_AGE_SECONDS, "Lambda limit"),
            "Records older than this are set aside (to on_failure) instead of being processed; "
            "must be shorter than the stream's retention.",
            default=MAX_RECORD_AGE_SECONDS,
            reason="Bounded: a consumer more than an hour behind skips ahead instead of falling "
            "further behind, and the on-failure queue records what it skipped (shard and "
            "sequence numbers, not the records) while 23 h of a 24 h retention remain to re-read "
            "them. It also bounds retries of throttled batches, which retry_attempts does not "
            "count. Lambda's default, -1, retries until records expire, unrecorded.",
            source="seeds/003 §4a; kinesis-on-failure-destination",
        ),
        Prop(
            "on_failure",
            AnyOf(
                (
                    Interface("aws_sqs.IQueue", ("queue_arn", "grant_send_messages")),
                    Interface("aws_lambda.IEventSourceDlq", ("bind",)),
                )
            ),
            "Where the mapping reports records it gives up on: your own queue (alarmed on), or "
            "any aws_lambda.IEventSourceDlq (SnsDlq, S3OnFailureDestination; not alarmed on).",
            default_doc="an SQS queue: SSE, TLS-only, 14 days retention, depth alarm",
            reason="Records given up on leave a trace to replay them from, instead of "
            "disappearing (seeds/000 step 5, BestLambda-StreamFailureHandling); 14 days is the "
            "longest SQS keeps a message.",
            source="seeds/000 step 5, seeds/003 §4b",
        ),
        Prop(
            "report_batch_item_failures",
            Flag(),
            "The handler returns ``batchItemFailures`` and Lambda retries from the first "
            "failed record.",
            default=True,
            reason="Records before the first failure are not processed again on retry.",
            source="seeds/003 §4",
        ),
        Prop(
            "tumbling_window",
            Seconds(*limits.STREAM_TUMBLING_WINDOW_SECONDS, "Lambda limit"),
            "Aggregate over windows of this length (the handler returns its state).",
        ),
        Prop(
            "filters",
            ListOf(MapOf(Text(), Text(min_len=0))),
            "Event filtering patterns (``aws_lambda.FilterCriteria.filter(...)``); records "
            "that match none are skipped, not processed.",
        ),
        Prop("enabled", Flag(), "``False`` creates the mapping paused.", default=True),
        Prop(
            "iterator_age_sla",
            Seconds(1, limits.STREAM_RECORD_AGE_SECONDS[1], "at most the record age limit"),
            "Alarm when records wait this long before processing; must be shorter than "
            "max_record_age.",
            default_doc=f"IteratorAge >= {ITERATOR_AGE_ALARM_RATIO:.0%} of max_record_age (or "
            "this SLA), on-failure queue depth >= 1, plus the function's alarms",
            reason="Falling behind shows only in IteratorAge: alarm while half of the time "
            "before records are set aside remains; any message in the on-failure queue is a "
            "batch that needs replaying.",
            source="seeds/003 §5c",
        ),
    ),
)
