"""BestLambda-IteratorAgeAlarm: some CloudWatch alarm says when a stream consumer falls behind."""

from __future__ import annotations

from best_lambda.rules.cloudwatch._common import watch_result, watched_by_alarms
from best_lambda.rules.model import Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.sqs._common import ESM, stream_applicability
from best_lambda.rules.template import FUNCTION, TemplateIndex


def check(esm: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when an alarm watches AWS/Lambda IteratorAge of the mapping's function.

    Judged on each Kinesis or DynamoDB stream event source mapping (IteratorAge exists only
    for stream sources). The function is the mapping's ``FunctionName`` (through an alias or
    version); a function outside the template is unknown, its alarms may live elsewhere.
    """
    applicable = stream_applicability(esm, index)
    if isinstance(applicable, Result):
        return applicable
    function_id = index.function_id(esm.get("FunctionName"))
    function = index.get(function_id)
    if function is None:
        return Result.unknown(
            "the mapping's FunctionName is not a function of this template, so the alarms on "
            "its IteratorAge cannot be seen"
        )
    watch = watched_by_alarms(
        index,
        namespace="AWS/Lambda",
        metric_name="IteratorAge",
        dimension="FunctionName",
        resource_type=FUNCTION,
        name_property="FunctionName",
        attribute=None,
    )
    return watch_result(
        function,
        watch,
        "AWS/Lambda IteratorAge",
        f"No CloudWatch alarm of this template watches the AWS/Lambda IteratorAge metric of "
        f"function {function.logical_id}, which this {applicable} stream mapping invokes "
        "(dimension FunctionName).",
    )


RULE = Rule(
    id="BestLambda-IteratorAgeAlarm",
    severity=Severity.WARNING,
    message="No CloudWatch alarm watches the stream consumer's IteratorAge.",
    explanation=(
        "A stream consumer that falls behind (a failing batch blocking its shard, throttling, a "
        "slow downstream) shows it only in IteratorAge, the age of the records it is given: "
        "errors may be retried silently and nothing else grows. Past the mapping's maximum "
        "record age records are set aside unprocessed, and past the stream's retention they "
        "are gone. Alarm on its Maximum before that, e.g. fn.metric('IteratorAge', "
        "statistic='Maximum', period=Duration.minutes(5)).create_alarm(self, 'IteratorAge', "
        "threshold=<half of max_record_age, in ms>, evaluation_periods=1) with an SNS action; "
        "best_lambda.StreamConsumer derives it from max_record_age."
    ),
    resource_types=frozenset({ESM}),
    check=check,
    source=(
        "seeds/003 §5c (CloudWatch alarms on key metrics); AWS Lambda docs, stream "
        "monitoring (IteratorAge)"
    ),
)
