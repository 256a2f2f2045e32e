"""S3 notifications: event names, overlapping keys, and the recursion guard.

Whether a function may write the S3 keys that trigger it is the BestLambda rule's question;
the guard asks it at synthesis.

``BucketProcessor`` validates its tree when the app is synthesized (``node.add_validation``),
with or without the BestLambda pack: it resolves what it can see of the function's
permissions (its role's default policy, inline and managed policies), writes the few
resources involved as a small CloudFormation template, and asks
:mod:`best_lambda.rules.lambda_.recursive_loop` about it. So the construct and the rule
cannot disagree about what a loop is.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import IConstruct, IValidation

from best_lambda.assembly.cloud import ACK_METADATA
from best_lambda.rules.lambda_ import recursive_loop
from best_lambda.rules.model import Status
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex

__all__ = [
    "S3RecursionGuard",
    "compatible_prefixes",
    "compatible_suffixes",
    "events_overlap",
    "events_overlap_within",
    "s3_event_name",
]

_NOTIFICATIONS_ID = "Notifications"


#: Actions that can cause an S3 object event: a statement allowing none of them (wildcards
#: matched) cannot start a loop, so nothing more needs to be resolved. The rule decides the
#: rest.
_S3_WRITES = (
    "s3:putobject",
    "s3:deleteobject",
    "s3:deleteobjectversion",
    "s3:putobjecttagging",
    "s3:deleteobjecttagging",
    "s3:putobjectacl",
    "s3:restoreobject",
)


#: aws_s3.EventType families whose events are "s3:<Family>:<Detail>" (or ":*" for all).
_EVENT_FAMILIES = (
    "OBJECT_CREATED",
    "OBJECT_REMOVED",
    "OBJECT_RESTORE",
    "OBJECT_TAGGING",
    "OBJECT_ACL",
    "LIFECYCLE_EXPIRATION",
    "REPLICATION",
)


def s3_event_name(event_type: s3.EventType) -> str:
    """The S3 event an ``aws_s3.EventType`` stands for (jsii enums carry only their names).

    Examples
    --------
    >>> s3_event_name(s3.EventType.OBJECT_CREATED), s3_event_name(s3.EventType.OBJECT_ACL_PUT)
    ('s3:ObjectCreated:*', 's3:ObjectAcl:Put')
    """

    def camel(name: str) -> str:
        return "".join(part.capitalize() for part in name.split("_"))

    name = event_type.name
    family = next((f for f in _EVENT_FAMILIES if name == f or name.startswith(f + "_")), None)
    if family is None:
        return f"s3:{camel(name)}"
    detail = name[len(family) + 1 :]
    return f"s3:{camel(family)}:{camel(detail) if detail else '*'}"


def compatible_prefixes(a: str, b: str) -> bool:
    """Whether some key starts with both ``a`` and ``b`` (one starts with the other)."""
    return a.startswith(b) or b.startswith(a)


def compatible_suffixes(a: str, b: str) -> bool:
    """Whether some key ends with both ``a`` and ``b``."""
    return a.endswith(b) or b.endswith(a)


def events_overlap(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether two lists of S3 event names share an event (``s3:ObjectCreated:*`` covers Put)."""

    def covers(x: str, y: str) -> bool:
        return x == y or (x.endswith("*") and y.startswith(x[:-1]))

    return any(covers(x, y) or covers(y, x) for x in a for y in b)


def events_overlap_within(events: Sequence[str]) -> bool:
    """Whether a list of S3 event names names one event twice (or within another)."""
    return any(events_overlap([a], [b]) for i, a in enumerate(events) for b in events[i + 1 :])


@jsii.implements(IValidation)
class S3RecursionGuard:
    """Fails synthesis when ``function`` may write keys of ``bucket`` that trigger it.

    Registered with ``owner.node.add_validation(...)``. At synthesis it resolves the
    function role's default policy and its inline and managed policies (a handful of jsii
    calls); only when one of them may write S3 objects does it ask the rule.
    """

    def __init__(
        self,
        owner: IConstruct,
        bucket: s3.IBucket,
        function: lambda_.IFunction,
        trigger: tuple[Sequence[str], str, str],
    ) -> None:
        self._owner, self._bucket, self._function = owner, bucket, function
        self._trigger = trigger
        role = function.role if isinstance(function, lambda_.Function) else None
        self._role = role if isinstance(role, iam.Role) else None
        cfn_role = self._role.node.default_child if self._role is not None else None
        self._cfn_role = cfn_role if isinstance(cfn_role, iam.CfnRole) else None
        self._stack = cdk.Stack.of(owner)

    def validate(self) -> list[str]:
        """The loop, as one error message; none when there is none."""
        loop = self.loop()
        if loop is None:
            return []
        return [
            f"recursive loop (BestLambda-RecursiveLoop): {loop} Grant writes to this bucket "
            "with output_prefix= on keys the trigger does not match, or write elsewhere; if "
            "the loop cannot happen, acknowledge BestLambda-RecursiveLoop on the processor "
            "with the reason."
        ]

    def loop(self) -> str | None:
        """The loop the rule finds, or ``None``.

        ``None`` too when it cannot be decided here (an imported function or role: the rule
        reports those as unknown when the pack runs) or when ``BestLambda-RecursiveLoop`` is
        acknowledged on the owner, the function or an ancestor.
        """
        role, cfn_role, stack = self._role, self._cfn_role, self._stack
        if role is None or cfn_role is None:
            return None
        default_policy = role.node.try_find_child("DefaultPolicy")
        document = (
            stack.resolve(default_policy.document)
            if isinstance(default_policy, iam.Policy)
            else None
        )
        resolved = stack.resolve(
            {"managed": cfn_role.managed_policy_arns, "inline": cfn_role.policies}
        )
        managed, inline = resolved.get("managed"), resolved.get("inline")
        documents = [document] + [
            p.get("PolicyDocument") for p in inline or [] if isinstance(p, dict)
        ]
        if not managed and not any(_may_write_objects(d) for d in documents):
            return None
        result = self._judge(document, default_policy, managed or [], inline or [])
        if result is None or _acknowledged(self._owner) or _acknowledged(self._function):
            return None
        return result

    def _judge(self, document: Any, default_policy: Any, managed: Any, inline: Any) -> str | None:
        """Write the few resources involved as a template, and run the rule on it."""
        stack, function, bucket = self._stack, self._function, self._bucket
        assert self._cfn_role is not None
        fn_id = stack.get_logical_id(function.node.default_child)  # type: ignore[arg-type]
        role_id = stack.get_logical_id(self._cfn_role)
        resources: dict[str, Any] = {
            fn_id: {
                "Type": "AWS::Lambda::Function",
                "Properties": {"Role": {"Fn::GetAtt": [role_id, "Arn"]}},
            },
            role_id: {
                "Type": "AWS::IAM::Role",
                "Properties": {"ManagedPolicyArns": managed, "Policies": inline},
            },
        }
        if document is not None:
            policy_id = stack.get_logical_id(default_policy.node.default_child)
            resources[policy_id] = {
                "Type": "AWS::IAM::Policy",
                "Properties": {"PolicyDocument": document, "Roles": [{"Ref": role_id}]},
            }
        cfn_bucket = bucket.node.default_child if isinstance(bucket, s3.Bucket) else None
        if isinstance(cfn_bucket, s3.CfnBucket):
            bucket_id = stack.get_logical_id(cfn_bucket)
            name = stack.resolve(cfn_bucket.bucket_name)
            resources[bucket_id] = {
                "Type": "AWS::S3::Bucket",
                "Properties": {"BucketName": name} if name is not None else {},
            }
            bucket_name: Any = {"Ref": bucket_id}
        else:
            bucket_name = stack.resolve(bucket.bucket_name)
        notifications = bucket.node.try_find_child("Notifications")  # aws-cdk-lib's resource
        cfn_notifications = notifications.node.default_child if notifications is not None else None
        notifications_id = (
            stack.get_logical_id(cfn_notifications)
            if isinstance(cfn_notifications, cdk.CfnResource)
            else _NOTIFICATIONS_ID
        )
        events, prefix, suffix = self._trigger
        rules = [{"Name": "prefix", "Value": prefix}] if prefix else []
        rules += [{"Name": "suffix", "Value": suffix}] if suffix else []
        resources[notifications_id] = {
            "Type": "Custom::S3BucketNotifications",
            "Properties": {
                "BucketName": bucket_name,
                "NotificationConfiguration": {
                    "LambdaFunctionConfigurations": [
                        {
                            "Events": list(events),
                            "LambdaFunctionArn": {"Fn::GetAtt": [fn_id, "Arn"]},
                            "Filter": {"Key": {"FilterRules": rules}},
                        }
                    ]
                },
            },
        }
        index = TemplateIndex({"Resources": resources}, name=self._owner.node.path)
        function_resource = index.get(fn_id)
        assert function_resource is not None
        result = recursive_loop.RULE.check(function_resource, index, CheckOptions())
        if result.status is not Status.NON_COMPLIANT:
            return None
        return " ".join(f.message for f in result.findings)


def _may_write_objects(document: Any) -> bool:
    """Whether a resolved policy document may allow an action that causes an S3 event."""
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        if "NotAction" in statement:
            return True
        actions = statement.get("Action", [])
        for action in actions if isinstance(actions, list) else [actions]:
            if not isinstance(action, str):
                return True
            pattern = action.lower()
            if any(fnmatch.fnmatchcase(write, pattern) for write in _S3_WRITES):
                return True
    return False


def _acknowledged(construct: IConstruct) -> bool:
    """Whether BestLambda-RecursiveLoop is acknowledged on ``construct`` or an ancestor."""
    for scope in construct.node.scopes:
        for entry in scope.node.metadata:
            data = entry.data if entry.type == ACK_METADATA else None
            if isinstance(data, dict) and any(
                str(k).lower().endswith("bestlambda-recursiveloop") for k in data
            ):
                return True
    return False
