from __future__ import annotations

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.lambda_.cold_start_config import RULE, snap_start_supported
from best_lambda.rules.model import Severity, Status
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import (
    OPTIONS,
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    cfn_function,
    is_prod_condition,
    result,
)

SNAP_START = {"applyOn": "PublishedVersions"}
PC = {"provisionedConcurrentExecutions": 2}


def version(
    stack: cdk.Stack, fn: lambda_.CfnFunction, construct_id: str = "Version", **props: object
) -> lambda_.CfnVersion:
    return lambda_.CfnVersion(stack, construct_id, function_name=fn.ref, **props)  # type: ignore[arg-type]


def alias(
    stack: cdk.Stack, fn: lambda_.CfnFunction, ver: lambda_.CfnVersion, **props: object
) -> lambda_.CfnAlias:
    return lambda_.CfnAlias(
        stack,
        "Alias",
        function_name=fn.ref,
        function_version=ver.attr_version,
        name="live",
        **props,  # type: ignore[arg-type]
    )


def suffixes(outcome: object) -> dict[str, Severity | None]:
    return {f.suffix: f.severity for f in outcome.findings}  # type: ignore[attr-defined]


# -- compliant ----------------------------------------------------------------------------
def test_compliant_snap_start_on_python_with_an_alias(stack: cdk.Stack):
    fn = cfn_function(stack, snap_start=SNAP_START, runtime="python3.13")
    alias(stack, fn, version(stack, fn))
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_provisioned_concurrency_on_the_alias(stack: cdk.Stack):
    fn = cfn_function(stack)
    alias(stack, fn, version(stack, fn), provisioned_concurrency_config=PC)
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_provisioned_concurrency_on_a_version_an_alias_points_to(stack: cdk.Stack):
    fn = cfn_function(stack)
    alias(stack, fn, version(stack, fn, provisioned_concurrency_config=PC))
    assert_compliant(result(RULE, stack, "Fn"))


@pytest.mark.parametrize(
    ("runtime", "supported"),
    [
        ("python3.12", True),
        ("python3.14", True),
        ("python3.11", False),
        ("java11", True),
        ("java21", True),
        ("java8.al2", False),
        ("dotnet8", True),
        ("dotnet6", False),
        ("dotnetcore3.1", False),
        ("nodejs22.x", False),
        ("ruby3.4", False),
        ("provided.al2023", False),
    ],
)
def test_compliant_runtime_table(runtime: str, supported: bool):
    assert snap_start_supported(runtime) is supported


def test_compliant_table_agrees_with_aws_cdk_lib():
    """aws-cdk-lib refuses SnapStart on the same runtimes (a function it would refuse with a
    jsii error must be refused by HardenedFunction first)."""
    disagree = [
        r.name
        for r in lambda_.Runtime.ALL
        if r.name != "FROM_IMAGE" and snap_start_supported(r.name) != r.supports_snap_start
    ]
    assert disagree == []


# -- non-compliant ------------------------------------------------------------------------
def test_non_compliant_snap_start_on_node(stack: cdk.Stack):
    cfn_function(stack, snap_start=SNAP_START, runtime="nodejs22.x")
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(outcome, "runtime nodejs22.x does not support it", "SnapStart::Runtime")
    assert outcome.findings[0].severity is None  # the rule's: error


def test_non_compliant_snap_start_on_a_container_image(stack: cdk.Stack):
    lambda_.CfnFunction(
        stack,
        "Fn",
        code={"imageUri": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"},
        role="arn:aws:iam::123456789012:role/r",
        package_type="Image",
        snap_start=SNAP_START,
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "container image", "SnapStart::Runtime")


def test_non_compliant_snap_start_with_provisioned_concurrency_on_the_alias(stack: cdk.Stack):
    fn = cfn_function(stack, snap_start=SNAP_START)
    alias(stack, fn, version(stack, fn), provisioned_concurrency_config=PC)
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(outcome, "Alias Alias has provisioned concurrency")
    assert suffixes(outcome) == {"SnapStart::ProvisionedConcurrency": None}
    assert outcome.findings[0].logical_id == "Alias"  # reported where the fix goes


def test_non_compliant_snap_start_with_provisioned_concurrency_on_a_bare_version(
    stack: cdk.Stack,
):
    fn = cfn_function(stack, snap_start=SNAP_START)
    version(stack, fn, provisioned_concurrency_config=PC)
    outcome = result(RULE, stack, "Fn")
    assert suffixes(outcome) == {
        "SnapStart::ProvisionedConcurrency": None,
        "ProvisionedConcurrency::Version": Severity.WARNING,
    }


def test_non_compliant_provisioned_concurrency_on_a_bare_version_is_a_warning(
    stack: cdk.Stack,
):
    fn = cfn_function(stack)
    version(stack, fn, provisioned_concurrency_config=PC)
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(outcome, "no alias points to it")
    assert suffixes(outcome) == {"ProvisionedConcurrency::Version": Severity.WARNING}
    assert outcome.findings[0].logical_id == "Version"


def test_non_compliant_snap_start_with_efs_and_large_tmp(stack: cdk.Stack):
    cfn_function(
        stack,
        snap_start=SNAP_START,
        ephemeral_storage={"size": 2048},
        file_system_configs=[
            {
                "arn": "arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1",
                "localMountPath": "/mnt/data",
            }
        ],
    )
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(outcome, "2048 MB", "EFS")
    assert set(suffixes(outcome)) == {"SnapStart::EphemeralStorage", "SnapStart::FileSystem"}


def test_non_compliant_wins_over_unknown(stack: cdk.Stack):
    """A definite problem is reported even when something else cannot be resolved."""
    runtime = cdk.CfnParameter(stack, "Runtime", default="python3.13")
    fn = cfn_function(stack, snap_start=SNAP_START, runtime=runtime.value_as_string)
    alias(stack, fn, version(stack, fn), provisioned_concurrency_config=PC)
    assert suffixes(result(RULE, stack, "Fn")) == {"SnapStart::ProvisionedConcurrency": None}


# -- not applicable -----------------------------------------------------------------------
def test_not_applicable_without_snap_start_or_provisioned_concurrency(stack: cdk.Stack):
    fn = cfn_function(stack)
    alias(stack, fn, version(stack, fn))
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_when_snap_start_is_off(stack: cdk.Stack):
    cfn_function(stack, snap_start={"applyOn": "None"}, runtime="nodejs22.x")
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_on_the_real_templates():
    """None of the ten real templates uses SnapStart, versions or aliases."""
    root = Path(__file__).resolve().parents[2] / "data" / "realapps"
    for path in sorted(root.glob("*.json")):
        index = TemplateIndex(json.loads(path.read_text()), name=path.stem)
        for function in index.iter_functions():
            outcome = RULE.check(function, index, OPTIONS)
            assert outcome.status is Status.NOT_APPLICABLE, (path.stem, function.logical_id)


# -- unknown ------------------------------------------------------------------------------
def test_unknown_when_snap_start_depends_on_a_parameter(stack: cdk.Stack):
    apply_on = cdk.CfnParameter(stack, "ApplyOn", default="PublishedVersions")
    cfn_function(stack, snap_start={"applyOn": apply_on.value_as_string}, runtime="nodejs22.x")
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'ApplyOn'")


def test_unknown_when_the_runtime_is_a_parameter(stack: cdk.Stack):
    runtime = cdk.CfnParameter(stack, "Runtime", default="python3.13")
    cfn_function(stack, snap_start=SNAP_START, runtime=runtime.value_as_string)
    assert_unknown(result(RULE, stack, "Fn"), "Runtime: it comes from the template parameter")


def test_non_compliant_when_one_branch_of_a_condition_adds_provisioned_concurrency(
    stack: cdk.Stack,
):
    """Conditions are decided branch by branch: the IsProd branch breaks the deployment."""
    condition = is_prod_condition(stack)
    fn = cfn_function(stack, snap_start=SNAP_START)
    alias(
        stack,
        fn,
        version(stack, fn),
        provisioned_concurrency_config=cdk.Fn.condition_if(
            condition.logical_id, PC, cdk.Aws.NO_VALUE
        ),
    )
    assert_non_compliant(
        result(RULE, stack, "Fn"), "When IsProd is true", "has provisioned concurrency"
    )
