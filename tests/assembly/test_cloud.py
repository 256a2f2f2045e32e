"""The cloud-assembly reader: stages, nested stacks at any depth, paths, acknowledgements."""

from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest

from best_lambda.assembly import (
    Acknowledgements,
    AssemblyError,
    normalize_ack_id,
    read_assembly,
    read_stacks,
)
from best_lambda.testing import project_app
from tests.cli.conftest import ROOT, plain


def test_stages_nested_stacks_and_their_paths(assembly: Path):
    read = read_assembly(assembly)
    stacks = {s.name: s for s in read.stacks}
    assert {n: s.parent for n, s in stacks.items()} == {
        "Top": None,
        "Top/Nested": "Top",
        "Top/Nested/Deeper": "Top/Nested",
        "Prod/Api": None,
        "Prod/Api/Inner": "Prod/Api",
    }
    # The same logical ID in three templates keeps its own construct path in each.
    assert stacks["Top/Nested"].paths["Fn9270CBC0"] == "Top/Nested/Fn/Resource"
    assert stacks["Top/Nested/Deeper"].paths["Fn9270CBC0"] == "Top/Nested/Deeper/Fn/Resource"
    assert "Fn9270CBC0" not in stacks["Top"].paths
    # The nested-stack resource belongs to its parent's template.
    assert any(p.endswith("Nested.NestedStackResource") for p in stacks["Top"].paths.values())
    assert stacks["Top/Nested"].template_path.name.endswith(".nested.template.json")
    assert stacks["Prod/Api/Inner"].template_path.parent.name == "assembly-Prod"
    # What the parent passes to a nested stack's parameters (in the parent's terms).
    (passed,) = stacks["Top/Nested"].parameters.values()
    assert passed["Fn::GetAtt"][1] == "Arn"
    reason = read.acknowledgements.reason("BestLambda-TracingActive", "Prod/Api/Inner/Fn/Resource")
    assert reason == "tracing comes with the v2 rollout"
    assert (
        read.acknowledgements.reason("BestLambda-TracingActive", "Top/Nested/Fn/Resource") is None
    )


def test_read_stacks_takes_the_templates_a_plugin_receives(assembly: Path):
    read = read_stacks([assembly / "Top.template.json"])
    assert [s.name for s in read.stacks] == ["Top", "Top/Nested", "Top/Nested/Deeper"]


def test_a_template_no_manifest_describes_is_read_alone(tmp_path: Path):
    (tmp_path / "t.template.json").write_text('{"Resources": {}}')
    (stack,) = read_stacks([tmp_path / "t.template.json"]).stacks
    assert (stack.name, stack.paths) == ("t.template", {})


def test_explicit_stack_name_keeps_the_construct_path(tmp_path: Path):
    app = project_app(ROOT, outdir=tmp_path / "out")
    stack = cdk.Stack(app, "Orders", stack_name="orders-prod")
    plain(stack)
    app.synth()
    (read,) = read_assembly(tmp_path / "out").stacks
    assert read.name == "Orders"
    assert read.paths["Fn9270CBC0"] == "Orders/Fn/Resource"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "assembly manifest is missing"),
        ({"manifest.json": "{"}, "the assembly manifest is not valid JSON"),
        ({"manifest.json": "[]"}, "must be a JSON object"),
        (
            {
                "manifest.json": json.dumps(
                    {
                        "artifacts": {
                            "S": {
                                "type": "aws:cloudformation:stack",
                                "properties": {"templateFile": "S.template.json"},
                            }
                        }
                    }
                )
            },
            "stack template is missing",
        ),
    ],
)
def test_unreadable_assemblies_say_what_and_where(tmp_path: Path, files: dict, message: str):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(AssemblyError, match=message) as raised:
        read_assembly(tmp_path)
    assert str(tmp_path) in str(raised.value)


def test_acknowledgements_need_a_reason_and_cover_descendants():
    acks = Acknowledgements()
    acks.add(
        "/App/Api",
        {"BestLambda::BestLambda-Arm64": "x86 only", "Annotation::BestLambda-JsonLogs": " "},
    )
    assert acks.reason("BestLambda-Arm64", "App/Api/Fn/Resource") == "x86 only"
    assert acks.reason("BestLambda-Arm64", "App/Other/Fn/Resource") is None
    assert acks.reason("BestLambda-Arm64", "App/ApiX/Fn") is None  # a prefix is not an ancestor
    assert acks.reason("BestLambda-JsonLogs", "App/Api/Fn/Resource") is None  # no reason
    assert [a.finding_id for a in acks.entries] == ["BestLambda-Arm64", "BestLambda-JsonLogs"]
    assert normalize_ack_id("AwsSolutions-IAM5[Resource::*]") == "AwsSolutions-IAM5[Resource::*]"
