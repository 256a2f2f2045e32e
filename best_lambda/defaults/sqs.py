"""Defaults for SQS consumers built by :class:`~best_lambda.QueueConsumer`."""

from __future__ import annotations

from best_lambda.defaults import Default

BATCH_SIZE = 10
BATCHING_WINDOW_SECONDS = 0
MAX_RECEIVE_COUNT = 5
SOURCE_RETENTION_DAYS = 4
DLQ_RETENTION_DAYS = 14

DEFAULTS: tuple[Default, ...] = (
    Default(
        "QueueConsumer",
        "visibility_timeout",
        "6 x function timeout + max_batching_window",
        "AWS: at least six times the function timeout, plus the batching window; shorter "
        "means messages reappear while still being processed (duplicates, runaway cost).",
    ),
    Default(
        "QueueConsumer",
        "max_receive_count",
        f"{MAX_RECEIVE_COUNT} (redrive to a DLQ)",
        "A poison message stops after a few attempts instead of retrying until it expires "
        "(seeds/000 step 5); AWS recommends at least 5 for Lambda consumers so throttled "
        "batches are not dead-lettered early.",
    ),
    Default(
        "QueueConsumer",
        "dead letter queue",
        f"SQS, SSE, TLS-only, {DLQ_RETENTION_DAYS} days retention",
        "The longest SQS allows: time to inspect and redrive failed messages. A standard "
        "queue's messages keep their original enqueue time, so the DLQ must outlive the "
        "source queue's retention.",
    ),
    Default(
        "QueueConsumer",
        "retention_period",
        f"{SOURCE_RETENTION_DAYS} days",
        "SQS's own default, stated explicitly; encrypted (SSE-SQS) and TLS-only like the DLQ.",
    ),
    Default(
        "QueueConsumer",
        "batch_size / max_batching_window",
        f"{BATCH_SIZE} / {BATCHING_WINDOW_SECONDS} s",
        "Lambda's defaults: lowest latency. Raise both together for throughput (seeds/003 "
        "§2 'Batch events'); above 10 a window of at least 1 s is required.",
    ),
    Default(
        "QueueConsumer",
        "report_batch_item_failures",
        "True",
        "One bad record must not fail (and re-deliver) the whole batch; the handler "
        "returns batchItemFailures.",
    ),
    Default(
        "QueueConsumer",
        "max_concurrency",
        "not set (optional, 2-1,000)",
        "Set it to protect a downstream system; ESMs ignore reserved concurrency, so it "
        "must not exceed it.",
    ),
    Default(
        "QueueConsumer",
        "alarms",
        "oldest message age >= visibility timeout x max_receive_count (or your SLA), "
        "DLQ depth >= 1, plus the function's",
        "A message older than the whole retry window means the consumer is falling "
        "behind; any message in the DLQ needs a person.",
    ),
)
