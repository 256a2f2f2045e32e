"""TopicSubscriber: a topic, a subscription with a DLQ, the function with its own DLQ, alarms."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from best_lambda import HardenedFunction, TopicSubscriber
from best_lambda.testing import normalized, template_of
from tests.constructs.trigger_helpers import OPTIONS, alarm, arn, of_type, one, options, ref


class TestDefaults:
    @pytest.fixture
    def subscriber(self, stack: cdk.Stack) -> TopicSubscriber:
        return TopicSubscriber(stack, "Notify", function_options=OPTIONS)

    @pytest.fixture
    def template(self, stack: cdk.Stack, subscriber: TopicSubscriber) -> dict[str, Any]:
        return template_of(stack)

    def test_topic_encrypted_and_tls_only(self, template):
        topic_id, topic = one(template, "AWS::SNS::Topic")
        assert topic["KmsMasterKeyId"] == "alias/aws/sns"
        _, policy = one(template, "AWS::SNS::TopicPolicy")
        (statement,) = policy["PolicyDocument"]["Statement"]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert statement["Resource"] == ref(topic_id)

    def test_subscription_redrives_to_an_encrypted_tls_only_queue(self, template):
        topic_id, _ = one(template, "AWS::SNS::Topic")
        _, subscription = one(template, "AWS::SNS::Subscription")
        dlq_id = subscription["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
        assert dlq_id.startswith("NotifyDeadLetterQueue")
        dlq = template["Resources"][dlq_id]["Properties"]
        assert dlq == {"MessageRetentionPeriod": 14 * 86_400, "SqsManagedSseEnabled": True}
        (policy,) = [
            p["Properties"]["PolicyDocument"]["Statement"]
            for p in of_type(template, "AWS::SQS::QueuePolicy").values()
            if p["Properties"]["Queues"] == [ref(dlq_id)]
        ]
        deny, allow = policy
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert allow["Principal"] == {"Service": "sns.amazonaws.com"}
        assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": ref(topic_id)}}

    def test_function_keeps_its_own_failures(self, template, subscriber):
        fn_id, function = one(template, "AWS::Lambda::Function")
        own_dlq = function["DeadLetterConfig"]["TargetArn"]["Fn::GetAtt"][0]
        assert own_dlq.startswith("NotifyHandlerDeadLetterQueue")
        _, config = one(template, "AWS::Lambda::EventInvokeConfig")
        assert (config["MaximumRetryAttempts"], config["MaximumEventAgeInSeconds"]) == (2, 21_600)
        _, subscription = one(template, "AWS::SNS::Subscription")
        assert (subscription["Protocol"], subscription["Endpoint"]) == ("lambda", arn(fn_id))
        assert isinstance(subscriber.function, HardenedFunction)

    def test_alarms(self, template, subscriber):
        assert sorted(subscriber.alarms) == [
            "DeadLetterErrors",
            "DeadLetterQueueDepth",
            "DeliveryDeadLetterQueueDepth",
            "Duration",
            "Errors",
            "FailedToRedriveToDlq",
            "Throttles",
        ]
        topic_id, _ = one(template, "AWS::SNS::Topic")
        lost = alarm(template, "NumberOfNotificationsFailedToRedriveToDlq")
        assert lost["Dimensions"] == [
            {"Name": "TopicName", "Value": {"Fn::GetAtt": [topic_id, "TopicName"]}}
        ]
        assert (lost["Statistic"], lost["Threshold"]) == ("Sum", 1)
        depths = [
            a["Properties"]
            for a in of_type(template, "AWS::CloudWatch::Alarm").values()
            if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"
        ]
        assert len(depths) == 2  # the subscription's DLQ and the function's

    def test_exposes_what_it_built(self, subscriber):
        assert isinstance(subscriber.topic, sns.Topic)
        assert isinstance(subscriber.dead_letter_queue, sqs.Queue)

    def test_snapshot(self, template, template_snapshot):
        assert normalized(template) == template_snapshot


def test_existing_topic_queue_and_function(stack: cdk.Stack, template_snapshot):
    topic = sns.Topic.from_topic_arn(stack, "Orders", "arn:aws:sns:eu-west-1:123456789012:orders")
    dlq = sqs.Queue(stack, "Undeliverable", enforce_ssl=True)
    fn = HardenedFunction(stack, "Fn", code=OPTIONS["code"], handler="index.handler")
    subscriber = TopicSubscriber(stack, "Notify", function=fn, topic=topic, dead_letter_queue=dlq)
    template = template_of(stack)
    assert subscriber.function is fn and subscriber.topic is topic
    assert not of_type(template, "AWS::SNS::Topic")
    assert len(of_type(template, "AWS::SQS::Queue")) == 2  # the given DLQ and fn's own
    _, subscription = one(template, "AWS::SNS::Subscription")
    assert subscription["TopicArn"] == "arn:aws:sns:eu-west-1:123456789012:orders"
    dlq_id = stack.get_logical_id(dlq.node.default_child)  # type: ignore[arg-type]
    assert subscription["RedrivePolicy"] == {"deadLetterTargetArn": arn(dlq_id)}
    # Only the trigger's own alarms: the function's are the function's.
    assert sorted(subscriber.alarms) == ["DeliveryDeadLetterQueueDepth", "FailedToRedriveToDlq"]
    assert normalized(template) == template_snapshot


def test_filters_and_key(stack: cdk.Stack):
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    TopicSubscriber(
        stack,
        "ByAttribute",
        function_options=OPTIONS,
        master_key=key,
        filter_policy={"kind": sns.SubscriptionFilter.string_filter(allowlist=["order"])},
    )
    TopicSubscriber(
        stack,
        "ByBody",
        function_options=OPTIONS,
        filter_policy_with_message_body={
            "kind": sns.FilterOrPolicy.filter(
                sns.SubscriptionFilter.string_filter(allowlist=["refund"])
            )
        },
    )
    template = template_of(stack)
    key_id = next(iter(of_type(template, "AWS::KMS::Key")))
    topics = of_type(template, "AWS::SNS::Topic").values()
    assert {"Fn::GetAtt": [key_id, "Arn"]} in [t["Properties"]["KmsMasterKeyId"] for t in topics]
    by_scope = {
        s["Properties"].get("FilterPolicyScope", "MessageAttributes"): s["Properties"]
        for s in of_type(template, "AWS::SNS::Subscription").values()
    }
    assert by_scope["MessageAttributes"]["FilterPolicy"] == {"kind": ["order"]}
    assert by_scope["MessageBody"]["FilterPolicy"] == {"kind": ["refund"]}


def test_publishers_need_no_key_statement_with_the_aws_managed_key(stack: cdk.Stack):
    subscriber = TopicSubscriber(stack, "Notify", function_options=OPTIONS)
    publisher = HardenedFunction(stack, "Publisher", code=OPTIONS["code"], handler="index.handler")
    subscriber.topic.grant_publish(publisher)
    template = template_of(stack)
    statements = [
        s
        for k, p in of_type(template, "AWS::IAM::Policy").items()
        if k.startswith("PublisherServiceRoleDefaultPolicy")
        for s in p["Properties"]["PolicyDocument"]["Statement"]
    ]
    assert [s["Action"] for s in statements] == ["sqs:SendMessage", "sns:Publish"]


def test_function_options_and_no_alarms(stack: cdk.Stack):
    subscriber = TopicSubscriber(
        stack, "Quiet", function_options=options(memory_size=1024, create_alarms=False)
    )
    template = template_of(stack)
    _, function = one(template, "AWS::Lambda::Function")
    assert function["MemorySize"] == 1024
    assert dict(subscriber.alarms) == {}
    assert not of_type(template, "AWS::CloudWatch::Alarm")


def test_alarm_topic_receives_every_alarm(stack: cdk.Stack):
    topic = sns.Topic(stack, "Pager")
    TopicSubscriber(stack, "Notify", function_options=options(alarm_topic=topic))
    template = template_of(stack)
    pager = stack.get_logical_id(topic.node.default_child)  # type: ignore[arg-type]
    alarms = of_type(template, "AWS::CloudWatch::Alarm").values()
    assert len(alarms) == 7
    assert all(a["Properties"]["AlarmActions"] == [ref(pager)] for a in alarms)


def test_logical_ids_are_stable(stack: cdk.Stack):
    TopicSubscriber(stack, "Notify", function_options=OPTIONS)
    ids = sorted(template_of(stack)["Resources"])
    assert [i for i in ids if not i.startswith("NotifyHandler")] == [
        "NotifyDeadLetterQueueE03020C9",
        "NotifyDeadLetterQueuePolicy1B6A45B6",
        "NotifyDeliveryDeadLetterQueueDepthAlarmF4531510",
        "NotifyFailedToRedriveToDlqAlarm783432D2",
        "NotifyTopic749CF698",
        "NotifyTopicPolicyE4EE3240",
    ]
    # aws-cdk-lib puts the subscription and the invoke permission under the function.
    assert "NotifyHandlerTopic1F2426BF" in ids
    assert "NotifyHandlerAllowInvokeTestNotifyTopic4519D1AC506BF855" in ids
