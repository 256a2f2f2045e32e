"""The ``text`` report: grouped by template and resource, each rule's fix once, a summary.

Colour (ANSI) only when asked, i.e. when writing to a terminal; the words alone carry the
meaning. The engine's ``Report.format()`` renders through :func:`format_report` too.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING

from best_lambda.report.model import ACK_METADATA_KEY, Audit, AuditFinding
from best_lambda.rules.model import Rule, Severity, Status

if TYPE_CHECKING:
    from best_lambda.rules.engine import Report

__all__ = ["format_report", "render_text"]

_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "dim": "\x1b[2m", "bold": "\x1b[1m"}
_RESET = "\x1b[0m"
_WIDTH = 100


def _paint(text: str, style: str, colour: bool) -> str:
    return f"{_COLOURS[style]}{text}{_RESET}" if colour else text


def _label(finding: AuditFinding) -> str:
    if finding.status is Status.UNKNOWN:
        return "UNKNOWN"
    return finding.severity.value.upper()


def acknowledge_hint(finding: AuditFinding, kind: str) -> str:
    """How to acknowledge ``finding`` where it was written."""
    if kind.startswith("cdk"):
        return (
            f"cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment("
            f'id="BestLambda::{finding.finding_id}", reason="..."))'
        )
    return f"Metadata: {{{ACK_METADATA_KEY}: {{acknowledge: {{{finding.finding_id}: <reason>}}}}}}"


def render_text(audit: Audit, *, colour: bool = False, show_suppressed: bool = False) -> str:
    """The text report of an audit."""
    lines: list[str] = []
    kinds = {t.name: t.kind for t in audit.templates}
    by_template = audit.by_template(None if show_suppressed else audit.open_findings)
    wrap = textwrap.TextWrapper(width=_WIDTH, initial_indent="      ", subsequent_indent="      ")
    for template in audit.templates:
        findings = by_template.get(template.name, [])
        if not findings:
            continue
        where = (
            template.file
            if template.file == template.name
            else f"{template.name} ({template.file})"
        )
        lines.append(
            _paint(f"{where}  [{template.kind}, {template.resources} resources]", "bold", colour)
        )
        by_resource: dict[str, list[AuditFinding]] = {}
        for finding in findings:
            by_resource.setdefault(finding.resource_key, []).append(finding)
        for resource, items in sorted(by_resource.items()):
            first = items[0]
            line = f":{first.line}" if first.line else ""
            extra = f" ({first.logical_id})" if resource != first.logical_id else ""
            lines.append(f"  {resource}{extra}{_paint(line, 'dim', colour)}")
            for finding in sorted(
                items, key=lambda f: (f.severity is not Severity.ERROR, f.finding_id)
            ):
                label = _label(finding)
                style = finding.severity.value
                status = ""
                if finding.suppression is not None:
                    status = f" [{finding.suppression.kind}: {finding.suppression.reason}]"
                lines.append(
                    f"    {_paint(f'{label:<8}', style, colour)}{finding.finding_id}{status}"
                )
                lines.extend(wrap.wrap(finding.message))
        lines.append("")
    shown = [f for items in by_template.values() for f in items]
    if shown:
        lines.extend(_fixes(shown, kinds, colour))
    for problem in audit.problems:
        lines.append(_paint(f"INPUT ERROR {problem.path}: {problem.reason}", "error", colour))
    for notice in audit.notices:
        lines.append(_paint(f"NOTICE {notice}", "warning", colour))
    lines.append(audit.summary())
    return "\n".join(lines) + "\n"


def _fixes(findings: Iterable[AuditFinding], kinds: dict[str, str], colour: bool) -> list[str]:
    """Each rule's fix once, and how to acknowledge its findings."""
    rules: dict[str, tuple[Rule, AuditFinding]] = {}
    for finding in findings:
        rules.setdefault(finding.rule.id, (finding.rule, finding))
    lines = [_paint("How to fix (once per rule; details in RULES.md):", "bold", colour)]
    wrap = textwrap.TextWrapper(
        width=_WIDTH,
        initial_indent="    ",
        subsequent_indent="    ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    for rule_id, (rule, example) in rules.items():
        lines.append(f"  {rule_id}")
        lines.extend(wrap.wrap(rule.explanation))
        hint = acknowledge_hint(example, kinds.get(example.template, "cloudformation"))
        lines.append(f"    To accept a finding instead, with a reason: {hint}")
    lines.append("")
    return lines


def format_report(report: Report) -> str:
    """The engine's :class:`~best_lambda.rules.engine.Report` as text: fixes once per rule."""
    if not report.violations:
        return f"BestLambda: no findings in {report.resources} resources."
    lines = [
        f"BestLambda: {len(report.errors)} error(s), {len(report.warnings)} warning(s) "
        f"in {report.resources} resources:"
    ]
    ordered = sorted(report.violations, key=lambda v: (v.severity.value, v.location, v.finding_id))
    for v in ordered:
        lines.append(f"  {v.severity.value.upper():7} {v.location}")
        lines.append(f"          {v.description}")
    seen: dict[str, Rule] = {}
    for v in ordered:
        seen.setdefault(v.rule.id, v.rule)
    lines.append("How to fix (once per rule):")
    for rule_id, rule in seen.items():
        lines.append(f"  {rule_id}")
        lines.append(f"          Fix: {rule.explanation}")
    return "\n".join(lines)
