"""BestLambda-EventTargetDlq: EventBridge keeps the events it could not deliver to a function."""

from __future__ import annotations

from typing import Any

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import (
    FUNCTION,
    TemplateIndex,
    Unresolved,
    is_intrinsic,
    literal_text,
    lookup,
)

EVENT_RULE = "AWS::Events::Rule"
SCHEDULE = "AWS::Scheduler::Schedule"
#: Scheduler's universal target for Lambda's Invoke API.
_UNIVERSAL_INVOKE = ":aws-sdk:lambda:invoke"


def _invokes_lambda(arn: Any, index: TemplateIndex) -> str | Unresolved | None:
    """What Lambda function a target ARN invokes (a description), ``None`` if not one."""
    function = index.function_id(arn)
    if function is not None:
        return f"function {function}"
    target = index.target(arn)
    if target is not None:
        return None  # another resource of this template: a queue, a topic, a bus...
    literal = index.literal(arn)
    text = literal if isinstance(literal, str) else literal_text(arn)
    if isinstance(text, str):
        if text.endswith(_UNIVERSAL_INVOKE):
            return "Lambda's Invoke API (universal target)"
        if ":lambda:" in text and ":function:" in text:
            return "a function outside this template"
        if is_intrinsic(arn) and any(
            index.resources[t].type == FUNCTION for t in index.targets_in(arn)
        ):
            return "a function of this template"
        if text.startswith("arn:") or not is_intrinsic(arn):
            return None
    if isinstance(literal, Unresolved):
        return Unresolved(f"whether the target {arn!r} is a Lambda function: {literal.reason}")
    return None


def _targets(resource: Resource) -> list[Any] | None:
    if resource.type == SCHEDULE:
        target = resource.get("Target")
        return [target] if isinstance(target, dict) else None
    targets = resource.get("Targets")
    if targets is None:
        return []
    return targets if isinstance(targets, list) else None


def check(resource: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when every target that invokes Lambda has a DeadLetterConfig.Arn."""
    targets = _targets(resource)
    if targets is None:
        return Result.unknown("the targets are not a literal list (a condition or an import)")
    findings: list[Finding] = []
    unknowns: list[str] = []
    invokes = False
    for position, target in enumerate(targets):
        if not isinstance(target, dict):
            unknowns.append(f"target {position} is not a literal object")
            continue
        name = (
            f"Target {target.get('Id', position)!r}"
            if resource.type == EVENT_RULE
            else "The schedule's target"
        )
        what = _invokes_lambda(target.get("Arn"), index)
        if isinstance(what, Unresolved):
            if lookup(target, ("DeadLetterConfig", "Arn"), index) is None:
                unknowns.append(f"{name}: {what.reason}")
            continue
        if what is None:
            continue
        invokes = True
        dlq = lookup(target, ("DeadLetterConfig", "Arn"), index)
        if isinstance(dlq, Unresolved):
            unknowns.append(f"{name} DeadLetterConfig.Arn: {dlq.reason}")
        elif dlq is None or dlq == "":
            findings.append(
                Finding(
                    f"{name} invokes {what} without a DeadLetterConfig: events that "
                    "could not be delivered once the retry policy is exhausted are dropped."
                )
            )
    if findings:
        return Result.non_compliant(*findings)
    if unknowns:
        return Result.unknown("; ".join(unknowns))
    if not invokes:
        return Result.not_applicable("no target invokes a Lambda function")
    return Result.compliant()


RULE = Rule(
    id="BestLambda-EventTargetDlq",
    severity=Severity.ERROR,
    message=(
        "An EventBridge rule or Scheduler target invokes a Lambda function without a "
        "dead-letter queue."
    ),
    explanation=(
        "EventBridge rules and EventBridge Scheduler invoke Lambda asynchronously. When the "
        "invocation fails for good (a missing permission, a deleted function, or retries "
        "exhausted under throttling), the event is dropped unless the target has a "
        "dead-letter queue; the function's own dead-letter queue only receives events Lambda "
        "accepted. Give the target one: aws_events_targets.LambdaFunction(fn, "
        "dead_letter_queue=queue) or aws_scheduler_targets.LambdaInvoke(fn, "
        "dead_letter_queue=queue) (best_lambda.EventRuleHandler and ScheduledFunction do), "
        "and alarm on its depth."
    ),
    resource_types=frozenset({EVENT_RULE, SCHEDULE}),
    check=check,
    source=(
        "seeds/000 step 5 (capture failed events); AWS docs: using dead-letter queues to "
        "process undelivered events (EventBridge), configuring a DLQ (EventBridge Scheduler)"
    ),
)
