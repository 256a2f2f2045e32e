"""Validation and planning for :class:`~best_lambda.HardenedFunction` (pure: creates nothing).

Every keyword argument is checked against its declaration (``FUNCTION_PROPS``) and against
the others; every problem is collected; the result is a :class:`_Plan`: the keyword
arguments for ``aws_lambda.Function`` and what the construct adds after it. Trigger
constructs call :func:`check_function_options` to fold a function's problems into their
own single error.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeGuard

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from best_lambda import limits
from best_lambda.constructs._props import TOKEN, PropsChecker, is_token
from best_lambda.constructs.deployment import DeploymentPlan, check_deployment
from best_lambda.defaults import lambda_ as defaults
from best_lambda.defaults.lambda_ import FUNCTION_PROPS
from best_lambda.rules import runtimes
from best_lambda.rules.secrets import secret_reason

if TYPE_CHECKING:
    from best_lambda.bundling import PythonCode

__all__ = ["check_function_options", "default_runtime", "newest_python_runtime"]

#: A token in the environment (a table name, a secret's ARN) counts this many bytes
#: towards Lambda's 4 KB limit when warning about it: a typical ARN is 60-100 bytes.
TOKEN_ESTIMATE_BYTES = 100


# -- values computed once per process (each jsii round trip costs ~0.3-1 ms) ---------------
@functools.cache
def _seconds(value: int) -> cdk.Duration:
    return cdk.Duration.seconds(value)


@functools.cache
def _runtime_facts(runtime: lambda_.Runtime) -> tuple[str, bool]:
    """A runtime's name and whether it takes inline code."""
    return str(runtime.name), bool(runtime.supports_inline_code)


@functools.cache
def _from_image_name() -> str:
    return str(lambda_.Runtime.FROM_IMAGE.name)


@functools.cache
def _arm64() -> lambda_.Architecture:
    return lambda_.Architecture.ARM_64


@functools.cache
def _newest_python_name() -> str:
    return str(newest_python_runtime().name)


_STACK_NAMES: weakref.WeakKeyDictionary[cdk.Stack, str] = weakref.WeakKeyDictionary()


def _stack_of(scope: Construct) -> cdk.Stack:
    return scope if isinstance(scope, cdk.Stack) else cdk.Stack.of(scope)


def _stack_name(scope: Construct) -> str:
    stack = _stack_of(scope)
    name = _STACK_NAMES.get(stack)
    if name is None:
        name = _STACK_NAMES[stack] = str(stack.stack_name)
    return name


@functools.cache
def _runtime_named(name: str) -> lambda_.Runtime:
    for runtime in lambda_.Runtime.ALL:
        if runtime.name == name:
            return runtime
    raise LookupError(f"aws-cdk-lib knows no runtime {name!r}")  # pragma: no cover


def default_runtime() -> lambda_.Runtime:
    """The runtime :class:`HardenedFunction` uses when none is given.

    A pinned constant (:data:`best_lambda.defaults.lambda_.RUNTIME`), so upgrading
    aws-cdk-lib never changes a function's runtime; it changes only in a best-lambda release.

    Examples
    --------
    >>> default_runtime().name
    'python3.14'
    """
    return _runtime_named(defaults.RUNTIME)


@functools.cache
def newest_python_runtime() -> lambda_.Runtime:
    """The newest Python runtime the installed aws-cdk-lib knows and AWS still supports.

    cdk-nag's ``AwsSolutions-L1`` / ``Serverless-LambdaLatestVersion`` compare against the
    same list; when it is newer than :func:`default_runtime`, functions on the default get
    those findings acknowledged (the default is pinned on purpose).
    """
    today = _dt.datetime.now(_dt.UTC).date()
    candidates = []
    for runtime in lambda_.Runtime.ALL:
        match = re.fullmatch(r"python(\d+)\.(\d+)", runtime.name)
        deprecated = runtimes.deprecation_date(runtime.name)
        if match and (deprecated is None or deprecated > today):
            candidates.append(((int(match.group(1)), int(match.group(2))), runtime))
    return max(candidates, key=lambda c: c[0])[1]


@dataclass
class _Plan:
    """Validated settings: what to pass to ``aws_lambda.Function`` and what to add after."""

    function_kwargs: dict[str, Any]
    runtime_is_default: bool
    timeout_s: int
    json_logs: bool
    app_level: lambda_.ApplicationLogLevel | None
    system_level: lambda_.SystemLogLevel | None
    log_group: logs.ILogGroup | None
    retention: logs.RetentionDays | None
    role_given: bool
    create_dlq: bool
    has_async_dlq: bool
    async_configured: bool
    on_failure: bool
    synchronous: bool
    vpc: bool
    other_managed_policies: bool = False
    secrets: dict[str, Any] = field(default_factory=dict)
    create_alarms: bool = True
    alarm_topic: sns.ITopic | None = None
    environment_warning: str | None = None
    deployment: DeploymentPlan | None = None
    snap_start: bool = False
    events: tuple[lambda_.IEventSource, ...] = ()


# -- validation and planning (pure: nothing is created here) ------------------------------
def check_function_options(
    checker: PropsChecker,
    scope: Construct,
    construct_id: str,
    options: Mapping[str, Any],
    *,
    also_known: Sequence[str] = (),
) -> _Plan:
    """Validate :class:`HardenedFunction` keyword arguments into ``checker`` without raising.

    For constructs that build a HardenedFunction and want one error for all their problems:
    an unknown keyword is matched against the function's props and ``also_known`` (the
    construct's own) for "did you mean". The returned plan is meaningful only when
    ``checker`` recorded no problem.
    """
    known = {k: v for k, v in options.items() if k in FUNCTION_PROPS}
    unknown = {k: v for k, v in options.items() if k not in FUNCTION_PROPS}
    return _validate(checker, scope, construct_id, known, unknown, also_known)


def _plan(
    scope: Construct, construct_id: str, given: Mapping[str, Any], unknown: Mapping[str, Any]
) -> _Plan:
    checker = PropsChecker("HardenedFunction", str(construct_id))
    plan = _validate(checker, scope, construct_id, given, unknown, ())
    checker.raise_if_any()
    return plan


def _validate(
    checker: PropsChecker,
    scope: Construct,
    construct_id: str,
    given: Mapping[str, Any],
    unknown: Mapping[str, Any],
    also_known: Sequence[str],
) -> _Plan:
    if not isinstance(construct_id, str) or not construct_id:
        checker.add("construct_id", construct_id, "expected a non-empty str")
    v = checker.check_table(
        FUNCTION_PROPS,
        given,
        unknown=unknown,
        also_known=also_known,
        construct=checker.construct_type,
    )

    runtime = v.get("runtime")
    runtime_is_default = given.get("runtime") is None
    if runtime is None:
        runtime = default_runtime()
    _check_runtime(checker, runtime, given.get("code"), v.get("layers") or [])

    json_logs, app_level, system_level = _logging(checker, v, given)
    retention = _log_retention(checker, v, given)
    async_kwargs, create_dlq, has_async_dlq, synchronous = _async(checker, v, given)
    environment, secrets, env_warning = _environment(
        checker, scope, construct_id, v, given, app_level
    )
    _network(checker, v, given)
    deployment = check_deployment(checker, given, v, _runtime_facts(runtime)[0])
    if given.get("create_alarms") is False and given.get("alarm_topic") is not None:
        checker.add(
            "alarm_topic + create_alarms",
            given["alarm_topic"],
            "contradictory: create_alarms=False creates no alarm for alarm_topic to receive",
        )

    timeout_s = v.get("timeout", defaults.TIMEOUT_SECONDS)
    architecture = v.get("architecture") or _arm64()
    code = given.get("code")
    if _is_python_code(code):
        # Docker-free bundling needs the function's own runtime and architecture.
        problems = code.problems_for(runtime=runtime, architecture=architecture)
        checker.problems += problems
        if not problems:
            code = code.for_function(runtime=runtime, architecture=architecture)
    kwargs: dict[str, Any] = {
        "code": code,
        "handler": given.get("handler"),
        "runtime": runtime,
        "architecture": architecture,
        "timeout": _seconds(timeout_s),
        "memory_size": v.get("memory_size", defaults.MEMORY_MB),
        "logging_format": lambda_.LoggingFormat.JSON if json_logs else lambda_.LoggingFormat.TEXT,
        "recursive_loop": lambda_.RecursiveLoop.TERMINATE,
        **async_kwargs,
    }
    if app_level is not None:
        kwargs["application_log_level_v2"] = app_level
        kwargs["system_log_level_v2"] = system_level
    if environment:
        kwargs["environment"] = environment
    for name in ("role", "log_group", "reserved_concurrent_executions"):
        if name in v:
            kwargs[name] = given[name]
    for prop in FUNCTION_PROPS:
        if prop.passthrough and prop.name in v:
            kwargs[prop.name] = given[prop.name]
    events: tuple[lambda_.IEventSource, ...] = ()
    if deployment is not None and "events" in kwargs:
        events = tuple(kwargs.pop("events"))  # bound to the alias once it exists
    return _Plan(
        function_kwargs=kwargs,
        runtime_is_default=runtime_is_default,
        timeout_s=timeout_s,
        json_logs=json_logs,
        app_level=app_level,
        system_level=system_level,
        log_group=v.get("log_group"),
        retention=retention,
        role_given="role" in v,
        create_dlq=create_dlq,
        has_async_dlq=has_async_dlq,
        async_configured=bool(async_kwargs),
        on_failure="on_failure" in v,
        synchronous=synchronous,
        vpc="vpc" in v,
        other_managed_policies=any(
            given.get(p) is not None for p in ("insights_version", "durable_config", "role")
        ),
        secrets=secrets,
        create_alarms=v.get("create_alarms", True),
        alarm_topic=v.get("alarm_topic"),
        environment_warning=env_warning,
        deployment=deployment,
        snap_start="snap_start" in v,
        events=events,
    )


def _is_python_code(code: Any) -> TypeGuard[PythonCode]:
    """Whether ``code`` is best-lambda's PythonCode (without importing it for other code)."""
    if type(code).__name__ != "PythonCode":
        return False
    from best_lambda.bundling import PythonCode

    return isinstance(code, PythonCode)


def _check_runtime(
    checker: PropsChecker, runtime: lambda_.Runtime, code: Any, layers: Sequence[Any]
) -> None:
    name, inline = _runtime_facts(runtime)
    if name == _from_image_name():
        checker.add(
            "runtime",
            runtime,
            "container images are not supported; use aws_lambda.DockerImageFunction",
        )
        return
    deprecated = runtimes.deprecation_date(name)
    if deprecated is not None and deprecated <= _dt.datetime.now(_dt.UTC).date():
        checker.add(
            "runtime",
            runtime,
            f"was deprecated on {deprecated.isoformat()} and gets no security patches "
            f"(BestLambda-RuntimeSupported); use {defaults.RUNTIME} or another supported runtime",
        )
    if isinstance(code, lambda_.InlineCode) and not inline:
        checker.add(
            "code + runtime",
            runtime,
            f"{name} does not support inline code; use Code.from_asset(...)",
        )
    for position, layer in enumerate(layers):
        compatible = layer.compatible_runtimes
        if not compatible:
            continue
        names = [r.name for r in compatible]
        if name not in names:
            where = layer.node.path if layer.node.scope is not None else layer.layer_version_arn
            checker.add(
                f"layers[{position}] + runtime",
                runtime,
                f"layer {where} declares compatible_runtimes {names}; use one of them "
                "or a layer built for this runtime",
            )


def _logging(
    checker: PropsChecker, v: Mapping[str, Any], given: Mapping[str, Any]
) -> tuple[bool, lambda_.ApplicationLogLevel | None, lambda_.SystemLogLevel | None]:
    fmt = v.get("logging_format")
    json_logs = fmt is None or fmt == lambda_.LoggingFormat.JSON
    if not json_logs:
        for prop in ("application_log_level_v2", "system_log_level_v2"):
            if given.get(prop) is not None:
                checker.add(
                    f"{prop} + logging_format",
                    given[prop],
                    "log levels need logging_format=LoggingFormat.JSON (Lambda applies them "
                    "to JSON logs only)",
                )
        return False, None, None
    app_level = (
        v.get("application_log_level_v2")
        or lambda_.ApplicationLogLevel[defaults.APPLICATION_LOG_LEVEL]
    )
    system_level = v.get("system_log_level_v2") or lambda_.SystemLogLevel[defaults.SYSTEM_LOG_LEVEL]
    return True, app_level, system_level


def _log_retention(
    checker: PropsChecker, v: Mapping[str, Any], given: Mapping[str, Any]
) -> logs.RetentionDays | None:
    if given.get("log_group") is not None:
        if given.get("log_retention") is not None:
            checker.add(
                "log_retention + log_group",
                given["log_retention"],
                "set the retention on the log group you pass; log_retention applies only to "
                "the log group HardenedFunction creates",
            )
        return None
    retention: logs.RetentionDays = (
        v.get("log_retention") or logs.RetentionDays[defaults.LOG_RETENTION]
    )
    return retention


_ASYNC_PROPS = ("dead_letter_queue", "on_failure", "on_success", "retry_attempts", "max_event_age")


def _async(
    checker: PropsChecker, v: Mapping[str, Any], given: Mapping[str, Any]
) -> tuple[dict[str, Any], bool, bool, bool]:
    """Async invocation settings: (kwargs, create a DLQ, has a DLQ, declared synchronous)."""
    enabled = given.get("dead_letter_queue_enabled")
    queue, on_failure = given.get("dead_letter_queue"), given.get("on_failure")
    if enabled is False:
        for prop in _ASYNC_PROPS:
            if given.get(prop) is not None:
                checker.add(
                    f"{prop} + dead_letter_queue_enabled",
                    given[prop],
                    "contradictory: dead_letter_queue_enabled=False declares a function "
                    f"nothing invokes asynchronously, and {prop} configures asynchronous "
                    "invocation; drop one",
                )
        return {}, False, False, True
    if on_failure is not None and enabled is True:
        checker.add(
            "on_failure + dead_letter_queue_enabled",
            on_failure,
            "contradictory: with on_failure= failed events go to the destination and no "
            "dead-letter queue is created; drop dead_letter_queue_enabled=True",
        )
    if on_failure is not None and queue is not None:
        checker.add(
            "on_failure + dead_letter_queue",
            on_failure,
            "contradictory: each failed event would be delivered twice; use one of them",
        )
    create = queue is None and on_failure is None
    kwargs: dict[str, Any] = {
        "retry_attempts": v.get("retry_attempts", defaults.ASYNC_RETRY_ATTEMPTS),
        "max_event_age": _seconds(v.get("max_event_age", defaults.ASYNC_MAX_EVENT_AGE_SECONDS)),
    }
    for prop in ("on_failure", "on_success", "dead_letter_queue"):
        if prop in v:
            kwargs[prop] = given[prop]
    if create:
        kwargs["dead_letter_queue_enabled"] = True
    return kwargs, create, create or queue is not None, False


def _environment(
    checker: PropsChecker,
    scope: Construct,
    construct_id: str,
    v: Mapping[str, Any],
    given: Mapping[str, Any],
    app_level: lambda_.ApplicationLogLevel | None,
) -> tuple[dict[str, str], dict[str, Any], str | None]:
    """The environment Lambda will receive, the secrets to grant, and a size warning."""
    env: dict[str, str] = dict(v.get("environment") or {})
    for key, value in env.items():
        prop = f"environment[{key!r}]"
        if key in limits.RESERVED_ENVIRONMENT_KEYS:
            checker.add(
                prop, value, "is reserved by Lambda and cannot be set", rendered="<redacted>"
            )
        # A token (SecretValue.unsafe_unwrap(), a parameter) is judged by what it renders to:
        # a {{resolve:secretsmanager:...}} inside a Fn::Join is a secret all the same.
        rendered = _stack_of(scope).resolve(value) if is_token(value) else value
        reason = secret_reason(key, rendered)
        if reason:
            checker.add(
                prop,
                "<redacted>",
                f"would expose a secret: {reason}. Keep it in Secrets Manager or SSM and "
                "pass it with secrets={...}, which puts only its ARN or name in the "
                "environment (BestLambda-NoSecretsInEnv)",
                rendered="<redacted>",
            )
    set_by_us: set[str] = set()
    powertools = given.get("powertools_environment") is not False
    if not powertools:
        for prop in ("service_name", "metrics_namespace"):
            if given.get(prop) is not None:
                checker.add(
                    f"{prop} + powertools_environment",
                    given[prop],
                    "contradictory: powertools_environment=False sets no Powertools "
                    f"variable, so {prop} would be ignored",
                )
    else:
        service = v.get("service_name")
        namespace = v.get("metrics_namespace")
        for var, chosen, prop in (
            ("POWERTOOLS_SERVICE_NAME", service, "service_name"),
            ("POWERTOOLS_METRICS_NAMESPACE", namespace, "metrics_namespace"),
        ):
            if chosen is not None and var in env and env[var] != chosen:
                checker.add(
                    f"environment[{var!r}]",
                    env[var],
                    f"contradicts {prop}={chosen!r}; set one of them",
                )
        env.setdefault("POWERTOOLS_SERVICE_NAME", service or str(construct_id))
        if namespace is None:
            stack_name = _stack_name(scope)
            namespace = None if is_token(stack_name) else stack_name
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
        set_by_us = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE"} - set(
            v.get("environment") or {}
        )
        set_by_us.add("POWERTOOLS_LOG_LEVEL")

    secrets: dict[str, Any] = dict(v.get("secrets") or {})
    named = given.get("secrets")
    given_env = given.get("environment")
    for name in named if isinstance(named, Mapping) else {}:
        prop = f"secrets[{name!r}]"
        if name in limits.RESERVED_ENVIRONMENT_KEYS:
            checker.add(prop, "...", "is reserved by Lambda and cannot be set", rendered="...")
        elif isinstance(given_env, Mapping) and name in given_env:
            checker.add(prop, "...", "is also set in environment=; use one of them", rendered="...")
        elif name in set_by_us:
            checker.add(
                prop,
                "...",
                f"{name} is set by HardenedFunction (Powertools); pick another name",
                rendered="...",
            )
        elif name in secrets:
            source = secrets[name]
            env[name] = (
                source.secret_arn if hasattr(source, "secret_arn") else source.parameter_name
            )
    return env, secrets, _environment_size(checker, env)


def _environment_size(checker: PropsChecker, env: Mapping[str, str]) -> str | None:
    """Check Lambda's 4 KB limit on everything the function receives, in UTF-8 bytes."""
    known = tokens = 0
    for key, value in env.items():
        known += len(key.encode())
        if is_token(value):
            tokens += 1
        else:
            known += len(value.encode())
    limit = limits.ENVIRONMENT_MAX_BYTES
    if known > limit:
        checker.add(
            "environment",
            f"{known} bytes",
            f"everything Lambda receives (environment, secrets' references and the "
            f"Powertools variables) must total at most {limit} bytes (AWS Lambda limit); "
            f"this is at least {known:,} bytes" + (f" plus {tokens} {TOKEN}(s)" if tokens else ""),
            rendered=f"<{known} bytes>",
        )
        return None
    estimate = known + tokens * TOKEN_ESTIMATE_BYTES
    if estimate > limit:
        return (
            f"The environment is {known:,} bytes plus {tokens} values resolved at deployment "
            f"(estimated at {TOKEN_ESTIMATE_BYTES} bytes each): about {estimate:,} bytes, over "
            f"Lambda's {limit}-byte limit. Deployment fails if they are that long."
        )
    return None


def _network(checker: PropsChecker, v: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    vpc = v.get("vpc")
    if vpc is None:
        if given.get("vpc") is None:
            for prop in (
                "vpc_subnets",
                "security_groups",
                "allow_public_subnet",
                "allow_all_outbound",
                "allow_all_ipv6_outbound",
                "ipv6_allowed_for_dual_stack",
            ):
                if given.get(prop) is not None:
                    checker.add(
                        f"{prop} + vpc", given[prop], f"{prop} needs vpc= (it configures the VPC)"
                    )
        return
    if "vpc_subnets" not in v and given.get("vpc_subnets") is not None:
        return  # already reported
    subnets = v.get("vpc_subnets")
    selection_kwargs = subnets if isinstance(subnets, Mapping) else {}
    try:
        selected = (
            vpc.select_subnets(subnets)
            if isinstance(subnets, ec2.SubnetSelection)
            else vpc.select_subnets(**selection_kwargs)
        )
        if given.get("allow_public_subnet") is True:
            return
        public = {s.subnet_id for s in vpc.public_subnets}
        if any(subnet in public for subnet in selected.subnet_ids):
            checker.add(
                "vpc_subnets",
                subnets if subnets is not None else "<default selection>",
                "selects public subnets, where a function has no internet access; select "
                "private subnets (SubnetType.PRIVATE_WITH_EGRESS) or pass "
                "allow_public_subnet=True if that is what you want",
                rendered=None if subnets is not None else "<default selection>",
            )
    except RuntimeError as exc:  # aws-cdk-lib's own message, without the JavaScript stack
        message = str(exc).split("\n", 1)[0]
        message = re.sub(r"^@jsii/kernel\.\w+: |^\w*Error: ", "", message)
        checker.add("vpc_subnets", subnets, f"cannot be selected in this VPC: {message}")
