"""Make a thumbnail of each uploaded image (the *infrastructure* around it is what is wrong)."""

from __future__ import annotations

from typing import Any

import boto3

_s3 = boto3.client("s3")


def handler(event: dict[str, Any], context: Any) -> None:
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        body = _s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        # Writing back into the bucket that triggers this function: a recursive loop.
        _s3.put_object(Bucket=bucket, Key=f"thumbnails/{key}", Body=body[:1024])
