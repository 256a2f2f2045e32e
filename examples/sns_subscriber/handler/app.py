"""Send a customer notification for each shipment event published on SNS (async invoke)."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

logger = logging.getLogger()
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))


def handler(event: dict[str, Any], context: Any) -> None:
    for record in event["Records"]:
        shipment = json.loads(record["Sns"]["Message"])
        if "shipmentId" not in shipment:
            # Raising makes Lambda retry, then send the event to the function's DLQ.
            raise ValueError("shipment event without shipmentId")
        logger.info(
            "notify customer",
            extra={"shipmentId": shipment["shipmentId"], "status": shipment.get("status")},
        )
