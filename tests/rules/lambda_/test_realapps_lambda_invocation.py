"""The invocation rules over the real templates of tests/data/realapps (verified by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.lambda_ import (
    async_failure_handling,
    function_url_auth,
    public_invoke_permission,
    recursive_loop,
)
from best_lambda.rules.model import Rule, Status
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"
C, NC, NA = Status.COMPLIANT, Status.NON_COMPLIANT, Status.NOT_APPLICABLE

ASYNC = async_failure_handling.RULE
LOOP = recursive_loop.RULE
URL = function_url_auth.RULE
PUBLIC = public_invoke_permission.RULE

EXPECTED: list[tuple[Rule, str, str, Status]] = [
    # S3 notification, no DLQ or destination.
    (ASYNC, "cfn-s3-lambda-trigger-json", "S3TriggerLambdaFunction", NC),
    # Function DLQ (DeadLetterQueue); the scheduler's own DLQ is not what makes it compliant.
    (ASYNC, "scheduler-lambda-dlq", "ScheduledFunction", C),
    (ASYNC, "sns-lambda-python-sam", "ProcessorFunction", NC),
    # Four EventBridge pattern rules and a schedule, no DLQ.
    (ASYNC, "cw-auto-alarms", "CloudWatchAutoAlarmsLambdaFunction", NC),
    # Pollers and synchronous callers.
    (ASYNC, "sqs-lambda-python", "ProcessorFunction", NA),
    (ASYNC, "kinesis-error-handling", "KinesisDataStreamProcessor", NA),
    (ASYNC, "kinesis-lambda-ddb-test", "RecordProcessorFunction", NA),
    (ASYNC, "httpapi-observability", "SampleFunction", NA),
    (ASYNC, "alb-cognito-lambda", "LambdaFunction", NA),
    (ASYNC, "apigw-sqs-lambda-sqs", "ProcessInputQueue", NA),
    (ASYNC, "apigw-sqs-lambda-sqs", "WriteTestResult", NA),
    # AmazonSQSFullAccess lets the InputQueue consumer send to InputQueue.
    (LOOP, "apigw-sqs-lambda-sqs", "ProcessInputQueue", NC),
    # Consumes OutputQueue and InputQueueDLQ, writes only to DynamoDB.
    (LOOP, "apigw-sqs-lambda-sqs", "WriteTestResult", C),
    # Its role only writes logs.
    (LOOP, "cfn-s3-lambda-trigger-json", "S3TriggerLambdaFunction", C),
    (LOOP, "sns-lambda-python-sam", "ProcessorFunction", C),
    # Sends only to its dead-letter queue, not to the queue it consumes.
    (LOOP, "sqs-lambda-python", "ProcessorFunction", C),
    (LOOP, "cw-auto-alarms", "CloudWatchAutoAlarmsLambdaFunction", NA),
    (LOOP, "alb-cognito-lambda", "LambdaFunction", NA),
    (LOOP, "kinesis-error-handling", "KinesisDataStreamProcessor", NA),
    (URL, "httpapi-observability", "SampleFunction", NA),
    (URL, "alb-cognito-lambda", "LambdaFunction", NA),
    # SourceArn and SourceAccount.
    (PUBLIC, "cfn-s3-lambda-trigger-json", "LambdaInvokePermission", C),
    # SAM adds SourceArn.
    (PUBLIC, "sns-lambda-python-sam", "ProcessorFunctionProcessingEventPermission", C),
    (PUBLIC, "httpapi-observability", "SampleFunctionAllEventsPermission", C),
    (PUBLIC, "cw-auto-alarms", "LambdaInvokePermissionCloudwatchEventsEC2", C),
    (PUBLIC, "cw-auto-alarms", "CloudWatchAutoAlarmPermissionForEventsToInvokeLambda", C),
    # elasticloadbalancing.amazonaws.com without SourceArn (the target group).
    (PUBLIC, "alb-cognito-lambda", "LambdaFunctionInvokePermission", NC),
]


def _index(name: str) -> TemplateIndex:
    return TemplateIndex(json.loads((REALAPPS / f"{name}.json").read_text()), name=name)


@pytest.mark.parametrize(
    ("rule", "template", "logical_id", "expected"),
    EXPECTED,
    ids=[f"{r.id}-{t}-{lid}" for r, t, lid, _ in EXPECTED],
)
def test_realapps(rule: Rule, template: str, logical_id: str, expected: Status):
    index = _index(template)
    resource = index.get(logical_id)
    assert resource is not None
    outcome = judge(rule, resource, index, OPTIONS)
    assert outcome.status is expected, outcome


@pytest.mark.parametrize("rule", [ASYNC, LOOP, URL, PUBLIC], ids=lambda r: r.id)
def test_realapps_never_unknown(rule: Rule):
    """Every resource of every real template is decided (nothing is left unknown)."""
    for path in sorted(REALAPPS.glob("*.json")):
        index = _index(path.stem)
        for rtype in rule.resource_types:
            for resource in index.of_type(rtype):
                outcome = judge(rule, resource, index, OPTIONS)
                assert outcome.status is not Status.UNKNOWN, (path.stem, resource.logical_id)
