from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.lambda_.explicit_memory import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    beyond_the_condition_cap,
    result,
)
from tests.rules.harness import (
    cfn_function as fn,
)
from tests.rules.harness import (
    is_prod_condition as condition,
)


def template(memory: object) -> dict[str, object]:
    props = {"Runtime": "python3.13", "Handler": "index.handler", "MemorySize": memory}
    return {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": props}}}


def test_compliant_l2_memory_size(stack: cdk.Stack):
    lambda_.Function(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("x"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        memory_size=1024,
    )
    assert_compliant(result(RULE, stack, "Fn"))


@pytest.mark.parametrize("memory", [128, 1769, 10240, "512"])
def test_compliant_literal_within_limits(memory: object):
    """Even 128 MB, Lambda's default, is compliant when it is written down on purpose."""
    assert_compliant(result(RULE, template(memory), "Fn"))


def test_compliant_parameter_is_deliberate(stack: cdk.Stack):
    memory = cdk.CfnParameter(stack, "Memory", type="Number", default=256)
    fn(stack, memory_size=memory.value_as_number)
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_condition_with_two_valid_values(stack: cdk.Stack):
    cond = condition(stack)
    fn(stack, memory_size=cdk.Token.as_number(cdk.Fn.condition_if(cond.logical_id, 2048, 512)))
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_when_unset(stack: cdk.Stack):
    lambda_.Function(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("x"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
    )
    assert_non_compliant(
        result(RULE, stack, "Fn"), "MemorySize is not set", "Lambda's default of 128 MB"
    )


@pytest.mark.parametrize(("memory", "shown"), [(64, "64 MB"), (10241, "10241 MB")])
def test_non_compliant_outside_lambda_limits(stack: cdk.Stack, memory: int, shown: str):
    fn(stack, memory_size=memory)
    assert_non_compliant(
        result(RULE, stack, "Fn"), f"MemorySize is {shown}", "limit of 128 to 10,240 MB"
    )


def test_non_compliant_condition_branch_outside_limits(stack: cdk.Stack):
    cond = condition(stack)
    fn(stack, memory_size=cdk.Token.as_number(cdk.Fn.condition_if(cond.logical_id, 64, 512)))
    assert_non_compliant(result(RULE, stack, "Fn"), "When IsProd is true: MemorySize is 64 MB")


def test_non_compliant_not_a_number():
    assert_non_compliant(result(RULE, template("lots"), "Fn"), "'lots'", "not a number")


def test_not_applicable_to_aws_cdk_lib_functions(stack: cdk.Stack):
    fn(stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a")
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_non_compliant_when_a_condition_leaves_it_unset(stack: cdk.Stack):
    cond = condition(stack)
    fn(
        stack,
        memory_size=cdk.Token.as_number(
            cdk.Fn.condition_if(cond.logical_id, cdk.Aws.NO_VALUE, 1024)
        ),
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "When IsProd is true: MemorySize is not set")


def test_unknown_beyond_the_cap_on_condition_combinations(stack: cdk.Stack):
    fn(stack, memory_size=512)
    outcome = result(RULE, beyond_the_condition_cap(stack, "Fn"), "Fn")
    assert_unknown(outcome, "more combinations than best-lambda judges")
