"""Whether a function may write the S3 keys that trigger it: the BestLambda rule, at synthesis.

``BucketProcessor`` validates its tree when the app is synthesized (``node.add_validation``),
with or without the BestLambda pack: it resolves what it can see of the function's
permissions (its role's default policy, inline and managed policies), writes the few
resources involved as a small CloudFormation template, and asks
:mod:`best_lambda.rules.lambda_.recursive_loop` about it. So the construct and the rule
cannot disagree about what a loop is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from constructs import IConstruct

from best_lambda.rules.lambda_ import recursive_loop
from best_lambda.rules.model import Status
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex

__all__ = ["s3_write_loop"]

_ACK_METADATA = "aws:cdk:acknowledged-rules"
_NOTIFICATIONS_ID = "Notifications"


def s3_write_loop(
    owner: IConstruct,
    bucket: s3.IBucket,
    function: lambda_.IFunction,
    events: Sequence[str],
    prefix: str,
    suffix: str,
) -> str | None:
    """The loop through ``bucket`` the rule finds for ``function``, or ``None``.

    ``None`` too when it cannot be decided here (an imported function or role: the rule
    reports those as unknown when the pack runs) or when ``BestLambda-RecursiveLoop`` is
    acknowledged on ``owner``, the function or an ancestor.
    """
    role = function.role if isinstance(function, lambda_.Function) else None
    if not isinstance(role, iam.Role):
        return None
    stack = cdk.Stack.of(function)
    fn_id = stack.get_logical_id(function.node.default_child)  # type: ignore[arg-type]
    cfn_role = role.node.default_child
    assert isinstance(cfn_role, iam.CfnRole)
    role_id = stack.get_logical_id(cfn_role)
    resources: dict[str, Any] = {
        fn_id: {
            "Type": "AWS::Lambda::Function",
            "Properties": {"Role": {"Fn::GetAtt": [role_id, "Arn"]}},
        },
        role_id: {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "ManagedPolicyArns": stack.resolve(cfn_role.managed_policy_arns) or [],
                "Policies": stack.resolve(cfn_role.policies) or [],
            },
        },
    }
    default_policy = role.node.try_find_child("DefaultPolicy")
    if isinstance(default_policy, iam.Policy):
        policy_id = stack.get_logical_id(default_policy.node.default_child)  # type: ignore[arg-type]
        resources[policy_id] = {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyDocument": stack.resolve(default_policy.document),
                "Roles": [{"Ref": role_id}],
            },
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
    index = TemplateIndex({"Resources": resources}, name=owner.node.path)
    function_resource = index.get(fn_id)
    assert function_resource is not None
    result = recursive_loop.RULE.check(function_resource, index, CheckOptions())
    if result.status is not Status.NON_COMPLIANT:
        return None
    if _acknowledged(owner) or _acknowledged(function):
        return None
    return " ".join(f.message for f in result.findings)


def _acknowledged(construct: IConstruct) -> bool:
    """Whether BestLambda-RecursiveLoop is acknowledged on ``construct`` or an ancestor."""
    for scope in construct.node.scopes:
        for entry in scope.node.metadata:
            data = entry.data if entry.type == _ACK_METADATA else None
            if isinstance(data, dict) and any(
                str(k).lower().endswith("bestlambda-recursiveloop") for k in data
            ):
                return True
    return False
