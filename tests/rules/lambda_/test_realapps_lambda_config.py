"""The function-configuration rules on the real templates of tests/data/realapps.

Each expectation was checked by hand against the template (see SOURCES.md).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.lambda_ import (
    arm64,
    explicit_memory,
    explicit_timeout,
    json_logs,
    no_secrets_in_env,
    runtime_supported,
)
from best_lambda.rules.model import Rule, Severity, Status
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = Path(__file__).resolve().parents[2] / "data" / "realapps"
C, NC, NA = Status.COMPLIANT, Status.NON_COMPLIANT, Status.NOT_APPLICABLE

#: (template, function) -> status per rule module, in this column order:
#: runtime_supported, arm64, explicit_timeout, explicit_memory, json_logs, no_secrets_in_env
RULES: tuple[Rule, ...] = (
    runtime_supported.RULE,
    arm64.RULE,
    explicit_timeout.RULE,
    explicit_memory.RULE,
    json_logs.RULE,
    no_secrets_in_env.RULE,
)
EXPECTED: dict[tuple[str, str], tuple[Status, ...]] = {
    # python3.14, no Architectures, Timeout 15, no MemorySize, no env
    ("alb-cognito-lambda", "LambdaFunction"): (C, NC, C, NC, NC, NA),
    # python3.9 (deprecated 2025-12-15); env values are Ref / GetAtt
    ("apigw-sqs-lambda-sqs", "WriteTestResult"): (NC, NC, C, C, NC, C),
    ("apigw-sqs-lambda-sqs", "ProcessInputQueue"): (NC, NC, C, C, NC, C),
    # python3.9, Timeout 30, no MemorySize, no env
    ("cfn-s3-lambda-trigger-json", "S3TriggerLambdaFunction"): (NC, NC, C, NC, NC, NA),
    # python3.8; MemorySize is {"Ref": "Memory"} (a deliberate parameter); plain literals
    ("cw-auto-alarms", "CloudWatchAutoAlarmsLambdaFunction"): (NC, NC, C, C, NC, C),
    # nodejs24.x, Timeout 100, MemorySize 128; AWS_EMF_NAMESPACE is an Fn::Sub
    ("httpapi-observability", "SampleFunction"): (C, NC, C, C, NC, C),
    ("kinesis-error-handling", "KinesisDataStreamProcessor"): (C, NC, C, C, NC, C),
    # python3.9, Architectures ["x86_64"], no MemorySize
    ("kinesis-lambda-ddb-test", "RecordProcessorFunction"): (NC, NC, C, NC, NC, C),
    # Architectures ["x86_64"]; LOG_LEVEL / SIMULATE_FAILURE are not secrets
    ("scheduler-lambda-dlq", "ScheduledFunction"): (C, NC, C, NC, NC, C),
    # arm64; neither Timeout nor MemorySize (SAM leaves them unset)
    ("sns-lambda-python-sam", "ProcessorFunction"): (C, C, NC, NC, NC, NA),
    # arm64; Timeout 3 and MemorySize 128 written explicitly
    ("sqs-lambda-python", "ProcessorFunction"): (C, C, C, C, NC, NA),
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
    statuses = tuple(judge(rule, resource, index, OPTIONS).status for rule in RULES)
    assert statuses == EXPECTED[(template, logical_id)]


def test_realapps_deprecated_runtimes_are_errors_naming_python3_14():
    index = _index("cw-auto-alarms")
    resource = index.get("CloudWatchAutoAlarmsLambdaFunction")
    assert resource is not None
    outcome = judge(runtime_supported.RULE, resource, index, OPTIONS)
    (finding,) = outcome.findings
    assert finding.severity in (None, Severity.ERROR)
    assert "python3.8 was deprecated on 2024-10-14" in finding.message
    assert "Move to python3.14" in finding.message
