"""Every keyword argument of :class:`~best_lambda.HardenedFunction`, declared once.

:data:`FUNCTION_PROPS` is the single source for validation, the README defaults table, the
docstring's parameter section and the constructor signature test. Plain values only (no
aws-cdk-lib objects), so importing this module costs nothing.

Changing a default changes users' templates: it is a breaking change that needs a
CHANGELOG entry.
"""

from __future__ import annotations

from best_lambda import limits
from best_lambda.props import (
    AnyOf,
    Enum,
    Flag,
    Instance,
    Integer,
    Interface,
    ListOf,
    MapOf,
    Options,
    Prop,
    PropTable,
    Refused,
    Seconds,
    SizeMB,
    Struct,
    Text,
)

__all__ = [
    "ALARM_PERIOD_MINUTES",
    "APPLICATION_LOG_LEVEL",
    "ARCHITECTURE",
    "ASYNC_MAX_EVENT_AGE_SECONDS",
    "ASYNC_RETRY_ATTEMPTS",
    "DLQ_RETENTION_DAYS",
    "DURATION_ALARM_RATIO",
    "ENV_KEY_PATTERN",
    "FUNCTION_PROPS",
    "LOG_RETENTION",
    "MEMORY_MB",
    "RUNTIME",
    "SYSTEM_LOG_LEVEL",
    "TIMEOUT_SECONDS",
    "TRIGGER_FUNCTION_PROPS",
]

#: The default runtime. A constant that changes only in a best-lambda release (CHANGELOG),
#: never because aws-cdk-lib was upgraded; ``tests/constructs`` check it against the
#: deprecation table and against the newest Python runtime aws-cdk-lib knows.
RUNTIME = "python3.14"
ARCHITECTURE = "ARM_64"
TIMEOUT_SECONDS = 10
MEMORY_MB = 512
LOG_RETENTION = "ONE_MONTH"
APPLICATION_LOG_LEVEL = "INFO"
SYSTEM_LOG_LEVEL = "INFO"
ASYNC_RETRY_ATTEMPTS = 2
ASYNC_MAX_EVENT_AGE_SECONDS = 6 * 3600
DLQ_RETENTION_DAYS = 14
DURATION_ALARM_RATIO = 0.8
ALARM_PERIOD_MINUTES = 5
#: Lambda's rule for environment variable names: a letter, then at least one letter, digit
#: or underscore (API_Environment: ``[a-zA-Z]([a-zA-Z0-9_])+``).
ENV_KEY_PATTERN = r"[a-zA-Z][a-zA-Z0-9_]+"
#: CloudWatch's rule for metric namespaces.
_NAMESPACE_PATTERN = r"(?!AWS/)[A-Za-z0-9.\-_/#: ]{1,255}"

_ENV_KEY = Text(
    min_len=2,
    pattern=ENV_KEY_PATTERN,
    pattern_doc="a letter, then letters, digits or '_' (Lambda's rule [a-zA-Z]([a-zA-Z0-9_])+)",
)
_SECRET_SOURCE = AnyOf(
    (
        Interface("aws_secretsmanager.ISecret", ("secret_arn", "grant_read")),
        Interface("aws_ssm.IParameter", ("parameter_name", "grant_read")),
    )
)

FUNCTION_PROPS = PropTable(
    "HardenedFunction",
    (
        Prop(
            "code",
            Instance("aws_lambda.Code", "Code.from_asset('src/my_function')"),
            "The function's code, as for ``aws_lambda.Function`` (``Code.from_asset(...)``).",
            required=True,
        ),
        Prop(
            "handler",
            Text(max_len=128, pattern=r"[^\s]+", pattern_doc="non-whitespace characters"),
            "The entry point, such as ``'app.handler'``.",
            required=True,
        ),
        Prop(
            "runtime",
            Instance("aws_lambda.Runtime", "Runtime.PYTHON_3_14"),
            "A supported runtime; a deprecated one is refused.",
            default_doc=f"{RUNTIME} (a pinned constant, changed only in a best-lambda release)",
            reason="Runtimes get security patches until their deprecation date (seeds/004 "
            "'Keep runtime updated'). Pinned so that upgrading aws-cdk-lib never changes a "
            "function's runtime behind your back; while a newer Python runtime exists only in "
            "aws-cdk-lib, the construct acknowledges cdk-nag's L1/LambdaLatestVersion for it.",
            source="seeds/004; lambda-runtimes.html",
        ),
        Prop(
            "architecture",
            Instance("aws_lambda.Architecture", "Architecture.ARM_64"),
            "The instruction set.",
            default=ARCHITECTURE,
            default_doc="ARM_64",
            reason="Graviton: up to 34% better price performance than x86_64 (seeds/004 'Use "
            "Graviton (ARM)'). Pass X86_64 for native dependencies built only for x86.",
            source="seeds/004",
        ),
        Prop(
            "timeout",
            Seconds(*limits.TIMEOUT_SECONDS, "AWS Lambda limit"),
            "How long an invocation may run.",
            default=TIMEOUT_SECONDS,
            reason="Lambda's 3 s default is 'often too short' and 900 s wastes money on hung "
            "calls (seeds/000 Constraints, seeds/004); 10 s covers request handlers and stays "
            "under API Gateway's 29 s integration limit.",
            source="seeds/000, seeds/004",
        ),
        Prop(
            "memory_size",
            Integer(*limits.MEMORY_MB, "MB, AWS Lambda limit"),
            "Memory in MB; CPU scales with it.",
            default=MEMORY_MB,
            default_doc=f"{MEMORY_MB} MB",
            reason="CPU scales with memory (seeds/003 §1a); 512 MB keeps Python cold starts "
            "short. Tune with AWS Lambda Power Tuning.",
            source="seeds/003 §1a",
        ),
        Prop(
            "environment",
            MapOf(_ENV_KEY, Text(min_len=0)),
            "Plain configuration. Literal values that look like secrets are refused: pass "
            "them with ``secrets=``. Everything Lambda receives (with ``secrets`` and the "
            "Powertools variables) must fit in 4 KB.",
            sensitive=True,
        ),
        Prop(
            "secrets",
            MapOf(_ENV_KEY, _SECRET_SOURCE),
            "``{'ENV_NAME': secret_or_parameter}``: grants read access to each Secrets "
            "Manager secret or SSM parameter and puts only its ARN (secret) or name "
            "(parameter) in ``ENV_NAME``, never the value.",
            sensitive=True,
        ),
        Prop(
            "description",
            Text(min_len=0, max_len=256, why="AWS Lambda limit"),
            "A description of the function.",
            passthrough=True,
        ),
        Prop(
            "function_name",
            Text(
                max_len=64,
                pattern=r"[A-Za-z0-9\-_]+",
                pattern_doc="letters, digits, '-' and '_'",
                why="AWS Lambda limit",
            ),
            "A physical name. Named functions cannot be replaced in place; leave it unset "
            "unless something outside the stack needs the name.",
            passthrough=True,
        ),
        Prop(
            "tracing",
            Enum(
                "aws_lambda.Tracing",
                allowed=("ACTIVE",),
                why="active X-Ray tracing is an error-level practice, BestLambda-TracingActive",
            ),
            "X-Ray tracing mode.",
            default="ACTIVE",
            reason="Distributed tracing with X-Ray (seeds/001 §5.2, seeds/003 §5b). Its "
            "wildcard permission sits in its own policy so that your grants stay checked.",
            source="seeds/001 §5.2, seeds/003 §5b",
        ),
        Prop(
            "logging_format",
            Enum("aws_lambda.LoggingFormat"),
            "Log format; with ``LoggingFormat.TEXT`` no log levels apply.",
            default="JSON",
            reason="Structured logs (seeds/003 §5a, seeds/004) that Lambda can filter by level.",
            source="seeds/003 §5a",
        ),
        Prop(
            "application_log_level_v2",
            Enum("aws_lambda.ApplicationLogLevel"),
            "Lowest application log level Lambda keeps (JSON logs only).",
            default=APPLICATION_LOG_LEVEL,
            reason="INFO: operational events without debug noise; POWERTOOLS_LOG_LEVEL follows "
            "it so that Lambda never drops Powertools' records.",
            source="seeds/003 §5a",
        ),
        Prop(
            "system_log_level_v2",
            Enum("aws_lambda.SystemLogLevel"),
            "Lowest platform log level Lambda keeps (JSON logs only).",
            default=SYSTEM_LOG_LEVEL,
            reason="INFO keeps the REPORT lines (duration, max memory used) needed to "
            "right-size memory.",
            source="seeds/003 §1a",
        ),
        Prop(
            "log_group",
            Interface("aws_logs.ILogGroup", ("log_group_name", "grant_write")),
            "Your own log group; the function is granted writes to it.",
            default_doc="a dedicated log group (``LogGroup`` child)",
            reason="Logs in CloudWatch with a finite retention (seeds/001 §5.1); replaces the "
            "deprecated log_retention custom resource.",
            source="seeds/001 §5.1",
        ),
        Prop(
            "log_retention",
            Enum(
                "aws_logs.RetentionDays",
                refused=("INFINITE",),
                why="BestLambda-LogRetention: logs kept forever cost money forever",
            ),
            "Retention of the log group the construct creates.",
            default=LOG_RETENTION,
            reason="A month of logs to investigate incidents, without paying to store logs "
            "forever (seeds/001 §5.1).",
            source="seeds/001 §5.1",
        ),
        Prop(
            "dead_letter_queue",
            Interface("aws_sqs.IQueue", ("queue_arn", "grant_send_messages")),
            "Your own queue for events that failed every asynchronous retry.",
            default_doc="an SQS queue: SSE, TLS-only, 14 days retention",
            reason="Capture async events that failed all retries (seeds/000 step 5, seeds/003 "
            "§4b); 14 days is the longest SQS keeps a message.",
            source="seeds/000 step 5, seeds/003 §4b",
        ),
        Prop(
            "dead_letter_queue_enabled",
            Flag(),
            "``False`` for functions nothing invokes asynchronously (API handlers, queue and "
            "stream consumers): no DLQ, no async retry configuration, no DLQ alarms.",
            default_doc="True, unless on_failure= is given",
        ),
        Prop(
            "on_failure",
            Interface("aws_lambda.IDestination", ("bind",)),
            "An on-failure destination instead of the dead-letter queue (not both: each "
            "failed event would be delivered twice).",
        ),
        Prop(
            "on_success",
            Interface("aws_lambda.IDestination", ("bind",)),
            "An on-success destination for asynchronous invocations.",
        ),
        Prop(
            "retry_attempts",
            Integer(0, limits.ASYNC_MAX_RETRY_ATTEMPTS, "AWS Lambda limit"),
            "Asynchronous retries after a failed invocation.",
            default=ASYNC_RETRY_ATTEMPTS,
            reason="Bounded, explicit async retries (seeds/003 §4a) instead of implicit ones.",
            source="seeds/003 §4a",
        ),
        Prop(
            "max_event_age",
            Seconds(
                limits.ASYNC_MIN_EVENT_AGE_SECONDS,
                limits.ASYNC_MAX_EVENT_AGE_SECONDS,
                "AWS Lambda limit",
            ),
            "How long Lambda keeps an asynchronous event it could not process yet.",
            default=ASYNC_MAX_EVENT_AGE_SECONDS,
            reason="Stated explicitly (Lambda's maximum) so a throttled event is retried as "
            "long as Lambda allows, then dead-lettered (seeds/003 §4a).",
            source="seeds/003 §4a",
        ),
        Prop(
            "recursive_loop",
            Enum(
                "aws_lambda.RecursiveLoop",
                allowed=("TERMINATE",),
                why="letting a recursive loop run is an error-level practice, "
                "BestLambda-RecursiveLoop",
            ),
            "What Lambda does when it detects a recursive loop.",
            default="TERMINATE",
            reason="Stop recursive invocation loops (seeds/003 §7 'Avoid recursive invocations').",
            source="seeds/003 §7",
        ),
        Prop(
            "reserved_concurrent_executions",
            Integer(1, None, "0 would stop the function from ever running"),
            "Reserve (and cap) concurrency for this function.",
        ),
        Prop(
            "role",
            Interface("aws_iam.IRole", ("role_arn", "grant_principal")),
            "Your own execution role. It is granted log, X-Ray and DLQ permissions; an "
            "immutable role gets none and a warning lists what it must carry.",
            default_doc="a dedicated role: writes to its own log group, X-Ray, its DLQ; "
            "no AWS-managed policies",
            reason="Least privilege, one role per function (seeds/000 step 4 and "
            "Constraints); no AWS-managed policies.",
            source="seeds/000 step 4",
        ),
        Prop(
            "vpc",
            Interface("aws_ec2.IVpc", ("vpc_id", "select_subnets")),
            "A VPC to run in; its network-interface permissions go in their own policy.",
            passthrough=True,
        ),
        Prop(
            "vpc_subnets",
            Struct("aws_ec2.SubnetSelection"),
            "Which subnets of ``vpc`` (private ones by default).",
            passthrough=True,
        ),
        Prop(
            "security_groups",
            ListOf(Interface("aws_ec2.ISecurityGroup", ("security_group_id",))),
            "Security groups for the function's network interfaces.",
            passthrough=True,
        ),
        Prop(
            "allow_public_subnet",
            Flag(),
            "Allow public subnets (a function there has no internet access).",
            passthrough=True,
        ),
        Prop("allow_all_outbound", Flag(), "As for aws_lambda.Function.", passthrough=True),
        Prop("allow_all_ipv6_outbound", Flag(), "As for aws_lambda.Function.", passthrough=True),
        Prop(
            "ipv6_allowed_for_dual_stack",
            Flag(),
            "As for aws_lambda.Function.",
            passthrough=True,
        ),
        Prop(
            "layers",
            ListOf(
                Interface("aws_lambda.ILayerVersion", ("layer_version_arn",)),
                max_len=limits.MAX_LAYERS,
                why="AWS Lambda limit",
            ),
            "Layers; those that declare compatible runtimes must include ``runtime``.",
            passthrough=True,
        ),
        Prop(
            "ephemeral_storage_size",
            SizeMB(*limits.EPHEMERAL_STORAGE_MB, "AWS Lambda limit"),
            "Size of ``/tmp``.",
            passthrough=True,
        ),
        Prop(
            "alarm_topic",
            Interface("aws_sns.ITopic", ("topic_arn",)),
            "SNS topic every alarm notifies; overrides ``AlarmDefaults.of(scope)``.",
            default_doc="the topic set with AlarmDefaults.of(scope).notify(...), if any",
        ),
        Prop(
            "create_alarms",
            Flag(),
            "``False`` to create no alarms.",
            default=True,
            default_doc=(
                f"Errors >= 1, Throttles >= 1, Duration p99 >= {DURATION_ALARM_RATIO:.0%} of "
                f"timeout, DLQ depth >= 1, DLQ delivery errors >= 1 ({ALARM_PERIOD_MINUTES} min)"
            ),
            reason="Alarm on errors, duration and throttles (seeds/003 §5c, seeds/001 §6.1); a "
            "message in a DLQ is a lost event until someone looks.",
            source="seeds/003 §5c, seeds/001 §6.1",
        ),
        Prop(
            "deployment",
            Options("SafeDeployment"),
            "Deploy through a published version and an alias with CodeDeploy: "
            "``SafeDeployment()`` (a canary by default) or ``SafeDeployment(...)`` options. "
            "Triggers best-lambda wires, and ``events=``, invoke the alias (``fn.alias``); "
            "the Errors, Throttles and Duration alarms measure it, over 1 minute, and Errors "
            "and Duration roll a deployment back. Wire aws-cdk-lib integrations to "
            "``fn.alias`` yourself.",
            default_doc="not set: no version, alias or deployment group",
            reason="Opt-in: it adds a CodeDeploy application, deployment group and role per "
            "function, and each deployment of a changed function takes the canary's time. Turn "
            "it on for functions whose errors users see (seeds/003 §4c: versions and aliases "
            "for safe, canary deployments).",
            source="seeds/003 §4c",
        ),
        Prop(
            "service_name",
            Text(max_len=255),
            "POWERTOOLS_SERVICE_NAME.",
            default_doc="the construct ID",
        ),
        Prop(
            "metrics_namespace",
            Text(
                max_len=255,
                pattern=_NAMESPACE_PATTERN,
                pattern_doc="letters, digits and . - _ / # : space, not starting with 'AWS/' "
                "(CloudWatch rule)",
            ),
            "POWERTOOLS_METRICS_NAMESPACE.",
            default_doc="the stack name",
        ),
        Prop(
            "powertools_environment",
            Flag(),
            "``False`` to set no Powertools variables.",
            default=True,
            default_doc="POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, "
            "POWERTOOLS_LOG_LEVEL",
            reason="Powertools reads these; its log level is kept equal to the Lambda "
            "application log level so that Lambda does not drop Powertools' records.",
            source="anchors §7",
        ),
        # aws_lambda.Function's other keyword arguments, checked for type and passed on.
        Prop(
            "adot_instrumentation",
            Struct("aws_lambda.AdotInstrumentationConfig"),
            "As for aws_lambda.Function.",
            passthrough=True,
        ),
        Prop(
            "code_signing_config",
            Interface("aws_lambda.ICodeSigningConfigRef", ("code_signing_config_ref",)),
            "As for aws_lambda.Function.",
            passthrough=True,
        ),
        Prop(
            "current_version_options",
            Struct("aws_lambda.VersionOptions"),
            "Options for ``current_version`` (such as its removal policy).",
            passthrough=True,
        ),
        Prop(
            "durable_config",
            Struct("aws_lambda.DurableConfig"),
            "As for aws_lambda.Function.",
            passthrough=True,
        ),
        Prop(
            "environment_encryption",
            Interface("aws_kms.IKeyRef", ("key_ref",)),
            "KMS key for the environment variables.",
            passthrough=True,
        ),
        Prop(
            "events",
            ListOf(Interface("aws_lambda.IEventSource", ("bind",))),
            "Event sources to add (as ``add_event_source``; to the alias with ``deployment``).",
            passthrough=True,
        ),
        Prop(
            "filesystem",
            Instance("aws_lambda.FileSystem"),
            "An EFS access point or S3 Files mount.",
            passthrough=True,
        ),
        Prop(
            "initial_policy",
            ListOf(Instance("aws_iam.PolicyStatement")),
            "Statements for the role's default policy.",
            passthrough=True,
        ),
        Prop(
            "insights_version",
            Instance("aws_lambda.LambdaInsightsVersion"),
            "As for aws_lambda.Function.",
            passthrough=True,
        ),
        Prop(
            "params_and_secrets",
            Instance("aws_lambda.ParamsAndSecretsLayerVersion"),
            "As for aws_lambda.Function.",
            passthrough=True,
        ),
        Prop("profiling", Flag(), "As for aws_lambda.Function.", passthrough=True),
        Prop(
            "profiling_group",
            Interface("aws_codeguruprofiler.IProfilingGroup", ("profiling_group_name",)),
            "As for aws_lambda.Function.",
            passthrough=True,
        ),
        Prop(
            "runtime_management_mode",
            Instance("aws_lambda.RuntimeManagementMode"),
            "As for aws_lambda.Function.",
            passthrough=True,
        ),
        Prop(
            "snap_start",
            Instance("aws_lambda.SnapStartConf", "SnapStartConf.ON_PUBLISHED_VERSIONS"),
            "SnapStart for published versions (Java 11+, Python 3.12+, .NET 8+): effective "
            "through ``deployment``'s alias. Not with provisioned concurrency, ``filesystem`` "
            "or more than 512 MiB of ``ephemeral_storage_size``.",
            passthrough=True,
        ),
        Prop(
            "tenancy_config",
            Instance("aws_lambda.TenancyConfig"),
            "As for aws_lambda.Function.",
            passthrough=True,
        ),
    ),
    refused=(
        Refused(
            "log_retention_role",
            "belongs to the deprecated Custom::LogRetention function; pass log_group= or "
            "log_retention= instead",
        ),
        Refused(
            "log_retention_retry_options",
            "belongs to the deprecated Custom::LogRetention function; pass log_group= or "
            "log_retention= instead",
        ),
        Refused(
            "log_removal_policy",
            "deprecated in aws-cdk-lib; pass log_group=LogGroup(..., removal_policy=...) instead",
        ),
        Refused("log_format", "deprecated in aws-cdk-lib; use logging_format="),
        Refused(
            "application_log_level", "deprecated in aws-cdk-lib; use application_log_level_v2="
        ),
        Refused("system_log_level", "deprecated in aws-cdk-lib; use system_log_level_v2="),
        Refused(
            "dead_letter_topic",
            "use dead_letter_queue= (an SQS queue keeps failed events for up to 14 days; an SNS "
            "topic only forwards them) or on_failure=",
        ),
        Refused(
            "provisioned_concurrent_executions",
            "provisioned concurrency belongs to the alias callers invoke, not the function: "
            "deployment=SafeDeployment(provisioned_concurrent_executions=N)",
        ),
        Refused("architectures", "use architecture= (one architecture per function)"),
    ),
)

#: The dead-letter queue's retention, seconds (also the QueueConsumer DLQ's).
DLQ_RETENTION_SECONDS = DLQ_RETENTION_DAYS * 86_400

#: The first two props of every trigger construct: the function it invokes, given or built.
TRIGGER_FUNCTION_PROPS = (
    Prop(
        "function",
        Interface("aws_lambda.IFunction", ("function_arn", "add_permission")),
        "An existing function to invoke (typically a HardenedFunction you built). Not with "
        "function_options.",
    ),
    Prop(
        "function_options",
        Options("HardenedFunctionOptions"),
        "Build the function here: HardenedFunctionOptions(code=..., handler=..., ...), every "
        "HardenedFunction keyword argument the way the trigger invokes it allows. Not with "
        "function.",
    ),
)
