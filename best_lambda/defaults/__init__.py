"""best-lambda's opinions: every default value, with the reason it was chosen.

One module per service. Each default is a :class:`Default` record so that the README's
defaults table is generated from the code (and a test fails when it drifts). Facts such as
AWS limits live in :mod:`best_lambda.limits`, not here.

Changing a default changes users' templates: it is a breaking change that needs a
CHANGELOG entry.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Default", "all_defaults"]


@dataclass(frozen=True)
class Default:
    """One documented default.

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


def all_defaults() -> tuple[Default, ...]:
    """Every documented default, in README order."""
    from best_lambda.defaults import bundling, lambda_, sqs

    return lambda_.DEFAULTS + sqs.DEFAULTS + bundling.DEFAULTS
