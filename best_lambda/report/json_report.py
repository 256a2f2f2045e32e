"""The ``json`` report: one stable document (schema ``best-lambda/audit/v1``).

Keys are never renamed or removed within a schema version; new keys may be added. The
README documents every field. Findings are sorted (template, resource, finding ID), so two
runs over the same input give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from best_lambda.report.model import Audit, AuditFinding, rule_anchor

__all__ = ["SCHEMA", "audit_document", "render_json"]

SCHEMA = "best-lambda/audit/v1"


def _finding(finding: AuditFinding) -> dict[str, Any]:
    suppression = None
    if finding.suppression is not None:
        suppression = {"kind": finding.suppression.kind, "reason": finding.suppression.reason}
    return {
        "id": finding.finding_id,
        "rule": finding.rule.id,
        "severity": finding.severity.value,
        "status": finding.status.value,
        "message": finding.rule.message,
        "detail": finding.violation.detail,
        "template": finding.template,
        "file": finding.file,
        "line": finding.line,
        "logical_id": finding.logical_id,
        "construct_path": finding.construct_path,
        "fingerprint": finding.fingerprint,
        "suppression": suppression,
    }


def audit_document(audit: Audit) -> dict[str, Any]:
    """The JSON document of an audit, as a dict."""
    from best_lambda import __version__

    findings = sorted(audit.findings, key=lambda f: (f.template, f.resource_key, f.finding_id))
    return {
        "schema": SCHEMA,
        "tool": {"name": "best-lambda", "version": __version__},
        "summary": {**audit.counts(), "fail_level": audit.fail_level, "exit_code": audit.exit_code},
        "templates": [
            {
                "name": t.name,
                "file": t.file,
                "kind": t.kind,
                "resources": t.resources,
                "functions": sorted(t.functions.values()),
            }
            for t in audit.templates
        ],
        "findings": [_finding(f) for f in findings],
        "input_errors": [{"path": p.path, "reason": p.reason} for p in audit.problems],
        "notices": list(audit.notices),
        "rules": [
            {
                "id": rule.id,
                "severity": rule.severity.value,
                "message": rule.message,
                "fix": rule.explanation,
                "docs": f"RULES.md#{rule_anchor(rule.id)}",
            }
            for rule in audit.rules
        ],
    }


def render_json(audit: Audit) -> str:
    """The JSON report, indented, keys in a fixed order."""
    return json.dumps(audit_document(audit), indent=2) + "\n"
