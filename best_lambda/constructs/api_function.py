"""``ApiFunction``: a function for synchronous callers (REST API, HTTP API, function URL)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Never

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from best_lambda import limits
from best_lambda.constructs._props import PropsChecker, implements
from best_lambda.constructs._shared import acknowledge
from best_lambda.constructs._trigger import (
    Invocation,
    TargetFunction,
    check_trigger_props,
    invocable,
)
from best_lambda.constructs.alarms import alarm_period
from best_lambda.constructs.hardened_function import HardenedFunction, HardenedFunctionOptions
from best_lambda.defaults import apigateway as defaults
from best_lambda.defaults import lambda_ as lambda_defaults
from best_lambda.defaults.apigateway import (
    API_FUNCTION_PROPS,
    FUNCTION_URL_OPTIONS,
    ROUTE_OPTIONS,
)

__all__ = ["ApiFunction", "caller_timeout_limit"]


def caller_timeout_limit(*, rest_api: bool, http_api: bool, function_url: bool) -> int:
    """The longest function timeout, in seconds, that the synchronous caller waits for.

    A REST API waits 29 s for its integration, an HTTP API 30 s; a function URL waits as long
    as the function runs (up to Lambda's 900 s). Without any of them the function is meant
    for API Gateway and its REST APIs' 29 s applies.

    Examples
    --------
    >>> caller_timeout_limit(rest_api=False, http_api=True, function_url=False)
    30
    >>> caller_timeout_limit(rest_api=False, http_api=False, function_url=False)
    29
    """
    if http_api and not rest_api:
        return limits.HTTP_API_MAX_INTEGRATION_TIMEOUT_SECONDS
    if function_url and not rest_api:
        return limits.FUNCTION_URL_MAX_RESPONSE_SECONDS
    return limits.API_GATEWAY_MAX_INTEGRATION_TIMEOUT_SECONDS


_CALLERS = {
    "rest_api": "API Gateway stops waiting for a REST API integration after 29 s",
    "http_api": "an HTTP API stops waiting for its integration after 30 s (a limit AWS does "
    "not raise)",
    None: "an ApiFunction without rest_api=, http_api= or function_url=True is meant for API "
    "Gateway, whose REST APIs stop waiting for an integration after 29 s",
}


@dataclass
class _Plan:
    """Validated, derived settings."""

    limit_s: int
    timeout_s: int | None
    front: str | None
    method: str
    public: bool
    alias_name: str | None
    provisioned: bool


class ApiFunction(Construct):
    """A function for synchronous callers: a REST API, an HTTP API or a function URL.

    The caller waits for the answer and sees the error, so the built function has no
    asynchronous dead-letter queue or retry configuration. Its timeout (10 s by default)
    must fit what the caller waits for: over API Gateway's 29 s (30 s for an HTTP API) the
    client gets a 504 while the function keeps running, and billing, so a longer timeout is
    refused. ``rest_api=`` / ``http_api=`` attach it at ``method`` and ``path``;
    ``function_url=True`` exposes it through a function URL that requires IAM
    authentication unless you pass ``auth_type=FunctionUrlAuthType.NONE`` with
    ``public_url_reason=``. With ``provisioned_concurrent_executions`` the API or URL invokes
    an alias kept warm.

    Parameters
    ----------
    scope, construct_id
        As for any construct.
    function : aws_lambda.IFunction
        An existing function to invoke (typically a HardenedFunction you built). Not with
        function_options.
    function_options : HardenedFunctionOptions
        Build the function here: HardenedFunctionOptions(code=..., handler=..., ...), every
        HardenedFunction keyword argument the way the trigger invokes it allows. Not with
        function.
    rest_api : aws_apigateway.IRestApi
        Attach to this REST API at method and path (a Lambda proxy integration). The
        function's timeout must fit API Gateway's 29 s.
    http_api : aws_apigatewayv2.IHttpApi
        Attach to this HTTP API at method and path (payload format 2.0). The function's
        timeout must fit the HTTP API's 30 s.
    path : str
        The resource path of the route; required with rest_api or http_api.
    method : str
        The HTTP method of the route. Default: ANY.
    authorizer : aws_apigateway.IAuthorizer or aws_apigatewayv2.IHttpRouteAuthorizer
        Authorizer of the route (aws_apigateway.IAuthorizer for a REST API,
        aws_apigatewayv2.IHttpRouteAuthorizer for an HTTP API). Default: the API's default
        authorizer, if any.
    function_url : bool
        Expose the function through a function URL instead of an API; its timeout may then
        be up to Lambda's 900 s. Default: False.
    auth_type : aws_lambda.FunctionUrlAuthType
        Who may call the function URL; NONE needs public_url_reason. Default:
        FunctionUrlAuthType.AWS_IAM.
    public_url_reason : str
        Why a function URL with auth_type=FunctionUrlAuthType.NONE is fine; the construct
        acknowledges the findings a public URL raises with this reason.
    cors : aws_lambda.FunctionUrlCorsOptions
        CORS of the function URL.
    provisioned_concurrent_executions : int
        Keep this many execution environments initialized on an alias; the API or URL then
        invokes the alias. Default: not set (no alias). Accepts an int of at least 1 (0
        means none: leave it unset).
    alias_name : str
        Name of the alias the front door invokes; creates the alias even without provisioned
        concurrency. Default: 'live' with provisioned concurrency, else no alias.

    Raises
    ------
    InvalidPropsError
        Listing every invalid or contradictory argument, the function's included.

    Examples
    --------
    >>> from aws_cdk import App, Stack, aws_apigatewayv2 as apigatewayv2, aws_lambda as lambda_
    >>> from best_lambda import HardenedFunctionOptions
    >>> stack = Stack(App(), "Shop")
    >>> api = apigatewayv2.HttpApi(stack, "Api")
    >>> orders = ApiFunction(stack, "Orders", http_api=api, method="GET", path="/orders",
    ...     function_options=HardenedFunctionOptions(
    ...         code=lambda_.Code.from_inline("def handler(event, context): return {}"),
    ...         handler="index.handler"))
    >>> orders.route.node.default_child.route_key
    'GET /orders'
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction | None = None,
        function_options: HardenedFunctionOptions | None = None,
        rest_api: apigateway.IRestApi | None = None,
        http_api: apigatewayv2.IHttpApi | None = None,
        path: str | None = None,
        method: str | None = None,
        authorizer: apigateway.IAuthorizer | apigatewayv2.IHttpRouteAuthorizer | None = None,
        function_url: bool | None = None,
        auth_type: lambda_.FunctionUrlAuthType | None = None,
        public_url_reason: str | None = None,
        cors: lambda_.FunctionUrlCorsOptions | Mapping[str, Any] | None = None,
        provisioned_concurrent_executions: int | None = None,
        alias_name: str | None = None,
        **unknown: Never,
    ) -> None:
        given = {k: v for k, v in locals().items() if k in API_FUNCTION_PROPS}
        checker = PropsChecker(type(self).__name__, str(construct_id))
        values = check_trigger_props(checker, API_FUNCTION_PROPS, given, unknown)
        target = TargetFunction.check(
            checker,
            scope,
            construct_id,
            Invocation.SYNCHRONOUS,
            function=function,
            function_options=function_options,
        )
        plan = _plan(checker, target, values, given)
        checker.raise_if_any()
        super().__init__(scope, construct_id)

        self._function = target.build(self, "Handler")
        self._alias: lambda_.Alias | None = None
        if plan.alias_name is not None:
            assert isinstance(self._function, lambda_.Function)
            self._alias = lambda_.Alias(
                self,
                "Alias",
                alias_name=plan.alias_name,
                version=self._function.current_version,
                provisioned_concurrent_executions=values.get("provisioned_concurrent_executions"),
            )
        invoked = self.invoked
        self._method: apigateway.Method | None = None
        self._route: apigatewayv2.HttpRoute | None = None
        self._url: lambda_.FunctionUrl | None = None
        if rest_api is not None:
            self._method = rest_api.root.resource_for_path(str(path)).add_method(
                plan.method,
                apigateway.LambdaIntegration(invoked),
                authorizer=values.get("authorizer"),
            )
        elif http_api is not None:
            self._route = self._http_route(http_api, plan, str(path), authorizer)
        elif plan.front == "function_url":
            self._url = lambda_.FunctionUrl(
                self, "Url", function=invoked, auth_type=auth_type, cors=values.get("cors")
            )
            if plan.public:
                acknowledge(self._url, "BestLambda-FunctionUrlAuth", reason=public_url_reason)

        self._alarms = target.alarms(self, self._function)
        if target.create_alarms:
            self._add_alarms(plan)

    # -- public surface -------------------------------------------------------------------
    @property
    def function(self) -> lambda_.IFunction:
        """The function: the one passed in, or the :class:`HardenedFunction` built."""
        return self._function

    @property
    def alias(self) -> lambda_.Alias | None:
        """The alias callers invoke, with provisioned concurrency or ``alias_name``."""
        return self._alias

    @property
    def invoked(self) -> lambda_.IFunction:
        """What the API or URL invokes: an alias if there is one, else the function.

        This construct's alias (provisioned concurrency), or the function's own when it
        deploys with ``deployment=SafeDeployment(...)``.
        """
        return self._alias if self._alias is not None else invocable(self._function)

    @property
    def method(self) -> apigateway.Method | None:
        """The REST API method, with ``rest_api=``."""
        return self._method

    @property
    def route(self) -> apigatewayv2.HttpRoute | None:
        """The HTTP API route, with ``http_api=``."""
        return self._route

    @property
    def function_url(self) -> lambda_.FunctionUrl | None:
        """The function URL, with ``function_url=True``."""
        return self._url

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms, by name.

        The built function's (or ``Duration``, for a given plain function), plus
        ``ProvisionedConcurrencySpillover`` with provisioned concurrency.
        """
        return MappingProxyType(self._alarms.alarms)

    # -- construction ---------------------------------------------------------------------
    def _http_route(
        self, api: apigatewayv2.IHttpApi, plan: _Plan, path: str, authorizer: Any
    ) -> apigatewayv2.HttpRoute:
        route = apigatewayv2.HttpRoute(
            self,
            "Route",
            http_api=api,
            route_key=apigatewayv2.HttpRouteKey.with_(path, apigatewayv2.HttpMethod[plan.method]),
            integration=integrations.HttpLambdaIntegration("Integration", self.invoked),
            authorizer=authorizer,
        )
        rest_limit = limits.API_GATEWAY_MAX_INTEGRATION_TIMEOUT_SECONDS
        if plan.timeout_s is not None and plan.timeout_s > rest_limit:
            # aws-cdk-lib's HttpIntegration refuses more than 29 s; HTTP APIs wait 30 s.
            # Declared, so that every checker sees the integration's real timeout.
            cfn = route.node.find_child("Integration").node.default_child
            assert isinstance(cfn, apigatewayv2.CfnIntegration)
            cfn.timeout_in_millis = limits.HTTP_API_MAX_INTEGRATION_TIMEOUT_SECONDS * 1_000
        return route

    def _add_alarms(self, plan: _Plan) -> None:
        period = alarm_period()
        if "Duration" not in self._alarms.alarms and not isinstance(
            self._function, HardenedFunction
        ):
            basis = min(plan.limit_s, plan.timeout_s or plan.limit_s)
            threshold_ms = round(basis * 1_000 * lambda_defaults.DURATION_ALARM_RATIO)
            self._alarms.add(
                "Duration",
                self._function.metric_duration(period=period, statistic="p99"),
                threshold_ms,
                f"p99 duration reached {lambda_defaults.DURATION_ALARM_RATIO:.0%} of {basis} s "
                f"({threshold_ms} ms); the caller gives up at {plan.limit_s} s.",
            )
        if self._alias is not None and plan.provisioned:
            self._alarms.add(
                "ProvisionedConcurrencySpillover",
                self._alias.metric(
                    "ProvisionedConcurrencySpilloverInvocations", period=period, statistic="Sum"
                ),
                1,
                "requests found no provisioned environment and waited for a cold start; raise "
                "provisioned_concurrent_executions.",
            )


def _plan(
    checker: PropsChecker,
    target: TargetFunction,
    values: Mapping[str, Any],
    given: Mapping[str, Any],
) -> _Plan:
    """Check what only makes sense together; derive the caller's timeout limit."""
    fronts = [k for k in ("rest_api", "http_api") if given.get(k) is not None]
    if given.get("function_url"):
        fronts.append("function_url")
    if len(fronts) > 1:
        checker.add(
            " + ".join(fronts),
            "several",
            "pass one front door per ApiFunction; for another, build a second one with "
            "function=<the first>.function",
            rendered="several",
        )
    front = fronts[0] if fronts else None
    _check_options(checker, values, given, front)

    limit_s = caller_timeout_limit(
        rest_api="rest_api" in fronts,
        http_api="http_api" in fronts,
        function_url="function_url" in fronts,
    )
    timeout_s = target.timeout_s
    if timeout_s is not None and timeout_s > limit_s:
        why = _CALLERS.get(front) or ""
        text = (
            f"must be at most Duration.seconds({limit_s}): {why} and answers 504 while the "
            "function keeps running, and billing (BestLambda-ApiTimeout)"
        )
        if given.get("function") is not None:
            checker.add("function", given["function"], f"has a {timeout_s} s timeout; it {text}")
        else:
            written = (given.get("function_options") or {}).get("timeout")
            checker.add(
                "function_options.timeout", written or cdk.Duration.seconds(timeout_s), text
            )

    options = dict(given.get("function_options") or {})
    concurrency = values.get("provisioned_concurrent_executions")
    alias_name = values.get("alias_name") or (defaults.ALIAS_NAME if concurrency else None)
    function = given.get("function")
    if alias_name and function is not None and not isinstance(function, lambda_.Function):
        checker.add(
            "provisioned_concurrent_executions" if concurrency else "alias_name",
            concurrency or alias_name,
            "needs a function built in this app (aws_lambda.Function): the alias points at its "
            "current version",
        )
    deploys = options.get("deployment") is not None or getattr(function, "alias", None) is not None
    if alias_name and deploys:
        checker.add(
            "provisioned_concurrent_executions" if concurrency else "alias_name",
            concurrency or alias_name,
            "the function deploys through its own alias (deployment=SafeDeployment(...)), which "
            "the API invokes: set provisioned_concurrent_executions and alias_name there",
        )
    reserved = options.get("reserved_concurrent_executions")
    if concurrency and isinstance(reserved, int) and concurrency > reserved:
        checker.add(
            "provisioned_concurrent_executions + reserved_concurrent_executions",
            concurrency,
            f"must not exceed reserved_concurrent_executions={reserved} (Lambda rule)",
        )
    if concurrency and options.get("snap_start") is not None:
        checker.add(
            "provisioned_concurrent_executions + snap_start",
            concurrency,
            "SnapStart does not work with provisioned concurrency; use one of them",
        )
    if options.get("tenancy_config") is not None and (concurrency or front == "function_url"):
        checker.add(
            "function_options.tenancy_config",
            options["tenancy_config"],
            "tenant isolation does not work with provisioned concurrency or function URLs",
        )
    auth = values.get("auth_type")
    return _Plan(
        limit_s=limit_s,
        timeout_s=timeout_s,
        front=front,
        method=values.get("method", defaults.METHOD),
        public=auth is not None and auth.name == "NONE",
        alias_name=alias_name,
        provisioned=bool(concurrency),
    )


def _check_options(
    checker: PropsChecker, values: Mapping[str, Any], given: Mapping[str, Any], front: str | None
) -> None:
    """Route options need an API, URL options a function URL, NONE a reason."""
    api = front in ("rest_api", "http_api")
    for key in ROUTE_OPTIONS if not api else ():
        if given.get(key) is not None:
            checker.add(
                f"{key} + rest_api/http_api",
                given[key],
                "configures a route: pass rest_api= or http_api=",
            )
    if api and given.get("path") is None:
        checker.add("path", None, f"is required with {front}=: the route's path, e.g. '/orders'")
    for key in FUNCTION_URL_OPTIONS if front != "function_url" else ():
        if given.get(key) is not None:
            checker.add(
                f"{key} + function_url",
                given[key],
                "configures a function URL: pass function_url=True",
            )
    authorizer = values.get("authorizer")
    rest_authorizer = implements(authorizer, "authorizer_id")
    if authorizer is not None and front == "rest_api" and not rest_authorizer:
        checker.add("authorizer + rest_api", authorizer, "expected aws_apigateway.IAuthorizer")
    if authorizer is not None and front == "http_api" and rest_authorizer:
        checker.add(
            "authorizer + http_api", authorizer, "expected aws_apigatewayv2.IHttpRouteAuthorizer"
        )
    if front == "rest_api" and "path" in values and "rest_api" in values:
        method = values.get("method", defaults.METHOD)
        _check_free(checker, values["rest_api"], values["path"], method)
    auth = values.get("auth_type")
    public = auth is not None and auth.name == "NONE"
    if front == "function_url" and public and given.get("public_url_reason") is None:
        checker.add(
            "auth_type",
            auth,
            "NONE lets anyone who has the URL invoke the function, unsigned: keep "
            "FunctionUrlAuthType.AWS_IAM, or say why that is fine with public_url_reason='...' "
            "(the construct acknowledges BestLambda-FunctionUrlAuth with it)",
        )
    if given.get("public_url_reason") is not None and front == "function_url" and not public:
        checker.add(
            "public_url_reason + auth_type",
            given["public_url_reason"],
            "contradictory: the URL requires IAM authentication; pass "
            "auth_type=FunctionUrlAuthType.NONE, or drop the reason",
        )


def _check_free(checker: PropsChecker, api: Any, path: str, method: str) -> None:
    """Refuse a method the REST API already has at ``path`` (without creating anything)."""
    resource = api.root
    for part in (p for p in path.split("/") if p):
        resource = resource.get_resource(part)
        if resource is None:
            return
    if resource.node.try_find_child(method) is not None:
        checker.add(
            "method + path",
            method,
            f"the REST API already has a {method} method at {path}",
        )
