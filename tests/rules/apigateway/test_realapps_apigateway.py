"""BestLambda-ApiTimeout over the real templates of tests/data/realapps (verified by hand)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.apigateway.api_timeout import RULE
from best_lambda.rules.engine import judge
from best_lambda.rules.model import Status
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"

EXPECTED = [
    # Timeout 100 behind an HTTP API (SAM: OpenAPI Body integration and a permission).
    ("httpapi-observability", "SampleFunction", Status.NON_COMPLIANT),
    # The REST API integrates SQS directly: its consumer is not behind API Gateway.
    ("apigw-sqs-lambda-sqs", "ProcessInputQueue", Status.NOT_APPLICABLE),
    ("apigw-sqs-lambda-sqs", "WriteTestResult", Status.NOT_APPLICABLE),
    # Behind an ALB, not API Gateway.
    ("alb-cognito-lambda", "LambdaFunction", Status.NOT_APPLICABLE),
    ("cw-auto-alarms", "CloudWatchAutoAlarmsLambdaFunction", Status.NOT_APPLICABLE),
    ("sns-lambda-python-sam", "ProcessorFunction", Status.NOT_APPLICABLE),
]


def _index(name: str) -> TemplateIndex:
    return TemplateIndex(json.loads((REALAPPS / f"{name}.json").read_text()), name=name)


@pytest.mark.parametrize(("template", "logical_id", "expected"), EXPECTED)
def test_realapps(template: str, logical_id: str, expected: Status):
    index = _index(template)
    resource = index.get(logical_id)
    assert resource is not None
    outcome = judge(RULE, resource, index, OPTIONS)
    assert outcome.status is expected, outcome
    if expected is Status.NON_COMPLIANT:
        assert "Timeout is 100 s" in outcome.findings[0].message


def test_realapps_only_httpapi_observability_is_flagged():
    flagged = []
    for path in sorted(REALAPPS.glob("*.json")):
        index = _index(path.stem)
        for resource in index.of_type("AWS::Lambda::Function"):
            outcome = judge(RULE, resource, index, OPTIONS)
            assert outcome.status is not Status.UNKNOWN, (path.stem, resource.logical_id)
            if outcome.status is Status.NON_COMPLIANT:
                flagged.append((path.stem, resource.logical_id))
    assert flagged == [("httpapi-observability", "SampleFunction")]
