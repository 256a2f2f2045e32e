from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.apigateway.api_timeout import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def function(
    stack: cdk.Stack, seconds: int | None = None, construct_id: str = "Fn"
) -> lambda_.Function:
    return lambda_.Function(
        stack,
        construct_id,
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        timeout=cdk.Duration.seconds(seconds) if seconds is not None else None,
    )


def test_compliant_within_29_seconds(stack: cdk.Stack):
    apigw.LambdaRestApi(stack, "Api", handler=function(stack, 29))
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_default_timeout_behind_http_api(stack: cdk.Stack):
    apigwv2.HttpApi(
        stack,
        "Http",
        default_integration=integrations.HttpLambdaIntegration("Integration", function(stack)),
    )
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_with_a_raised_rest_integration_timeout(stack: cdk.Stack):
    apigw.LambdaRestApi(
        stack,
        "Api",
        handler=function(stack, 50),
        integration_options=apigw.LambdaIntegrationOptions(timeout=cdk.Duration.seconds(60)),
    )
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_rest_api(stack: cdk.Stack):
    apigw.LambdaRestApi(stack, "Api", handler=function(stack, 60))
    assert_non_compliant(
        result(RULE, stack, "Fn"), "Timeout is 60 s", "at most 29 s", "504", "REST API method"
    )


def test_non_compliant_above_the_raised_integration_timeout(stack: cdk.Stack):
    apigw.LambdaRestApi(
        stack,
        "Api",
        handler=function(stack, 120),
        integration_options=apigw.LambdaIntegrationOptions(timeout=cdk.Duration.seconds(60)),
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "Timeout is 120 s", "at most 60 s")


def test_compliant_at_the_http_apis_30_seconds(stack: cdk.Stack):
    """An HTTP API waits 30 s by default (its maximum), not the REST API's 29 s."""
    apigwv2.HttpApi(
        stack,
        "Http",
        default_integration=integrations.HttpLambdaIntegration("Integration", function(stack, 30)),
    )
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_http_api(stack: cdk.Stack):
    apigwv2.HttpApi(
        stack,
        "Http",
        default_integration=integrations.HttpLambdaIntegration("Integration", function(stack, 31)),
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "API Gateway v2 integration", "at most 30 s")


def test_non_compliant_when_one_of_two_apis_waits_less(stack: cdk.Stack):
    """Raising one integration's timeout does not help the callers of another."""
    fn = function(stack, 50)
    apigw.LambdaRestApi(
        stack,
        "Slow",
        handler=fn,
        integration_options=apigw.LambdaIntegrationOptions(timeout=cdk.Duration.seconds(60)),
    )
    apigw.LambdaRestApi(stack, "Fast", handler=fn)
    assert_non_compliant(result(RULE, stack, "Fn"), "Timeout is 50 s", "at most 29 s")


def test_non_compliant_through_an_alias(stack: cdk.Stack):
    fn = function(stack, 45)
    alias = lambda_.Alias(stack, "Live", alias_name="live", version=fn.current_version)
    apigw.LambdaRestApi(stack, "Api", handler=alias)
    assert_non_compliant(result(RULE, stack, "Fn"), "Timeout is 45 s")


def test_non_compliant_permission_only(stack: cdk.Stack):
    """SAM-translated templates integrate inside an OpenAPI Body stored elsewhere."""
    function(stack, 60).add_permission(
        "FromApi",
        principal=iam.ServicePrincipal("apigateway.amazonaws.com"),
        source_arn="arn:aws:execute-api:eu-west-1:123456789012:abc/*/*/*",
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "permission FnFromApi")


def openapi_template(timeout_ms: Any) -> dict[str, Any]:
    integration: dict[str, Any] = {
        "type": "aws_proxy",
        "httpMethod": "POST",
        "uri": {
            "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/"
            "2015-03-31/functions/${Fn.Arn}/invocations"
        },
    }
    if timeout_ms is not None:
        integration["timeoutInMillis"] = timeout_ms
    return {
        "Parameters": {"IntegrationTimeout": {"Type": "Number"}},
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.13",
                    "Handler": "index.handler",
                    "Code": {"ZipFile": "x"},
                    "Role": "arn:aws:iam::123456789012:role/r",
                    "Timeout": 50,
                },
            },
            "Api": {
                "Type": "AWS::ApiGateway::RestApi",
                "Properties": {
                    "Body": {
                        "openapi": "3.0",
                        "paths": {
                            "/items": {"post": {"x-amazon-apigateway-integration": integration}}
                        },
                    }
                },
            },
        },
    }


def test_non_compliant_openapi_body_integration():
    assert_non_compliant(
        result(RULE, openapi_template(None), "Fn"), "Api OpenAPI integration of POST /items"
    )


def test_compliant_openapi_body_integration_with_raised_timeout():
    assert_compliant(result(RULE, openapi_template(60000), "Fn"))


def test_not_applicable_without_api(stack: cdk.Stack):
    function(stack, 300)
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_sqs_consumer_behind_an_api_to_sqs_integration(stack: cdk.Stack):
    """The API integrates SQS directly; its consumer is not behind API Gateway."""
    queue = sqs.Queue(stack, "Queue", visibility_timeout=cdk.Duration.minutes(10))
    role = iam.Role(stack, "ApiRole", assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"))
    queue.grant_send_messages(role)
    api = apigw.RestApi(stack, "Api")
    api.root.add_method(
        "POST",
        apigw.AwsIntegration(
            service="sqs",
            path=f"{cdk.Aws.ACCOUNT_ID}/{queue.queue_name}",
            options=apigw.IntegrationOptions(credentials_role=role),
        ),
    )
    fn = function(stack, 60)
    fn.add_event_source(sources.SqsEventSource(queue))
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_to_cdk_framework_function(stack: cdk.Stack):
    fn = function(stack, 60, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a")
    apigw.LambdaRestApi(stack, "Api", handler=fn)
    assert_not_applicable(result(RULE, stack, "LogRetention"))


def test_unknown_when_the_function_timeout_is_a_parameter(stack: cdk.Stack):
    seconds = cdk.CfnParameter(stack, "FnTimeout", type="Number", default=60)
    fn = function(stack)
    (fn.node.default_child).add_property_override(  # type: ignore[union-attr]
        "Timeout", seconds.value_as_number
    )
    apigw.LambdaRestApi(stack, "Api", handler=fn)
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'FnTimeout'")


def test_unknown_when_the_integration_timeout_is_a_parameter():
    template = openapi_template({"Ref": "IntegrationTimeout"})
    assert_unknown(result(RULE, template, "Fn"), "template parameter 'IntegrationTimeout'")
