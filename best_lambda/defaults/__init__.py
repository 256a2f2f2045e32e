"""best-lambda's opinions: every default value, with the reason it was chosen.

One module per service declares the keyword arguments of the constructs built on it
(:class:`~best_lambda.props.PropTable`), each default with its reason and source, so that
validation, the README's defaults table and the docstrings all come from one place (and a
test fails when they drift). Facts such as AWS limits live in :mod:`best_lambda.limits`.

Changing a default changes users' templates: it is a breaking change that needs a
CHANGELOG entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from best_lambda.props import PropTable

__all__ = ["Default", "all_defaults", "all_tables"]


@dataclass(frozen=True)
class Default:
    """One row of the README defaults table.

    Parameters
    ----------
    construct
        Which construct applies it (``HardenedFunction``, ``QueueConsumer``).
    prop
        The keyword argument that overrides it.
    value
        The default, as a human reads it.
    reason
        Why, citing the practice (``seeds/…``) or AWS guidance it follows.
    """

    construct: str
    prop: str
    value: str
    reason: str


def all_tables() -> tuple[PropTable, ...]:
    """Every construct's declared props, in README order (each construct's own props only)."""
    from best_lambda.defaults import (
        apigateway,
        codedeploy,
        events,
        lambda_,
        s3,
        scheduler,
        sns,
        sqs,
        streams,
    )

    return (
        lambda_.FUNCTION_PROPS,
        codedeploy.SAFE_DEPLOYMENT_PROPS,
        sqs.QUEUE_CONSUMER_PROPS,
        sns.TOPIC_SUBSCRIBER_PROPS,
        events.EVENT_RULE_HANDLER_PROPS,
        scheduler.SCHEDULED_FUNCTION_PROPS,
        s3.BUCKET_PROCESSOR_PROPS,
        streams.STREAM_CONSUMER_PROPS,
        apigateway.API_FUNCTION_PROPS,
    )


def all_defaults() -> tuple[Default, ...]:
    """Every documented default, in README order.

    Each declared prop with a reason, then the defaults of
    :class:`~best_lambda.bundling.PythonCode` (a factory, not a construct).
    """
    from best_lambda.defaults import bundling

    declared = tuple(
        Default(table.construct, prop.name, prop.default_text, prop.reason)
        for table in all_tables()
        for prop in table
        if prop.reason
    )
    return declared + bundling.DEFAULTS
