"""Generate the documentation that must never drift from the code.

``python -m best_lambda._docs`` rewrites RULES.md, the defaults table in README.md (between
the ``defaults`` markers) and the ``Parameters`` section of each construct's docstring (from
its declared props); ``tests/test_docs.py`` fails when any of them is stale.
"""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

from best_lambda.defaults import all_defaults
from best_lambda.props import (
    AnyOf,
    Enum,
    Flag,
    Instance,
    Integer,
    Interface,
    Kind,
    ListOf,
    MapOf,
    Options,
    Prop,
    PropTable,
    Seconds,
    SizeMB,
    Struct,
    Text,
)

__all__ = [
    "DOCSTRINGS",
    "defaults_table",
    "parameters_section",
    "render_docstring",
    "render_readme",
    "rules_markdown",
]

_PARAMETERS = re.compile(r"(\n    Parameters\n    ----------\n).*?(\n    Raises\n)", re.S)


def _type_label(kind: Kind) -> str:
    labels: dict[type[Kind], str] = {
        Seconds: "aws_cdk.Duration",
        SizeMB: "aws_cdk.Size",
        Integer: "int",
        Flag: "bool",
        Text: "str",
    }
    if type(kind) in labels:
        return labels[type(kind)]
    if isinstance(kind, (Enum, Instance, Interface, Struct)):
        return kind.type_name
    if isinstance(kind, ListOf):
        return f"list of {_type_label(kind.item)}"
    if isinstance(kind, MapOf):
        return f"dict of {_type_label(kind.key)} to {_type_label(kind.value)}"
    if isinstance(kind, AnyOf):
        return " or ".join(_type_label(o) for o in kind.options)
    if isinstance(kind, Options):
        return kind.of
    return type(kind).__name__  # pragma: no cover


def _entry(prop: Prop) -> str:
    text = prop.doc
    if prop.required:
        text += " Required."
    elif prop.default is not None or prop.default_doc:
        text += f" Default: {prop.default_text}."
    plain_enum = isinstance(prop.kind, Enum) and not (prop.kind.allowed or prop.kind.refused)
    if not plain_enum and not isinstance(
        prop.kind, (Flag, Instance, Interface, Struct, Text, MapOf, AnyOf, Options)
    ):
        text += f" Accepts {prop.kind.describe()}."
    body = _fill(text)
    return f"    {prop.name} : {_type_label(prop.kind)}\n{body}"


def parameters_section(table: PropTable, *, lead: str = "", tail: str = "") -> str:
    """A numpy-style ``Parameters`` body for ``table``, indented for a class docstring."""
    parts = [lead.rstrip("\n")] if lead else []
    parts += [_entry(p) for p in table]
    if tail:
        parts.append(tail.rstrip("\n"))
    return "\n".join(parts)


def _fill(text: str) -> str:
    return textwrap.fill(
        text,
        width=92,
        initial_indent=" " * 8,
        subsequent_indent=" " * 8,
        break_on_hyphens=False,
        break_long_words=False,
    )


_SCOPE = "    scope, construct_id\n        As for any construct."


#: Source files whose class docstring has a generated ``Parameters`` section: (path, the
#: props table as ``module:NAME``, what the section says before the props).
_GENERATED: tuple[tuple[str, str, str], ...] = (
    ("best_lambda/constructs/hardened_function.py", "lambda_:FUNCTION_PROPS", _SCOPE),
    ("best_lambda/constructs/queue_consumer.py", "sqs:QUEUE_CONSUMER_PROPS", _SCOPE),
    ("best_lambda/constructs/stream_consumer.py", "streams:STREAM_CONSUMER_PROPS", _SCOPE),
    ("best_lambda/constructs/api_function.py", "apigateway:API_FUNCTION_PROPS", _SCOPE),
    ("best_lambda/constructs/deployment.py", "codedeploy:SAFE_DEPLOYMENT_PROPS", ""),
    ("best_lambda/constructs/topic_subscriber.py", "sns:TOPIC_SUBSCRIBER_PROPS", _SCOPE),
    ("best_lambda/constructs/event_rule_handler.py", "events:EVENT_RULE_HANDLER_PROPS", _SCOPE),
    (
        "best_lambda/constructs/scheduled_function.py",
        "scheduler:SCHEDULED_FUNCTION_PROPS",
        _SCOPE,
    ),
    ("best_lambda/constructs/bucket_processor.py", "s3:BUCKET_PROCESSOR_PROPS", _SCOPE),
)

#: Source files whose class docstring has a generated ``Parameters`` section.
DOCSTRINGS = tuple(path for path, _, _ in _GENERATED)


def _docstring_of(path: str) -> tuple[PropTable, str]:
    """(the props table, the lead) of the generated section of ``path``."""
    import importlib

    table, lead = next((table, lead) for p, table, lead in _GENERATED if p == path)
    module, name = table.split(":")
    props: PropTable = getattr(importlib.import_module(f"best_lambda.defaults.{module}"), name)
    return props, lead


def render_docstring(path: str, text: str) -> str:
    """``text`` (the source of ``path``) with its generated Parameters section up to date."""
    table, lead = _docstring_of(path)
    if not _PARAMETERS.search(text):
        raise ValueError(f"{path} lacks a Parameters ... Raises section in its class docstring")
    section = parameters_section(table, lead=lead)
    return _PARAMETERS.sub(lambda m: m.group(1) + section + "\n" + m.group(2), text, count=1)


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
    for path in DOCSTRINGS:
        source = root / path
        source.write_text(render_docstring(path, source.read_text()))
    return 0


if __name__ == "__main__":
    _root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    if len(sys.argv) > 2 or not (_root / "README.md").is_file():
        sys.exit(
            "usage: python -m best_lambda._docs [CHECKOUT]\n"
            "Regenerates README.md's defaults table, RULES.md and the generated docstrings "
            "of a best-lambda checkout (default: the current directory)."
        )
    sys.exit(main(_root))
