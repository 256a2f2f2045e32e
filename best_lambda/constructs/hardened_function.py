"""``HardenedFunction``: an ``aws_lambda.Function`` with the best practices on by default."""

from __future__ import annotations

import datetime as _dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, TypedDict

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from best_lambda import limits
from best_lambda.constructs._props import PropsChecker, implements
from best_lambda.constructs._shared import acknowledge, alarm, secure_queue
from best_lambda.defaults import lambda_ as defaults
from best_lambda.rules import runtimes
from best_lambda.rules.secrets import secret_reason

__all__ = [
    "HardenedFunction",
    "HardenedFunctionOptions",
    "check_function_options",
    "newest_python_runtime",
]

_ENV_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]+$")
_NAMESPACE = re.compile(r"^[A-Za-z0-9.\-_/#: ]{1,255}$")

#: aws_lambda.Function keyword arguments HardenedFunction manages itself or refuses.
_REFUSED: dict[str, str] = {
    "log_retention": "handled by HardenedFunction.log_retention (a real log group, not the "
    "deprecated Custom::LogRetention function)",
    "log_retention_role": "belongs to the deprecated Custom::LogRetention function; pass "
    "log_group= or log_retention= instead",
    "log_retention_retry_options": "belongs to the deprecated Custom::LogRetention function; "
    "pass log_group= or log_retention= instead",
    "log_removal_policy": "deprecated in aws-cdk-lib; pass log_group=LogGroup(..., "
    "removal_policy=...) instead",
    "log_format": "deprecated in aws-cdk-lib; use logging_format=",
    "application_log_level": "deprecated in aws-cdk-lib; use application_log_level_v2=",
    "system_log_level": "deprecated in aws-cdk-lib; use system_log_level_v2=",
    "dead_letter_topic": "use dead_letter_queue= (an SQS queue keeps failed events for up to "
    "14 days; an SNS topic only forwards them) or on_failure=",
}


class HardenedFunctionOptions(TypedDict, total=False):
    """Every optional keyword argument of :class:`HardenedFunction`.

    For constructs that build one (such as ``QueueConsumer``) and pass them through.
    """

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
    alarm_topic: sns.ITopic
    create_alarms: bool
    service_name: str
    metrics_namespace: str
    powertools_environment: bool


@functools.cache
def newest_python_runtime() -> lambda_.Runtime:
    """The newest Python runtime the installed aws-cdk-lib knows and AWS still supports.

    Using the newest runtime also satisfies cdk-nag's ``AwsSolutions-L1`` /
    ``Serverless-LambdaLatestVersion``, which compare against the same list.
    """
    today = _dt.datetime.now(_dt.UTC).date()
    candidates = []
    for runtime in lambda_.Runtime.ALL:
        if runtime.family != lambda_.RuntimeFamily.PYTHON:
            continue
        match = re.fullmatch(r"python(\d+)\.(\d+)", runtime.name)
        deprecated = runtimes.deprecation_date(runtime.name)
        if match and (deprecated is None or deprecated > today):
            candidates.append(((int(match.group(1)), int(match.group(2))), runtime))
    return max(candidates, key=lambda c: c[0])[1]


@dataclass
class _Settings:
    """Validated, resolved settings (plain values) ready to build from."""

    runtime: lambda_.Runtime
    architecture: lambda_.Architecture
    timeout_s: int
    memory_mb: int
    json_logs: bool
    app_level: lambda_.ApplicationLogLevel | None
    system_level: lambda_.SystemLogLevel | None
    retention: logs.RetentionDays | None
    create_dlq: bool
    async_config: dict[str, Any]
    environment: dict[str, str]
    secret_env: dict[str, Any] = field(default_factory=dict)


class HardenedFunction(Construct):
    """An AWS Lambda function that follows the Lambda best practices by default.

    It owns one :class:`aws_cdk.aws_lambda.Function` and everything the practices call for:
    arm64, X-Ray active tracing, JSON logs in a dedicated log group with finite retention,
    an explicit timeout and memory size, an encrypted TLS-only dead-letter queue with bounded
    async retries, recursive-loop termination, a dedicated least-privilege role with no
    AWS-managed policies, and alarms. The README's defaults table says why each default was
    chosen.

    Keyword arguments are named like :class:`aws_cdk.aws_lambda.Function`'s, so what you
    know carries over, and any other ``aws_lambda.Function`` keyword argument (``layers``,
    ``vpc_subnets``, ``ephemeral_storage_size``, ...) passes through. A value that would
    break an error-level practice (a timeout over 900 s, tracing off, an infinite log
    retention, ...) raises one :class:`~best_lambda.InvalidPropsError` listing every
    problem, before anything is created.

    Parameters
    ----------
    scope, construct_id
        As for any construct.
    code, handler
        As for ``aws_lambda.Function``.
    runtime
        Default: the newest Python runtime in the installed aws-cdk-lib. A deprecated
        runtime is refused.
    architecture
        Default ``Architecture.ARM_64``.
    timeout
        Default 10 seconds; 1 to 900 seconds.
    memory_size
        Default 512 MB; 128 to 10,240 MB.
    environment
        Plain configuration. Literal values that look like secrets are refused; pass them
        with ``secrets=``.
    secrets
        ``{"ENV_NAME": secret_or_parameter}``: grants read access to each Secrets Manager
        secret (``ISecret``) or SSM parameter (``IParameter``) and puts only its ARN (secret)
        or name (parameter) in ``ENV_NAME``, never the value.
    tracing
        Only ``Tracing.ACTIVE`` (the default) is accepted.
    logging_format, application_log_level_v2, system_log_level_v2
        Default JSON, ``INFO``, ``INFO``. With ``LoggingFormat.TEXT`` no levels apply.
    log_group
        Your own log group; by default a dedicated one is created.
    log_retention
        Retention of the created log group; default ``RetentionDays.ONE_MONTH``;
        ``INFINITE`` is refused.
    dead_letter_queue, dead_letter_queue_enabled
        By default an SQS queue (SSE, TLS-only, 14 days) receives events that failed all
        async retries. Pass your own queue, or ``dead_letter_queue_enabled=False`` for
        functions nothing invokes asynchronously (API handlers, stream/queue consumers).
    on_failure, on_success
        Async destinations. With ``on_failure`` and no ``dead_letter_queue``, no DLQ is
        created.
    retry_attempts, max_event_age
        Async retries (0-2, default 2) and event age (60 s - 6 h, default 6 h).
    recursive_loop
        Only ``RecursiveLoop.TERMINATE`` (the default) is accepted.
    reserved_concurrent_executions
        Optional; at least 1.
    role
        Your own role. By default a dedicated role is created with no managed policies. Log
        and X-Ray permissions are granted to either.
    vpc
        Optional VPC; the network-interface permissions Lambda needs are added to the role.
    alarm_topic
        SNS topic the alarms notify. Alarms are created either way (``create_alarms=False``
        to skip them).
    service_name, metrics_namespace, powertools_environment
        ``POWERTOOLS_SERVICE_NAME`` (default: ``construct_id``),
        ``POWERTOOLS_METRICS_NAMESPACE`` (default: the stack name) and
        ``POWERTOOLS_LOG_LEVEL`` (always the application log level) are set unless
        ``powertools_environment=False``.
    **function_props
        Any other ``aws_lambda.Function`` keyword argument, passed through unchanged.

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
        alarm_topic: sns.ITopic | None = None,
        create_alarms: bool = True,
        service_name: str | None = None,
        metrics_namespace: str | None = None,
        powertools_environment: bool = True,
        **function_props: Any,
    ) -> None:
        checker = PropsChecker(type(self).__name__, str(construct_id))
        settings = _validate(
            checker,
            construct_id=construct_id,
            code=code,
            handler=handler,
            runtime=runtime,
            architecture=architecture,
            timeout=timeout,
            memory_size=memory_size,
            environment=environment,
            secrets=secrets,
            tracing=tracing,
            logging_format=logging_format,
            application_log_level_v2=application_log_level_v2,
            system_log_level_v2=system_log_level_v2,
            log_group=log_group,
            log_retention=log_retention,
            dead_letter_queue=dead_letter_queue,
            dead_letter_queue_enabled=dead_letter_queue_enabled,
            on_failure=on_failure,
            on_success=on_success,
            retry_attempts=retry_attempts,
            max_event_age=max_event_age,
            recursive_loop=recursive_loop,
            reserved_concurrent_executions=reserved_concurrent_executions,
            role=role,
            vpc=vpc,
            alarm_topic=alarm_topic,
            create_alarms=create_alarms,
            service_name=service_name,
            metrics_namespace=metrics_namespace,
            powertools_environment=powertools_environment,
            function_props=function_props,
        )
        checker.raise_if_any()
        super().__init__(scope, construct_id)

        # Role: dedicated, no AWS-managed policies. Grants below go to its DefaultPolicy.
        self._role: iam.IRole = role or iam.Role(
            self,
            "ServiceRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of {self.node.path} (best-lambda HardenedFunction)",
        )
        # X-Ray (and VPC network interfaces) need Resource '*': keep those statements in
        # their own policies so the acknowledgement cannot cover anything else.
        wildcard_policies = [
            iam.Policy(
                self,
                "TracingPolicy",
                roles=[self._role],
                statements=[
                    iam.PolicyStatement(
                        actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                        resources=["*"],
                    )
                ],
            )
        ]
        if vpc is not None:
            wildcard_policies.append(
                iam.Policy(
                    self,
                    "NetworkInterfacePolicy",
                    roles=[self._role],
                    statements=[
                        iam.PolicyStatement(
                            actions=[
                                "ec2:CreateNetworkInterface",
                                "ec2:DescribeNetworkInterfaces",
                                "ec2:DescribeSubnets",
                                "ec2:DeleteNetworkInterface",
                                "ec2:AssignPrivateIpAddresses",
                                "ec2:UnassignPrivateIpAddresses",
                            ],
                            resources=["*"],
                        )
                    ],
                )
            )
        for policy in wildcard_policies:
            acknowledge(policy, "AwsSolutions-IAM5[Resource::*]")

        self._log_group: logs.ILogGroup = log_group or logs.LogGroup(
            self, "LogGroup", retention=settings.retention
        )
        self._log_group.grant_write(self._role)

        self._dead_letter_queue: sqs.IQueue | None = dead_letter_queue
        if settings.create_dlq:
            created = secure_queue(
                self, "DeadLetterQueue", retention_seconds=defaults.DLQ_RETENTION_DAYS * 86_400
            )
            acknowledge(created, "Serverless-SQSRedrivePolicy")
            self._dead_letter_queue = created

        environment_vars = dict(settings.environment)
        if powertools_environment and "POWERTOOLS_METRICS_NAMESPACE" not in environment_vars:
            stack_name = cdk.Stack.of(self).stack_name
            if not cdk.Token.is_unresolved(stack_name):
                environment_vars["POWERTOOLS_METRICS_NAMESPACE"] = stack_name
        for name, source in (secrets or {}).items():
            if hasattr(source, "secret_arn"):
                environment_vars[name] = source.secret_arn
            else:
                environment_vars[name] = source.parameter_name
            source.grant_read(self._role)

        props: dict[str, Any] = dict(function_props)
        props.update(
            code=code,
            handler=handler,
            runtime=settings.runtime,
            architecture=settings.architecture,
            timeout=cdk.Duration.seconds(settings.timeout_s),
            memory_size=settings.memory_mb,
            role=self._role,
            log_group=self._log_group,
            logging_format=lambda_.LoggingFormat.JSON
            if settings.json_logs
            else lambda_.LoggingFormat.TEXT,
            recursive_loop=lambda_.RecursiveLoop.TERMINATE,
            **settings.async_config,
        )
        if settings.app_level is not None:
            props["application_log_level_v2"] = settings.app_level
            props["system_log_level_v2"] = settings.system_level
        if environment_vars:
            props["environment"] = environment_vars
        if self._dead_letter_queue is not None:
            props["dead_letter_queue"] = self._dead_letter_queue
        optional = {
            "description": description,
            "function_name": function_name,
            "reserved_concurrent_executions": reserved_concurrent_executions,
            "vpc": vpc,
        }
        props.update({k: v for k, v in optional.items() if v is not None})
        self._function = lambda_.Function(self, "Function", **props)

        cfn_function = self._function.node.default_child
        assert isinstance(cfn_function, lambda_.CfnFunction)
        cfn_function.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
        for policy in wildcard_policies:
            self._function.node.add_dependency(policy)
        if settings.async_config and self._dead_letter_queue is not None and on_failure is None:
            acknowledge(self._function, "Serverless-LambdaAsyncFailureDestination")
        if dead_letter_queue_enabled is False and on_failure is None:
            # Declared synchronous or poll-based; BestLambda-AsyncFailureHandling still checks
            # at synth that nothing invokes the function asynchronously.
            acknowledge(cfn_function, "Serverless-LambdaDLQ")

        self._alarms: dict[str, cloudwatch.Alarm] = {}
        if create_alarms:
            self._add_alarms(
                settings, alarm_topic, has_async_dlq=self._dead_letter_queue is not None
            )

    # -- public surface -------------------------------------------------------------------
    @property
    def function(self) -> lambda_.Function:
        """The Lambda function (use it for grants, integrations and event sources)."""
        return self._function

    @property
    def role(self) -> iam.IRole:
        """The role the function runs as."""
        return self._role

    @property
    def log_group(self) -> logs.ILogGroup:
        """The log group the function writes to."""
        return self._log_group

    @property
    def dead_letter_queue(self) -> sqs.IQueue | None:
        """The queue that receives failed asynchronous events, if any."""
        return self._dead_letter_queue

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms, by name.

        ``Errors``, ``Throttles``, ``Duration`` and, with a DLQ, ``DeadLetterQueueDepth`` and
        ``DeadLetterErrors``.
        """
        return MappingProxyType(self._alarms)

    # -- internals ------------------------------------------------------------------------
    def _add_alarms(
        self, settings: _Settings, topic: sns.ITopic | None, *, has_async_dlq: bool
    ) -> None:
        fn = self._function
        period = cdk.Duration.minutes(defaults.ALARM_PERIOD_MINUTES)
        where = self.node.path
        minutes = defaults.ALARM_PERIOD_MINUTES
        threshold_ms = round(settings.timeout_s * 1000 * defaults.DURATION_ALARM_RATIO)
        specs: list[tuple[str, cloudwatch.IMetric, float, str]] = [
            (
                "Errors",
                fn.metric_errors(period=period, statistic="Sum"),
                1,
                f"{where}: the function reported errors in the last {minutes} minutes.",
            ),
            (
                "Throttles",
                fn.metric_throttles(period=period, statistic="Sum"),
                1,
                f"{where}: invocations were throttled in the last {minutes} minutes.",
            ),
            (
                "Duration",
                fn.metric_duration(period=period, statistic="p99"),
                threshold_ms,
                f"{where}: p99 duration reached {defaults.DURATION_ALARM_RATIO:.0%} of the "
                f"{settings.timeout_s} s timeout ({threshold_ms} ms).",
            ),
        ]
        if has_async_dlq and self._dead_letter_queue is not None:
            specs += [
                (
                    "DeadLetterQueueDepth",
                    self._dead_letter_queue.metric_approximate_number_of_messages_visible(
                        period=period, statistic="Maximum"
                    ),
                    1,
                    f"{where}: failed asynchronous events are waiting in the dead-letter queue.",
                ),
                (
                    "DeadLetterErrors",
                    fn.metric("DeadLetterErrors", period=period, statistic="Sum"),
                    1,
                    f"{where}: Lambda could not deliver failed events to the dead-letter queue; "
                    "they are lost.",
                ),
            ]
        for name, metric, threshold, description in specs:
            self._alarms[name] = alarm(
                self,
                f"{name}Alarm",
                metric=metric,
                threshold=threshold,
                description=description,
                topic=topic,
            )


def check_function_options(
    checker: PropsChecker, construct_id: str, code: Any, handler: Any, options: Mapping[str, Any]
) -> _Settings:
    """Validate :class:`HardenedFunction` keyword arguments into ``checker`` without raising.

    For constructs that build a HardenedFunction and want one error for all their problems.
    The returned settings are meaningful only when ``checker`` recorded no problem.
    """
    defaults_ = _keyword_defaults()
    kw = {**defaults_, **{k: v for k, v in options.items() if k in defaults_}}
    extra = {k: v for k, v in options.items() if k not in defaults_}
    return _validate(
        checker, construct_id=construct_id, code=code, handler=handler, function_props=extra, **kw
    )


@functools.cache
def _keyword_defaults() -> dict[str, Any]:
    import inspect

    params = inspect.signature(HardenedFunction.__init__).parameters.values()
    return {
        p.name: p.default
        for p in params
        if p.kind is p.KEYWORD_ONLY and p.name not in ("code", "handler")
    }


def _validate(checker: PropsChecker, *, function_props: dict[str, Any], **kw: Any) -> _Settings:
    """Check every keyword argument into ``checker``; return the resolved settings."""
    construct_id = kw["construct_id"]
    if not isinstance(construct_id, str) or not construct_id:
        checker.add("construct_id", construct_id, "expected a non-empty str")
    if not isinstance(kw["code"], lambda_.Code):
        checker.add(
            "code", kw["code"], "expected aws_lambda.Code, e.g. Code.from_asset('src/my_function')"
        )
    handler = kw["handler"]
    if not isinstance(handler, str) or not handler.strip():
        checker.add("handler", handler, "expected a non-empty str such as 'app.handler'")

    runtime = kw["runtime"] if kw["runtime"] is not None else newest_python_runtime()
    if not isinstance(runtime, lambda_.Runtime):
        checker.add("runtime", runtime, "expected aws_lambda.Runtime, e.g. Runtime.PYTHON_3_13")
    elif runtime.name == lambda_.Runtime.FROM_IMAGE.name:
        checker.add(
            "runtime",
            runtime,
            "container images are not supported; use aws_lambda.DockerImageFunction",
        )
    else:
        deprecated = runtimes.deprecation_date(runtime.name)
        if deprecated is not None and deprecated <= _dt.datetime.now(_dt.UTC).date():
            checker.add(
                "runtime",
                runtime,
                f"was deprecated on {deprecated.isoformat()} and gets no security "
                f"patches (BestLambda-RuntimeSupported); use "
                f"{newest_python_runtime().name} or another supported runtime",
            )

    architecture = kw["architecture"] or lambda_.Architecture.ARM_64
    if not isinstance(architecture, lambda_.Architecture):
        checker.add("architecture", architecture, "expected aws_lambda.Architecture")

    timeout_s = defaults.TIMEOUT_SECONDS
    if kw["timeout"] is not None:
        timeout_s = (
            checker.seconds("timeout", kw["timeout"], *limits.TIMEOUT_SECONDS, "AWS Lambda limit")
            or timeout_s
        )
    memory_mb = defaults.MEMORY_MB
    if kw["memory_size"] is not None:
        memory_mb = (
            checker.integer(
                "memory_size", kw["memory_size"], *limits.MEMORY_MB, "MB, AWS Lambda limit"
            )
            or memory_mb
        )

    if kw["tracing"] is not None:
        checker.one_of(
            "tracing",
            kw["tracing"],
            [lambda_.Tracing.ACTIVE],
            "active X-Ray tracing is an error-level practice, BestLambda-TracingActive",
        )
    if kw["recursive_loop"] is not None:
        checker.one_of(
            "recursive_loop",
            kw["recursive_loop"],
            [lambda_.RecursiveLoop.TERMINATE],
            "letting a recursive loop run is an error-level practice, BestLambda-RecursiveLoop",
        )

    json_logs, app_level, system_level = _logging(checker, kw)
    retention = _log_group(checker, kw)
    create_dlq, async_config = _async(checker, kw)
    environment = _environment(checker, kw, app_level)
    _secrets(checker, kw["secrets"], kw["environment"] or {})

    if kw["reserved_concurrent_executions"] is not None:
        checker.integer(
            "reserved_concurrent_executions",
            kw["reserved_concurrent_executions"],
            1,
            None,
            "0 would stop the function from ever running",
        )
    if kw["role"] is not None:
        checker.check_interface(
            "role", kw["role"], ["role_arn", "grant_principal"], "aws_iam.IRole"
        )
    if kw["vpc"] is not None:
        checker.check_interface("vpc", kw["vpc"], ["vpc_id", "select_subnets"], "aws_ec2.IVpc")
    if kw["alarm_topic"] is not None:
        checker.check_interface("alarm_topic", kw["alarm_topic"], ["topic_arn"], "aws_sns.ITopic")
    for flag in ("create_alarms", "powertools_environment"):
        checker.check_type(flag, kw[flag], bool, "bool")

    _function_props(checker, function_props)
    return _Settings(
        runtime=runtime,
        architecture=architecture,
        timeout_s=timeout_s,
        memory_mb=memory_mb,
        json_logs=json_logs,
        app_level=app_level,
        system_level=system_level,
        retention=retention,
        create_dlq=create_dlq,
        async_config=async_config,
        environment=environment,
    )


def _logging(
    checker: PropsChecker, kw: dict[str, Any]
) -> tuple[bool, lambda_.ApplicationLogLevel | None, lambda_.SystemLogLevel | None]:
    fmt = kw["logging_format"]
    if fmt is not None and not isinstance(fmt, lambda_.LoggingFormat):
        checker.add("logging_format", fmt, "expected aws_lambda.LoggingFormat")
        fmt = None
    json_logs = fmt is None or fmt == lambda_.LoggingFormat.JSON
    app, system = kw["application_log_level_v2"], kw["system_log_level_v2"]
    for prop, value, enum_type in (
        ("application_log_level_v2", app, lambda_.ApplicationLogLevel),
        ("system_log_level_v2", system, lambda_.SystemLogLevel),
    ):
        if value is not None and not isinstance(value, enum_type):
            checker.add(prop, value, f"expected aws_lambda.{enum_type.__name__}")
        elif value is not None and not json_logs:
            checker.add(
                f"{prop} + logging_format",
                value,
                "log levels need logging_format=LoggingFormat.JSON (Lambda applies them "
                "to JSON logs only)",
            )
    if not json_logs:
        return False, None, None
    app_level = (
        app
        if isinstance(app, lambda_.ApplicationLogLevel)
        else lambda_.ApplicationLogLevel[defaults.APPLICATION_LOG_LEVEL]
    )
    system_level = (
        system
        if isinstance(system, lambda_.SystemLogLevel)
        else lambda_.SystemLogLevel[defaults.SYSTEM_LOG_LEVEL]
    )
    return True, app_level, system_level


def _log_group(checker: PropsChecker, kw: dict[str, Any]) -> logs.RetentionDays | None:
    group, retention = kw["log_group"], kw["log_retention"]
    if group is not None:
        checker.check_interface(
            "log_group", group, ["log_group_name", "grant_write"], "aws_logs.ILogGroup"
        )
        if retention is not None:
            checker.add(
                "log_retention + log_group",
                retention,
                "set the retention on the log group you pass; log_retention applies "
                "only to the log group HardenedFunction creates",
            )
        return None
    if retention is None:
        return logs.RetentionDays.ONE_MONTH
    if not isinstance(retention, logs.RetentionDays):
        checker.add("log_retention", retention, "expected aws_logs.RetentionDays")
    elif retention == logs.RetentionDays.INFINITE:
        checker.add(
            "log_retention",
            retention,
            "must be finite (BestLambda-LogRetention): logs kept forever cost money "
            "forever; e.g. RetentionDays.ONE_YEAR",
        )
    return retention if isinstance(retention, logs.RetentionDays) else None


def _async(checker: PropsChecker, kw: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
    queue, enabled = kw["dead_letter_queue"], kw["dead_letter_queue_enabled"]
    on_failure, on_success = kw["on_failure"], kw["on_success"]
    if enabled is not None:
        checker.check_type("dead_letter_queue_enabled", enabled, bool, "bool")
    if queue is not None:
        checker.check_interface(
            "dead_letter_queue", queue, ["queue_arn", "grant_send_messages"], "aws_sqs.IQueue"
        )
        if enabled is False:
            checker.add(
                "dead_letter_queue + dead_letter_queue_enabled",
                enabled,
                "contradictory: a dead_letter_queue was given but disabled",
            )
    for prop, value in (("on_failure", on_failure), ("on_success", on_success)):
        if value is not None:
            checker.check_interface(
                prop, value, ["bind"], "aws_lambda.IDestination (aws_lambda_destinations)"
            )
    create = queue is None and on_failure is None and enabled is not False
    handles_failures = queue is not None or on_failure is not None or create

    retries = defaults.ASYNC_RETRY_ATTEMPTS
    if kw["retry_attempts"] is not None:
        value = checker.integer(
            "retry_attempts",
            kw["retry_attempts"],
            0,
            limits.ASYNC_MAX_RETRY_ATTEMPTS,
            "AWS Lambda limit",
        )
        retries = retries if value is None else value
    age = defaults.ASYNC_MAX_EVENT_AGE_SECONDS
    if kw["max_event_age"] is not None:
        age = (
            checker.seconds(
                "max_event_age",
                kw["max_event_age"],
                limits.ASYNC_MIN_EVENT_AGE_SECONDS,
                limits.ASYNC_MAX_EVENT_AGE_SECONDS,
                "AWS Lambda limit",
            )
            or age
        )
    explicit = any(kw[k] is not None for k in ("retry_attempts", "max_event_age"))
    config: dict[str, Any] = {}
    if handles_failures or explicit or on_success is not None:
        config = {"retry_attempts": retries, "max_event_age": cdk.Duration.seconds(age)}
        if on_failure is not None:
            config["on_failure"] = on_failure
        if on_success is not None:
            config["on_success"] = on_success
    return create, config


def _environment(
    checker: PropsChecker, kw: dict[str, Any], app_level: lambda_.ApplicationLogLevel | None
) -> dict[str, str]:
    given = kw["environment"]
    if given is None:
        given = {}
    elif not isinstance(given, Mapping):
        checker.add("environment", given, "expected a dict of str to str")
        given = {}
    env: dict[str, str] = {}
    for key, value in given.items():
        prop = f"environment[{key!r}]"
        if not isinstance(key, str) or not _ENV_KEY.match(key):
            checker.add(
                prop,
                value,
                "keys must start with a letter and contain only letters, "
                "digits and '_' (Lambda rule)",
            )
        elif key in limits.RESERVED_ENVIRONMENT_KEYS:
            checker.add(prop, value, "is reserved by Lambda and cannot be set")
        if not isinstance(value, str):
            checker.add(prop, value, "expected str (Lambda environment values are strings)")
            continue
        reason = secret_reason(str(key), value)
        if reason:
            checker.add(
                prop,
                "<redacted>",
                f"looks like a literal secret: {reason}. Store it in "
                "Secrets Manager or SSM and pass it with secrets={...} "
                "(BestLambda-NoSecretsInEnv)",
                rendered="<redacted>",
            )
        env[str(key)] = value

    if kw["powertools_environment"] is True:
        service = kw["service_name"]
        namespace = kw["metrics_namespace"]
        if service is not None and (not isinstance(service, str) or not service.strip()):
            checker.add("service_name", service, "expected a non-empty str")
            service = None
        if namespace is not None and (
            not isinstance(namespace, str)
            or not _NAMESPACE.match(namespace)
            or namespace.startswith("AWS/")
        ):
            checker.add(
                "metrics_namespace",
                namespace,
                "expected 1-255 characters of letters, digits and . - _ / # : space, "
                "not starting with 'AWS/' (CloudWatch rule)",
            )
            namespace = None
        for var, chosen in (
            ("POWERTOOLS_SERVICE_NAME", service),
            ("POWERTOOLS_METRICS_NAMESPACE", namespace),
        ):
            if chosen is not None and var in env and env[var] != chosen:
                checker.add(
                    f"environment[{var!r}]",
                    env[var],
                    f"contradicts {'service_name' if 'SERVICE' in var else 'metrics_namespace'}"
                    f"={chosen!r}; set one of them",
                )
        env.setdefault("POWERTOOLS_SERVICE_NAME", service or str(kw["construct_id"]))
        if namespace:
            env.setdefault("POWERTOOLS_METRICS_NAMESPACE", namespace)
        level = app_level.value if app_level is not None else defaults.APPLICATION_LOG_LEVEL
        current = env.get("POWERTOOLS_LOG_LEVEL")
        if current is not None and current.upper() != level:
            checker.add(
                "environment['POWERTOOLS_LOG_LEVEL']",
                current,
                f"must equal the Lambda application log level ({level}); Lambda drops "
                "records below it, so the two must agree",
            )
        env["POWERTOOLS_LOG_LEVEL"] = level
    size = sum(len(k) + len(v) for k, v in env.items() if "${Token[" not in v)
    if size > limits.ENVIRONMENT_MAX_BYTES:
        checker.add(
            "environment",
            f"{size} bytes",
            f"must total at most {limits.ENVIRONMENT_MAX_BYTES} bytes (AWS Lambda limit)",
            rendered=f"<{size} bytes>",
        )
    return env


def _secrets(checker: PropsChecker, secrets: Any, environment: Mapping[str, str]) -> None:
    if secrets is None:
        return
    if not isinstance(secrets, Mapping):
        checker.add("secrets", secrets, "expected a dict of env var name to ISecret/IParameter")
        return
    for name, source in secrets.items():
        prop = f"secrets[{name!r}]"
        if not isinstance(name, str) or not _ENV_KEY.match(name):
            checker.add(
                prop,
                source,
                "keys are environment variable names: a letter, then letters, digits and '_'",
            )
        elif name in environment:
            checker.add(prop, source, "is also set in environment=; use one of them")
        if isinstance(source, str):
            checker.add(
                prop,
                "<redacted>",
                "a str here would be a literal secret in the "
                "template; pass an aws_secretsmanager.ISecret or aws_ssm.IParameter",
                rendered="<redacted>",
            )
        elif not (
            implements(source, "secret_arn", "grant_read")
            or implements(source, "parameter_name", "grant_read")
        ):
            checker.add(
                prop,
                source,
                "expected aws_secretsmanager.ISecret or "
                f"aws_ssm.IParameter, got {type(source).__name__}",
            )


@functools.cache
def _function_prop_names() -> frozenset[str]:
    import inspect

    names = inspect.signature(lambda_.Function.__init__).parameters
    return frozenset(n for n in names if n not in ("self", "scope", "id"))


def _function_props(checker: PropsChecker, function_props: dict[str, Any]) -> None:
    own = set(HardenedFunctionOptions.__annotations__) | {"code", "handler"}
    passthrough = _function_prop_names() - own - set(_REFUSED)
    for key, value in function_props.items():
        if key in _REFUSED:
            checker.add(key, value, _REFUSED[key])
    checker.unknown_keys(
        [k for k in function_props if k not in _REFUSED],
        passthrough | own,
        "HardenedFunction or aws_lambda.Function",
    )
    size = function_props.get("ephemeral_storage_size")
    if size is not None:
        if not isinstance(size, cdk.Size):
            checker.add("ephemeral_storage_size", size, "expected aws_cdk.Size")
        else:
            mb = size.to_mebibytes()
            low, high = limits.EPHEMERAL_STORAGE_MB
            if not low <= mb <= high:
                checker.add(
                    "ephemeral_storage_size",
                    size,
                    f"must be {low} to {high} MB (AWS Lambda limit)",
                    rendered=f"Size.mebibytes({mb:g})",
                )
