"""Building blocks shared by the constructs: secure queues, alarms, acknowledgements."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct

__all__ = ["ACK_REASONS", "acknowledge", "alarm", "secure_queue"]

#: Why each cdk-nag finding our constructs acknowledge is a false positive or unavoidable.
#: Applied by the constructs themselves, so users inherit them with the construct.
ACK_REASONS: dict[str, str] = {
    "AwsSolutions-IAM5[Resource::*]": (
        "X-Ray's PutTraceSegments and PutTelemetryRecords (and, in a VPC, the EC2 network "
        "interface actions Lambda needs) support no resource-level permissions: AWS requires "
        "Resource '*'. The statement lives in its own policy so that user grants stay checked."
    ),
    "Serverless-LambdaAsyncFailureDestination": (
        "Events that fail every async retry go to the function's dead-letter queue "
        "(DeadLetterConfig); an on-failure destination as well would deliver each one twice. "
        "The EventInvokeConfig exists only to bound retries and event age."
    ),
    "Serverless-SQSRedrivePolicy": (
        "This queue is itself a dead-letter queue: the end of the line for failed messages. A "
        "redrive policy on it would only move them to yet another queue."
    ),
    "Serverless-LambdaEventSourceMappingDestination": (
        "An SQS event source mapping cannot have an on-failure destination (Lambda supports "
        "them only for Kinesis, DynamoDB Streams and Kafka); failed messages go to the source "
        "queue's redrive dead-letter queue instead."
    ),
    "Serverless-LambdaDLQ": (
        "Declared with dead_letter_queue_enabled=False: the function is invoked synchronously "
        "(API, function URL) or by a poller (SQS, streams), never asynchronously, so a "
        "function DLQ would never receive anything. BestLambda-AsyncFailureHandling verifies "
        "at synth that nothing invokes it asynchronously."
    ),
}


def acknowledge(construct: IConstruct, rule_id: str) -> None:
    """Acknowledge a cdk-nag rule on ``construct`` with its reason from :data:`ACK_REASONS`."""
    cdk.Validations.of(construct).acknowledge(
        cdk.Acknowledgment(id=rule_id, reason=ACK_REASONS[rule_id])
    )


def secure_queue(
    scope: Construct,
    construct_id: str,
    *,
    retention_seconds: int,
    fifo: bool = False,
    content_based_deduplication: bool | None = None,
    encryption_key: kms.IKey | None = None,
    visibility_timeout_seconds: int | None = None,
    dead_letter_queue: sqs.DeadLetterQueue | None = None,
) -> sqs.Queue:
    """Create an SQS queue that is encrypted at rest and refuses requests without TLS.

    Encryption is SSE-SQS, or KMS with ``encryption_key``.
    """
    props: dict[str, Any] = {
        "enforce_ssl": True,
        "retention_period": cdk.Duration.seconds(retention_seconds),
    }
    if encryption_key is not None:
        props.update(encryption=sqs.QueueEncryption.KMS, encryption_master_key=encryption_key)
    else:
        props["encryption"] = sqs.QueueEncryption.SQS_MANAGED
    if fifo:
        props["fifo"] = True
        props["content_based_deduplication"] = bool(content_based_deduplication)
    if visibility_timeout_seconds is not None:
        props["visibility_timeout"] = cdk.Duration.seconds(visibility_timeout_seconds)
    if dead_letter_queue is not None:
        props["dead_letter_queue"] = dead_letter_queue
    return sqs.Queue(scope, construct_id, **props)


def alarm(
    scope: Construct,
    construct_id: str,
    *,
    metric: cloudwatch.IMetric,
    threshold: float,
    description: str,
    topic: sns.ITopic | None,
) -> cloudwatch.Alarm:
    """An alarm that fires when ``metric >= threshold`` in one period (missing data is OK)."""
    created = cloudwatch.Alarm(
        scope,
        construct_id,
        metric=metric,
        threshold=threshold,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=description,
    )
    if topic is not None:
        created.add_alarm_action(cloudwatch_actions.SnsAction(topic))
    return created
