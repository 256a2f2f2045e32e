"""The SQS rules on the real templates of tests/data/realapps.

Each expectation was checked by hand against the template (see SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.model import Rule, Severity, Status
from best_lambda.rules.sqs import sqs_partial_batch, sqs_redrive, sqs_visibility_timeout
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"
VISIBILITY = sqs_visibility_timeout.RULE
REDRIVE = sqs_redrive.RULE
PARTIAL = sqs_partial_batch.RULE
NC, OK, NA = Status.NON_COMPLIANT, Status.COMPLIANT, Status.NOT_APPLICABLE

#: (rule, template, mapping) -> (status, fragment of the findings, severity of the findings)
EXPECTED: dict[tuple[Rule, str, str], tuple[Status, str, Severity | None]] = {
    # ProcessingQueue: VisibilityTimeout 30, redrive to ProcessingDLQ after 3 receives;
    # ProcessorFunction Timeout 3; BatchSize 10 with ReportBatchItemFailures.
    (VISIBILITY, "sqs-lambda-python", "ProcessorFunctionMySQSEvent"): (OK, "", None),
    (REDRIVE, "sqs-lambda-python", "ProcessorFunctionMySQSEvent"): (
        NC,
        "maxReceiveCount 3, below the 5",
        Severity.WARNING,
    ),
    (PARTIAL, "sqs-lambda-python", "ProcessorFunctionMySQSEvent"): (OK, "", None),
    # InputQueue / OutputQueue: VisibilityTimeout 5 for 5 s functions; maxReceiveCount 1.
    (VISIBILITY, "apigw-sqs-lambda-sqs", "ProcessInputQueueSampleSQSEvent"): (
        NC,
        "Queue InputQueue has VisibilityTimeout 5 s, below 6 x the timeout of function "
        "ProcessInputQueue (5 s) + MaximumBatchingWindowInSeconds (0 s) = 30 s.",
        None,
    ),
    (VISIBILITY, "apigw-sqs-lambda-sqs", "WriteTestResultOutputQueue"): (
        NC,
        "Queue OutputQueue has VisibilityTimeout 5 s",
        None,
    ),
    # InputQueueDLQ sets no VisibilityTimeout: the SQS default 30 s = 6 x 5 s.
    (VISIBILITY, "apigw-sqs-lambda-sqs", "WriteTestResultInputQueueDLQ"): (OK, "", None),
    (REDRIVE, "apigw-sqs-lambda-sqs", "ProcessInputQueueSampleSQSEvent"): (
        NC,
        "queue InputQueue has maxReceiveCount 1",
        Severity.WARNING,
    ),
    (REDRIVE, "apigw-sqs-lambda-sqs", "WriteTestResultOutputQueue"): (
        NC,
        "queue OutputQueue has maxReceiveCount 1",
        Severity.WARNING,
    ),
    # WriteTestResult also consumes InputQueueDLQ, which has no redrive policy of its own.
    (REDRIVE, "apigw-sqs-lambda-sqs", "WriteTestResultInputQueueDLQ"): (
        NC,
        "Queue InputQueueDLQ has no RedrivePolicy",
        None,
    ),
    (PARTIAL, "apigw-sqs-lambda-sqs", "ProcessInputQueueSampleSQSEvent"): (
        NC,
        "BatchSize is 10 and FunctionResponseTypes does not include ReportBatchItemFailures",
        None,
    ),
    (PARTIAL, "apigw-sqs-lambda-sqs", "WriteTestResultOutputQueue"): (NC, "BatchSize is 10", None),
    (PARTIAL, "apigw-sqs-lambda-sqs", "WriteTestResultInputQueueDLQ"): (
        NC,
        "BatchSize is 10",
        None,
    ),
    # Kinesis mappings are not SQS ones.
    **{
        (rule, template, mapping): (NA, "", None)
        for rule in (VISIBILITY, REDRIVE, PARTIAL)
        for template, mapping in (
            ("kinesis-error-handling", "KinesisDataStreamProcessorDataActivityKinesisEvent"),
            ("kinesis-lambda-ddb-test", "RecordProcessorFunctionKinesisRecords"),
        )
    },
}


def _index(name: str) -> TemplateIndex:
    return TemplateIndex(json.loads((REALAPPS / f"{name}.json").read_text()), name=name)


def test_every_mapping_of_every_template_is_listed():
    mappings = {
        (rule, path.stem, r.logical_id)
        for rule in (VISIBILITY, REDRIVE, PARTIAL)
        for path in REALAPPS.glob("*.json")
        for r in _index(path.stem).of_type("AWS::Lambda::EventSourceMapping")
    }
    assert mappings == set(EXPECTED)


@pytest.mark.parametrize(
    ("rule", "template", "logical_id"),
    sorted(EXPECTED, key=lambda k: (k[0].id, k[1], k[2])),
    ids=lambda v: v.id if isinstance(v, Rule) else v,
)
def test_realapps(rule: Rule, template: str, logical_id: str):
    index = _index(template)
    resource = index.get(logical_id)
    assert resource is not None
    status, fragment, severity = EXPECTED[(rule, template, logical_id)]
    outcome = judge(rule, resource, index, OPTIONS)
    assert outcome.status is status, outcome
    assert fragment in " ".join(f.message for f in outcome.findings)
    assert all(f.severity is severity for f in outcome.findings)
