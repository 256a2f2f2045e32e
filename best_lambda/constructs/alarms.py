"""Where alarms go: one setting for a whole app, stage or stack, overridable per construct.

An alarm that notifies nobody passes every check and pages nobody. A team sets the action
once, high in the tree, and every best-lambda construct created beneath that scope uses it;
``alarm_topic=`` on a construct still wins. A construct whose alarms end up with no action
gets a CDK warning annotation (``cdk synth --strict`` fails on it).

Examples
--------
>>> import aws_cdk as cdk
>>> from aws_cdk import aws_sns as sns
>>> app = cdk.App()
>>> ops = sns.Topic(cdk.Stack(app, "Ops"), "Pager")
>>> _ = AlarmDefaults.of(app).notify(ops)
>>> len(AlarmDefaults.of(app).actions)
1
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass, field
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct, Node

from best_lambda.constructs._props import implements
from best_lambda.defaults import lambda_ as lambda_defaults

__all__ = ["AlarmDefaults", "alarm", "alarm_actions", "alarm_period", "depth_alarm_metric"]

#: Warning ID of the annotation on a construct whose alarms notify nobody.
NO_ACTION_WARNING = "best-lambda:alarmsWithoutAction"


@dataclass
class _Registry:
    """Per App: the defaults set on each scope, and the constructs that already used them."""

    defaults: weakref.WeakKeyDictionary[Any, AlarmDefaults] = field(
        default_factory=weakref.WeakKeyDictionary
    )
    #: Paths of constructs that resolved their alarm actions, with whether they had any.
    resolved: dict[str, bool] = field(default_factory=dict)


_REGISTRIES: weakref.WeakKeyDictionary[Any, _Registry] = weakref.WeakKeyDictionary()


class AlarmDefaults:
    """The alarm actions of every best-lambda construct created beneath one scope.

    Call :meth:`notify` before creating the constructs it should apply to; calling it
    afterwards raises (those constructs were already built without it). The nearest scope
    with defaults wins, so a stack can override its app.

    Examples
    --------
    >>> import aws_cdk as cdk
    >>> from aws_cdk import aws_sns as sns
    >>> app = cdk.App()
    >>> stack = cdk.Stack(app, "Orders")
    >>> _ = AlarmDefaults.of(app).notify(sns.Topic(stack, "Ops"))
    """

    def __init__(self, scope: IConstruct, registry: _Registry) -> None:
        self._scope = weakref.ref(scope)
        self._registry = registry
        self._actions: tuple[cloudwatch.IAlarmAction, ...] = ()

    @classmethod
    def of(cls, scope: IConstruct) -> AlarmDefaults:
        """The alarm defaults set on ``scope`` (usually the App or a Stack)."""
        registry = _registry(scope.node.root)
        found = registry.defaults.get(scope)
        if found is None:
            found = registry.defaults[scope] = cls(scope, registry)
        return found

    @property
    def actions(self) -> tuple[cloudwatch.IAlarmAction, ...]:
        """The alarm actions set here (empty until :meth:`notify`)."""
        return self._actions

    def notify(self, *targets: sns.ITopic | cloudwatch.IAlarmAction) -> AlarmDefaults:
        """Send the alarms of every construct beneath this scope to ``targets``.

        Each target is an SNS topic or any ``aws_cloudwatch.IAlarmAction``. Returns ``self``.

        Raises
        ------
        ValueError
            A target is neither, or best-lambda constructs beneath this scope were already
            created (their alarms would silently miss the action).
        """
        actions: list[cloudwatch.IAlarmAction] = []
        for target in targets:
            if implements(target, "topic_arn"):
                actions.append(cloudwatch_actions.SnsAction(target))  # type: ignore[arg-type]
            elif implements(target, "bind"):
                actions.append(target)  # type: ignore[arg-type]
            else:
                raise ValueError(
                    f"AlarmDefaults.notify: expected aws_sns.ITopic or "
                    f"aws_cloudwatch.IAlarmAction, got {type(target).__name__}"
                )
        if not actions:
            raise ValueError("AlarmDefaults.notify needs at least one topic or alarm action")
        scope = self._scope()
        prefix = "" if scope is None else scope.node.path
        early = sorted(
            path
            for path in self._registry.resolved
            if not prefix or path == prefix or path.startswith(prefix + "/")
        )
        if early:
            raise ValueError(
                f"AlarmDefaults.of({prefix or 'app'}).notify(...) was called after these "
                f"constructs were created, so their alarms would not notify it: "
                f"{', '.join(early)}. Call it before creating them."
            )
        self._actions = tuple(actions)
        return self


def _registry(root: IConstruct) -> _Registry:
    found = _REGISTRIES.get(root)
    if found is None:
        found = _REGISTRIES[root] = _Registry()
    return found


def alarm_actions(
    construct: IConstruct,
    topic: sns.ITopic | None,
    *,
    warn: bool = True,
    node: Node | None = None,
    path: str | None = None,
) -> tuple[cloudwatch.IAlarmAction, ...]:
    """The actions for ``construct``'s alarms: ``topic``, else the nearest defaults.

    Records that ``construct`` resolved its actions (see :meth:`AlarmDefaults.notify`) and,
    with ``warn``, adds a warning annotation when there are none. ``node`` and ``path``
    save the round trips when the caller has them already.
    """
    node = node or construct.node
    scopes = node.scopes
    registry = _registry(scopes[0])
    path = path if path is not None else node.path
    actions: tuple[cloudwatch.IAlarmAction, ...] = ()
    if topic is not None:
        actions = (cloudwatch_actions.SnsAction(topic),)
    else:
        for scope in reversed(scopes):
            found = registry.defaults.get(scope)
            if found is not None and found.actions:
                actions = found.actions
                break
    registry.resolved[path] = bool(actions)
    if warn and not actions:
        cdk.Annotations.of(construct).add_warning_v2(
            NO_ACTION_WARNING,
            f"The alarms of {path} notify nobody: pass alarm_topic= or call "
            "best_lambda.AlarmDefaults.of(app).notify(topic) before creating the constructs.",
        )
    return actions


def alarm(
    scope: Construct,
    construct_id: str,
    *,
    metric: cloudwatch.IMetric,
    threshold: float,
    description: str,
    actions: tuple[cloudwatch.IAlarmAction, ...] = (),
) -> cloudwatch.Alarm:
    """An alarm that fires when ``metric >= threshold`` in one period (missing data is OK)."""
    created = cloudwatch.Alarm(
        scope,
        construct_id,
        metric=metric,
        threshold=threshold,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=description,
    )
    if actions:
        created.add_alarm_action(*actions)
    return created


@functools.cache
def alarm_period(minutes: int = lambda_defaults.ALARM_PERIOD_MINUTES) -> cdk.Duration:
    """The period of an alarm's metric (default: every alarm's 5 minutes).

    Built once per length and shared: each ``Duration`` built is a jsii round trip, and
    every construct's alarms use the same one or two.
    """
    return cdk.Duration.minutes(minutes)


def depth_alarm_metric(queue: sqs.IQueue) -> cloudwatch.IMetric:
    """Messages waiting in ``queue`` (maximum over one alarm period).

    What every alarm on a dead-letter, delivery or on-failure queue measures.
    """
    return queue.metric_approximate_number_of_messages_visible(
        period=alarm_period(), statistic="Maximum"
    )
