from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from best_lambda.rules.lambda_.json_logs import RULE
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


def test_compliant_json(stack: cdk.Stack):
    l2(stack, logging_format=lambda_.LoggingFormat.JSON)
    assert_compliant(result(RULE, stack, "Fn"))


def conditional(config: dict[str, object]) -> dict[str, object]:
    props = {"LoggingConfig": config}
    return {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": props}}}


def test_compliant_when_both_branches_of_a_condition_agree():
    config = {"Fn::If": ["IsProd", {"LogFormat": "JSON"}, {"LogFormat": "JSON"}]}
    assert_compliant(result(RULE, conditional(config), "Fn"))


def test_non_compliant_when_a_condition_picks_text():
    config = {"Fn::If": ["IsProd", {"LogFormat": "JSON"}, {"LogFormat": "Text"}]}
    assert_non_compliant(
        result(RULE, conditional(config), "Fn"), "When IsProd is false: LoggingConfig.LogFormat"
    )


def test_non_compliant_when_unset(stack: cdk.Stack):
    l2(stack)
    assert_non_compliant(result(RULE, stack, "Fn"), "LoggingConfig is not set", "Text")


def test_non_compliant_text(stack: cdk.Stack):
    l2(stack, logging_format=lambda_.LoggingFormat.TEXT)
    assert_non_compliant(result(RULE, stack, "Fn"), "LoggingConfig.LogFormat is 'Text'")


def test_non_compliant_log_group_without_format(stack: cdk.Stack):
    l2(stack, log_group=logs.LogGroup(stack, "Logs"))
    assert_non_compliant(result(RULE, stack, "Fn"), "LoggingConfig.LogFormat is not set")


def test_not_applicable_to_aws_cdk_lib_functions(stack: cdk.Stack):
    fn(stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a")
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_unknown_when_format_is_a_parameter(stack: cdk.Stack):
    log_format = cdk.CfnParameter(stack, "LogFormat", default="JSON")
    fn(stack, logging_config={"logFormat": log_format.value_as_string})
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'LogFormat'")
