"""project_app, the cdk_app fixture, templates of an assembly, and the snapshot extension."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from best_lambda import BestLambdaChecks
from best_lambda.testing import TemplateSnapshotExtension, normalized, project_app, template_of
from best_lambda.testing._synth import find_project_dir, synthesized_templates
from tests.conftest import CDK_CONTEXT, ROOT

FLAG = "@aws-cdk/aws-lambda:recognizeLayerVersion"


def write_project(folder: Path, context: object, cached: object | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "cdk.json").write_text(json.dumps({"app": "python app.py", "context": context}))
    if cached is not None:
        (folder / "cdk.context.json").write_text(json.dumps(cached))
    return folder


def test_project_app_has_the_context_cdk_synth_would_give(tmp_path: Path):
    project = write_project(
        tmp_path / "p",
        {"team": "payments", "stage": "from-cdk-json"},
        cached={"availability-zones:account=1:region=eu-west-1": ["eu-west-1a"], "stage": "x"},
    )
    app = project_app(project, outdir=tmp_path / "out", context={"extra": 1}, stack_traces=False)
    assert app.node.try_get_context("team") == "payments"
    # cdk.json wins over cached lookups, explicit context over both (as with `cdk -c`).
    assert app.node.try_get_context("stage") == "from-cdk-json"
    assert app.node.try_get_context("availability-zones:account=1:region=eu-west-1") == [
        "eu-west-1a"
    ]
    assert app.node.try_get_context("extra") == 1
    assert Path(app.outdir) == tmp_path / "out"


def test_cdk_app_fixture_uses_the_nearest_cdk_json(cdk_app: cdk.App):
    assert find_project_dir(Path(__file__).parent) == ROOT
    assert cdk_app.node.try_get_context(FLAG) == CDK_CONTEXT[FLAG]


def test_project_app_refuses_unknown_app_properties(tmp_path: Path):
    with pytest.raises(TypeError, match="stack_trace"):
        project_app(write_project(tmp_path, {}), stack_trace=False)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("{not json", "cannot read .*cdk.json"),
        ("[]", "must hold a JSON object"),
        ('{"context": []}', "'context' must be a JSON object"),
    ],
)
def test_project_app_refuses_a_broken_cdk_json(tmp_path: Path, content: str, match: str):
    (tmp_path / "cdk.json").write_text(content)
    with pytest.raises(ValueError, match=match):
        project_app(tmp_path)


def test_project_app_needs_cdk_json_in_a_named_folder(tmp_path: Path):
    with pytest.raises(ValueError, match=r"has no cdk\.json"):
        project_app(tmp_path)


def test_synthesized_templates_include_stages(app: cdk.App):
    sqs.Queue(cdk.Stack(app, "Top"), "Q")
    sqs.Queue(cdk.Stack(cdk.Stage(app, "Prod"), "Inner"), "Q")
    app.synth()
    found = sorted(synthesized_templates(app.outdir))
    assert [p.relative_to(app.outdir).as_posix() for p in found] == [
        "Top.template.json",
        "assembly-Prod/ProdInner6AE3BBF4.template.json",
    ]
    assert all(p.is_file() for p in found)


def test_template_of_sees_changes_made_after_a_first_synthesis(stack: cdk.Stack):
    """CDK reuses an assembly when no construct was added; template_of must not."""
    queue = sqs.Queue(stack, "Q")
    assert "Properties" not in template_of(stack)["Resources"]["Q63C6E3AB"]
    resource = queue.node.default_child
    assert isinstance(resource, cdk.CfnResource)
    resource.add_property_override("DelaySeconds", 5)
    assert template_of(stack)["Resources"]["Q63C6E3AB"]["Properties"] == {"DelaySeconds": 5}


def test_template_of_a_nested_stack(stack: cdk.Stack):
    nested = cdk.NestedStack(stack, "Child")
    sqs.Queue(nested, "Q")
    assert [r["Type"] for r in template_of(nested)["Resources"].values()] == ["AWS::SQS::Queue"]
    (child,) = normalized(stack)["Resources"].values()
    assert child["Type"] == "AWS::CloudFormation::Stack"
    assert "/<asset-1>.json" in json.dumps(child["Properties"]["TemplateURL"])


def test_template_of_wants_a_stack(app: cdk.App):
    with pytest.raises(TypeError, match=r"expected a cdk\.Stack, got App"):
        template_of(app)  # type: ignore[arg-type]


def test_snapshot_extension_takes_a_stack_or_a_template(stack: cdk.Stack):
    sqs.Queue(stack, "Q", enforce_ssl=True)
    extension = TemplateSnapshotExtension()
    text = extension.serialize(stack)
    assert text == extension.serialize(normalized(stack))
    assert text.endswith("}\n")
    assert json.loads(text) == normalized(stack)
    with pytest.raises(TypeError, match=r"compares a cdk\.Stack or a template dict"):
        extension.serialize("Resources: {}")


def test_a_stack_compares_to_a_snapshot_directly(stack: cdk.Stack, template_snapshot):
    sqs.Queue(stack, "Q", enforce_ssl=True)
    assert stack == template_snapshot


def test_template_of_an_app_whose_own_packs_fail(app: cdk.App):
    """Apps that register packs fail synthesis on findings; their snapshots still work."""
    cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    stack = cdk.Stack(cdk.Stage(app, "Prod"), "Legacy")
    lambda_.Function(
        stack,
        "Old",
        code=lambda_.Code.from_inline("x"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_12,
    )
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth(force=True)
    resources = normalized(stack)["Resources"].values()
    functions = [r for r in resources if r["Type"] == "AWS::Lambda::Function"]
    assert [f["Properties"]["Runtime"] for f in functions] == ["python3.12"]
