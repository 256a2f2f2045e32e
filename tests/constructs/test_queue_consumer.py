"""QueueConsumer: derived sizing, defaults, overrides, FIFO, adoption, snapshots."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from best_lambda import HardenedFunction, HardenedFunctionOptions, QueueConsumer
from best_lambda.constructs.queue_consumer import required_visibility_timeout
from best_lambda.defaults.lambda_ import FUNCTION_PROPS
from best_lambda.testing import normalized, template_of

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")


def build(stack: cdk.Stack, construct_id: str = "Consumer", **kwargs: Any) -> QueueConsumer:
    """A consumer; keyword arguments of the function go into its function_options."""
    options: dict[str, Any] = {"code": CODE, "handler": "index.handler"}
    options |= {k: kwargs.pop(k) for k in list(kwargs) if k in FUNCTION_PROPS}
    return QueueConsumer(
        stack, construct_id, function_options=HardenedFunctionOptions(**options), **kwargs
    )


def of_type(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == rtype}


def source_queue(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (k, v["Properties"])
        for k, v in of_type(template, "AWS::SQS::Queue").items()
        if "RedrivePolicy" in v["Properties"]
    ]
    return found


def dead_letter_queue(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    (found,) = [
        (k, v["Properties"])
        for k, v in of_type(template, "AWS::SQS::Queue").items()
        if "RedrivePolicy" not in v["Properties"]
    ]
    return found


def mapping(template: dict[str, Any]) -> dict[str, Any]:
    (esm,) = of_type(template, "AWS::Lambda::EventSourceMapping").values()
    props: dict[str, Any] = esm["Properties"]
    return props


def alarm_threshold(template: dict[str, Any], metric: str) -> float:
    (alarm,) = [
        a["Properties"]
        for a in of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == metric
    ]
    return float(alarm["Threshold"])


@pytest.mark.parametrize(
    ("timeout", "window", "visibility", "age"),
    [
        (10, 0, 60, 300),
        (30, 0, 180, 900),
        (120, 20, 740, 3700),
    ],
)
def test_derived_visibility_and_alarm_thresholds(
    stack: cdk.Stack, timeout: int, window: int, visibility: int, age: int
):
    kwargs: dict[str, Any] = {"timeout": cdk.Duration.seconds(timeout)}
    if window:
        kwargs["max_batching_window"] = cdk.Duration.seconds(window)
    build(stack, **kwargs)
    template = template_of(stack)
    assert required_visibility_timeout(timeout, window) == visibility
    assert source_queue(template)[1]["VisibilityTimeout"] == visibility
    assert alarm_threshold(template, "ApproximateAgeOfOldestMessage") == age  # visibility x 5
    assert alarm_threshold(template, "Duration") == timeout * 800  # 80 % of the timeout, ms


class TestDefaults:
    @pytest.fixture
    def consumer(self, stack: cdk.Stack) -> QueueConsumer:
        return build(stack)

    @pytest.fixture
    def template(self, stack: cdk.Stack, consumer: QueueConsumer) -> dict[str, Any]:
        return template_of(stack)

    def test_encrypted_tls_only_queues_with_redrive(self, template):
        dlq_id, dlq = dead_letter_queue(template)
        _, queue = source_queue(template)
        assert queue["RedrivePolicy"] == {
            "deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
            "maxReceiveCount": 5,
        }
        assert queue["SqsManagedSseEnabled"] is dlq["SqsManagedSseEnabled"] is True
        assert queue["MessageRetentionPeriod"] == 4 * 86_400
        assert dlq["MessageRetentionPeriod"] == 14 * 86_400
        policies = of_type(template, "AWS::SQS::QueuePolicy").values()
        assert len(policies) == 2
        for policy in policies:
            (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
            assert statement["Effect"] == "Deny"
            assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    def test_event_source_reports_partial_batch_failures(self, template):
        props = mapping(template)
        assert props["BatchSize"] == 10
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert "MaximumBatchingWindowInSeconds" not in props
        assert "ScalingConfig" not in props

    def test_function_has_no_async_machinery(self, template, consumer):
        (function,) = of_type(template, "AWS::Lambda::Function").values()
        assert "DeadLetterConfig" not in function["Properties"]
        assert not of_type(template, "AWS::Lambda::EventInvokeConfig")
        assert consumer.function.dead_letter_queue is None

    def test_function_only_consumes_its_queue(self, template):
        queue_id, _ = source_queue(template)
        granted = {
            action
            for policy in of_type(template, "AWS::IAM::Policy").values()
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]
            if statement["Resource"] == {"Fn::GetAtt": [queue_id, "Arn"]}
            for action in statement["Action"]
        }
        assert granted == {
            "sqs:ReceiveMessage",
            "sqs:ChangeMessageVisibility",
            "sqs:GetQueueUrl",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
        }

    def test_alarms(self, template, consumer):
        assert sorted(consumer.alarms) == [
            "DeadLetterQueueDepth",
            "Duration",
            "Errors",
            "OldestMessageAge",
            "Throttles",
        ]
        assert alarm_threshold(template, "ApproximateNumberOfMessagesVisible") == 1
        assert alarm_threshold(template, "ApproximateAgeOfOldestMessage") == 300

    def test_exposes_what_it_built(self, consumer):
        assert isinstance(consumer.function, HardenedFunction)
        assert isinstance(consumer.queue, sqs.Queue)
        assert isinstance(consumer.dead_letter_queue, sqs.Queue)
        assert isinstance(consumer.event_source, event_sources.SqsEventSource)

    def test_snapshot(self, template, template_snapshot):
        assert normalized(template) == template_snapshot


def test_tuned(stack: cdk.Stack):
    topic = sns.Topic(stack, "Alarms")
    consumer = build(
        stack,
        batch_size=100,
        max_batching_window=cdk.Duration.seconds(5),
        max_concurrency=8,
        reserved_concurrent_executions=10,
        max_receive_count=10,
        timeout=cdk.Duration.seconds(20),
        retention_period=cdk.Duration.days(7),
        visibility_timeout=cdk.Duration.minutes(5),
        alarm_topic=topic,
        message_age_sla=cdk.Duration.minutes(15),
        memory_size=256,
    )
    template = template_of(stack)
    props = mapping(template)
    assert (props["BatchSize"], props["MaximumBatchingWindowInSeconds"]) == (100, 5)
    assert props["ScalingConfig"] == {"MaximumConcurrency": 8}
    _, queue = source_queue(template)
    assert queue["VisibilityTimeout"] == 300
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 10
    assert queue["MessageRetentionPeriod"] == 7 * 86_400
    assert alarm_threshold(template, "ApproximateAgeOfOldestMessage") == 900
    topic_id = next(iter(of_type(template, "AWS::SNS::Topic")))
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    assert all(a["Properties"]["AlarmActions"] == [{"Ref": topic_id}] for a in alarms)
    assert len(consumer.alarms) == 5


def test_kms_encryption_key(stack: cdk.Stack):
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    build(stack, encryption_key=key)
    template = template_of(stack)
    key_id = next(iter(of_type(template, "AWS::KMS::Key")))
    for queue in of_type(template, "AWS::SQS::Queue").values():
        assert queue["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_fifo(stack: cdk.Stack, template_snapshot):
    build(stack, "Orders", fifo=True, content_based_deduplication=True, batch_size=5)
    template = template_of(stack)
    for queue in of_type(template, "AWS::SQS::Queue").values():
        assert queue["Properties"]["FifoQueue"] is True
        assert queue["Properties"]["ContentBasedDeduplication"] is True
    props = mapping(template)
    assert props["BatchSize"] == 5
    assert "MaximumBatchingWindowInSeconds" not in props
    assert normalized(template) == template_snapshot


def test_report_batch_item_failures_can_be_turned_off(stack: cdk.Stack):
    build(stack, batch_size=1, report_batch_item_failures=False)
    assert "FunctionResponseTypes" not in mapping(template_of(stack))


def test_filters(stack: cdk.Stack):
    build(stack, filters=[lambda_.FilterCriteria.filter({"body": {"kind": ["order"]}})])
    assert mapping(template_of(stack))["FilterCriteria"] == {
        "Filters": [{"Pattern": '{"body":{"kind":["order"]}}'}]
    }


def test_function_options_pass_through(stack: cdk.Stack):
    consumer = build(
        stack,
        memory_size=1024,
        environment={"TABLE_NAME": "t"},
        service_name="indexer",
        create_alarms=False,
    )
    (function,) = of_type(template_of(stack), "AWS::Lambda::Function").values()
    assert function["Properties"]["MemorySize"] == 1024
    assert function["Properties"]["Environment"]["Variables"]["TABLE_NAME"] == "t"
    assert (
        function["Properties"]["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == "indexer"
    )
    assert dict(consumer.alarms) == {}
    assert not of_type(template_of(stack), "AWS::CloudWatch::Alarm")


def test_adopts_a_queue_and_alarms_on_its_dead_letter_queue(stack: cdk.Stack, template_snapshot):
    dlq = sqs.Queue(stack, "Dlq", enforce_ssl=True)
    queue = sqs.Queue(
        stack,
        "Mine",
        enforce_ssl=True,
        visibility_timeout=cdk.Duration.minutes(2),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=8),
    )
    consumer = build(stack, "Adopter", queue=queue)
    template = template_of(stack)
    assert consumer.queue is queue
    assert consumer.dead_letter_queue is dlq
    assert len(of_type(template, "AWS::SQS::Queue")) == 2  # none created
    # The age alarm uses the adopted queue's own visibility timeout and receive count.
    assert alarm_threshold(template, "ApproximateAgeOfOldestMessage") == 120 * 8
    assert alarm_threshold(template, "ApproximateNumberOfMessagesVisible") == 1
    assert normalized(template) == template_snapshot


def test_adopts_an_imported_queue_it_cannot_inspect(stack: cdk.Stack):
    queue = sqs.Queue.from_queue_arn(stack, "Imported", "arn:aws:sqs:eu-west-1:123456789012:orders")
    consumer = build(stack, queue=queue)
    assert consumer.dead_letter_queue is None
    assert sorted(consumer.alarms) == ["Duration", "Errors", "OldestMessageAge", "Throttles"]


def test_logical_ids_are_stable(stack: cdk.Stack):
    build(stack, "Index")
    ids = sorted(template_of(stack)["Resources"])
    assert ids == [
        "IndexDeadLetterQueue85A096BB",
        "IndexDeadLetterQueueDepthAlarm9C99F3F9",
        "IndexDeadLetterQueuePolicy4F542C79",
        "IndexHandlerD10C6E69",
        "IndexHandlerDurationAlarmC00DEDB5",
        "IndexHandlerErrorsAlarm1A3F2318",
        "IndexHandlerLogGroup463C839D",
        "IndexHandlerLogsPolicy26AFDA12",
        "IndexHandlerServiceRoleAB49CAB1",
        "IndexHandlerServiceRoleDefaultPolicy67CA641D",
        "IndexHandlerSqsEventSourceTestIndexQueueD1EF36131754970E",
        "IndexHandlerThrottlesAlarmFB3DE01E",
        "IndexHandlerTracingPolicy077C6986",
        "IndexOldestMessageAgeAlarmCBD467F1",
        "IndexQueueBF27C496",
        "IndexQueuePolicy64ABBEC7",
    ]


# -- function= (an existing function) -------------------------------------------------------
def test_consumes_with_a_function_built_elsewhere(stack: cdk.Stack):
    fn = HardenedFunction(
        stack,
        "Indexer",
        code=CODE,
        handler="index.handler",
        timeout=cdk.Duration.seconds(40),
        dead_letter_queue_enabled=False,
    )
    consumer = QueueConsumer(stack, "Orders", function=fn)
    assert consumer.function is fn
    template = template_of(stack)
    _, queue = source_queue(template)
    assert queue["VisibilityTimeout"] == 240  # derived from the given function's timeout
    assert mapping(template)["FunctionName"] == {"Ref": stack.get_logical_id(fn.node.default_child)}
    assert sorted(consumer.alarms) == ["DeadLetterQueueDepth", "OldestMessageAge"]


def test_an_imported_function_needs_an_explicit_visibility_timeout(stack: cdk.Stack):
    imported = lambda_.Function.from_function_attributes(
        stack,
        "Theirs",
        function_arn="arn:aws:lambda:eu-west-1:123456789012:function:theirs",
        same_environment=True,
    )
    with pytest.raises(Exception, match="function's timeout is not known here"):
        QueueConsumer(stack, "Orders", function=imported)
    consumer = QueueConsumer(
        stack, "Orders", function=imported, visibility_timeout=cdk.Duration.minutes(3)
    )
    _, queue = source_queue(template_of(stack))
    assert queue["VisibilityTimeout"] == 180
    assert consumer.function is imported
