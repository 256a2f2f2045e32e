from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from best_lambda.rules.logs.log_retention import RULE
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex
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


def template(fn_props: dict[str, Any], **others: dict[str, Any]) -> dict[str, Any]:
    resources: dict[str, Any] = {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Runtime": "python3.13", **fn_props}}
    }
    for logical_id, body in others.items():
        resources[logical_id] = body
    return {"Parameters": {"Days": {"Type": "Number"}}, "Resources": resources}


def group(name: Any, days: Any = None, rtype: str = "AWS::Logs::LogGroup") -> dict[str, Any]:
    props: dict[str, Any] = {"LogGroupName": name}
    if days is not None:
        props["RetentionInDays"] = days
    return {"Type": rtype, "Properties": props}


def test_compliant_l2_function_with_cdk_managed_log_group(stack: cdk.Stack):
    """@aws-cdk/aws-lambda:useCdkManagedLogGroup adds /aws/lambda/<fn> with 731 days."""
    l2(stack)
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_l2_log_group(stack: cdk.Stack):
    l2(stack, log_group=logs.LogGroup(stack, "Logs", retention=logs.RetentionDays.ONE_WEEK))
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_hand_written_sub_name():
    tpl = template({}, Logs=group({"Fn::Sub": "/aws/lambda/${Fn}"}, 14))
    assert_compliant(result(RULE, tpl, "Fn"))


def test_compliant_hand_written_join_name():
    name = {"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Fn"}]]}
    assert_compliant(result(RULE, template({}, Logs=group(name, "30")), "Fn"))


def test_compliant_literal_function_name():
    tpl = template({"FunctionName": "orders"}, Logs=group("/aws/lambda/orders", 30))
    assert_compliant(result(RULE, tpl, "Fn"))


def test_compliant_function_name_built_from_the_stack_name():
    tpl = template(
        {"FunctionName": {"Fn::Sub": "${AWS::StackName}-orders"}},
        Logs=group({"Fn::Join": ["", ["/aws/lambda/", {"Ref": "AWS::StackName"}, "-orders"]]}, 7),
    )
    assert_compliant(result(RULE, tpl, "Fn"))


def test_compliant_custom_log_group_by_literal_name():
    tpl = template(
        {"LoggingConfig": {"LogGroup": "shared-app-logs"}},
        Logs=group("shared-app-logs", 90),
    )
    assert_compliant(result(RULE, tpl, "Fn"))


def test_compliant_deprecated_log_retention_custom_resource(stack: cdk.Stack):
    function = fn(stack)
    cdk.CfnResource(
        stack,
        "FnLogRetention",
        type="Custom::LogRetention",
        properties={
            "ServiceToken": "arn:aws:lambda:eu-west-1:123456789012:function:handler",
            "LogGroupName": cdk.Fn.join("", ["/aws/lambda/", function.ref]),
            "RetentionInDays": 14,
        },
    )
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_without_log_group(stack: cdk.Stack):
    fn(stack)
    assert_non_compliant(
        result(RULE, stack, "Fn"),
        "Lambda creates /aws/lambda/<name of Fn> on first invocation with no retention",
    )


def test_non_compliant_without_log_group_names_the_literal_group():
    assert_non_compliant(
        result(RULE, template({"FunctionName": "orders"}), "Fn"),
        "Lambda creates /aws/lambda/orders on first invocation",
    )


def test_non_compliant_unrelated_log_group_does_not_count():
    """kinesis-error-handling: a LogGroup named after the function, but not its log group."""
    tpl = template(
        {"FunctionName": "Processor"},
        EventMonitor=group("ProcessorLogs", 30),
        Other=group({"Fn::Sub": "/aws/lambda/${Other}"}, 30),
    )
    assert_non_compliant(result(RULE, tpl, "Fn"), "Lambda creates /aws/lambda/Processor")


def test_non_compliant_log_group_without_retention(stack: cdk.Stack):
    l2(stack, log_group=logs.LogGroup(stack, "Logs", retention=logs.RetentionDays.INFINITE))
    assert_non_compliant(result(RULE, stack, "Fn"), "has no RetentionInDays", "never expire")


def test_non_compliant_default_log_group_without_retention():
    tpl = template({}, Logs=group({"Fn::Sub": "/aws/lambda/${Fn}"}))
    assert_non_compliant(result(RULE, tpl, "Fn"), "The log group Logs", "never expire")


def test_non_compliant_log_retention_custom_resource_without_retention():
    name = {"Fn::Join": ["", ["/aws/lambda/", {"Ref": "Fn"}]]}
    tpl = template({}, LR=group(name, rtype="Custom::LogRetention"))
    assert_non_compliant(result(RULE, tpl, "Fn"), "The log group LR", "never expire")


def test_not_applicable_to_aws_cdk_lib_functions(stack: cdk.Stack):
    fn(stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a")
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_unknown_when_log_group_is_a_parameter(stack: cdk.Stack):
    name = cdk.CfnParameter(stack, "LogGroupName")
    fn(stack, logging_config={"logGroup": name.value_as_string})
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'LogGroupName'")


def test_unknown_when_log_group_is_imported(stack: cdk.Stack):
    fn(stack, logging_config={"logGroup": cdk.Fn.import_value("shared-log-group")})
    assert_unknown(result(RULE, stack, "Fn"), "Fn::ImportValue")


def test_unknown_when_retention_is_a_parameter():
    tpl = template({}, Logs=group({"Fn::Sub": "/aws/lambda/${Fn}"}, {"Ref": "Days"}))
    assert_unknown(result(RULE, tpl, "Fn"), "RetentionInDays of Logs")


def test_unknown_when_custom_log_group_is_outside_the_template():
    tpl = template({"LoggingConfig": {"LogGroup": "shared-app-logs"}})
    assert_unknown(result(RULE, tpl, "Fn"), "'shared-app-logs' is not defined in this template")


def test_groups_are_indexed_once_per_template():
    name = {"Fn::Sub": "/aws/lambda/${Fn}"}
    tpl = template({}, Logs=group(name, 7))
    tpl["Resources"]["Fn2"] = json.loads(json.dumps(tpl["Resources"]["Fn"]))
    index = TemplateIndex(tpl)
    calls = []
    original = index.of_type

    def counting(*types: str) -> Any:
        calls.append(types)
        return original(*types)

    index.of_type = counting  # type: ignore[method-assign]
    options = CheckOptions()
    for logical_id in ("Fn", "Fn2"):
        resource = index.get(logical_id)
        assert resource is not None
        RULE.check(resource, index, options)
    assert len(calls) == 1
