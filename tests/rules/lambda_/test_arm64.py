from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.lambda_.arm64 import RULE
from best_lambda.rules.model import Severity
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)
from tests.rules.harness import (
    cfn_function as fn,
)


def l2(stack: cdk.Stack, **kwargs: object) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("x"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        **kwargs,  # type: ignore[arg-type]
    )


def test_rule_is_a_warning():
    assert RULE.severity is Severity.WARNING


def test_compliant_arm64(stack: cdk.Stack):
    l2(stack, architecture=lambda_.Architecture.ARM_64)
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_when_unset(stack: cdk.Stack):
    l2(stack)
    assert_non_compliant(result(RULE, stack, "Fn"), "Architectures is not set", "x86_64")


def test_non_compliant_x86_64(stack: cdk.Stack):
    l2(stack, architecture=lambda_.Architecture.X86_64)
    assert_non_compliant(result(RULE, stack, "Fn"), "['x86_64']")


def test_non_compliant_empty_list(stack: cdk.Stack):
    fn(stack, architectures=[])
    # CDK drops an empty list from the template; either way Lambda uses x86_64.
    assert_non_compliant(result(RULE, stack, "Fn"), "x86_64")


def test_non_compliant_hand_written_empty_list():
    template = {
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Runtime": "python3.13", "Architectures": []},
            }
        }
    }
    assert_non_compliant(result(RULE, template, "Fn"), "Architectures is empty")


def test_not_applicable_to_aws_cdk_lib_functions(stack: cdk.Stack):
    fn(stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a")
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_unknown_when_architecture_is_a_parameter(stack: cdk.Stack):
    arch = cdk.CfnParameter(stack, "Arch", default="arm64")
    fn(stack, architectures=[arch.value_as_string])
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'Arch'")


def test_non_compliant_when_a_condition_picks_x86_64(stack: cdk.Stack):
    cond = cdk.CfnCondition(
        stack, "IsProd", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "eu-west-1")
    )
    fn(stack, architectures=[cdk.Fn.condition_if(cond.logical_id, "arm64", "x86_64").to_string()])
    assert_non_compliant(
        result(RULE, stack, "Fn"), "When IsProd is false: Architectures is ['x86_64']"
    )
