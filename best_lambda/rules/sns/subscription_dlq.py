"""BestLambda-SnsSubscriptionDlq: SNS keeps the messages it could not deliver to a function."""

from __future__ import annotations

import json
from typing import Any

from best_lambda import limits
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex, Unresolved, is_intrinsic

SUBSCRIPTION = "AWS::SNS::Subscription"
TOPIC = "AWS::SNS::Topic"


def _dead_letter_target(policy: Any, index: TemplateIndex) -> bool | Unresolved:
    """Whether a RedrivePolicy (an object or a JSON string) names a dead-letter queue.

    (Neither ``Fn::If`` nor ``AWS::NoValue`` reaches a rule: the engine judges each branch
    of a condition, with ``AWS::NoValue`` removed.)
    """
    if policy is None:
        return False
    text: Any = policy
    sub = policy.get("Fn::Sub") if isinstance(policy, dict) else None
    if isinstance(sub, list) and sub:
        sub = sub[0]
    if isinstance(sub, str):
        text = sub  # a JSON document with ${Queue.Arn} placeholders
    elif is_intrinsic(policy):
        text = index.literal(policy)
        if isinstance(text, Unresolved):
            return text
    if isinstance(text, str):
        try:
            text = json.loads(text)
        except ValueError:
            return Unresolved("the RedrivePolicy is not valid JSON")
    if not isinstance(text, dict):
        return Unresolved("the RedrivePolicy is neither an object nor a JSON string")
    target = text.get("deadLetterTargetArn")
    return target not in (None, "")


def _lambda_protocol(value: Any, index: TemplateIndex) -> bool | Unresolved:
    protocol = index.literal(value)
    if isinstance(protocol, Unresolved):
        return protocol
    return isinstance(protocol, str) and protocol.lower() == "lambda"


def _check_topic(topic: Resource, index: TemplateIndex) -> Result:
    """Inline ``Subscription`` items of a topic cannot carry a redrive policy at all."""
    items = topic.get("Subscription") or []
    if not isinstance(items, list):
        return Result.unknown("the topic's Subscription property is not a literal list")
    endpoints = [
        item.get("Endpoint")
        for item in items
        if isinstance(item, dict) and _lambda_protocol(item.get("Protocol"), index) is True
    ]
    if not endpoints:
        return Result.not_applicable("the topic has no inline subscription of a Lambda function")
    shown = ", ".join(index.function_id(e) or "a function outside this template" for e in endpoints)
    return Result.non_compliant(
        Finding(
            f"Topic {topic.logical_id} subscribes {shown} through its inline Subscription "
            "property, which cannot have a redrive policy: messages SNS cannot deliver are "
            "discarded."
        )
    )


def check(resource: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when a Lambda subscription has a RedrivePolicy with a dead-letter queue."""
    if resource.type == TOPIC:
        return _check_topic(resource, index)
    is_lambda = _lambda_protocol(resource.get("Protocol"), index)
    if isinstance(is_lambda, Unresolved):
        return Result.unknown(f"the subscription's Protocol: {is_lambda.reason}")
    if not is_lambda:
        return Result.not_applicable("the subscription does not deliver to a Lambda function")
    policy = resource.get("RedrivePolicy")
    has_target = False if policy is None else _dead_letter_target(policy, index)
    if isinstance(has_target, Unresolved):
        return Result.unknown(f"RedrivePolicy: {has_target.reason}")
    if has_target:
        return Result.compliant()
    function = index.function_id(resource.get("Endpoint")) or "a function outside this template"
    return Result.non_compliant(
        Finding(
            f"The subscription of {function} has no RedrivePolicy with a deadLetterTargetArn: "
            f"messages SNS could not deliver (after its {limits.SNS_LAMBDA_DELIVERY_ATTEMPTS:,} "
            "attempts over 23 days, or at once for a missing permission) are discarded."
        )
    )


RULE = Rule(
    id="BestLambda-SnsSubscriptionDlq",
    severity=Severity.ERROR,
    message=(
        "The SNS subscription of a Lambda function has no dead-letter queue for messages SNS "
        "could not deliver."
    ),
    explanation=(
        "SNS invokes Lambda asynchronously. When it cannot deliver a message (the function "
        "was deleted, its resource policy lacks sns.amazonaws.com, or throttling lasts "
        "longer than SNS's fixed retry policy), the message is discarded unless the "
        "subscription has a redrive policy. The function's own dead-letter queue does not "
        "help: it only receives events Lambda accepted. Give the subscription a dead-letter "
        "queue: aws_sns_subscriptions.LambdaSubscription(fn, dead_letter_queue=queue) "
        "(best_lambda.TopicSubscriber does), and alarm on its depth."
    ),
    resource_types=frozenset({SUBSCRIPTION, TOPIC}),
    check=check,
    source=(
        "seeds/000 step 5 (capture failed events); AWS docs: Amazon SNS dead-letter queues "
        "(redrive policy), SNS message delivery retries"
    ),
)
