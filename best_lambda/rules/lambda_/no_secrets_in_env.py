"""BestLambda-NoSecretsInEnv: no literal secrets in a function's environment variables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.secrets import secret_reason
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved, is_intrinsic


def _literals(value: Any, index: TemplateIndex) -> Iterator[str]:
    """The literal strings a variable's value can be, as written in the template.

    ``Fn::If`` branches and ``Fn::FindInMap`` cells are literals of the template; other
    intrinsics (``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``Fn::Join``, ``Fn::ImportValue``, ...)
    point at values that live elsewhere and are not judged.
    """
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict) and len(value) == 1:
        (key, arg) = next(iter(value.items()))
        if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
            yield from _literals(arg[1], index)
            yield from _literals(arg[2], index)
        elif key == "Fn::FindInMap":
            resolved = index.literal(value)
            if isinstance(resolved, str):
                yield resolved


def _findings(variables: dict[str, Any], index: TemplateIndex, where: str = "") -> list[Finding]:
    findings = []
    for name, value in variables.items():
        reasons = {r for r in (secret_reason(name, v) for v in _literals(value, index)) if r}
        for reason in sorted(reasons):
            findings.append(
                Finding(
                    f"Environment variable {name}{where} holds a literal secret: {reason}.",
                    suffix=f"Variable::{name}",
                )
            )
    return findings


def _branch_maps(value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """The variable maps of an ``Fn::If`` over the whole ``Variables`` object."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        arg = value["Fn::If"]
        if isinstance(arg, list) and len(arg) == 3:
            for branch, outcome in ((arg[1], "true"), (arg[2], "false")):
                if isinstance(branch, dict) and not is_intrinsic(branch):
                    yield f" (when {arg[0]} is {outcome})", branch
                else:
                    yield from _branch_maps(branch)


def _inspectable(value: Any) -> bool:
    """Whether every branch of an ``Fn::If`` over ``Variables`` is a plain map."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        arg = value["Fn::If"]
        return isinstance(arg, list) and len(arg) == 3 and all(map(_inspectable, arg[1:]))
    return isinstance(value, dict) and not is_intrinsic(value)


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """One finding per environment variable whose literal value looks like a secret."""
    environment = function.get("Environment")
    if is_intrinsic(environment):
        environment = index.literal(environment)
        if isinstance(environment, Unresolved):
            return Result.unknown(f"Environment: {environment.reason}")
    variables = environment.get("Variables") if isinstance(environment, dict) else None
    if not variables or variables == {"Ref": "AWS::NoValue"}:
        return Result.not_applicable("the function has no environment variables")
    if is_intrinsic(variables):
        findings = [f for where, m in _branch_maps(variables) for f in _findings(m, index, where)]
        if findings:
            return Result.non_compliant(*findings)
        if _inspectable(variables):
            return Result.compliant()  # every branch was read, and none holds a secret
        resolved = index.literal(variables)
        if isinstance(resolved, Unresolved):
            return Result.unknown(f"Environment.Variables: {resolved.reason}")
        variables = resolved
    if not isinstance(variables, dict):
        return Result.unknown(f"Environment.Variables {variables!r} is not an object")
    return Result.from_findings(_findings(variables, index))


RULE = Rule(
    id="BestLambda-NoSecretsInEnv",
    severity=Severity.ERROR,
    message="A Lambda environment variable holds a literal secret.",
    explanation=(
        "Environment variables are stored in the template, the cloud assembly and the "
        "function's configuration, visible to anyone with lambda:GetFunctionConfiguration "
        "or access to the source. Keep secrets in AWS Secrets Manager or SSM Parameter "
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
