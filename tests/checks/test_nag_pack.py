"""BestLambdaChecks: a cdk-nag 3 pack over the one engine, with cdk-nag acknowledgements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from best_lambda import BestLambdaChecks, HardenedFunction
from best_lambda.testing import validation_findings
from tests.conftest import make_app

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def plain(scope: cdk.Stack, construct_id: str = "Plain", **kwargs: object) -> lambda_.Function:
    kwargs.setdefault("runtime", lambda_.Runtime.PYTHON_3_13)
    return lambda_.Function(scope, construct_id, code=CODE, handler="index.handler", **kwargs)  # type: ignore[arg-type]


def findings(app: cdk.App, **options: object) -> dict[tuple[str, str], str]:
    """(finding ID, construct path) -> severity, for the BestLambda plugin only."""
    cdk.Validations.of(app).add_plugins(BestLambdaChecks(app, **options))  # type: ignore[arg-type]
    return {
        (f.rule, f.path): f.severity for f in validation_findings(app) if f.plugin == "BestLambda"
    }


def test_plain_function_is_reported_with_path_rule_and_fix(tmp_path: Path):
    app = make_app(tmp_path)
    plain(cdk.Stack(app, "Api"))
    found = findings(app)
    assert found[("BestLambda-TracingActive", "Api/Plain/Resource")] == "error"
    assert found[("BestLambda-ExplicitTimeout", "Api/Plain/Resource")] == "error"
    assert found[("BestLambda-Arm64", "Api/Plain/Resource")] == "warning"
    report = (Path(app.outdir) / "validation-report.json").read_text()
    assert "Set TracingConfig.Mode to Active" in report  # the fix travels with the finding


def test_hardened_function_has_no_findings(tmp_path: Path):
    app = make_app(tmp_path)
    HardenedFunction(cdk.Stack(app, "Api"), "Fn", code=CODE, handler="index.handler")
    assert findings(app) == {}


def test_errors_fail_synthesis_and_warnings_do_not(tmp_path: Path):
    app = make_app(tmp_path)
    HardenedFunction(
        cdk.Stack(app, "Api"),
        "Fn",
        code=CODE,
        handler="index.handler",
        architecture=lambda_.Architecture.X86_64,
    )  # only a warning
    cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    app.synth()  # does not raise
    assert "BestLambda-Arm64" in (Path(app.outdir) / "validation-report.json").read_text()

    failing = make_app(tmp_path / "2")
    plain(cdk.Stack(failing, "Api"))
    cdk.Validations.of(failing).add_plugins(BestLambdaChecks(failing))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        failing.synth()


@pytest.mark.parametrize(
    "form", ["BestLambda-TracingActive", "BestLambda::BestLambda-TracingActive"]
)
@pytest.mark.parametrize("where", ["resource", "construct", "stack", "app"])
def test_acknowledgements_on_any_ancestor_in_either_form(tmp_path: Path, form: str, where: str):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    fn = plain(stack)
    target = {"resource": fn.node.default_child, "construct": fn, "stack": stack, "app": app}[where]
    cdk.Validations.of(target).acknowledge(cdk.Acknowledgment(id=form, reason="tested"))
    found = findings(app)
    assert ("BestLambda-TracingActive", "Api/Plain/Resource") not in found
    assert ("BestLambda-ExplicitTimeout", "Api/Plain/Resource") in found  # others stay


def test_acknowledgement_is_scoped_to_its_subtree(tmp_path: Path):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    acked, other = plain(stack, "Acked"), plain(stack, "Other")
    cdk.Validations.of(acked).acknowledge(
        cdk.Acknowledgment(id="BestLambda-TracingActive", reason="tested")
    )
    assert other
    found = findings(app)
    assert ("BestLambda-TracingActive", "Api/Other/Resource") in found
    assert ("BestLambda-TracingActive", "Api/Acked/Resource") not in found


def test_pack_covers_stacks_inside_stages(tmp_path: Path):
    app = make_app(tmp_path)
    stage = cdk.Stage(app, "Prod")
    plain(cdk.Stack(stage, "Api"))
    assert ("BestLambda-TracingActive", "Prod/Api/Plain/Resource") in findings(app)


def test_rule_subset_and_options(tmp_path: Path):
    app = make_app(tmp_path)
    plain(cdk.Stack(app, "Api"))
    found = findings(app, rules=["BestLambda-TracingActive"])
    assert {rule for rule, _ in found} == {"BestLambda-TracingActive"}


def test_bad_options_are_refused_together():
    with pytest.raises(ValueError, match="runtime_warning_days") as caught:
        BestLambdaChecks(runtime_warning_days=-1, asset_warning_bytes=0)
    assert "asset_warning_bytes=0" in str(caught.value)
    with pytest.raises(ValueError, match="unknown BestLambda rule IDs"):
        BestLambdaChecks(rules=["BestLambda-Nope"])
    with pytest.raises(TypeError, match="list of rule IDs"):
        BestLambdaChecks(rules="BestLambda-TracingActive")


def test_today_is_an_option(tmp_path: Path):
    app = make_app(tmp_path)
    plain(cdk.Stack(app, "Api"), runtime=lambda_.Runtime.PYTHON_3_12)
    found = findings(app, today=dt.date(2029, 1, 1), rules=["BestLambda-RuntimeSupported"])
    assert found == {("BestLambda-RuntimeSupported", "Api/Plain/Resource"): "error"}


def test_name_and_rule_ids():
    pack = BestLambdaChecks()
    assert pack.name == "BestLambda"
    assert "BestLambda-TracingActive" in pack.rule_ids
