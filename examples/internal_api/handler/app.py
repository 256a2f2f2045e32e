"""Return the current price of a product (synchronous: a function URL calls it)."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

logger = logging.getLogger()
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))

PRICES = {"sku-1": 1299, "sku-2": 2499}


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    sku = (event.get("queryStringParameters") or {}).get("sku", "")
    if sku not in PRICES:
        logger.info("unknown sku", extra={"sku": sku})
        return {"statusCode": 404, "body": json.dumps({"error": f"unknown sku {sku!r}"})}
    return {"statusCode": 200, "body": json.dumps({"sku": sku, "cents": PRICES[sku]})}
