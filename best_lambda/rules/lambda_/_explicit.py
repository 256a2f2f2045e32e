"""Shared by BestLambda-ExplicitTimeout and BestLambda-ExplicitMemory.

Both rules ask the same question of one numeric function property: is it set on purpose,
within Lambda's limits? A literal is judged against the limits; a parameter or another
intrinsic is a deliberate choice (CloudFormation validates it at deploy time). Conditions
(``Fn::If``, ``AWS::NoValue``) are decided by the engine before the check runs.
"""

from __future__ import annotations

from best_lambda.rules.model import Finding, Resource, Result
from best_lambda.rules.template import TemplateIndex, Unresolved, is_intrinsic

__all__ = ["check_explicit_number"]


def check_explicit_number(
    function: Resource,
    index: TemplateIndex,
    prop: str,
    *,
    default: int,
    bounds: tuple[int, int],
    unit: str,
) -> Result:
    """Judge ``function.<prop>``: unset or outside ``bounds`` is non-compliant.

    Parameters
    ----------
    prop
        The property (``"Timeout"``, ``"MemorySize"``).
    default
        What Lambda uses when the property is absent (named in the finding).
    bounds
        Lambda's inclusive limits for the property.
    unit
        ``"s"`` or ``"MB"``.
    """
    raw = function.get(prop)
    if raw is None:
        return Result.non_compliant(
            Finding(f"{prop} is not set: Lambda's default of {default} {unit} applies.")
        )
    low, high = bounds
    number = index.number(raw)
    if isinstance(number, Unresolved):
        if is_intrinsic(raw):
            return Result.compliant()  # a parameter or an expression: set on purpose
        return Result.non_compliant(Finding(f"{prop} is {raw!r}, which is not a number."))
    if number is not None and not low <= number <= high:
        return Result.non_compliant(
            Finding(
                f"{prop} is {number:g} {unit}, outside Lambda's limit of {low} to {high:,} {unit}."
            )
        )
    return Result.compliant()
