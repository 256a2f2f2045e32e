"""Every keyword argument of :class:`~best_lambda.ApiFunction`, declared once.

The front-door props are declared here; the function's come from
:data:`best_lambda.defaults.lambda_.FUNCTION_PROPS` minus those about asynchronous
invocation (an API or a function URL invokes synchronously: the caller gets the error, and
there is nothing to dead-letter). The function's own default timeout, 10 s, already fits
under API Gateway's 29 s.
"""

from __future__ import annotations

from best_lambda.defaults.lambda_ import TRIGGER_FUNCTION_PROPS
from best_lambda.props import (
    AnyOf,
    Enum,
    Flag,
    Integer,
    Interface,
    Prop,
    PropTable,
    Struct,
    Text,
)

__all__ = [
    "ALIAS_NAME",
    "API_FUNCTION_PROPS",
    "FUNCTION_URL_AUTH_TYPE",
    "FUNCTION_URL_OPTIONS",
    "METHOD",
    "METHODS",
    "ROUTE_OPTIONS",
]

METHOD = "ANY"
#: The HTTP methods API Gateway routes (``ANY`` matches all of them).
METHODS = ("ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
FUNCTION_URL_AUTH_TYPE = "AWS_IAM"
ALIAS_NAME = "live"

#: Props that shape a route of an API; they need rest_api= or http_api=.
ROUTE_OPTIONS = ("path", "method", "authorizer")
#: Props that shape the function URL; they need function_url=True.
FUNCTION_URL_OPTIONS = ("auth_type", "public_url_reason", "cors")

#: ``/``, or ``/``-separated segments: literals, ``{param}`` or a final ``{proxy+}``.
_PATH = r"/|(/([A-Za-z0-9._~:@!$&'()*,;=-]+|\{[A-Za-z0-9_]+\}))*(/\{[A-Za-z0-9_]+\+\})?"

API_FUNCTION_PROPS = PropTable(
    "ApiFunction",
    (
        *TRIGGER_FUNCTION_PROPS,
        Prop(
            "rest_api",
            Interface("aws_apigateway.IRestApi", ("rest_api_id", "root")),
            "Attach to this REST API at method and path (a Lambda proxy integration). The "
            "function's timeout must fit API Gateway's 29 s.",
        ),
        Prop(
            "http_api",
            Interface("aws_apigatewayv2.IHttpApi", ("api_id", "arn_for_execute_api")),
            "Attach to this HTTP API at method and path (payload format 2.0). The function's "
            "timeout must fit the HTTP API's 30 s.",
        ),
        Prop(
            "path",
            Text(
                pattern=_PATH,
                pattern_doc="'/', or segments such as '/orders/{id}' or '/files/{proxy+}'",
            ),
            "The resource path of the route; required with rest_api or http_api.",
        ),
        Prop(
            "method",
            Text(pattern="|".join(METHODS), pattern_doc=", ".join(METHODS)),
            "The HTTP method of the route.",
            default=METHOD,
            reason="One handler for every method of the path, as a Lambda proxy usually is; "
            "name one to route only it.",
            source="API Gateway proxy integrations",
        ),
        Prop(
            "authorizer",
            AnyOf(
                (
                    Interface("aws_apigateway.IAuthorizer", ("authorizer_id",)),
                    Interface("aws_apigatewayv2.IHttpRouteAuthorizer", ("bind",)),
                )
            ),
            "Authorizer of the route (aws_apigateway.IAuthorizer for a REST API, "
            "aws_apigatewayv2.IHttpRouteAuthorizer for an HTTP API).",
            default_doc="the API's default authorizer, if any",
        ),
        Prop(
            "function_url",
            Flag(),
            "Expose the function through a function URL instead of an API; its timeout may then "
            "be up to Lambda's 900 s.",
            default=False,
        ),
        Prop(
            "auth_type",
            Enum("aws_lambda.FunctionUrlAuthType"),
            "Who may call the function URL; NONE needs public_url_reason.",
            default=FUNCTION_URL_AUTH_TYPE,
            reason="Only signed requests from principals you grant (fn.grant_invoke_url) reach "
            "the function (BestLambda-FunctionUrlAuth). A public URL is an explicit, "
            "acknowledged choice.",
            source="seeds/003 §3a (least privilege); BestLambda-FunctionUrlAuth",
        ),
        Prop(
            "public_url_reason",
            Text(min_len=10),
            "Why a function URL with auth_type=FunctionUrlAuthType.NONE is fine; the construct "
            "acknowledges the findings a public URL raises with this reason.",
        ),
        Prop(
            "cors",
            Struct("aws_lambda.FunctionUrlCorsOptions"),
            "CORS of the function URL.",
        ),
        Prop(
            "provisioned_concurrent_executions",
            Integer(1, None, "0 means none: leave it unset"),
            "Keep this many execution environments initialized on an alias; the API or URL "
            "then invokes the alias.",
            default_doc="not set (no alias)",
            reason="Provisioned concurrency costs money while idle: opt in where cold starts "
            "hurt the API's latency (seeds/003 §1b, §4c).",
            source="seeds/003 §1b, §4c",
        ),
        Prop(
            "alias_name",
            Text(
                max_len=128,
                pattern=r"(?!^[0-9]+$)[a-zA-Z0-9-_]+",
                pattern_doc="letters, digits, - and _, not only digits (Lambda rule)",
            ),
            "Name of the alias the front door invokes; creates the alias even without "
            "provisioned concurrency.",
            default_doc=f"'{ALIAS_NAME}' with provisioned concurrency, else no alias",
        ),
    ),
)
