"""Add each paid order to its day's revenue, exactly once (SQS consumer, partial batches).

The day's item keeps the set of order IDs already counted; the conditional update adds the
amount only when the order is not in it yet, so a re-delivered message changes nothing.
"""

from __future__ import annotations

import json
import logging
import os
from decimal import Decimal
from typing import Any

import boto3
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))

_table = boto3.resource("dynamodb").Table(os.environ["RECEIPTS_TABLE_NAME"])


def _count(event: dict[str, Any]) -> None:
    detail = event["detail"]
    order_id = str(detail["orderId"])
    day = event["time"][:10]
    amount = sum(
        Decimal(str(line["price"])) * int(line["quantity"]) for line in detail.get("lines", [])
    )
    try:
        _table.update_item(
            Key={"orderId": f"revenue#{day}"},
            UpdateExpression="ADD revenue :amount, orders :one, counted :ids",
            ConditionExpression="attribute_not_exists(counted) OR NOT contains(counted, :id)",
            ExpressionAttributeValues={
                ":amount": amount,
                ":one": 1,
                ":ids": {order_id},
                ":id": order_id,
            },
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        logger.info("order already counted", extra={"orderId": order_id})


def handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            _count(json.loads(record["body"]))
        except Exception:
            logger.exception("record failed", extra={"messageId": record["messageId"]})
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
