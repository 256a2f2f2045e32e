"""BestLambda-ErrorAlarm: some CloudWatch alarm watches each function's Errors metric."""

from __future__ import annotations

from best_lambda.rules.cloudwatch._common import watch_result, watched_by_alarms
from best_lambda.rules.model import Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when an alarm of the template watches AWS/Lambda Errors for this function."""
    watch = watched_by_alarms(
        index,
        namespace="AWS/Lambda",
        metric_name="Errors",
        dimension="FunctionName",
        resource_type=FUNCTION,
        name_property="FunctionName",
        attribute=None,
    )
    return watch_result(
        function,
        watch,
        "AWS/Lambda Errors",
        f"No CloudWatch alarm of this template watches the AWS/Lambda Errors metric of "
        f"function {function.logical_id} (dimension FunctionName).",
    )


RULE = Rule(
    id="BestLambda-ErrorAlarm",
    severity=Severity.WARNING,
    message="No CloudWatch alarm watches the function's Errors metric.",
    explanation=(
        "Logs and metrics record failures, but nobody is told: without an alarm on Errors, "
        "a function that starts failing after a deployment or a dependency outage goes "
        "unnoticed until users complain. Create one next to the function, e.g. "
        "fn.metric_errors(period=Duration.minutes(1)).create_alarm(self, 'Errors', "
        "threshold=1, evaluation_periods=1, treat_missing_data=TreatMissingData.NOT_BREACHING)"
        " with an SNS action (aws_cloudwatch_actions.SnsAction), or alarm on a metric-math "
        "error rate that uses the metric."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source="seeds/003 §5c (CloudWatch alarms on key metrics); seeds/001 §6.1 (set alarms)",
)
