"""The one error best-lambda raises for bad construct input.

Every construct validates all of its keyword arguments before it creates anything and
raises a single :class:`InvalidPropsError` that lists *every* problem, each naming the
keyword argument, the value given and what is allowed. Nothing is silently ignored, and
nothing is left for jsii to reject with a JavaScript stack trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["InvalidPropsError", "Problem"]


@dataclass(frozen=True)
class Problem:
    """One invalid keyword argument (or combination of them).

    Parameters
    ----------
    prop
        The keyword argument, e.g. ``"timeout"``, or ``"a + b"`` for a combination.
    value
        The value given, rendered for humans, e.g. ``"Duration.seconds(1000)"``.
    allowed
        What would be accepted, and why, e.g. ``"1 to 900 seconds (AWS Lambda limit)"``.
    """

    prop: str
    value: str
    allowed: str

    def __str__(self) -> str:
        return f"{self.prop}={self.value}: {self.allowed}"


class InvalidPropsError(ValueError):
    """Raised at construction when keyword arguments are invalid or contradict each other.

    Examples
    --------
    >>> err = InvalidPropsError("HardenedFunction", "Api", [
    ...     Problem("timeout", "Duration.seconds(1000)", "must be 1 to 900 seconds"),
    ... ])
    >>> print(err)
    HardenedFunction 'Api' has 1 invalid setting:
      - timeout=Duration.seconds(1000): must be 1 to 900 seconds
    """

    def __init__(self, construct_type: str, construct_id: str, problems: Sequence[Problem]):
        self.construct_type = construct_type
        self.construct_id = construct_id
        self.problems = tuple(problems)
        noun = "setting" if len(self.problems) == 1 else "settings"
        lines = [f"{construct_type} '{construct_id}' has {len(self.problems)} invalid {noun}:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))
