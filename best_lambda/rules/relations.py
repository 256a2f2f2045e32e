"""Cross-resource facts several rules need, each computed once per template.

Everything here reads a :class:`~best_lambda.rules.template.TemplateIndex` and returns
plain values; an :class:`~best_lambda.rules.template.Unresolved` means "the template alone
cannot say".
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from best_lambda import limits
from best_lambda.rules.model import Resource
from best_lambda.rules.template import (
    FUNCTION,
    TemplateIndex,
    Unresolved,
    dig,
    is_intrinsic,
    items,
    literal_text,
)

__all__ = [
    "ASYNC_SERVICES",
    "ESM",
    "PERMISSION",
    "PolicyStatement",
    "Principal",
    "Trigger",
    "async_triggers",
    "classify_principal",
    "dead_letter_queues",
    "event_source_kind",
    "function_timeout",
    "is_python",
    "principal_service",
    "role_statements",
    "statement_list",
    "triggers",
]

PERMISSION = "AWS::Lambda::Permission"
ESM = "AWS::Lambda::EventSourceMapping"
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_IAM_ARN = re.compile(r"^arn:[^:]+:(iam|sts)::")

#: Services that invoke Lambda asynchronously through a resource-based permission.
ASYNC_SERVICES: dict[str, str] = {
    "s3": "S3 event notifications",
    "sns": "SNS subscriptions",
    "events": "EventBridge rules",
    "scheduler": "EventBridge Scheduler",
    "iot": "AWS IoT rules",
    "logs": "CloudWatch Logs subscriptions",
    "ses": "SES receipt rules",
}


def function_timeout(function: Resource, index: TemplateIndex) -> float | Unresolved:
    """The function's timeout in seconds (Lambda's 3 s default when unset)."""
    value = index.number(function.get("Timeout"))
    return float(limits.LAMBDA_DEFAULT_TIMEOUT_SECONDS) if value is None else value


def is_python(function: Resource, index: TemplateIndex) -> bool | Unresolved:
    """Whether the function runs on a Python runtime."""
    runtime = index.literal(function.get("Runtime"))
    if isinstance(runtime, Unresolved):
        return runtime
    return isinstance(runtime, str) and runtime.startswith("python")


def principal_service(value: Any, index: TemplateIndex) -> str | Unresolved | None:
    """``"s3"`` for ``s3.amazonaws.com`` (any partition suffix); ``None`` if not a service."""
    literal = index.literal(value)
    text: Any = literal
    if isinstance(literal, Unresolved):
        # CDK renders some principals as Fn::Join ["", ["s3.", {"Ref": "AWS::URLSuffix"}]].
        if isinstance(value, dict) and "Fn::Join" in value:
            parts = value["Fn::Join"][1] if isinstance(value["Fn::Join"], list) else []
            text = "".join(p for p in parts if isinstance(p, str)) + "amazonaws.com"
        else:
            return literal
    if not isinstance(text, str) or (".amazonaws.com" not in text and not text.endswith(".")):
        return None
    return text.split(".", 1)[0]


@dataclass(frozen=True)
class Principal:
    """What the ``Principal`` of a Lambda permission designates.

    ``kind`` is ``"public"`` (``*``), ``"service"`` (an AWS service; ``service`` holds its
    short name, e.g. ``"s3"`` or ``"alexa-appkit"``) or ``"account"`` (an AWS account ID or
    an IAM ARN, governed by IAM in that account).
    """

    kind: Literal["public", "service", "account"]
    text: str
    service: str | None = None


def classify_principal(value: Any, index: TemplateIndex) -> Principal | Unresolved:
    """Classify the ``Principal`` of an ``AWS::Lambda::Permission``.

    Parameters
    ----------
    value
        The property as written.
    index
        The template.

    Returns
    -------
    Principal | Unresolved
        Unresolved when the template alone cannot say who the principal is (a parameter,
        an import, a condition whose branches differ).

    Examples
    --------
    >>> index = TemplateIndex({"Resources": {}})
    >>> classify_principal("s3.amazonaws.com", index).service
    's3'
    >>> classify_principal({"Ref": "AWS::AccountId"}, index).kind
    'account'
    """
    if value == {"Ref": "AWS::AccountId"}:
        return Principal("account", "this account")
    target = index.target(value)
    if target is not None and index.resources[target].type in ("AWS::IAM::Role", "AWS::IAM::User"):
        return Principal("account", f"IAM principal {target}")
    literal = index.literal(value)
    text: Any = literal
    if isinstance(literal, Unresolved):
        joined = literal_text(value)
        if joined is not None and (":iam::" in joined or ":sts::" in joined):
            return Principal("account", joined)
        service = principal_service(value, index)
        if isinstance(service, str):
            return Principal("service", joined or service, service)
        return literal
    if not isinstance(text, str) or not text:
        return Unresolved(f"the principal {text!r} is not a string")
    if text == "*":
        return Principal("public", text)
    if _ACCOUNT_ID.match(text) or _IAM_ARN.match(text):
        return Principal("account", text)
    service = principal_service(text, index)
    if isinstance(service, str):
        return Principal("service", text, service)
    if text.endswith(".amazon.com"):  # Alexa skills: alexa-appkit.amazon.com
        return Principal("service", text, text.split(".", 1)[0])
    return Unresolved(f"the principal {text!r} is neither '*', a service nor an account")


@dataclass(frozen=True)
class Trigger:
    """One thing of the template that invokes a function, or is set up to.

    Attributes
    ----------
    kind
        ``"async"`` (the service queues the event: S3, SNS, EventBridge, Scheduler, IoT,
        CloudWatch Logs, SES, an asynchronous invoke configuration), ``"poll"`` (an event
        source mapping) or ``"other"`` (a permission for a synchronous caller).
    service
        ``"s3"``, ``"sns"``, ``"events"``, ``"scheduler"``, ``"iot"``, ``"sqs"``,
        ``"kinesis"``...; for a mapping, :func:`event_source_kind`.
    via
        What declares it: ``"permission"``, ``"mapping"``, ``"subscription"`` (an SNS
        subscription or a topic's ``Subscription`` item), ``"notification"`` (an S3
        bucket's or aws-cdk-lib's ``Custom::S3BucketNotifications``), ``"rule"``,
        ``"schedule"``, ``"topic-rule"`` or ``"invoke-config"``.
    declared_by
        The logical ID of the resource that declares it.
    source
        The logical ID of the queue, topic or bucket the events come from, when in the
        template.
    arn
        The CloudFormation value of that source's ARN (mappings, subscriptions), or the
        bucket ARN (notifications).
    events, prefix, suffix
        For S3 notifications: the event types and the key filter, as written.
    """

    kind: Literal["async", "poll", "other"]
    service: str
    via: str
    declared_by: str
    source: str | None = None
    arn: Any = None
    events: Any = None
    prefix: Any = ""
    suffix: Any = ""

    def describe(self) -> str:
        """``"SNS subscriptions (subscription S)"``, as messages name it."""
        what = ASYNC_SERVICES.get(self.service, self.service)
        if self.via == "invoke-config":
            return f"an asynchronous invoke configuration ({self.declared_by})"
        return f"{what} ({self.via.replace('-', ' ')} {self.declared_by})"


def _key_filter(rules: Any) -> tuple[Any, Any]:
    prefix: Any = ""
    suffix: Any = ""
    for rule in items(rules):
        if not isinstance(rule, dict):
            continue
        name = rule.get("Name")
        if isinstance(name, str) and name.lower() == "prefix":
            prefix = rule.get("Value", "")
        elif isinstance(name, str) and name.lower() == "suffix":
            suffix = rule.get("Value", "")
    return prefix, suffix


def _all_triggers(index: TemplateIndex) -> dict[str, list[Trigger]]:
    """Function logical ID -> its triggers: every type scanned once per template."""

    def compute() -> dict[str, list[Trigger]]:
        found: dict[str, list[Trigger]] = {}

        def add(function: Any, trigger: Trigger) -> None:
            fn = index.function_id(function)
            if fn:
                found.setdefault(fn, []).append(trigger)

        for permission in index.of_type(PERMISSION):
            service = principal_service(permission.get("Principal"), index)
            if isinstance(service, str):
                kind: Literal["async", "other"] = "async" if service in ASYNC_SERVICES else "other"
                add(
                    permission.get("FunctionName"),
                    Trigger(kind, service, "permission", permission.logical_id),
                )
        for esm in index.of_type(ESM):
            kind_of, source = event_source_kind(esm, index)
            add(
                esm.get("FunctionName"),
                Trigger(
                    "poll", kind_of, "mapping", esm.logical_id, source, esm.get("EventSourceArn")
                ),
            )
        for subscription in index.of_type("AWS::SNS::Subscription"):
            if index.literal(subscription.get("Protocol")) == "lambda":
                topic_arn = subscription.get("TopicArn")
                add(
                    subscription.get("Endpoint"),
                    Trigger(
                        "async",
                        "sns",
                        "subscription",
                        subscription.logical_id,
                        index.target(topic_arn),
                        topic_arn,
                    ),
                )
        for topic in index.of_type("AWS::SNS::Topic"):
            for item in items(topic.get("Subscription")):
                if isinstance(item, dict) and index.literal(item.get("Protocol")) == "lambda":
                    add(
                        item.get("Endpoint"),
                        Trigger(
                            "async",
                            "sns",
                            "subscription",
                            topic.logical_id,
                            topic.logical_id,
                            {"Ref": topic.logical_id},
                        ),
                    )
        for bucket in index.of_type("AWS::S3::Bucket"):
            configs = dig(bucket.get("NotificationConfiguration"), "LambdaConfigurations")
            for item in items(configs):
                if isinstance(item, dict):
                    prefix, suffix = _key_filter(dig(item, "Filter", "S3Key", "Rules"))
                    add(
                        item.get("Function"),
                        Trigger(
                            "async",
                            "s3",
                            "notification",
                            bucket.logical_id,
                            bucket.logical_id,
                            {"Fn::GetAtt": [bucket.logical_id, "Arn"]},
                            [item.get("Event")],
                            prefix,
                            suffix,
                        ),
                    )
        for custom in index.of_type("Custom::S3BucketNotifications"):
            name = custom.get("BucketName")
            configs = dig(custom.get("NotificationConfiguration"), "LambdaFunctionConfigurations")
            for item in items(configs):
                if isinstance(item, dict):
                    prefix, suffix = _key_filter(dig(item, "Filter", "Key", "FilterRules"))
                    add(
                        item.get("LambdaFunctionArn"),
                        Trigger(
                            "async",
                            "s3",
                            "notification",
                            custom.logical_id,
                            index.target(name),
                            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", name]]},
                            item.get("Events"),
                            prefix,
                            suffix,
                        ),
                    )
        for rule in index.of_type("AWS::Events::Rule"):
            for target in items(rule.get("Targets")):
                if isinstance(target, dict):
                    add(target.get("Arn"), Trigger("async", "events", "rule", rule.logical_id))
        for schedule in index.of_type("AWS::Scheduler::Schedule"):
            add(
                dig(schedule.get("Target"), "Arn"),
                Trigger("async", "scheduler", "schedule", schedule.logical_id),
            )
        for topic_rule in index.of_type("AWS::IoT::TopicRule"):
            payload = topic_rule.get("TopicRulePayload")
            actions = [*items(dig(payload, "Actions")), dig(payload, "ErrorAction")]
            for action in actions:
                add(
                    dig(action, "Lambda", "FunctionArn"),
                    Trigger("async", "iot", "topic-rule", topic_rule.logical_id),
                )
        for config in index.of_type("AWS::Lambda::EventInvokeConfig"):
            add(
                config.get("FunctionName"),
                Trigger("async", "lambda", "invoke-config", config.logical_id),
            )
        return found

    return index.memo("relations.triggers", compute)


def triggers(function_id: str, index: TemplateIndex) -> list[Trigger]:
    """Everything of this template that invokes the function (one scan per template).

    Examples
    --------
    >>> index = TemplateIndex({"Resources": {
    ...     "Fn": {"Type": "AWS::Lambda::Function"},
    ...     "Every": {"Type": "AWS::Scheduler::Schedule",
    ...               "Properties": {"Target": {"Arn": {"Fn::GetAtt": ["Fn", "Arn"]}}}}}})
    >>> [t.describe() for t in triggers("Fn", index)]
    ['EventBridge Scheduler (schedule Every)']
    """
    return list(_all_triggers(index).get(function_id, ()))


def async_triggers(function_id: str, index: TemplateIndex) -> list[str]:
    """What invokes the function asynchronously (descriptions), from this template."""
    return [t.describe() for t in triggers(function_id, index) if t.kind == "async"]


#: The service segment of an ARN, where the partition may be ``${AWS::Partition}``.
_ARN_SERVICE = re.compile(r"^arn:(?:[A-Za-z0-9-]*|\$\{[^}]*\}|\*):([a-z0-9-]+):")
_SERVICE_KINDS = {
    "sqs": "sqs",
    "kinesis": "kinesis",
    "dynamodb": "dynamodb",
    "kafka": "kafka",
    "mq": "mq",
    "rds": "docdb",
}


def _arn_text(value: Any) -> str | None:
    """The literal skeleton of an ARN built with ``Fn::Sub`` or ``Fn::Join``, or ``None``.

    ``Fn::Join`` parts only known at deploy time become ``*``.
    """
    if not isinstance(value, dict) or not is_intrinsic(value):
        return None
    ((key, arg),) = value.items()
    if key == "Fn::Sub":
        text = arg[0] if isinstance(arg, list) and arg else arg
        return text if isinstance(text, str) else None
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        delimiter, parts = arg
        if isinstance(delimiter, str) and isinstance(parts, list):
            return delimiter.join(p if isinstance(p, str) else "*" for p in parts)
    return None


def event_source_kind(esm: Resource, index: TemplateIndex) -> tuple[str, str | None]:
    """(kind, logical ID of the source) of an event source mapping.

    Kinds: ``sqs``, ``kinesis``, ``dynamodb``, ``kafka``, ``mq``, ``docdb``, or ``unknown``.
    """
    if esm.get("SelfManagedEventSource") is not None:
        return "kafka", None
    arn = esm.get("EventSourceArn")
    target = index.target(arn)
    if target is None and isinstance(arn, dict) and is_intrinsic(arn):
        target = index.only_reference(arn)
    if target is not None:
        rtype = index.resources[target].type
        kinds = {
            "AWS::SQS::Queue": "sqs",
            "AWS::Kinesis::Stream": "kinesis",
            "AWS::Kinesis::StreamConsumer": "kinesis",
            "AWS::DynamoDB::Table": "dynamodb",
            "AWS::DynamoDB::GlobalTable": "dynamodb",
            "AWS::MSK::Cluster": "kafka",
            "AWS::MSK::ServerlessCluster": "kafka",
            "AWS::AmazonMQ::Broker": "mq",
            "AWS::DocDB::DBCluster": "docdb",
        }
        return kinds.get(rtype, "unknown"), target
    literal = index.literal(arn)
    text = literal if isinstance(literal, str) else _arn_text(arn)
    match = _ARN_SERVICE.match(text) if text else None
    if match and match.group(1) in _SERVICE_KINDS:
        return _SERVICE_KINDS[match.group(1)], None
    return "unknown", None


def dead_letter_queues(index: TemplateIndex) -> dict[str, str]:
    """Every queue (logical ID) of the template that serves as a dead-letter destination.

    The value says whose: a function's DeadLetterConfig, a queue's redrive policy, an async
    on-failure destination, an event source mapping's on-failure destination, an EventBridge
    rule target, a Scheduler target or an SNS subscription.
    """

    def compute() -> dict[str, str]:
        found: dict[str, str] = {}

        def note(value: Any, why: str) -> None:
            target = index.target(value)
            if target and index.resources[target].type == "AWS::SQS::Queue":
                found.setdefault(target, why)

        for fn in index.of_type(FUNCTION):
            note(
                dig(fn.get("DeadLetterConfig"), "TargetArn"),
                f"dead-letter queue of function {fn.logical_id}",
            )

        def note_redrive(redrive: Any, why: str) -> None:
            # An object, or a JSON string (literal, Fn::Sub, Fn::Join) naming the target.
            if isinstance(redrive, dict) and "deadLetterTargetArn" in redrive:
                note(redrive["deadLetterTargetArn"], why)
            elif redrive is not None:
                for target in sorted(index.targets_in(redrive)):
                    note({"Ref": target}, why)

        for queue in index.of_type("AWS::SQS::Queue"):
            note_redrive(queue.get("RedrivePolicy"), f"redrive target of queue {queue.logical_id}")
        for rtype, what in (
            ("AWS::Lambda::EventInvokeConfig", "async on-failure destination"),
            (ESM, "event source mapping on-failure destination"),
        ):
            for resource in index.of_type(rtype):
                destination = dig(resource.get("DestinationConfig"), "OnFailure", "Destination")
                note(destination, f"{what} ({resource.logical_id})")
        for rule in index.of_type("AWS::Events::Rule"):
            for target in items(rule.get("Targets")):
                if isinstance(target, dict):
                    note(
                        dig(target, "DeadLetterConfig", "Arn"),
                        f"dead-letter queue of EventBridge rule {rule.logical_id}",
                    )
        for schedule in index.of_type("AWS::Scheduler::Schedule"):
            target = schedule.get("Target") or {}
            if isinstance(target, dict):
                note(
                    dig(target, "DeadLetterConfig", "Arn"),
                    f"dead-letter queue of schedule {schedule.logical_id}",
                )
        for subscription in index.of_type("AWS::SNS::Subscription"):
            note_redrive(
                subscription.get("RedrivePolicy"),
                f"dead-letter queue of SNS subscription {subscription.logical_id}",
            )
        return found

    return index.memo("dead_letter_queues", compute)


@dataclass(frozen=True)
class PolicyStatement:
    """One Allow/Deny statement and the resource that holds it."""

    owner: Resource
    statement: dict[str, Any]

    def actions(self) -> list[str] | Unresolved:
        """The statement's actions (``Action``), lower-cased; Unresolved if not literal."""
        return self._names("Action")

    def not_actions(self) -> list[str] | Unresolved:
        """The actions ``NotAction`` excepts, lower-cased; Unresolved if not literal."""
        return self._names("NotAction")

    def _names(self, key: str) -> list[str] | Unresolved:
        value = self.statement.get(key, [])
        names = value if isinstance(value, list) else [value]
        if not all(isinstance(a, str) for a in names):
            return Unresolved(f"the statement's {key} is not literal")
        return [a.lower() for a in names]

    def resources(self) -> list[Any]:
        """The statement's resources as written (strings or intrinsics)."""
        value = self.statement.get("Resource", [])
        return value if isinstance(value, list) else [value]

    def allows(self, action: str) -> bool:
        """Whether an Allow statement allows ``action`` (wildcards honoured).

        An ``Action`` lists what it allows; a ``NotAction`` (without ``Action``) allows
        every action it does not list. ``False`` for a Deny, and for names that are not
        literal (:meth:`unreadable` says so).
        """
        if self.statement.get("Effect") != "Allow":
            return False
        lowered = action.lower()
        if "NotAction" in self.statement and "Action" not in self.statement:
            excepted = self.not_actions()
            return not isinstance(excepted, Unresolved) and not any(
                fnmatch.fnmatchcase(lowered, pattern) for pattern in excepted
            )
        actions = self.actions()
        return not isinstance(actions, Unresolved) and any(
            fnmatch.fnmatchcase(lowered, pattern) for pattern in actions
        )

    def unreadable(self) -> Unresolved | None:
        """Why :meth:`allows` cannot tell what an Allow statement allows, if it cannot."""
        if self.statement.get("Effect") != "Allow":
            return None
        names = self.not_actions() if "Action" not in self.statement else self.actions()
        return names if isinstance(names, Unresolved) else None


def statement_list(document: Any) -> Iterator[dict[str, Any]]:
    """The statements of a policy document (a single statement may be an object)."""
    if not isinstance(document, dict):
        return
    statements = document.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        if isinstance(statement, dict):
            yield statement


def role_statements(role_id: str, index: TemplateIndex) -> list[PolicyStatement]:
    """Every statement that applies to the role.

    From its inline policies and the ``AWS::IAM::Policy`` / customer-managed
    ``AWS::IAM::ManagedPolicy`` resources of this template attached to it.
    """

    def compute() -> dict[str, list[PolicyStatement]]:
        by_role: dict[str, list[PolicyStatement]] = {}
        for role in index.of_type("AWS::IAM::Role"):
            for policy in items(role.get("Policies")):
                if isinstance(policy, dict):
                    by_role.setdefault(role.logical_id, []).extend(
                        PolicyStatement(role, s)
                        for s in statement_list(policy.get("PolicyDocument"))
                    )
        for policy in index.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            statements = [
                PolicyStatement(policy, s) for s in statement_list(policy.get("PolicyDocument"))
            ]
            for attached in index.roles_of_policy(policy):
                by_role.setdefault(attached, []).extend(statements)
        return by_role

    return list(index.memo("role_statements", compute).get(role_id, ()))
