"""BestLambda-Arm64: functions run on Graviton (arm64)."""

from __future__ import annotations

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when ``Architectures`` is ``["arm64"]``."""
    raw = function.get("Architectures")
    if raw is None:
        return Result.non_compliant(
            Finding("Architectures is not set (Lambda's default is x86_64).")
        )
    architectures = index.literal(raw)
    if isinstance(architectures, Unresolved):
        return Result.unknown(f"Architectures: {architectures.reason}")
    if isinstance(architectures, str):
        architectures = [architectures]
    if not isinstance(architectures, list):
        return Result.unknown(f"Architectures {architectures!r} is not a list")
    if not architectures:
        return Result.non_compliant(Finding("Architectures is empty (Lambda's default is x86_64)."))
    if "arm64" in architectures and "x86_64" not in architectures:
        return Result.compliant()
    return Result.non_compliant(Finding(f"Architectures is {architectures!r}, not ['arm64']."))


RULE = Rule(
    id="BestLambda-Arm64",
    severity=Severity.WARNING,
    message="The Lambda function runs on x86_64 instead of Graviton (arm64).",
    explanation=(
        "Functions on Graviton2 (arm64) get up to 34% better price performance than x86_64 "
        "and cost less per GB-second. Set aws_lambda.Function(architecture="
        "Architecture.ARM_64) after checking that native dependencies and layers have arm64 "
        "builds (bundle them for linux/arm64)."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        'seeds/004 "Use Graviton (ARM)"; AWS: arm64 functions get up to 34% better price '
        "performance (docs: lambda/latest/dg/foundation-arch.html)"
    ),
)
