"""BestLambda-FunctionUrlAuth: function URLs require IAM authentication."""

from __future__ import annotations

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved

URL = "AWS::Lambda::Url"


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when every function URL of the function has ``AuthType`` ``AWS_IAM``.

    URLs are the ``AWS::Lambda::Url`` resources whose ``TargetFunctionArn`` designates the
    function (or one of its aliases). A URL with ``AuthType: NONE`` is reported on the URL
    resource itself.
    """
    urls = index.attached(URL, function.logical_id, prop="TargetFunctionArn")
    if not urls:
        return Result.not_applicable("the function has no function URL in this template")
    findings: list[Finding] = []
    unknowns: list[str] = []
    for url in urls:
        auth = index.literal(url.get("AuthType"))
        if isinstance(auth, Unresolved):
            unknowns.append(f"AuthType of the function URL {url.logical_id}: {auth.reason}")
        elif auth != "AWS_IAM":
            findings.append(
                Finding(
                    f"The function URL {url.logical_id} of {function.logical_id} has AuthType "
                    f"{auth!r}: anyone who knows the URL can invoke the function, unsigned.",
                    logical_id=url.logical_id,
                )
            )
    if findings:
        return Result.non_compliant(*findings)
    if unknowns:
        return Result.unknown("; ".join(unknowns))
    return Result.compliant()


RULE = Rule(
    id="BestLambda-FunctionUrlAuth",
    severity=Severity.ERROR,
    message="A function URL of the Lambda function does not require IAM authentication.",
    explanation=(
        "With AuthType NONE the function URL is a public HTTPS endpoint: anyone can invoke "
        "the function, run up its concurrency and your bill, and reach whatever its role "
        "can. Use aws_lambda.FunctionUrlAuthType.AWS_IAM (fn.add_function_url(auth_type="
        "FunctionUrlAuthType.AWS_IAM)) and grant callers fn.grant_invoke_url(principal); put "
        "CloudFront in front with an origin access control "
        "(aws_cloudfront_origins.FunctionUrlOrigin.with_origin_access_control) for public "
        "traffic. If a public URL is intended (e.g. a webhook that verifies signatures), "
        "acknowledge this finding with the reason."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        "seeds/003 §3a and seeds/000 step 4 (least privilege); AWS docs: Lambda function "
        "URL access control (urls-auth)"
    ),
)
