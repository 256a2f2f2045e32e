"""Generate the documentation that must never drift from the code.

``python -m best_lambda._docs`` rewrites RULES.md and the defaults table in README.md
(between the ``defaults`` markers); ``tests/test_docs.py`` fails when they are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from best_lambda.defaults import all_defaults

__all__ = ["defaults_table", "render_readme", "rules_markdown"]

_DEFAULTS = re.compile(r"(<!-- defaults:start -->\n).*?(<!-- defaults:end -->)", re.S)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def defaults_table() -> str:
    """The README's defaults table, generated from :mod:`best_lambda.defaults`."""
    lines = ["| construct | keyword argument | default | why |", "|---|---|---|---|"]
    lines += [
        f"| {d.construct} | `{d.prop}` | {_cell(d.value)} | {_cell(d.reason)} |"
        for d in all_defaults()
    ]
    return "\n".join(lines) + "\n"


def render_readme(text: str) -> str:
    """``text`` (README.md) with its generated sections brought up to date."""
    if not _DEFAULTS.search(text):
        raise ValueError("README.md lacks the <!-- defaults:start/end --> markers")
    return _DEFAULTS.sub(lambda m: m.group(1) + defaults_table() + m.group(2), text)


def rules_markdown() -> str:
    """RULES.md, generated from the rule registry."""
    from best_lambda.rules.framework import FRAMEWORK_COMPONENTS
    from best_lambda.rules.registry import ALL_RULES

    lines = [
        "# BestLambda rules",
        "",
        "Generated from `best_lambda/rules/` by `python -m best_lambda._docs`; do not edit.",
        "Rule IDs are public API. Acknowledge a finding with a reason, on the resource or any",
        "ancestor: `Validations.of(construct).acknowledge(Acknowledgment(id=..., reason=...))`;",
        "a granular rule's findings are acknowledged one by one, by their full ID",
        "(`<rule ID>[<suffix>]`). A value the template cannot resolve (a parameter, an import, a",
        "condition) is reported as a warning under the rule's ID, never silently passed.",
        "",
        "| ID | severity | checks | source |",
        "|---|---|---|---|",
    ]
    for rule in ALL_RULES:
        types = ", ".join(f"`{t}`" for t in sorted(rule.resource_types))
        lines.append(
            f"| [`{rule.id}`](#{rule.id.lower()}) | {rule.severity.value} | {types} "
            f"| {_cell(rule.source)} |"
        )
    for rule in ALL_RULES:
        lines += [
            "",
            f"## {rule.id}",
            "",
            f"**{rule.severity.value}** — {rule.message}",
            "",
            rule.explanation,
            "",
        ]
        if rule.granular:
            lines += ["Granular: each finding has its own ID, `" + rule.id + "[<suffix>]`.", ""]
        lines += [f"Reads: {', '.join(sorted(rule.resource_types))}. Source: {rule.source}."]
    lines += [
        "",
        "## aws-cdk-lib's own functions",
        "",
        "Recognised by construct ID or path, and excluded (with their roles and policies)",
        "from every rule but `BestLambda-CdkFrameworkFunction`:",
        "",
    ]
    lines += [f"- {name}: `{pattern.pattern}`" for name, pattern in FRAMEWORK_COMPONENTS]
    return "\n".join(lines) + "\n"


def main(root: Path) -> int:
    """Rewrite the generated files under ``root``; return 0."""
    readme = root / "README.md"
    readme.write_text(render_readme(readme.read_text()))
    (root / "RULES.md").write_text(rules_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
