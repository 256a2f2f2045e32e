from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.assets import AssetCatalog
from best_lambda.rules.lambda_.asset_size import RULE
from best_lambda.rules.model import Severity
from best_lambda.rules.options import CheckOptions
from tests.conftest import make_app
from tests.rules.harness import (
    TODAY,
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)


def synth(app: cdk.App) -> tuple[dict, AssetCatalog]:
    import json

    assembly = Path(app.synth().directory)
    template = json.loads((assembly / "Test.template.json").read_text())
    return template, AssetCatalog.from_manifest(assembly / "Test.assets.json")


@pytest.fixture
def source(tmp_path: Path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "app.py").write_text("def handler(event, context):\n    return event\n" * 40)
    return folder


def function(stack: cdk.Stack, code: lambda_.Code, **kwargs: object) -> None:
    lambda_.Function(
        stack, "Fn", code=code, handler="app.handler", runtime=lambda_.Runtime.PYTHON_3_13, **kwargs
    )  # type: ignore[arg-type]


def test_compliant_small_asset(tmp_path: Path, source: Path):
    app = make_app(tmp_path)
    function(cdk.Stack(app, "Test"), lambda_.Code.from_asset(str(source)))
    template, catalog = synth(app)
    assert_compliant(result(RULE, template, "Fn", assets=catalog))


def test_non_compliant_over_the_warning_budget(tmp_path: Path, source: Path):
    app = make_app(tmp_path)
    function(cdk.Stack(app, "Test"), lambda_.Code.from_asset(str(source)))
    template, catalog = synth(app)
    options = CheckOptions(today=TODAY, asset_warning_bytes=500, asset_error_bytes=10_000)
    outcome = result(RULE, template, "Fn", assets=catalog, options=options)
    assert_non_compliant(outcome, "exceeds the 500 bytes budget", "[Size]")
    assert outcome.findings[0].severity is Severity.WARNING


def test_non_compliant_over_the_error_budget_counts_layers(tmp_path: Path, source: Path):
    layer_dir = tmp_path / "layer" / "python"
    layer_dir.mkdir(parents=True)
    (layer_dir / "lib.py").write_text("x = 1\n" * 2000)
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    layer = lambda_.LayerVersion(stack, "Deps", code=lambda_.Code.from_asset(str(layer_dir.parent)))
    function(stack, lambda_.Code.from_asset(str(source)), layers=[layer])
    template, catalog = synth(app)
    options = CheckOptions(today=TODAY, asset_warning_bytes=1_000, asset_error_bytes=10_000)
    outcome = result(RULE, template, "Fn", assets=catalog, options=options)
    assert_non_compliant(outcome, "+ 1 layer(s)", "Lambda refuses")
    assert outcome.findings[0].severity is Severity.ERROR


def test_non_compliant_boto3_bundled(tmp_path: Path, source: Path):
    (source / "boto3").mkdir()
    (source / "boto3" / "__init__.py").write_text("")
    app = make_app(tmp_path)
    function(cdk.Stack(app, "Test"), lambda_.Code.from_asset(str(source)))
    template, catalog = synth(app)
    outcome = result(RULE, template, "Fn", assets=catalog)
    assert_non_compliant(outcome, "boto3/botocore are bundled", "[BundledSdk]")
    assert outcome.findings[0].severity is Severity.WARNING


def test_compliant_boto3_in_a_node_function_is_not_flagged(tmp_path: Path, source: Path):
    (source / "boto3").mkdir()
    (source / "boto3" / "__init__.py").write_text("")
    app = make_app(tmp_path)
    lambda_.Function(
        cdk.Stack(app, "Test"),
        "Fn",
        code=lambda_.Code.from_asset(str(source)),
        handler="app.handler",
        runtime=lambda_.Runtime.NODEJS_22_X,
    )
    template, catalog = synth(app)
    assert_compliant(result(RULE, template, "Fn", assets=catalog))


def test_not_applicable_inline_code(stack: cdk.Stack):
    function(stack, lambda_.Code.from_inline("def handler(e, c): pass"))
    assert_not_applicable(result(RULE, stack, "Fn", assets=AssetCatalog({})))


def test_not_applicable_code_outside_the_assembly(stack: cdk.Stack):
    bucket_code = lambda_.CfnFunction(
        stack,
        "Fn",
        role="arn:aws:iam::1:role/r",
        runtime="python3.13",
        handler="app.handler",
        code={"s3Bucket": "builds", "s3Key": "fn.zip"},
    )
    assert bucket_code
    assert_not_applicable(result(RULE, stack, "Fn", assets=AssetCatalog({})))
    assert_not_applicable(result(RULE, stack, "Fn"))  # no assembly at all


def test_unknown_s3_key_from_a_parameter(stack: cdk.Stack):
    key = cdk.CfnParameter(stack, "CodeKey")
    lambda_.CfnFunction(
        stack,
        "Fn",
        role="arn:aws:iam::1:role/r",
        runtime="python3.13",
        handler="app.handler",
        code={"s3Bucket": "builds", "s3Key": key.value_as_string},
    )
    assert_unknown(result(RULE, stack, "Fn", assets=AssetCatalog({})), "CodeKey")
