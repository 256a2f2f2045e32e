"""BestLambda-ExplicitTimeout: functions set their timeout on purpose."""

from __future__ import annotations

from best_lambda import limits
from best_lambda.rules.lambda_._explicit import check_explicit_number
from best_lambda.rules.model import Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when ``Timeout`` is set (a literal within 1 to 900 s, or a parameter)."""
    return check_explicit_number(
        function,
        index,
        "Timeout",
        default=limits.LAMBDA_DEFAULT_TIMEOUT_SECONDS,
        bounds=limits.TIMEOUT_SECONDS,
        unit="s",
    )


RULE = Rule(
    id="BestLambda-ExplicitTimeout",
    severity=Severity.ERROR,
    message="The Lambda function does not set a deliberate timeout within Lambda's limits.",
    explanation=(
        "Lambda's default timeout of 3 s is rarely the right one: too short for calls to "
        "other services, and the timeout also drives retries, SQS visibility timeouts and "
        "API Gateway limits. Set it from the function's measured duration plus a margin, "
        "between 1 s and 900 s: aws_lambda.Function(timeout=Duration.seconds(...))."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        'seeds/000 Constraints and seeds/004 "Set Appropriate Timeouts"; Lambda quota: '
        "1 to 900 s (docs: lambda/latest/dg/gettingstarted-limits.html)"
    ),
)
