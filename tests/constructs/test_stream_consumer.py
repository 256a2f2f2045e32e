"""StreamConsumer: every default and override on the template, derived alarms, snapshots."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from best_lambda import HardenedFunction, HardenedFunctionOptions, StreamConsumer
from best_lambda.constructs.stream_consumer import iterator_age_threshold
from best_lambda.defaults.lambda_ import FUNCTION_PROPS
from best_lambda.defaults.streams import STREAM_CONSUMER_PROPS
from best_lambda.testing import assert_compliant, assert_noncompliant, normalized, template_of

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")


def build(stack: cdk.Stack, construct_id: str = "Consumer", **kwargs: Any) -> StreamConsumer:
    """A consumer; keyword arguments of the function go into its function_options."""
    options: dict[str, Any] = {"code": CODE, "handler": "index.handler"}
    options |= {
        k: kwargs.pop(k)
        for k in list(kwargs)
        if k in FUNCTION_PROPS and k not in STREAM_CONSUMER_PROPS
    }
    return StreamConsumer(
        stack, construct_id, function_options=HardenedFunctionOptions(**options), **kwargs
    )


def table(stack: cdk.Stack, *, stream: bool = True) -> dynamodb.TableV2:
    return dynamodb.TableV2(
        stack,
        "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        dynamo_stream=dynamodb.StreamViewType.NEW_AND_OLD_IMAGES if stream else None,
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
    )


def of_type(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == rtype}


def only(template: dict[str, Any], rtype: str) -> tuple[str, dict[str, Any]]:
    (found,) = [(k, v.get("Properties", {})) for k, v in of_type(template, rtype).items()]
    return found


def mapping(template: dict[str, Any]) -> dict[str, Any]:
    return only(template, "AWS::Lambda::EventSourceMapping")[1]


def alarm(template: dict[str, Any], metric: str) -> dict[str, Any]:
    (found,) = [
        a["Properties"]
        for a in of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == metric
    ]
    return found


def statements(template: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (policy_id, statement)
        for policy_id, policy in of_type(template, "AWS::IAM::Policy").items()
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]


def actions_on(template: dict[str, Any], resource: Any) -> set[str]:
    found: set[str] = set()
    for _, statement in statements(template):
        targets = statement["Resource"]
        if resource == targets or (isinstance(targets, list) and resource in targets):
            granted = statement["Action"]
            found |= {granted} if isinstance(granted, str) else set(granted)
    return found


@pytest.mark.parametrize(
    ("max_record_age", "alarm_s"),
    [(None, 1_800), (cdk.Duration.hours(6), 10_800), (cdk.Duration.hours(12), 21_600)],
)
def test_iterator_age_alarm_is_derived_from_the_maximum_record_age(
    stack: cdk.Stack, max_record_age: cdk.Duration | None, alarm_s: int
):
    kwargs = {} if max_record_age is None else {"max_record_age": max_record_age}
    build(stack, **kwargs)
    template = template_of(stack)
    age_s = mapping(template)["MaximumRecordAgeInSeconds"]
    assert iterator_age_threshold(age_s) == alarm_s
    iterator_age = alarm(template, "IteratorAge")
    assert (iterator_age["Threshold"], iterator_age["Statistic"]) == (alarm_s * 1_000, "Maximum")
    assert f"past {age_s} s (max_record_age)" in iterator_age["AlarmDescription"]


class TestKinesisDefaults:
    @pytest.fixture
    def consumer(self, stack: cdk.Stack) -> StreamConsumer:
        return build(stack)

    @pytest.fixture
    def template(self, stack: cdk.Stack, consumer: StreamConsumer) -> dict[str, Any]:
        return template_of(stack)

    def test_an_encrypted_on_demand_stream_with_the_default_retention(self, template):
        _, stream = only(template, "AWS::Kinesis::Stream")
        assert stream == {
            "RetentionPeriodHours": 24,
            "StreamEncryption": {"EncryptionType": "KMS", "KeyId": "alias/aws/kinesis"},
            "StreamModeDetails": {"StreamMode": "ON_DEMAND"},
        }

    def test_the_mapping_handles_failures(self, template):
        queue_id, _ = only(template, "AWS::SQS::Queue")
        stream_id, _ = only(template, "AWS::Kinesis::Stream")
        props = mapping(template)
        assert props["EventSourceArn"] == {"Fn::GetAtt": [stream_id, "Arn"]}
        assert props["DestinationConfig"] == {
            "OnFailure": {"Destination": {"Fn::GetAtt": [queue_id, "Arn"]}}
        }
        assert props["BisectBatchOnFunctionError"] is True
        assert props["MaximumRetryAttempts"] == 10
        assert props["MaximumRecordAgeInSeconds"] == 3_600
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert props["StartingPosition"] == "TRIM_HORIZON"
        assert props["BatchSize"] == 100
        assert props["ParallelizationFactor"] == 1
        for absent in ("MaximumBatchingWindowInSeconds", "TumblingWindowInSeconds", "Enabled"):
            assert absent not in props, absent

    def test_the_on_failure_queue_is_encrypted_tls_only_and_kept_14_days(self, template):
        queue_id, queue = only(template, "AWS::SQS::Queue")
        assert queue["SqsManagedSseEnabled"] is True
        assert queue["MessageRetentionPeriod"] == 14 * 86_400
        _, policy = only(template, "AWS::SQS::QueuePolicy")
        (statement,) = policy["PolicyDocument"]["Statement"]
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert actions_on(template, {"Fn::GetAtt": [queue_id, "Arn"]}) == {
            "sqs:SendMessage",
            "sqs:GetQueueAttributes",
            "sqs:GetQueueUrl",
        }

    def test_the_function_reads_this_stream_only(self, template):
        stream_id, _ = only(template, "AWS::Kinesis::Stream")
        granted = actions_on(template, {"Fn::GetAtt": [stream_id, "Arn"]})
        assert {"kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"} <= granted
        assert not any(a.startswith("kinesis:Put") for a in granted)
        kinesis_wildcards = [
            s
            for _, s in statements(template)
            if s["Resource"] == "*" and any("kinesis" in a for a in s["Action"])
        ]
        assert kinesis_wildcards == []

    def test_the_function_has_no_async_machinery(self, template, consumer):
        _, function = only(template, "AWS::Lambda::Function")
        assert "DeadLetterConfig" not in function
        assert not of_type(template, "AWS::Lambda::EventInvokeConfig")
        assert isinstance(consumer.function, HardenedFunction)
        assert consumer.function.dead_letter_queue is None

    def test_alarms(self, template, consumer):
        assert sorted(consumer.alarms) == [
            "Duration",
            "Errors",
            "IteratorAge",
            "OnFailureQueueDepth",
            "Throttles",
        ]
        depth = alarm(template, "ApproximateNumberOfMessagesVisible")
        assert (depth["Threshold"], depth["Statistic"]) == (1, "Maximum")
        assert alarm(template, "IteratorAge")["Threshold"] == 1_800_000

    def test_exposes_what_it_built(self, consumer):
        assert isinstance(consumer.stream, kinesis.Stream)
        assert consumer.table is None
        assert consumer.stream_consumer is None
        assert isinstance(consumer.on_failure_queue, sqs.Queue)
        assert isinstance(consumer.event_source_mapping, lambda_.EventSourceMapping)

    def test_compliant_under_every_pack(self, consumer):
        assert_compliant(consumer, packs=("BestLambda", "AwsSolutions", "Serverless"))

    def test_snapshot(self, template, template_snapshot):
        assert normalized(template) == template_snapshot


def test_logical_ids_are_stable(stack: cdk.Stack):
    build(stack, "Clicks")
    assert sorted(template_of(stack)["Resources"]) == [
        "ClicksEventSourceMappingB5AA9DD2",
        "ClicksHandlerB4CFAB90",
        "ClicksHandlerDurationAlarmE3F0A750",
        "ClicksHandlerErrorsAlarm028D95B7",
        "ClicksHandlerLogGroupA9FAF73C",
        "ClicksHandlerLogsPolicy3A01CA27",
        "ClicksHandlerServiceRole63F71471",
        "ClicksHandlerServiceRoleDefaultPolicy3766B8EA",
        "ClicksHandlerThrottlesAlarm2DF54627",
        "ClicksHandlerTracingPolicy05046C33",
        "ClicksIteratorAgeAlarmD75B3730",
        "ClicksOnFailureQueue1F63CA6D",
        "ClicksOnFailureQueueDepthAlarmB97E6549",
        "ClicksOnFailureQueuePolicyE1D9B510",
        "ClicksStream351DBF42",
    ]


def test_dynamodb_table_stream(stack: cdk.Stack, template_snapshot):
    source = table(stack)
    consumer = build(stack, "Changes", table=source)
    template = template_of(stack)
    table_id, _ = only(template, "AWS::DynamoDB::GlobalTable")
    stream_arn = {"Fn::GetAtt": [table_id, "StreamArn"]}
    assert mapping(template)["EventSourceArn"] == stream_arn
    assert actions_on(template, stream_arn) == {
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
    }
    # ListStreams supports no resource: on '*', alone, in a policy of its own.
    (wildcard,) = [
        (p, s) for p, s in statements(template) if s["Resource"] == "*" and "dynamodb" in str(s)
    ]
    policy_id, statement = wildcard
    assert statement["Action"] == "dynamodb:ListStreams"
    assert policy_id.startswith("ChangesListStreamsPolicy")
    (esm,) = of_type(template, "AWS::Lambda::EventSourceMapping").values()
    assert policy_id in esm["DependsOn"]
    assert consumer.table is source and consumer.stream is None
    assert not of_type(template, "AWS::Kinesis::Stream")
    assert_compliant(consumer, packs=("BestLambda", "AwsSolutions", "Serverless"))
    assert normalized(template) == template_snapshot


def test_tuned_existing_stream_with_enhanced_fan_out(stack: cdk.Stack, template_snapshot):
    stream = kinesis.Stream(
        stack,
        "Clicks",
        encryption=kinesis.StreamEncryption.MANAGED,
        retention_period=cdk.Duration.hours(48),
    )
    topic = sns.Topic(stack, "Alarms")
    consumer = build(
        stack,
        stream=stream,
        enhanced_fan_out=True,
        starting_position=lambda_.StartingPosition.AT_TIMESTAMP,
        starting_position_timestamp=1_700_000_000,
        batch_size=500,
        max_batching_window=cdk.Duration.seconds(5),
        parallelization_factor=4,
        bisect_batch_on_error=False,
        retry_attempts=3,
        max_record_age=cdk.Duration.hours(36),
        report_batch_item_failures=False,
        tumbling_window=cdk.Duration.seconds(60),
        filters=[lambda_.FilterCriteria.filter({"data": {"kind": ["click"]}})],
        enabled=False,
        iterator_age_sla=cdk.Duration.minutes(10),
        timeout=cdk.Duration.seconds(60),
        alarm_topic=topic,
    )
    template = template_of(stack)
    consumer_id, registered = only(template, "AWS::Kinesis::StreamConsumer")
    assert registered["StreamARN"] == {
        "Fn::GetAtt": [stack.get_logical_id(stream.node.default_child), "Arn"]
    }
    props = mapping(template)
    assert props["EventSourceArn"] == {"Fn::GetAtt": [consumer_id, "ConsumerARN"]}
    assert {
        k: v
        for k, v in props.items()
        if k not in ("EventSourceArn", "FunctionName", "DestinationConfig")
    } == {
        "StartingPosition": "AT_TIMESTAMP",
        "StartingPositionTimestamp": 1_700_000_000,
        "BatchSize": 500,
        "MaximumBatchingWindowInSeconds": 5,
        "ParallelizationFactor": 4,
        "BisectBatchOnFunctionError": False,
        "MaximumRetryAttempts": 3,
        "MaximumRecordAgeInSeconds": 36 * 3_600,
        "TumblingWindowInSeconds": 60,
        "FilterCriteria": {"Filters": [{"Pattern": '{"data":{"kind":["click"]}}'}]},
        "Enabled": False,
    }
    assert actions_on(template, {"Fn::GetAtt": [consumer_id, "ConsumerARN"]}) >= {
        "kinesis:SubscribeToShard",
        "kinesis:DescribeStreamConsumer",
    }
    assert alarm(template, "IteratorAge")["Threshold"] == 600_000  # the SLA, not 18 h
    topic_id, _ = only(template, "AWS::SNS::Topic")
    for each in of_type(template, "AWS::CloudWatch::Alarm").values():
        assert each["Properties"]["AlarmActions"] == [{"Ref": topic_id}]
    assert consumer.stream is stream
    assert isinstance(consumer.stream_consumer, kinesis.StreamConsumer)
    assert len(of_type(template, "AWS::Kinesis::Stream")) == 1  # none created
    assert normalized(template) == template_snapshot


def test_provisioned_stream(stack: cdk.Stack):
    build(
        stack,
        stream_mode=kinesis.StreamMode.PROVISIONED,
        shard_count=4,
        retention_period=cdk.Duration.days(7),
        max_record_age=cdk.Duration.days(6),
    )
    template = template_of(stack)
    _, stream = only(template, "AWS::Kinesis::Stream")
    assert stream["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert (stream["ShardCount"], stream["RetentionPeriodHours"]) == (4, 168)
    assert mapping(template)["MaximumRecordAgeInSeconds"] == 6 * 86_400


def test_your_own_on_failure_queue_is_alarmed_on(stack: cdk.Stack):
    queue = sqs.Queue(stack, "Failures", enforce_ssl=True)
    consumer = build(stack, on_failure=queue)
    template = template_of(stack)
    queue_id = stack.get_logical_id(queue.node.default_child)
    assert mapping(template)["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Fn::GetAtt": [queue_id, "Arn"]
    }
    assert consumer.on_failure_queue is queue
    assert len(of_type(template, "AWS::SQS::Queue")) == 1  # none created
    assert alarm(template, "ApproximateNumberOfMessagesVisible")["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id, "QueueName"]}}
    ]


def test_another_destination_is_used_as_given(stack: cdk.Stack):
    topic = sns.Topic(stack, "Failures")
    consumer = build(stack, on_failure=event_sources.SnsDlq(topic))
    template = template_of(stack)
    assert mapping(template)["DestinationConfig"]["OnFailure"]["Destination"] == {
        "Ref": stack.get_logical_id(topic.node.default_child)
    }
    assert consumer.on_failure_queue is None
    assert "OnFailureQueueDepth" not in consumer.alarms
    assert not of_type(template, "AWS::SQS::Queue")


def test_consumes_with_a_function_built_elsewhere(stack: cdk.Stack):
    fn = HardenedFunction(
        stack, "Indexer", code=CODE, handler="index.handler", dead_letter_queue_enabled=False
    )
    consumer = StreamConsumer(stack, "Clicks", function=fn)
    template = template_of(stack)
    assert consumer.function is fn
    assert mapping(template)["FunctionName"] == {"Ref": stack.get_logical_id(fn.node.default_child)}
    assert sorted(consumer.alarms) == ["IteratorAge", "OnFailureQueueDepth"]


def test_no_alarms_when_the_function_has_none(stack: cdk.Stack):
    consumer = build(stack, create_alarms=False)
    assert dict(consumer.alarms) == {}
    assert not of_type(template_of(stack), "AWS::CloudWatch::Alarm")


# -- the rules agree: remove a safety net and the matching rule fires ------------------------
def test_without_its_on_failure_destination_the_mapping_is_non_compliant(stack: cdk.Stack):
    consumer = build(stack)
    cfn = consumer.event_source_mapping.node.default_child
    assert isinstance(cfn, lambda_.CfnEventSourceMapping)
    cfn.destination_config = None
    assert_noncompliant(consumer, "BestLambda-StreamFailureHandling")


def test_with_infinite_retries_and_age_the_mapping_is_non_compliant(stack: cdk.Stack):
    consumer = build(stack)
    cfn = consumer.event_source_mapping.node.default_child
    assert isinstance(cfn, lambda_.CfnEventSourceMapping)
    cfn.maximum_retry_attempts = -1
    cfn.maximum_record_age_in_seconds = -1
    assert_noncompliant(consumer, "BestLambda-StreamFailureHandling")


def test_without_its_iterator_age_alarm_the_consumer_is_non_compliant(stack: cdk.Stack):
    consumer = build(stack)
    assert consumer.node.try_remove_child("IteratorAgeAlarm")
    assert_noncompliant(consumer, "BestLambda-IteratorAgeAlarm")


def test_an_imported_stream_is_read_by_its_arn(stack: cdk.Stack):
    arn = "arn:aws:kinesis:eu-west-1:123456789012:stream/clicks"
    stream = kinesis.Stream.from_stream_arn(stack, "Theirs", arn)
    # Its retention cannot be seen: a long max_record_age is the owner's call.
    consumer = build(stack, stream=stream, max_record_age=cdk.Duration.days(3))
    template = template_of(stack)
    assert mapping(template)["EventSourceArn"] == arn
    assert "kinesis:GetRecords" in actions_on(template, arn)
    assert consumer.stream is stream
