#!/usr/bin/env python3
"""Photo uploads: S3 object events and an SNS topic, each wired by one construct.

* ``MakeThumbnails`` (a ``BucketProcessor``) is invoked for every ``uploads/*.jpg`` of a new
  encrypted, access-logged bucket. It may read those keys and write under ``thumbnails/``
  only, so its own writes can never invoke it again; a later ``grant_write`` that overlaps
  ``uploads/`` would fail ``cdk synth``.
* ``IndexReceipts`` (another ``BucketProcessor``, ``through_queue=True``) takes the PDFs of
  ``receipts/`` through an SQS queue: retried by the queue, with partial batch responses.
* ``NotifyOwner`` (a ``TopicSubscriber``) receives the ``ThumbnailReady`` messages that
  ``MakeThumbnails`` publishes: SNS delivery failures land in the subscription's
  dead-letter queue, the function's own failures in its dead-letter queue.

No dead-letter queue, acknowledgement or alarm is written by hand; every alarm goes to one
KMS-encrypted topic.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import cdk_nag
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns

from best_lambda import (
    AlarmDefaults,
    BestLambdaChecks,
    BucketProcessor,
    HardenedFunctionOptions,
    QueueConsumerOptions,
    TopicSubscriber,
)

HERE = Path(__file__).parent


def build_app(app: cdk.App | None = None) -> cdk.App:
    app = app or cdk.App()
    stack = cdk.Stack(app, "PhotoUploads")
    key = kms.Key(stack, "AlarmKey", enable_key_rotation=True)
    key.grant(
        iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
    )
    AlarmDefaults.of(stack).notify(sns.Topic(stack, "Alarms", master_key=key, enforce_ssl=True))

    notify = TopicSubscriber(
        stack,
        "NotifyOwner",
        function_options=HardenedFunctionOptions(
            code=lambda_.Code.from_asset(str(HERE / "notify")), handler="app.handler"
        ),
    )
    thumbnails = BucketProcessor(
        stack,
        "MakeThumbnails",
        prefix="uploads/",
        suffix=".jpg",
        output_prefix="thumbnails/",
        function_options=HardenedFunctionOptions(
            code=lambda_.Code.from_asset(str(HERE / "thumbnail")),
            handler="app.handler",
            timeout=cdk.Duration.seconds(30),
            memory_size=1024,
            environment={"OUTPUT_PREFIX": "thumbnails/", "READY_TOPIC_ARN": notify.topic.topic_arn},
        ),
    )
    notify.topic.grant_publish(thumbnails)  # the processor is grantable, like its function
    BucketProcessor(
        stack,
        "IndexReceipts",
        bucket=thumbnails.bucket,
        prefix="receipts/",
        suffix=".pdf",
        through_queue=True,
        queue_options=QueueConsumerOptions(batch_size=10, max_concurrency=5),
        function_options=HardenedFunctionOptions(
            code=lambda_.Code.from_asset(str(HERE / "thumbnail")),
            handler="app.index_receipts",
        ),
    )
    cdk.Validations.of(app).add_plugins(
        cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app), BestLambdaChecks(app)
    )
    return app


if __name__ == "__main__":
    build_app().synth()
