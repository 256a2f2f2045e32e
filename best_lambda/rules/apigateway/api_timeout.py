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


@dataclass(frozen=True)
class _Integration:
    """One way API Gateway calls a function, and the timeout it declares (raw or None)."""

    source: str
    timeout_ms: Any = None


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

        def add(uri: Any, source: str, timeout_ms: Any) -> None:
            for fn in _functions_in(uri, index):
                by_function[fn].append(_Integration(source, timeout_ms))

        for method in index.of_type("AWS::ApiGateway::Method"):
            integration = method.get("Integration")
            if isinstance(integration, dict):
                add(
                    integration.get("Uri"),
                    f"REST API method {method.logical_id}",
                    integration.get("TimeoutInMillis"),
                )
        for integration in index.of_type("AWS::ApiGatewayV2::Integration"):
            add(
                integration.get("IntegrationUri"),
                f"API Gateway v2 integration {integration.logical_id}",
                integration.get("TimeoutInMillis"),
            )
        for api in index.of_type("AWS::ApiGatewayV2::Api"):
            add(api.get("Target"), f"HTTP API {api.logical_id} (quick create Target)", None)
        for api in index.of_type("AWS::ApiGateway::RestApi", "AWS::ApiGatewayV2::Api"):
            for where, item in _openapi_integrations(api.get("Body")):
                add(
                    item.get("uri"),
                    f"{api.logical_id} OpenAPI integration of {where}",
                    item.get("timeoutInMillis"),
                )
        return dict(by_function)

    return index.memo("apigateway.api_timeout.integrations", compute)


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when the function's timeout fits the API Gateway integration timeout.

    The function is behind API Gateway when a REST API method, an API Gateway v2
    integration, an HTTP API quick-create ``Target`` or an OpenAPI ``Body`` integration
    calls it, or when an invoke permission names ``apigateway.amazonaws.com``. API Gateway
    waits 29 s (the default maximum) unless an integration calling the function declares a
    larger ``TimeoutInMillis`` (Regional and private REST APIs may); the largest declared
    value is used. The function's timeout defaults to Lambda's 3 s.
    """
    integrations = list(_integrations(index).get(function.logical_id, ()))
    unresolved_principals: list[str] = []
    for permission in index.attached(PERMISSION, function.logical_id):
        principal = classify_principal(permission.get("Principal"), index)
        if isinstance(principal, Unresolved):
            unresolved_principals.append(f"the principal of {permission.logical_id}")
        elif principal.service == "apigateway":
            integrations.append(_Integration(f"permission {permission.logical_id}"))

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

    allowed = _DEFAULT_SECONDS
    unknowns: list[str] = []
    for integration in integrations:
        declared = index.number(integration.timeout_ms)
        if isinstance(declared, Unresolved):
            unknowns.append(f"TimeoutInMillis of {integration.source}: {declared.reason}")
        elif declared is not None:
            allowed = max(allowed, declared / 1000)
    if timeout <= allowed:
        return Result.compliant()
    if unknowns:
        return Result.unknown("; ".join(unknowns))
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
