"""BestLambda-LogRetention: a function's log group is in the template with a retention."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved, is_intrinsic

LOG_GROUP = "AWS::Logs::LogGroup"
#: aws_lambda.Function(log_retention=...) (deprecated): a custom resource that sets the
#: retention of the group Lambda creates.
LOG_RETENTION = "Custom::LogRetention"
_PREFIX = "/aws/lambda/"
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")

#: A name as a sequence of literal text and references, e.g. ("/aws/lambda/", ("ref", "Fn")).
#: Two names with the same shape designate the same log group.
_Part = str | tuple[str, str]
_Name = tuple[_Part, ...]


def _normalize(parts: list[_Part]) -> _Name:
    merged: list[_Part] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        elif part != "":
            merged.append(part)
    return tuple(merged)


def _shape(value: Any, index: TemplateIndex) -> _Name | None:
    """The shape of a name written as a literal, ``Ref``, ``Fn::Join`` or ``Fn::Sub``."""
    if isinstance(value, str):
        return (value,)
    if not is_intrinsic(value):
        return None
    (key, arg) = next(iter(value.items()))
    if key == "Ref" and isinstance(arg, str):
        if arg in index.parameters or arg.startswith("AWS::") or arg in index.resources:
            return (("ref", arg),)
        return None
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        separator, items = arg
        if not isinstance(separator, str) or not isinstance(items, list):
            return None
        parts: list[_Part] = []
        for i, item in enumerate(items):
            shape = _shape(item, index)
            if shape is None:
                return None
            parts += ([separator] if i else []) + list(shape)
        return _normalize(parts)
    if key == "Fn::Sub":
        text = arg[0] if isinstance(arg, list) and arg else arg
        variables = arg[1] if isinstance(arg, list) and len(arg) > 1 else {}
        if not isinstance(text, str) or not isinstance(variables, dict):
            return None
        parts = []
        position = 0
        for match in _SUB_VAR.finditer(text):
            parts.append(text[position : match.start()])
            name = match.group(1)
            position = match.end()
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
                continue
            if name in variables:
                shape = _shape(variables[name], index)
            elif "." in name:
                return None  # ${Resource.Attribute}: known only at deploy time
            else:
                shape = _shape({"Ref": name}, index)
            if shape is None:
                return None
            parts += list(shape)
        parts.append(text[position:])
        return _normalize(parts)
    literal = index.literal(value)
    return (literal,) if isinstance(literal, str) else None


def _groups_by_name(index: TemplateIndex) -> dict[_Name, list[Resource]]:
    groups: dict[_Name, list[Resource]] = defaultdict(list)
    for group in index.of_type(LOG_GROUP, LOG_RETENTION):
        shape = _shape(group.get("LogGroupName"), index)
        if shape:
            groups[shape].append(group)
    return groups


def _default_names(function: Resource, index: TemplateIndex) -> list[_Name]:
    """The shapes ``/aws/lambda/<function name>`` can take in this template."""
    names: list[_Name] = [(_PREFIX, ("ref", function.logical_id))]
    own = _shape(function.get("FunctionName"), index)
    if own:
        names.append(_normalize([_PREFIX, *own]))
    return names


def _describe(name: _Name) -> str:
    return "".join(p if isinstance(p, str) else "${" + p[1] + "}" for p in name)


def _judge(groups: list[Resource], index: TemplateIndex, name: str) -> Result:
    """Compliant when one of the groups (or a LogRetention on it) sets a literal retention."""
    unresolved: list[str] = []
    for group in groups:
        days = index.number(group.get("RetentionInDays"))
        if isinstance(days, Unresolved):
            unresolved.append(f"RetentionInDays of {group.logical_id}: {days.reason}")
        elif days is not None:
            return Result.compliant()
    if unresolved:
        return Result.unknown("; ".join(unresolved))
    ids = ", ".join(g.logical_id for g in groups)
    return Result.non_compliant(
        Finding(f"The log group {ids} ({name}) has no RetentionInDays: its logs never expire.")
    )


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Find the function's log group in the template and require a retention on it."""
    by_name = index.memo("logs.log_retention:groups_by_name", lambda: _groups_by_name(index))
    config = function.get("LoggingConfig")
    if is_intrinsic(config):
        config = index.literal(config)
        if isinstance(config, Unresolved):
            return Result.unknown(f"LoggingConfig: {config.reason}")
    custom = config.get("LogGroup") if isinstance(config, dict) else None
    if custom is not None:
        target = index.get(index.target(custom))
        if target is not None and target.type == LOG_GROUP:
            # a LogRetention custom resource may also target it by reference
            also = by_name.get((("ref", target.logical_id),), [])
            return _judge([target, *also], index, "LoggingConfig.LogGroup")
        literal = index.literal(custom)
        shape = _shape(custom, index)
        if shape and shape in by_name:
            return _judge(by_name[shape], index, f"LoggingConfig.LogGroup {_describe(shape)!r}")
        if isinstance(literal, Unresolved):
            return Result.unknown(f"LoggingConfig.LogGroup: {literal.reason}")
        return Result.unknown(
            f"LoggingConfig.LogGroup {literal!r} is not defined in this template, so its "
            "retention cannot be checked here"
        )
    names = _default_names(function, index)
    groups = [g for name in names for g in by_name.get(name, [])]
    shown = _describe(names[-1]) if len(names) > 1 else f"{_PREFIX}<name of {function.logical_id}>"
    if groups:
        unique = list({g.logical_id: g for g in groups}.values())
        return _judge(unique, index, shown)
    return Result.non_compliant(
        Finding(
            f"No log group for this function is defined in the template: Lambda creates "
            f"{shown} on first invocation with no retention, so its logs never expire."
        )
    )


RULE = Rule(
    id="BestLambda-LogRetention",
    severity=Severity.ERROR,
    message="The Lambda function's logs are kept forever (no log group with a retention).",
    explanation=(
        "Without a log group in the stack, Lambda creates /aws/lambda/<name> on first "
        "invocation with logs that never expire (storage cost grows forever, and the group "
        "outlives the stack). Give the function its own log group with a retention: "
        "aws_lambda.Function(log_group=aws_logs.LogGroup(self, 'Logs', retention="
        "RetentionDays.ONE_MONTH)). aws_lambda.Function(log_retention=...) is deprecated in "
        "favour of log_group."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        "seeds/001 §5.1 (log retention); implicit Lambda log groups have no retention "
        "(serverless-rules WS1004); aws-cdk-lib: log_retention is deprecated for log_group"
    ),
)
