"""BestLambda-JsonLogs: functions write structured (JSON) logs."""

from __future__ import annotations

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved, is_intrinsic


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when ``LoggingConfig.LogFormat`` is ``JSON``."""
    config = function.get("LoggingConfig")
    if config is None:
        return Result.non_compliant(
            Finding("LoggingConfig is not set (Lambda's default log format is Text).")
        )
    if is_intrinsic(config):
        config = index.literal(config)
        if isinstance(config, Unresolved):
            return Result.unknown(f"LoggingConfig: {config.reason}")
    if not isinstance(config, dict):
        return Result.unknown(f"LoggingConfig {config!r} is not an object")
    raw = config.get("LogFormat")
    if raw is None:
        return Result.non_compliant(
            Finding("LoggingConfig.LogFormat is not set (Lambda's default is Text).")
        )
    log_format = index.literal(raw)
    if isinstance(log_format, Unresolved):
        return Result.unknown(f"LoggingConfig.LogFormat: {log_format.reason}")
    if log_format != "JSON":
        return Result.non_compliant(Finding(f"LoggingConfig.LogFormat is {log_format!r}."))
    return Result.compliant()


RULE = Rule(
    id="BestLambda-JsonLogs",
    severity=Severity.WARNING,
    message="The Lambda function does not write structured (JSON) logs.",
    explanation=(
        "JSON logs can be queried by field in CloudWatch Logs Insights, filtered by level "
        "(ApplicationLogLevel / SystemLogLevel) and carry the request ID on every line. Set "
        "aws_lambda.Function(logging_format=LoggingFormat.JSON) and log with a structured "
        "logger (Powertools for AWS Lambda Logger)."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source="seeds/003 §5a (structured logging) and seeds/004 (JSON logs)",
)
