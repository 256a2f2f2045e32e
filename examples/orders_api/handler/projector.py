"""Project new orders from the table's stream, reporting partial batch failures.

Each stream record is processed on its own. When one fails, its sequence number is returned
in ``batchItemFailures``: Lambda retries from that record on (records before it are not
processed again), bisects the batch if the function itself fails, and after 10 retries or
an hour sets the records aside in the on-failure queue, which names their shard and
sequence numbers. Processing must be idempotent: a retried record may already be projected.
"""

from __future__ import annotations

import logging
import os
from typing import Any

logger = logging.getLogger()
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))


def _project(image: dict[str, Any]) -> None:
    order_id = image["orderId"]["S"]
    logger.info("order created", extra={"orderId": order_id})


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    failures = []
    for record in event["Records"]:
        try:
            _project(record["dynamodb"]["NewImage"])
        except Exception:
            logger.exception("could not project a record")
            # Stream order matters: report this record; Lambda retries from it on.
            failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
            break
    return {"batchItemFailures": failures}
