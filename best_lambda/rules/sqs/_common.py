"""Helpers shared by the event source mapping rules (``sqs/`` and ``streams/``).

* :func:`mapping_kind` — :func:`~best_lambda.rules.relations.event_source_kind`, with
  "cannot tell" (``Unresolved``) when the ARN is a parameter or an import.
* :func:`sqs_applicability` / :func:`stream_applicability` — the not-applicable / unknown
  verdicts those rules share.
* :func:`show_number` — numbers as the messages print them.
"""

from __future__ import annotations

from typing import Any

from best_lambda.rules.model import Resource, Result
from best_lambda.rules.relations import event_source_kind
from best_lambda.rules.template import TemplateIndex, Unresolved

__all__ = [
    "ESM",
    "mapping_kind",
    "show_number",
    "sqs_applicability",
    "stream_applicability",
]

ESM = "AWS::Lambda::EventSourceMapping"


def mapping_kind(esm: Resource, index: TemplateIndex) -> tuple[str | Unresolved, str | None]:
    """(kind, logical ID of the source resource) of an event source mapping.

    The kind is one of :func:`~best_lambda.rules.relations.event_source_kind`'s, or an
    :class:`~best_lambda.rules.template.Unresolved` when ``EventSourceArn`` is only known at
    deploy time (a parameter, an import, an attribute of a resource of another type).
    """
    kind, source = event_source_kind(esm, index)
    if kind != "unknown":
        return kind, source
    arn = esm.get("EventSourceArn")
    if arn is None:
        return "unknown", None
    literal = index.literal(arn)
    if isinstance(literal, Unresolved):
        return Unresolved(f"EventSourceArn: {literal.reason}"), None
    return "unknown", None


def _reads_from_stream_or_broker(esm: Resource) -> str | None:
    """Why a mapping whose source is unknown cannot be an SQS one (``None`` if it may be).

    Kinesis, DynamoDB, Kafka and DocumentDB mappings require ``StartingPosition``, Kafka and
    Amazon MQ mappings name ``Topics`` / ``Queues``; SQS mappings have none of these.
    """
    for prop in ("StartingPosition", "Topics", "Queues", "SelfManagedEventSource"):
        if esm.get(prop) is not None:
            return f"it sets {prop}, which SQS event source mappings do not have"
    return None


def sqs_applicability(
    esm: Resource, index: TemplateIndex, *, need_queue: bool
) -> Result | tuple[str | None, Unresolved | None]:
    """Either a final result (not applicable / unknown) or (queue logical ID, doubt).

    ``need_queue``: the rule reads the queue's own properties, so a queue that is not a
    resource of this template (a literal ARN, an import) makes the result unknown.
    Without ``need_queue``, an SQS mapping of unknown source is returned with the doubt
    (``Unresolved``) so that the rule can still decide from the mapping's own properties.
    """
    kind, source = mapping_kind(esm, index)
    if isinstance(kind, Unresolved):
        why_not = _reads_from_stream_or_broker(esm)
        if why_not:
            return Result.not_applicable(f"not an SQS event source: {why_not}")
        if need_queue:
            return Result.unknown(f"whether the source is an SQS queue: {kind.reason}")
        return None, kind
    if kind != "sqs":
        return Result.not_applicable(f"the event source is not an SQS queue ({kind})")
    if need_queue and source is None:
        return Result.unknown(
            "the source queue is not an AWS::SQS::Queue of this template "
            f"(EventSourceArn is {_show(esm.get('EventSourceArn'))}), so its properties "
            "cannot be read"
        )
    return source, None


def stream_applicability(esm: Resource, index: TemplateIndex) -> Result | str:
    """Either a final result (not applicable / unknown) or the kind (kinesis / dynamodb)."""
    kind, _ = mapping_kind(esm, index)
    if isinstance(kind, Unresolved):
        if esm.get("StartingPosition") is None:
            return Result.not_applicable(
                "not a Kinesis or DynamoDB stream source: it has no StartingPosition, "
                "which stream event source mappings require"
            )
        if esm.get("Topics") is not None or esm.get("SelfManagedEventSource") is not None:
            return Result.not_applicable("not a Kinesis or DynamoDB stream source (Kafka)")
        return Result.unknown(f"whether the source is a Kinesis or DynamoDB stream: {kind.reason}")
    if kind == "sqs":
        return Result.not_applicable(
            "SQS event source mappings have no on-failure destination, bisection or retry "
            "limits; the queue's redrive policy handles failures (BestLambda-SqsRedrive)"
        )
    if kind not in ("kinesis", "dynamodb"):
        return Result.not_applicable(
            f"the event source is not a Kinesis or DynamoDB stream ({kind})"
        )
    return kind


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, dict) and len(value) == 1:
        (key,) = value
        return f"a {key} expression"
    return repr(value)


def show_number(value: float) -> str:
    """``30`` for 30.0, ``2.5`` for 2.5."""
    return str(int(value)) if float(value).is_integer() else str(value)
