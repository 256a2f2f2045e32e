"""The ``junit`` report: one test suite per template, one test case per rule.

A rule's test case fails when it has open findings at or above the fail level (each listed
in the failure text); findings below it are in ``system-out``; a rule that applies to
nothing in the template is skipped. CI systems that read JUnit XML show it as a test run.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from best_lambda.report.model import Audit, AuditFinding
from best_lambda.rules.model import Severity

__all__ = ["render_junit"]


def _line(finding: AuditFinding) -> str:
    where = finding.construct_path or finding.logical_id
    line = f":{finding.line}" if finding.line else ""
    return (
        f"{finding.severity.value.upper()} {finding.finding_id} at {where} "
        f"({finding.file}{line}): {finding.message}"
    )


def render_junit(audit: Audit) -> str:
    """The JUnit XML report."""
    failing = {id(f) for f in audit.failing}
    suites = ET.Element("testsuites", name="best-lambda")
    total = failures = 0
    by_template = audit.by_template(audit.open_findings)
    for template in audit.templates:
        suite = ET.SubElement(suites, "testsuite", name=template.name, file=template.file)
        suite_failures = skipped = 0
        findings = by_template.get(template.name, [])
        for rule in audit.rules:
            case = ET.SubElement(
                suite, "testcase", name=rule.id, classname=template.name, file=template.file
            )
            mine = [f for f in findings if f.rule.id == rule.id]
            bad = [f for f in mine if id(f) in failing]
            if bad:
                suite_failures += 1
                kind = "error" if any(f.severity is Severity.ERROR for f in bad) else "warning"
                failure = ET.SubElement(
                    case,
                    "failure",
                    message=f"{len(bad)} {kind} finding(s): {rule.message}",
                    type=kind,
                )
                failure.text = "\n".join(_line(f) for f in bad) + f"\n\nFix: {rule.explanation}"
            rest = [f for f in mine if id(f) not in failing]
            if rest:
                ET.SubElement(case, "system-out").text = "\n".join(_line(f) for f in rest)
            if not mine and rule.id not in template.applied:
                ET.SubElement(case, "skipped", message="not applicable to this template")
                skipped += 1
        suite.set("tests", str(len(audit.rules)))
        suite.set("failures", str(suite_failures))
        suite.set("errors", "0")
        suite.set("skipped", str(skipped))
        total += len(audit.rules)
        failures += suite_failures
    for problem in audit.problems:
        suite = ET.SubElement(
            suites, "testsuite", name=problem.path, tests="1", failures="0", errors="1"
        )
        case = ET.SubElement(suite, "testcase", name="read template", classname=problem.path)
        ET.SubElement(case, "error", message=problem.reason).text = problem.reason
    suites.set("tests", str(total + len(audit.problems)))
    suites.set("failures", str(failures))
    suites.set("errors", str(len(audit.problems)))
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
