"""Collect every problem with a construct's keyword arguments, then raise once.

Checks here run before any construct is created: types are checked in Python (so a wrong
type never reaches jsii and comes back as a JavaScript stack trace), ranges come from
:mod:`best_lambda.limits`, and every problem found is reported together.
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterable
from typing import Any

import aws_cdk as cdk

from best_lambda.errors import InvalidPropsError, Problem

__all__ = ["PropsChecker", "implements", "render"]


def render(value: Any) -> str:
    """Show a keyword argument's value the way the user would have written it."""
    if isinstance(value, cdk.Duration):
        return str(value.to_string())
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    name = getattr(type(value), "__name__", "")
    if name in ("Runtime", "Architecture") and hasattr(value, "name"):
        return f"{name}({value.name!r})"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def implements(value: Any, *attributes: str) -> bool:
    """Duck-type check for jsii interfaces (``isinstance`` does not work on them)."""
    if value is None or isinstance(value, (str, bytes, int, float, bool, dict, list, tuple)):
        return False
    cls = type(value)
    if all(hasattr(cls, a) for a in attributes):
        return True
    # Imported resources (from_xxx_arn / from_xxx_name) are dynamic interface proxies.
    return cls.__name__ == "InterfaceDynamicProxy" and all(hasattr(value, a) for a in attributes)


class PropsChecker:
    """Accumulates :class:`~best_lambda.errors.Problem` records for one construct."""

    def __init__(self, construct_type: str, construct_id: str):
        self.construct_type = construct_type
        self.construct_id = construct_id
        self.problems: list[Problem] = []

    def add(self, prop: str, value: Any, allowed: str, *, rendered: str | None = None) -> None:
        """Record that ``prop=value`` is not acceptable and what is."""
        self.problems.append(
            Problem(prop, rendered if rendered is not None else render(value), allowed)
        )

    def check_type(
        self, prop: str, value: Any, types: type | tuple[type, ...], expected: str
    ) -> bool:
        """``value`` is an instance of ``types``; otherwise record ``expected``."""
        if isinstance(value, types) and not (
            isinstance(value, bool) and bool not in _as_tuple(types)
        ):
            return True
        self.add(prop, value, f"expected {expected}, got {type(value).__name__}")
        return False

    def check_interface(
        self, prop: str, value: Any, attributes: Iterable[str], expected: str
    ) -> bool:
        """``value`` implements a jsii interface (by its members); otherwise record it."""
        if implements(value, *attributes):
            return True
        self.add(prop, value, f"expected {expected}, got {type(value).__name__}")
        return False

    def seconds(self, prop: str, value: Any, low: int, high: int, why: str) -> int | None:
        """A whole-seconds :class:`aws_cdk.Duration` within ``[low, high]``; else record it."""
        if not isinstance(value, cdk.Duration):
            self.add(
                prop,
                value,
                f"expected aws_cdk.Duration (e.g. Duration.seconds({low})), "
                f"got {type(value).__name__}",
            )
            return None
        seconds = value.to_seconds(integral=False)
        if cdk.Token.is_unresolved(seconds):
            self.add(
                prop,
                value,
                "must be a concrete duration, not a token: best-lambda derives "
                "other settings (alarms, visibility timeouts) from it",
            )
            return None
        if seconds != int(seconds) or not low <= seconds <= high:
            self.add(prop, value, f"must be a whole number of seconds from {low} to {high} ({why})")
            return None
        return int(seconds)

    def integer(self, prop: str, value: Any, low: int, high: int | None, why: str) -> int | None:
        """An ``int`` within ``[low, high]`` (``high=None``: no upper bound); else record it."""
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(prop, value, f"expected int, got {type(value).__name__}")
            return None
        if cdk.Token.is_unresolved(value):
            self.add(prop, value, "must be a concrete number, not a token")
            return None
        if value < low or (high is not None and value > high):
            bound = f"from {low} to {high}" if high is not None else f"at least {low}"
            self.add(prop, value, f"must be {bound} ({why})")
            return None
        return value

    def one_of(self, prop: str, value: Any, allowed: Iterable[Any], why: str) -> bool:
        """``value`` is one of ``allowed`` (compared by rendering); else record it."""
        options = list(allowed)
        if any(render(value) == render(a) for a in options):
            return True
        choices = ", ".join(render(a) for a in options)
        self.add(prop, value, f"must be {choices} ({why})")
        return False

    def unknown_keys(self, given: Iterable[str], known: Iterable[str], where: str) -> None:
        """Record every key of ``given`` that is not in ``known``, with a suggestion."""
        known_list = sorted(known)
        for key in given:
            if key not in known_list:
                close = difflib.get_close_matches(key, known_list, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.add(key, "...", f"is not a keyword argument of {where}{hint}", rendered="...")

    def raise_if_any(self) -> None:
        """Raise one :class:`InvalidPropsError` listing every recorded problem."""
        if self.problems:
            raise InvalidPropsError(self.construct_type, self.construct_id, self.problems)


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)
