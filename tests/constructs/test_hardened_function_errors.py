"""HardenedFunction refuses bad input with one clear error that lists every problem."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs

from best_lambda import HardenedFunction, InvalidPropsError
from best_lambda.rules import runtimes

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")


def problems_of(stack: cdk.Stack, **kwargs: Any) -> list[str]:
    kwargs.setdefault("code", CODE)
    kwargs.setdefault("handler", "index.handler")
    with pytest.raises(InvalidPropsError) as caught:
        HardenedFunction(stack, "Bad", **kwargs)
    error = caught.value
    assert str(error).startswith(f"HardenedFunction 'Bad' has {len(error.problems)} invalid")
    # Nothing was added to the tree: validation runs before any construct is created.
    assert stack.node.try_find_child("Bad") is None
    return [str(p) for p in error.problems]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {"timeout": cdk.Duration.minutes(16)},
            "timeout=Duration.minutes(16): must be a whole number of seconds from 1 to 900",
        ),
        (
            {"timeout": cdk.Duration.millis(1500)},
            "timeout=Duration.millis(1500): must be a whole number of seconds",
        ),
        (
            {"timeout": 30},
            "timeout=30: expected aws_cdk.Duration (e.g. Duration.seconds(1)), got int",
        ),
        (
            {"timeout": cdk.Duration.seconds(cdk.Token.as_number(cdk.Aws.ACCOUNT_ID))},
            "must be a concrete duration, not a token",
        ),
        ({"memory_size": 64}, "memory_size=64: must be an int from 128 to 10,240 (MB"),
        ({"memory_size": 20_000}, "memory_size=20000: must be an int from 128 to 10,240"),
        ({"memory_size": "512"}, "memory_size='512': expected int, got str"),
        ({"memory_size": True}, "memory_size=True: expected int, got bool"),
        (
            {"code": "def handler(e, c): pass"},
            "code='def handler(e, c): pass': expected aws_lambda.Code",
        ),
        ({"handler": ""}, "handler='': must be a str of 1 to 128 characters"),
        ({"handler": "app handler"}, "handler='app handler': must be a str of 1 to 128"),
        ({"runtime": "python3.13"}, "runtime='python3.13': expected aws_lambda.Runtime"),
        (
            {"runtime": lambda_.Runtime.PYTHON_3_9},
            "runtime=Runtime('python3.9'): was deprecated on 2025-12-15",
        ),
        ({"runtime": lambda_.Runtime.FROM_IMAGE}, "container images are not supported"),
        ({"architecture": "arm64"}, "architecture='arm64': expected aws_lambda.Architecture"),
        ({"tracing": lambda_.Tracing.DISABLED}, "tracing=Tracing.DISABLED: must be Tracing.ACTIVE"),
        (
            {"tracing": lambda_.Tracing.PASS_THROUGH},
            "tracing=Tracing.PASS_THROUGH: must be Tracing.ACTIVE",
        ),
        (
            {"recursive_loop": lambda_.RecursiveLoop.ALLOW},
            "recursive_loop=RecursiveLoop.ALLOW: must be RecursiveLoop.TERMINATE",
        ),
        (
            {"log_retention": logs.RetentionDays.INFINITE},
            "log_retention=RetentionDays.INFINITE: must be aws_logs.RetentionDays other than "
            "RetentionDays.INFINITE (BestLambda-LogRetention",
        ),
        ({"log_retention": 30}, "log_retention=30: expected aws_logs.RetentionDays"),
        (
            {
                "logging_format": lambda_.LoggingFormat.TEXT,
                "application_log_level_v2": lambda_.ApplicationLogLevel.DEBUG,
            },
            "application_log_level_v2 + logging_format=ApplicationLogLevel.DEBUG: log levels need "
            "logging_format=LoggingFormat.JSON",
        ),
        ({"retry_attempts": 3}, "retry_attempts=3: must be an int from 0 to 2"),
        (
            {"max_event_age": cdk.Duration.seconds(30)},
            "max_event_age=Duration.seconds(30): must be a whole number of seconds from 60 to "
            "21,600",
        ),
        ({"max_event_age": cdk.Duration.hours(7)}, "from 60 to 21,600"),
        (
            {"reserved_concurrent_executions": 0},
            "reserved_concurrent_executions=0: must be an int of at least 1",
        ),
        (
            {"dead_letter_queue": "arn:aws:sqs:eu-west-1:123456789012:dlq"},
            "dead_letter_queue='arn:aws:sqs:eu-west-1:123456789012:dlq': expected aws_sqs.IQueue",
        ),
        ({"dead_letter_queue_enabled": "no"}, "dead_letter_queue_enabled='no': expected bool"),
        (
            {"environment": {"DB_PASSWORD": "correct-horse-battery"}},
            "environment['DB_PASSWORD']=<redacted>: would expose a secret",
        ),
        (
            {"environment": {"KEY": "AKIAIOSFODNN7EXAMPLE"}},
            "would expose a secret: its value looks like an AWS access key ID",
        ),
        (
            {"environment": {"AWS_REGION": "eu-west-1"}},
            "environment['AWS_REGION']=<redacted>: is reserved by Lambda",
        ),
        (
            {"environment": {"1BAD": "x"}},
            "environment['1BAD']=<redacted>: is not a valid key: must be a str of at least 2 "
            "characters: a letter, then letters, digits or '_'",
        ),
        ({"environment": {"A": "x"}}, "is not a valid key: must be a str of at least 2"),
        ({"environment": {"PORT": 8080}}, "environment['PORT']=<int>: expected str, got int"),
        ({"environment": ["A=1"]}, "environment=<list of 1>: expected a dict of str to str"),
        ({"environment": {"BIG": "x" * 5000}}, "must total at most 4096 bytes"),
        ({"environment": {"BIG": "é" * 2040}}, "this is at least 4,"),
        (
            {"environment": {"POWERTOOLS_LOG_LEVEL": "DEBUG"}},
            "environment['POWERTOOLS_LOG_LEVEL']='DEBUG': must equal the Lambda application log "
            "level (INFO)",
        ),
        (
            {"environment": {"POWERTOOLS_SERVICE_NAME": "a"}, "service_name": "b"},
            "contradicts service_name='b'",
        ),
        (
            {"secrets": {"DB_PASSWORD": "hunter2"}},
            "secrets['DB_PASSWORD']=<redacted>: expected aws_secretsmanager.ISecret or "
            "aws_ssm.IParameter, got str",
        ),
        ({"secrets": {"DB": 42}}, "secrets['DB']=<int>: expected aws_secretsmanager.ISecret"),
        (
            {"metrics_namespace": "AWS/Lambda"},
            "metrics_namespace='AWS/Lambda': must be a str of 1 to 255 characters: letters, "
            "digits and . - _ / # : space, not starting with 'AWS/'",
        ),
        ({"service_name": ""}, "service_name='': must be a str of 1 to 255 characters"),
        ({"create_alarms": "yes"}, "create_alarms='yes': expected bool"),
        ({"alarm_topic": "arn:aws:sns:eu-west-1:123456789012:alarms"}, "expected aws_sns.ITopic"),
        ({"role": "arn:aws:iam::123456789012:role/x"}, "expected aws_iam.IRole"),
        (
            {"log_retention": logs.RetentionDays.ONE_DAY, "log_group": "x"},
            "log_group='x': expected aws_logs.ILogGroup",
        ),
        (
            {"layerz": []},
            "layerz=...: is not a keyword argument of HardenedFunction; did you mean 'layers'?",
        ),
        (
            {"log_format": "JSON"},
            "log_format='JSON': deprecated in aws-cdk-lib; use logging_format=",
        ),
        ({"dead_letter_topic": None}, "dead_letter_topic=None: use dead_letter_queue="),
        (
            {"ephemeral_storage_size": cdk.Size.mebibytes(256)},
            "ephemeral_storage_size=Size.mebibytes(256): must be a Size of 512 to 10,240 MiB",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_invalid_value(stack: cdk.Stack, kwargs: dict[str, Any], expected: str):
    problems = problems_of(stack, **kwargs)
    assert any(expected in p for p in problems), problems


def test_contradictions(stack: cdk.Stack):
    queue = sqs.Queue(stack, "Q")
    group = logs.LogGroup(stack, "G")
    problems = problems_of(
        stack,
        dead_letter_queue=queue,
        dead_letter_queue_enabled=False,
        log_group=group,
        log_retention=logs.RetentionDays.ONE_DAY,
        environment={"DB": "1"},
        secrets={"DB": queue},
    )
    assert any(
        p.startswith("dead_letter_queue + dead_letter_queue_enabled=<Queue Test/Q>")
        and "contradictory" in p
        for p in problems
    )
    assert any(p.startswith("log_retention + log_group=RetentionDays.ONE_DAY") for p in problems)
    assert any("secrets['DB']" in p and "is also set in environment=" in p for p in problems)


def test_every_problem_is_reported_at_once(stack: cdk.Stack):
    problems = problems_of(
        stack,
        timeout=cdk.Duration.minutes(20),
        memory_size=64,
        tracing=lambda_.Tracing.DISABLED,
        retry_attempts=9,
        environment={"API_TOKEN": "abc123abc123"},
    )
    assert [p.split("=")[0] for p in problems] == [
        "timeout",
        "memory_size",
        "tracing",
        "retry_attempts",
        "environment['API_TOKEN']",
    ]


def test_secret_values_never_appear_in_the_error(stack: cdk.Stack):
    with pytest.raises(InvalidPropsError) as caught:
        HardenedFunction(
            stack,
            "Bad",
            code=CODE,
            handler="index.handler",
            environment={"DB_PASSWORD": "s3cr3t-value-here"},
            secrets={"API_KEY": "another-s3cr3t"},
        )
    assert "s3cr3t" not in str(caught.value)


def test_references_are_not_secrets(stack: cdk.Stack):
    HardenedFunction(
        stack,
        "Ok",
        code=CODE,
        handler="index.handler",
        environment={
            "DB_PASSWORD_SECRET_ARN": "arn:aws:secretsmanager:eu-west-1:1:secret:db-Ab12Cd",
            "DB_HOST": "{{resolve:ssm:/shop/db-host}}",
            "API_TOKEN_PARAMETER": "/shop/api-token",
            "TOKEN_URL": "https://auth.example.com/oauth2/token",
        },
    )


def test_runtime_close_to_deprecation_is_accepted(stack: cdk.Stack):
    """Only a past deprecation is an error at construction; the checks warn before it."""
    python_3_12 = runtimes.deprecation_date("python3.12")
    assert python_3_12 is not None
    HardenedFunction(
        stack, "Ok", code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_12
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            "{{resolve:secretsmanager:db:SecretString:password}}",
            "its value is a dynamic reference to a Secrets Manager secret",
        ),
        ("{{resolve:ssm-secure:/shop/db-password}}", "SSM SecureString parameter"),
        (
            cdk.SecretValue.secrets_manager("db", json_field="password").unsafe_unwrap(),
            "its value is a dynamic reference to a Secrets Manager secret",
        ),
    ],
    ids=["secretsmanager", "ssm-secure", "SecretValue token"],
)
def test_secrets_resolved_into_the_configuration_are_refused(
    stack: cdk.Stack, value: str, expected: str
):
    """CloudFormation would resolve them into plaintext in the function's configuration."""
    problems = problems_of(stack, environment={"DB_CONNECTION": value})
    (problem,) = problems
    assert problem.startswith("environment['DB_CONNECTION']=<redacted>: would expose a secret")
    assert expected in problem
    assert "password" not in problem.split(":", 1)[0]
