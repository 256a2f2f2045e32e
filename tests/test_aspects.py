"""The Aspects: enforcement without cdk-nag, stage crossing, and the hardening retrofit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from best_lambda import BestLambdaChecks, HardenedFunction
from best_lambda.aspects import EnforceBestLambda, apply_checks
from best_lambda.testing import validation_findings
from tests.conftest import make_app

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def plain(scope: cdk.Stack, construct_id: str = "Plain", **kwargs: Any) -> lambda_.Function:
    kwargs.setdefault("runtime", lambda_.Runtime.PYTHON_3_13)
    return lambda_.Function(scope, construct_id, code=CODE, handler="index.handler", **kwargs)


def function_props(app: cdk.App, stack: str, prefix: str) -> dict[str, Any]:
    template = json.loads((Path(app.outdir) / f"{stack}.template.json").read_text())
    (props,) = [
        r["Properties"]
        for k, r in template["Resources"].items()
        if k.startswith(prefix) and r["Type"] == "AWS::Lambda::Function"
    ]
    return props


def test_enforcing_aspect_fails_plain_synth_with_a_readable_report(tmp_path: Path):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    plain(stack)
    cdk.Aspects.of(stack).add(EnforceBestLambda())
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = (Path(app.outdir) / "validation-report.json").read_text()
    assert "Api/Plain/Resource" in report  # the construct path
    assert "[BestLambda-TracingActive]" in report  # the rule ID
    assert "Set TracingConfig.Mode to Active" in report  # the fix


def test_enforcing_aspect_checks_only_the_stacks_it_visits(tmp_path: Path):
    app = make_app(tmp_path)
    checked, other = cdk.Stack(app, "Checked"), cdk.Stack(app, "Other")
    HardenedFunction(checked, "Fn", code=CODE, handler="index.handler")
    plain(other)
    cdk.Aspects.of(checked).add(EnforceBestLambda())
    app.synth()  # Other's plain function is not judged


def test_warnings_are_reported_but_do_not_fail(tmp_path: Path):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    HardenedFunction(
        stack, "Fn", code=CODE, handler="index.handler", architecture=lambda_.Architecture.X86_64
    )
    cdk.Aspects.of(stack).add(EnforceBestLambda())
    app.synth()
    report = (Path(app.outdir) / "validation-report.json").read_text()
    assert "BestLambda-Arm64" in report


def test_app_level_aspect_does_not_reach_stages_but_apply_checks_does(tmp_path: Path):
    app = make_app(tmp_path)
    plain(cdk.Stack(cdk.Stage(app, "Prod"), "Api"))
    cdk.Aspects.of(app).add(EnforceBestLambda())
    app.synth()  # aws/aws-cdk#20468: the Stage's stacks were never visited

    app = make_app(tmp_path / "2")
    plain(cdk.Stack(cdk.Stage(app, "Prod"), "Api"))
    apply_checks(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    assert "Prod/Api/Plain/Resource" in (Path(app.outdir) / "validation-report.json").read_text()


def test_acknowledgements_are_honoured(tmp_path: Path):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    HardenedFunction(
        stack, "Fn", code=CODE, handler="index.handler", architecture=lambda_.Architecture.X86_64
    )
    cdk.Validations.of(stack).acknowledge(
        cdk.Acknowledgment(id="BestLambda-Arm64", reason="native dependency built for x86 only")
    )
    apply_checks(app)
    app.synth()
    report_path = Path(app.outdir) / "validation-report.json"
    assert not report_path.exists() or "BestLambda-Arm64" not in report_path.read_text()


def test_defers_to_a_best_lambda_checks_pack(tmp_path: Path):
    """Using both fronts reports each finding once (through the pack)."""
    app = make_app(tmp_path)
    plain(cdk.Stack(app, "Api"))
    cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    apply_checks(app)
    tracing = [f for f in validation_findings(app) if f.rule == "BestLambda-TracingActive"]
    assert len(tracing) == 1
