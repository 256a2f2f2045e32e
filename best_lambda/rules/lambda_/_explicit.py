"""Shared by BestLambda-ExplicitTimeout and BestLambda-ExplicitMemory.

Both rules ask the same question of one numeric function property: is it set on purpose,
within Lambda's limits? A literal is judged against the limits; a parameter or another
intrinsic is a deliberate choice (CloudFormation validates it at deploy time), except an
``Fn::If`` one of whose branches is ``AWS::NoValue``, which may leave the property unset.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from best_lambda.rules.model import Finding, Resource, Result
from best_lambda.rules.template import TemplateIndex, Unresolved, is_intrinsic

__all__ = ["check_explicit_number"]

_NO_VALUE = {"Ref": "AWS::NoValue"}


def _branches(value: Any, conditions: tuple[str, ...] = ()) -> Iterator[tuple[Any, str]]:
    """Each leaf of nested ``Fn::If`` expressions, with the conditions leading to it."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        arg = value["Fn::If"]
        if isinstance(arg, list) and len(arg) == 3:
            name = str(arg[0])
            yield from _branches(arg[1], (*conditions, f"{name} is true"))
            yield from _branches(arg[2], (*conditions, f"{name} is false"))
            return
    yield value, " and ".join(conditions)


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
    findings: list[Finding] = []
    for leaf, when in _branches(raw):
        where = f" when {when}" if when else ""
        if leaf is None or leaf == _NO_VALUE:
            return Result.unknown(
                f"{prop} is AWS::NoValue{where}: it may be unset (Lambda's default of "
                f"{default} {unit})"
            )
        number = index.number(leaf)
        if isinstance(number, Unresolved):
            if is_intrinsic(leaf):
                continue  # a parameter or an expression: set on purpose, checked at deploy
            findings.append(Finding(f"{prop} is {leaf!r}{where}, which is not a number."))
        elif number is not None and not low <= number <= high:
            findings.append(
                Finding(
                    f"{prop} is {number:g} {unit}{where}, outside Lambda's limit of "
                    f"{low} to {high:,} {unit}."
                )
            )
    return Result.from_findings(findings)
