"""BestLambda-ExplicitMemory: functions set their memory size on purpose."""

from __future__ import annotations

from best_lambda import limits
from best_lambda.rules.lambda_._explicit import check_explicit_number
from best_lambda.rules.model import Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when ``MemorySize`` is set (a literal within 128 to 10,240 MB, or a parameter)."""
    return check_explicit_number(
        function,
        index,
        "MemorySize",
        default=limits.LAMBDA_DEFAULT_MEMORY_MB,
        bounds=limits.MEMORY_MB,
        unit="MB",
    )


RULE = Rule(
    id="BestLambda-ExplicitMemory",
    severity=Severity.ERROR,
    message="The Lambda function does not set a deliberate memory size within Lambda's limits.",
    explanation=(
        "Memory also sets the function's CPU share and network bandwidth, so Lambda's default "
        "of 128 MB is often both slower and more expensive per request. Choose it by measuring "
        "(AWS Lambda Power Tuning), between 128 MB and 10,240 MB: "
        "aws_lambda.Function(memory_size=...)."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        "seeds/000 step 2 and seeds/003 §1a (right-size memory); Lambda quota: 128 to "
        "10,240 MB (docs: lambda/latest/dg/gettingstarted-limits.html)"
    ),
)
