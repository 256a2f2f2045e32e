"""Nested stacks at synth, enforcement without an Aspect, acknowledgements that accept nothing."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest

from best_lambda import BestLambdaChecks
from best_lambda.aspects import EnforceBestLambda, apply_checks
from best_lambda.testing import assert_compliant, findings_of, validation_findings
from tests.cli.conftest import plain
from tests.conftest import make_app

TRACING = "BestLambda-TracingActive"


def nested_app(tmp_path: Path) -> tuple[cdk.App, cdk.Stack]:
    app = make_app(tmp_path)
    top = cdk.Stack(app, "Top")
    nested = cdk.NestedStack(top, "Nested")
    plain(nested)
    plain(cdk.NestedStack(nested, "Deeper"))
    return app, top


EXPECTED = {"Top/Nested/Fn/Resource", "Top/Nested/Deeper/Fn/Resource"}


def tracing_paths(findings: list) -> set[str]:
    return {f.path for f in findings if f.rule == TRACING}


def test_pack_checks_nested_stacks(tmp_path: Path):
    app, _ = nested_app(tmp_path)
    cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    assert tracing_paths(validation_findings(app)) == EXPECTED


def test_apply_checks_checks_nested_stacks_without_an_aspect(tmp_path: Path):
    app, _ = nested_app(tmp_path)
    apply_checks(app)
    assert cdk.Aspects.of(app).all == []
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    assert tracing_paths(validation_findings(app)) == EXPECTED


def test_testing_helpers_check_nested_stacks(tmp_path: Path):
    _, top = nested_app(tmp_path)
    assert tracing_paths(findings_of(top)) == EXPECTED
    with pytest.raises(AssertionError, match="Top/Nested/Deeper/Fn/Resource"):
        assert_compliant(top)


def test_aspect_on_a_nested_stack_checks_it(tmp_path: Path):
    app, top = nested_app(tmp_path)
    nested = top.node.find_child("Nested")
    cdk.Aspects.of(nested).add(EnforceBestLambda())
    assert tracing_paths(validation_findings(app)) == EXPECTED


def test_stages_created_after_apply_checks_are_checked(tmp_path: Path):
    app = make_app(tmp_path)
    apply_checks(app)
    plain(cdk.Stack(cdk.Stage(app, "Late"), "Api"))
    assert tracing_paths(validation_findings(app)) == {"Late/Api/Fn/Resource"}


def test_apply_checks_on_a_stage_checks_only_that_stage(tmp_path: Path):
    app = make_app(tmp_path)
    prod = cdk.Stage(app, "Prod")
    apply_checks(prod)
    plain(cdk.Stack(prod, "Api"))
    plain(cdk.Stack(app, "Elsewhere"))
    assert tracing_paths(validation_findings(app)) == {"Prod/Api/Fn/Resource"}


def test_pack_and_apply_checks_agree(tmp_path: Path):
    def build(path: Path) -> cdk.App:
        app, _ = nested_app(path)
        stage = cdk.Stage(app, "Prod")
        fn = plain(cdk.Stack(stage, "Api"))
        cdk.Validations.of(fn).acknowledge(cdk.Acknowledgment(id=TRACING, reason="later"))
        cdk.Validations.of(stage).acknowledge(
            cdk.Acknowledgment(id="BestLambda-Arm64", reason="x86 only")
        )
        return app

    with_pack = build(tmp_path / "pack")
    cdk.Validations.of(with_pack).add_plugins(BestLambdaChecks(with_pack))
    enforced = build(tmp_path / "enforce")
    apply_checks(enforced)
    pack_findings = {(f.rule, f.path) for f in validation_findings(with_pack)}
    enforced_findings = {(f.rule, f.path) for f in validation_findings(enforced)}
    assert pack_findings == enforced_findings
    assert (TRACING, "Prod/Api/Fn/Resource") not in pack_findings
    assert not [p for r, p in pack_findings if r == "BestLambda-Arm64" and p.startswith("Prod/")]


def test_the_fix_is_given_once_per_rule(tmp_path: Path):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    plain(stack, "One")
    plain(stack, "Two")
    cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    fixes = [f.fix for f in validation_findings(app) if f.rule == TRACING]
    assert len(fixes) == 2
    assert "Set TracingConfig.Mode to Active" in fixes[0]
    assert fixes[1] == f"as for the first {TRACING} above."


# -- acknowledgements that accept nothing ---------------------------------------------------
def notices(app: cdk.App) -> list[str]:
    found = validation_findings(app)
    return [f.description for f in found if f.rule == "BestLambda-Acknowledgement"]


@pytest.mark.parametrize("front", ["pack", "apply_checks"])
def test_a_mistyped_id_gets_a_warning_with_a_hint(tmp_path: Path, front: str):
    app = make_app(tmp_path)
    fn = plain(cdk.Stack(app, "Api"))
    for typo in ("BestLambda-TracingActiv", "AwsSolutions-IAM55", "BestLamda-Arm64"):
        cdk.Validations.of(fn).acknowledge(cdk.Acknowledgment(id=typo, reason="typo"))
    for fine in ("AwsSolutions-IAM5[Resource::*]", "Serverless-LambdaDLQ", "Other::Thing"):
        cdk.Validations.of(fn).acknowledge(cdk.Acknowledgment(id=fine, reason="fine"))
    if front == "pack":
        cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    else:
        apply_checks(app)
    report = json.dumps(notices(app))
    assert "did you mean 'BestLambda-TracingActive'?" in report
    assert "AwsSolutions has no rule 'AwsSolutions-IAM55'" in report
    assert "did you mean 'BestLambda-Arm64'?" in report
    for fine in ("IAM5[Resource", "LambdaDLQ", "Other::Thing"):
        assert fine not in report
    # A warning, not a failure of its own; the finding it meant to accept is still there.
    assert TRACING in {f.rule for f in validation_findings(app)}


def test_an_empty_reason_is_refused(tmp_path: Path):
    app = make_app(tmp_path)
    fn = plain(cdk.Stack(app, "Api"))
    cdk.Validations.of(fn).acknowledge(cdk.Acknowledgment(id=TRACING, reason="   "))
    cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    assert "has no reason, so it accepts nothing" in json.dumps(notices(app))
    assert "Api/Fn/Resource" in tracing_paths(validation_findings(app))
