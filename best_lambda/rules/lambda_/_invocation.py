"""Shared by the invocation rules: whether an ARN-valued property is set.

Used by BestLambda-AsyncFailureHandling and BestLambda-PublicInvokePermission. Who a
permission's ``Principal`` is lives in :mod:`best_lambda.rules.relations`.
"""

from __future__ import annotations

from typing import Any

from best_lambda.rules.relations import PERMISSION
from best_lambda.rules.template import TemplateIndex, Unresolved, is_intrinsic

__all__ = ["PERMISSION", "is_set"]

_NO_VALUE = {"Ref": "AWS::NoValue"}


def is_set(value: Any, index: TemplateIndex) -> bool | Unresolved:
    """Whether an ARN-valued property is set to something (not absent, not empty).

    A reference to a template resource is set; ``Fn::If`` is set when both branches are; a
    parameter or an import may be empty, so it is Unresolved unless the template decides it.
    """
    if value is None or value in (_NO_VALUE, ""):
        return False
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        arg = value["Fn::If"]
        if isinstance(arg, list) and len(arg) == 3:
            branches = [is_set(arg[1], index), is_set(arg[2], index)]
            if all(b is True for b in branches):
                return True
            if all(b is False for b in branches):
                return False
            return Unresolved(f"whether it is set depends on the condition {arg[0]!r}")
    if index.target(value) is not None:
        return True
    literal = index.literal(value)
    if isinstance(literal, Unresolved):
        if is_intrinsic(value) and index.targets_in(value):
            return True  # built from a template resource, e.g. a Fn::Sub of a queue's ARN
        return literal
    return bool(literal)
