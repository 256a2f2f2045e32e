"""The orders API: create an order (HTTP API, payload 2.0), read one (REST API, payload 1.0).

Both answer well inside API Gateway's 29 s: a request that cannot be served quickly fails
fast with a 5xx the client can retry, instead of a 504 while the function keeps running.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

import boto3

_table = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE_NAME"])


def _response(status: int, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }


def create_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    try:
        order = json.loads(event.get("body") or "{}")
        items = [{"sku": str(i["sku"]), "quantity": int(i["quantity"])} for i in order["items"]]
    except (ValueError, KeyError, TypeError):
        return _response(400, {"message": "expected {'items': [{'sku', 'quantity'}]}"})
    # The client may send its own idempotency key; a retry then overwrites, not duplicates.
    order_id = event.get("headers", {}).get("idempotency-key") or str(uuid.uuid4())
    _table.put_item(Item={"orderId": order_id, "items": items, "status": "NEW"})
    return _response(201, {"orderId": order_id})


def get_order(event: dict[str, Any], context: Any) -> dict[str, Any]:
    order_id = (event.get("pathParameters") or {}).get("orderId")
    item = _table.get_item(Key={"orderId": order_id}).get("Item") if order_id else None
    if item is None:
        return _response(404, {"message": "no such order"})
    return _response(200, {"orderId": item["orderId"], "status": item["status"]})
