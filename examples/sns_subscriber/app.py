#!/usr/bin/env python3
"""An asynchronous SNS subscriber with failure handling on both hops.

SNS delivers to Lambda asynchronously: events the function fails on (after its bounded
retries) land in the function's dead-letter queue; messages SNS cannot deliver at all land
in the subscription's dead-letter queue. Every alarm goes to a KMS-encrypted topic.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import cdk_nag
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from best_lambda import BestLambdaChecks, HardenedFunction


def build_app(app: cdk.App | None = None) -> cdk.App:
    app = app or cdk.App()
    stack = cdk.Stack(app, "ShipmentNotifications")
    key = kms.Key(stack, "TopicKey", enable_key_rotation=True)
    key.grant(
        iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
    )
    shipments = sns.Topic(stack, "Shipments", master_key=key, enforce_ssl=True)
    alarms = sns.Topic(stack, "Alarms", master_key=key, enforce_ssl=True)

    notify = HardenedFunction(
        stack,
        "NotifyCustomer",
        code=lambda_.Code.from_asset(str(Path(__file__).parent / "handler")),
        handler="app.handler",
        alarm_topic=alarms,
    )
    undeliverable = sqs.Queue(
        stack,
        "Undeliverable",
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        enforce_ssl=True,
        retention_period=cdk.Duration.days(14),
    )
    for rule_id, reason in (
        (
            "AwsSolutions-SQS3",
            "This queue is an SNS subscription's dead-letter queue "
            "(cdk-nag#1990: such DLQs are not recognised).",
        ),
        ("Serverless-SQSRedrivePolicy", "A dead-letter queue needs no dead-letter queue."),
    ):
        cdk.Validations.of(undeliverable).acknowledge(cdk.Acknowledgment(id=rule_id, reason=reason))
    undeliverable_alarm = cloudwatch.Alarm(
        stack,
        "UndeliverableAlarm",
        metric=undeliverable.metric_approximate_number_of_messages_visible(
            period=cdk.Duration.minutes(5), statistic="Maximum"
        ),
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        alarm_description="SNS could not deliver shipment events to NotifyCustomer.",
    )
    undeliverable_alarm.add_alarm_action(cloudwatch_actions.SnsAction(alarms))
    shipments.add_subscription(
        subscriptions.LambdaSubscription(notify, dead_letter_queue=undeliverable)
    )
    cdk.Validations.of(app).add_plugins(
        cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app), BestLambdaChecks(app)
    )
    return app


if __name__ == "__main__":
    build_app().synth()
