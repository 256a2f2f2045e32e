"""Award loyalty points for each paid order, one SQS batch at a time.

Two practices in ~60 lines (AWS Powertools' batch and idempotency utilities do the same with
less code; this example needs nothing beyond boto3, which the runtime provides):

* **Partial batch response.** Each record is processed on its own; the IDs of the ones that
  failed are returned in ``batchItemFailures``, so SQS re-delivers only those (the event
  source mapping has ReportBatchItemFailures on). On a FIFO queue, stop at the first failure
  and report it and every later record of the batch, to keep the order.
* **Idempotency.** SQS delivers at least once. Before awarding points, the order is claimed
  in the idempotency table (partition key ``id``, TTL attribute ``expiration``: the layout
  Powertools uses); a second delivery of a completed order is skipped. A claim left
  ``IN_PROGRESS`` by a crashed invocation expires and can be taken over.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))

_dynamodb = boto3.resource("dynamodb")
_claims = _dynamodb.Table(os.environ["IDEMPOTENCY_TABLE_NAME"])
_points = _dynamodb.Table(os.environ["POINTS_TABLE_NAME"])
KEEP_SECONDS = 24 * 3600


def _claim(key: str, in_progress_until: int) -> bool:
    """Take ``key``; False when it is already completed or held by a live invocation."""
    now = int(time.time())
    try:
        _claims.put_item(
            Item={
                "id": key,
                "status": "IN_PROGRESS",
                "until": in_progress_until,
                "expiration": now + KEEP_SECONDS,
            },
            ConditionExpression="attribute_not_exists(id) OR (#s = :p AND #u < :now)",
            ExpressionAttributeNames={"#s": "status", "#u": "until"},
            ExpressionAttributeValues={":p": "IN_PROGRESS", ":now": now},
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    return True


def _award(order: dict[str, Any]) -> None:
    points = int(float(order["total"]))  # one point per currency unit
    _points.update_item(
        Key={"customerId": str(order["customerId"])},
        UpdateExpression="ADD points :p",
        ExpressionAttributeValues={":p": points},
    )


def _process(record: dict[str, Any], context: Any) -> None:
    order = json.loads(record["body"])["detail"]
    key = f"award#{order['orderId']}"
    until = int(time.time()) + context.get_remaining_time_in_millis() // 1000 + 1
    if not _claim(key, until):
        logger.info("already awarded or in progress", extra={"orderId": order["orderId"]})
        return
    try:
        _award(order)
    except Exception:
        _claims.delete_item(Key={"id": key})  # let a retry claim it again
        raise
    _claims.update_item(
        Key={"id": key},
        UpdateExpression="SET #s = :c",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":c": "COMPLETED"},
    )


def handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            _process(record, context)
        except Exception:
            logger.exception("record failed", extra={"messageId": record["messageId"]})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
