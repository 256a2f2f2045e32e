"""BestLambda-RuntimeSupported: functions run on a managed runtime AWS still supports."""

from __future__ import annotations

import datetime as _dt
import re

from best_lambda.rules import runtimes
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved

#: Runtime identifier prefix -> family; the OS-only runtimes replace go1.x.
_FAMILY = re.compile(r"^(nodejs|python|java|dotnetcore|dotnet|ruby|provided|go)")
_FAMILY_ALIASES = {"dotnetcore": "dotnet", "go": "provided"}


def _family(runtime: str) -> str | None:
    match = _FAMILY.match(runtime)
    if not match:
        return None
    return _FAMILY_ALIASES.get(match.group(1), match.group(1))


def _version_key(runtime: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", runtime))


def _cdk_constant(runtime: str) -> str:
    """``python3.13`` -> ``PYTHON_3_13``, ``provided.al2023`` -> ``PROVIDED_AL2023``."""
    return re.sub(r"^([a-z]+)(\d)", r"\1_\2", runtime).upper().replace(".", "_")


def _successor(runtime: str, today: _dt.date) -> str | None:
    """The newest runtime of the same family that is not deprecated on ``today``."""
    family = _family(runtime)
    if family is None:
        return None
    candidates = [
        (date, _version_key(name), name)
        for name, date in runtimes.DEPRECATION_DATES.items()
        if name != runtime and date > today and _family(name) == family
    ]
    return max(candidates)[2] if candidates else None


def _move_to(runtime: str, today: _dt.date) -> str:
    successor = _successor(runtime, today)
    if successor is None:
        return ""
    return f" Move to {successor} (aws_lambda.Runtime.{_cdk_constant(successor)})."


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Compliant when the runtime's deprecation date is beyond the warning window."""
    package_type = index.literal(function.get("PackageType"))
    if isinstance(package_type, Unresolved):
        return Result.unknown(f"PackageType: {package_type.reason}")
    if package_type == "Image":
        return Result.not_applicable(
            "a container image function: its base image, not a managed runtime, is updated"
        )
    raw = function.get("Runtime")
    if raw is None:
        return Result.unknown("Runtime is not set on a .zip function")
    runtime = index.literal(raw)
    if isinstance(runtime, Unresolved):
        return Result.unknown(f"Runtime: {runtime.reason}")
    if not isinstance(runtime, str):
        return Result.unknown(f"Runtime {runtime!r} is not a runtime identifier")
    date = runtimes.deprecation_date(runtime)
    if date is None:
        if runtimes.newer_than_table(runtime):
            return Result.compliant()  # released after the table was last reviewed
        return Result.unknown(
            f"runtime {runtime!r} is not in best-lambda's table of deprecation dates "
            f"(reviewed {runtimes.REVIEWED}; see {runtimes.SOURCE})"
        )
    if date <= options.today:
        return Result.non_compliant(
            Finding(
                f"Runtime {runtime} was deprecated on {date}: no security patches; AWS blocks "
                f"creating and later updating functions on it.{_move_to(runtime, options.today)}"
            )
        )
    days_left = (date - options.today).days
    if days_left <= options.runtime_warning_days:
        return Result.non_compliant(
            Finding(
                f"Runtime {runtime} is deprecated on {date}, in {days_left} days."
                f"{_move_to(runtime, options.today)}",
                severity=Severity.WARNING,
            )
        )
    return Result.compliant()


RULE = Rule(
    id="BestLambda-RuntimeSupported",
    severity=Severity.ERROR,
    message="The Lambda function uses a deprecated runtime, or one deprecated soon.",
    explanation=(
        "After a runtime's deprecation date AWS stops patching it, then blocks creating and "
        "later updating functions that use it, so a fix cannot ship. Move to the newest "
        "runtime of the family (aws_lambda.Function(runtime=Runtime.PYTHON_3_13), "
        "Runtime.NODEJS_22_X, ...) and test the code on it. Functions are warned "
        "CheckOptions.runtime_warning_days (180) days ahead."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        "AWS Lambda runtime deprecation policy (docs: lambda/latest/dg/lambda-runtimes.html); "
        'seeds/004 "Keep runtime updated"'
    ),
)
