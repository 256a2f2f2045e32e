"""``HardenedFunction``: an ``aws_lambda.Function`` with the best practices on by default."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Never, TypedDict

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_codeguruprofiler as codeguruprofiler
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.interfaces import aws_kms as kms_refs
from aws_cdk.interfaces import aws_lambda as lambda_refs
from constructs import Construct, Node

from best_lambda import limits
from best_lambda.constructs._function_plan import (
    _ASYNC_PROPS,
    _newest_python_name,
    _Plan,
    _plan,
    check_function_options,
    default_runtime,
    newest_python_runtime,
)
from best_lambda.constructs._shared import XRAY_ACTIONS, acknowledge, harden_queue, wildcard_policy
from best_lambda.constructs.alarms import alarm, alarm_actions, alarm_period, depth_alarm_metric
from best_lambda.constructs.deployment import (
    SafeDeployment,
    deployment_group,
    publish_alias,
)
from best_lambda.defaults import codedeploy as deployment_defaults
from best_lambda.defaults import lambda_ as defaults
from best_lambda.defaults.lambda_ import FUNCTION_PROPS

__all__ = [
    "HardenedFunction",
    "HardenedFunctionOptions",
    "check_function_options",
    "default_runtime",
    "newest_python_runtime",
]

#: Managed policies ``aws_lambda.Function`` attaches to the role it creates, which
#: HardenedFunction replaces with scoped statements of its own.
_REPLACED_MANAGED_POLICIES = (
    "service-role/AWSLambdaBasicExecutionRole",
    "service-role/AWSLambdaVPCAccessExecutionRole",
)
_ENI_ACTIONS = (
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)


class HardenedFunctionOptions(TypedDict, total=False):
    """Every keyword argument of :class:`HardenedFunction`, for constructs that build one.

    ``tests/constructs/test_declarations.py`` keeps it equal to the constructor signature
    and to :data:`best_lambda.defaults.lambda_.FUNCTION_PROPS`.
    """

    code: lambda_.Code
    handler: str
    runtime: lambda_.Runtime
    architecture: lambda_.Architecture
    timeout: cdk.Duration
    memory_size: int
    environment: Mapping[str, str]
    secrets: Mapping[str, Any]
    description: str
    function_name: str
    tracing: lambda_.Tracing
    logging_format: lambda_.LoggingFormat
    application_log_level_v2: lambda_.ApplicationLogLevel
    system_log_level_v2: lambda_.SystemLogLevel
    log_group: logs.ILogGroup
    log_retention: logs.RetentionDays
    dead_letter_queue: sqs.IQueue
    dead_letter_queue_enabled: bool
    on_failure: lambda_.IDestination
    on_success: lambda_.IDestination
    retry_attempts: int
    max_event_age: cdk.Duration
    recursive_loop: lambda_.RecursiveLoop
    reserved_concurrent_executions: int
    role: iam.IRole
    vpc: ec2.IVpc
    vpc_subnets: ec2.SubnetSelection | Mapping[str, Any]
    security_groups: Sequence[ec2.ISecurityGroup]
    allow_public_subnet: bool
    allow_all_outbound: bool
    allow_all_ipv6_outbound: bool
    ipv6_allowed_for_dual_stack: bool
    layers: Sequence[lambda_.ILayerVersion]
    ephemeral_storage_size: cdk.Size
    alarm_topic: sns.ITopic
    create_alarms: bool
    deployment: SafeDeployment
    service_name: str
    metrics_namespace: str
    powertools_environment: bool
    adot_instrumentation: lambda_.AdotInstrumentationConfig | Mapping[str, Any]
    code_signing_config: lambda_refs.ICodeSigningConfigRef
    current_version_options: lambda_.VersionOptions | Mapping[str, Any]
    durable_config: lambda_.DurableConfig | Mapping[str, Any]
    environment_encryption: kms_refs.IKeyRef
    events: Sequence[lambda_.IEventSource]
    filesystem: lambda_.FileSystem
    initial_policy: Sequence[iam.PolicyStatement]
    insights_version: lambda_.LambdaInsightsVersion
    params_and_secrets: lambda_.ParamsAndSecretsLayerVersion
    profiling: bool
    profiling_group: codeguruprofiler.IProfilingGroup
    runtime_management_mode: lambda_.RuntimeManagementMode
    snap_start: lambda_.SnapStartConf
    tenancy_config: lambda_.TenancyConfig


class HardenedFunction(lambda_.Function):
    """An AWS Lambda function that follows the Lambda best practices by default.

    It *is* an :class:`aws_cdk.aws_lambda.Function` (an ``IFunction``, ``IGrantable`` and
    ``IConnectable``): pass it to grants, integrations, targets and subscriptions, call
    ``add_event_source``, ``add_alias``, ``grant_invoke`` and ``metric_*`` on it. Replacing
    ``aws_lambda.Function(scope, "Api", ...)`` with ``HardenedFunction(scope, "Api", ...)``
    keeps the function's and its role's logical IDs, so CloudFormation updates them in place.

    What it adds: arm64, X-Ray active tracing, JSON logs in a dedicated log group with
    finite retention, an explicit timeout and memory size, an encrypted TLS-only dead-letter
    queue with bounded async retries, recursive-loop termination, a least-privilege role
    with no AWS-managed policies, Powertools variables, and alarms. The README's defaults
    table says why each default was chosen. A value that would break an error-level
    practice (a timeout over 900 s, tracing off, an infinite log retention, ...) or an AWS
    limit raises one :class:`~best_lambda.InvalidPropsError` listing every problem, before
    anything is created. With ``deployment=SafeDeployment()`` it deploys through a published
    version, an alias (``fn.alias``) and a CodeDeploy canary that rolls back on the
    function's own alarms (:class:`~best_lambda.SafeDeployment`).

    Parameters
    ----------
    scope, construct_id
        As for any construct.
    code : aws_lambda.Code
        The function's code, as for ``aws_lambda.Function`` (``Code.from_asset(...)``).
        Required.
    handler : str
        The entry point, such as ``'app.handler'``. Required.
    runtime : aws_lambda.Runtime
        A supported runtime; a deprecated one is refused. Default: python3.14 (a pinned
        constant, changed only in a best-lambda release).
    architecture : aws_lambda.Architecture
        The instruction set. Default: ARM_64.
    timeout : aws_cdk.Duration
        How long an invocation may run. Default: 10 s. Accepts a whole number of seconds
        from 1 to 900 (AWS Lambda limit).
    memory_size : int
        Memory in MB; CPU scales with it. Default: 512 MB. Accepts an int from 128 to 10,240
        (MB, AWS Lambda limit).
    environment : dict of str to str
        Plain configuration. Literal values that look like secrets are refused: pass them
        with ``secrets=``. Everything Lambda receives (with ``secrets`` and the Powertools
        variables) must fit in 4 KB.
    secrets : dict of str to aws_secretsmanager.ISecret or aws_ssm.IParameter
        ``{'ENV_NAME': secret_or_parameter}``: grants read access to each Secrets Manager
        secret or SSM parameter and puts only its ARN (secret) or name (parameter) in
        ``ENV_NAME``, never the value.
    description : str
        A description of the function.
    function_name : str
        A physical name. Named functions cannot be replaced in place; leave it unset unless
        something outside the stack needs the name.
    tracing : aws_lambda.Tracing
        X-Ray tracing mode. Default: Tracing.ACTIVE. Accepts Tracing.ACTIVE (active X-Ray
        tracing is an error-level practice, BestLambda-TracingActive).
    logging_format : aws_lambda.LoggingFormat
        Log format; with ``LoggingFormat.TEXT`` no log levels apply. Default:
        LoggingFormat.JSON.
    application_log_level_v2 : aws_lambda.ApplicationLogLevel
        Lowest application log level Lambda keeps (JSON logs only). Default:
        ApplicationLogLevel.INFO.
    system_log_level_v2 : aws_lambda.SystemLogLevel
        Lowest platform log level Lambda keeps (JSON logs only). Default:
        SystemLogLevel.INFO.
    log_group : aws_logs.ILogGroup
        Your own log group; the function is granted writes to it. Default: a dedicated log
        group (``LogGroup`` child).
    log_retention : aws_logs.RetentionDays
        Retention of the log group the construct creates. Default: RetentionDays.ONE_MONTH.
        Accepts aws_logs.RetentionDays other than RetentionDays.INFINITE
        (BestLambda-LogRetention: logs kept forever cost money forever).
    dead_letter_queue : aws_sqs.IQueue
        Your own queue for events that failed every asynchronous retry. Default: an SQS
        queue: SSE, TLS-only, 14 days retention.
    dead_letter_queue_enabled : bool
        ``False`` for functions nothing invokes asynchronously (API handlers, queue and
        stream consumers): no DLQ, no async retry configuration, no DLQ alarms. Default:
        True, unless on_failure= is given.
    on_failure : aws_lambda.IDestination
        An on-failure destination instead of the dead-letter queue (not both: each failed
        event would be delivered twice).
    on_success : aws_lambda.IDestination
        An on-success destination for asynchronous invocations.
    retry_attempts : int
        Asynchronous retries after a failed invocation. Default: 2. Accepts an int from 0 to
        2 (AWS Lambda limit).
    max_event_age : aws_cdk.Duration
        How long Lambda keeps an asynchronous event it could not process yet. Default: 6 h.
        Accepts a whole number of seconds from 60 to 21,600 (AWS Lambda limit).
    recursive_loop : aws_lambda.RecursiveLoop
        What Lambda does when it detects a recursive loop. Default: RecursiveLoop.TERMINATE.
        Accepts RecursiveLoop.TERMINATE (letting a recursive loop run is an error-level
        practice, BestLambda-RecursiveLoop).
    reserved_concurrent_executions : int
        Reserve (and cap) concurrency for this function. Accepts an int of at least 1 (0
        would stop the function from ever running).
    role : aws_iam.IRole
        Your own execution role. It is granted log, X-Ray and DLQ permissions; an immutable
        role gets none and a warning lists what it must carry. Default: a dedicated role:
        writes to its own log group, X-Ray, its DLQ; no AWS-managed policies.
    vpc : aws_ec2.IVpc
        A VPC to run in; its network-interface permissions go in their own policy.
    vpc_subnets : aws_ec2.SubnetSelection
        Which subnets of ``vpc`` (private ones by default).
    security_groups : list of aws_ec2.ISecurityGroup
        Security groups for the function's network interfaces. Accepts a list of
        aws_ec2.ISecurityGroup.
    allow_public_subnet : bool
        Allow public subnets (a function there has no internet access).
    allow_all_outbound : bool
        As for aws_lambda.Function.
    allow_all_ipv6_outbound : bool
        As for aws_lambda.Function.
    ipv6_allowed_for_dual_stack : bool
        As for aws_lambda.Function.
    layers : list of aws_lambda.ILayerVersion
        Layers; those that declare compatible runtimes must include ``runtime``. Accepts a
        list of aws_lambda.ILayerVersion, at most 5 (AWS Lambda limit).
    ephemeral_storage_size : aws_cdk.Size
        Size of ``/tmp``. Accepts a Size of 512 to 10,240 MiB (AWS Lambda limit).
    alarm_topic : aws_sns.ITopic
        SNS topic every alarm notifies; overrides ``AlarmDefaults.of(scope)``. Default: the
        topic set with AlarmDefaults.of(scope).notify(...), if any.
    create_alarms : bool
        ``False`` to create no alarms. Default: Errors >= 1, Throttles >= 1, Duration p99 >=
        80% of timeout, DLQ depth >= 1, DLQ delivery errors >= 1 (5 min).
    deployment : SafeDeployment
        Deploy through a published version and an alias with CodeDeploy:
        ``SafeDeployment()`` (a canary by default) or ``SafeDeployment(...)`` options.
        Triggers best-lambda wires, and ``events=``, invoke the alias (``fn.alias``); the
        Errors, Throttles and Duration alarms measure it, over 1 minute, and Errors and
        Duration roll a deployment back. Wire aws-cdk-lib integrations to ``fn.alias``
        yourself. Default: not set: no version, alias or deployment group.
    service_name : str
        POWERTOOLS_SERVICE_NAME. Default: the construct ID.
    metrics_namespace : str
        POWERTOOLS_METRICS_NAMESPACE. Default: the stack name.
    powertools_environment : bool
        ``False`` to set no Powertools variables. Default: POWERTOOLS_SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL.
    adot_instrumentation : aws_lambda.AdotInstrumentationConfig
        As for aws_lambda.Function.
    code_signing_config : aws_lambda.ICodeSigningConfigRef
        As for aws_lambda.Function.
    current_version_options : aws_lambda.VersionOptions
        Options for ``current_version`` (such as its removal policy).
    durable_config : aws_lambda.DurableConfig
        As for aws_lambda.Function.
    environment_encryption : aws_kms.IKeyRef
        KMS key for the environment variables.
    events : list of aws_lambda.IEventSource
        Event sources to add (as ``add_event_source``; to the alias with ``deployment``).
        Accepts a list of aws_lambda.IEventSource.
    filesystem : aws_lambda.FileSystem
        An EFS access point or S3 Files mount.
    initial_policy : list of aws_iam.PolicyStatement
        Statements for the role's default policy. Accepts a list of aws_iam.PolicyStatement.
    insights_version : aws_lambda.LambdaInsightsVersion
        As for aws_lambda.Function.
    params_and_secrets : aws_lambda.ParamsAndSecretsLayerVersion
        As for aws_lambda.Function.
    profiling : bool
        As for aws_lambda.Function.
    profiling_group : aws_codeguruprofiler.IProfilingGroup
        As for aws_lambda.Function.
    runtime_management_mode : aws_lambda.RuntimeManagementMode
        As for aws_lambda.Function.
    snap_start : aws_lambda.SnapStartConf
        SnapStart for published versions (Java 11+, Python 3.12+, .NET 8+): effective
        through ``deployment``'s alias. Not with provisioned concurrency, ``filesystem`` or
        more than 512 MiB of ``ephemeral_storage_size``.
    tenancy_config : aws_lambda.TenancyConfig
        As for aws_lambda.Function.

    Raises
    ------
    InvalidPropsError
        Listing every invalid or contradictory keyword argument.

    Examples
    --------
    >>> from aws_cdk import App, Stack, aws_lambda as lambda_
    >>> stack = Stack(App(), "Orders")
    >>> fn = HardenedFunction(stack, "CreateOrder",
    ...     code=lambda_.Code.from_inline("def handler(event, context): return event"),
    ...     handler="index.handler")
    >>> sorted(fn.alarms)
    ['DeadLetterErrors', 'DeadLetterQueueDepth', 'Duration', 'Errors', 'Throttles']
    >>> fn.node.default_child.node.path  # where aws_lambda.Function puts it
    'Orders/CreateOrder/Resource'
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: lambda_.Code,
        handler: str,
        runtime: lambda_.Runtime | None = None,
        architecture: lambda_.Architecture | None = None,
        timeout: cdk.Duration | None = None,
        memory_size: int | None = None,
        environment: Mapping[str, str] | None = None,
        secrets: Mapping[str, Any] | None = None,
        description: str | None = None,
        function_name: str | None = None,
        tracing: lambda_.Tracing | None = None,
        logging_format: lambda_.LoggingFormat | None = None,
        application_log_level_v2: lambda_.ApplicationLogLevel | None = None,
        system_log_level_v2: lambda_.SystemLogLevel | None = None,
        log_group: logs.ILogGroup | None = None,
        log_retention: logs.RetentionDays | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        dead_letter_queue_enabled: bool | None = None,
        on_failure: lambda_.IDestination | None = None,
        on_success: lambda_.IDestination | None = None,
        retry_attempts: int | None = None,
        max_event_age: cdk.Duration | None = None,
        recursive_loop: lambda_.RecursiveLoop | None = None,
        reserved_concurrent_executions: int | None = None,
        role: iam.IRole | None = None,
        vpc: ec2.IVpc | None = None,
        vpc_subnets: ec2.SubnetSelection | Mapping[str, Any] | None = None,
        security_groups: Sequence[ec2.ISecurityGroup] | None = None,
        allow_public_subnet: bool | None = None,
        allow_all_outbound: bool | None = None,
        allow_all_ipv6_outbound: bool | None = None,
        ipv6_allowed_for_dual_stack: bool | None = None,
        layers: Sequence[lambda_.ILayerVersion] | None = None,
        ephemeral_storage_size: cdk.Size | None = None,
        alarm_topic: sns.ITopic | None = None,
        create_alarms: bool | None = None,
        deployment: SafeDeployment | None = None,
        service_name: str | None = None,
        metrics_namespace: str | None = None,
        powertools_environment: bool | None = None,
        adot_instrumentation: lambda_.AdotInstrumentationConfig | Mapping[str, Any] | None = None,
        code_signing_config: lambda_refs.ICodeSigningConfigRef | None = None,
        current_version_options: lambda_.VersionOptions | Mapping[str, Any] | None = None,
        durable_config: lambda_.DurableConfig | Mapping[str, Any] | None = None,
        environment_encryption: kms_refs.IKeyRef | None = None,
        events: Sequence[lambda_.IEventSource] | None = None,
        filesystem: lambda_.FileSystem | None = None,
        initial_policy: Sequence[iam.PolicyStatement] | None = None,
        insights_version: lambda_.LambdaInsightsVersion | None = None,
        params_and_secrets: lambda_.ParamsAndSecretsLayerVersion | None = None,
        profiling: bool | None = None,
        profiling_group: codeguruprofiler.IProfilingGroup | None = None,
        runtime_management_mode: lambda_.RuntimeManagementMode | None = None,
        snap_start: lambda_.SnapStartConf | None = None,
        tenancy_config: lambda_.TenancyConfig | None = None,
        **unknown: Never,
    ) -> None:
        given = {k: v for k, v in locals().items() if k in FUNCTION_PROPS}
        self._bl_build(scope, construct_id, _plan(scope, construct_id, given, unknown))

    @classmethod
    def _bl_from_plan(cls, scope: Construct, construct_id: str, plan: _Plan) -> HardenedFunction:
        """A function from options a trigger checked already (:func:`check_function_options`).

        A trigger checks its ``function_options`` with its own arguments, for one error
        listing all; ``__init__`` would plan them again, every check and its jsii round
        trips repeated. The plan must come from the same options, checked in the same
        stack, with no problem recorded. ``__init__`` is skipped, not the construction:
        ``aws_lambda.Function.__init__`` creates (and jsii registers) the object in
        :meth:`_bl_build`, as for any function.
        """
        function = cls.__new__(cls)
        function._bl_build(scope, construct_id, plan)
        return function

    def _bl_build(self, scope: Construct, construct_id: str, plan: _Plan) -> None:
        """Create the function and what it adds, from a checked plan (nothing is checked)."""
        from best_lambda.bundling import raise_bundling_errors

        with raise_bundling_errors():  # PythonCode bundles inside aws_lambda.Function
            super().__init__(scope, construct_id, **plan.function_kwargs)
        self._bl_alarms: dict[str, cloudwatch.Alarm] = {}
        self._bl_alias: lambda_.Alias | None = None
        self._bl_deployment_group: codedeploy.LambdaDeploymentGroup | None = None
        self._bl_log_group: logs.ILogGroup = self._harden(plan)

    # -- public surface (members aws_lambda.Function does not have) ---------------------
    @property
    def log_group(self) -> logs.ILogGroup:
        """The log group the function writes to (created, or the one you passed).

        (``aws_lambda.Function.log_group`` would create a ``Custom::LogRetention`` resource
        for ``/aws/lambda/<name>`` with infinite retention; this never does.)
        """
        return self._bl_log_group

    @property
    def alias(self) -> lambda_.Alias | None:
        """The alias callers invoke with ``deployment=`` (``live``), else ``None``.

        Wire triggers to it, not to the function: ``invocable(fn)`` in trigger constructs,
        ``events_targets.LambdaFunction(fn.alias)``, ``LambdaIntegration(fn.alias)``, ...
        An invocation of the function itself runs ``$LATEST``, which no canary protects.
        """
        return self._bl_alias

    @property
    def deployment_group(self) -> codedeploy.LambdaDeploymentGroup | None:
        """The CodeDeploy deployment group with ``deployment=``, else ``None``."""
        return self._bl_deployment_group

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms, by name.

        ``Errors``, ``Throttles``, ``Duration`` and, with a dead-letter queue,
        ``DeadLetterQueueDepth`` and ``DeadLetterErrors``.
        """
        return MappingProxyType(self._bl_alarms)

    # -- construction ---------------------------------------------------------------------
    def _harden(self, plan: _Plan) -> logs.ILogGroup:
        """Add what ``aws_lambda.Function`` could not be told at construction."""
        node = self.node
        cfn = node.default_child
        assert isinstance(cfn, lambda_.CfnFunction)
        path = node.path
        role = self.role
        assert role is not None
        if not plan.role_given:
            _replace_managed_policies(role, path, keep_others=plan.other_managed_policies)

        # X-Ray (and VPC network interfaces) need Resource '*': those statements sit in their
        # own policies, acknowledged, so that the role's default policy stays checked. An
        # immutable role gets none: a Policy naming it would change it behind the user's back.
        mutable = not plan.role_given or not _is_immutable(role)
        if mutable:
            wildcard_policy(self, "TracingPolicy", role, XRAY_ACTIONS, needed_by=cfn)
            if plan.vpc:
                wildcard_policy(self, "NetworkInterfacePolicy", role, _ENI_ACTIONS, needed_by=cfn)

        log_group = plan.log_group
        managed = None if log_group is not None else node.try_find_child("LogGroup")
        if isinstance(managed, logs.LogGroup) and plan.retention is not None:
            # The app enables @aws-cdk/aws-lambda:useCdkManagedLogGroup: aws-cdk-lib created
            # the function's own /aws/lambda/<name> group (where Lambda writes by default).
            # Keep it, so that migrating such a function keeps its log group, and bound it.
            cfn_log_group = managed.node.default_child
            assert isinstance(cfn_log_group, logs.CfnLogGroup)
            cfn_log_group.retention_in_days = limits.LOG_RETENTION_DAYS[plan.retention.name]
            log_group = managed
        elif log_group is None:
            # Without that flag, a group of our own with a generated name: the implicit
            # /aws/lambda/<name> group of a migrated function already exists, and creating
            # it again would fail the deployment.
            log_group = logs.LogGroup(self, "LogGroup", retention=plan.retention)
            cfn.logging_config = lambda_.CfnFunction.LoggingConfigProperty(
                log_format="JSON" if plan.json_logs else "Text",
                application_log_level=plan.app_level.value if plan.app_level else None,
                system_log_level=plan.system_level.value if plan.system_level else None,
                log_group=log_group.log_group_name,
            )
        write_logs = iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"],
            resources=[log_group.log_group_arn],
        )
        if managed is not None and log_group is managed:
            # Its name refers to the function, so the grant must not be in a policy the
            # function depends on (its role's default policy): that would be a cycle.
            if mutable:
                iam.Policy(self, "LogsPolicy", roles=[role], statements=[write_logs])
        elif mutable:
            role.add_to_principal_policy(write_logs)

        cfn.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")

        dlq = self.dead_letter_queue if plan.has_async_dlq else None
        if plan.create_dlq and dlq is not None:
            harden_queue(dlq)
            acknowledge(dlq, "Serverless-SQSRedrivePolicy")
        for source in plan.secrets.values():
            source.grant_read(self)

        if plan.async_configured and plan.has_async_dlq and not plan.on_failure:
            acknowledge(
                node.find_child("EventInvokeConfig"), "Serverless-LambdaAsyncFailureDestination"
            )
        on_function: list[str] = []
        if plan.synchronous:
            # Declared synchronous or poll-based; BestLambda-AsyncFailureHandling still checks
            # at synth that nothing invokes the function asynchronously.
            on_function.append("Serverless-LambdaDLQ")
        if plan.runtime_is_default and _newest_python_name() != defaults.RUNTIME:
            on_function += ["AwsSolutions-L1", "Serverless-LambdaLatestVersion"]
        if on_function:
            acknowledge(cfn, *on_function)

        if not mutable:
            cdk.Annotations.of(self).add_warning_v2(
                "best-lambda:immutableRole",
                _immutable_role_message(path, plan, log_group),
            )
        if plan.environment_warning:
            cdk.Annotations.of(self).add_warning_v2(
                "best-lambda:environmentSize", plan.environment_warning
            )
        deployment = plan.deployment
        alias = None
        if deployment is not None:
            async_options = {
                k: plan.function_kwargs[k] for k in _ASYNC_PROPS if k in plan.function_kwargs
            }
            async_options.pop("dead_letter_queue", None)  # function-level, in every version
            alias = publish_alias(self, deployment, async_options)
            if plan.async_configured and plan.has_async_dlq and not plan.on_failure:
                acknowledge(
                    alias.node.find_child("EventInvokeConfig"),
                    "Serverless-LambdaAsyncFailureDestination",
                )
        if plan.create_alarms:
            self._add_alarms(plan, node, path, dlq, alias)
        if deployment is not None and alias is not None:
            self._bl_alias = alias
            for source in plan.events:
                alias.add_event_source(source)
            rollback = [
                self._bl_alarms[name]
                for name in deployment_defaults.ROLLBACK_ALARMS
                if name in self._bl_alarms
            ]
            self._bl_deployment_group = deployment_group(
                self, alias, deployment, rollback, snap_start=plan.snap_start
            )
        return log_group

    def _add_alarms(
        self,
        plan: _Plan,
        node: Node,
        where: str,
        dlq: sqs.IQueue | None,
        alias: lambda_.Alias | None,
    ) -> None:
        actions = alarm_actions(self, plan.alarm_topic, node=node, path=where)
        period = alarm_period()
        minutes = defaults.ALARM_PERIOD_MINUTES
        # With a deployment the invocation alarms measure the alias (what callers get, the
        # canary's share included), over periods short enough to stop a canary in time.
        measured: lambda_.IFunction = self
        invocations_period = period
        window, subject = f"the last {minutes} minutes", "the function"
        if alias is not None and plan.deployment is not None:
            measured = alias
            invocations_period = alarm_period(deployment_defaults.ALARM_PERIOD_MINUTES)
            window = _window(deployment_defaults.ALARM_PERIOD_MINUTES)
            subject = f"the alias {plan.deployment.alias_name!r}"
        threshold_ms = round(plan.timeout_s * 1000 * defaults.DURATION_ALARM_RATIO)
        specs: list[tuple[str, cloudwatch.IMetric, float, str]] = [
            (
                "Errors",
                measured.metric_errors(period=invocations_period, statistic="Sum"),
                1,
                f"{where}: {subject} reported errors in {window}.",
            ),
            (
                "Throttles",
                measured.metric_throttles(period=invocations_period, statistic="Sum"),
                1,
                f"{where}: invocations of {subject} were throttled in {window}."
                if alias is not None
                else f"{where}: invocations were throttled in {window}.",
            ),
            (
                "Duration",
                measured.metric_duration(period=invocations_period, statistic="p99"),
                threshold_ms,
                f"{where}: p99 duration reached {defaults.DURATION_ALARM_RATIO:.0%} of the "
                f"{plan.timeout_s} s timeout ({threshold_ms} ms)"
                + (f" on {subject} in {window}." if alias is not None else "."),
            ),
        ]
        if dlq is not None:
            specs += [
                (
                    "DeadLetterQueueDepth",
                    depth_alarm_metric(dlq),
                    1,
                    f"{where}: failed asynchronous events are waiting in the dead-letter queue.",
                ),
                (
                    "DeadLetterErrors",
                    self.metric("DeadLetterErrors", period=period, statistic="Sum"),
                    1,
                    f"{where}: Lambda could not deliver failed events to the dead-letter queue; "
                    "they are lost.",
                ),
            ]
        for name, metric, threshold, description in specs:
            self._bl_alarms[name] = alarm(
                self,
                f"{name}Alarm",
                metric=metric,
                threshold=threshold,
                description=description,
                actions=actions,
            )


def _window(minutes: int) -> str:
    return "the last minute" if minutes == 1 else f"the last {minutes} minutes"


def _is_immutable(role: iam.IRole) -> bool:
    """Whether ``role`` is aws-cdk-lib's ImmutableRole, which accepts and drops policies.

    ``Role.from_role_arn(..., mutable=False)`` (and a role in another account) puts the
    imported role beside it as ``MutableRole<id>``; ``role.without_policy_updates()`` is
    ``ImmutableRole<id>`` beside the role. ``tests/constructs/test_runtime_and_roles.py``
    covers each shape.
    """
    if iam.Role.is_role(role):
        return False
    node = role.node
    parent = node.scope
    if parent is None:
        return False
    if parent.node.try_find_child(f"MutableRole{node.id}") is not None:
        return True
    return node.id.startswith("ImmutableRole") and (
        parent.node.try_find_child(node.id.removeprefix("ImmutableRole")) is not None
    )


def _replace_managed_policies(role: iam.IRole, path: str, *, keep_others: bool) -> None:
    """Drop the AWS-managed policies HardenedFunction replaces from the role it was given.

    aws-cdk-lib attaches AWSLambdaBasicExecutionRole (and AWSLambdaVPCAccessExecutionRole
    with a VPC) to the role it creates; their permissions are granted here scoped to this
    function instead. Others it attached during construction (``insights_version=``,
    ``durable_config=``) are kept. The list is fixed here, once, rather than re-computed at
    every synthesis (a Python callback per function): add permissions to the role with
    grants or ``add_to_role_policy``; for a managed policy of your own, pass ``role=``.
    """
    cfn_role = role.node.default_child
    if not isinstance(cfn_role, iam.CfnRole):  # pragma: no cover (aws-cdk-lib always has one)
        return
    kept: list[Any] = []
    if keep_others:  # only then may aws-cdk-lib have attached one we keep
        attached = cdk.Stack.of(role).resolve(cfn_role.managed_policy_arns) or []
        kept = [
            arn
            for arn in attached
            if not any(name in json.dumps(arn) for name in _REPLACED_MANAGED_POLICIES)
        ]
    cfn_role.managed_policy_arns = [cdk.Token.as_string(arn) for arn in kept] or None
    cfn_role.description = f"Execution role of {path} (best-lambda HardenedFunction)"


def _immutable_role_message(path: str, plan: _Plan, log_group: logs.ILogGroup) -> str:
    needs = [
        f"logs:CreateLogStream and logs:PutLogEvents on its log group "
        f"({log_group.node.path if log_group.node.scope else 'the log group'})",
        "xray:PutTraceSegments and xray:PutTelemetryRecords on '*'",
    ]
    if plan.has_async_dlq:
        needs.append("sqs:SendMessage on its dead-letter queue")
    if plan.vpc:
        needs.append(", ".join(_ENI_ACTIONS) + " on '*'")
    if plan.secrets:
        needs.append(
            "read access (secretsmanager:GetSecretValue / ssm:GetParameter and kms:Decrypt) "
            f"to {', '.join(sorted(plan.secrets))}"
        )
    return (
        f"{path} runs as an immutable role: best-lambda attached no policy to it. The role "
        "itself must allow: " + "; ".join(needs) + "."
    )
