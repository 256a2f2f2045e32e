"""Which template resources the template's CloudWatch alarms watch, computed once.

An alarm watches a metric either directly (``Namespace`` / ``MetricName`` / ``Dimensions``)
or through metric math (``Metrics[].MetricStat.Metric``). :func:`watched_by_alarms` maps
the resources named by one dimension of one metric to the alarms that watch them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from best_lambda.rules.model import Finding, Resource, Result
from best_lambda.rules.template import TemplateIndex, Unresolved, is_intrinsic

__all__ = ["ALARM", "AlarmWatch", "watch_result", "watched_by_alarms"]

ALARM = "AWS::CloudWatch::Alarm"


@dataclass(frozen=True)
class AlarmWatch:
    """What the alarms of a template watch, for one metric and one dimension.

    Attributes
    ----------
    watched
        Resource logical ID -> the alarms that watch its metric.
    unresolved
        (alarm, reason) for alarms on the metric whose dimension value cannot be resolved
        (a parameter, an import): they may watch any resource of the type.
    misdirected
        Resource logical ID -> (alarm, what is wrong) for alarms that refer to the resource
        with a value that is not the dimension's (e.g. a queue URL instead of its name).
    """

    watched: dict[str, list[str]] = field(default_factory=dict)
    unresolved: list[tuple[str, str]] = field(default_factory=list)
    misdirected: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def _metrics(alarm: Resource) -> Iterator[dict[str, Any]]:
    """The metric specifications of an alarm (single metric and metric math)."""
    if alarm.get("MetricName") is not None:
        yield alarm.properties
    metrics = alarm.get("Metrics")
    for entry in metrics if isinstance(metrics, list) else []:
        stat = entry.get("MetricStat") if isinstance(entry, dict) else None
        metric = stat.get("Metric") if isinstance(stat, dict) else None
        if isinstance(metric, dict):
            yield metric


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def watched_by_alarms(
    index: TemplateIndex,
    *,
    namespace: str,
    metric_name: str,
    dimension: str,
    resource_type: str,
    name_property: str,
    attribute: str | None,
) -> AlarmWatch:
    """Map the ``resource_type`` resources named by ``dimension`` to the alarms on the metric.

    Parameters
    ----------
    namespace, metric_name, dimension
        The metric (``AWS/Lambda``, ``Errors``) and the dimension that names the resource
        (``FunctionName``).
    resource_type, name_property
        The watched resources and the property holding their name (``FunctionName``), for
        dimension values written as literal names.
    attribute
        How the template refers to the resource's name: ``None`` for ``Ref`` (functions),
        else the ``Fn::GetAtt`` attribute (``QueueName``).
    """

    def compute() -> AlarmWatch:
        names: dict[str, str] = {}
        expressions: dict[str, str] = {}
        for resource in index.of_type(resource_type):
            raw = resource.get(name_property)
            if raw is None:
                continue
            name = index.literal(raw)
            if isinstance(name, str):
                names[name] = resource.logical_id
            elif isinstance(name, Unresolved):
                expressions[_key(raw)] = resource.logical_id
        watch = AlarmWatch()
        for alarm in index.of_type(ALARM):
            for metric in _metrics(alarm):
                if (
                    index.literal(metric.get("Namespace")) != namespace
                    or index.literal(metric.get("MetricName")) != metric_name
                ):
                    continue
                dimensions = metric.get("Dimensions")
                for entry in dimensions if isinstance(dimensions, list) else []:
                    if isinstance(entry, dict) and entry.get("Name") == dimension:
                        for value in index.alternatives(entry.get("Value")):
                            _note(alarm.logical_id, value, watch, names, expressions)
        return watch

    def _note(
        alarm_id: str,
        value: Any,
        watch: AlarmWatch,
        names: dict[str, str],
        expressions: dict[str, str],
    ) -> None:
        target = index.target(value)
        if target is not None and index.resources[target].type == resource_type:
            ((key, arg),) = value.items()
            if (key == "Ref" and attribute is None) or (
                key == "Fn::GetAtt" and _attribute(arg) == attribute
            ):
                watch.watched.setdefault(target, []).append(alarm_id)
            else:
                wanted = "Ref" if attribute is None else f"Fn::GetAtt {attribute}"
                watch.misdirected.setdefault(target, []).append(
                    (
                        alarm_id,
                        f"its {dimension} dimension is {_show(value)}, which does not give the "
                        f"{name_property} (use {wanted})",
                    )
                )
            return
        literal = index.literal(value)
        if isinstance(literal, str):
            if literal in names:
                watch.watched.setdefault(names[literal], []).append(alarm_id)
            return  # a resource outside this template
        if isinstance(literal, Unresolved) and is_intrinsic(value):
            same = expressions.get(_key(value))
            if same is not None:
                watch.watched.setdefault(same, []).append(alarm_id)
            else:
                watch.unresolved.append((alarm_id, f"its {dimension} dimension: {literal.reason}"))

    return index.memo(
        f"cloudwatch.watched_by_alarms:{namespace}:{metric_name}:{dimension}:{resource_type}",
        compute,
    )


def _attribute(arg: Any) -> str | None:
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], str):
        return arg[1]
    if isinstance(arg, str) and "." in arg:
        return arg.split(".", 1)[1]
    return None


def _show(value: Any) -> str:
    ((key, arg),) = value.items()
    if key == "Fn::GetAtt":
        return f"Fn::GetAtt {_attribute(arg)}"
    return str(key)


def watch_result(resource: Resource, watch: AlarmWatch, metric: str, missing: str) -> Result:
    """Compliant when an alarm watches ``resource``; else unknown or non-compliant.

    ``metric`` names the metric in messages; ``missing`` is the finding's first sentence.
    Unknown when some alarm on the metric names a resource known only at deploy time (it
    may be this one). Alarms that refer to ``resource`` with the wrong value are named in
    the finding.
    """
    if resource.logical_id in watch.watched:
        return Result.compliant()
    if watch.unresolved:
        alarms = "; ".join(f"alarm {a}: {why}" for a, why in watch.unresolved)
        return Result.unknown(
            f"no alarm of this template certainly watches {metric} of {_kind(resource)} "
            f"{resource.logical_id}, and some alarms on {metric} name a resource known only "
            f"at deploy time ({alarms})"
        )
    wrong = watch.misdirected.get(resource.logical_id, [])
    notes = "".join(
        f" Alarm {alarm} refers to it but never fires for it: {why}." for alarm, why in wrong
    )
    return Result.non_compliant(Finding(missing + notes))


def _kind(resource: Resource) -> str:
    """``function`` for ``AWS::Lambda::Function``, ``queue`` for ``AWS::SQS::Queue``."""
    return resource.type.rsplit("::", 1)[-1].lower()
