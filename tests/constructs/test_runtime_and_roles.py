"""The default runtime is pinned, layers must fit it, and a role passed in is respected."""

from __future__ import annotations

import datetime as dt
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match

from best_lambda import HardenedFunction, InvalidPropsError
from best_lambda.constructs.hardened_function import default_runtime, newest_python_runtime
from best_lambda.defaults import lambda_ as defaults
from best_lambda.rules import runtimes
from best_lambda.testing import template_of
from tests.conftest import ROOT

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")


def layer_code() -> lambda_.Code:
    return lambda_.Code.from_asset(str(ROOT / "handlers" / "render_receipt"))


def build(stack: cdk.Stack, construct_id: str = "Fn", **kwargs: Any) -> HardenedFunction:
    return HardenedFunction(stack, construct_id, code=CODE, handler="index.handler", **kwargs)


def function_of(template: dict[str, Any]) -> dict[str, Any]:
    (fn,) = (r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function")
    return fn


# -- the default runtime ---------------------------------------------------------------------
def test_default_runtime_is_the_pinned_constant(stack: cdk.Stack):
    build(stack)
    assert function_of(template_of(stack))["Properties"]["Runtime"] == defaults.RUNTIME
    assert default_runtime().name == defaults.RUNTIME == "python3.14"


def test_default_runtime_is_supported_for_a_year_at_least():
    deprecated = runtimes.deprecation_date(defaults.RUNTIME)
    assert deprecated is not None, "the default runtime must be in the deprecation table"
    assert deprecated - dt.timedelta(days=365) > dt.datetime.now(dt.UTC).date(), (
        f"{defaults.RUNTIME} is deprecated on {deprecated}: release best-lambda with a newer "
        "default (CHANGELOG)"
    )


def test_default_runtime_is_the_newest_python_aws_cdk_lib_knows():
    """When aws-cdk-lib learns a newer Python, this fails: review it, then bump the pinned
    default in a release. Until then functions keep the pinned one, and cdk-nag's
    'latest runtime' rules are acknowledged for it (next test)."""
    assert newest_python_runtime().name == defaults.RUNTIME


def test_latest_runtime_findings_are_acknowledged_only_when_a_newer_one_exists(
    stack: cdk.Stack, monkeypatch: pytest.MonkeyPatch
):
    from best_lambda.constructs import hardened_function as module

    monkeypatch.setattr(module, "_newest_python_name", lambda: "python3.99")
    build(stack, "Pinned")
    build(stack, "Chosen", runtime=lambda_.Runtime.PYTHON_3_13)
    acknowledged = {
        path: [
            entry.data
            for entry in child.node.metadata
            if entry.type == "aws:cdk:acknowledged-rules"
        ]
        for path, child in (
            ("Pinned", stack.node.find_child("Pinned").node.default_child),
            ("Chosen", stack.node.find_child("Chosen").node.default_child),
        )
    }
    assert "AwsSolutions-L1" in str(acknowledged["Pinned"])
    assert "Serverless-LambdaLatestVersion" in str(acknowledged["Pinned"])
    assert "AwsSolutions-L1" not in str(acknowledged["Chosen"])  # the user's own choice


def test_upgrading_aws_cdk_lib_does_not_change_the_runtime(
    stack: cdk.Stack, monkeypatch: pytest.MonkeyPatch
):
    """The default does not follow aws-cdk-lib's newest runtime."""
    from best_lambda.constructs import hardened_function as module

    monkeypatch.setattr(module, "_newest_python_name", lambda: "python3.99")
    build(stack)
    assert function_of(template_of(stack))["Properties"]["Runtime"] == "python3.14"


# -- layers ----------------------------------------------------------------------------------
def test_layer_for_another_runtime_is_one_clear_error(stack: cdk.Stack):
    layer = lambda_.LayerVersion(
        stack, "Deps", code=layer_code(), compatible_runtimes=[lambda_.Runtime.PYTHON_3_13]
    )
    with pytest.raises(InvalidPropsError) as caught:
        build(stack, layers=[layer])
    (problem,) = caught.value.problems
    assert str(problem) == (
        "layers[0] + runtime=Runtime('python3.14'): layer Test/Deps declares "
        "compatible_runtimes ['python3.13']; use one of them or a layer built for this runtime"
    )


def test_layers_that_fit_or_say_nothing_are_accepted(stack: cdk.Stack):
    fits = lambda_.LayerVersion(
        stack,
        "Fits",
        code=layer_code(),
        compatible_runtimes=[lambda_.Runtime.PYTHON_3_13, lambda_.Runtime.PYTHON_3_14],
    )
    imported = lambda_.LayerVersion.from_layer_version_arn(
        stack, "Imported", "arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"
    )
    build(stack, layers=[fits, imported])
    assert len(function_of(template_of(stack))["Properties"]["Layers"]) == 2


@pytest.mark.parametrize(
    ("layers", "expected"),
    [
        ("x", "layers='x': expected a list of aws_lambda.ILayerVersion"),
        (5, "layers=5: expected a list of aws_lambda.ILayerVersion"),
        (
            ["arn:aws:lambda:eu-west-1:1:layer:x:1"],
            "layers[0]='arn:aws:lambda:eu-west-1:1:layer:x:1'",
        ),
    ],
)
def test_layers_of_the_wrong_type(stack: cdk.Stack, layers: Any, expected: str):
    with pytest.raises(InvalidPropsError) as caught:
        build(stack, layers=layers)
    assert any(str(p).startswith(expected) for p in caught.value.problems), caught.value


def test_more_than_five_layers(stack: cdk.Stack):
    layers = [
        lambda_.LayerVersion.from_layer_version_arn(
            stack, f"L{i}", f"arn:aws:lambda:eu-west-1:123456789012:layer:l{i}:1"
        )
        for i in range(6)
    ]
    with pytest.raises(InvalidPropsError) as caught:
        build(stack, layers=layers)
    assert "layers=<6 items>: at most 5 items (AWS Lambda limit), got 6" in str(caught.value)


# -- roles -----------------------------------------------------------------------------------
def test_immutable_role_gets_no_policy_and_a_warning_listing_what_it_needs(stack: cdk.Stack):
    role = iam.Role.from_role_arn(
        stack, "Given", "arn:aws:iam::123456789012:role/orders", mutable=False
    )
    build(stack, role=role)
    template = template_of(stack)
    types = sorted({r["Type"] for r in template["Resources"].values()})
    assert "AWS::IAM::Policy" not in types
    assert "AWS::IAM::Role" not in types
    Annotations.from_stack(stack).has_warning(
        "/Test/Fn",
        Match.string_like_regexp(
            r"runs as an immutable role: best-lambda attached no policy to it\. The role itself "
            r"must allow: logs:CreateLogStream and logs:PutLogEvents on its log group .*; "
            r"xray:PutTraceSegments and xray:PutTelemetryRecords on '\*'; sqs:SendMessage on "
            r"its dead-letter queue"
        ),
    )


def test_role_without_policy_updates_is_immutable_too(stack: cdk.Stack):
    own = iam.Role(stack, "Own", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    build(stack, role=own.without_policy_updates(), dead_letter_queue_enabled=False)
    assert not [
        r for r in template_of(stack)["Resources"].values() if r["Type"] == "AWS::IAM::Policy"
    ]
    Annotations.from_stack(stack).has_warning(
        "/Test/Fn", Match.string_like_regexp("immutable role")
    )


def test_cross_account_role_is_immutable(stack: cdk.Stack):
    stack_in_account = cdk.Stack(
        stack.node.scope,
        "InAccount",
        env=cdk.Environment(account="123456789012", region="eu-west-1"),
    )
    role = iam.Role.from_role_arn(
        stack_in_account, "Given", "arn:aws:iam::999999999999:role/theirs"
    )
    build(stack_in_account, role=role, dead_letter_queue_enabled=False)
    assert not [
        r
        for r in template_of(stack_in_account)["Resources"].values()
        if r["Type"] == "AWS::IAM::Policy"
    ]


def test_imported_mutable_role_gets_the_policies(stack: cdk.Stack):
    role = iam.Role.from_role_arn(stack, "Given", "arn:aws:iam::123456789012:role/orders")
    build(stack, role=role)
    template = template_of(stack)
    attached = [
        r["Properties"]["Roles"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Policy"
    ]
    assert attached and all(roles == ["orders"] for roles in attached)
    assert not Annotations.from_stack(stack).find_warning(
        "/Test/Fn", Match.string_like_regexp("immutable role")
    )
