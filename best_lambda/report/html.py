"""The ``html`` report: one self-contained page a platform team can look at.

No script, no stylesheet, font or image from elsewhere: the file opens offline and can be
attached to a CI run. It shows a summary per template, a scorecard of functions x rules
coloured by outcome, and every finding with its fix and how to acknowledge it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING

from best_lambda.report.model import OUTCOMES, Audit, AuditFinding, AuditTemplate, finding_counts
from best_lambda.report.text import acknowledge_hint
from best_lambda.rules.model import Status
from best_lambda.rules.template import FUNCTION

if TYPE_CHECKING:
    from best_lambda.rules.template import TemplateIndex

__all__ = ["render_html", "scorecard_cells"]

_STYLE = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1b1f24}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:3px 6px}
th.rule{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:normal;font-size:12px}
td.c{width:18px;text-align:center;font-size:12px}
.error{background:#ffd7d5}.warning{background:#fff1c2}.unknown{background:#e8e3f7}
.accepted{background:#d8e8ff}.compliant{background:#d2f4d3}.na{background:#f6f8fa;color:#8c959f}
.finding{border-left:4px solid #d0d7de;padding:4px 10px;margin:8px 0}
.finding.error{border-color:#cf222e;background:#fff}.finding.warning{border-color:#bf8700;background:#fff}
.finding.accepted{border-color:#0969da;background:#fff}
code{background:#f6f8fa;padding:1px 4px;border-radius:4px}.muted{color:#57606a}
.legend span{display:inline-block;padding:1px 8px;margin-right:6px;border:1px solid #d0d7de}
"""

_SYMBOL = {
    "error": "E",
    "warning": "W",
    "unknown": "?",
    "accepted": "A",
    "compliant": "\u2713",
    "n/a": "\u00b7",
}


def _cls(cell: str) -> str:
    return "na" if cell == "n/a" else cell


def scorecard_cells(
    index: TemplateIndex,
    statuses: Mapping[tuple[str, str, str], Status],
    findings: Iterable[AuditFinding],
) -> dict[tuple[str, str], str]:
    """(function logical ID, rule ID) -> outcome, for :attr:`AuditTemplate.cells`.

    A rule's cell for a function is the worst outcome (:data:`OUTCOMES` order) of the rule
    on the function and the resources around it: what it refers to, what refers to it, and
    its role's policies. ``statuses`` are the engine's, ``findings`` the template's.
    """
    judged: dict[str, dict[str, Status]] = {}
    for (_, logical_id, rule_id), status in statuses.items():
        judged.setdefault(logical_id, {})[rule_id] = status
    outcome_of: dict[tuple[str, str], list[str]] = {}
    for finding in findings:
        outcome_of.setdefault((finding.logical_id, finding.rule.id), []).append(finding.outcome)
    cells: dict[tuple[str, str], str] = {}
    for function in index.of_type(FUNCTION):
        related = {function.logical_id, *index.targets_in(function.properties)}
        related |= {r.logical_id for r in index.referrers(function.logical_id)}
        role = index.role_of(function)
        if role:
            related |= {
                r.logical_id
                for r in index.referrers(role, "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")
            }
        for rule_id in {r for lid in related for r in judged.get(lid, {})} | {
            rid for (lid, rid) in outcome_of if lid in related
        }:
            found = [o for lid in related for o in outcome_of.get((lid, rule_id), [])]
            states = [judged.get(lid, {}).get(rule_id) for lid in related]
            if any(s is Status.COMPLIANT for s in states):
                found.append("compliant")
            cells[function.logical_id, rule_id] = min(found or ["n/a"], key=OUTCOMES.index)
    return cells


def _scorecard(template: AuditTemplate, rule_ids: list[str]) -> str:
    if not template.functions:
        return "<p class='muted'>No Lambda functions in this template.</p>"
    head = "".join(
        f"<th class='rule' title='{escape(r)}'>{escape(r.removeprefix('BestLambda-'))}</th>"
        for r in rule_ids
    )
    rows = []
    for logical_id, name in sorted(template.functions.items(), key=lambda kv: kv[1]):
        cells = []
        for rule_id in rule_ids:
            cell = template.cells.get((logical_id, rule_id), "n/a")
            cells.append(
                f"<td class='c {_cls(cell)}' title='{escape(rule_id)}: {escape(cell)}'>"
                f"{_SYMBOL[cell]}</td>"
            )
        rows.append(f"<tr><th>{escape(name)}</th>{''.join(cells)}</tr>")
    return f"<table><tr><th>function</th>{head}</tr>{''.join(rows)}</table>"


def render_html(audit: Audit) -> str:
    """The self-contained HTML report of an audit."""
    rule_ids = [r.id for r in audit.rules]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>best-lambda audit</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>best-lambda audit</h1>",
        f"<p><strong>{escape(audit.summary())}</strong></p>",
        "<p class='legend'>",
        *(f"<span class='{_cls(k)}'>{_SYMBOL[k]} {k}</span>" for k in OUTCOMES),
        "</p>",
        "<table><tr><th>template</th><th>kind</th><th>resources</th><th>functions</th>"
        "<th>errors</th><th>warnings</th><th>accepted</th></tr>",
    ]
    by_template = audit.by_template()
    for number, template in enumerate(audit.templates):
        mine = finding_counts(by_template.get(template.name, []))
        errors, warns = mine["errors"], mine["warnings"]
        n_accepted = mine["acknowledged"] + mine["baselined"]
        parts.append(
            f"<tr><td><a href='#t{number}'>{escape(template.name)}</a>"
            f"</td><td>{escape(template.kind)}</td><td>{template.resources}</td>"
            f"<td>{len(template.functions)}</td><td class='{'error' if errors else ''}'>{errors}"
            f"</td><td class='{'warning' if warns else ''}'>{warns}</td>"
            f"<td>{n_accepted}</td></tr>"
        )
    parts.append("</table>")
    for problem in audit.problems:
        parts.append(
            f"<p class='finding error'><strong>Could not check {escape(problem.path)}</strong>: "
            f"{escape(problem.reason)}</p>"
        )
    for notice in audit.notices:
        parts.append(f"<p class='finding warning'>{escape(notice)}</p>")
    for number, template in enumerate(audit.templates):
        parts.append(f"<h2 id='t{number}'>{escape(template.name)}</h2>")
        parts.append(
            f"<p class='muted'>{escape(template.file)} &middot; {escape(template.kind)} &middot; "
            f"{template.resources} resources</p>"
        )
        parts.append(_scorecard(template, rule_ids))
        for finding in sorted(
            by_template.get(template.name, []), key=lambda f: (f.resource_key, f.finding_id)
        ):
            outcome = finding.outcome
            where = finding.construct_path or finding.logical_id
            line = f", line {finding.line}" if finding.line else ""
            accepted = ""
            if finding.suppression is not None:
                accepted = (
                    f"<br><em>Accepted ({escape(finding.suppression.kind)}): "
                    f"{escape(finding.suppression.reason)}</em>"
                )
            parts.append(
                f"<div class='finding {_cls(outcome)}'><strong>{escape(outcome.upper())} "
                f"<code>{escape(finding.finding_id)}</code></strong> at "
                f"<code>{escape(where)}</code> <span class='muted'>({escape(finding.file)}"
                f"{line})</span><br>{escape(finding.message)}{accepted}"
                f"<details><summary>How to fix, or acknowledge</summary>"
                f"<p>{escape(finding.rule.explanation)}</p><p>Acknowledge with a reason: "
                f"<code>{escape(acknowledge_hint(finding, template.kind))}</code></p>"
                f"</details></div>"
            )
    parts.append("</body></html>\n")
    return "\n".join(parts)
