"""Every rule, over every ``Fn::If`` placement of the properties it reads.

A condition must neither hide a finding nor invent one. For each property (at any depth, list
items included) of each resource of a template that exercises every rule, and of the real
templates, the value ``v`` is replaced by

* ``Fn::If [C, v, v]``: every rule must judge every resource exactly as before;
* ``Fn::If [C, v, AWS::NoValue]`` and ``Fn::If [C, AWS::NoValue, v]``: every rule must judge
  every resource as the worse of the template with ``v`` and the template without it
  (non-compliant if either is, with the findings of both; compliant only if both are
  compliant or not applicable).

``C`` is a condition the template cannot decide (it compares a parameter).

Among the placements are the misfires once seen on real templates: a policy's ``Roles`` (and
one item of it) under ``Fn::If`` (``Writes``), an S3 notification entry under ``Fn::If``
(``Bucket``, for BestLambda-RecursiveLoop), ``TracingConfig`` with ``Active`` in both
branches, a ``ManagedPolicyArns`` item ``Fn::If [C, harmless, AWS::NoValue]`` (``Role``) and
whole-object ``DeadLetterConfig`` / ``LogGroupName`` under ``Fn::If`` (``Fn``, ``FnLogs``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from best_lambda.rules.engine import judge
from best_lambda.rules.model import Result, Status
from best_lambda.rules.registry import ALL_RULES
from best_lambda.rules.template import TemplateIndex
from tests.rules.harness import OPTIONS

REALAPPS = sorted((Path(__file__).resolve().parents[1] / "data" / "realapps").glob("*.json"))
NO_VALUE = {"Ref": "AWS::NoValue"}
CONDITION = "Placed"


def _getatt(name: str, attribute: str = "Arn") -> dict[str, Any]:
    return {"Fn::GetAtt": [name, attribute]}


def _function(role: str, **props: Any) -> dict[str, Any]:
    base = {
        "Runtime": "python3.13",
        "Handler": "index.handler",
        "Code": {"ZipFile": "def handler(e, c): pass"},
        "Role": _getatt(role),
        "Architectures": ["arm64"],
        "TracingConfig": {"Mode": "Active"},
        "Timeout": 20,
        "MemorySize": 512,
        "LoggingConfig": {"LogFormat": "JSON"},
    }
    return {"Type": "AWS::Lambda::Function", "Properties": {**base, **props}}


def _role(*statements: dict[str, Any], managed: list[Any] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "AssumeRolePolicyDocument": {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ]
        },
        "Policies": [{"PolicyName": "inline", "PolicyDocument": {"Statement": list(statements)}}],
    }
    if managed is not None:
        props["ManagedPolicyArns"] = managed
    return {"Type": "AWS::IAM::Role", "Properties": props}


def _alarm(namespace: str, metric: str, dimension: str, value: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": [{"Name": dimension, "Value": value}],
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "EvaluationPeriods": 1,
            "Threshold": 1,
            "Period": 60,
            "Statistic": "Sum",
        },
    }


#: One template in which every rule judges something, compliant and not.
EVERY_RULE: dict[str, Any] = {
    "Resources": {
        "Fn": _function(
            "Role",
            Environment={"Variables": {"TABLE": "orders", "DB_PASSWORD": "hunter2hunter2"}},
            DeadLetterConfig={"TargetArn": _getatt("Dlq")},
            SnapStart={"ApplyOn": "PublishedVersions"},
        ),
        "FnVersion": {
            "Type": "AWS::Lambda::Version",
            "Properties": {"FunctionName": {"Ref": "Fn"}},
        },
        "FnLive": {
            "Type": "AWS::Lambda::Alias",
            "Properties": {
                "FunctionName": {"Ref": "Fn"},
                "FunctionVersion": _getatt("FnVersion", "Version"),
                "Name": "live",
                "ProvisionedConcurrencyConfig": {"ProvisionedConcurrentExecutions": 2},
            },
        },
        "FnLogs": {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": {"Fn::Sub": "/aws/lambda/${Fn}"}, "RetentionInDays": 30},
        },
        "Role": _role(
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": _getatt("Out")},
            {"Effect": "Allow", "Action": ["s3:GetObject", "s3:*"], "Resource": "*"},
            managed=[
                {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"},
                "arn:aws:iam::aws:policy/AdministratorAccess",
            ],
        ),
        "Writes": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "writes",
                "Roles": [{"Ref": "Role"}],
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["s3:PutObject"],
                            "Resource": {"Fn::Join": ["", [_getatt("Bucket"), "/in/*"]]},
                        }
                    ]
                },
            },
        },
        "Queue": {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "VisibilityTimeout": 180,
                "RedrivePolicy": {"deadLetterTargetArn": _getatt("Dlq"), "maxReceiveCount": 5},
            },
        },
        "Out": {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 10}},
        "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "DlqAlarm": _alarm(
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            "QueueName",
            _getatt("Dlq", "QueueName"),
        ),
        "FnErrors": _alarm("AWS/Lambda", "Errors", "FunctionName", {"Ref": "Fn"}),
        "QueueMapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": _getatt("Queue"),
                "FunctionName": {"Ref": "Fn"},
                "BatchSize": 10,
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        },
        "OutMapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {"EventSourceArn": _getatt("Out"), "FunctionName": {"Ref": "Worker"}},
        },
        "Stream": {"Type": "AWS::Kinesis::Stream", "Properties": {"ShardCount": 1}},
        "StreamMapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": _getatt("Stream"),
                "FunctionName": {"Ref": "Worker"},
                "StartingPosition": "LATEST",
                "DestinationConfig": {"OnFailure": {"Destination": _getatt("Dlq")}},
                "BisectBatchOnFunctionError": True,
                "MaximumRetryAttempts": 3,
            },
        },
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "NotificationConfiguration": {
                    "LambdaConfigurations": [
                        {
                            "Event": "s3:ObjectCreated:*",
                            "Function": _getatt("Fn"),
                            "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "in/"}]}},
                        }
                    ]
                }
            },
        },
        "BucketInvoke": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": "Fn"},
                "Principal": "s3.amazonaws.com",
                "SourceArn": _getatt("Bucket"),
                "SourceAccount": {"Ref": "AWS::AccountId"},
            },
        },
        "FnUrl": {
            "Type": "AWS::Lambda::Url",
            "Properties": {"TargetFunctionArn": _getatt("Fn"), "AuthType": "AWS_IAM"},
        },
        "Worker": _function("Shared", Timeout=60),
        "Helper": _function("Shared", MemorySize=20000),
        "Shared": _role({"Effect": "Allow", "Action": "xray:PutTraceSegments", "Resource": "*"}),
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "Subscription": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "Protocol": "lambda",
                "Endpoint": _getatt("Worker"),
                "TopicArn": {"Ref": "Topic"},
            },
        },
        "Nightly": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "ScheduleExpression": "rate(1 day)",
                "Targets": [
                    {
                        "Id": "Worker",
                        "Arn": _getatt("Worker"),
                        "DeadLetterConfig": {"Arn": _getatt("Dlq")},
                    }
                ],
            },
        },
        "TopicInvoke": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": "Worker"},
                "Principal": "sns.amazonaws.com",
            },
        },
        "WorkerAsync": {
            "Type": "AWS::Lambda::EventInvokeConfig",
            "Properties": {
                "FunctionName": {"Ref": "Worker"},
                "Qualifier": "$LATEST",
                "DestinationConfig": {"OnFailure": {"Destination": _getatt("Dlq")}},
            },
        },
        "Method": {
            "Type": "AWS::ApiGateway::Method",
            "Properties": {
                "HttpMethod": "GET",
                "ResourceId": "abc",
                "RestApiId": "def",
                "Integration": {
                    "Type": "AWS_PROXY",
                    "IntegrationHttpMethod": "POST",
                    "TimeoutInMillis": 29000,
                    "Uri": {
                        "Fn::Sub": "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                        "functions/${Worker.Arn}/invocations"
                    },
                },
            },
        },
    }
}


def _judgements(template: dict[str, Any]) -> dict[tuple[str, str], Result]:
    index = TemplateIndex(template)
    return {
        (rule.id, resource.logical_id): judge(rule, resource, index, OPTIONS)
        for rule in ALL_RULES
        for rtype in sorted(rule.resource_types)
        for resource in index.of_type(rtype)
    }


def _summary(result: Result) -> tuple[Status, frozenset[str]]:
    ids = (
        frozenset(f"{f.suffix}@{f.logical_id}" for f in result.findings)
        if result.status is Status.NON_COMPLIANT
        else frozenset()
    )
    return result.status, ids


_ORDER = (Status.NON_COMPLIANT, Status.UNKNOWN, Status.COMPLIANT, Status.NOT_APPLICABLE)


def _worse(a: Result | None, b: Result | None) -> tuple[Status, frozenset[str]]:
    present = [_summary(r) for r in (a, b) if r is not None]
    status = min((s for s, _ in present), key=_ORDER.index)
    ids = frozenset().union(*(i for s, i in present if s is Status.NON_COMPLIANT))
    return status, ids


#: Deep enough for every property a rule reads (DestinationConfig.OnFailure.Destination,
#: policy statements' resources); deeper paths are event patterns and the like.
MAX_DEPTH = 6


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if len(prefix) >= MAX_DEPTH:
        return
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)).startswith(("Fn::", "Ref")):
            return  # an intrinsic is placed as a whole
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield (*prefix, position)
            yield from _paths(item, (*prefix, position))


def _placed(template: dict[str, Any], logical_id: str, path: tuple[Any, ...], new: Any) -> Any:
    changed = copy.deepcopy(template)
    changed.setdefault("Parameters", {})["PlacedParameter"] = {"Type": "String"}
    changed.setdefault("Conditions", {})[CONDITION] = {
        "Fn::Equals": [{"Ref": "PlacedParameter"}, "yes"]
    }
    parent = changed["Resources"][logical_id]["Properties"]
    for step in path[:-1]:
        parent = parent[step]
    if new is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = new(parent[path[-1]])
    return changed


def _cases() -> Iterator[tuple[str, dict[str, Any]]]:
    yield "every-rule", EVERY_RULE
    for path in REALAPPS:
        yield path.stem, json.loads(path.read_text())


CASES = list(_cases())


@pytest.mark.parametrize(("name", "template"), CASES, ids=[n for n, _ in CASES])
def test_no_placement_hides_or_invents_a_finding(name: str, template: dict[str, Any]):
    before = _judgements(template)
    problems: list[str] = []
    placements = 0
    for logical_id, body in template["Resources"].items():
        for path in _paths(body.get("Properties", {})):
            without = _judgements(_placed(template, logical_id, path, None))
            for label, wrap in (
                ("[C, v, v]", lambda v: {"Fn::If": [CONDITION, v, copy.deepcopy(v)]}),
                ("[C, v, NoValue]", lambda v: {"Fn::If": [CONDITION, v, NO_VALUE]}),
                ("[C, NoValue, v]", lambda v: {"Fn::If": [CONDITION, NO_VALUE, v]}),
            ):
                placements += 1
                after = _judgements(_placed(template, logical_id, path, wrap))
                for key in sorted(set(before) | set(without) | set(after)):
                    if label == "[C, v, v]":
                        expected = _worse(before.get(key), None)
                    else:
                        expected = _worse(before.get(key), without.get(key))
                    actual = _summary(after[key]) if key in after else None
                    if actual != expected:
                        problems.append(
                            f"{'/'.join(map(str, (logical_id, *path)))} as Fn::If{label}: "
                            f"{key[0]} on {key[1]} is {actual}, expected {expected}"
                        )
    assert placements > 0
    assert problems == [], f"{len(problems)} of {placements} placements:\n" + "\n".join(
        problems[:40]
    )


def test_the_template_exercises_every_rule():
    judged = _judgements(EVERY_RULE)
    statuses: dict[str, set[Status]] = {}
    for (rule_id, _), result in judged.items():
        statuses.setdefault(rule_id, set()).add(result.status)
    untouched = {"BestLambda-AssetSize", "BestLambda-CdkFrameworkFunction"}  # need an assembly
    for rule in ALL_RULES:
        if rule.id not in untouched:
            assert statuses.get(rule.id, set()) - {Status.NOT_APPLICABLE}, rule.id
    assert any(Status.NON_COMPLIANT in s for s in statuses.values())


def _holds_no_value(value: Any) -> bool:
    if value == NO_VALUE:
        return True
    if isinstance(value, dict):
        return any(_holds_no_value(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_no_value(v) for v in value)
    return False


def test_no_rule_sees_aws_no_value():
    """``AWS::NoValue`` never reaches a check: rules need no code for it.

    The index removes it where the template decides, each world where a condition does
    (``Resource.get`` hides a top-level one too). Checked on the judged resource and on the
    versions and aliases of a judged function (BestLambda-ColdStartConfig reads them), with
    ``AWS::NoValue`` written as a value and in either branch of an ``Fn::If``.
    """
    import dataclasses

    seen: list[str] = []

    def watched(rule: Any) -> Any:
        def check(resource: Any, index: TemplateIndex, options: Any) -> Result:
            read = [resource]
            if resource.type == "AWS::Lambda::Function":
                read += index.attached("AWS::Lambda::Version", resource.logical_id)
                read += index.attached("AWS::Lambda::Alias", resource.logical_id)
            seen.extend(
                f"{rule.id} on {resource.logical_id}: {r.logical_id}"
                for r in read
                if _holds_no_value(r.properties)
            )
            return rule.check(resource, index, options)

        return dataclasses.replace(rule, check=check)

    rules = [watched(rule) for rule in ALL_RULES]
    judged = 0
    for template in (EVERY_RULE, _MORE_PLACES):
        for logical_id, body in template["Resources"].items():
            for path in _paths(body.get("Properties", {})):
                for wrap in (
                    lambda v: NO_VALUE,
                    lambda v: {"Fn::If": [CONDITION, v, NO_VALUE]},
                    lambda v: {"Fn::If": [CONDITION, NO_VALUE, v]},
                ):
                    index = TemplateIndex(_placed(template, logical_id, path, wrap))
                    for rule in rules:
                        for rtype in sorted(rule.resource_types):
                            for resource in index.of_type(rtype):
                                judge(rule, resource, index, OPTIONS)
                                judged += 1
    assert judged > 0
    assert seen == []


#: Properties EVERY_RULE does not set that rules read: a log group named in LoggingConfig,
#: a subscription's RedrivePolicy, a function's file systems.
_MORE_PLACES: dict[str, Any] = {
    "Resources": {
        "Fn": _function(
            "Role",
            LoggingConfig={"LogFormat": "JSON", "LogGroup": {"Ref": "Logs"}},
            FileSystemConfigs=[{"Arn": "arn:aws:efs:x", "LocalMountPath": "/mnt/x"}],
            SnapStart={"ApplyOn": "PublishedVersions"},
        ),
        "Role": _role(),
        "Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 7}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "Dlq": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Subscription": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "Protocol": "lambda",
                "Endpoint": _getatt("Fn"),
                "TopicArn": {"Ref": "Topic"},
                "RedrivePolicy": {"deadLetterTargetArn": _getatt("Dlq")},
            },
        },
    }
}
