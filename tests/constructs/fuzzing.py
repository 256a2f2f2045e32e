"""Value pools for fuzzing the constructs' keyword arguments, and the one property they obey.

Each declared prop has a pool of valid values (each fits the prop's kind on its own) and a
pool of invalid ones (wrong types, out of range, tokens where a number is needed, values a
practice forbids, settings that need another one). Values are *recipes*, functions of the
stack, because most aws-cdk-lib objects need a scope. ``tests/constructs/test_fuzz.py`` draws
combinations with hypothesis; ``scripts/fuzz_constructs.py`` draws a fixed number with a
seed and counts the outcomes (for the numbers in a closing note). A meta-test keeps every
declared prop covered here.

The property: building a construct raises :class:`~best_lambda.InvalidPropsError` or
nothing. A combination with an invalid value always raises it, naming that prop; one built
from valid values either builds (and then synthesizes with no error-level BestLambda
finding) or is refused for a contradiction between them — never another exception.

This module imports only aws-cdk-lib, so the script can run it against older versions.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_apigatewayv2 as apigatewayv2
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

Recipe = Callable[[cdk.Stack], Any]
_ids = itertools.count()
CODE = "def handler(event, context):\n    return {}\n"


def _id(prefix: str) -> str:
    return f"{prefix}{next(_ids)}"


def const(value: Any) -> Recipe:
    """A recipe for a plain value (the same each time)."""
    return lambda _stack: value


def _token_number() -> float:
    return cdk.Token.as_number(cdk.Aws.ACCOUNT_ID)


def _queue(stack: cdk.Stack) -> sqs.Queue:
    return sqs.Queue(
        stack,
        _id("Q"),
        enforce_ssl=True,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        retention_period=cdk.Duration.days(14),
    )


def _layer(stack: cdk.Stack) -> lambda_.ILayerVersion:
    return lambda_.LayerVersion.from_layer_version_arn(
        stack, _id("L"), "arn:aws:lambda:eu-west-1:123456789012:layer:deps:1"
    )


def _secret(stack: cdk.Stack) -> secretsmanager.ISecret:
    return secretsmanager.Secret.from_secret_name_v2(stack, _id("S"), "orders/db")


#: Invalid for any prop that takes an object: a str, a number, a bare object.
WRONG_TYPES: list[Recipe] = [
    const("arn:aws:sqs:eu-west-1:123456789012:x"),
    const(5),
    const(object()),
]

FUNCTION_POOLS: dict[str, tuple[list[Recipe], list[Recipe]]] = {
    "code": (
        [lambda _s: lambda_.Code.from_inline(CODE)],
        [const("def handler(e, c): pass"), const(5)],
    ),
    "handler": (
        [const("index.handler"), const("app.main")],
        [const(""), const("app handler"), const("x" * 129), const(5)],
    ),
    "runtime": (
        [
            const(lambda_.Runtime.PYTHON_3_13),
            const(lambda_.Runtime.PYTHON_3_12),
            const(lambda_.Runtime.NODEJS_22_X),
        ],
        [
            const("python3.13"),
            const(lambda_.Runtime.PYTHON_3_9),
            const(lambda_.Runtime.FROM_IMAGE),
            const(lambda_.Runtime.JAVA_21),  # takes no inline code
        ],
    ),
    "architecture": (
        [const(lambda_.Architecture.ARM_64), const(lambda_.Architecture.X86_64)],
        [const("arm64")],
    ),
    "timeout": (
        [
            const(cdk.Duration.seconds(1)),
            const(cdk.Duration.seconds(29)),
            const(cdk.Duration.minutes(15)),
        ],
        [
            const(cdk.Duration.minutes(16)),
            const(cdk.Duration.millis(1500)),
            const(30),
            lambda _s: cdk.Duration.seconds(_token_number()),
            lambda _s: cdk.Duration.minutes(_token_number()),
        ],
    ),
    "memory_size": (
        [const(128), const(1769), const(10_240)],
        [
            const(64),
            const(20_000),
            const("512"),
            const(True),
            const(512.5),
            lambda _s: _token_number(),
        ],
    ),
    "environment": (
        [const({"TABLE_NAME": "orders"}), const({"A1": "x", "B_2": ""})],
        [
            const(7),
            const(["A=1"]),
            const({"A": "x"}),
            const({"1A": "x"}),
            const({"AWS_REGION": "eu-west-1"}),
            const({"DB_PASSWORD": "hunter2-hunter2"}),
            const({"DB_PASSWORD": "{{resolve:secretsmanager:db:SecretString:password}}"}),
            const({"API_KEY": "{{resolve:ssm-secure:/shop/api-key}}"}),
            const({"BIG": "x" * 5_000}),
            const({"BIG": "é" * 2_100}),
            const({"PORT": 8080}),
        ],
    ),
    "secrets": (
        [lambda s: {"DB_SECRET_ARN": _secret(s)}],
        [
            const({"DB PASSWORD": "hunter2"}),
            const({"DB": 42}),
            const("hunter2"),
            lambda s: {"AWS_REGION": _secret(s)},
            lambda s: {"POWERTOOLS_LOG_LEVEL": _secret(s)},
        ],
    ),
    "description": ([const("Creates orders.")], [const("x" * 257), const(5)]),
    "function_name": (
        [lambda _s: _id("orders-api-")],
        [const("orders api"), const("x" * 65), const(5)],
    ),
    "tracing": (
        [const(lambda_.Tracing.ACTIVE)],
        [const(lambda_.Tracing.DISABLED), const(lambda_.Tracing.PASS_THROUGH), const("Active")],
    ),
    "logging_format": (
        [const(lambda_.LoggingFormat.JSON)],
        [const("JSON")],
    ),
    "application_log_level_v2": (
        [const(lambda_.ApplicationLogLevel.INFO), const(lambda_.ApplicationLogLevel.WARN)],
        [const("INFO")],
    ),
    "system_log_level_v2": (
        [const(lambda_.SystemLogLevel.INFO), const(lambda_.SystemLogLevel.WARN)],
        [const("INFO")],
    ),
    "log_group": (
        [lambda s: logs.LogGroup(s, _id("G"), retention=logs.RetentionDays.ONE_WEEK)],
        WRONG_TYPES,
    ),
    "log_retention": (
        [const(logs.RetentionDays.ONE_WEEK), const(logs.RetentionDays.ONE_YEAR)],
        [const(logs.RetentionDays.INFINITE), const(30)],
    ),
    "dead_letter_queue": ([_queue], WRONG_TYPES),
    "dead_letter_queue_enabled": ([const(True), const(False)], [const("no"), const(1)]),
    "on_failure": (
        [lambda s: destinations.SqsDestination(_queue(s))],
        [*WRONG_TYPES, _queue],
    ),
    "on_success": ([lambda s: destinations.SqsDestination(_queue(s))], WRONG_TYPES),
    "retry_attempts": (
        [const(0), const(2)],
        [const(3), const(-1), const("2"), lambda _s: _token_number()],
    ),
    "max_event_age": (
        [const(cdk.Duration.seconds(60)), const(cdk.Duration.hours(6))],
        [
            const(cdk.Duration.seconds(30)),
            const(cdk.Duration.hours(7)),
            lambda _s: cdk.Duration.hours(_token_number()),
        ],
    ),
    "recursive_loop": (
        [const(lambda_.RecursiveLoop.TERMINATE)],
        [const(lambda_.RecursiveLoop.ALLOW)],
    ),
    "reserved_concurrent_executions": ([const(1), const(50)], [const(0), const(-5), const("5")]),
    "role": (
        [
            lambda s: iam.Role(
                s, _id("R"), assumed_by=iam.ServicePrincipal("lambda.amazonaws.com")
            ),
        ],
        WRONG_TYPES,
    ),
    "vpc": ([], [const("vpc-1234")]),
    "vpc_subnets": (
        [],
        [const(ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)), const(5)],
    ),
    "security_groups": ([], [const("sg-1"), const(["sg-1"])]),
    "allow_public_subnet": ([], [const(True), const("yes")]),
    "allow_all_outbound": ([], [const(False), const("no")]),
    "allow_all_ipv6_outbound": ([], [const(True), const(1)]),
    "ipv6_allowed_for_dual_stack": ([], [const(True), const(1)]),
    "layers": (
        [lambda s: [_layer(s)]],
        [
            const("arn:aws:lambda:eu-west-1:123456789012:layer:deps:1"),
            const(5),
            const(["arn:aws:lambda:eu-west-1:123456789012:layer:deps:1"]),
            lambda s: [_layer(s) for _ in range(6)],
        ],
    ),
    "ephemeral_storage_size": (
        [const(cdk.Size.mebibytes(512)), const(cdk.Size.gibibytes(10))],
        [const(cdk.Size.mebibytes(256)), const(cdk.Size.kibibytes(600_000)), const(512)],
    ),
    "alarm_topic": ([lambda s: sns.Topic(s, _id("T"), enforce_ssl=True)], WRONG_TYPES),
    "create_alarms": ([const(True), const(False)], [const("yes")]),
    "deployment": (
        [
            lambda _s: {},
            const(
                {
                    "deployment_config": codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE,
                    "provisioned_concurrent_executions": 2,
                    "alias_name": "prod",
                }
            ),
            lambda s: {
                "post_hook": lambda_.Function.from_function_attributes(
                    s,
                    _id("Hook"),
                    function_arn="arn:aws:lambda:eu-west-1:123456789012:function:smoke",
                    same_environment=True,
                )
            },
        ],
        [
            const("canary"),
            const({"alias_name": "123"}),
            const({"provisioned_concurrent_executions": 0}),
            const({"alias": "live"}),
            const({"alarms": ["ErrorsAlarm"]}),
            const({"deployment_config": "CANARY_10_PERCENT_5_MINUTES"}),
            lambda s: {
                "pre_hook": lambda_.Function.from_function_arn(
                    s, _id("Hook"), "arn:aws:lambda:eu-west-1:123456789012:function:smoke"
                )
            },
        ],
    ),
    "service_name": ([const("orders")], [const(""), const(5), const("x" * 256)]),
    "metrics_namespace": ([const("Shop")], [const("AWS/Lambda"), const(""), const("bad|chars")]),
    "powertools_environment": ([const(True), const(False)], [const("no")]),
    "adot_instrumentation": ([], WRONG_TYPES),
    "code_signing_config": ([], WRONG_TYPES),
    "current_version_options": (
        [const(lambda_.VersionOptions(removal_policy=cdk.RemovalPolicy.RETAIN))],
        [const("retain"), const(5)],
    ),
    "durable_config": ([], [const("on"), const(5)]),
    "environment_encryption": (
        [lambda s: kms.Key(s, _id("K"), enable_key_rotation=True)],
        WRONG_TYPES,
    ),
    "events": ([], [const("sqs"), const([5])]),
    "filesystem": ([], WRONG_TYPES),
    "initial_policy": (
        [
            const(
                [
                    iam.PolicyStatement(
                        actions=["s3:GetObject"], resources=["arn:aws:s3:::orders/in/*"]
                    )
                ]
            )
        ],
        [const("s3:GetObject"), const([5])],
    ),
    "insights_version": ([], WRONG_TYPES),
    "params_and_secrets": ([], WRONG_TYPES),
    "profiling": ([const(False)], [const("no")]),
    "profiling_group": ([], WRONG_TYPES),
    "runtime_management_mode": ([const(lambda_.RuntimeManagementMode.AUTO)], WRONG_TYPES),
    "snap_start": ([const(lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS)], WRONG_TYPES),
    "tenancy_config": ([], WRONG_TYPES),
}

#: Keyword arguments no construct has: typos and deprecated or misplaced names.
UNKNOWN: list[tuple[str, Recipe]] = [
    ("timout", const(cdk.Duration.seconds(5))),
    ("memory", const(512)),
    ("log_format", const("JSON")),
    ("provisioned_concurrent_executions", const(2)),
]

QUEUE_POOLS: dict[str, tuple[list[Recipe], list[Recipe]]] = {
    "queue": ([], WRONG_TYPES),
    "fifo": ([const(False)], [const("yes")]),
    "content_based_deduplication": ([], [const(True), const("yes")]),
    "batch_size": ([const(1), const(10)], [const(0), const(10_001), const("10")]),
    "max_batching_window": (
        [const(cdk.Duration.seconds(0)), const(cdk.Duration.seconds(5))],
        [
            const(cdk.Duration.minutes(6)),
            const(5),
            lambda _s: cdk.Duration.seconds(_token_number()),
        ],
    ),
    "max_concurrency": ([const(2), const(10)], [const(1), const(1_001)]),
    "max_receive_count": ([const(5), const(10)], [const(0), const(1_001)]),
    "visibility_timeout": (
        [const(cdk.Duration.hours(2))],
        [const(cdk.Duration.seconds(10)), const(cdk.Duration.hours(13))],
    ),
    "retention_period": (
        [const(cdk.Duration.days(4)), const(cdk.Duration.days(14))],
        [const(cdk.Duration.days(15)), const(cdk.Duration.seconds(30))],
    ),
    "encryption_key": ([lambda s: kms.Key(s, _id("K"), enable_key_rotation=True)], WRONG_TYPES),
    "report_batch_item_failures": ([const(True)], [const("yes")]),
    "filters": (
        [
            const(
                [
                    lambda_.FilterCriteria.filter(
                        {"body": {"kind": lambda_.FilterRule.is_equal("order")}}
                    )
                ]
            )
        ],
        [const("body.kind = order"), const([{"pattern": 5}])],
    ),
    "message_age_sla": (
        [const(cdk.Duration.minutes(30))],
        [const(cdk.Duration.seconds(0)), const(cdk.Duration.days(15))],
    ),
}


def _table(stream: bool) -> Recipe:
    def make(stack: cdk.Stack) -> dynamodb.TableV2:
        return dynamodb.TableV2(
            stack,
            _id("Table"),
            partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
            dynamo_stream=dynamodb.StreamViewType.NEW_IMAGE if stream else None,
        )

    return make


STREAM_POOLS: dict[str, tuple[list[Recipe], list[Recipe]]] = {
    "stream": (
        [lambda s: kinesis.Stream(s, _id("K"), stream_mode=kinesis.StreamMode.ON_DEMAND)],
        WRONG_TYPES,
    ),
    "table": ([_table(stream=True)], [_table(stream=False), *WRONG_TYPES]),
    "stream_mode": ([const(kinesis.StreamMode.ON_DEMAND)], [const("ON_DEMAND")]),
    "shard_count": ([], [const(0), const("1")]),
    "retention_period": (
        [const(cdk.Duration.hours(24)), const(cdk.Duration.days(7))],
        [const(cdk.Duration.hours(1)), const(cdk.Duration.days(400))],
    ),
    "enhanced_fan_out": ([const(True), const(False)], [const("yes")]),
    "starting_position": (
        [const(lambda_.StartingPosition.TRIM_HORIZON), const(lambda_.StartingPosition.LATEST)],
        [const("LATEST")],
    ),
    "starting_position_timestamp": ([], [const("yesterday"), const(-1)]),
    "batch_size": ([const(1), const(100), const(10_000)], [const(0), const(10_001), const("10")]),
    "max_batching_window": (
        [const(cdk.Duration.seconds(0)), const(cdk.Duration.seconds(5))],
        [const(cdk.Duration.minutes(6)), const(5)],
    ),
    "parallelization_factor": ([const(1), const(10)], [const(0), const(11)]),
    "bisect_batch_on_error": ([const(True)], [const("yes")]),
    "retry_attempts": (
        [const(0), const(10), const(10_000)],
        [const(-2), const(10_001), const("1")],
    ),
    "max_record_age": (
        [const(cdk.Duration.minutes(1)), const(cdk.Duration.hours(1))],
        [const(cdk.Duration.seconds(30)), const(cdk.Duration.days(8))],
    ),
    "on_failure": ([_queue], WRONG_TYPES),
    "report_batch_item_failures": ([const(True)], [const("yes")]),
    "tumbling_window": (
        [const(cdk.Duration.seconds(60))],
        [const(cdk.Duration.seconds(901)), const(60)],
    ),
    "filters": (
        [
            const(
                [
                    lambda_.FilterCriteria.filter(
                        {"eventName": lambda_.FilterRule.is_equal("INSERT")}
                    )
                ]
            )
        ],
        [const("eventName = INSERT"), const([{"pattern": 5}])],
    ),
    "enabled": ([const(True)], [const("yes")]),
    "iterator_age_sla": (
        [const(cdk.Duration.minutes(10))],
        [const(cdk.Duration.hours(2)), const(5)],
    ),
}

API_POOLS: dict[str, tuple[list[Recipe], list[Recipe]]] = {
    "rest_api": ([lambda s: apigateway.RestApi(s, _id("Rest"))], WRONG_TYPES),
    "http_api": ([lambda s: apigatewayv2.HttpApi(s, _id("Http"))], WRONG_TYPES),
    "path": ([const("/orders"), const("/orders/{id}")], [const("orders"), const(5)]),
    "method": ([const("GET"), const("POST")], [const("FETCH"), const(5)]),
    "authorizer": ([], WRONG_TYPES),
    "function_url": ([const(True)], [const("yes")]),
    "auth_type": (
        [const(lambda_.FunctionUrlAuthType.AWS_IAM)],
        [const("NONE"), const(lambda_.FunctionUrlAuthType.NONE)],
    ),
    "public_url_reason": ([], [const(5), const("")]),
    "cors": ([const({"allowed_origins": ["https://shop.example.com"]})], [const("*")]),
    "provisioned_concurrent_executions": ([const(1), const(5)], [const(0), const("1")]),
    "alias_name": ([const("live")], [const(""), const("bad name"), const(5)]),
}


TOPIC_POOLS: dict[str, tuple[list[Recipe], list[Recipe]]] = {
    "topic": ([lambda s: sns.Topic(s, _id("T"), enforce_ssl=True)], WRONG_TYPES),
    "master_key": ([lambda s: kms.Key(s, _id("K"), enable_key_rotation=True)], WRONG_TYPES),
    "filter_policy": (
        [const({"kind": sns.SubscriptionFilter.string_filter(allowlist=["order"])})],
        [const({"kind": "order"}), const("kind=order")],
    ),
    "filter_policy_with_message_body": ([], [const({"kind": "order"}), const(5)]),
    "dead_letter_queue": ([_queue], WRONG_TYPES),
}

RULE_POOLS: dict[str, tuple[list[Recipe], list[Recipe]]] = {
    "event_pattern": (
        [const(events.EventPattern(source=["shop.orders"]))],
        [const("source=shop"), const(5)],
    ),
    "event_bus": ([lambda s: events.EventBus(s, _id("Bus"))], WRONG_TYPES),
    "description": ([const("Orders paid")], [const("x" * 513), const(5)]),
    "retry_attempts": ([const(0), const(185)], [const(186), const(-1), const("3")]),
    "max_event_age": (
        [const(cdk.Duration.minutes(1)), const(cdk.Duration.hours(24))],
        [const(cdk.Duration.seconds(59)), const(cdk.Duration.hours(25)), const(60)],
    ),
    "dead_letter_queue": ([_queue], WRONG_TYPES),
}

SCHEDULE_POOLS: dict[str, tuple[list[Recipe], list[Recipe]]] = {
    "schedule": (
        [
            const(scheduler.ScheduleExpression.rate(cdk.Duration.hours(1))),
            const(scheduler.ScheduleExpression.cron(minute="15", hour="2")),
        ],
        [const("rate(1 hour)"), const(scheduler.ScheduleExpression.expression("rate(0 minutes)"))],
    ),
    "time_zone": ([const(cdk.TimeZone.EUROPE_LONDON)], [const("Europe/London")]),
    "time_window": (
        [const(scheduler.TimeWindow.off())],
        [const("off"), const(scheduler.TimeWindow.flexible(cdk.Duration.hours(2)))],
    ),
    "retry_attempts": ([const(0), const(185)], [const(186), const("3")]),
    "max_event_age": (
        [const(cdk.Duration.minutes(5))],
        [const(cdk.Duration.seconds(30)), const(cdk.Duration.days(2))],
    ),
    "dead_letter_queue": ([_queue], WRONG_TYPES),
    "schedule_group": ([lambda s: scheduler.ScheduleGroup(s, _id("G"))], WRONG_TYPES),
    "input": ([const(scheduler.ScheduleTargetInput.from_object({"run": "nightly"}))], WRONG_TYPES),
    "description": ([const("Nightly summary")], [const("x" * 513), const(5)]),
    "enabled": ([const(True), const(False)], [const("yes")]),
}

BUCKET_POOLS: dict[str, tuple[list[Recipe], list[Recipe]]] = {
    "bucket": ([lambda s: s3.Bucket(s, _id("B"), enforce_ssl=True)], WRONG_TYPES),
    "server_access_logs_bucket": ([], WRONG_TYPES),
    "events": (
        [const([s3.EventType.OBJECT_CREATED]), const([s3.EventType.OBJECT_REMOVED])],
        [const(s3.EventType.OBJECT_CREATED), const(["s3:ObjectCreated:*"])],
    ),
    "prefix": ([const("in/")], [const(5), const("x" * 1_025)]),
    "suffix": ([const(".jpg")], [const(5)]),
    "output_prefix": ([const("out/")], [const(""), const(5)]),
    "through_queue": ([const(True), const(False)], [const("yes")]),
    "queue_options": ([const({"batch_size": 10})], [const("big"), const({"batch_size": 0})]),
}


#: What a trigger needs before anything else can be judged (added when a case lacks it).
REQUIRED: dict[str, dict[str, Recipe]] = {
    "EventRuleHandler": {"event_pattern": const(events.EventPattern(source=["shop.orders"]))},
    "ScheduledFunction": {
        "schedule": const(scheduler.ScheduleExpression.rate(cdk.Duration.hours(1)))
    },
}


@dataclass(frozen=True)
class Case:
    """One set of keyword arguments: each as (prop, recipe index, valid?)."""

    choices: tuple[tuple[str, int, bool], ...]

    @property
    def valid(self) -> bool:
        """Whether every value is valid on its own."""
        return all(valid for _, _, valid in self.choices)


def realize(
    case: Case, stack: cdk.Stack, pools: dict[str, tuple[list[Recipe], list[Recipe]]]
) -> dict[str, Any]:
    """The keyword arguments of ``case``, built in ``stack``."""
    kwargs: dict[str, Any] = {}
    unknown = dict(UNKNOWN)
    for prop, index, valid in case.choices:
        if prop in unknown and prop not in pools:
            kwargs[prop] = unknown[prop](stack)
            continue
        recipes = pools[prop][0 if valid else 1]
        kwargs[prop] = recipes[index % len(recipes)](stack)
    return kwargs


#: Props whose "invalid" values are valid settings that need another prop (vpc_subnets
#: without vpc): with that prop present, even if wrong, they need not be named.
NEEDS = {
    "vpc_subnets": "vpc",
    "security_groups": "vpc",
    "allow_public_subnet": "vpc",
    "allow_all_outbound": "vpc",
    "allow_all_ipv6_outbound": "vpc",
    "ipv6_allowed_for_dual_stack": "vpc",
    "content_based_deduplication": "fifo",
    "shard_count": "stream_mode",
    "starting_position_timestamp": "starting_position",
    "public_url_reason": "auth_type",
    "auth_type": "function_url",
    "queue_options": "through_queue",
    "time_window": "schedule",  # a 2 h window is too long for the default hourly schedule only
}


def invalid_props(case: Case) -> set[str]:
    """The props whose value is invalid on its own (each must be named in the error)."""
    present = {prop for prop, _, _ in case.choices}
    return {prop for prop, _, valid in case.choices if not valid and NEEDS.get(prop) not in present}


def draw_case(
    choose: Callable[[list[Any]], Any],
    pools: dict[str, tuple[list[Recipe], list[Recipe]]],
    *,
    size: int,
    valid_only: bool = False,
) -> Case:
    """A case of ``size`` distinct props; ``choose`` picks from a list (random or hypothesis)."""
    unknown = [name for name, _ in UNKNOWN if name not in pools]
    names = sorted(pools) + ([] if valid_only else unknown)
    chosen: list[str] = []
    while len(chosen) < size:
        name = choose(names)
        if name not in chosen:
            chosen.append(name)
    choices = []
    for name in chosen:
        if name in unknown:
            choices.append((name, 0, False))
            continue
        valid_pool, invalid_pool = pools[name]
        options = [True] * bool(valid_pool) + [False] * bool(invalid_pool and not valid_only)
        if not options:
            continue
        valid = choose(options)
        pool = valid_pool if valid else invalid_pool
        choices.append((name, choose(list(range(len(pool)))), valid))
    return Case(tuple(choices))
