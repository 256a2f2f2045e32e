#!/usr/bin/env python3
"""Receipts: a small, real serverless app built with best-lambda.

* ``OrderPaid`` events on the default EventBridge bus trigger ``RenderReceipt`` through an
  ``EventRuleHandler`` (asynchronous: events EventBridge could not deliver land in the
  target's dead-letter queue, events the function failed on in its own), which stores the
  receipt in DynamoDB and reads a payment-provider key from Secrets Manager (only the ARN is
  in its environment). Customers see its receipts, so it deploys through a canary: the rule
  invokes its ``live`` alias, CodeDeploy gives a new version 10 % of the events for 5
  minutes and rolls it back if its Errors or Duration alarm fires.
* The same events also go to the ``TrackRevenue`` queue; a ``QueueConsumer`` adds each order
  to its day's revenue exactly once (partial batch responses, idempotent update).
* EventBridge Scheduler runs ``DailySummary`` every night (a ``ScheduledFunction``); it
  publishes receipt totals as CloudWatch metrics.
* Every alarm notifies one KMS-encrypted SNS topic (``AlarmDefaults``, set once).

``cdk synth`` runs every check: CloudFormation validation (strict, via cdk.json), cdk-nag's
AwsSolutions and Serverless packs, and best-lambda's own BestLambda pack. The only
acknowledgements here are for resources this app owns, each with its reason; the ones for
the functions, queues and triggers come with the best-lambda constructs.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import cdk_nag
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as events_targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from constructs import Construct

from best_lambda import (
    AlarmDefaults,
    BestLambdaChecks,
    EventRuleHandler,
    HardenedFunction,
    HardenedFunctionOptions,
    QueueConsumer,
    SafeDeployment,
    ScheduledFunction,
)

HANDLERS = Path(__file__).parent / "handlers"


class ReceiptsStack(cdk.Stack):
    """Receipt rendering and a nightly summary, with alarms."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]

        alarm_key = kms.Key(
            self, "AlarmKey", enable_key_rotation=True, description="Encrypts the alarm topic"
        )
        # CloudWatch must be able to publish to a topic encrypted with a customer key.
        alarm_key.grant(
            iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
        )
        alarm_topic = sns.Topic(self, "AlarmTopic", master_key=alarm_key, enforce_ssl=True)
        # Every best-lambda construct below sends its alarms here.
        AlarmDefaults.of(self).notify(alarm_topic)

        receipts = dynamodb.TableV2(
            self,
            "Receipts",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
        )
        provider_key = secretsmanager.Secret(
            self, "PaymentProviderKey", description="API key issued by the payment provider"
        )
        cdk.Validations.of(provider_key).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-SMG4",
                reason="The payment provider issues and rotates this key in its own dashboard; "
                "our runbook writes each new key here. There is no rotation Lambda to run.",
            )
        )

        render = HardenedFunction(
            self,
            "RenderReceipt",
            code=lambda_.Code.from_asset(str(HANDLERS / "render_receipt")),
            handler="app.handler",
            timeout=cdk.Duration.seconds(15),
            environment={"RECEIPTS_TABLE_NAME": receipts.table_name},
            secrets={"PAYMENT_PROVIDER_KEY_SECRET_ARN": provider_key},
            service_name="receipts",
            deployment=SafeDeployment(),  # alias 'live', canary 10 % for 5 min, rollback
        )
        receipts.grant_write_data(render)
        revenue = QueueConsumer(
            self,
            "TrackRevenue",
            function_options=HardenedFunctionOptions(
                code=lambda_.Code.from_asset(str(HANDLERS / "track_revenue")),
                handler="app.handler",
                timeout=cdk.Duration.seconds(20),
                environment={"RECEIPTS_TABLE_NAME": receipts.table_name},
                service_name="revenue",
            ),
            batch_size=50,
            max_batching_window=cdk.Duration.seconds(5),
            max_concurrency=5,
        )
        receipts.grant_read_write_data(revenue.function)
        # EventBridge -> RenderReceipt: bounded target retries, a target dead-letter queue
        # for events EventBridge could not deliver, the function's own for events it failed
        # on, alarms on both; the revenue queue is a second target of the same rule.
        paid = EventRuleHandler(
            self,
            "OrderPaid",
            event_pattern=events.EventPattern(source=["shop.orders"], detail_type=["OrderPaid"]),
            function=render,
            retry_attempts=4,
            max_event_age=cdk.Duration.hours(2),
        )
        paid.rule.add_target(
            events_targets.SqsQueue(revenue.queue, dead_letter_queue=paid.dead_letter_queue)
        )

        # EventBridge Scheduler -> DailySummary, through a role that may invoke it alone.
        nightly = ScheduledFunction(
            self,
            "DailySummary",
            schedule=scheduler.ScheduleExpression.cron(minute="15", hour="2"),
            description="Publish yesterday's receipt totals",
            function_options=HardenedFunctionOptions(
                code=lambda_.Code.from_asset(str(HANDLERS / "daily_summary")),
                handler="app.handler",
                timeout=cdk.Duration.minutes(2),
                memory_size=1024,
                environment={"RECEIPTS_TABLE_NAME": receipts.table_name},
                service_name="daily-summary",
                metrics_namespace="Receipts",
            ),
        )
        receipts.grant_read_data(nightly.function)
        summary_role = nightly.function.role
        assert summary_role is not None
        metrics_policy = iam.Policy(
            self,
            "DailySummaryMetrics",
            roles=[summary_role],
            statements=[
                iam.PolicyStatement(
                    actions=["cloudwatch:PutMetricData"],
                    resources=["*"],
                    conditions={"StringEquals": {"cloudwatch:namespace": "Receipts"}},
                )
            ],
        )
        cdk.Validations.of(metrics_policy).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-IAM5[Resource::*]",
                reason="cloudwatch:PutMetricData supports no resource-level permissions; the "
                "statement is limited to the Receipts namespace by condition instead.",
            )
        )


def build_app(app: cdk.App | None = None) -> cdk.App:
    """Create the app with every check on (used by ``cdk synth`` and by the tests)."""
    app = app or cdk.App()
    stack = ReceiptsStack(app, "Receipts", description="Receipts service (best-lambda example app)")
    checks = [
        cdk_nag.AwsSolutionsChecks(app, verbose=True),
        cdk_nag.ServerlessChecks(app, verbose=True),
        BestLambdaChecks(app, verbose=True),
    ]
    cdk.Validations.of(app).add_plugins(*checks)
    # Recorded in the cloud assembly so that the synth summary can say what ran.
    stack.node.add_metadata("best-lambda:checks", [f"{c.name} (cdk-nag 3 pack)" for c in checks])
    return app


if __name__ == "__main__":
    build_app().synth()
