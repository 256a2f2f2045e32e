"""The IAM rules on the real templates of tests/data/realapps.

Each expectation was checked by hand against the template (see SOURCES.md). Every IAM role,
policy and managed policy of the ten templates is listed, so a new misfire fails a test.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.iam import no_admin_policies, no_wildcard_permissions, shared_role
from best_lambda.rules.model import Result, Rule, Status
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"
WILDCARD = no_wildcard_permissions.RULE
ADMIN = no_admin_policies.RULE
SHARED = shared_role.RULE
RULES = (WILDCARD, ADMIN, SHARED)
NC, OK, NA = Status.NON_COMPLIANT, Status.COMPLIANT, Status.NOT_APPLICABLE

# The Lambda execution role of each template's function(s); each is used by one function.
LAMBDA_ROLES = [
    ("alb-cognito-lambda", "MyLambdaFunctionPermission"),
    ("apigw-sqs-lambda-sqs", "ProcessInputQueueRole"),
    ("apigw-sqs-lambda-sqs", "WriteTestResultRole"),
    ("cfn-s3-lambda-trigger-json", "LambdaIAMRole"),
    ("cw-auto-alarms", "CloudWatchAutoAlarmLambdaRole"),
    ("httpapi-observability", "SampleFunctionRole"),
    ("kinesis-error-handling", "KinesisDataStreamProcessorRole"),
    ("kinesis-lambda-ddb-test", "RecordProcessorFunctionRole"),
    ("scheduler-lambda-dlq", "ScheduledFunctionRole"),
    ("sns-lambda-python-sam", "ProcessorFunctionRole"),
    ("sqs-lambda-python", "ProcessorFunctionRole"),
]
# Roles assumed by another service (API Gateway, EventBridge Scheduler).
OTHER_ROLES = [
    ("apigw-sqs-lambda-sqs", "ApiProcessInputQueuesendmessageRole"),
    ("scheduler-lambda-dlq", "SchedulerRole"),
]

EXPECTED: dict[tuple[Rule, str, str], tuple[Status, set[str]]] = {
    **{(SHARED, t, r): (OK, set()) for t, r in LAMBDA_ROLES},
    **{(rule, t, r): (NA, set()) for t, r in OTHER_ROLES for rule in RULES},
    **{(WILDCARD, t, r): (OK, set()) for t, r in LAMBDA_ROLES},
    **{(ADMIN, t, r): (OK, set()) for t, r in LAMBDA_ROLES},
    # cw-auto-alarms: rds:ListTagsForResource supports resource-level permissions but is
    # granted on "*"; its cloudwatch:ListMetrics, cloudwatch:DescribeAlarms (listing needs
    # "*") and ec2:DescribeInstances/DescribeImages on "*" pass.
    (WILDCARD, "cw-auto-alarms", "CloudWatchAutoAlarmLambdaRole"): (
        NC,
        {"Resource::*:rds:ListTagsForResource"},
    ),
    # ManagedPolicyArns: arn:aws:iam::aws:policy/AdministratorAccess.
    (ADMIN, "alb-cognito-lambda", "MyLambdaFunctionPermission"): (
        NC,
        {"Policy::AdministratorAccess"},
    ),
    # ManagedPolicyArns include arn:aws:iam::aws:policy/AmazonSQSFullAccess: sqs:* on "*",
    # a wildcard permission (not an administrator policy).
    (WILDCARD, "apigw-sqs-lambda-sqs", "ProcessInputQueueRole"): (
        NC,
        {"Policy::AmazonSQSFullAccess"},
    ),
}


@cache
def _index(template: str) -> TemplateIndex:
    return TemplateIndex(json.loads((REALAPPS / f"{template}.json").read_text()), name=template)


def _judge(rule: Rule, template: str, logical_id: str) -> Result:
    index = _index(template)
    resource = index.get(logical_id)
    assert resource is not None, (template, logical_id)
    return judge(rule, resource, index, OPTIONS)


@pytest.mark.parametrize(
    ("rule", "template", "logical_id"),
    sorted(EXPECTED, key=lambda k: (k[0].id, k[1], k[2])),
    ids=lambda v: v.id if isinstance(v, Rule) else v,
)
def test_realapps(rule: Rule, template: str, logical_id: str):
    status, suffixes = EXPECTED[(rule, template, logical_id)]
    outcome = _judge(rule, template, logical_id)
    assert outcome.status is status, outcome
    assert {f.suffix for f in outcome.findings if f.suffix} == suffixes


def test_every_iam_resource_of_the_realapps_is_expected():
    seen = {
        (rule, path.stem, resource.logical_id)
        for path in sorted(REALAPPS.glob("*.json"))
        for rule in RULES
        for rtype in rule.resource_types
        for resource in _index(path.stem).of_type(rtype)
    }
    assert seen == set(EXPECTED)
