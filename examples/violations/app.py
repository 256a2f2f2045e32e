#!/usr/bin/env python3
"""A legacy app that breaks the practices, to show what enforcement reports.

``cdk synth --app "python examples/violations/app.py"`` fails (exit code 1) with a report
naming, for each finding, the construct path, the rule ID and the fix. The functions are
plain ``aws_lambda.Function`` s: the checks judge every Lambda in the app, not only
best-lambda's.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3_notifications
from aws_cdk import aws_sqs as sqs

from best_lambda.aspects import apply_checks

HANDLER = Path(__file__).parent / "handler"
#: Deprecated since 2025-12-15 (written without the aws-cdk-lib constant, which is itself
#: deprecated).
PYTHON_3_9 = lambda_.Runtime("python3.9", lambda_.RuntimeFamily.PYTHON)


def build_app(app: cdk.App | None = None) -> cdk.App:
    app = app or cdk.App()
    stack = cdk.Stack(app, "LegacyThumbnails")

    uploads = s3.Bucket(stack, "Uploads", enforce_ssl=True)
    thumbnailer = lambda_.Function(
        stack,
        "Thumbnailer",
        code=lambda_.Code.from_asset(str(HANDLER)),
        handler="app.handler",
        runtime=PYTHON_3_9,
        environment={"DB_PASSWORD": "correct-horse-battery-staple"},
    )
    uploads.grant_read_write(thumbnailer)  # s3:PutObject on the bucket that triggers it
    uploads.add_event_notification(
        s3.EventType.OBJECT_CREATED, s3_notifications.LambdaDestination(thumbnailer)
    )
    thumbnailer.role.add_managed_policy(  # type: ignore[union-attr]
        iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")
    )

    jobs = sqs.Queue(stack, "Jobs")  # 30 s visibility, no dead-letter queue
    worker = lambda_.Function(
        stack,
        "Worker",
        code=lambda_.Code.from_asset(str(HANDLER)),
        handler="app.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        timeout=cdk.Duration.seconds(60),
    )
    worker.add_event_source(event_sources.SqsEventSource(jobs, batch_size=10))

    apply_checks(app)
    return app


if __name__ == "__main__":
    build_app().synth()
