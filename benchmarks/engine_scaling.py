"""How the rule engine scales with the size of a template (no timed assertions: a report).

Each pattern is a template that grows with N and exercises one cross-resource lookup of the
rules (the ones that used to be quadratic):

* ``shared-role-queues`` — N functions, each consuming its own SQS queue, sharing one role
  that may send to N other queues (``BestLambda-RecursiveLoop`` compares every trigger with
  the grants of the role);
* ``schedules`` — N functions, each the target of its own EventBridge Scheduler schedule;
* ``sns-subscriptions`` — N functions, each subscribed to its own SNS topic;
* ``eventbridge-targets`` — N functions, each the target of its own EventBridge rule;
* ``s3-notifications`` — N functions, each notified by its own bucket, sharing one role that
  may write objects under ``out/`` of every bucket;
* ``ordinary`` — N units of nine ordinary resources (function, role, policy, log group,
  queue, dead-letter queue, event source mapping, two alarms);
* ``conditional-shared-role`` — N functions, each under a condition of its own (on a
  parameter), sharing one role: each function is judged in the two worlds of its own
  condition (the role, which N conditions decide the users of, is unknown past the cap).

For each pattern and N = 100, 400, 1,600 it prints the evaluation time and the cost per
resource; the target is a cost per resource within 1.5x from N=100 to N=1,600, and the
ordinary template of 1,000 units (9,000 resources) well under a second. Run with::

    python benchmarks/engine_scaling.py            # all patterns
    python benchmarks/engine_scaling.py s3-notifications
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
import time
from collections.abc import Callable
from typing import Any

from best_lambda.rules.engine import TemplateInput, evaluate
from best_lambda.rules.options import CheckOptions

OPTIONS = CheckOptions(today=dt.date(2026, 11, 22))
SIZES = (100, 400, 1600)
TARGET_RATIO = 1.5


def _arn(name: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [name, "Arn"]}


def _function(role: str) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.13",
            "Handler": "index.handler",
            "Code": {"ZipFile": "def handler(event, context): pass"},
            "Role": _arn(role),
            "Architectures": ["arm64"],
            "TracingConfig": {"Mode": "Active"},
            "Timeout": 10,
            "MemorySize": 256,
            "LoggingConfig": {"LogFormat": "JSON"},
        },
    }


def _role(statements: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {
        "AssumeRolePolicyDocument": {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ]
        }
    }
    if statements:
        props["Policies"] = [{"PolicyName": "grants", "PolicyDocument": {"Statement": statements}}]
    return {"Type": "AWS::IAM::Role", "Properties": props}


def _permission(function: str, principal: str, source: str) -> dict[str, Any]:
    return {
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": {"Ref": function},
            "Principal": principal,
            "SourceArn": _arn(source),
        },
    }


def shared_role_queues(n: int) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    grants = [
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": _arn(f"Out{i}")}
        for i in range(n)
    ]
    resources["SharedRole"] = _role(grants)
    for i in range(n):
        resources[f"Fn{i}"] = _function("SharedRole")
        resources[f"In{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {"VisibilityTimeout": 60}}
        resources[f"Out{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
        resources[f"Mapping{i}"] = {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {"EventSourceArn": _arn(f"In{i}"), "FunctionName": {"Ref": f"Fn{i}"}},
        }
    return {"Resources": resources}


def schedules(n: int) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for i in range(n):
        resources[f"Role{i}"] = _role()
        resources[f"Fn{i}"] = _function(f"Role{i}")
        resources[f"Schedule{i}"] = {
            "Type": "AWS::Scheduler::Schedule",
            "Properties": {
                "ScheduleExpression": "rate(5 minutes)",
                "FlexibleTimeWindow": {"Mode": "OFF"},
                "Target": {"Arn": _arn(f"Fn{i}"), "RoleArn": "arn:aws:iam::1:role/scheduler"},
            },
        }
    return {"Resources": resources}


def sns_subscriptions(n: int) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for i in range(n):
        resources[f"Role{i}"] = _role()
        resources[f"Fn{i}"] = _function(f"Role{i}")
        resources[f"Topic{i}"] = {"Type": "AWS::SNS::Topic", "Properties": {}}
        resources[f"Subscription{i}"] = {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "Protocol": "lambda",
                "Endpoint": _arn(f"Fn{i}"),
                "TopicArn": {"Ref": f"Topic{i}"},
            },
        }
        resources[f"Invoke{i}"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "Action": "lambda:InvokeFunction",
                "FunctionName": {"Ref": f"Fn{i}"},
                "Principal": "sns.amazonaws.com",
                "SourceArn": {"Ref": f"Topic{i}"},
            },
        }
    return {"Resources": resources}


def eventbridge_targets(n: int) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    for i in range(n):
        resources[f"Role{i}"] = _role()
        resources[f"Fn{i}"] = _function(f"Role{i}")
        resources[f"Rule{i}"] = {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventPattern": {"source": [f"app.{i}"]},
                "Targets": [{"Id": "Target0", "Arn": _arn(f"Fn{i}")}],
            },
        }
        resources[f"Invoke{i}"] = _permission(f"Fn{i}", "events.amazonaws.com", f"Rule{i}")
    return {"Resources": resources}


def s3_notifications(n: int) -> dict[str, Any]:
    resources: dict[str, Any] = {}
    grants = [
        {
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": {"Fn::Join": ["", [_arn(f"Bucket{i}"), "/out/*"]]},
        }
        for i in range(n)
    ]
    resources["SharedRole"] = _role(grants)
    for i in range(n):
        resources[f"Fn{i}"] = _function("SharedRole")
        resources[f"Bucket{i}"] = {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "NotificationConfiguration": {
                    "LambdaConfigurations": [
                        {
                            "Event": "s3:ObjectCreated:*",
                            "Function": _arn(f"Fn{i}"),
                            "Filter": {"S3Key": {"Rules": [{"Name": "prefix", "Value": "in/"}]}},
                        }
                    ]
                }
            },
        }
        resources[f"Invoke{i}"] = _permission(f"Fn{i}", "s3.amazonaws.com", f"Bucket{i}")
    return {"Resources": resources}


def ordinary(n: int) -> dict[str, Any]:
    """N units of nine resources, each function with its own role, queue and alarms."""
    resources: dict[str, Any] = {}
    for i in range(n):
        resources[f"Role{i}"] = _role()
        resources[f"Fn{i}"] = _function(f"Role{i}")
        resources[f"Policy{i}"] = {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "default",
                "Roles": [{"Ref": f"Role{i}"}],
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                            "Resource": _arn(f"Queue{i}"),
                        }
                    ]
                },
            },
        }
        resources[f"Logs{i}"] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {
                "LogGroupName": {"Fn::Join": ["", ["/aws/lambda/", {"Ref": f"Fn{i}"}]]},
                "RetentionInDays": 30,
            },
        }
        resources[f"Queue{i}"] = {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "VisibilityTimeout": 60,
                "RedrivePolicy": {"deadLetterTargetArn": _arn(f"Dlq{i}"), "maxReceiveCount": 5},
            },
        }
        resources[f"Dlq{i}"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
        resources[f"Mapping{i}"] = {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": _arn(f"Queue{i}"),
                "FunctionName": {"Ref": f"Fn{i}"},
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        }
        for name, namespace, metric, dimension, value in (
            ("Errors", "AWS/Lambda", "Errors", "FunctionName", {"Ref": f"Fn{i}"}),
            (
                "DlqDepth",
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "QueueName",
                {"Fn::GetAtt": [f"Dlq{i}", "QueueName"]},
            ),
        ):
            resources[f"{name}{i}"] = {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "Namespace": namespace,
                    "MetricName": metric,
                    "Dimensions": [{"Name": dimension, "Value": value}],
                    "Threshold": 1,
                    "EvaluationPeriods": 1,
                    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                },
            }
    return {"Resources": resources}


def conditional_shared_role(n: int) -> dict[str, Any]:
    """N functions, each under its own condition, sharing one role."""
    resources: dict[str, Any] = {"SharedRole": _role()}
    for i in range(n):
        resources[f"Fn{i}"] = {**_function("SharedRole"), "Condition": f"Deploy{i}"}
    return {
        "Parameters": {f"Deploy{i}Param": {"Type": "String"} for i in range(n)},
        "Conditions": {
            f"Deploy{i}": {"Fn::Equals": [{"Ref": f"Deploy{i}Param"}, "yes"]} for i in range(n)
        },
        "Resources": resources,
    }


PATTERNS: dict[str, Callable[[int], dict[str, Any]]] = {
    "shared-role-queues": shared_role_queues,
    "schedules": schedules,
    "sns-subscriptions": sns_subscriptions,
    "eventbridge-targets": eventbridge_targets,
    "s3-notifications": s3_notifications,
    "ordinary": ordinary,
    "conditional-shared-role": conditional_shared_role,
}


def measure(template: dict[str, Any], repeat: int) -> float:
    """The best of ``repeat`` evaluations of every rule over the template, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        evaluate([TemplateInput("bench", template)], options=OPTIONS)
        best = min(best, time.perf_counter() - start)
    return best


def main(names: list[str]) -> int:
    """Print the table; return 1 when a pattern misses its target."""
    missed = 0
    print(f"{'pattern':24} {'N':>6} {'resources':>10} {'seconds':>9} {'us/resource':>12}")
    for name in names or list(PATTERNS):
        costs = []
        for n in SIZES:
            template = PATTERNS[name](n)
            count = len(template["Resources"])
            seconds = measure(template, repeat=5)
            costs.append(seconds / count)
            print(f"{name:24} {n:>6} {count:>10} {seconds:>9.3f} {seconds / count * 1e6:>12.1f}")
        ratio = costs[-1] / costs[0]
        verdict = "ok" if ratio <= TARGET_RATIO else f"MISSED (target {TARGET_RATIO}x)"
        missed += ratio > TARGET_RATIO
        print(f"{name:24} cost per resource N={SIZES[-1]} / N={SIZES[0]}: {ratio:.2f}x {verdict}")
    if not names or "ordinary" in names:
        template = ordinary(1000)
        seconds = measure(template, repeat=1)
        verdict = "ok" if seconds < 1.0 else "MISSED (target < 1 s)"
        print(
            f"ordinary, 1,000 units ({len(template['Resources']):,} resources): "
            f"{seconds:.3f} s {verdict}"
        )
        missed += seconds >= 1.0
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
