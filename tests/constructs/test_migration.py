"""Replacing ``aws_lambda.Function`` with ``HardenedFunction`` updates the function in place.

A named function (``function_name=``) cannot be replaced by CloudFormation (the new one's
name is taken), and a stack that imports the function's exported ARN blocks any change of
it. So the swap must keep every logical ID the plain function had, and change no property
whose update requires a replacement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from best_lambda import HardenedFunction
from best_lambda.testing import project_app, template_of
from tests.conftest import ROOT

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")

#: Properties whose change makes CloudFormation replace the resource (resource reference,
#: "Update requires: Replacement").
REPLACEMENT_PROPERTIES = {
    "AWS::Lambda::Function": ("FunctionName", "PackageType"),
    "AWS::IAM::Role": ("RoleName", "Path"),
    "AWS::Logs::LogGroup": ("LogGroupName", "KmsKeyId"),
}


def orders_stack(app: cdk.App, function_type: type[lambda_.Function]) -> dict[str, Any]:
    """The same app, with the function built by ``function_type``."""
    stack = cdk.Stack(app, "Orders")
    fn = function_type(
        stack,
        "Api",
        function_name="orders-api",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        timeout=cdk.Duration.seconds(15),
        environment={"TABLE_NAME": "orders"},
    )
    cdk.CfnOutput(stack, "ApiArn", value=fn.function_arn, export_name="OrdersApiArn")
    return template_of(stack)


@pytest.fixture(params=["cdk.json flags", "no flags"])
def apps(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[cdk.App, cdk.App, bool]:
    """Two apps alike: the repository's feature flags (with aws-cdk-lib's managed log
    group), or none at all (an old app); and whether the flags are on."""
    if request.param == "no flags":
        return (
            cdk.App(outdir=str(tmp_path / "a"), builtin_cloud_formation_validation=False),
            cdk.App(outdir=str(tmp_path / "b"), builtin_cloud_formation_validation=False),
            False,
        )
    return (
        project_app(ROOT, outdir=tmp_path / "a", builtin_cloud_formation_validation=False),
        project_app(ROOT, outdir=tmp_path / "b", builtin_cloud_formation_validation=False),
        True,
    )


def test_swap_keeps_every_resource_and_export(apps: tuple[cdk.App, cdk.App, bool]):
    before = orders_stack(apps[0], lambda_.Function)
    after = orders_stack(apps[1], HardenedFunction)

    for logical_id, resource in before["Resources"].items():
        assert logical_id in after["Resources"], f"{logical_id} would be replaced"
        kept = after["Resources"][logical_id]
        assert kept["Type"] == resource["Type"]
        for prop in REPLACEMENT_PROPERTIES.get(resource["Type"], ()):
            assert kept["Properties"].get(prop) == resource["Properties"].get(prop), (
                f"{logical_id}.{prop} changed: CloudFormation would replace it"
            )
    assert after["Outputs"]["ApiArn"] == before["Outputs"]["ApiArn"]
    function_id = "ApiF70053CD"
    assert after["Resources"][function_id]["Properties"]["FunctionName"] == "orders-api"


def test_swap_adds_what_the_practices_call_for(apps: tuple[cdk.App, cdk.App, bool]):
    """What the README's migration section tells users to expect in the diff."""
    before = orders_stack(apps[0], lambda_.Function)
    after = orders_stack(apps[1], HardenedFunction)
    added = {
        logical_id: resource["Type"]
        for logical_id, resource in after["Resources"].items()
        if logical_id not in before["Resources"]
    }
    # With the managed-log-group flag the plain function already had its log group.
    expected_log_groups = [] if apps[2] else ["AWS::Logs::LogGroup"]
    assert sorted(added.values()) == sorted(
        ["AWS::CloudWatch::Alarm"] * 5
        + ["AWS::IAM::Policy"] * (3 if apps[2] else 2)  # default, X-Ray (+ logs: LogsPolicy)
        + ["AWS::Lambda::EventInvokeConfig", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy"]
        + expected_log_groups
    )
    role = after["Resources"]["ApiServiceRole1BD550DA"]["Properties"]
    assert "ManagedPolicyArns" not in role  # AWSLambdaBasicExecutionRole, replaced by grants
    function = after["Resources"]["ApiF70053CD"]["Properties"]
    assert function["Architectures"] == ["arm64"]
    assert function["TracingConfig"] == {"Mode": "Active"}


def test_managed_log_group_is_kept_with_a_retention(tmp_path: Path):
    """With aws-cdk-lib's managed log group (cdk.json), the function's group stays the same
    resource with the same name: only a retention is added."""
    before = orders_stack(
        project_app(ROOT, outdir=tmp_path / "a", builtin_cloud_formation_validation=False),
        lambda_.Function,
    )
    after = orders_stack(
        project_app(ROOT, outdir=tmp_path / "b", builtin_cloud_formation_validation=False),
        HardenedFunction,
    )
    ((group_id, group),) = (
        (k, v) for k, v in before["Resources"].items() if v["Type"] == "AWS::Logs::LogGroup"
    )
    assert after["Resources"][group_id]["Properties"] == {
        **group["Properties"],
        "RetentionInDays": 30,
    }
