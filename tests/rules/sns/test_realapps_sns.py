"""BestLambda-SnsSubscriptionDlq on the real templates of tests/data/realapps.

Each expectation was checked by hand against the template (see SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.model import Status
from best_lambda.rules.sns.subscription_dlq import RULE, SUBSCRIPTION, TOPIC
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"

EXPECTED: dict[tuple[str, str], tuple[Status, str]] = {
    # SAM's SNS event: a Subscription with Protocol lambda and no RedrivePolicy.
    ("sns-lambda-python-sam", "ProcessorFunctionProcessingEvent"): (
        Status.NON_COMPLIANT,
        "The subscription of ProcessorFunction has no RedrivePolicy",
    ),
    ("sns-lambda-python-sam", "ProcessingTopic"): (Status.NOT_APPLICABLE, ""),
    # An alarm topic with no subscription in the template.
    ("httpapi-observability", "AlarmsTopic"): (Status.NOT_APPLICABLE, ""),
}


def _index(name: str) -> TemplateIndex:
    return TemplateIndex(json.loads((REALAPPS / f"{name}.json").read_text()), name=name)


def test_every_topic_and_subscription_of_every_template_is_listed():
    found = {
        (path.stem, r.logical_id)
        for path in REALAPPS.glob("*.json")
        for r in _index(path.stem).of_type(SUBSCRIPTION, TOPIC)
    }
    assert found == set(EXPECTED)


@pytest.mark.parametrize(("template", "logical_id"), sorted(EXPECTED))
def test_realapps(template: str, logical_id: str):
    index = _index(template)
    resource = index.get(logical_id)
    assert resource is not None
    status, fragment = EXPECTED[(template, logical_id)]
    outcome = judge(RULE, resource, index, OPTIONS)
    assert outcome.status is status, outcome
    assert fragment in " ".join(f.message for f in outcome.findings)
