#!/usr/bin/env python3
"""An SQS worker: QueueConsumer sizes the queue, its DLQ and the function together.

The visibility timeout (6 x 20 s + 2 s window = 122 s), the redrive policy, partial batch
responses, the poller's concurrency cap and the alarms all come from QueueConsumer. The
handler shows partial batch responses and idempotent processing.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import cdk_nag
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns

from best_lambda import AlarmDefaults, BestLambdaChecks, HardenedFunctionOptions, QueueConsumer


def build_app(app: cdk.App | None = None) -> cdk.App:
    app = app or cdk.App()
    stack = cdk.Stack(app, "LoyaltyWorker")
    # One place decides who is paged: every best-lambda construct in the stack uses it.
    key = kms.Key(stack, "AlarmKey", enable_key_rotation=True)
    key.grant(
        iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
    )
    AlarmDefaults.of(stack).notify(sns.Topic(stack, "Alarms", master_key=key, enforce_ssl=True))
    pitr = dynamodb.PointInTimeRecoverySpecification(point_in_time_recovery_enabled=True)
    claims = dynamodb.TableV2(
        stack,
        "Idempotency",
        partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
        time_to_live_attribute="expiration",
        point_in_time_recovery_specification=pitr,
    )
    points = dynamodb.TableV2(
        stack,
        "Points",
        partition_key=dynamodb.Attribute(name="customerId", type=dynamodb.AttributeType.STRING),
        point_in_time_recovery_specification=pitr,
    )
    worker = QueueConsumer(
        stack,
        "AwardPoints",
        function_options=HardenedFunctionOptions(
            code=lambda_.Code.from_asset(str(Path(__file__).parent / "handler")),
            handler="app.handler",
            timeout=cdk.Duration.seconds(20),
            environment={
                "IDEMPOTENCY_TABLE_NAME": claims.table_name,
                "POINTS_TABLE_NAME": points.table_name,
            },
        ),
        batch_size=25,
        max_batching_window=cdk.Duration.seconds(2),
        max_concurrency=10,  # protect the Points table's write capacity
    )
    claims.grant_read_write_data(worker.function)
    points.grant_write_data(worker.function)
    cdk.CfnOutput(stack, "QueueUrl", value=worker.queue.queue_url)
    cdk.Validations.of(app).add_plugins(
        cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app), BestLambdaChecks(app)
    )
    return app


if __name__ == "__main__":
    build_app().synth()
