"""BestLambda-AssetSize: code stays within a size budget and does not bundle the AWS SDK."""

from __future__ import annotations

from typing import Any

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.relations import is_python
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved, dig, items

_MB = 1_000_000


def _size(count: int) -> str:
    for unit, scale in (("MB", _MB), ("KB", 1_000)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


def _layer_assets(function: Resource, index: TemplateIndex) -> tuple[list[Any], int]:
    """(assets of the function's layers that can be measured, layers that cannot)."""
    measured, unknown = [], 0
    for layer in items(function.get("Layers")):
        resource = index.get(index.target(layer))
        key = index.literal(dig(resource.properties, "Content", "S3Key") if resource else None)
        info = index.assets.lookup(key) if isinstance(key, str) else None
        if info is None:
            unknown += 1
        else:
            measured.append(info)
    return measured, unknown


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Measure the function's unzipped code plus layers against the budgets."""
    code = function.get("Code")
    if not isinstance(code, dict):
        code = {}
    if function.get("PackageType") == "Image" or "ImageUri" in code:
        return Result.not_applicable("container image (its size is limited by ECR, not here)")
    if "ZipFile" in code:
        return Result.not_applicable("inline code (at most 4 KB)")
    if index.assets is None:
        return Result.not_applicable("no cloud assembly to measure assets in")
    key = index.literal(code.get("S3Key"))
    if isinstance(key, Unresolved):
        return Result.unknown(f"Code.S3Key: {key.reason}")
    info = index.assets.lookup(key) if isinstance(key, str) else None
    if info is None:
        return Result.not_applicable(f"code is the S3 object {key!r}, not a local asset")
    layers, unmeasured = _layer_assets(function, index)
    total = info.unzipped_bytes + sum(layer.unzipped_bytes for layer in layers)
    what = f"{_size(total)} unzipped" + (
        f" (code {_size(info.unzipped_bytes)} + {len(layers)} layer(s))" if layers else ""
    )
    if unmeasured:
        what += f", plus {unmeasured} layer(s) from outside this app that could not be measured"
    findings = []
    if total > options.asset_error_bytes:
        findings.append(
            Finding(
                f"{what} exceeds {_size(options.asset_error_bytes)}; Lambda refuses "
                "more than 262,144,000 bytes of unzipped code and layers.",
                suffix="Size",
                severity=Severity.ERROR,
            )
        )
    elif total > options.asset_warning_bytes:
        findings.append(
            Finding(
                f"{what} exceeds the {_size(options.asset_warning_bytes)} budget: large "
                "packages slow cold starts.",
                suffix="Size",
                severity=Severity.WARNING,
            )
        )
    python = is_python(function, index)
    if python is True and info.bundles_boto3:
        findings.append(
            Finding(
                "boto3/botocore are bundled in the code although the Python runtime provides them.",
                suffix="BundledSdk",
                severity=Severity.WARNING,
            )
        )
    return Result.from_findings(findings)


RULE = Rule(
    id="BestLambda-AssetSize",
    severity=Severity.ERROR,
    message="The function's code is too large or bundles the AWS SDK.",
    explanation=(
        "Every megabyte is downloaded and unpacked on each cold start, and Lambda rejects "
        "more than 250 MB unzipped (code plus layers). Package only what the handler "
        "imports: exclude tests, caches and the AWS SDK (boto3/botocore are in the Python "
        "runtime), move shared dependencies to a layer, or use a container image for large "
        "native libraries. Budgets: BestLambdaChecks(asset_warning_bytes=..., "
        "asset_error_bytes=...)."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source="seeds/000 step 3 and seeds/004 'Keep Packages Small' (no bundled SDK); AWS limit "
    "250 MB unzipped (gettingstarted-limits)",
    granular=True,
)
