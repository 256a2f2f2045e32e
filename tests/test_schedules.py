"""Schedule expressions: what EventBridge Scheduler would reject, and the interval between runs."""

from __future__ import annotations

import pytest

from best_lambda.schedules import DAY_SECONDS, parse_schedule


@pytest.mark.parametrize(
    ("expression", "kind", "interval"),
    [
        ("rate(1 minute)", "rate", 60),
        ("rate(5 minutes)", "rate", 300),
        ("rate(2 hours)", "rate", 7_200),
        ("rate(3 days)", "rate", DAY_SECONDS),  # a day or more is reported as a day
        ("cron(15 2 * * ? *)", "cron", DAY_SECONDS),
        ("cron(*/5 * * * ? *)", "cron", 300),
        ("cron(0/15 8-17 ? * MON-FRI *)", "cron", 900),
        ("cron(0 9,17 ? * MON-FRI *)", "cron", 8 * 3_600),
        # 23:00 then 00:00 the next day: an hour apart, across midnight.
        ("cron(0 0,23 * * ? *)", "cron", 3_600),
        # Mondays only: 01:00 -> 23:00 is the shortest gap; no Tuesday follows at 01:00.
        ("cron(0 1,23 ? * MON *)", "cron", 22 * 3_600),
        # SAT and SUN are neighbours across the week's end.
        ("cron(0 0,23 ? * SAT,SUN *)", "cron", 3_600),
        # The 31st and the 1st can be consecutive days.
        ("cron(0 0,23 1,31 * ? *)", "cron", 3_600),
        ("cron(0 22-2 * * ? *)", "cron", 3_600),  # a range that wraps around midnight
        ("cron(0 12 L * ? *)", "cron", DAY_SECONDS),
        ("cron(0 10 ? * 6L 2026-2030)", "cron", DAY_SECONDS),
        ("cron(0 10 ? * MON#3 *)", "cron", DAY_SECONDS),
        ("cron(0 9 ? JAN-MAR,DEC SAT-SUN *)", "cron", DAY_SECONDS),
        ("cron(0 8 15W * ? *)", "cron", DAY_SECONDS),
        ("at(2030-01-01T09:30:00)", "at", None),
        ("  rate(10 minutes) ", "rate", 600),
    ],
)
def test_valid_expressions(expression: str, kind: str, interval: int | None):
    parsed = parse_schedule(expression)
    assert (parsed.kind, parsed.interval_s, parsed.problem) == (kind, interval, None)


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("every day", "must be rate(value unit), cron(six fields) or at("),
        ("rate(0 minutes)", "a rate's value must be a positive integer, got '0'"),
        ("rate(1.5 hours)", "a rate's value must be a positive integer, got '1.5'"),
        ("rate(2 weeks)", "a rate's unit must be one of minute | minutes"),
        ("rate(5)", "must be rate(value unit)"),
        ("cron(0 * * * *)", "a cron expression has six fields"),
        ("cron(0 9 * * MON *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(0 9 ? * ? *)", "exactly one of day-of-month and day-of-week must be '?'"),
        ("cron(60 * * * ? *)", "the minutes field '60' is not valid: values must be 0-59"),
        ("cron(0 24 * * ? *)", "the hours field '24' is not valid"),
        ("cron(0 0 32 * ? *)", "the day-of-month field '32' is not valid"),
        ("cron(0 0 ? FOO * *)", "values must be 1-12 or JAN-DEC"),
        ("cron(0 0 ? * 8 *)", "values must be 1-7 or SUN-SAT"),
        ("cron(0 0 * * ? 1969)", "values must be 1970-2199"),
        ("cron(? 0 * * ? *)", "'?' is not allowed in minutes"),
        ("cron(0 0 ? * MON/2 *)", "a step must be a positive integer after '/'"),
        ("cron(*/0 * * * ? *)", "a step must be a positive integer"),
        ("cron(0 0 1W#2 * ? *)", "'#' is not allowed in day-of-month"),
        ("cron(0,,5 * * * ? *)", "the minutes field '0,,5' is not valid"),
        ("at(2030-02-30T00:00:00)", "at(...) takes a date and time as yyyy-mm-ddThh:mm:ss"),
        ("at(2030-01-01 09:30)", "at(...) takes a date and time"),
    ],
)
def test_rejected_expressions(expression: str, problem: str):
    parsed = parse_schedule(expression)
    assert parsed.problem is not None and problem in parsed.problem, parsed
    assert parsed.interval_s is None


def test_the_module_imports_no_aws_cdk_lib():
    import subprocess
    import sys

    code = "import sys, best_lambda.schedules; print('aws_cdk' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
