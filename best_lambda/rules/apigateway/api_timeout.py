"""BestLambda-ApiTimeout: functions behind API Gateway finish before the integration times out."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from best_lambda import limits
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.relations import PERMISSION, classify_principal, function_timeout
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved

_LAMBDA_ARN = re.compile(r"arn:[^:/]+:lambda:[^:/]*:[^:/]*:function:[^:/]+(?::[^:/]+)?")
_OPENAPI_INTEGRATION = "x-amazon-apigateway-integration"
_DEFAULT_SECONDS = float(limits.API_GATEWAY_MAX_INTEGRATION_TIMEOUT_SECONDS)
_HTTP_API_SECONDS = float(limits.HTTP_API_MAX_INTEGRATION_TIMEOUT_SECONDS)


@dataclass(frozen=True)
class _Integration:
    """One way API Gateway calls a function.

    With the timeout it declares (raw, or None) and how long API Gateway waits when it
    declares none (None: the API's protocol is not known).
    """

    source: str
    timeout_ms: Any = None
    default_s: float | None = _DEFAULT_SECONDS


def _functions_in(value: Any, index: TemplateIndex) -> set[str]:
    """Functions (logical IDs) an integration URI designates.

    Through a function, alias or version, a function URL (an HTTP integration), or a
    literal function ARN.
    """
    found: set[str] = set()
    for target in index.targets_in(value):
        resource = index.resources[target]
        if resource.type == "AWS::Lambda::Url":
            fn = index.function_id(resource.get("TargetFunctionArn"))
        else:
            fn = index.function_id({"Ref": target})
        if fn:
            found.add(fn)
    if isinstance(value, str):
        for match in _LAMBDA_ARN.finditer(value):
            fn = index.function_id(match.group(0))
            if fn:
                found.add(fn)
    return found


def _openapi_integrations(body: Any, path: tuple[str, ...] = ()) -> list[tuple[str, Any]]:
    """Every ``x-amazon-apigateway-integration`` of an OpenAPI body, with where it is."""
    found: list[tuple[str, Any]] = []
    if isinstance(body, dict):
        for key, item in body.items():
            if key == _OPENAPI_INTEGRATION and isinstance(item, dict):
                where = (
                    f"{path[2].upper()} {path[1]}"
                    if len(path) == 3 and path[0] == "paths"
                    else " ".join(path) or "the root"
                )
                found.append((where, item))
            elif not str(key).startswith("Fn::"):
                found += _openapi_integrations(item, (*path, str(key)))
    elif isinstance(body, list):
        for item in body:
            found += _openapi_integrations(item, path)
    return found


def _integrations(index: TemplateIndex) -> dict[str, list[_Integration]]:
    """Function logical ID -> the API Gateway integrations of this template that call it."""

    def compute() -> dict[str, list[_Integration]]:
        by_function: dict[str, list[_Integration]] = defaultdict(list)

        def add(uri: Any, source: str, timeout_ms: Any, default_s: float | None) -> None:
            for fn in _functions_in(uri, index):
                by_function[fn].append(_Integration(source, timeout_ms, default_s))

        for method in index.of_type("AWS::ApiGateway::Method"):
            integration = method.get("Integration")
            if isinstance(integration, dict):
                add(
                    integration.get("Uri"),
                    f"REST API method {method.logical_id}",
                    integration.get("TimeoutInMillis"),
                    _DEFAULT_SECONDS,
                )
        for integration in index.of_type("AWS::ApiGatewayV2::Integration"):
            add(
                integration.get("IntegrationUri"),
                f"API Gateway v2 integration {integration.logical_id}",
                integration.get("TimeoutInMillis"),
                _v2_default(integration.get("ApiId"), index),
            )
        for api in index.of_type("AWS::ApiGatewayV2::Api"):
            add(
                api.get("Target"),
                f"HTTP API {api.logical_id} (quick create Target)",
                None,
                _HTTP_API_SECONDS,
            )
        for api in index.of_type("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            for where, item in _openapi_integrations(api.get("Body")):
                add(
                    item.get("uri"),
                    f"{api.logical_id} OpenAPI integration of {where}",
                    item.get("timeoutInMillis"),
                    _protocol_default(api),
                )
        return dict(by_function)

    return index.memo("apigateway.api_timeout.integrations", compute)


def _protocol_default(api: Resource) -> float | None:
    """How long an API waits by default: 29 s (REST, WebSocket), 30 s (HTTP API)."""
    if api.type == "AWS::ApiGateway::RestApi":
        return _DEFAULT_SECONDS
    protocol = api.get("ProtocolType")
    if protocol == "HTTP" or api.get("Body") is not None or api.get("BodyS3Location"):
        # Only HTTP APIs are imported from an OpenAPI definition.
        return _HTTP_API_SECONDS
    if protocol == "WEBSOCKET":
        return _DEFAULT_SECONDS
    return None  # a parameter, a condition: not known


def _v2_default(api_id: Any, index: TemplateIndex) -> float | None:
    """:func:`_protocol_default` of the API an ``AWS::ApiGatewayV2::Integration`` is in."""
    api = index.get(index.only_reference(api_id, "AWS::ApiGatewayV2::Api"))
    return _protocol_default(api) if api is not None else None


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when the function's timeout fits the API Gateway integration timeout.

    The function is behind API Gateway when a REST API method, an API Gateway v2
    integration, an HTTP API quick-create ``Target`` or an OpenAPI ``Body`` integration
    calls it, or when an invoke permission names ``apigateway.amazonaws.com``. API Gateway
    waits 29 s by default (REST and WebSocket APIs; an HTTP API 30 s, its maximum) unless an
    integration declares its own ``TimeoutInMillis`` (Regional and private REST APIs may go
    above 29 s). Every integration that calls the function must get its answer in time, so
    the strictest decides; an invoke permission stands for an integration only when the
    template holds none. The function's timeout defaults to Lambda's 3 s.
    """
    integrations = list(_integrations(index).get(function.logical_id, ()))
    unresolved_principals: list[str] = []
    permissions: list[_Integration] = []
    for permission in index.attached(PERMISSION, function.logical_id):
        principal = classify_principal(permission.get("Principal"), index)
        if isinstance(principal, Unresolved):
            unresolved_principals.append(f"the principal of {permission.logical_id}")
        elif principal.service == "apigateway":
            permissions.append(_Integration(f"permission {permission.logical_id}"))
    # An invoke permission stands for an integration only when none is in the template
    # (SAM keeps them in an OpenAPI body stored elsewhere); otherwise it is the same one.
    integrations = integrations or permissions

    timeout = function_timeout(function, index)
    if not integrations:
        if unresolved_principals and not (
            isinstance(timeout, float) and timeout <= _DEFAULT_SECONDS
        ):
            return Result.unknown(
                "whether API Gateway invokes the function: "
                + ", ".join(unresolved_principals)
                + " cannot be resolved"
            )
        return Result.not_applicable("no API Gateway integration invokes the function")
    if isinstance(timeout, Unresolved):
        return Result.unknown(f"Timeout: {timeout.reason}")

    # Every caller must get its answer in time: the strictest integration decides.
    too_short: list[tuple[float, str]] = []
    unknowns: list[str] = []
    for integration in integrations:
        declared = index.number(integration.timeout_ms)
        if isinstance(declared, Unresolved):
            unknowns.append(f"TimeoutInMillis of {integration.source}: {declared.reason}")
            continue
        if declared is not None:
            waits: float | None = declared / 1000
        else:
            waits = integration.default_s
        if waits is None:
            if timeout > _DEFAULT_SECONDS:
                unknowns.append(
                    f"the protocol of the API of {integration.source} (an HTTP API waits "
                    "30 s, a WebSocket API 29 s)"
                )
        elif timeout > waits:
            too_short.append((waits, integration.source))
    if not too_short:
        if unknowns:
            return Result.unknown("; ".join(unknowns))
        return Result.compliant()
    allowed = min(waits for waits, _ in too_short)
    integrations = [i for i in integrations if i.source in {s for _, s in too_short}]
    sources = ", ".join(sorted({i.source for i in integrations}))
    return Result.non_compliant(
        Finding(
            f"Timeout is {timeout:g} s but API Gateway waits at most {allowed:g} s for the "
            f"integration ({sources}): past that the client gets a 504 while the function "
            f"keeps running, and billing, for up to {timeout - allowed:g} s more."
        )
    )


RULE = Rule(
    id="BestLambda-ApiTimeout",
    severity=Severity.ERROR,
    message=(
        "The Lambda function behind API Gateway has a timeout longer than the API's "
        "integration timeout."
    ),
    explanation=(
        "API Gateway stops waiting for an integration after 29 s by default and answers "
        "504; the function is not stopped, so it keeps running, billing and holding "
        "concurrency, and its result is thrown away (clients often retry, doubling the work). "
        "Set the function's timeout below the integration's (aws_lambda.Function(timeout="
        "Duration.seconds(...)), 10-29 s for API handlers). If requests genuinely need "
        "longer, a Regional or private REST API can raise the integration timeout after a "
        "quota increase (apigateway.LambdaIntegration(fn, timeout=Duration.seconds(...))), "
        "or answer 202 and finish the work asynchronously (SQS, Step Functions)."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        "AWS API Gateway quotas (integration timeout 29 s; above 29 s for Regional and "
        "private REST APIs, whats-new 2024-06); seeds/004 ('API handlers: 10-30 seconds')"
    ),
)
