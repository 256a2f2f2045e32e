"""EventRuleHandler: a rule, a target with bounded retries and a DLQ, the function's own DLQ."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs

from best_lambda import EventRuleHandler, HardenedFunction
from best_lambda.testing import normalized, template_of
from tests.constructs.trigger_helpers import OPTIONS, alarm, arn, of_type, one, options, ref

PAID = events.EventPattern(source=["shop.orders"], detail_type=["OrderPaid"])


class TestDefaults:
    @pytest.fixture
    def handler(self, stack: cdk.Stack) -> EventRuleHandler:
        return EventRuleHandler(stack, "Receipts", event_pattern=PAID, function_options=OPTIONS)

    @pytest.fixture
    def template(self, stack: cdk.Stack, handler: EventRuleHandler) -> dict[str, Any]:
        return template_of(stack)

    def test_rule_targets_the_function_with_retries_age_and_dlq(self, template):
        fn_id, _ = one(template, "AWS::Lambda::Function")
        _, rule = one(template, "AWS::Events::Rule")
        assert rule["EventPattern"] == {"source": ["shop.orders"], "detail-type": ["OrderPaid"]}
        assert "EventBusName" not in rule  # the default bus
        (target,) = rule["Targets"]
        assert target["Arn"] == arn(fn_id)
        assert target["RetryPolicy"] == {
            "MaximumRetryAttempts": 185,
            "MaximumEventAgeInSeconds": 86_400,
        }
        dlq_id = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
        assert dlq_id.startswith("ReceiptsDeadLetterQueue")
        dlq = template["Resources"][dlq_id]["Properties"]
        assert dlq == {"MessageRetentionPeriod": 14 * 86_400, "SqsManagedSseEnabled": True}

    def test_only_the_rule_may_send_to_the_dlq(self, template):
        rule_id, _ = one(template, "AWS::Events::Rule")
        (statements,) = [
            p["Properties"]["PolicyDocument"]["Statement"]
            for p in of_type(template, "AWS::SQS::QueuePolicy").values()
            if p["Properties"]["Queues"][0]["Ref"].startswith("ReceiptsDeadLetterQueue")
        ]
        deny, allow = statements
        assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        assert allow["Principal"] == {"Service": "events.amazonaws.com"}
        assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": arn(rule_id)}}

    def test_function_keeps_its_own_failures(self, template, handler):
        _, function = one(template, "AWS::Lambda::Function")
        assert function["DeadLetterConfig"]["TargetArn"]["Fn::GetAtt"][0].startswith(
            "ReceiptsHandlerDeadLetterQueue"
        )
        _, permission = one(template, "AWS::Lambda::Permission")
        assert permission["Principal"] == "events.amazonaws.com"
        assert isinstance(handler.function, HardenedFunction)

    def test_alarms(self, template, handler):
        assert sorted(handler.alarms) == [
            "DeadLetterErrors",
            "DeadLetterQueueDepth",
            "DeliveryDeadLetterQueueDepth",
            "Duration",
            "Errors",
            "FailedInvocations",
            "Throttles",
        ]
        rule_id, _ = one(template, "AWS::Events::Rule")
        failed = alarm(template, "FailedInvocations")
        assert failed["Namespace"] == "AWS/Events"
        assert failed["Dimensions"] == [{"Name": "RuleName", "Value": ref(rule_id)}]
        assert (failed["Statistic"], failed["Threshold"]) == ("Sum", 1)

    def test_exposes_what_it_built(self, handler):
        assert isinstance(handler.rule, events.Rule)
        assert isinstance(handler.dead_letter_queue, sqs.Queue)

    def test_snapshot(self, template, template_snapshot):
        assert normalized(template) == template_snapshot


def test_custom_bus_and_tuned_target(stack: cdk.Stack, template_snapshot):
    bus = events.EventBus(stack, "Orders")
    EventRuleHandler(
        stack,
        "Receipts",
        event_pattern={"source": ["shop.orders"]},
        event_bus=bus,
        description="Render receipts",
        retry_attempts=4,
        max_event_age=cdk.Duration.hours(2),
        function_options=options(timeout=cdk.Duration.seconds(15)),
    )
    template = template_of(stack)
    bus_id = stack.get_logical_id(bus.node.default_child)  # type: ignore[arg-type]
    rule_id, rule = one(template, "AWS::Events::Rule")
    assert rule["EventBusName"] == ref(bus_id)
    assert rule["Description"] == "Render receipts"
    assert rule["Targets"][0]["RetryPolicy"] == {
        "MaximumRetryAttempts": 4,
        "MaximumEventAgeInSeconds": 7_200,
    }
    # Rules of a custom bus report their metrics with the bus name too.
    assert alarm(template, "FailedInvocations")["Dimensions"] == [
        {"Name": "EventBusName", "Value": ref(bus_id)},
        {"Name": "RuleName", "Value": {"Fn::Select": [1, {"Fn::Split": ["|", ref(rule_id)]}]}},
    ]
    assert normalized(template) == template_snapshot


def test_the_default_bus_by_name_is_the_default_bus(stack: cdk.Stack):
    default = events.EventBus.from_event_bus_name(stack, "Default", "default")
    EventRuleHandler(
        stack, "Receipts", event_pattern=PAID, event_bus=default, function_options=OPTIONS
    )
    template = template_of(stack)
    rule_id, rule = one(template, "AWS::Events::Rule")
    assert "EventBusName" not in rule
    assert alarm(template, "FailedInvocations")["Dimensions"] == [
        {"Name": "RuleName", "Value": ref(rule_id)}
    ]


def test_existing_function_and_dead_letter_queue(stack: cdk.Stack):
    fn = HardenedFunction(stack, "Fn", code=OPTIONS["code"], handler="index.handler")
    dlq = sqs.Queue(stack, "Undeliverable", enforce_ssl=True)
    handler = EventRuleHandler(
        stack, "Receipts", event_pattern=PAID, function=fn, dead_letter_queue=dlq
    )
    template = template_of(stack)
    assert handler.function is fn and handler.dead_letter_queue is dlq
    _, rule = one(template, "AWS::Events::Rule")
    fn_id = stack.get_logical_id(fn.node.default_child)  # type: ignore[arg-type]
    dlq_id = stack.get_logical_id(dlq.node.default_child)  # type: ignore[arg-type]
    assert rule["Targets"][0]["Arn"] == arn(fn_id)
    assert rule["Targets"][0]["DeadLetterConfig"] == {"Arn": arn(dlq_id)}
    assert sorted(handler.alarms) == ["DeliveryDeadLetterQueueDepth", "FailedInvocations"]


def test_more_targets_share_the_rule_and_its_dead_letter_queue(stack: cdk.Stack):
    handler = EventRuleHandler(stack, "Receipts", event_pattern=PAID, function_options=OPTIONS)
    queue = sqs.Queue(stack, "Revenue", enforce_ssl=True)
    handler.rule.add_target(targets.SqsQueue(queue, dead_letter_queue=handler.dead_letter_queue))
    _, rule = one(template_of(stack), "AWS::Events::Rule")
    assert len(rule["Targets"]) == 2
    assert rule["Targets"][0]["DeadLetterConfig"] == rule["Targets"][1]["DeadLetterConfig"]


def test_no_alarms(stack: cdk.Stack):
    handler = EventRuleHandler(
        stack, "Receipts", event_pattern=PAID, function_options=options(create_alarms=False)
    )
    assert dict(handler.alarms) == {}
    assert not of_type(template_of(stack), "AWS::CloudWatch::Alarm")


def test_logical_ids_are_stable(stack: cdk.Stack):
    EventRuleHandler(stack, "Receipts", event_pattern=PAID, function_options=OPTIONS)
    ids = sorted(template_of(stack)["Resources"])
    assert [i for i in ids if not i.startswith("ReceiptsHandler")] == [
        "ReceiptsDeadLetterQueue2FBEE237",
        "ReceiptsDeadLetterQueuePolicy8C9EAA62",
        "ReceiptsDeliveryDeadLetterQueueDepthAlarm25CC5366",
        "ReceiptsFailedInvocationsAlarm4057567E",
        "ReceiptsRule96666FA3",
        "ReceiptsRuleAllowEventRuleTestReceiptsHandler3F558B54BACA20BE",
    ]
