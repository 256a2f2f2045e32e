"""BestLambda-SqsRedrive: the queue feeding a function sends poison messages to a DLQ."""

from __future__ import annotations

import json
from typing import Any

from best_lambda import limits
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.sqs._common import ESM, show_number, sqs_applicability
from best_lambda.rules.template import TemplateIndex, Unresolved, is_intrinsic, lookup


def _redrive_policy(queue: Resource, index: TemplateIndex) -> dict[str, Any] | Unresolved | None:
    """The queue's RedrivePolicy as an object (CloudFormation also accepts a JSON string)."""
    policy = lookup(queue.properties.get("RedrivePolicy"), (), index)
    if isinstance(policy, Unresolved):
        return Unresolved(f"RedrivePolicy of queue {queue.logical_id}: {policy.reason}")
    if policy is None:
        return None
    substituted = isinstance(policy, dict) and isinstance(policy.get("Fn::Sub"), str)
    if substituted:
        # A JSON document with ${Dlq.Arn}-style placeholders: its shape is known.
        policy = policy["Fn::Sub"]
    elif is_intrinsic(policy):
        policy = index.literal(policy)
        if isinstance(policy, Unresolved):
            return Unresolved(f"RedrivePolicy of queue {queue.logical_id}: {policy.reason}")
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            how = "an Fn::Sub whose JSON depends on deploy-time values" if substituted else ""
            return Unresolved(
                f"RedrivePolicy of queue {queue.logical_id} is {how or 'not valid JSON'}"
            )
    if not isinstance(policy, dict):
        return Unresolved(f"RedrivePolicy of queue {queue.logical_id} is not an object")
    return policy


def check(esm: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when the source queue redrives to a DLQ after at least 5 receives."""
    applicable = sqs_applicability(esm, index, need_queue=True)
    if isinstance(applicable, Result):
        return applicable
    queue = index.get(applicable[0])
    if queue is None:  # sqs_applicability(need_queue=True) returned a result instead
        return Result.unknown("the source queue is not a resource of this template")

    policy = _redrive_policy(queue, index)
    if isinstance(policy, Unresolved):
        return Result.unknown(policy.reason)
    if policy is None:
        return Result.non_compliant(
            Finding(
                f"Queue {queue.logical_id} has no RedrivePolicy: a message the function keeps "
                "failing on is received again and again until MessageRetentionPeriod expires, "
                "then lost."
            )
        )
    target = lookup(policy, ("deadLetterTargetArn",), index)
    if isinstance(target, Unresolved):
        return Result.unknown(f"deadLetterTargetArn of queue {queue.logical_id}: {target.reason}")
    if target is None:
        return Result.non_compliant(
            Finding(f"The RedrivePolicy of queue {queue.logical_id} has no deadLetterTargetArn.")
        )
    raw_count = lookup(policy, ("maxReceiveCount",), index)
    if isinstance(raw_count, str) and "${" in raw_count:
        raw_count = Unresolved(f"{raw_count!r} is substituted at deploy time")
    count = raw_count if isinstance(raw_count, Unresolved) else index.number(raw_count)
    if isinstance(count, Unresolved):
        return Result.unknown(f"maxReceiveCount of queue {queue.logical_id}: {count.reason}")
    if count is None:
        return Result.non_compliant(
            Finding(
                f"The RedrivePolicy of queue {queue.logical_id} has no maxReceiveCount "
                "(SQS requires it with deadLetterTargetArn)."
            )
        )
    minimum = limits.SQS_RECOMMENDED_MIN_RECEIVE_COUNT
    if count < minimum:
        return Result.non_compliant(
            Finding(
                f"The RedrivePolicy of queue {queue.logical_id} has maxReceiveCount "
                f"{show_number(count)}, below the {minimum} AWS recommends for Lambda "
                "consumers: throttled or briefly failing messages reach the dead-letter queue "
                "without a fair retry.",
                severity=Severity.WARNING,
            )
        )
    return Result.compliant()


RULE = Rule(
    id="BestLambda-SqsRedrive",
    severity=Severity.ERROR,
    message=(
        "The SQS queue feeding the function has no dead-letter queue (or a maxReceiveCount "
        "below 5)."
    ),
    explanation=(
        "Without a redrive policy, a message the function cannot process returns to the "
        "queue after every visibility timeout, is retried until the retention period ends "
        "and is then deleted without trace, while it keeps costing invocations. Give the "
        "queue a dead-letter queue: aws_sqs.Queue(dead_letter_queue=aws_sqs.DeadLetterQueue("
        "queue=dlq, max_receive_count=5)), with max_receive_count of at least 5 so that "
        "throttling and transient errors do not send good messages there too."
    ),
    resource_types=frozenset({ESM}),
    check=check,
    source=(
        "seeds/000 step 5 (a dead-letter queue for failed events); AWS guidance for Lambda "
        "consumers of SQS: maxReceiveCount of at least 5"
    ),
)
