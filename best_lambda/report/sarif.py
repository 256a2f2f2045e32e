"""The ``sarif`` report: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Each rule is a ``reportingDescriptor`` with its message, its fix as help text (and a link to
RULES.md when the package declares its documentation URL). Each finding is a ``result``
located in its template file (with the resource's line when known) and, for CDK stacks, at
its construct path as a logical location. ``partialFingerprints`` hash the finding ID, the
template and the resource — never line numbers — so code scanning keeps tracking a finding
when the file around it changes. Acknowledged and baselined findings are reported with a
``suppressions`` entry and their reason.
"""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any

from best_lambda.report.model import Audit, AuditFinding, rule_anchor, rules_url
from best_lambda.rules.model import Status

__all__ = ["FINGERPRINT_KEY", "render_sarif", "sarif_document"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "bestLambdaFinding/v1"


def _uri(file: str) -> str:
    return PurePath(file).as_posix()


def _result(finding: AuditFinding, index: int) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(finding.file)}}
    if finding.line:
        physical["region"] = {"startLine": finding.line}
    location: dict[str, Any] = {"physicalLocation": physical}
    logical = {
        "name": finding.logical_id,
        "fullyQualifiedName": finding.construct_path or f"{finding.template}/{finding.logical_id}",
        "kind": "resource",
    }
    location["logicalLocations"] = [logical]
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": index,
        "level": finding.severity.value,
        "message": {"text": f"[{finding.finding_id}] {finding.message}"},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {
            "findingId": finding.finding_id,
            "status": finding.status.value,
            "template": finding.template,
        },
    }
    if finding.status is Status.UNKNOWN:
        result["kind"] = "review"
        result.pop("level")
    if finding.suppression is not None:
        result["suppressions"] = [
            {
                "kind": "inSource" if finding.suppression.kind == "acknowledgement" else "external",
                "justification": finding.suppression.reason,
            }
        ]
    return result


def sarif_document(audit: Audit) -> dict[str, Any]:
    """The SARIF log of an audit, as a dict."""
    from best_lambda import __version__

    rules = list(audit.rules)
    index = {rule.id: i for i, rule in enumerate(rules)}
    descriptors = []
    for rule in rules:
        descriptor: dict[str, Any] = {
            "id": rule.id,
            "name": rule.id.removeprefix("BestLambda-"),
            "shortDescription": {"text": rule.message},
            "fullDescription": {"text": rule.message},
            "help": {
                "text": f"{rule.explanation} See RULES.md#{rule_anchor(rule.id)}.",
                "markdown": f"{rule.explanation}\n\nSee RULES.md, `{rule.id}`.",
            },
            "defaultConfiguration": {"level": rule.severity.value},
            "properties": {"source": rule.source, "granular": rule.granular},
        }
        url = rules_url(rule.id)
        if url:
            descriptor["helpUri"] = url
        descriptors.append(descriptor)
    findings = sorted(audit.findings, key=lambda f: (f.template, f.resource_key, f.finding_id))
    notifications = [
        {"level": "error", "message": {"text": f"{p.path}: {p.reason}"}} for p in audit.problems
    ] + [{"level": "warning", "message": {"text": n}} for n in audit.notices]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "best-lambda",
                "version": __version__,
                "informationUri": "https://pypi.org/project/best-lambda/",
                "rules": descriptors,
            }
        },
        "results": [_result(f, index[f.rule.id]) for f in findings if f.rule.id in index],
        "invocations": [
            {
                "executionSuccessful": not audit.problems,
                "toolExecutionNotifications": notifications,
            }
        ],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(audit: Audit) -> str:
    """The SARIF report as JSON text."""
    return json.dumps(sarif_document(audit), indent=2) + "\n"
