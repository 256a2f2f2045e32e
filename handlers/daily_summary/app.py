"""Publish yesterday's receipt totals as a CloudWatch metric (nightly schedule)."""

from __future__ import annotations

import logging
import os
from decimal import Decimal
from typing import Any

import boto3

logger = logging.getLogger()
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))

_table = boto3.resource("dynamodb").Table(os.environ["RECEIPTS_TABLE_NAME"])
_cloudwatch = boto3.client("cloudwatch")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    count, revenue = 0, Decimal(0)
    scan: dict[str, Any] = {
        "ProjectionExpression": "orderId, #t",
        "ExpressionAttributeNames": {"#t": "total"},
    }
    while True:
        page = _table.scan(**scan)
        for item in page["Items"]:
            count += 1
            revenue += Decimal(str(item["total"]))
        if "LastEvaluatedKey" not in page:
            break
        scan["ExclusiveStartKey"] = page["LastEvaluatedKey"]
    _cloudwatch.put_metric_data(
        Namespace=os.environ["POWERTOOLS_METRICS_NAMESPACE"],
        MetricData=[
            {"MetricName": "Receipts", "Value": count, "Unit": "Count"},
            {"MetricName": "Revenue", "Value": float(revenue), "Unit": "None"},
        ],
    )
    logger.info("daily summary", extra={"receipts": count, "revenue": str(revenue)})
    return {"receipts": count, "revenue": str(revenue)}
