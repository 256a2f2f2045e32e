"""ApiFunction refuses every invalid combination with one error listing all problems."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_lambda as lambda_

from best_lambda import ApiFunction, HardenedFunctionOptions, InvalidPropsError

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
OPTIONS = HardenedFunctionOptions(code=CODE, handler="index.handler")
REST, HTTP = object(), object()  # placeholders for an API built in the test's stack


def problems_of(stack: cdk.Stack, *, function_options: Any = None, **kwargs: Any) -> list[str]:
    for key, api in (("rest_api", REST), ("http_api", HTTP)):
        if kwargs.get(key) is api:
            kwargs[key] = (
                apigateway.RestApi(stack, "Rest")
                if api is REST
                else apigatewayv2.HttpApi(stack, "Http")
            )
    options = {**OPTIONS, **(function_options or {})}
    with pytest.raises(InvalidPropsError) as caught:
        ApiFunction(stack, "Bad", function_options=HardenedFunctionOptions(**options), **kwargs)
    assert str(caught.value).startswith("ApiFunction 'Bad' has")
    assert stack.node.try_find_child("Bad") is None  # nothing was created
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {
                "rest_api": REST,
                "path": "/o",
                "function_options": {"timeout": cdk.Duration.seconds(30)},
            },
            "function_options.timeout=Duration.seconds(30): must be at most Duration.seconds(29): "
            "API Gateway stops waiting for a REST API integration after 29 s and answers 504 "
            "while the function keeps running, and billing (BestLambda-ApiTimeout)",
        ),
        (
            {
                "http_api": HTTP,
                "path": "/o",
                "function_options": {"timeout": cdk.Duration.seconds(31)},
            },
            "function_options.timeout=Duration.seconds(31): must be at most Duration.seconds(30): "
            "an HTTP API stops waiting for its integration after 30 s (a limit AWS does not raise)",
        ),
        (
            {"function_options": {"timeout": cdk.Duration.minutes(1)}},
            "function_options.timeout=Duration.minutes(1): must be at most Duration.seconds(29): "
            "an ApiFunction without rest_api=, http_api= or function_url=True is meant for API "
            "Gateway",
        ),
        (
            {"function_url": True, "auth_type": lambda_.FunctionUrlAuthType.NONE},
            "auth_type=FunctionUrlAuthType.NONE: NONE lets anyone who has the URL invoke the "
            "function, unsigned: keep FunctionUrlAuthType.AWS_IAM, or say why that is fine with "
            "public_url_reason='...'",
        ),
        (
            {"function_url": True, "public_url_reason": "because it is a demo"},
            "public_url_reason + auth_type='because it is a demo': contradictory: the URL "
            "requires IAM authentication",
        ),
        (
            {
                "function_url": True,
                "auth_type": lambda_.FunctionUrlAuthType.NONE,
                "public_url_reason": "ok",
            },
            "public_url_reason='ok': must be a str of at least 10 characters",
        ),
        ({"path": "/orders"}, "path + rest_api/http_api='/orders': configures a route: pass"),
        ({"method": "GET"}, "method + rest_api/http_api='GET': configures a route"),
        ({"rest_api": REST}, "path=None: is required with rest_api=: the route's path"),
        (
            {"http_api": HTTP, "path": "orders"},
            "path='orders': must be a non-empty str: '/', or segments",
        ),
        (
            {"http_api": HTTP, "path": "/o", "method": "FETCH"},
            "method='FETCH': must be a non-empty str: ANY, GET, POST, PUT, PATCH, DELETE, HEAD, "
            "OPTIONS",
        ),
        (
            {"cors": {"allowed_origins": ["*"]}},
            "cors + function_url={'allowed_origins': ['*']}: configures a function URL: pass "
            "function_url=True",
        ),
        (
            {"rest_api": REST, "http_api": HTTP, "path": "/o"},
            "rest_api + http_api=several: pass one front door per ApiFunction",
        ),
        (
            {"rest_api": REST, "path": "/o", "authorizer": authorizers.HttpIamAuthorizer()},
            "authorizer + rest_api=",
        ),
        ({"provisioned_concurrent_executions": 0}, "must be an int of at least 1"),
        (
            {
                "provisioned_concurrent_executions": 20,
                "function_options": {"reserved_concurrent_executions": 10},
            },
            "provisioned_concurrent_executions + reserved_concurrent_executions=20: must not "
            "exceed reserved_concurrent_executions=10",
        ),
        (
            {
                "provisioned_concurrent_executions": 2,
                "function_options": {"snap_start": lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS},
            },
            "provisioned_concurrent_executions + snap_start=2: SnapStart does not work with "
            "provisioned concurrency",
        ),
        ({"alias_name": "1234"}, "alias_name='1234': must be a str of 1 to 128 characters"),
        (
            {"function_options": {"dead_letter_queue_enabled": True}},
            "function_options.dead_letter_queue_enabled=True: does not apply: the caller invokes "
            "the function synchronously and sees its errors",
        ),
        (
            {"function_options": {"retry_attempts": 1}},
            "function_options.retry_attempts=1: does not apply: the caller invokes",
        ),
        ({"rest_api": "my-api"}, "rest_api='my-api': expected aws_apigateway.IRestApi"),
        (
            {"timeout": cdk.Duration.seconds(5)},
            "timeout=...: belongs to the function: function_options=HardenedFunctionOptions(..., "
            "timeout=...)",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_each_invalid_setting(stack: cdk.Stack, kwargs: dict[str, Any], expected: str):
    problems = problems_of(stack, **kwargs)
    assert any(expected in p for p in problems), problems


def test_a_method_the_rest_api_already_has_is_refused(stack: cdk.Stack):
    api = apigateway.RestApi(stack, "Rest")
    api.root.resource_for_path("/orders").add_method("GET")
    (problem,) = problems_of(stack, rest_api=api, method="GET", path="/orders")
    assert problem == "method + path='GET': the REST API already has a GET method at /orders"


def test_a_given_function_too_slow_for_the_api_is_refused(stack: cdk.Stack):
    slow = lambda_.Function(
        stack,
        "Slow",
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        timeout=cdk.Duration.minutes(2),
    )
    with pytest.raises(InvalidPropsError) as caught:
        ApiFunction(
            stack, "Bad", function=slow, http_api=apigatewayv2.HttpApi(stack, "Http"), path="/o"
        )
    (problem,) = caught.value.problems
    assert str(problem).startswith(
        "function=<Function Test/Slow>: has a 120 s timeout; it must be at most "
        "Duration.seconds(30)"
    )


def test_an_alias_needs_a_function_of_this_app(stack: cdk.Stack):
    imported = lambda_.Function.from_function_arn(
        stack, "Theirs", "arn:aws:lambda:eu-west-1:123456789012:function:theirs"
    )
    with pytest.raises(InvalidPropsError, match="needs a function built in this app"):
        ApiFunction(stack, "Bad", function=imported, provisioned_concurrent_executions=2)


def test_every_problem_at_once(stack: cdk.Stack):
    problems = problems_of(
        stack,
        function_url=True,
        auth_type=lambda_.FunctionUrlAuthType.NONE,
        path="/orders",
        provisioned_concurrent_executions=0,
        function_options={"memory_size": 64},
    )
    assert len(problems) == 4, problems
