from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_secretsmanager as secretsmanager

from best_lambda.rules.lambda_.no_secrets_in_env import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"


def fn(stack: cdk.Stack, construct_id: str = "Fn", **props: object) -> lambda_.CfnFunction:
    defaults: dict[str, object] = {
        "code": {"zipFile": "def handler(event, context): pass"},
        "role": "arn:aws:iam::123456789012:role/r",
        "handler": "index.handler",
        "runtime": "python3.13",
    }
    return lambda_.CfnFunction(stack, construct_id, **{**defaults, **props})  # type: ignore[arg-type]


def l2(stack: cdk.Stack, environment: dict[str, str]) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("x"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        environment=environment,
    )


def template(variables: Any, mappings: dict[str, Any] | None = None) -> dict[str, Any]:
    props = {"Runtime": "python3.13", "Environment": {"Variables": variables}}
    return {
        "Mappings": mappings or {},
        "Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": props}},
    }


def messages(outcome: Any) -> str:
    return " ".join(f.message for f in outcome.findings)


def test_rule_is_granular():
    assert RULE.granular


def test_compliant_plain_configuration(stack: cdk.Stack):
    l2(stack, {"TABLE_NAME": "orders", "LOG_LEVEL": "INFO", "POWERTOOLS_SERVICE_NAME": "shop"})
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_plain_ssm_dynamic_reference(stack: cdk.Stack):
    l2(stack, {"DB_HOST": "{{resolve:ssm:/prod/db/host}}", "DB_SECRET": "{{resolve:ssm:/p:3}}"})
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_secrets_manager_dynamic_reference(stack: cdk.Stack):
    l2(stack, {"DB": "{{resolve:secretsmanager:prod/db:SecretString:password}}"})
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(outcome, "dynamic reference to a Secrets Manager secret", "Variable::DB")
    assert "prod/db" not in messages(outcome)


def test_non_compliant_secret_value_of_aws_cdk_lib(stack: cdk.Stack):
    """SecretValue.secrets_manager(...) renders as an Fn::Join of a dynamic reference."""
    secret = secretsmanager.Secret(stack, "DbSecret")
    l2(stack, {"DB_PASSWORD": secret.secret_value_from_json("password").unsafe_unwrap()})
    assert_non_compliant(result(RULE, stack, "Fn"), "Secrets Manager secret")


def test_non_compliant_ssm_secure_dynamic_reference():
    variables = {"TOKEN": {"Fn::Sub": "{{resolve:ssm-secure:/${AWS::StackName}/token}}"}}
    assert_non_compliant(result(RULE, template(variables), "Fn"), "an SSM SecureString parameter")


def test_non_compliant_no_echo_parameter():
    body = template({"DB_PASSWORD": {"Ref": "DbPassword"}, "API": {"Fn::Sub": "${ApiKey}"}})
    body["Parameters"] = {
        "DbPassword": {"Type": "String", "NoEcho": True},
        "ApiKey": {"Type": "String", "NoEcho": "true"},
    }
    outcome = result(RULE, body, "Fn")
    assert_non_compliant(outcome, "NoEcho parameter DbPassword", "NoEcho parameter ApiKey")


def test_compliant_parameter_without_no_echo_or_secret_name():
    body = template({"DB_PASSWORD": {"Ref": "Plain"}, "STAGE": {"Ref": "Hidden"}})
    body["Parameters"] = {
        "Plain": {"Type": "String"},
        "Hidden": {"Type": "String", "NoEcho": True},
    }
    assert_compliant(result(RULE, body, "Fn"))


def test_compliant_arn_is_not_a_secret(stack: cdk.Stack):
    l2(stack, {"DB_SECRET": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf"})
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_reference_to_a_secret_is_not_a_secret(stack: cdk.Stack):
    secret = secretsmanager.Secret(stack, "DbSecret")
    cfn_secret = secretsmanager.CfnSecret(stack, "ApiToken", generate_secret_string={})
    l2(stack, {"DB_SECRET": secret.secret_arn, "API_TOKEN": cfn_secret.ref})
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_other_intrinsics_are_references():
    variables = {
        "API_TOKEN": {"Fn::ImportValue": "shared-api-token"},
        "DB_PASSWORD": {"Fn::Sub": "{{resolve:ssm:/${AWS::StackName}/db}}"},
        "CLIENT_SECRET": {"Fn::Join": ["", ["arn:aws:secretsmanager:", "x"]]},
        "SECRET_KEY": {"Fn::GetAtt": ["Somewhere", "Value"]},
    }
    assert_compliant(result(RULE, template(variables), "Fn"))


def test_non_compliant_password_literal(stack: cdk.Stack):
    l2(stack, {"DB_PASSWORD": "hunter2hunter2", "TABLE_NAME": "orders"})
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(outcome, "Environment variable DB_PASSWORD", "Variable::DB_PASSWORD")
    assert [f.suffix for f in outcome.findings] == ["Variable::DB_PASSWORD"]
    assert "hunter2" not in messages(outcome)


def test_non_compliant_access_key_id_whatever_the_name(stack: cdk.Stack):
    l2(stack, {"TABLE_NAME": ACCESS_KEY})
    outcome = result(RULE, stack, "Fn")
    assert_non_compliant(outcome, "AWS access key ID", "Variable::TABLE_NAME")
    assert ACCESS_KEY not in messages(outcome)


def test_non_compliant_one_finding_per_variable(stack: cdk.Stack):
    l2(stack, {"API_TOKEN": "tok-0123456789", "AWS_KEY": ACCESS_KEY, "STAGE": "prod"})
    outcome = result(RULE, stack, "Fn")
    assert sorted(f.suffix or "" for f in outcome.findings) == [
        "Variable::API_TOKEN",
        "Variable::AWS_KEY",
    ]


def test_non_compliant_literal_behind_a_condition():
    variables = {"DB_PASSWORD": {"Fn::If": ["IsProd", {"Ref": "DbPasswordArn"}, "hunter2hunter2"]}}
    assert_non_compliant(result(RULE, template(variables), "Fn"), "Variable::DB_PASSWORD")


def test_non_compliant_literal_in_a_mapping():
    variables = {"API_TOKEN": {"Fn::FindInMap": ["Tokens", "prod", "api"]}}
    mappings = {"Tokens": {"prod": {"api": "s3cr3t-t0ken-value"}}}
    assert_non_compliant(result(RULE, template(variables, mappings), "Fn"), "Variable::API_TOKEN")


def test_non_compliant_literal_in_a_conditional_map():
    variables = {"Fn::If": ["IsProd", {"DB_PASSWORD": "hunter2hunter2"}, {"Ref": "AWS::NoValue"}]}
    assert_non_compliant(
        result(RULE, template(variables), "Fn"),
        "When IsProd is true: Environment variable DB_PASSWORD",
    )


def test_not_applicable_without_environment(stack: cdk.Stack):
    fn(stack)
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_with_empty_environment():
    assert_not_applicable(result(RULE, template({}), "Fn"))


def test_not_applicable_to_aws_cdk_lib_functions(stack: cdk.Stack):
    fn(
        stack,
        "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a",
        environment={"variables": {"DB_PASSWORD": "hunter2hunter2"}},
    )
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_compliant_when_every_branch_of_a_conditional_map_is_clean():
    variables = {"Fn::If": ["IsProd", {"STAGE": "prod"}, {"STAGE": "dev"}]}
    assert_compliant(result(RULE, template(variables), "Fn"))


def test_unknown_when_a_branch_of_the_map_cannot_be_read():
    variables = {"Fn::If": ["IsProd", {"STAGE": "prod"}, {"Fn::ImportValue": "DevEnvironment"}]}
    assert_unknown(result(RULE, template(variables), "Fn"), "when IsProd is false: Environment")


def test_unknown_when_the_environment_is_a_parameter():
    props = {"Runtime": "python3.13", "Environment": {"Ref": "EnvParam"}}
    tpl = {
        "Parameters": {"EnvParam": {"Type": "String"}},
        "Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": props}},
    }
    assert_unknown(result(RULE, tpl, "Fn"), "template parameter 'EnvParam'")
