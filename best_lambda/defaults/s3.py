"""Every keyword argument of :class:`~best_lambda.BucketProcessor`, declared once.

S3 invokes the function asynchronously (or, with ``through_queue=True``, sends the events
to an SQS queue a :class:`~best_lambda.QueueConsumer` drains). A function that writes to the
bucket that triggers it can invoke itself forever; the construct grants writes to its own
bucket only under ``output_prefix``, which must not overlap the keys that trigger it.
"""

from __future__ import annotations

from best_lambda.defaults.lambda_ import TRIGGER_FUNCTION_PROPS
from best_lambda.props import Enum, Flag, Interface, ListOf, Options, Prop, PropTable, Text

__all__ = ["ACCESS_LOG_RETENTION_DAYS", "BUCKET_PROCESSOR_PROPS", "EVENTS"]

EVENTS = ("OBJECT_CREATED",)
ACCESS_LOG_RETENTION_DAYS = 90
#: S3 object keys are at most 1,024 bytes; so are notification filter values.
_KEY = Text(min_len=0, max_len=1_024, why="S3 object key limit")

BUCKET_PROCESSOR_PROPS = PropTable(
    "BucketProcessor",
    (
        *TRIGGER_FUNCTION_PROPS,
        Prop(
            "bucket",
            Interface("aws_s3.IBucket", ("bucket_arn", "add_event_notification")),
            "Process this bucket's objects (yours, or ``Bucket.from_bucket_name(...)``) "
            "instead of creating one.",
            default_doc="a new bucket: SSE-S3, TLS-only, public access blocked, server access logs",
            reason="Objects encrypted at rest and in transit, never public, and every access "
            "logged (AwsSolutions-S1, S2, S10).",
            source="s3 security-best-practices",
        ),
        Prop(
            "server_access_logs_bucket",
            Interface("aws_s3.IBucket", ("bucket_arn", "bucket_name")),
            "Where the bucket the construct creates writes its access logs (not with bucket=).",
            default_doc=f"a second bucket (SSE-S3, TLS-only, logs expire after "
            f"{ACCESS_LOG_RETENTION_DAYS} days)",
            reason="Access logs answer who read or wrote an object. A log bucket of its own "
            f"keeps them apart from the data; {ACCESS_LOG_RETENTION_DAYS} days covers an "
            "investigation without storing logs forever.",
            source="s3 ServerLogs; seeds/001 §5.1",
        ),
        Prop(
            "events",
            ListOf(Enum("aws_s3.EventType")),
            "The S3 events that invoke the function.",
            default_doc="[EventType.OBJECT_CREATED]",
            reason="New objects are what a processor processes; deletions, tagging and "
            "restores are opt-in.",
            source="notification-how-to-event-types-and-destinations",
        ),
        Prop("prefix", _KEY, "Only keys that start with this invoke the function."),
        Prop("suffix", _KEY, "Only keys that end with this invoke the function."),
        Prop(
            "output_prefix",
            Text(max_len=1_024, why="S3 object key limit"),
            "Grant the function writes to this bucket's keys under this prefix; refused "
            "unless those keys can never match prefix and suffix, so that its own writes "
            "never invoke it again.",
            default_doc="no write access to the bucket",
            reason="A function that writes where it is triggered invokes itself in a loop, "
            "billing every turn (seeds/003 §7). A write grant added later that overlaps the "
            "trigger fails synthesis.",
            source="seeds/003 §7",
        ),
        Prop(
            "through_queue",
            Flag(),
            "Send the events to an SQS queue that a QueueConsumer drains: retries by the "
            "queue, partial batch responses, a redrive DLQ.",
            default=False,
            reason="Direct asynchronous invocation needs the fewest resources, and failed events "
            "land in the function's dead-letter queue. Take the queue for bursts, batching or "
            "processing that must retry longer than Lambda's 6 hours.",
            source="seeds/003 §2, §4",
        ),
        Prop(
            "queue_options",
            Options("QueueConsumerOptions"),
            "QueueConsumer keyword arguments for the queue (through_queue=True only).",
        ),
    ),
)
