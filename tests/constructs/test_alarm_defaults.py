"""AlarmDefaults: one alarm action for a whole app or stack, overridable per construct."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match

from best_lambda import AlarmDefaults, HardenedFunction, HardenedFunctionOptions, QueueConsumer
from best_lambda.testing import template_of

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")


def build(scope: cdk.Stack, construct_id: str = "Fn", **kwargs: Any) -> HardenedFunction:
    return HardenedFunction(scope, construct_id, code=CODE, handler="index.handler", **kwargs)


def alarm_actions(template: dict[str, Any]) -> dict[str, Any]:
    return {
        logical_id: resource["Properties"].get("AlarmActions")
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }


def topic_ref(stack: cdk.Stack, topic: sns.Topic) -> dict[str, str]:
    return {"Ref": stack.get_logical_id(topic.node.default_child)}  # type: ignore[arg-type]


def test_app_default_reaches_every_alarm_of_every_construct(app: cdk.App):
    stack = cdk.Stack(app, "Orders")
    pager = sns.Topic(stack, "Pager")
    AlarmDefaults.of(app).notify(pager)
    build(stack)
    QueueConsumer(
        stack,
        "Worker",
        function_options=HardenedFunctionOptions(code=CODE, handler="index.handler"),
    )
    actions = alarm_actions(template_of(stack))
    assert len(actions) == 5 + 5  # function's; consumer's function's 3 + queue's 2
    assert all(value == [topic_ref(stack, pager)] for value in actions.values()), actions
    assert not Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("notify nobody")
    )


def test_the_nearest_scope_wins_and_alarm_topic_wins_over_both(app: cdk.App):
    stack = cdk.Stack(app, "Orders")
    company, team, mine = (sns.Topic(stack, name) for name in ("Company", "Team", "Mine"))
    AlarmDefaults.of(app).notify(company)
    AlarmDefaults.of(stack).notify(team)
    build(stack, "TeamFn")
    build(stack, "MineFn", alarm_topic=mine)
    actions = alarm_actions(template_of(stack))
    assert {str(v) for k, v in actions.items() if k.startswith("TeamFn")} == {
        str([topic_ref(stack, team)])
    }
    assert {str(v) for k, v in actions.items() if k.startswith("MineFn")} == {
        str([topic_ref(stack, mine)])
    }


def test_several_targets_and_any_alarm_action(app: cdk.App):
    stack = cdk.Stack(app, "Orders")
    one, two = sns.Topic(stack, "One"), sns.Topic(stack, "Two")
    AlarmDefaults.of(stack).notify(one, cloudwatch_actions.SnsAction(two))
    build(stack, create_alarms=True)
    assert all(
        value == [topic_ref(stack, one), topic_ref(stack, two)]
        for value in alarm_actions(template_of(stack)).values()
    )


def test_alarms_that_notify_nobody_are_a_warning(app: cdk.App):
    stack = cdk.Stack(app, "Orders")
    build(stack)
    Annotations.from_stack(stack).has_warning(
        "/Orders/Fn",
        Match.string_like_regexp(
            r"The alarms of Orders/Fn notify nobody: pass alarm_topic= or call "
            r"best_lambda\.AlarmDefaults\.of\(app\)\.notify\(topic\)"
        ),
    )
    assert all(value is None for value in alarm_actions(template_of(stack)).values())


def test_no_alarms_no_warning(app: cdk.App):
    stack = cdk.Stack(app, "Orders")
    build(stack, create_alarms=False)
    assert not Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("notify nobody")
    )


def test_defaults_set_after_the_constructs_are_an_error(app: cdk.App):
    stack = cdk.Stack(app, "Orders")
    build(stack, "Early")
    with pytest.raises(
        ValueError, match=r"called after these constructs were created.*Orders/Early"
    ):
        AlarmDefaults.of(stack).notify(sns.Topic(stack, "Late"))
    # A scope that holds none of them is fine.
    other = cdk.Stack(app, "Other")
    AlarmDefaults.of(other).notify(sns.Topic(other, "Pager"))


def test_notify_refuses_what_is_not_an_action(app: cdk.App):
    with pytest.raises(
        ValueError, match=r"expected aws_sns\.ITopic or aws_cloudwatch\.IAlarmAction"
    ):
        AlarmDefaults.of(app).notify("arn:aws:sns:eu-west-1:123456789012:pager")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="at least one"):
        AlarmDefaults.of(app).notify()


def test_defaults_are_per_app(app: cdk.App):
    stack = cdk.Stack(app, "Orders")
    AlarmDefaults.of(app).notify(sns.Topic(stack, "Pager"))
    other_app = cdk.App(builtin_cloud_formation_validation=False)
    other = cdk.Stack(other_app, "Orders")
    build(other)
    assert all(value is None for value in alarm_actions(template_of(other)).values())
    assert AlarmDefaults.of(other_app).actions == ()
