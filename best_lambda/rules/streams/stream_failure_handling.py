"""BestLambda-StreamFailureHandling: a failing stream record cannot block its shard forever."""

from __future__ import annotations

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.sqs._common import ESM, stream_applicability
from best_lambda.rules.template import TemplateIndex, Unresolved, lookup

#: What Lambda uses for MaximumRetryAttempts / MaximumRecordAgeInSeconds on Kinesis and
#: DynamoDB streams when they are unset: -1, retry until the record expires.
INFINITE = -1.0


def _destination(esm: Resource, index: TemplateIndex) -> Finding | Unresolved | None:
    destination = lookup(esm.get("DestinationConfig"), ("OnFailure", "Destination"), index)
    if isinstance(destination, Unresolved):
        return Unresolved(f"DestinationConfig.OnFailure.Destination: {destination.reason}")
    if destination is None or destination == "":
        return Finding(
            "DestinationConfig.OnFailure.Destination is not set: records discarded after "
            "their last retry leave no trace."
        )
    return None


def _bisect(esm: Resource, index: TemplateIndex) -> Finding | Unresolved | None:
    raw = lookup(esm.get("BisectBatchOnFunctionError"), (), index)
    if isinstance(raw, Unresolved):
        return Unresolved(f"BisectBatchOnFunctionError: {raw.reason}")
    if raw is None:
        return Finding(
            "BisectBatchOnFunctionError is not set (default false): one bad record fails its "
            "whole batch on every retry."
        )
    value = index.literal(raw)
    if isinstance(value, Unresolved):
        return Unresolved(f"BisectBatchOnFunctionError: {value.reason}")
    if value is True or (isinstance(value, str) and value.lower() == "true"):
        return None
    return Finding(
        f"BisectBatchOnFunctionError is {value!r}: one bad record fails its whole batch on "
        "every retry."
    )


def _limit(esm: Resource, index: TemplateIndex) -> Finding | Unresolved | None:
    doubts: list[str] = []
    shown: list[str] = []
    for prop in ("MaximumRetryAttempts", "MaximumRecordAgeInSeconds"):
        raw = lookup(esm.get(prop), (), index)
        value = raw if isinstance(raw, Unresolved) else index.number(raw)
        if isinstance(value, Unresolved):
            doubts.append(f"{prop}: {value.reason}")
        elif value is None:
            shown.append(f"{prop} is unset (default -1, infinite)")
        elif value == INFINITE:
            shown.append(f"{prop} is -1 (infinite)")
        else:
            return None  # finite: failing records are eventually given up on
    if doubts:
        return Unresolved("; ".join(doubts))
    return Finding(
        f"{' and '.join(shown)}: a failing record is retried until it expires from the "
        "stream, blocking its shard meanwhile."
    )


def check(esm: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant with an on-failure destination, bisection and finite retries or age.

    Every missing safeguard is named in one finding: all three are needed, so fixing them
    one synth at a time helps nobody.
    """
    applicable = stream_applicability(esm, index)
    if isinstance(applicable, Result):
        return applicable
    findings: list[Finding] = []
    doubts: list[str] = []
    for outcome in (_destination(esm, index), _bisect(esm, index), _limit(esm, index)):
        if isinstance(outcome, Finding):
            findings.append(outcome)
        elif isinstance(outcome, Unresolved):
            doubts.append(outcome.reason)
    if len(findings) == 1:
        return Result.non_compliant(*findings)
    if findings:
        listed = " ".join(f"({n}) {f.message}" for n, f in enumerate(findings, start=1))
        return Result.non_compliant(
            Finding(f"{len(findings)} of the 3 safeguards are missing, each needed: {listed}")
        )
    if doubts:
        return Result.unknown("; ".join(doubts))
    return Result.compliant()


RULE = Rule(
    id="BestLambda-StreamFailureHandling",
    severity=Severity.ERROR,
    message=(
        "The Kinesis / DynamoDB stream mapping lacks failure handling: it needs all of an "
        "on-failure destination, bisection on error, and a finite retry count or record age."
    ),
    explanation=(
        "Lambda reads a stream shard in order: while a batch keeps failing, nothing behind it "
        "on that shard is processed, and by default (MaximumRetryAttempts and "
        "MaximumRecordAgeInSeconds -1) it is retried until the record expires from the "
        "stream, then dropped silently. Bound the retries, split failing batches to isolate "
        "the bad record, and send what is given up on somewhere: aws_lambda_event_sources."
        "KinesisEventSource / DynamoEventSource(on_failure=SqsDlq(queue) or SnsDlq(topic), "
        "bisect_batch_on_error=True, retry_attempts=N and/or max_record_age=Duration...)."
    ),
    resource_types=frozenset({ESM}),
    check=check,
    source=(
        "seeds/003 §4 (reliability: retries and dead-letter queues); AWS Lambda docs, Kinesis "
        "and DynamoDB Streams error handling (a failing record blocks its shard until it "
        "expires)"
    ),
)
