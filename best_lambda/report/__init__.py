"""Audit reports, written from plain data: text, JSON, SARIF 2.1.0, JUnit XML, HTML.

:mod:`best_lambda.report.model` holds what an audit found (:class:`Audit`); one module per
format renders it, and :mod:`best_lambda.report.baseline` reads and writes baselines.
Nothing here runs the engine or imports aws-cdk-lib.

Examples
--------
>>> from best_lambda.report import FORMATS, Audit
>>> print(FORMATS["json"](Audit()).splitlines()[1])
  "schema": "best-lambda/audit/v1",
"""

from __future__ import annotations

from collections.abc import Callable

from best_lambda.report.html import render_html
from best_lambda.report.json_report import render_json
from best_lambda.report.junit import render_junit
from best_lambda.report.model import Audit, AuditFinding, AuditTemplate, InputProblem, Suppression
from best_lambda.report.sarif import render_sarif
from best_lambda.report.text import render_text

__all__ = [
    "FORMATS",
    "Audit",
    "AuditFinding",
    "AuditTemplate",
    "InputProblem",
    "Suppression",
]

#: Output format name -> writer (``text`` also takes ``colour=``).
FORMATS: dict[str, Callable[[Audit], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "junit": render_junit,
    "html": render_html,
}
