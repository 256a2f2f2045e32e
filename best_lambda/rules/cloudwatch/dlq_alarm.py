"""BestLambda-DlqAlarm: some CloudWatch alarm says when a dead-letter queue fills up."""

from __future__ import annotations

from best_lambda.rules.cloudwatch._common import watch_result, watched_by_alarms
from best_lambda.rules.model import Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.relations import dead_letter_queues
from best_lambda.rules.template import TemplateIndex

QUEUE = "AWS::SQS::Queue"


def check(queue: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when an alarm watches ApproximateNumberOfMessagesVisible of this DLQ."""
    whose = dead_letter_queues(index).get(queue.logical_id)
    if whose is None:
        return Result.not_applicable("the queue is not a dead-letter queue of this template")
    watch = watched_by_alarms(
        index,
        namespace="AWS/SQS",
        metric_name="ApproximateNumberOfMessagesVisible",
        dimension="QueueName",
        resource_type=QUEUE,
        name_property="QueueName",
        attribute="QueueName",
    )
    return watch_result(
        queue,
        watch,
        "AWS/SQS ApproximateNumberOfMessagesVisible",
        f"Queue {queue.logical_id} is the {whose}, and no CloudWatch alarm of this template "
        "watches its AWS/SQS ApproximateNumberOfMessagesVisible metric (dimension QueueName).",
    )


RULE = Rule(
    id="BestLambda-DlqAlarm",
    severity=Severity.WARNING,
    message="No CloudWatch alarm watches the dead-letter queue's visible messages.",
    explanation=(
        "A dead-letter queue keeps the events that failed every retry, but only for its "
        "retention period: if nobody is told that messages arrive, they expire and the "
        "failures are lost quietly. Alarm when it holds any message, e.g. "
        "dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(1))"
        ".create_alarm(self, 'DlqNotEmpty', threshold=1, evaluation_periods=1, "
        "comparison_operator=ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD) with an "
        "SNS action (aws_cloudwatch_actions.SnsAction)."
    ),
    resource_types=frozenset({QUEUE}),
    check=check,
    source=(
        "seeds/000 step 5 and seeds/003 §4b (dead-letter queues capture failed events; a DLQ "
        "nobody watches loses them quietly)"
    ),
)
