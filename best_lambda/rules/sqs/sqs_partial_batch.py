"""BestLambda-SqsPartialBatch: SQS batches report the failed messages, not the whole batch."""

from __future__ import annotations

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.sqs._common import ESM, show_number, sqs_applicability
from best_lambda.rules.template import TemplateIndex, Unresolved

#: Lambda's BatchSize when an SQS event source mapping does not set it.
SQS_DEFAULT_BATCH_SIZE = 10
REPORT = "ReportBatchItemFailures"


def check(esm: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when BatchSize is 1 or FunctionResponseTypes has ReportBatchItemFailures."""
    applicable = sqs_applicability(esm, index, need_queue=False)
    if isinstance(applicable, Result):
        return applicable
    doubt = applicable[1]

    types = index.literal(esm.get("FunctionResponseTypes"))
    if isinstance(types, Unresolved):
        return Result.unknown(f"FunctionResponseTypes: {types.reason}")
    types = types if isinstance(types, list) else [] if types is None else [types]
    if REPORT in types:
        return Result.compliant()

    size = index.number(esm.get("BatchSize"))
    default = size is None
    if size is None:
        size = float(SQS_DEFAULT_BATCH_SIZE)
    if isinstance(size, Unresolved):
        return Result.unknown(f"BatchSize: {size.reason}")
    if size <= 1:
        return Result.compliant()
    if doubt is not None:
        return Result.unknown(f"whether the source is an SQS queue: {doubt.reason}")
    shown = (
        f"{show_number(size)} (unset: Lambda's default for SQS)" if default else show_number(size)
    )
    return Result.non_compliant(
        Finding(
            f"BatchSize is {shown} and FunctionResponseTypes does not include {REPORT}: one "
            f"failing message makes all {show_number(size)} messages of its batch visible "
            "again and processed again."
        )
    )


RULE = Rule(
    id="BestLambda-SqsPartialBatch",
    severity=Severity.WARNING,
    message="The SQS event source mapping does not report partial batch failures.",
    explanation=(
        "Without ReportBatchItemFailures, a batch is all-or-nothing: when one record fails, "
        "the function's error returns every message of the batch to the queue, so the ones "
        "that succeeded are processed again (duplicates, wasted invocations) and a poison "
        "message drags its neighbours towards the dead-letter queue. Return "
        "{'batchItemFailures': [{'itemIdentifier': messageId}, ...]} from the handler (the "
        "Powertools for AWS Lambda batch utility does this) and enable it with "
        "aws_lambda_event_sources.SqsEventSource(queue, report_batch_item_failures=True)."
    ),
    resource_types=frozenset({ESM}),
    check=check,
    source=(
        "AWS Lambda docs, services-sqs-errorhandling (reporting batch item failures); "
        "Powertools for AWS Lambda batch processing utility"
    ),
)
