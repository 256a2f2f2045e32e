"""The alarm rules on the real templates of tests/data/realapps.

Each expectation was checked by hand against the template (see SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.cloudwatch import dlq_alarm, error_alarm, iterator_age_alarm
from best_lambda.rules.engine import judge
from best_lambda.rules.model import Rule, Status
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"
ERRORS = error_alarm.RULE
DLQ = dlq_alarm.RULE
AGE = iterator_age_alarm.RULE
NC, OK, NA = Status.NON_COMPLIANT, Status.COMPLIANT, Status.NOT_APPLICABLE
NO_ERRORS_ALARM = "No CloudWatch alarm of this template watches the AWS/Lambda Errors metric"

EXPECTED: dict[tuple[Rule, str, str], tuple[Status, str]] = {
    # SampleFunctionErrorsAlarm: AWS/Lambda Errors, FunctionName {"Ref": "SampleFunction"}.
    (ERRORS, "httpapi-observability", "SampleFunction"): (OK, ""),
    # No other template has a CloudWatch alarm (cw-auto-alarms creates them at run time).
    (ERRORS, "alb-cognito-lambda", "LambdaFunction"): (NC, NO_ERRORS_ALARM),
    (ERRORS, "apigw-sqs-lambda-sqs", "ProcessInputQueue"): (NC, NO_ERRORS_ALARM),
    (ERRORS, "apigw-sqs-lambda-sqs", "WriteTestResult"): (NC, NO_ERRORS_ALARM),
    (ERRORS, "cfn-s3-lambda-trigger-json", "S3TriggerLambdaFunction"): (NC, NO_ERRORS_ALARM),
    (ERRORS, "cw-auto-alarms", "CloudWatchAutoAlarmsLambdaFunction"): (NC, NO_ERRORS_ALARM),
    (ERRORS, "kinesis-error-handling", "KinesisDataStreamProcessor"): (NC, NO_ERRORS_ALARM),
    (ERRORS, "kinesis-lambda-ddb-test", "RecordProcessorFunction"): (NC, NO_ERRORS_ALARM),
    (ERRORS, "scheduler-lambda-dlq", "ScheduledFunction"): (NC, NO_ERRORS_ALARM),
    (ERRORS, "sns-lambda-python-sam", "ProcessorFunction"): (NC, NO_ERRORS_ALARM),
    (ERRORS, "sqs-lambda-python", "ProcessorFunction"): (NC, NO_ERRORS_ALARM),
    # Dead-letter queues (none has an alarm) and the queues that are not one.
    (DLQ, "sqs-lambda-python", "ProcessingDLQ"): (
        NC,
        "Queue ProcessingDLQ is the dead-letter queue of function ProcessorFunction",
    ),
    (DLQ, "sqs-lambda-python", "ProcessingQueue"): (NA, ""),
    (DLQ, "scheduler-lambda-dlq", "LambdaExecutionDLQ"): (
        NC,
        "dead-letter queue of function ScheduledFunction",
    ),
    (DLQ, "scheduler-lambda-dlq", "SchedulerDLQ"): (NC, "dead-letter queue of schedule"),
    (DLQ, "apigw-sqs-lambda-sqs", "InputQueueDLQ"): (NC, "redrive target of queue InputQueue"),
    (DLQ, "apigw-sqs-lambda-sqs", "OutputQueueDLQ"): (NC, "redrive target of queue OutputQueue"),
    (DLQ, "apigw-sqs-lambda-sqs", "InputQueue"): (NA, ""),
    (DLQ, "apigw-sqs-lambda-sqs", "OutputQueue"): (NA, ""),
    (DLQ, "kinesis-error-handling", "AnomalyDataQueue"): (
        NC,
        "event source mapping on-failure destination "
        "(KinesisDataStreamProcessorDataActivityKinesisEvent)",
    ),
    # Stream mappings: neither Kinesis consumer has an IteratorAge alarm (the only alarm of
    # the ten templates watches Errors); the SQS mappings have no IteratorAge.
    (AGE, "kinesis-error-handling", "KinesisDataStreamProcessorDataActivityKinesisEvent"): (
        NC,
        "IteratorAge metric of function KinesisDataStreamProcessor",
    ),
    (AGE, "kinesis-lambda-ddb-test", "RecordProcessorFunctionKinesisRecords"): (
        NC,
        "IteratorAge metric of function RecordProcessorFunction",
    ),
    (AGE, "sqs-lambda-python", "ProcessorFunctionMySQSEvent"): (NA, ""),
    (AGE, "apigw-sqs-lambda-sqs", "ProcessInputQueueSampleSQSEvent"): (NA, ""),
    (AGE, "apigw-sqs-lambda-sqs", "WriteTestResultOutputQueue"): (NA, ""),
    (AGE, "apigw-sqs-lambda-sqs", "WriteTestResultInputQueueDLQ"): (NA, ""),
}


def _index(name: str) -> TemplateIndex:
    return TemplateIndex(json.loads((REALAPPS / f"{name}.json").read_text()), name=name)


def test_every_function_queue_and_mapping_of_every_template_is_listed():
    listed = {
        (rule, path.stem, r.logical_id)
        for rule in (ERRORS, DLQ, AGE)
        for path in REALAPPS.glob("*.json")
        for rtype in rule.resource_types
        for r in _index(path.stem).of_type(rtype)
    }
    assert listed == set(EXPECTED)


@pytest.mark.parametrize(
    ("rule", "template", "logical_id"),
    sorted(EXPECTED, key=lambda k: (k[0].id, k[1], k[2])),
    ids=lambda v: v.id if isinstance(v, Rule) else v,
)
def test_realapps(rule: Rule, template: str, logical_id: str):
    index = _index(template)
    resource = index.get(logical_id)
    assert resource is not None
    status, fragment = EXPECTED[(rule, template, logical_id)]
    outcome = judge(rule, resource, index, OPTIONS)
    assert outcome.status is status, outcome
    assert fragment in " ".join(f.message for f in outcome.findings)
