#!/usr/bin/env python3
"""An asynchronous SNS subscriber with failure handling on both hops.

SNS delivers to Lambda asynchronously: events the function fails on (after its bounded
retries) land in the function's dead-letter queue; messages SNS cannot deliver at all land
in the subscription's dead-letter queue. ``TopicSubscriber`` wires an existing function to
an existing topic with both; every alarm goes to a KMS-encrypted topic.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import cdk_nag
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns

from best_lambda import AlarmDefaults, BestLambdaChecks, HardenedFunction, TopicSubscriber


def build_app(app: cdk.App | None = None) -> cdk.App:
    app = app or cdk.App()
    stack = cdk.Stack(app, "ShipmentNotifications")
    key = kms.Key(stack, "TopicKey", enable_key_rotation=True)
    key.grant(
        iam.ServicePrincipal("cloudwatch.amazonaws.com"), "kms:Decrypt", "kms:GenerateDataKey*"
    )
    shipments = sns.Topic(stack, "Shipments", master_key=key, enforce_ssl=True)
    # Every alarm below (the function's and the subscription's) notifies this topic.
    AlarmDefaults.of(stack).notify(sns.Topic(stack, "Alarms", master_key=key, enforce_ssl=True))

    notify = HardenedFunction(
        stack,
        "NotifyCustomer",
        code=lambda_.Code.from_asset(str(Path(__file__).parent / "handler")),
        handler="app.handler",
    )
    # The subscription, its dead-letter queue (encrypted, TLS-only, acknowledged for the
    # cdk-nag findings a DLQ raises) and its alarms: one construct, on the existing topic.
    TopicSubscriber(stack, "ShipmentNotifications", function=notify, topic=shipments)
    cdk.Validations.of(app).add_plugins(
        cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app), BestLambdaChecks(app)
    )
    return app


if __name__ == "__main__":
    build_app().synth()
