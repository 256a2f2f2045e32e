"""BestLambda-AsyncFailureHandling: asynchronously invoked functions keep failed events."""

from __future__ import annotations

from best_lambda.rules.lambda_._invocation import is_set
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.relations import PERMISSION, async_triggers, classify_principal
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved

EVENT_INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig"
_NO_TRIGGER = (
    "no asynchronous trigger in this template (it is invoked synchronously or by a poller: "
    "API Gateway, a function URL, an SQS or stream event source mapping)"
)


def _describe(triggers: list[str]) -> str:
    """``"EventBridge rules (permission A; permission B), SNS subscriptions (...)"``."""
    grouped: dict[str, list[str]] = {}
    for trigger in triggers:
        what, _, detail = trigger.partition(" (")
        grouped.setdefault(what, []).append(detail.removesuffix(")"))
    return ", ".join(
        f"{what} ({'; '.join(d for d in details if d)})" if any(details) else what
        for what, details in grouped.items()
    )


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when an asynchronously invoked function has a DLQ or on-failure destination.

    Asynchronous triggers are those of :func:`~best_lambda.rules.relations.async_triggers`
    (S3, SNS, EventBridge, Scheduler, IoT, CloudWatch Logs and SES permissions, Scheduler
    targets, and any ``AWS::Lambda::EventInvokeConfig`` of the function). Failure handling
    that belongs to the trigger (an EventBridge target's or an SNS subscription's
    dead-letter queue) does not count: it only catches events the service could not
    deliver, not events the function failed to process.
    """
    triggers = async_triggers(function.logical_id, index)
    unknowns: list[str] = []

    dlq = function.get("DeadLetterConfig")
    target = dlq.get("TargetArn") if isinstance(dlq, dict) else None
    has_dlq = is_set(target, index)
    if has_dlq is True:
        return Result.compliant() if triggers else Result.not_applicable(_NO_TRIGGER)
    if isinstance(has_dlq, Unresolved):
        unknowns.append(f"DeadLetterConfig.TargetArn: {has_dlq.reason}")

    for config in index.attached(EVENT_INVOKE_CONFIG, function.logical_id):
        destinations = config.get("DestinationConfig")
        on_failure = destinations.get("OnFailure") if isinstance(destinations, dict) else None
        destination = on_failure.get("Destination") if isinstance(on_failure, dict) else None
        has_destination = is_set(destination, index)
        if has_destination is True:
            return Result.compliant()
        if isinstance(has_destination, Unresolved):
            unknowns.append(
                f"{config.logical_id} DestinationConfig.OnFailure.Destination: "
                f"{has_destination.reason}"
            )

    if not triggers:
        unresolved = [
            f"the principal of {p.logical_id}: {principal.reason}"
            for p in index.attached(PERMISSION, function.logical_id)
            if isinstance(principal := classify_principal(p.get("Principal"), index), Unresolved)
        ]
        if unresolved:
            return Result.unknown(
                "whether the function is invoked asynchronously: " + "; ".join(unresolved)
            )
        return Result.not_applicable(_NO_TRIGGER)
    if unknowns:
        return Result.unknown("; ".join(unknowns))
    return Result.non_compliant(
        Finding(
            "It is invoked asynchronously by "
            + _describe(triggers)
            + " but has no DeadLetterConfig and no EventInvokeConfig with an OnFailure "
            "destination: events that still fail after Lambda's 2 retries are discarded."
        )
    )


RULE = Rule(
    id="BestLambda-AsyncFailureHandling",
    severity=Severity.ERROR,
    message=(
        "The asynchronously invoked Lambda function has no dead-letter queue or on-failure "
        "destination."
    ),
    explanation=(
        "S3, SNS, EventBridge, Scheduler and other services invoke Lambda asynchronously: "
        "Lambda queues the event, retries a failed invocation twice, then drops it silently. "
        "Keep failed events for inspection and replay with an on-failure destination "
        "(aws_lambda.Function(on_failure=aws_lambda_destinations.SqsDestination(queue)), "
        "which records the error and request context) or a dead-letter queue "
        "(aws_lambda.Function(dead_letter_queue=queue)). A dead-letter queue on the "
        "EventBridge target or SNS subscription is not enough: it only keeps events the "
        "service failed to deliver, not those the function failed to process."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        "seeds/000 step 5 and seeds/003 §4a-b (handle failures of asynchronous invocations "
        "with on-failure destinations or dead-letter queues)"
    ),
)
