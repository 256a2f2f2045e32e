"""Render a receipt when an order is paid (EventBridge 'OrderPaid' event, async invoke).

Idempotent: the receipt is written with a condition on the order ID, so Lambda's async
retries (and EventBridge's at-least-once delivery) never produce two receipts.
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

# Created once per execution environment and reused across invocations.
_table = boto3.resource("dynamodb").Table(os.environ["RECEIPTS_TABLE_NAME"])
_secrets = boto3.client("secretsmanager")
_provider_key: str | None = None


def _payment_provider_key() -> str:
    """Fetch the provider's API key once per environment (only its ARN is in the env)."""
    global _provider_key  # noqa: PLW0603 - a per-environment cache is the point
    if _provider_key is None:
        arn = os.environ["PAYMENT_PROVIDER_KEY_SECRET_ARN"]
        _provider_key = _secrets.get_secret_value(SecretId=arn)["SecretString"]
    return _provider_key


def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    detail = event["detail"]
    order_id = str(detail["orderId"])
    lines = detail.get("lines", [])
    total = sum(Decimal(str(line["price"])) * int(line["quantity"]) for line in lines)
    _payment_provider_key()  # would sign the provider's receipt API call
    try:
        _table.put_item(
            Item={"orderId": order_id, "total": total, "lines": json.dumps(lines)},
            ConditionExpression="attribute_not_exists(orderId)",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        logger.info("receipt already rendered", extra={"orderId": order_id})
        return {"orderId": order_id, "status": "duplicate"}
    logger.info("receipt rendered", extra={"orderId": order_id, "total": str(total)})
    return {"orderId": order_id, "status": "rendered"}
