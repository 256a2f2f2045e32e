"""Tunable thresholds shared by every front (NagPack, Aspect, tests)."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

__all__ = ["CheckOptions"]

_MB = 1_000_000


@dataclass(frozen=True)
class CheckOptions:
    """Thresholds and switches for the rule engine.

    Parameters
    ----------
    today
        The date runtime deprecation is judged against (default: today, UTC). Tests pin it.
    runtime_warning_days
        Warn this many days before a runtime's deprecation date (default 180).
    asset_warning_bytes
        Warn when a function's unzipped code (with layers) exceeds this (default 50 MB).
    asset_error_bytes
        Fail above this; Lambda's own limit is 250 MB unzipped (262,144,000 bytes).
    check_framework_functions
        Judge the Lambda functions aws-cdk-lib creates for itself (LogRetention,
        BucketDeployment, AwsCustomResource, provider frameworks, …) like any other
        function. Off by default: they are reported once each under
        ``BestLambda-CdkFrameworkFunction`` instead, which one acknowledgement accepts.

    Examples
    --------
    >>> CheckOptions(runtime_warning_days=90).runtime_warning_days
    90
    """

    today: _dt.date = field(default_factory=lambda: _dt.datetime.now(_dt.UTC).date())
    runtime_warning_days: int = 180
    asset_warning_bytes: int = 50 * _MB
    asset_error_bytes: int = 262_144_000
    check_framework_functions: bool = False

    def __post_init__(self) -> None:
        problems = []
        values: dict[str, object] = dict(vars(self))
        if not isinstance(values["today"], _dt.date):
            problems.append(f"today={values['today']!r}: expected a datetime.date")
        warn_days = values["runtime_warning_days"]
        if isinstance(warn_days, bool) or not isinstance(warn_days, int) or warn_days < 0:
            problems.append(f"runtime_warning_days={warn_days!r}: expected an int >= 0")
        budgets_ok = True
        for name in ("asset_warning_bytes", "asset_error_bytes"):
            value = values[name]
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                problems.append(f"{name}={value!r}: expected an int > 0")
                budgets_ok = False
        if budgets_ok and self.asset_warning_bytes > self.asset_error_bytes:
            problems.append(
                f"asset_warning_bytes={self.asset_warning_bytes} exceeds "
                f"asset_error_bytes={self.asset_error_bytes}: the warning budget must be "
                "the smaller one"
            )
        if not isinstance(values["check_framework_functions"], bool):
            problems.append(
                f"check_framework_functions={values['check_framework_functions']!r}: "
                "expected a bool"
            )
        if problems:
            raise ValueError("Invalid CheckOptions:\n  - " + "\n  - ".join(problems))
