"""Make a thumbnail of each uploaded photo, then announce it; index receipts from a queue."""

from __future__ import annotations

import json
import logging
import os
from typing import Any
from urllib.parse import unquote_plus

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))
s3 = boto3.client("s3")
sns = boto3.client("sns")


def handler(event: dict[str, Any], context: Any) -> None:
    """S3 invokes this asynchronously; raising sends the event to the function's DLQ."""
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        photo = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        # A real handler would resize here; the output prefix is the only place it may write.
        target = os.environ["OUTPUT_PREFIX"] + key.removeprefix("uploads/")
        s3.put_object(Bucket=bucket, Key=target, Body=photo[:1024])
        sns.publish(
            TopicArn=os.environ["READY_TOPIC_ARN"],
            Message=json.dumps({"bucket": bucket, "thumbnail": target}),
        )


def index_receipts(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """SQS batches of S3 events: report the records that failed, not the whole batch."""
    failures = []
    for message in event["Records"]:
        try:
            notification = json.loads(message["body"])
            for record in notification.get("Records", []):
                logger.info("index receipt", extra={"key": record["s3"]["object"]["key"]})
        except (KeyError, ValueError):
            failures.append({"itemIdentifier": message["messageId"]})
    return {"batchItemFailures": failures}
