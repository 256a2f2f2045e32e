"""BestLambda-ColdStartConfig: SnapStart and provisioned concurrency, as Lambda accepts them.

Both features exist to cut cold starts, both act on published versions (and the aliases
that point to them), and they exclude each other. The rule judges each function with the
versions and aliases the template gives it:

* ``SnapStart::Runtime`` (error): SnapStart on a runtime without it (Node.js, Ruby, OS-only
  runtimes, Java before 11, Python before 3.12, .NET before 8) or on a container image.
  Lambda rejects the function's configuration: the deployment fails.
* ``SnapStart::ProvisionedConcurrency`` (error): provisioned concurrency on a version or
  alias of a function with SnapStart. Lambda supports one or the other, never both: the
  deployment fails.
* ``SnapStart::FileSystem`` / ``SnapStart::EphemeralStorage`` (error): SnapStart with an EFS
  mount or more than 512 MB of ``/tmp``, which SnapStart does not support either.
* ``ProvisionedConcurrency::Version`` (warning): provisioned concurrency on an
  ``AWS::Lambda::Version`` that no alias of the template points to. Only invocations of
  that exact version number use it; triggers invoke the function or an alias, so the
  environments are paid for and never used, and the next published version has none. It
  is a warning because invoking a version number directly is legal, if rare.

Versions and aliases of functions defined elsewhere are not judged (their function's
settings are not in the template).

Examples
--------
>>> snap_start_supported("python3.12"), snap_start_supported("nodejs22.x")
(True, False)
"""

from __future__ import annotations

import re
from typing import Any

from best_lambda import limits
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved, is_intrinsic

__all__ = ["RULE", "check", "snap_start_supported"]

VERSION = "AWS::Lambda::Version"
ALIAS = "AWS::Lambda::Alias"
_RUNTIME = re.compile(r"^(java|python|dotnet)(\d+)(?:\.(\d+))?")


def snap_start_supported(runtime: str) -> bool:
    """Whether Lambda offers SnapStart on the managed runtime ``runtime`` (``python3.13``).

    From :data:`best_lambda.limits.SNAPSTART_MIN_RUNTIME_VERSIONS`: Java 11+, Python 3.12+,
    .NET 8+ (``dotnetcore*``, ``java8*``, Node.js, Ruby and ``provided*`` are not).
    """
    match = _RUNTIME.match(runtime)
    if match is None:
        return False
    family, major, minor = match.groups()
    version = (int(major), int(minor)) if minor is not None else (int(major),)
    return version >= limits.SNAPSTART_MIN_RUNTIME_VERSIONS[family]


def _present(value: Any, index: TemplateIndex) -> bool | Unresolved:
    """Whether an optional block (``ProvisionedConcurrencyConfig``, a list) is set.

    What is inside does not matter (an ARN known only at deployment still makes a mount);
    a parameter or an import standing for the whole block does.
    """
    if is_intrinsic(value):
        value = index.literal(value)
        if isinstance(value, Unresolved):
            return value
    if value is None:
        return False
    return bool(value) if isinstance(value, list) else True


def _snap_start(function: Resource, index: TemplateIndex) -> bool | Unresolved:
    raw = function.get("SnapStart")
    if raw is None:
        return False
    config = index.literal(raw)
    if isinstance(config, Unresolved):
        return Unresolved(f"SnapStart: {config.reason}")
    apply_on = config.get("ApplyOn") if isinstance(config, dict) else None
    return apply_on == "PublishedVersions"


def _runtime_findings(
    function: Resource, index: TemplateIndex, unknowns: list[str]
) -> list[Finding]:
    """What SnapStart does not support about the function itself."""
    findings: list[Finding] = []
    package_type = index.literal(function.get("PackageType"))
    runtime = index.literal(function.get("Runtime"))
    if isinstance(package_type, Unresolved):
        unknowns.append(f"PackageType: {package_type.reason}")
    elif package_type == "Image":
        findings.append(
            Finding(
                "SnapStart is on for a container image function; SnapStart supports managed "
                "runtimes only.",
                suffix="SnapStart::Runtime",
            )
        )
    elif isinstance(runtime, Unresolved):
        unknowns.append(f"Runtime: {runtime.reason}")
    elif isinstance(runtime, str) and not snap_start_supported(runtime):
        findings.append(
            Finding(
                f"SnapStart is on, but runtime {runtime} does not support it (Java 11+, "
                "Python 3.12+ and .NET 8+ do); Lambda rejects the configuration.",
                suffix="SnapStart::Runtime",
            )
        )
    storage = function.get("EphemeralStorage")
    size = index.number(storage.get("Size")) if isinstance(storage, dict) else None
    if isinstance(size, Unresolved):
        unknowns.append(f"EphemeralStorage.Size: {size.reason}")
    elif size is not None and size > limits.SNAPSTART_MAX_EPHEMERAL_STORAGE_MB:
        findings.append(
            Finding(
                f"SnapStart is on with {size:g} MB of ephemeral storage; SnapStart supports at "
                f"most {limits.SNAPSTART_MAX_EPHEMERAL_STORAGE_MB} MB.",
                suffix="SnapStart::EphemeralStorage",
            )
        )
    mounts = _present(function.get("FileSystemConfigs"), index)
    if isinstance(mounts, Unresolved):
        unknowns.append(f"FileSystemConfigs: {mounts.reason}")
    elif mounts:
        findings.append(
            Finding(
                "SnapStart is on with an Amazon EFS file system (FileSystemConfigs); SnapStart "
                "does not support EFS.",
                suffix="SnapStart::FileSystem",
            )
        )
    return findings


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Findings for SnapStart and provisioned concurrency that Lambda refuses or never uses."""
    snap_start = _snap_start(function, index)
    provisioned: list[Resource] = []
    unknowns: list[str] = []
    for qualified in index.attached(VERSION, function.logical_id) + index.attached(
        ALIAS, function.logical_id
    ):
        present = _present(qualified.get("ProvisionedConcurrencyConfig"), index)
        if isinstance(present, Unresolved):
            unknowns.append(
                f"whether {qualified.logical_id} has provisioned concurrency: {present.reason}"
            )
        elif present:
            provisioned.append(qualified)
    if snap_start is False and not provisioned and not unknowns:
        return Result.not_applicable("neither SnapStart nor provisioned concurrency is configured")

    findings: list[Finding] = []
    if isinstance(snap_start, Unresolved):
        unknowns.append(snap_start.reason)
    elif snap_start:
        findings += _runtime_findings(function, index, unknowns)
        findings += [
            Finding(
                f"{'Alias' if q.type == ALIAS else 'Version'} {q.logical_id} has provisioned "
                "concurrency, and the function has SnapStart: Lambda supports one or the "
                "other on a version, never both.",
                suffix="SnapStart::ProvisionedConcurrency",
                logical_id=q.logical_id,
            )
            for q in provisioned
        ]
    for version in (q for q in provisioned if q.type == VERSION):
        if not index.referrers(version.logical_id, ALIAS):
            findings.append(
                Finding(
                    f"Version {version.logical_id} has provisioned concurrency, and no alias "
                    "points to it: only invocations of that exact version number use it, and "
                    "the next published version has none. Configure it on an alias instead.",
                    suffix="ProvisionedConcurrency::Version",
                    severity=Severity.WARNING,
                    logical_id=version.logical_id,
                )
            )
    if findings:
        return Result.non_compliant(*findings)
    if unknowns:
        return Result.unknown("; ".join(unknowns))
    return Result.compliant()


RULE = Rule(
    id="BestLambda-ColdStartConfig",
    severity=Severity.ERROR,
    message=(
        "SnapStart or provisioned concurrency is configured in a way Lambda refuses or never uses."
    ),
    explanation=(
        "SnapStart (Java 11+, Python 3.12+, .NET 8+; not with provisioned concurrency, EFS or "
        "more than 512 MB of /tmp) and provisioned concurrency both act on published "
        "versions, and exclude each other: pick one per function. A combination Lambda "
        "rejects fails the deployment (errors). Provisioned concurrency belongs on the alias "
        "your triggers invoke (aws_lambda.Alias(provisioned_concurrent_executions=N); "
        "HardenedFunction(deployment=SafeDeployment(provisioned_concurrent_executions=N))): "
        "on a version no alias points to, it is paid for and only used by callers that invoke "
        "that version number (a warning). Finding IDs: SnapStart::Runtime, "
        "SnapStart::ProvisionedConcurrency, SnapStart::FileSystem, SnapStart::EphemeralStorage "
        "(errors), ProvisionedConcurrency::Version (warning)."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        "AWS: lambda/latest/dg/snapstart.html (supported runtimes and limitations), "
        "provisioned-concurrency.html; seeds/002 §7 and seeds/003 §1b (provisioned "
        "concurrency on an alias for latency-critical functions), seeds/003 §4c (aliases)"
    ),
    granular=True,
)
