"""BestLambda-SqsVisibilityTimeout: the source queue hides a message long enough for Lambda."""

from __future__ import annotations

from best_lambda import limits
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.relations import function_timeout
from best_lambda.rules.sqs._common import ESM, show_number, sqs_applicability
from best_lambda.rules.template import TemplateIndex, Unresolved


def check(esm: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when VisibilityTimeout >= 6 x function timeout + MaximumBatchingWindow."""
    applicable = sqs_applicability(esm, index, need_queue=True)
    if isinstance(applicable, Result):
        return applicable
    queue = index.get(applicable[0])
    if queue is None:  # sqs_applicability(need_queue=True) returned a result instead
        return Result.unknown("the source queue is not a resource of this template")
    function = index.get(index.function_id(esm.get("FunctionName")))
    if function is None:
        return Result.unknown(
            "the mapping's FunctionName does not designate a function of this template, so "
            "its timeout is unknown"
        )

    defaults: list[str] = []
    visibility = index.number(queue.get("VisibilityTimeout"))
    if visibility is None:
        visibility = float(limits.SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS)
        defaults.append(f"queue VisibilityTimeout unset, SQS default {show_number(visibility)} s")
    if function.get("Timeout") is None:
        defaults.append(
            f"function Timeout unset, Lambda default {limits.LAMBDA_DEFAULT_TIMEOUT_SECONDS} s"
        )
    timeout = function_timeout(function, index)
    window = index.number(esm.get("MaximumBatchingWindowInSeconds"))
    if window is None:
        window = 0.0
        defaults.append("MaximumBatchingWindowInSeconds unset, default 0 s")
    if isinstance(visibility, Unresolved):
        return Result.unknown(f"VisibilityTimeout of queue {queue.logical_id}: {visibility.reason}")
    if isinstance(timeout, Unresolved):
        return Result.unknown(f"Timeout of function {function.logical_id}: {timeout.reason}")
    if isinstance(window, Unresolved):
        return Result.unknown(f"MaximumBatchingWindowInSeconds: {window.reason}")

    multiplier = limits.SQS_VISIBILITY_TIMEOUT_MULTIPLIER
    required = multiplier * timeout + window
    if visibility >= required:
        return Result.compliant()
    assumed = f" Defaults assumed: {'; '.join(defaults)}." if defaults else ""
    return Result.non_compliant(
        Finding(
            f"Queue {queue.logical_id} has VisibilityTimeout {show_number(visibility)} s, "
            f"below {multiplier} x the timeout of function {function.logical_id} "
            f"({show_number(timeout)} s) + MaximumBatchingWindowInSeconds "
            f"({show_number(window)} s) = {show_number(required)} s.{assumed}"
        )
    )


RULE = Rule(
    id="BestLambda-SqsVisibilityTimeout",
    severity=Severity.ERROR,
    message=(
        "The SQS queue's visibility timeout is shorter than 6 x the function timeout plus "
        "the batching window."
    ),
    explanation=(
        "While Lambda processes a batch, SQS only hides its messages for the queue's "
        "visibility timeout; if that runs out first (slow invocations, retries after "
        "throttling, messages waiting in the batching window), another poller receives the "
        "same messages again and they are processed twice or land in the dead-letter queue "
        "early. AWS asks for a visibility timeout of at least six times the function timeout "
        "plus MaximumBatchingWindowInSeconds. Set aws_sqs.Queue(visibility_timeout=...) "
        "accordingly (or shorten the function timeout / max_batching_window of "
        "aws_lambda_event_sources.SqsEventSource)."
    ),
    resource_types=frozenset({ESM}),
    check=check,
    source=(
        "AWS Lambda docs, services-sqs-configure (visibility timeout at least six times the "
        "function timeout plus MaximumBatchingWindowInSeconds)"
    ),
)
