#!/usr/bin/env python3
"""An orders service with two front doors and a change stream.

* ``CreateOrder`` behind an HTTP API (``POST /orders``, IAM-signed requests), and
  ``GetOrder`` behind a REST API (``GET /orders/{id}``) on an alias kept warm with
  provisioned concurrency: :class:`~best_lambda.ApiFunction` refuses a timeout the API
  would not wait for, adds the route, and invokes the alias.
* ``ProjectOrders`` reads the table's stream: :class:`~best_lambda.StreamConsumer` bisects
  failing batches, retries 10 times, sets records older than an hour aside in an encrypted
  on-failure queue and alarms on IteratorAge at 30 minutes. The handler reports partial
  batch failures.

The APIs are this app's own: their stages log access as JSON, trace and throttle; the REST
API validates requests and requires IAM authorization. What the app chooses not to do
(Cognito, WAF) is acknowledged on the REST API, with the reason.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import cdk_nag
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns

from best_lambda import (
    AlarmDefaults,
    ApiFunction,
    BestLambdaChecks,
    HardenedFunctionOptions,
    StreamConsumer,
)

#: The platform team's pager topic, owned by another stack.
PAGER_TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:platform-pager"
HANDLERS = lambda_.Code.from_asset(str(Path(__file__).parent / "handler"))


class OrdersStack(cdk.Stack):
    """The table, its two APIs and the stream consumer."""

    def __init__(self, scope: cdk.App, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        AlarmDefaults.of(self).notify(sns.Topic.from_topic_arn(self, "Pager", PAGER_TOPIC_ARN))
        orders = dynamodb.TableV2(
            self,
            "Orders",
            partition_key=dynamodb.Attribute(name="orderId", type=dynamodb.AttributeType.STRING),
            dynamo_stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True
            ),
        )
        environment = {"ORDERS_TABLE_NAME": orders.table_name}

        create = ApiFunction(
            self,
            "CreateOrder",
            function_options=HardenedFunctionOptions(
                code=HANDLERS, handler="api.create_order", environment=environment
            ),
            http_api=self._http_api(),
            method="POST",
            path="/orders",
            authorizer=authorizers.HttpIamAuthorizer(),
        )
        orders.grant_write_data(create.function)

        get = ApiFunction(
            self,
            "GetOrder",
            function_options=HardenedFunctionOptions(
                code=HANDLERS,
                handler="api.get_order",
                timeout=cdk.Duration.seconds(5),
                environment=environment,
                reserved_concurrent_executions=50,
            ),
            rest_api=self._rest_api(),
            method="GET",
            path="/orders/{orderId}",
            provisioned_concurrent_executions=2,
        )
        orders.grant_read_data(get.function)

        StreamConsumer(
            self,
            "ProjectOrders",
            function_options=HardenedFunctionOptions(
                code=HANDLERS, handler="projector.handler", timeout=cdk.Duration.seconds(30)
            ),
            table=orders,
            batch_size=50,
            max_batching_window=cdk.Duration.seconds(2),
            filters=[
                lambda_.FilterCriteria.filter({"eventName": lambda_.FilterRule.is_equal("INSERT")})
            ],
        )

    def _http_api(self) -> apigatewayv2.HttpApi:
        api = apigatewayv2.HttpApi(self, "PublicApi", create_default_stage=False)
        apigatewayv2.CfnStage(
            self,
            "PublicApiStage",
            api_id=api.api_id,
            stage_name="$default",
            auto_deploy=True,
            access_log_settings=apigatewayv2.CfnStage.AccessLogSettingsProperty(
                destination_arn=self._access_logs("PublicApiAccessLogs").log_group_arn,
                format='{"requestId":"$context.requestId","status":"$context.status",'
                '"routeKey":"$context.routeKey","latency":"$context.integrationLatency"}',
            ),
            default_route_settings=apigatewayv2.CfnStage.RouteSettingsProperty(
                throttling_burst_limit=100, throttling_rate_limit=50
            ),
        )
        return api

    def _rest_api(self) -> apigateway.RestApi:
        api = apigateway.RestApi(
            self,
            "BackOfficeApi",
            cloud_watch_role=False,
            endpoint_types=[apigateway.EndpointType.REGIONAL],
            deploy_options=apigateway.StageOptions(
                access_log_destination=apigateway.LogGroupLogDestination(
                    self._access_logs("BackOfficeApiAccessLogs")
                ),
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
                logging_level=apigateway.MethodLoggingLevel.ERROR,
                tracing_enabled=True,
                throttling_rate_limit=50,
                throttling_burst_limit=100,
            ),
            default_method_options=apigateway.MethodOptions(
                authorization_type=apigateway.AuthorizationType.IAM
            ),
        )
        api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True
        )
        for rule_id, reason in (
            ("AwsSolutions-COG4", "back-office callers sign requests with IAM; no user pool"),
            ("AwsSolutions-APIG3", "a Regional API reached only through the company's VPN"),
        ):
            cdk.Validations.of(api).acknowledge(cdk.Acknowledgment(id=rule_id, reason=reason))
        return api

    def _access_logs(self, construct_id: str) -> logs.LogGroup:
        return logs.LogGroup(self, construct_id, retention=logs.RetentionDays.THREE_MONTHS)


def build_app(app: cdk.App | None = None) -> cdk.App:
    app = app or cdk.App()
    OrdersStack(app, "OrdersApi")
    cdk.Validations.of(app).add_plugins(
        cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app), BestLambdaChecks(app)
    )
    return app


if __name__ == "__main__":
    build_app().synth()
