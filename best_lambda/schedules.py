"""EventBridge Scheduler expressions: what Scheduler would reject, and how often one runs.

``ScheduleExpression.expression("...")`` passes any string through to CloudFormation, so a
typo surfaces at deployment. :func:`parse_schedule` checks the syntax Scheduler documents
(:data:`best_lambda.limits.SCHEDULE_RATE_UNITS`, :data:`~best_lambda.limits.SCHEDULE_CRON_FIELDS`)
and derives the shortest interval between two runs, from which
:class:`~best_lambda.ScheduledFunction` sizes the target's maximum event age.

Pure Python: no aws-cdk-lib import.

Examples
--------
>>> parse_schedule("rate(15 minutes)").interval_s
900
>>> parse_schedule("cron(0 9,17 ? * MON-FRI *)").interval_s  # 09:00 -> 17:00
28800
>>> parse_schedule("cron(0 9 * * MON *)").problem
"exactly one of day-of-month and day-of-week must be '?' (got '*' and 'MON')"
"""

from __future__ import annotations

import datetime as _dt
import itertools
import re
from dataclasses import dataclass

from best_lambda import limits

__all__ = ["DAY_SECONDS", "ParsedSchedule", "parse_schedule"]

#: Intervals of a day or more are reported as one day: no derived setting needs more.
DAY_SECONDS = 86_400
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
_RATE = re.compile(r"rate\(\s*(\S+)\s+(\S+)\s*\)")
_AT = re.compile(r"at\((.*)\)")
_CRON = re.compile(r"cron\((.*)\)")


@dataclass(frozen=True)
class ParsedSchedule:
    """A schedule expression, judged.

    ``kind`` is ``"rate"``, ``"cron"`` or ``"at"`` (``""`` when unrecognised);
    ``interval_s`` the shortest time between two runs in seconds, capped at one day
    (``None`` for a one-time ``at`` schedule or an invalid expression); ``problem`` what
    Scheduler would reject, or ``None``.
    """

    kind: str
    interval_s: int | None = None
    problem: str | None = None


def parse_schedule(expression: str) -> ParsedSchedule:
    """Check ``expression`` (``rate(...)``, ``cron(...)`` or ``at(...)``) and measure it."""
    text = expression.strip()
    if match := _RATE.fullmatch(text):
        return _rate(match.group(1), match.group(2))
    if match := _CRON.fullmatch(text):
        return _cron(match.group(1))
    if match := _AT.fullmatch(text):
        try:
            _dt.datetime.strptime(match.group(1).strip(), "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            problem = "at(...) takes a date and time as yyyy-mm-ddThh:mm:ss"
            return ParsedSchedule("at", problem=problem)
        return ParsedSchedule("at")
    return ParsedSchedule(
        "", problem="must be rate(value unit), cron(six fields) or at(yyyy-mm-ddThh:mm:ss)"
    )


def _rate(value: str, unit: str) -> ParsedSchedule:
    units = limits.SCHEDULE_RATE_UNITS
    if not value.isdigit() or int(value) < 1:
        problem = f"a rate's value must be a positive integer, got {value!r}"
        return ParsedSchedule("rate", problem=problem)
    if unit not in units:
        allowed = " | ".join(units)
        problem = f"a rate's unit must be one of {allowed}, got {unit!r}"
        return ParsedSchedule("rate", problem=problem)
    return ParsedSchedule("rate", min(int(value) * units[unit], DAY_SECONDS))


def _cron(body: str) -> ParsedSchedule:
    fields = body.split()
    names = tuple(spec[0] for spec in limits.SCHEDULE_CRON_FIELDS)
    if len(fields) != len(names):
        return ParsedSchedule(
            "cron",
            problem=f"a cron expression has six fields ({' '.join(names)}), got {len(fields)}",
        )
    values: list[set[int]] = []
    for text, (name, low, high, wildcards) in zip(fields, limits.SCHEDULE_CRON_FIELDS, strict=True):
        expanded = _field(text, name, low, high, wildcards)
        if isinstance(expanded, str):
            return ParsedSchedule("cron", problem=expanded)
        values.append(expanded)
    dom, dow = fields[2], fields[4]
    if (dom == "?") == (dow == "?"):
        return ParsedSchedule(
            "cron",
            problem="exactly one of day-of-month and day-of-week must be '?' "
            f"(got {dom!r} and {dow!r})",
        )
    times = sorted(h * 60 + m for h in values[1] for m in values[0])
    gaps = [b - a for a, b in itertools.pairwise(times)]
    days = values[2] if dow == "?" else values[4]
    cyclic = 7 if dom == "?" else 31
    consecutive = any((d % cyclic) + 1 in days for d in days) or (
        dom != "?" and 1 in days and days & {28, 29, 30, 31}
    )
    if consecutive:
        gaps.append(times[0] + 1_440 - times[-1])
    interval = min(gaps, default=1_440) * 60
    return ParsedSchedule("cron", min(interval, DAY_SECONDS))


def _field(text: str, name: str, low: int, high: int, wildcards: str) -> set[int] | str:
    """The values one cron field selects (specials such as L or 3#2 select nothing here)."""
    selected: set[int] = set()
    for item in text.split(","):
        bad = f"the {name} field {text!r} is not valid"
        if not item:
            return bad
        if item in ("*", "?"):
            if item not in wildcards:
                return f"{bad}: '{item}' is not allowed in {name}"
            selected |= set(range(low, high + 1)) if item == "*" else set()
            continue
        special = re.fullmatch(r"(\w*)(L|W|LW|#[1-5])", item) if "L" in wildcards else None
        if special is not None:
            if special.group(2)[0] not in wildcards:
                return f"{bad}: '{special.group(2)[0]}' is not allowed in {name}"
            if special.group(1) and _number(special.group(1), name, low, high) is None:
                return f"{bad}: {special.group(1)!r} is outside {low}-{high}"
            continue
        base, _, step = item.partition("/")
        if step and ("/" not in wildcards or not step.isdigit() or int(step) < 1):
            return f"{bad}: a step must be a positive integer after '/'"
        start, _, end = base.partition("-")
        if start == "*" and not end:
            first, last = low, high
        else:
            first_n = _number(start, name, low, high)
            last_n = _number(end or start, name, low, high)
            if first_n is None or last_n is None:
                return f"{bad}: values must be {low}-{high}" + _names_hint(name)
            first, last = first_n, (last_n if end or not step else high)
        span = (
            list(range(first, last + 1))
            if first <= last  # a range such as 22-2 wraps around
            else [*range(first, high + 1), *range(low, last + 1)]
        )
        selected |= set(span[:: int(step) if step else 1])
    return selected


def _number(text: str, name: str, low: int, high: int) -> int | None:
    upper = text.upper()
    names = _MONTHS if name == "month" else _DAYS if name == "day-of-week" else ()
    if upper in names:
        return names.index(upper) + 1
    if text.isdigit() and low <= int(text) <= high:
        return int(text)
    return None


def _names_hint(name: str) -> str:
    return {"month": " or JAN-DEC", "day-of-week": " or SUN-SAT"}.get(name, "")
