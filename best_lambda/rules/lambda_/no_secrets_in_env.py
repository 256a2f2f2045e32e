"""BestLambda-NoSecretsInEnv: no secrets in a function's environment variables.

Literal secrets, dynamic references that CloudFormation resolves into a plaintext secret
(``{{resolve:secretsmanager:…}}``, ``{{resolve:ssm-secure:…}}``) and ``NoEcho``
parameters all end up in clear in the function's configuration; the judgement lives in
:mod:`best_lambda.rules.secrets`, shared with the constructs.
"""

from __future__ import annotations

from typing import Any

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.secrets import secret_parameter_reason, secret_reason
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved, is_intrinsic


def _reason(name: str, value: Any, index: TemplateIndex) -> str | None:
    """Why the variable exposes a secret, from its value as the template writes it.

    A literal (also one picked from a mapping) is judged as such; an ``Fn::Sub`` /
    ``Fn::Join`` is read for dynamic references to secrets; a ``Ref`` to a ``NoEcho``
    parameter is a secret. Other intrinsics point at values that live elsewhere.
    """
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Fn::FindInMap":
            resolved = index.literal(value)
            return secret_reason(name, resolved) if isinstance(resolved, str) else None
        if key == "Fn::Sub" and isinstance(arg, str) and arg.startswith("${") and arg.endswith("}"):
            key, arg = "Ref", arg[2:-1]  # "${DbPassword}" is a Ref
        if key == "Ref" and isinstance(arg, str) and arg in index.parameters:
            return secret_parameter_reason(name, arg, index.parameters[arg])
    return secret_reason(name, value)


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """One finding per environment variable whose value exposes a secret."""
    environment = function.get("Environment")
    if is_intrinsic(environment):
        environment = index.literal(environment)
        if isinstance(environment, Unresolved):
            return Result.unknown(f"Environment: {environment.reason}")
    variables = environment.get("Variables") if isinstance(environment, dict) else None
    if not variables:
        return Result.not_applicable("the function has no environment variables")
    if is_intrinsic(variables):
        resolved = index.literal(variables)
        if isinstance(resolved, Unresolved):
            return Result.unknown(f"Environment.Variables: {resolved.reason}")
        variables = resolved
    if not isinstance(variables, dict):
        return Result.unknown(f"Environment.Variables {variables!r} is not an object")
    findings = []
    for name, value in variables.items():
        reason = _reason(str(name), value, index)
        if reason:
            findings.append(
                Finding(
                    f"Environment variable {name} exposes a secret: {reason}.",
                    suffix=f"Variable::{name}",
                )
            )
    return Result.from_findings(findings)


RULE = Rule(
    id="BestLambda-NoSecretsInEnv",
    severity=Severity.ERROR,
    message="A Lambda environment variable holds a secret in clear.",
    explanation=(
        "Environment variables are stored in the template, the cloud assembly and the "
        "function's configuration, visible to anyone with lambda:GetFunctionConfiguration "
        "or access to the source; a {{resolve:secretsmanager:...}} or "
        "{{resolve:ssm-secure:...}} reference or a NoEcho parameter is resolved into the "
        "plaintext secret there too. Keep secrets in AWS Secrets Manager or SSM Parameter "
        "Store (SecureString), pass their name or ARN in the environment (e.g. "
        "secret.secret_arn), grant read access (secret.grant_read(fn)) and fetch the value at "
        "run time, cached (Parameters and Secrets Lambda Extension or Powertools)."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        "seeds/000 Constraints, seeds/002 §2, seeds/003 §3b and seeds/004 (secrets in "
        "Secrets Manager / Parameter Store, not in environment variables)"
    ),
    granular=True,
)
