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

import importlib
from collections.abc import Callable, Iterator, Mapping

from best_lambda.report.model import Audit, AuditFinding, AuditTemplate, InputProblem, Suppression

__all__ = [
    "FORMATS",
    "Audit",
    "AuditFinding",
    "AuditTemplate",
    "InputProblem",
    "Suppression",
]

#: Format name -> (module, function) of its writer.
_WRITERS = {
    "text": ("text", "render_text"),
    "json": ("json_report", "render_json"),
    "sarif": ("sarif", "render_sarif"),
    "junit": ("junit", "render_junit"),
    "html": ("html", "render_html"),
}


class _Formats(Mapping[str, Callable[[Audit], str]]):
    """Format name -> writer; a writer's module is imported when it is looked up."""

    def __getitem__(self, name: str) -> Callable[[Audit], str]:
        module, function = _WRITERS[name]
        writer: Callable[[Audit], str] = getattr(
            importlib.import_module(f"{__name__}.{module}"), function
        )
        return writer

    def __iter__(self) -> Iterator[str]:
        return iter(_WRITERS)

    def __len__(self) -> int:
        return len(_WRITERS)


#: Output format name -> writer (``text`` also takes ``colour=``), imported on first use.
FORMATS: Mapping[str, Callable[[Audit], str]] = _Formats()
