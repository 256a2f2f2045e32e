#!/usr/bin/env python3
"""A synchronous HardenedFunction behind an IAM-authenticated function URL.

Nothing invokes it asynchronously, so it declares ``dead_letter_queue_enabled=False``: no
DLQ, no async retry settings. Reserved concurrency caps what it can cost and take from the
account's pool.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import cdk_nag
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns

from best_lambda import AlarmDefaults, BestLambdaChecks, HardenedFunction

#: The platform team's pager topic, owned by another stack.
PAGER_TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:platform-pager"


def build_app(app: cdk.App | None = None) -> cdk.App:
    app = app or cdk.App()
    stack = cdk.Stack(app, "InternalApi")
    # Set once for the whole app: every best-lambda construct's alarms page the platform team.
    AlarmDefaults.of(app).notify(sns.Topic.from_topic_arn(stack, "Pager", PAGER_TOPIC_ARN))
    lookup = HardenedFunction(
        stack,
        "PriceLookup",
        code=lambda_.Code.from_asset(str(Path(__file__).parent / "handler")),
        handler="app.handler",
        timeout=cdk.Duration.seconds(5),
        memory_size=256,
        reserved_concurrent_executions=20,
        dead_letter_queue_enabled=False,
    )
    url = lookup.add_function_url(auth_type=lambda_.FunctionUrlAuthType.AWS_IAM)
    cdk.CfnOutput(stack, "PriceLookupUrl", value=url.url)
    cdk.Validations.of(app).add_plugins(
        cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app), BestLambdaChecks(app)
    )
    return app


if __name__ == "__main__":
    build_app().synth()
