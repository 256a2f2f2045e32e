from __future__ import annotations

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.lambda_.explicit_timeout import RULE
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


def template(timeout: object) -> dict[str, object]:
    props = {"Runtime": "python3.13", "Handler": "index.handler", "Timeout": timeout}
    return {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": props}}}


def test_compliant_l2_timeout(stack: cdk.Stack):
    lambda_.Function(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("x"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        timeout=cdk.Duration.seconds(30),
    )
    assert_compliant(result(RULE, stack, "Fn"))


@pytest.mark.parametrize("timeout", [1, 3, 900, "30"])
def test_compliant_literal_within_limits(timeout: object):
    assert_compliant(result(RULE, template(timeout), "Fn"))


def test_compliant_parameter_is_deliberate(stack: cdk.Stack):
    timeout = cdk.CfnParameter(stack, "Timeout", type="Number", default=30)
    fn(stack, timeout=timeout.value_as_number)
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_condition_with_two_valid_values(stack: cdk.Stack):
    cond = condition(stack)
    fn(stack, timeout=cdk.Token.as_number(cdk.Fn.condition_if(cond.logical_id, 60, 10)))
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_when_unset(stack: cdk.Stack):
    lambda_.Function(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("x"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "Timeout is not set", "Lambda's default of 3 s")


@pytest.mark.parametrize(("timeout", "shown"), [(0, "0 s"), (901, "901 s"), (3600, "3600 s")])
def test_non_compliant_outside_lambda_limits(stack: cdk.Stack, timeout: int, shown: str):
    fn(stack, timeout=timeout)
    assert_non_compliant(result(RULE, stack, "Fn"), f"Timeout is {shown}", "limit of 1 to 900 s")


def test_non_compliant_condition_branch_outside_limits(stack: cdk.Stack):
    cond = condition(stack)
    fn(stack, timeout=cdk.Token.as_number(cdk.Fn.condition_if(cond.logical_id, 60, 1200)))
    assert_non_compliant(
        result(RULE, stack, "Fn"), "When IsProd is false: Timeout is 1200 s", "limit of 1 to 900 s"
    )


def test_non_compliant_not_a_number():
    assert_non_compliant(result(RULE, template("thirty"), "Fn"), "'thirty'", "not a number")


def test_not_applicable_to_aws_cdk_lib_functions(stack: cdk.Stack):
    fn(stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a")
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_non_compliant_when_a_condition_leaves_it_unset(stack: cdk.Stack):
    cond = condition(stack)
    fn(
        stack,
        timeout=cdk.Token.as_number(cdk.Fn.condition_if(cond.logical_id, 60, cdk.Aws.NO_VALUE)),
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "When IsProd is false: Timeout is not set")


def test_non_compliant_when_a_nested_condition_leaves_it_unset():
    value = {
        "Fn::If": ["A", 30, {"Fn::If": ["B", {"Ref": "AWS::NoValue"}, {"Ref": "TimeoutParam"}]}]
    }
    body = template(value)
    body["Parameters"] = {"TimeoutParam": {"Type": "Number"}, "P": {"Type": "String"}}
    body["Conditions"] = {
        "A": {"Fn::Equals": [{"Ref": "P"}, "a"]},
        "B": {"Fn::Equals": [{"Ref": "P"}, "b"]},
    }
    outcome = result(RULE, body, "Fn")
    assert_non_compliant(outcome, "When B is true: Timeout is not set")
    assert len(outcome.findings) == 1  # A and B are never both true: "A is false" is implied


def test_unknown_beyond_the_cap_on_condition_combinations(stack: cdk.Stack):
    fn(stack, timeout=30)
    outcome = result(RULE, beyond_the_condition_cap(stack, "Fn"), "Fn")
    assert_unknown(outcome, "more combinations than best-lambda judges")
