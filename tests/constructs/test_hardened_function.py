"""HardenedFunction: every default, every override, the exposed attributes, snapshots."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from aws_cdk.assertions import Match, Template

from best_lambda import HardenedFunction
from best_lambda.constructs.hardened_function import newest_python_runtime
from best_lambda.testing import normalized, template_of

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")


def build(stack: cdk.Stack, construct_id: str = "Fn", **kwargs: Any) -> HardenedFunction:
    return HardenedFunction(stack, construct_id, code=CODE, handler="index.handler", **kwargs)


def resources(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == rtype}


def only(template: dict[str, Any], rtype: str) -> dict[str, Any]:
    found = resources(template, rtype)
    assert len(found) == 1, f"expected one {rtype}, found {sorted(found)}"
    return next(iter(found.values()))


def function_props(template: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = only(template, "AWS::Lambda::Function")["Properties"]
    return props


def role_actions(template: dict[str, Any]) -> set[str]:
    """Every action granted by any policy of the template."""
    actions: set[str] = set()
    for policy in resources(template, "AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            granted = statement["Action"]
            actions.update([granted] if isinstance(granted, str) else granted)
    return actions


def alarm_by_metric(template: dict[str, Any], metric: str) -> dict[str, Any]:
    found = [
        a["Properties"]
        for a in resources(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"].get("MetricName") == metric
    ]
    assert len(found) == 1, f"expected one alarm on {metric}, found {len(found)}"
    return found[0]


# -- defaults ------------------------------------------------------------------------------
class TestDefaults:
    @pytest.fixture
    def template(self, stack: cdk.Stack) -> dict[str, Any]:
        build(stack)
        return template_of(stack)

    def test_arm64_newest_python_explicit_timeout_and_memory(self, template):
        props = function_props(template)
        assert props["Architectures"] == ["arm64"]
        assert props["Runtime"] == newest_python_runtime().name == "python3.14"
        assert props["Timeout"] == 10
        assert props["MemorySize"] == 512

    def test_active_tracing_and_recursive_loop_terminate(self, template):
        props = function_props(template)
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["RecursiveLoop"] == "Terminate"

    def test_json_logs_to_own_log_group_with_finite_retention(self, template):
        """With aws-cdk-lib's @aws-cdk/aws-lambda:useCdkManagedLogGroup flag (cdk.json), the
        function's standard /aws/lambda/<name> group is kept and given a retention."""
        props = function_props(template)
        function_id = next(iter(resources(template, "AWS::Lambda::Function")))
        ((_, group),) = resources(template, "AWS::Logs::LogGroup").items()
        assert group["Properties"] == {
            "LogGroupName": {"Fn::Join": ["", ["/aws/lambda/", {"Ref": function_id}]]},
            "RetentionInDays": 30,
        }
        assert props["LoggingConfig"] == {
            "LogFormat": "JSON",
            "ApplicationLogLevel": "INFO",
            "SystemLogLevel": "INFO",
        }

    def test_encrypted_tls_only_dead_letter_queue(self, template):
        ((queue_id, queue),) = resources(template, "AWS::SQS::Queue").items()
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
        assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
        assert function_props(template)["DeadLetterConfig"] == {
            "TargetArn": {"Fn::GetAtt": [queue_id, "Arn"]}
        }
        statement = only(template, "AWS::SQS::QueuePolicy")["Properties"]["PolicyDocument"][
            "Statement"
        ][0]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    def test_bounded_async_retries(self, template):
        config = only(template, "AWS::Lambda::EventInvokeConfig")["Properties"]
        assert config["MaximumRetryAttempts"] == 2
        assert config["MaximumEventAgeInSeconds"] == 6 * 3600
        assert "DestinationConfig" not in config

    def test_dedicated_least_privilege_role(self, template):
        role = only(template, "AWS::IAM::Role")["Properties"]
        assert "ManagedPolicyArns" not in role
        assert "Policies" not in role
        assert role["AssumeRolePolicyDocument"]["Statement"] == [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
            }
        ]
        assert role_actions(template) == {
            "logs:CreateLogStream",
            "logs:PutLogEvents",  # its own log group only
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "sqs:SendMessage",  # its own dead-letter queue
        }

    def test_log_permissions_are_scoped_to_its_log_group(self, template):
        group_id = next(iter(resources(template, "AWS::Logs::LogGroup")))
        statements = [
            s
            for p in resources(template, "AWS::IAM::Policy").values()
            for s in p["Properties"]["PolicyDocument"]["Statement"]
            if "logs:PutLogEvents" in s["Action"]
        ]
        assert [s["Resource"] for s in statements] == [{"Fn::GetAtt": [group_id, "Arn"]}]

    def test_wildcard_resource_only_for_xray_in_its_own_policy(self, template):
        wildcard = [
            (pid, s)
            for pid, p in resources(template, "AWS::IAM::Policy").items()
            for s in p["Properties"]["PolicyDocument"]["Statement"]
            if s["Resource"] == "*"
        ]
        assert len(wildcard) == 1
        policy_id, statement = wildcard[0]
        assert "TracingPolicy" in policy_id
        assert sorted(statement["Action"]) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]

    def test_alarms(self, template):
        assert len(resources(template, "AWS::CloudWatch::Alarm")) == 5
        errors = alarm_by_metric(template, "Errors")
        assert (errors["Threshold"], errors["Statistic"], errors["Period"]) == (1, "Sum", 300)
        assert errors["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert errors["TreatMissingData"] == "notBreaching"
        assert alarm_by_metric(template, "Throttles")["Threshold"] == 1
        duration = alarm_by_metric(template, "Duration")
        assert (duration["Threshold"], duration["ExtendedStatistic"]) == (8000, "p99")
        assert alarm_by_metric(template, "ApproximateNumberOfMessagesVisible")["Threshold"] == 1
        assert alarm_by_metric(template, "DeadLetterErrors")["Threshold"] == 1
        for alarm in resources(template, "AWS::CloudWatch::Alarm").values():
            assert "AlarmActions" not in alarm["Properties"]

    def test_powertools_environment(self, template):
        assert function_props(template)["Environment"]["Variables"] == {
            "POWERTOOLS_SERVICE_NAME": "Fn",
            "POWERTOOLS_METRICS_NAMESPACE": "Test",
            "POWERTOOLS_LOG_LEVEL": "INFO",
        }

    def test_snapshot(self, template, template_snapshot):
        assert normalized(template) == template_snapshot


def test_exposes_what_it_built(stack: cdk.Stack):
    fn = build(stack)
    assert isinstance(fn, lambda_.Function)
    assert isinstance(fn.role, iam.Role)
    assert isinstance(fn.log_group, logs.LogGroup)
    assert fn.log_group.node.path == "Test/Fn/LogGroup"
    assert isinstance(fn.dead_letter_queue, sqs.Queue)
    assert fn.node.default_child.node.path == "Test/Fn/Resource"
    assert sorted(fn.alarms) == [
        "DeadLetterErrors",
        "DeadLetterQueueDepth",
        "Duration",
        "Errors",
        "Throttles",
    ]
    with pytest.raises(TypeError):
        fn.alarms["Errors"] = None  # type: ignore[index]


def test_logical_ids_are_stable(stack: cdk.Stack):
    """Logical IDs are public API: changing one replaces users' resources.

    The function and its EventInvokeConfig moved from ``Orders/Function/...`` to
    ``Orders/...`` when HardenedFunction became an ``aws_lambda.Function`` (CHANGELOG);
    everything else kept its ID.
    """
    build(stack, "Orders")
    assert sorted(template_of(stack)["Resources"]) == [
        "OrdersA9B65338",
        "OrdersDeadLetterErrorsAlarmD8F0E55A",
        "OrdersDeadLetterQueueA73944CE",
        "OrdersDeadLetterQueueDepthAlarm36E00AFF",
        "OrdersDeadLetterQueuePolicyBDB38C9A",
        "OrdersDurationAlarm81A6F3FB",
        "OrdersErrorsAlarmA1BB1C61",
        "OrdersEventInvokeConfig3D7AE780",
        "OrdersLogGroupE26395F1",
        "OrdersLogsPolicy36A10199",
        "OrdersServiceRoleDefaultPolicy973CB326",
        "OrdersServiceRoleF2087E22",
        "OrdersThrottlesAlarm7519FA31",
        "OrdersTracingPolicy4E5580C5",
    ]


# -- overrides -----------------------------------------------------------------------------
def test_runtime_architecture_timeout_memory(stack: cdk.Stack):
    build(
        stack,
        runtime=lambda_.Runtime.NODEJS_22_X,
        architecture=lambda_.Architecture.X86_64,
        timeout=cdk.Duration.seconds(30),
        memory_size=1769,
    )
    template = template_of(stack)
    props = function_props(template)
    assert (props["Runtime"], props["Architectures"], props["Timeout"], props["MemorySize"]) == (
        "nodejs22.x",
        ["x86_64"],
        30,
        1769,
    )
    assert alarm_by_metric(template, "Duration")["Threshold"] == 24_000


def test_environment_is_merged_with_powertools(stack: cdk.Stack):
    build(
        stack,
        environment={"TABLE_NAME": "orders", "STAGE": "prod"},
        service_name="orders",
        metrics_namespace="Shop",
    )
    assert function_props(template_of(stack))["Environment"]["Variables"] == {
        "TABLE_NAME": "orders",
        "STAGE": "prod",
        "POWERTOOLS_SERVICE_NAME": "orders",
        "POWERTOOLS_METRICS_NAMESPACE": "Shop",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }


def test_powertools_environment_can_be_turned_off(stack: cdk.Stack):
    build(stack, environment={"STAGE": "prod"}, powertools_environment=False)
    assert function_props(template_of(stack))["Environment"]["Variables"] == {"STAGE": "prod"}


def test_secrets_pass_only_references_and_grant_read(stack: cdk.Stack):
    secret = secretsmanager.Secret(stack, "DbSecret")
    parameter = ssm.StringParameter(stack, "ApiUrl", string_value="https://example.com")
    build(stack, secrets={"DB_SECRET_ARN": secret, "API_URL_PARAMETER": parameter})
    template = template_of(stack)
    variables = function_props(template)["Environment"]["Variables"]
    secret_id = next(iter(resources(template, "AWS::SecretsManager::Secret")))
    parameter_id = next(iter(resources(template, "AWS::SSM::Parameter")))
    assert variables["DB_SECRET_ARN"] == {"Ref": secret_id}
    assert variables["API_URL_PARAMETER"] == {"Ref": parameter_id}
    assert {
        "secretsmanager:GetSecretValue",
        "secretsmanager:DescribeSecret",
        "ssm:GetParameter",
    } <= role_actions(template)


def test_text_logs_have_no_levels(stack: cdk.Stack):
    build(stack, logging_format=lambda_.LoggingFormat.TEXT)
    props = function_props(stack_template := template_of(stack))
    assert props["LoggingConfig"]["LogFormat"] == "Text"
    assert "ApplicationLogLevel" not in props["LoggingConfig"]
    assert props["Environment"]["Variables"]["POWERTOOLS_LOG_LEVEL"] == "INFO"
    assert stack_template


def test_log_levels_and_powertools_level_agree(stack: cdk.Stack):
    build(
        stack,
        application_log_level_v2=lambda_.ApplicationLogLevel.DEBUG,
        system_log_level_v2=lambda_.SystemLogLevel.WARN,
    )
    props = function_props(template_of(stack))
    assert props["LoggingConfig"]["ApplicationLogLevel"] == "DEBUG"
    assert props["LoggingConfig"]["SystemLogLevel"] == "WARN"
    assert props["Environment"]["Variables"]["POWERTOOLS_LOG_LEVEL"] == "DEBUG"


def test_log_retention(stack: cdk.Stack):
    build(stack, log_retention=logs.RetentionDays.ONE_YEAR)
    group = only(template_of(stack), "AWS::Logs::LogGroup")
    assert group["Properties"]["RetentionInDays"] == 365


def test_own_log_group_is_used_and_granted(stack: cdk.Stack):
    group = logs.LogGroup(stack, "Shared", retention=logs.RetentionDays.ONE_WEEK)
    fn = build(stack, log_group=group)
    template = template_of(stack)
    assert fn.log_group is group
    assert len(resources(template, "AWS::Logs::LogGroup")) == 1
    group_id = next(iter(resources(template, "AWS::Logs::LogGroup")))
    assert function_props(template)["LoggingConfig"]["LogGroup"] == {"Ref": group_id}
    assert "logs:PutLogEvents" in role_actions(template)


def test_own_dead_letter_queue(stack: cdk.Stack):
    queue = sqs.Queue(stack, "Mine", enforce_ssl=True)
    fn = build(stack, dead_letter_queue=queue)
    template = template_of(stack)
    assert fn.dead_letter_queue is queue
    assert len(resources(template, "AWS::SQS::Queue")) == 1
    queue_id = next(iter(resources(template, "AWS::SQS::Queue")))
    assert function_props(template)["DeadLetterConfig"]["TargetArn"] == {
        "Fn::GetAtt": [queue_id, "Arn"]
    }
    depth = alarm_by_metric(template, "ApproximateNumberOfMessagesVisible")
    assert depth["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}
    ]


def test_synchronous_function_has_no_async_machinery(stack: cdk.Stack):
    fn = build(stack, dead_letter_queue_enabled=False)
    template = template_of(stack)
    assert fn.dead_letter_queue is None
    assert "DeadLetterConfig" not in function_props(template)
    assert not resources(template, "AWS::SQS::Queue")
    assert not resources(template, "AWS::Lambda::EventInvokeConfig")
    assert sorted(fn.alarms) == ["Duration", "Errors", "Throttles"]
    assert "sqs:SendMessage" not in role_actions(template)


def test_on_failure_destination_replaces_the_dead_letter_queue(stack: cdk.Stack):
    target = sqs.Queue(stack, "Failures", enforce_ssl=True)
    fn = build(
        stack,
        on_failure=destinations.SqsDestination(target),
        retry_attempts=0,
        max_event_age=cdk.Duration.hours(1),
    )
    template = template_of(stack)
    assert fn.dead_letter_queue is None
    assert "DeadLetterConfig" not in function_props(template)
    config = only(template, "AWS::Lambda::EventInvokeConfig")["Properties"]
    assert config["MaximumRetryAttempts"] == 0
    assert config["MaximumEventAgeInSeconds"] == 3600
    assert config["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": [next(iter(resources(template, "AWS::SQS::Queue"))), "Arn"]
    }


def test_reserved_concurrency_description_name_and_passthrough(stack: cdk.Stack):
    build(
        stack,
        reserved_concurrent_executions=25,
        description="Creates orders",
        function_name="create-order",
        ephemeral_storage_size=cdk.Size.mebibytes(1024),
        layers=[
            lambda_.LayerVersion.from_layer_version_arn(
                stack, "Layer", "arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"
            )
        ],
    )
    props = function_props(template_of(stack))
    assert props["ReservedConcurrentExecutions"] == 25
    assert props["Description"] == "Creates orders"
    assert props["FunctionName"] == "create-order"
    assert props["EphemeralStorage"] == {"Size": 1024}
    assert props["Layers"] == ["arn:aws:lambda:eu-west-1:123456789012:layer:deps:3"]


def test_own_role_gets_log_and_tracing_permissions(stack: cdk.Stack):
    role = iam.Role(stack, "Mine", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    fn = build(stack, role=role)
    template = template_of(stack)
    assert fn.role is role
    assert len(resources(template, "AWS::IAM::Role")) == 1
    assert {"logs:PutLogEvents", "xray:PutTraceSegments"} <= role_actions(template)


def test_vpc_adds_network_interface_permissions_in_their_own_policy(stack: cdk.Stack):
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        restrict_default_security_group=False,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="private", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    build(stack, vpc=vpc)
    template = template_of(stack)
    assert "VpcConfig" in function_props(template)
    policies = {
        pid: p
        for pid, p in resources(template, "AWS::IAM::Policy").items()
        if "NetworkInterfacePolicy" in pid
    }
    (policy,) = policies.values()
    statement = policy["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Resource"] == "*"
    assert "ec2:CreateNetworkInterface" in statement["Action"]


def test_alarm_topic_receives_every_alarm(stack: cdk.Stack):
    topic = sns.Topic(stack, "Alarms")
    build(stack, alarm_topic=topic)
    template = template_of(stack)
    topic_id = next(iter(resources(template, "AWS::SNS::Topic")))
    alarms = resources(template, "AWS::CloudWatch::Alarm").values()
    assert len(alarms) == 5
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic_id}] for a in alarms)


def test_alarms_can_be_skipped(stack: cdk.Stack):
    fn = build(stack, create_alarms=False)
    assert not resources(template_of(stack), "AWS::CloudWatch::Alarm")
    assert dict(fn.alarms) == {}


def test_template_assertions_api_agrees(stack: cdk.Stack):
    """The same defaults through aws_cdk.assertions, as users would write their tests."""
    build(stack)
    Template.from_stack(stack).has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Architectures": ["arm64"],
            "TracingConfig": {"Mode": "Active"},
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
        },
    )


# -- snapshots of the other main configurations ---------------------------------------------
def test_snapshot_tuned(stack: cdk.Stack, template_snapshot):
    topic = sns.Topic(stack, "Alarms")
    build(
        stack,
        "Tuned",
        architecture=lambda_.Architecture.X86_64,
        timeout=cdk.Duration.seconds(60),
        memory_size=2048,
        log_retention=logs.RetentionDays.THREE_MONTHS,
        alarm_topic=topic,
        reserved_concurrent_executions=10,
        retry_attempts=1,
        max_event_age=cdk.Duration.hours(1),
        environment={"STAGE": "prod"},
    )
    assert normalized(stack) == template_snapshot


def test_snapshot_synchronous(stack: cdk.Stack, template_snapshot):
    build(stack, "Api", dead_letter_queue_enabled=False, timeout=cdk.Duration.seconds(5))
    assert normalized(stack) == template_snapshot
