"""Shared relations: which function a value designates, and one triggers() for all rules."""

from __future__ import annotations

from typing import Any

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.lambda_.async_failure_handling import RULE as ASYNC
from best_lambda.rules.model import Status
from best_lambda.rules.relations import async_triggers, triggers
from best_lambda.rules.streams.stream_failure_handling import RULE as STREAM
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS


def fn(name: Any = None, **props: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "Runtime": "python3.13",
        "Handler": "i.h",
        "Role": "arn:aws:iam::1:role/r",
    }
    if name is not None:
        base["FunctionName"] = name
    return {"Type": "AWS::Lambda::Function", "Properties": {**base, **props}}


def permission(function_name: Any, principal: str = "iot.amazonaws.com") -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": function_name,
            "Principal": principal,
            "SourceAccount": {"Ref": "AWS::AccountId"},
        },
    }


@pytest.mark.parametrize(
    ("function_name", "reference"),
    [
        ("worker", "worker"),
        ("worker", "arn:aws:lambda:eu-west-1:123456789012:function:worker"),
        (
            "worker",
            {
                "Fn::Sub": "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}"
                ":function:worker"
            },
        ),
        ({"Fn::Sub": "${AWS::StackName}-worker"}, {"Fn::Sub": "${AWS::StackName}-worker"}),
        (
            {"Fn::Sub": "${AWS::StackName}-worker"},
            {
                "Fn::Join": [
                    "",
                    [
                        "arn:aws:lambda:",
                        {"Ref": "AWS::Region"},
                        ":",
                        {"Ref": "AWS::AccountId"},
                        ":function:",
                        {"Ref": "AWS::StackName"},
                        "-worker",
                    ],
                ]
            },
        ),
        (
            {"Fn::Sub": "${AWS::StackName}-worker"},
            {
                "Fn::Sub": "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:"
                "${AWS::StackName}-worker:live"
            },
        ),
        ({"Ref": "NameParam"}, {"Fn::Sub": "${NameParam}"}),
    ],
)
def test_a_permission_by_name_is_linked_to_its_function(function_name: Any, reference: Any):
    index = TemplateIndex(
        {
            "Parameters": {"NameParam": {"Type": "String"}},
            "Resources": {
                "Fn": fn(function_name),
                "Other": fn("other"),
                "Iot": permission(reference),
            },
        }
    )
    assert index.function_id(reference) == "Fn"
    assert async_triggers("Fn", index) == ["AWS IoT rules (permission Iot)"]


def test_two_functions_with_the_same_name_text_link_to_neither():
    index = TemplateIndex({"Resources": {"A": fn("same"), "B": fn("same")}})
    assert index.function_id("same") is None


def test_an_alias_that_names_itself_does_not_loop():
    alias = {"Type": "AWS::Lambda::Alias", "Properties": {"FunctionName": {"Ref": "Alias"}}}
    index = TemplateIndex({"Resources": {"Alias": alias}})
    assert index.function_id({"Ref": "Alias"}) is None


def test_iot_topic_rule_lambda_actions_are_asynchronous_triggers():
    rule = {
        "Type": "AWS::IoT::TopicRule",
        "Properties": {
            "TopicRulePayload": {
                "Sql": "SELECT * FROM 'sensors'",
                "Actions": [{"Lambda": {"FunctionArn": {"Fn::GetAtt": ["Fn", "Arn"]}}}],
                "ErrorAction": {"Lambda": {"FunctionArn": {"Fn::GetAtt": ["Errors", "Arn"]}}},
            }
        },
    }
    index = TemplateIndex({"Resources": {"Fn": fn(), "Errors": fn(), "Rule": rule}})
    assert [t.describe() for t in triggers("Fn", index)] == ["AWS IoT rules (topic rule Rule)"]
    assert [t.kind for t in triggers("Errors", index)] == ["async"]
    outcome = judge(ASYNC, index.resources["Fn"], index, OPTIONS)
    assert outcome.status is Status.NON_COMPLIANT
    assert "AWS IoT rules (topic rule Rule)" in outcome.findings[0].message


def test_every_kind_of_trigger_is_found_once_per_template():
    arn = {"Fn::GetAtt": ["Fn", "Arn"]}
    resources = {
        "Fn": fn(),
        "Queue": {"Type": "AWS::SQS::Queue"},
        "Topic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"Subscription": [{"Protocol": "lambda", "Endpoint": arn}]},
        },
        "Sub": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {"Protocol": "lambda", "Endpoint": arn, "TopicArn": {"Ref": "Topic"}},
        },
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "NotificationConfiguration": {
                    "LambdaConfigurations": [{"Event": "s3:ObjectCreated:*", "Function": arn}]
                }
            },
        },
        "Rule": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "t", "Arn": arn}]}},
        "Schedule": {"Type": "AWS::Scheduler::Schedule", "Properties": {"Target": {"Arn": arn}}},
        "Mapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
                "FunctionName": {"Ref": "Fn"},
            },
        },
        "Api": permission({"Ref": "Fn"}, "apigateway.amazonaws.com"),
    }
    found = {
        (t.kind, t.service, t.via, t.declared_by)
        for t in triggers("Fn", TemplateIndex({"Resources": resources}))
    }
    assert found == {
        ("async", "sns", "subscription", "Topic"),
        ("async", "sns", "subscription", "Sub"),
        ("async", "s3", "notification", "Bucket"),
        ("async", "events", "rule", "Rule"),
        ("async", "scheduler", "schedule", "Schedule"),
        ("poll", "sqs", "mapping", "Mapping"),
        ("other", "apigateway", "permission", "Api"),
    }


BUCKET_ARNS = [{"Fn::GetAtt": ["Failed", "Arn"]}, "arn:aws:s3:::failed-events"]


@pytest.mark.parametrize("destination", BUCKET_ARNS)
def test_an_s3_bucket_is_an_async_on_failure_destination(destination: Any):
    resources = {
        "Fn": fn(),
        "Failed": {"Type": "AWS::S3::Bucket"},
        "Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {"Targets": [{"Id": "t", "Arn": {"Fn::GetAtt": ["Fn", "Arn"]}}]},
        },
        "Async": {
            "Type": "AWS::Lambda::EventInvokeConfig",
            "Properties": {
                "FunctionName": {"Ref": "Fn"},
                "Qualifier": "$LATEST",
                "DestinationConfig": {"OnFailure": {"Destination": destination}},
            },
        },
    }
    index = TemplateIndex({"Resources": resources})
    assert judge(ASYNC, index.resources["Fn"], index, OPTIONS).status is Status.COMPLIANT


@pytest.mark.parametrize("destination", BUCKET_ARNS)
def test_an_s3_bucket_is_a_stream_on_failure_destination(destination: Any):
    resources = {
        "Fn": fn(),
        "Failed": {"Type": "AWS::S3::Bucket"},
        "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
        "Mapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": {"Fn::GetAtt": ["Stream", "Arn"]},
                "FunctionName": {"Ref": "Fn"},
                "StartingPosition": "LATEST",
                "BisectBatchOnFunctionError": True,
                "MaximumRetryAttempts": 2,
                "DestinationConfig": {"OnFailure": {"Destination": destination}},
            },
        },
    }
    index = TemplateIndex({"Resources": resources})
    assert judge(STREAM, index.resources["Mapping"], index, OPTIONS).status is Status.COMPLIANT


# -- PolicyStatement ---------------------------------------------------------------------------
def _statement(**body: Any) -> Any:
    from best_lambda.rules.model import Resource
    from best_lambda.rules.relations import PolicyStatement

    return PolicyStatement(Resource("Policy", "AWS::IAM::Policy", {}, {}, {}), body)


@pytest.mark.parametrize(
    ("body", "action", "allowed"),
    [
        ({"Effect": "Allow", "Action": "sqs:SendMessage"}, "sqs:SendMessage", True),
        ({"Effect": "Allow", "Action": ["SQS:Send*"]}, "sqs:sendmessage", True),
        ({"Effect": "Allow", "Action": "sqs:SendMessage?atch"}, "sqs:SendMessageBatch", True),
        ({"Effect": "Allow", "Action": "sqs:SendMessage"}, "sqs:SendMessageBatch", False),
        ({"Effect": "Deny", "Action": "*"}, "sqs:SendMessage", False),
        # NotAction: every action it does not list
        ({"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"]}, "sns:Publish", True),
        ({"Effect": "Allow", "NotAction": "SNS:*"}, "sns:Publish", False),
        ({"Effect": "Allow", "NotAction": ["sns:Pub?ish"]}, "sns:Publish", False),
        ({"Effect": "Deny", "NotAction": "iam:*"}, "sns:Publish", False),
        # names the template does not decide: not known to allow it (unreadable says why)
        ({"Effect": "Allow", "Action": {"Ref": "Actions"}}, "sns:Publish", False),
        ({"Effect": "Allow", "NotAction": ["iam:*", {"Ref": "More"}]}, "sns:Publish", False),
    ],
)
def test_policy_statement_allows(body: dict[str, Any], action: str, allowed: bool):
    assert _statement(**body).allows(action) is allowed


def test_policy_statement_unreadable():
    assert _statement(Effect="Allow", Action="s3:*").unreadable() is None
    assert _statement(Effect="Allow", NotAction="iam:*").unreadable() is None
    assert _statement(Effect="Deny", Action={"Ref": "A"}).unreadable() is None
    assert "Action" in _statement(Effect="Allow", Action=[{"Ref": "A"}]).unreadable().reason
    assert "NotAction" in _statement(Effect="Allow", NotAction={"Ref": "A"}).unreadable().reason
