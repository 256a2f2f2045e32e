"""BestLambda-PublicInvokePermission: invoke permissions name who may call, and from where."""

from __future__ import annotations

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.relations import PERMISSION, classify_principal
from best_lambda.rules.template import TemplateIndex, Unresolved


def _restrictions(permission: Resource, names: tuple[str, ...]) -> list[str]:
    """The properties among ``names`` that restrict the caller.

    Lambda validates SourceArn / SourceAccount / PrincipalOrgID against patterns that no
    empty value matches, so any value given is a restriction.
    """
    return [name for name in names if permission.get(name) is not None]


def check(permission: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Judge who an ``AWS::Lambda::Permission`` lets invoke the function.

    * ``Principal: "*"`` is compliant only with SourceAccount, SourceArn or PrincipalOrgID.
      The two permissions aws-cdk-lib adds for a function URL with ``AuthType: NONE``
      (``FunctionUrlAuthType: NONE``, ``InvokedViaFunctionUrl: true``) only open the URL;
      they are left to BestLambda-FunctionUrlAuth, which reports the URL itself.
    * An AWS service principal is compliant only with SourceArn or SourceAccount (an Alexa
      skill principal: EventSourceToken); otherwise any account's bucket, topic, rule or
      load balancer can make the service invoke the function (the confused deputy).
    * An account ID or IAM ARN is governed by IAM in that account: not applicable.
    """
    principal = classify_principal(permission.get("Principal"), index)
    if isinstance(principal, Unresolved):
        return Result.unknown(f"Principal: {principal.reason}")
    if principal.kind == "account":
        return Result.not_applicable(
            f"the principal ({principal.text}) is an AWS account or IAM principal, whose own "
            "IAM policies govern the call"
        )

    if principal.kind == "public":
        if _restrictions(permission, ("SourceAccount", "SourceArn", "PrincipalOrgID")):
            return Result.compliant()
        url_auth = index.literal(permission.get("FunctionUrlAuthType"))
        via_url = index.literal(permission.get("InvokedViaFunctionUrl"))
        if url_auth == "NONE":
            return Result.not_applicable(
                "it only opens a function URL with AuthType NONE, which "
                "BestLambda-FunctionUrlAuth reports"
            )
        if via_url is True or via_url == "true":
            return Result.not_applicable(
                "it only applies to invocations through a function URL, whose AuthType and "
                "lambda:InvokeFunctionUrl permission decide who may call"
            )
        return Result.non_compliant(
            Finding(
                "Principal is '*' with no SourceAccount, SourceArn or PrincipalOrgID: any AWS "
                "account (and any service on its behalf) may invoke the function."
            )
        )

    alexa = principal.text.endswith(".amazon.com")
    names = ("EventSourceToken",) if alexa else ("SourceArn", "SourceAccount")
    if _restrictions(permission, names):
        return Result.compliant()
    if alexa:
        message = (
            f"The service principal {principal.text!r} has no EventSourceToken: any Alexa "
            "skill may invoke the function."
        )
    else:
        message = (
            f"The service principal {principal.text!r} has no SourceArn or SourceAccount: "
            "the service may invoke the function on behalf of a resource in any AWS account "
            "(the confused deputy problem)."
        )
    return Result.non_compliant(Finding(message))


RULE = Rule(
    id="BestLambda-PublicInvokePermission",
    severity=Severity.ERROR,
    message=(
        "The Lambda invoke permission is public, or lets a service invoke the function on "
        "behalf of any account."
    ),
    explanation=(
        "A resource-based permission for '*' lets anyone invoke the function; one for an "
        "AWS service without a source lets any account's bucket, topic, rule or load "
        "balancer trigger it (the confused deputy). Name the source: "
        "fn.add_permission(id, principal=iam.ServicePrincipal('s3.amazonaws.com'), "
        "source_arn=bucket.bucket_arn, source_account=stack.account), or restrict '*' with "
        "source_account / organization (PrincipalOrgID). The grants aws-cdk-lib makes for "
        "you (bucket notifications, topic subscriptions, rules, API Gateway) already do; "
        "for those it makes without a source (an ALB LambdaTarget, Secrets Manager "
        "rotation) set source_arn / source_account on the generated CfnPermission, or "
        "acknowledge the finding with the reason."
    ),
    resource_types=frozenset({PERMISSION}),
    check=check,
    source=(
        "seeds/000 step 4 (least privilege); AWS docs: Lambda permissions for AWS services "
        "(permissions-function-services, confused deputy prevention)"
    ),
)
