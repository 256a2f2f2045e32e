"""Safe deployments: a published version, an alias, and a CodeDeploy canary that rolls back.

``HardenedFunction(..., deployment=SafeDeployment())`` publishes the function's
``current_version``, points an alias (``live``) at it and creates a CodeDeploy
``LambdaDeploymentGroup``: each deployment that changes the function shifts the alias to the
new version step by step (10 % for 5 minutes, then the rest, by default) and rolls it back
when the function's Errors or Duration alarm fires. Those alarms (and Throttles) then
measure the alias, the ``Resource`` dimension ``<function>:live``: they watch what callers
get, the new version's share included.

The options are validated by :class:`~best_lambda.HardenedFunction` with its own keyword
arguments, so a typo or a wrong type in ``SafeDeployment(...)`` is one more line of its
one :class:`~best_lambda.InvalidPropsError`, named ``deployment.<option>``.

Examples
--------
>>> from aws_cdk import App, Stack, aws_lambda as lambda_
>>> from best_lambda import HardenedFunction
>>> stack = Stack(App(), "Orders")
>>> fn = HardenedFunction(stack, "CreateOrder",
...     code=lambda_.Code.from_inline("def handler(event, context): return event"),
...     handler="index.handler", deployment=SafeDeployment())
>>> fn.alias.alias_name, fn.alias.node.path
('live', 'Orders/CreateOrder/Aliaslive')
>>> fn.deployment_group.node.path
'Orders/CreateOrder/DeploymentGroup'
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_lambda as lambda_

from best_lambda import limits
from best_lambda.constructs._props import PropsChecker
from best_lambda.constructs._shared import ACK_REASONS, acknowledge
from best_lambda.defaults import codedeploy as defaults
from best_lambda.defaults.codedeploy import SAFE_DEPLOYMENT_PROPS
from best_lambda.errors import Problem
from best_lambda.rules.lambda_.cold_start_config import snap_start_supported

__all__ = [
    "DeploymentPlan",
    "SafeDeployment",
    "check_deployment",
    "deployment_group",
    "publish_alias",
]

#: aws-cdk-lib's warning on any function with SnapStart ("only supports published
#: versions"), acknowledged when ``deployment=`` publishes one and triggers invoke it.
SNAP_START_WARNING = "@aws-cdk/aws-lambda:snapStartRequirePublish"
_CODEDEPLOY_POLICY = (
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AWSCodeDeployRoleForLambdaLimited]"
)


class SafeDeployment(TypedDict, total=False):
    """How :class:`~best_lambda.HardenedFunction` deploys: an alias and a CodeDeploy canary.

    Pass ``SafeDeployment()`` for the defaults (canary 10 % for 5 minutes, alias ``live``,
    rollback on the function's Errors and Duration alarms). It is a ``TypedDict``, like
    :class:`~best_lambda.HardenedFunctionOptions`: type checkers see every option, and
    HardenedFunction reports a misspelt or wrong one with its other problems, at once.

    Parameters
    ----------
    deployment_config : aws_codedeploy.ILambdaDeploymentConfig
        How CodeDeploy shifts traffic to a new version:
        ``LambdaDeploymentConfig.CANARY_10_PERCENT_*``, ``LINEAR_10_PERCENT_*``,
        ``ALL_AT_ONCE``, or your own ``LambdaDeploymentConfig``. Default:
        LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES.
    alias_name : str
        The alias every trigger best-lambda wires invokes (``fn.alias``). Default: live.
    alarms : list of aws_cloudwatch.IAlarm
        More alarms that stop a deployment and roll it back, besides the function's own
        (``[fn.alarms['Throttles']]`` adds the throttles alarm). Default: the function's
        Errors and Duration alarms, measured on the alias over 1 minute; Throttles pages but
        does not roll back. Accepts a list of aws_cloudwatch.IAlarm.
    pre_hook : aws_lambda.IFunction
        A function CodeDeploy invokes before shifting traffic (``BeforeAllowTraffic``); it
        is granted codedeploy:PutLifecycleEventHookExecutionStatus to report Succeeded or
        Failed.
    post_hook : aws_lambda.IFunction
        A function CodeDeploy invokes after all traffic has shifted (``AfterAllowTraffic``),
        e.g. smoke tests; granted as ``pre_hook``.
    provisioned_concurrent_executions : int
        Execution environments kept initialized for the alias (not with the function's
        snap_start; at most its reserved_concurrent_executions). Billed while configured.
        Default: not set. Accepts an int of at least 1 (AWS Lambda minimum).
    application : aws_codedeploy.ILambdaApplication
        The CodeDeploy application of the deployment group (share one between the functions
        of a service). Default: a new application per function.
    deployment_group_name : str
        A physical name for the deployment group. Default: generated by CloudFormation.

    Raises
    ------
    InvalidPropsError
        Raised by HardenedFunction, naming each invalid option ``deployment.<option>``.

    Examples
    --------
    >>> from aws_cdk import aws_codedeploy as codedeploy
    >>> options = SafeDeployment(
    ...     deployment_config=codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTE,
    ...     provisioned_concurrent_executions=5)
    >>> sorted(options)
    ['deployment_config', 'provisioned_concurrent_executions']
    """

    deployment_config: codedeploy.ILambdaDeploymentConfig
    alias_name: str
    alarms: Sequence[cloudwatch.IAlarm]
    pre_hook: lambda_.IFunction
    post_hook: lambda_.IFunction
    provisioned_concurrent_executions: int
    application: codedeploy.ILambdaApplication
    deployment_group_name: str


@dataclass(frozen=True)
class DeploymentPlan:
    """Validated options: what :func:`publish_alias` and :func:`deployment_group` create."""

    alias_name: str
    deployment_config: codedeploy.ILambdaDeploymentConfig | None
    alarms: tuple[cloudwatch.IAlarm, ...]
    pre_hook: lambda_.IFunction | None
    post_hook: lambda_.IFunction | None
    provisioned_concurrent_executions: int | None
    application: codedeploy.ILambdaApplication | None
    deployment_group_name: str | None


@functools.cache
def _default_config() -> codedeploy.ILambdaDeploymentConfig:
    config: codedeploy.ILambdaDeploymentConfig = getattr(
        codedeploy.LambdaDeploymentConfig, defaults.DEPLOYMENT_CONFIG
    )
    return config


def check_deployment(
    checker: PropsChecker, given: Mapping[str, Any], values: Mapping[str, Any], runtime: str
) -> DeploymentPlan | None:
    """Validate ``deployment=`` and what it must agree with; record problems, raise nothing.

    ``given`` holds HardenedFunction's keyword arguments as passed, ``values`` the ones
    that passed their own checks, ``runtime`` the name of the function's runtime. Returns
    ``None`` without ``deployment=`` (or when it is not even a dict, which the table check
    reported).
    """
    plan: DeploymentPlan | None = None
    options = values.get("deployment")
    if isinstance(options, Mapping):
        sub = PropsChecker(checker.construct_type, checker.construct_id)
        known = {k: v for k, v in options.items() if k in SAFE_DEPLOYMENT_PROPS}
        unknown = {k: v for k, v in options.items() if k not in SAFE_DEPLOYMENT_PROPS}
        checked = sub.check_table(SAFE_DEPLOYMENT_PROPS, known, unknown=unknown)
        checker.problems += [
            Problem(f"deployment.{p.prop}", p.value, p.allowed) for p in sub.problems
        ]
        plan = DeploymentPlan(
            alias_name=checked.get("alias_name", defaults.ALIAS_NAME),
            deployment_config=checked.get("deployment_config"),
            alarms=tuple(checked.get("alarms") or ()),
            pre_hook=checked.get("pre_hook"),
            post_hook=checked.get("post_hook"),
            provisioned_concurrent_executions=checked.get("provisioned_concurrent_executions"),
            application=checked.get("application"),
            deployment_group_name=checked.get("deployment_group_name"),
        )
        _check_rollback(checker, plan, given)
        _check_hooks(checker, plan)
    _check_provisioned_concurrency(checker, plan, given, values)
    _check_snap_start(checker, plan, given, values, runtime)
    return plan


def _check_rollback(checker: PropsChecker, plan: DeploymentPlan, given: Mapping[str, Any]) -> None:
    if given.get("create_alarms") is False and not (plan.alarms or plan.pre_hook or plan.post_hook):
        checker.add(
            "deployment + create_alarms",
            given["create_alarms"],
            "nothing could stop a bad deployment: with create_alarms=False the function has "
            "no alarm to roll back on; pass SafeDeployment(alarms=[...]) or a hook, or keep "
            "the alarms",
        )


def _check_hooks(checker: PropsChecker, plan: DeploymentPlan) -> None:
    """CodeDeploy's role is granted to invoke each hook; aws-cdk-lib must be able to."""
    for name in ("pre_hook", "post_hook"):
        hook = getattr(plan, name)
        # Imported from another account, or into an environment-agnostic stack: aws-cdk-lib
        # would try to add a resource policy to a function it does not own, and fail.
        if hook is not None and getattr(hook, "_can_create_permissions", True) is False:
            checker.add(
                f"deployment.{name}",
                hook,
                "CodeDeploy must be allowed to invoke it, and aws-cdk-lib cannot grant that on "
                "a function imported from another account (or into a stack without an "
                "account): import it with Function.from_function_attributes(..., "
                "same_environment=True) if it is in this account, or pass a function of "
                "this app",
            )


def _check_provisioned_concurrency(
    checker: PropsChecker,
    plan: DeploymentPlan | None,
    given: Mapping[str, Any],
    values: Mapping[str, Any],
) -> None:
    version_options = values.get("current_version_options")
    on_version = (
        version_options.get("provisioned_concurrent_executions")
        if isinstance(version_options, Mapping)
        else getattr(version_options, "provisioned_concurrent_executions", None)
    )
    if on_version is not None:
        checker.add(
            "current_version_options.provisioned_concurrent_executions",
            on_version,
            "provisioned concurrency on a version is used only by callers that invoke that "
            "version number (BestLambda-ColdStartConfig); put it on the alias: "
            "deployment=SafeDeployment(provisioned_concurrent_executions=N)",
        )
    provisioned = plan.provisioned_concurrent_executions if plan else None
    reserved = values.get("reserved_concurrent_executions")
    if provisioned is not None and reserved is not None and provisioned > reserved:
        checker.add(
            "deployment.provisioned_concurrent_executions + reserved_concurrent_executions",
            provisioned,
            f"must not exceed reserved_concurrent_executions={reserved}: provisioned "
            "concurrency is part of the function's reserved concurrency (Lambda rule)",
        )


def _check_snap_start(
    checker: PropsChecker,
    plan: DeploymentPlan | None,
    given: Mapping[str, Any],
    values: Mapping[str, Any],
    runtime: str,
) -> None:
    if values.get("snap_start") is None:
        return
    if runtime != "FROM_IMAGE" and not snap_start_supported(runtime):
        checker.add(
            "snap_start + runtime",
            values.get("snap_start"),
            f"SnapStart does not support {runtime}: it supports Java 11+, Python 3.12+ and "
            ".NET 8+ (BestLambda-ColdStartConfig)",
            rendered="SnapStartConf.ON_PUBLISHED_VERSIONS",
        )
    if plan is not None and plan.provisioned_concurrent_executions is not None:
        checker.add(
            "snap_start + deployment.provisioned_concurrent_executions",
            plan.provisioned_concurrent_executions,
            "SnapStart and provisioned concurrency exclude each other on a version (Lambda "
            "rule, BestLambda-ColdStartConfig); keep one",
        )
    if given.get("filesystem") is not None:
        checker.add(
            "snap_start + filesystem",
            given["filesystem"],
            "SnapStart does not support Amazon EFS (Lambda rule); keep one",
        )
    storage = values.get("ephemeral_storage_size")
    if storage is not None and storage > limits.SNAPSTART_MAX_EPHEMERAL_STORAGE_MB:
        checker.add(
            "snap_start + ephemeral_storage_size",
            given["ephemeral_storage_size"],
            f"SnapStart supports at most {limits.SNAPSTART_MAX_EPHEMERAL_STORAGE_MB} MiB of "
            "ephemeral storage (Lambda rule)",
        )
    if given.get("tenancy_config") is not None:
        checker.add(
            "snap_start + tenancy_config",
            given["tenancy_config"],
            "SnapStart does not support tenant isolation (Lambda rule); keep one",
        )


def publish_alias(
    function: lambda_.Function, plan: DeploymentPlan, async_options: Mapping[str, Any]
) -> lambda_.Alias:
    """Publish ``function``'s current version and point the alias at it.

    ``async_options`` (``retry_attempts``, ``max_event_age``, ``on_failure``,
    ``on_success``) are the function's: Lambda applies an asynchronous invocation
    configuration per qualifier, and the function's own is for ``$LATEST`` only, so the
    alias gets the same one (the dead-letter queue is part of every version).
    """
    options: dict[str, Any] = dict(async_options)
    if plan.provisioned_concurrent_executions is not None:
        options["provisioned_concurrent_executions"] = plan.provisioned_concurrent_executions
    return function.add_alias(plan.alias_name, **options)


def deployment_group(
    function: lambda_.Function,
    alias: lambda_.Alias,
    plan: DeploymentPlan,
    rollback_alarms: Sequence[cloudwatch.IAlarm],
    *,
    snap_start: bool,
) -> codedeploy.LambdaDeploymentGroup:
    """The CodeDeploy deployment group that shifts ``alias`` and rolls back on the alarms."""
    props: dict[str, Any] = {
        "alias": alias,
        "deployment_config": plan.deployment_config or _default_config(),
        "alarms": [*rollback_alarms, *plan.alarms],
    }
    for name in ("pre_hook", "post_hook", "application", "deployment_group_name"):
        value = getattr(plan, name)
        if value is not None:
            props[name] = value
    group = codedeploy.LambdaDeploymentGroup(function, "DeploymentGroup", **props)
    acknowledge(group, _CODEDEPLOY_POLICY)
    hooks: list[str] = []
    for hook in (plan.pre_hook, plan.post_hook):
        arn = _arn_in_findings(function, hook) if hook is not None else None
        if arn is not None:
            hooks.append(f"AwsSolutions-IAM5[Resource::{arn}:*]")
    if hooks:
        acknowledge(group, *hooks, about="CodeDeploy hook")
    if snap_start:
        cdk.Annotations.of(function).acknowledge_warning(
            SNAP_START_WARNING, ACK_REASONS[SNAP_START_WARNING]
        )
    return group


def _arn_in_findings(function: lambda_.Function, hook: lambda_.IFunction) -> str | None:
    """How cdk-nag writes ``hook``'s ARN in a finding ID: ``<LogicalId.Arn>`` or literally."""
    cfn = hook.node.default_child
    if isinstance(cfn, cdk.CfnResource):
        return f"<{cdk.Stack.of(function).get_logical_id(cfn)}.Arn>"
    arn = hook.function_arn
    return None if cdk.Token.is_unresolved(arn) else arn
