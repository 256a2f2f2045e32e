"""Shared by the invocation rules: whether an ARN-valued property is set.

Used by BestLambda-AsyncFailureHandling and BestLambda-PublicInvokePermission. Who a
permission's ``Principal`` is lives in :mod:`best_lambda.rules.relations`.
"""

from __future__ import annotations

from typing import Any

from best_lambda.rules.relations import PERMISSION
from best_lambda.rules.template import TemplateIndex, Unresolved, is_intrinsic

__all__ = ["PERMISSION", "is_set"]


def is_set(value: Any, index: TemplateIndex) -> bool | Unresolved:
    """Whether an ARN-valued property is set to something (not absent, not empty).

    A reference to a template resource is set; a parameter or an import may be empty, so it
    is Unresolved unless the template decides it.
    """
    if value is None or value == "":
        return False
    if index.target(value) is not None:
        return True
    literal = index.literal(value)
    if isinstance(literal, Unresolved):
        if is_intrinsic(value) and index.targets_in(value):
            return True  # built from a template resource, e.g. a Fn::Sub of a queue's ARN
        return literal
    return bool(literal)
