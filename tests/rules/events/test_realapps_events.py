"""BestLambda-EventTargetDlq on the real templates of tests/data/realapps.

Each expectation was checked by hand against the template (see SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.events.target_dlq import EVENT_RULE, RULE, SCHEDULE
from best_lambda.rules.model import Status
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"
_NO_DLQ = "invokes function CloudWatchAutoAlarmsLambdaFunction without a DeadLetterConfig"

EXPECTED: dict[tuple[str, str], tuple[Status, str]] = {
    # Four pattern rules and one scheduled rule, each targeting the function with no DLQ.
    ("cw-auto-alarms", "CloudWatchAutoAlarmCloudwatchEventEC2"): (Status.NON_COMPLIANT, _NO_DLQ),
    ("cw-auto-alarms", "CloudWatchAutoAlarmScheduledRule"): (Status.NON_COMPLIANT, _NO_DLQ),
    ("cw-auto-alarms", "CloudWatchAutoAlarmCloudwatchEventLambda"): (
        Status.NON_COMPLIANT,
        _NO_DLQ,
    ),
    ("cw-auto-alarms", "CloudWatchAutoAlarmCloudwatchEventRDSCreate"): (
        Status.NON_COMPLIANT,
        _NO_DLQ,
    ),
    ("cw-auto-alarms", "CloudWatchAutoAlarmCloudwatchEventRDSDelete"): (
        Status.NON_COMPLIANT,
        _NO_DLQ,
    ),
    # Target.DeadLetterConfig.Arn -> SchedulerDLQ (and the function's own DeadLetterQueue).
    ("scheduler-lambda-dlq", "EventSchedule"): (Status.COMPLIANT, ""),
}


def _index(name: str) -> TemplateIndex:
    return TemplateIndex(json.loads((REALAPPS / f"{name}.json").read_text()), name=name)


def test_every_rule_and_schedule_of_every_template_is_listed():
    found = {
        (path.stem, r.logical_id)
        for path in REALAPPS.glob("*.json")
        for r in _index(path.stem).of_type(EVENT_RULE, SCHEDULE)
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
