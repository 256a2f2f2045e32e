"""BestLambda-LogRetention on the real templates of tests/data/realapps.

Each expectation was checked by hand against the template (see SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.logs.log_retention import RULE
from best_lambda.rules.model import Status
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"

EXPECTED: dict[tuple[str, str], tuple[Status, str]] = {
    # SampleFunctionLogGroup: Fn::Sub "/aws/lambda/${SampleFunction}", RetentionInDays 30
    ("httpapi-observability", "SampleFunction"): (Status.COMPLIANT, ""),
    # EventMonitor is named "KinesisDataStreamProcessorLogs": not the function's log group
    ("kinesis-error-handling", "KinesisDataStreamProcessor"): (
        Status.NON_COMPLIANT,
        "Lambda creates /aws/lambda/KinesisDataStreamProcessor on first invocation",
    ),
    # WriteTestResultLogGroup: Fn::Sub "/aws/lambda/${WriteTestResult}", no RetentionInDays
    ("apigw-sqs-lambda-sqs", "WriteTestResult"): (
        Status.NON_COMPLIANT,
        "WriteTestResultLogGroup",
    ),
    ("apigw-sqs-lambda-sqs", "ProcessInputQueue"): (Status.NON_COMPLIANT, "Lambda creates"),
    ("alb-cognito-lambda", "LambdaFunction"): (Status.NON_COMPLIANT, "/aws/lambda/ALBLambda"),
    ("cfn-s3-lambda-trigger-json", "S3TriggerLambdaFunction"): (
        Status.NON_COMPLIANT,
        "Lambda creates",
    ),
    ("cw-auto-alarms", "CloudWatchAutoAlarmsLambdaFunction"): (
        Status.NON_COMPLIANT,
        "/aws/lambda/CloudWatchAutoAlarms",
    ),
    ("kinesis-lambda-ddb-test", "RecordProcessorFunction"): (
        Status.NON_COMPLIANT,
        "Lambda creates",
    ),
    ("scheduler-lambda-dlq", "ScheduledFunction"): (Status.NON_COMPLIANT, "Lambda creates"),
    ("sns-lambda-python-sam", "ProcessorFunction"): (Status.NON_COMPLIANT, "Lambda creates"),
    ("sqs-lambda-python", "ProcessorFunction"): (Status.NON_COMPLIANT, "Lambda creates"),
}


def _index(name: str) -> TemplateIndex:
    return TemplateIndex(json.loads((REALAPPS / f"{name}.json").read_text()), name=name)


def test_every_function_of_every_template_is_listed():
    functions = {
        (path.stem, r.logical_id)
        for path in REALAPPS.glob("*.json")
        for r in _index(path.stem).iter_functions()
    }
    assert functions == set(EXPECTED)


@pytest.mark.parametrize(("template", "logical_id"), sorted(EXPECTED))
def test_realapps(template: str, logical_id: str):
    index = _index(template)
    resource = index.get(logical_id)
    assert resource is not None
    status, fragment = EXPECTED[(template, logical_id)]
    outcome = judge(RULE, resource, index, OPTIONS)
    assert outcome.status is status, outcome
    assert fragment in " ".join(f.message for f in outcome.findings)
