"""When each AWS Lambda managed runtime is deprecated.

Source: AWS Lambda Developer Guide, "Lambda runtimes" (supported and deprecated runtime
tables), https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html, cross-checked
with endoflife.date/aws-lambda and tflint-ruleset-aws's dated table, and in a test against
cfn-lint's lifecycle data. The Amazon Linux 2 runtimes (python3.10/3.11, java8.al2/11/17,
provided.al2) carry the later dates AWS announced for them, not AL2's own end of life
(2026-06-30): after it they get only critical security patches, which is why a runtime is
flagged well ahead of its date. Last reviewed 2026-12-01. Update this table (and
CHANGELOG.md) when AWS announces new dates; it is the only place they live.

After the deprecation date a runtime gets no security patches; AWS later blocks creating
and then updating functions that use it. ``BestLambda-RuntimeSupported`` fails on a date in
the past and warns ahead of it.
"""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["DEPRECATION_DATES", "REVIEWED", "SOURCE", "deprecation_date", "newer_than_table"]

SOURCE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html"
REVIEWED = _dt.date(2026, 12, 1)

_D = _dt.date
#: Runtime identifier -> deprecation date (end of standard support).
DEPRECATION_DATES: dict[str, _dt.date] = {
    # Node.js
    "nodejs24.x": _D(2028, 4, 30),
    "nodejs22.x": _D(2027, 4, 30),
    "nodejs20.x": _D(2026, 4, 30),
    "nodejs18.x": _D(2025, 9, 1),
    "nodejs16.x": _D(2024, 6, 12),
    "nodejs14.x": _D(2023, 12, 4),
    "nodejs12.x": _D(2023, 3, 31),
    "nodejs10.x": _D(2021, 7, 30),
    "nodejs8.10": _D(2020, 3, 6),
    "nodejs6.10": _D(2019, 8, 12),
    "nodejs4.3": _D(2020, 3, 5),
    "nodejs4.3-edge": _D(2020, 3, 5),
    "nodejs": _D(2016, 10, 31),
    # Python
    "python3.14": _D(2029, 6, 30),
    "python3.13": _D(2029, 6, 30),
    "python3.12": _D(2028, 10, 31),
    "python3.11": _D(2027, 6, 30),
    "python3.10": _D(2026, 10, 31),
    "python3.9": _D(2025, 12, 15),
    "python3.8": _D(2024, 10, 14),
    "python3.7": _D(2023, 12, 4),
    "python3.6": _D(2022, 7, 18),
    "python2.7": _D(2021, 7, 15),
    # Java
    "java25": _D(2029, 6, 30),
    "java21": _D(2029, 6, 30),
    "java17": _D(2027, 6, 30),
    "java11": _D(2027, 6, 30),
    "java8.al2": _D(2027, 6, 30),
    "java8": _D(2024, 1, 8),
    # .NET
    "dotnet10": _D(2028, 11, 14),
    "dotnet8": _D(2026, 11, 10),
    "dotnet7": _D(2024, 5, 14),
    "dotnet6": _D(2024, 11, 12),
    "dotnet5.0": _D(2022, 5, 10),
    "dotnetcore3.1": _D(2023, 4, 3),
    "dotnetcore2.1": _D(2022, 1, 5),
    "dotnetcore2.0": _D(2019, 5, 30),
    "dotnetcore1.0": _D(2019, 7, 27),
    # Ruby
    "ruby3.4": _D(2028, 3, 31),
    "ruby3.3": _D(2027, 3, 31),
    "ruby3.2": _D(2026, 3, 31),
    "ruby2.7": _D(2023, 11, 27),
    "ruby2.5": _D(2021, 7, 30),
    # OS-only
    "provided.al2023": _D(2029, 6, 30),
    "provided.al2": _D(2026, 7, 31),
    "provided": _D(2024, 1, 8),
    "go1.x": _D(2024, 1, 8),
}

_VERSIONED = re.compile(r"^(nodejs|python|java|dotnet|ruby)(\d+)(?:\.(\d+|x))?$")


def deprecation_date(runtime: str) -> _dt.date | None:
    """The deprecation date of ``runtime``, or ``None`` when the table does not list it."""
    return DEPRECATION_DATES.get(runtime)


def _version(runtime: str) -> tuple[str, int, int] | None:
    match = _VERSIONED.match(runtime)
    if not match:
        return None
    minor = match.group(3)
    return match.group(1), int(match.group(2)), int(minor) if minor and minor.isdigit() else 0


def newer_than_table(runtime: str) -> bool:
    """Whether ``runtime`` is a newer version of a family than any the table lists.

    Such a runtime was released after the table was last reviewed, so it is supported.

    Examples
    --------
    >>> newer_than_table("python3.15"), newer_than_table("python3.5")
    (True, False)
    """
    version = _version(runtime)
    if version is None:
        return False
    family = [v for v in (_version(r) for r in DEPRECATION_DATES) if v and v[0] == version[0]]
    return bool(family) and version[1:] > max(v[1:] for v in family)
