"""BestLambda-StreamFailureHandling on the real templates of tests/data/realapps.

Each expectation was checked by hand against the template (see SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.model import Status
from best_lambda.rules.streams.stream_failure_handling import RULE
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"

EXPECTED: dict[tuple[str, str], tuple[Status, list[str]]] = {
    # OnFailure -> AnomalyDataQueue, BisectBatchOnFunctionError, MaximumRetryAttempts 5.
    ("kinesis-error-handling", "KinesisDataStreamProcessorDataActivityKinesisEvent"): (
        Status.COMPLIANT,
        [],
    ),
    # BatchSize and StartingPosition only: all three pieces are missing.
    ("kinesis-lambda-ddb-test", "RecordProcessorFunctionKinesisRecords"): (
        Status.NON_COMPLIANT,
        [
            "DestinationConfig.OnFailure.Destination is not set",
            "BisectBatchOnFunctionError is not set",
            "MaximumRetryAttempts is unset (default -1, infinite) and MaximumRecordAgeInSeconds "
            "is unset (default -1, infinite)",
        ],
    ),
    # SQS mappings: no on-failure destinations for SQS (the queue redrives instead).
    ("sqs-lambda-python", "ProcessorFunctionMySQSEvent"): (Status.NOT_APPLICABLE, []),
    ("apigw-sqs-lambda-sqs", "ProcessInputQueueSampleSQSEvent"): (Status.NOT_APPLICABLE, []),
    ("apigw-sqs-lambda-sqs", "WriteTestResultOutputQueue"): (Status.NOT_APPLICABLE, []),
    ("apigw-sqs-lambda-sqs", "WriteTestResultInputQueueDLQ"): (Status.NOT_APPLICABLE, []),
}


def _index(name: str) -> TemplateIndex:
    return TemplateIndex(json.loads((REALAPPS / f"{name}.json").read_text()), name=name)


def test_every_mapping_of_every_template_is_listed():
    mappings = {
        (path.stem, r.logical_id)
        for path in REALAPPS.glob("*.json")
        for r in _index(path.stem).of_type("AWS::Lambda::EventSourceMapping")
    }
    assert mappings == set(EXPECTED)


@pytest.mark.parametrize(("template", "logical_id"), sorted(EXPECTED))
def test_realapps(template: str, logical_id: str):
    index = _index(template)
    resource = index.get(logical_id)
    assert resource is not None
    status, fragments = EXPECTED[(template, logical_id)]
    outcome = judge(RULE, resource, index, OPTIONS)
    assert outcome.status is status, outcome
    messages = [f.message for f in outcome.findings]
    assert len(messages) == min(len(fragments), 1), messages  # every missing piece in one
    for fragment in fragments:
        assert fragment in messages[0]
