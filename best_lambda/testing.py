"""Helpers for testing CDK apps built with best-lambda (best-lambda's own tests use them).

* :func:`template_of` — a stack's synthesized template as a dict.
* :func:`scrub` — the same with asset hashes replaced, for stable snapshot tests.
* :func:`validation_findings` — synthesize an app that has validation plugins (cdk-nag
  packs, :class:`~best_lambda.BestLambdaChecks`) and return what they reported, instead of
  an exception.

Examples
--------
>>> import aws_cdk as cdk
>>> from aws_cdk import aws_lambda as lambda_
>>> from best_lambda import HardenedFunction
>>> stack = cdk.Stack(cdk.App(), "Demo")
>>> _ = HardenedFunction(stack, "Fn", code=lambda_.Code.from_inline("x"), handler="i.h")
>>> sum(r["Type"] == "AWS::Lambda::Function" for r in template_of(stack)["Resources"].values())
1
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk
from aws_cdk import assertions

__all__ = ["ValidationFinding", "scrub", "template_of", "validation_findings"]

_HASH = re.compile(r"[0-9a-f]{64}")


def template_of(stack: cdk.Stack) -> dict[str, Any]:
    """The synthesized CloudFormation template of ``stack``."""
    return dict(assertions.Template.from_stack(stack).to_json())


def scrub(template: Any) -> Any:
    """Prepare a template for a snapshot test.

    Asset hashes (which change with any byte of asset content) become ``<hash>``, and the
    CDK bootstrap-version parameter and rule, identical in every stack, are dropped.
    Everything else is kept, so a snapshot shows every real change.
    """
    if isinstance(template, dict) and "Resources" in template:
        template = dict(template)
        for section, name in (
            ("Parameters", "BootstrapVersion"),
            ("Rules", "CheckBootstrapVersion"),
        ):
            rest = {k: v for k, v in template.get(section, {}).items() if k != name}
            if rest:
                template[section] = rest
            else:
                template.pop(section, None)
        return {key: scrub(value) for key, value in template.items()}
    if isinstance(template, dict):
        return {key: scrub(value) for key, value in template.items()}
    if isinstance(template, list):
        return [scrub(value) for value in template]
    if isinstance(template, str):
        return _HASH.sub("<hash>", template)
    return template


@dataclass(frozen=True)
class ValidationFinding:
    """One violation a validation plugin reported on one construct."""

    plugin: str
    rule: str
    severity: str
    path: str
    description: str


def validation_findings(app: cdk.App) -> list[ValidationFinding]:
    """Synthesize ``app`` and return every finding of its validation plugins.

    The app must have been created with an ``outdir``; plugins are registered with
    ``Validations.of(app).add_plugins(...)``. Acknowledged findings are not returned.

    Raises
    ------
    RuntimeError
        When synthesis fails for a reason other than validation findings.
    """
    outdir = Path(app.outdir)
    try:
        app.synth()
    except RuntimeError as error:
        if "ValidationFailed" not in str(error):
            raise
    report_path = outdir / "validation-report.json"
    if not report_path.exists():
        return []
    report = json.loads(report_path.read_text())
    findings = []
    for plugin in report.get("pluginReports", []):
        for violation in plugin.get("violations", []):
            for construct in violation.get("violatingConstructs", []) or [{}]:
                findings.append(
                    ValidationFinding(
                        plugin=plugin.get("pluginName", ""),
                        rule=violation.get("ruleName", ""),
                        severity=violation.get("severity", ""),
                        path=construct.get("constructPath", ""),
                        description=violation.get("description", ""),
                    )
                )
    return findings
