"""BestLambda-TracingActive: functions trace with X-Ray in Active mode."""

from __future__ import annotations

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when ``TracingConfig.Mode`` is ``Active``."""
    config = function.get("TracingConfig")
    if config is None:
        return Result.non_compliant(
            Finding(
                "TracingConfig is not set (Lambda's default is PassThrough: no traces of its own)."
            )
        )
    mode = index.literal(config.get("Mode") if isinstance(config, dict) else config)
    if isinstance(mode, Unresolved):
        return Result.unknown(f"TracingConfig.Mode: {mode.reason}")
    if mode != "Active":
        return Result.non_compliant(Finding(f"TracingConfig.Mode is {mode!r}."))
    return Result.compliant()


RULE = Rule(
    id="BestLambda-TracingActive",
    severity=Severity.ERROR,
    message="The Lambda function does not trace with X-Ray in Active mode.",
    explanation=(
        "Active tracing samples every request the function handles and shows where time "
        "goes across services. Set TracingConfig.Mode to Active (aws_lambda.Function("
        "tracing=Tracing.ACTIVE); HardenedFunction does) and allow xray:PutTraceSegments and "
        "xray:PutTelemetryRecords on '*'."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source="seeds/001 §5.2 and seeds/003 §5b (distributed tracing with AWS X-Ray)",
)
