"""The engine: one pass, four outcomes, unknowns reported, framework functions set aside."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from best_lambda.rules.engine import TemplateInput, evaluate
from best_lambda.rules.lambda_.tracing_active import RULE as TRACING
from best_lambda.rules.model import Finding, Result, Rule, Severity, Status
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import MalformedTemplateError, TemplateIndex

OPTIONS = CheckOptions(today=dt.date(2026, 11, 22))


def fn(**props: Any) -> dict[str, Any]:
    base = {
        "Runtime": "python3.13",
        "Handler": "i.h",
        "Role": "arn:aws:iam::1:role/r",
        "Code": {"ZipFile": "x"},
    }
    return {"Type": "AWS::Lambda::Function", "Properties": {**base, **props}}


def test_findings_carry_rule_resource_and_severity():
    report = evaluate(
        [TemplateInput("Api", {"Resources": {"Fn": fn()}}, {"Fn": "Api/Fn"})],
        rules=[TRACING],
        options=OPTIONS,
    )
    (violation,) = report.violations
    assert (violation.finding_id, violation.logical_id, violation.path) == (
        "BestLambda-TracingActive",
        "Fn",
        "Api/Fn",
    )
    assert violation.severity is Severity.ERROR
    assert violation.description.startswith("[BestLambda-TracingActive] ")
    assert report.outcomes == {Status.NON_COMPLIANT: 1}
    assert "Fix: Active tracing" in report.format()


def test_unknown_is_reported_as_a_warning():
    template = {
        "Parameters": {"Mode": {"Type": "String"}},
        "Resources": {"Fn": fn(TracingConfig={"Mode": {"Ref": "Mode"}})},
    }
    (violation,) = evaluate([template], rules=[TRACING], options=OPTIONS).violations
    assert violation.status is Status.UNKNOWN
    assert violation.severity is Severity.WARNING
    assert "template parameter 'Mode'" in violation.detail


def test_framework_functions_are_set_aside_unless_asked():
    template = {"Resources": {"LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A": fn()}}
    assert evaluate([template], rules=[TRACING], options=OPTIONS).violations == ()
    judged = CheckOptions(today=OPTIONS.today, check_framework_functions=True)
    assert len(evaluate([template], rules=[TRACING], options=judged).violations) == 1


def test_a_crashing_rule_is_reported_not_raised():
    def broken(resource, index, options):  # type: ignore[no-untyped-def]
        raise KeyError("boom")

    rule = Rule(
        id="BestLambda-Broken",
        severity=Severity.ERROR,
        message="Broken.",
        explanation="x",
        resource_types=frozenset({"AWS::Lambda::Function"}),
        check=broken,
        source="test",
    )
    (violation,) = evaluate([{"Resources": {"Fn": fn()}}], rules=[rule], options=OPTIONS).violations
    assert violation.status is Status.UNKNOWN
    assert "BestLambda-Broken failed on this resource (KeyError" in violation.detail


def test_findings_on_other_resources_and_granular_ids():
    def check(resource, index, options):  # type: ignore[no-untyped-def]
        return Result.non_compliant(
            Finding("a", suffix="Action::s3:*", logical_id="Policy"),
            Finding("a", suffix="Action::s3:*", logical_id="Policy"),
            Finding("b", severity=Severity.WARNING),
        )

    rule = Rule(
        id="BestLambda-Demo",
        severity=Severity.ERROR,
        message="Demo.",
        explanation="x",
        resource_types=frozenset({"AWS::Lambda::Function"}),
        check=check,
        source="test",
        granular=True,
    )
    template = {"Resources": {"Fn": fn(), "Policy": {"Type": "AWS::IAM::Policy"}}}
    violations = evaluate([template], rules=[rule], options=OPTIONS).violations
    assert [(v.finding_id, v.logical_id, v.severity) for v in violations] == [
        ("BestLambda-Demo[Action::s3:*]", "Policy", Severity.ERROR),  # duplicates collapse
        ("BestLambda-Demo", "Fn", Severity.WARNING),
    ]


def test_malformed_templates_list_every_problem():
    with pytest.raises(MalformedTemplateError) as caught:
        TemplateIndex(
            {
                "Resources": {
                    "A": {"Properties": {}},
                    "B": "x",
                    "C": {"Type": "T", "Properties": []},
                },
                "Parameters": [],
            }
        )
    assert len(caught.value.problems) == 4
    with pytest.raises(MalformedTemplateError, match="expected a JSON object"):
        TemplateIndex([])  # type: ignore[arg-type]


def test_literal_resolution():
    index = TemplateIndex(
        {
            "Parameters": {"P": {"Type": "String"}},
            "Conditions": {
                "Always": {"Fn::Equals": ["a", "a"]},
                "C": {"Fn::Equals": [{"Ref": "P"}, "a"]},
            },
            "Mappings": {
                "M": {"eu-west-1": {"v": "python3.13"}, "us-east-1": {"v": "python3.13"}},
                "N": {"eu-west-1": {"v": "a"}, "us-east-1": {"v": "b"}},
            },
            "Resources": {},
        }
    )
    assert index.literal({"Fn::If": ["C", 5, 5]}) == 5
    assert not index.literal({"Fn::If": ["C", 5, 6]})
    assert index.literal({"Fn::If": ["Always", 5, 6]}) == 5  # decided by the template
    assert index.literal({"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "v"]}) == "python3.13"
    assert not index.literal({"Fn::FindInMap": ["N", {"Ref": "AWS::Region"}, "v"]})
    assert "parameter 'P'" in index.literal({"Ref": "P"}).reason
    assert index.number("30") == 30.0


def test_check_options_refuse_bad_values_together():
    with pytest.raises(ValueError) as caught:
        CheckOptions(
            today="2026-01-01",
            runtime_warning_days=-1,  # type: ignore[arg-type]
            asset_warning_bytes=10,
            asset_error_bytes=5,
        )
    message = str(caught.value)
    assert "today='2026-01-01'" in message
    assert "runtime_warning_days=-1" in message
    assert "asset_warning_bytes=10 exceeds" in message


def test_several_problems_of_one_resource_are_one_violation_listing_all():
    """Reported together, worded so that no one of them reads as enough."""

    def check(resource, index, options):  # type: ignore[no-untyped-def]
        return Result.non_compliant(
            Finding("No destination."), Finding("No bisection."), Finding("Retries forever.")
        )

    rule = Rule(
        id="BestLambda-Demo",
        severity=Severity.ERROR,
        message="Demo.",
        explanation="x",
        resource_types=frozenset({"AWS::Lambda::Function"}),
        check=check,
        source="test",
    )
    (violation,) = evaluate([{"Resources": {"Fn": fn()}}], rules=[rule], options=OPTIONS).violations
    assert violation.detail == (
        "3 problems, each to be fixed: (1) No destination. (2) No bisection. (3) Retries forever."
    )
