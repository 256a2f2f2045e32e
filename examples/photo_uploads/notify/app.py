"""Tell the photo's owner that its thumbnail is ready (SNS invokes this asynchronously)."""

from __future__ import annotations

import json
import logging
import os
from typing import Any

logger = logging.getLogger()
logger.setLevel(os.environ.get("POWERTOOLS_LOG_LEVEL", "INFO"))


def handler(event: dict[str, Any], context: Any) -> None:
    for record in event["Records"]:
        ready = json.loads(record["Sns"]["Message"])
        logger.info("thumbnail ready", extra={"thumbnail": ready["thumbnail"]})
