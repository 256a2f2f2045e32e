"""ApiFunction: each front door on the template, the caller's limit, alarms, snapshots."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs

from best_lambda import ApiFunction, HardenedFunction, HardenedFunctionOptions
from best_lambda.constructs.api_function import caller_timeout_limit
from best_lambda.testing import (
    ALL_PACKS,
    assert_compliant,
    assert_noncompliant,
    normalized,
    template_of,
)

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
OPTIONS = HardenedFunctionOptions(code=CODE, handler="index.handler")


def options(**kwargs: Any) -> HardenedFunctionOptions:
    return HardenedFunctionOptions(**OPTIONS, **kwargs)  # type: ignore[typeddict-item]


def rest_api(stack: cdk.Stack) -> apigateway.RestApi:
    """A REST API configured the way AwsSolutions and Serverless ask (the user's part)."""
    group = logs.LogGroup(stack, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
    api = apigateway.RestApi(
        stack,
        "Api",
        cloud_watch_role=False,
        deploy_options=apigateway.StageOptions(
            access_log_destination=apigateway.LogGroupLogDestination(group),
            access_log_format=apigateway.AccessLogFormat.json_with_standard_fields(
                caller=True,
                http_method=True,
                ip=True,
                protocol=True,
                request_time=True,
                resource_path=True,
                response_length=True,
                status=True,
                user=True,
            ),
            logging_level=apigateway.MethodLoggingLevel.INFO,
            tracing_enabled=True,
            throttling_rate_limit=100,
            throttling_burst_limit=50,
        ),
        default_method_options=apigateway.MethodOptions(
            authorization_type=apigateway.AuthorizationType.IAM
        ),
    )
    api.add_request_validator(
        "Validator", validate_request_body=True, validate_request_parameters=True
    )
    for rule_id, reason in (
        ("AwsSolutions-COG4", "test fixture: IAM authorization, no Cognito user pool"),
        ("AwsSolutions-APIG3", "test fixture: WAF is the edge team's, in front of the API"),
    ):
        cdk.Validations.of(api).acknowledge(cdk.Acknowledgment(id=rule_id, reason=reason))
    return api


def http_api(stack: cdk.Stack) -> apigatewayv2.HttpApi:
    """An HTTP API whose stage logs access and throttles (the user's part)."""
    api = apigatewayv2.HttpApi(stack, "Api", create_default_stage=False)
    group = logs.LogGroup(stack, "AccessLogs", retention=logs.RetentionDays.ONE_MONTH)
    apigatewayv2.CfnStage(
        stack,
        "Stage",
        api_id=api.api_id,
        stage_name="$default",
        auto_deploy=True,
        access_log_settings=apigatewayv2.CfnStage.AccessLogSettingsProperty(
            destination_arn=group.log_group_arn,
            format=json.dumps({"requestId": "$context.requestId", "status": "$context.status"}),
        ),
        default_route_settings=apigatewayv2.CfnStage.RouteSettingsProperty(
            throttling_burst_limit=50, throttling_rate_limit=100
        ),
    )
    return api


def of_type(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == rtype}


def only(template: dict[str, Any], rtype: str) -> tuple[str, dict[str, Any]]:
    (found,) = [(k, v.get("Properties", {})) for k, v in of_type(template, rtype).items()]
    return found


def logical_id(construct: Any) -> str:
    return str(cdk.Stack.of(construct).get_logical_id(construct.node.default_child))


@pytest.mark.parametrize(
    ("front", "limit"),
    [("rest_api", 29), ("http_api", 30), ("function_url", 900), (None, 29)],
)
def test_the_callers_timeout_limit(front: str | None, limit: int):
    fronts = {k: k == front for k in ("rest_api", "http_api", "function_url")}
    assert caller_timeout_limit(**fronts) == limit


class TestRestApi:
    @pytest.fixture
    def orders(self, stack: cdk.Stack) -> ApiFunction:
        return ApiFunction(
            stack,
            "Orders",
            function_options=OPTIONS,
            rest_api=rest_api(stack),
            method="GET",
            path="/orders/{id}",
        )

    @pytest.fixture
    def template(self, stack: cdk.Stack, orders: ApiFunction) -> dict[str, Any]:
        return template_of(stack)

    def test_a_proxy_integration_at_method_and_path(self, template, orders):
        _, method = only(template, "AWS::ApiGateway::Method")
        assert method["HttpMethod"] == "GET"
        assert method["AuthorizationType"] == "AWS_IAM"  # the API's default
        integration = method["Integration"]
        assert (integration["Type"], integration["IntegrationHttpMethod"]) == ("AWS_PROXY", "POST")
        assert {"Fn::GetAtt": [logical_id(orders.function), "Arn"]} in json.loads(
            json.dumps(integration["Uri"])
        )["Fn::Join"][1]
        paths = sorted(
            r["PathPart"]
            for _, r in of_type(template, "AWS::ApiGateway::Resource").items()
            for r in [r["Properties"]]
        )
        assert paths == ["orders", "{id}"]
        assert orders.method is not None and orders.route is None and orders.function_url is None

    def test_api_gateway_may_invoke_it_on_this_method_only(self, template, orders):
        permissions = [p for _, p in of_type(template, "AWS::Lambda::Permission").items()]
        assert permissions
        for permission in permissions:
            props = permission["Properties"]
            assert props["Principal"] == "apigateway.amazonaws.com"
            assert props["FunctionName"] == {"Fn::GetAtt": [logical_id(orders.function), "Arn"]}
            assert str(props["SourceArn"]).endswith("/GET/orders/*']]}")

    def test_a_synchronous_function(self, template, orders):
        _, function = only(template, "AWS::Lambda::Function")
        assert function["Timeout"] == 10
        assert "DeadLetterConfig" not in function
        assert not of_type(template, "AWS::Lambda::EventInvokeConfig")
        assert not of_type(template, "AWS::SQS::Queue")
        assert isinstance(orders.function, HardenedFunction)
        assert orders.invoked is orders.function and orders.alias is None

    def test_alarms(self, template, orders):
        assert sorted(orders.alarms) == ["Duration", "Errors", "Throttles"]
        (duration,) = [
            a["Properties"]
            for a in of_type(template, "AWS::CloudWatch::Alarm").values()
            if a["Properties"]["MetricName"] == "Duration"
        ]
        assert (duration["Threshold"], duration["ExtendedStatistic"]) == (8_000, "p99")

    def test_compliant_under_every_pack(self, stack, orders):
        assert_compliant(stack, packs=ALL_PACKS)

    def test_snapshot(self, template, template_snapshot):
        assert normalized(template) == template_snapshot


def test_http_api_route_with_the_http_apis_30_s(stack: cdk.Stack, template_snapshot):
    orders = ApiFunction(
        stack,
        "Orders",
        function_options=options(timeout=cdk.Duration.seconds(30)),
        http_api=http_api(stack),
        method="POST",
        path="/orders",
        authorizer=authorizers.HttpIamAuthorizer(),
    )
    template = template_of(stack)
    _, route = only(template, "AWS::ApiGatewayV2::Route")
    assert (route["RouteKey"], route["AuthorizationType"]) == ("POST /orders", "AWS_IAM")
    _, integration = only(template, "AWS::ApiGatewayV2::Integration")
    assert integration["IntegrationUri"] == {"Fn::GetAtt": [logical_id(orders.function), "Arn"]}
    assert integration["PayloadFormatVersion"] == "2.0"
    # Declared: aws-cdk-lib refuses more than 29 s, HTTP APIs wait 30 s.
    assert integration["TimeoutInMillis"] == 30_000
    assert orders.route is not None
    assert_compliant(stack, packs=ALL_PACKS)
    assert normalized(template) == template_snapshot


def test_http_api_integration_keeps_its_default_timeout_up_to_29_s(stack: cdk.Stack):
    ApiFunction(
        stack,
        "Orders",
        function_options=options(timeout=cdk.Duration.seconds(29)),
        http_api=http_api(stack),
        path="/orders",
    )
    _, integration = only(template_of(stack), "AWS::ApiGatewayV2::Integration")
    assert "TimeoutInMillis" not in integration
    _, route = only(template_of(stack), "AWS::ApiGatewayV2::Route")
    assert route["RouteKey"] == "ANY /orders"  # the default method


def test_function_url_requires_iam_by_default(stack: cdk.Stack, template_snapshot):
    lookup = ApiFunction(
        stack,
        "Lookup",
        function_options=options(timeout=cdk.Duration.seconds(120)),  # no API: up to 900 s
        function_url=True,
    )
    template = template_of(stack)
    _, url = only(template, "AWS::Lambda::Url")
    assert url["AuthType"] == "AWS_IAM"
    assert url["TargetFunctionArn"] == {"Fn::GetAtt": [logical_id(lookup.function), "Arn"]}
    assert not of_type(template, "AWS::Lambda::Permission")  # callers are granted explicitly
    assert lookup.function_url is not None
    assert_compliant(stack, packs=ALL_PACKS)
    assert normalized(template) == template_snapshot


def test_a_public_function_url_is_acknowledged_with_the_users_reason(stack: cdk.Stack):
    reason = "a payment provider's webhook; the handler verifies its HMAC signature"
    webhook = ApiFunction(
        stack,
        "Webhook",
        function_options=OPTIONS,
        function_url=True,
        auth_type=lambda_.FunctionUrlAuthType.NONE,
        public_url_reason=reason,
    )
    _, url = only(template_of(stack), "AWS::Lambda::Url")
    assert url["AuthType"] == "NONE"
    assert_compliant(stack, packs=ALL_PACKS)
    with pytest.raises(AssertionError) as caught:
        assert_noncompliant(webhook, "BestLambda-FunctionUrlAuth")
    assert f"It is acknowledged at Test/Webhook/Url/Resource: {reason!r}" in str(caught.value)


def test_provisioned_concurrency_on_an_alias_the_api_invokes(stack: cdk.Stack, template_snapshot):
    orders = ApiFunction(
        stack,
        "Orders",
        function_options=options(reserved_concurrent_executions=20),
        rest_api=rest_api(stack),
        method="POST",
        path="/orders",
        provisioned_concurrent_executions=5,
    )
    template = template_of(stack)
    alias_id, alias = only(template, "AWS::Lambda::Alias")
    assert alias["Name"] == "live"
    assert alias["ProvisionedConcurrencyConfig"] == {"ProvisionedConcurrentExecutions": 5}
    _, method = only(template, "AWS::ApiGateway::Method")
    assert {"Ref": alias_id} in method["Integration"]["Uri"]["Fn::Join"][1]
    for permission in of_type(template, "AWS::Lambda::Permission").values():
        assert permission["Properties"]["FunctionName"] == {"Ref": alias_id}
    assert orders.invoked is orders.alias
    spillover = [
        a["Properties"]
        for a in of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == "ProvisionedConcurrencySpilloverInvocations"
    ]
    assert [(a["Threshold"], a["Statistic"]) for a in spillover] == [(1, "Sum")]
    assert "ProvisionedConcurrencySpillover" in orders.alarms
    assert_compliant(stack, packs=ALL_PACKS)
    assert normalized(template) == template_snapshot


def test_a_function_url_on_a_named_alias(stack: cdk.Stack):
    lookup = ApiFunction(
        stack, "Lookup", function_options=OPTIONS, function_url=True, alias_name="prod"
    )
    template = template_of(stack)
    _, url = only(template, "AWS::Lambda::Url")
    assert url["Qualifier"] == "prod"
    _, alias = only(template, "AWS::Lambda::Alias")
    assert "ProvisionedConcurrencyConfig" not in alias
    assert "ProvisionedConcurrencySpillover" not in lookup.alarms


def test_a_plain_function_gets_a_duration_alarm_against_the_limit(stack: cdk.Stack):
    plain = lambda_.Function(
        stack,
        "Plain",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        timeout=cdk.Duration.seconds(20),
    )
    orders = ApiFunction(stack, "Orders", function=plain, http_api=http_api(stack), path="/o")
    assert sorted(orders.alarms) == ["Duration"]
    (duration,) = of_type(template_of(stack), "AWS::CloudWatch::Alarm").values()
    assert duration["Properties"]["Threshold"] == 16_000  # 80 % of its 20 s timeout
    assert "the caller gives up at 30 s" in duration["Properties"]["AlarmDescription"]


def test_an_imported_function_is_alarmed_against_the_callers_limit(stack: cdk.Stack):
    imported = lambda_.Function.from_function_arn(
        stack, "Theirs", "arn:aws:lambda:eu-west-1:123456789012:function:theirs"
    )
    orders = ApiFunction(stack, "Orders", function=imported, rest_api=rest_api(stack), path="/o")
    assert orders.function is imported
    (duration,) = of_type(template_of(stack), "AWS::CloudWatch::Alarm").values()
    assert duration["Properties"]["Threshold"] == 23_200  # 80 % of 29 s


def test_a_hardened_function_keeps_its_own_alarms(stack: cdk.Stack):
    fn = HardenedFunction(
        stack, "Fn", code=CODE, handler="index.handler", dead_letter_queue_enabled=False
    )
    orders = ApiFunction(stack, "Orders", function=fn, function_url=True)
    assert dict(orders.alarms) == {}
    assert len(of_type(template_of(stack), "AWS::CloudWatch::Alarm")) == 3  # the function's


def test_logical_ids_are_stable(stack: cdk.Stack):
    ApiFunction(stack, "Lookup", function_options=OPTIONS, function_url=True)
    assert sorted(template_of(stack)["Resources"]) == [
        "LookupHandlerDurationAlarmEC3E9939",
        "LookupHandlerEB3DA261",
        "LookupHandlerErrorsAlarm863A14CC",
        "LookupHandlerLogGroupBE4C8612",
        "LookupHandlerLogsPolicy509316E1",
        "LookupHandlerServiceRole244F6FDE",
        "LookupHandlerThrottlesAlarm8E046E3C",
        "LookupHandlerTracingPolicyAC30685E",
        "LookupUrl95A221C6",
    ]


# -- the rules agree: remove a safety net and the matching rule fires ------------------------
def test_a_timeout_over_29_s_behind_a_rest_api_is_non_compliant(stack: cdk.Stack):
    orders = ApiFunction(
        stack, "Orders", function_options=OPTIONS, rest_api=rest_api(stack), path="/orders"
    )
    cfn = orders.function.node.default_child
    assert isinstance(cfn, lambda_.CfnFunction)
    cfn.timeout = 30
    assert_noncompliant(orders.function, "BestLambda-ApiTimeout")


def test_a_timeout_over_30_s_behind_an_http_api_is_non_compliant(stack: cdk.Stack):
    orders = ApiFunction(
        stack,
        "Orders",
        function_options=options(timeout=cdk.Duration.seconds(30)),
        http_api=http_api(stack),
        path="/orders",
    )
    assert_compliant(orders.function, packs=("BestLambda",))
    cfn = orders.function.node.default_child
    assert isinstance(cfn, lambda_.CfnFunction)
    cfn.timeout = 31
    assert_noncompliant(orders.function, "BestLambda-ApiTimeout")


def test_a_public_url_without_the_construct_is_non_compliant(stack: cdk.Stack):
    """What ApiFunction acknowledges only with a reason is reported otherwise."""
    orders = ApiFunction(stack, "Orders", function_options=OPTIONS)
    url = lambda_.FunctionUrl(
        stack, "Url", function=orders.function, auth_type=lambda_.FunctionUrlAuthType.NONE
    )
    assert_noncompliant(url, "BestLambda-FunctionUrlAuth")


def test_function_url_cors(stack: cdk.Stack):
    ApiFunction(
        stack,
        "Lookup",
        function_options=OPTIONS,
        function_url=True,
        cors=lambda_.FunctionUrlCorsOptions(allowed_origins=["https://shop.example.com"]),
    )
    _, url = only(template_of(stack), "AWS::Lambda::Url")
    assert url["Cors"]["AllowOrigins"] == ["https://shop.example.com"]
