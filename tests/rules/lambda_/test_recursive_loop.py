from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.lambda_.recursive_loop import RULE, _globs_meet
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
)
from tests.rules.harness import (
    l2_function as function,
)


def notify(bucket: s3.Bucket, fn: lambda_.Function, *filters: s3.NotificationKeyFilter) -> None:
    bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(fn), *filters)


# -- SQS ----------------------------------------------------------------------------------------
def test_non_compliant_sqs_star_on_the_consumed_queue(stack: cdk.Stack):
    fn = function(stack)
    queue = sqs.Queue(stack, "Queue")
    fn.add_event_source(sources.SqsEventSource(queue))
    fn.add_to_role_policy(iam.PolicyStatement(actions=["sqs:*"], resources=[queue.queue_arn]))
    assert_non_compliant(
        result(RULE, stack, "Fn"), "send messages to the SQS queue Queue", "sqs:SendMessage"
    )


def test_non_compliant_sqs_grant_send_messages_to_the_consumed_queue(stack: cdk.Stack):
    fn = function(stack)
    queue = sqs.Queue(stack, "Queue")
    fn.add_event_source(sources.SqsEventSource(queue))
    queue.grant_send_messages(fn)
    assert_non_compliant(result(RULE, stack, "Fn"), "event source mapping")


def test_compliant_sqs_consumer_sends_to_another_queue(stack: cdk.Stack):
    fn = function(stack)
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Input")))
    sqs.Queue(stack, "Output").grant_send_messages(fn)
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_sqs_send_on_any_resource(stack: cdk.Stack):
    fn = function(stack)
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue")))
    fn.add_to_role_policy(iam.PolicyStatement(actions=["sqs:SendMessage"], resources=["*"]))
    assert_non_compliant(result(RULE, stack, "Fn"), "allowed on '*'")


def test_non_compliant_sqs_queue_arn_pattern_matching_a_literal_name(stack: cdk.Stack):
    fn = function(stack)
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue", queue_name="orders")))
    fn.add_to_role_policy(
        iam.PolicyStatement(
            actions=["sqs:SendMessage"], resources=["arn:aws:sqs:*:123456789012:ord*"]
        )
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "arn:aws:sqs:*:123456789012:ord*")


def test_compliant_sqs_queue_arn_of_another_literal_name(stack: cdk.Stack):
    fn = function(stack)
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue", queue_name="orders")))
    fn.add_to_role_policy(
        iam.PolicyStatement(
            actions=["sqs:SendMessage"], resources=["arn:aws:sqs:*:123456789012:invoices"]
        )
    )
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_sqs_send_on_a_plain_ref_of_the_queue(stack: cdk.Stack):
    """A Ref of a queue is its URL, not an ARN; naming the queue still counts."""
    fn = function(stack)
    queue = sqs.Queue(stack, "Queue")
    fn.add_event_source(sources.SqsEventSource(queue))
    fn.add_to_role_policy(
        iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[queue.queue_url])
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "sqs:SendMessage")


def test_non_compliant_allow_with_not_action(stack: cdk.Stack):
    fn = function(stack)
    sns.Topic(stack, "Topic").add_subscription(subscriptions.LambdaSubscription(fn))
    fn.add_to_role_policy(iam.PolicyStatement(not_actions=["iam:*"], resources=["*"]))
    assert_non_compliant(result(RULE, stack, "Fn"), "sns:Publish")


def test_non_compliant_through_aws_managed_full_access_policy(stack: cdk.Stack):
    fn = function(stack)
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue")))
    assert fn.role is not None
    fn.role.add_managed_policy(
        iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSQSFullAccess")
    )
    assert_non_compliant(result(RULE, stack, "Fn"), "AWS managed policy AmazonSQSFullAccess")


# -- SNS ----------------------------------------------------------------------------------------
def test_non_compliant_sns_publish_to_the_subscribed_topic(stack: cdk.Stack):
    fn = function(stack)
    topic = sns.Topic(stack, "Topic")
    topic.add_subscription(subscriptions.LambdaSubscription(fn))
    topic.grant_publish(fn)
    assert_non_compliant(result(RULE, stack, "Fn"), "publish to the SNS topic Topic", "sns:Publish")


def test_compliant_sns_publish_to_another_topic(stack: cdk.Stack):
    fn = function(stack)
    sns.Topic(stack, "Topic").add_subscription(subscriptions.LambdaSubscription(fn))
    sns.Topic(stack, "Other").grant_publish(fn)
    assert_compliant(result(RULE, stack, "Fn"))


# -- S3 -----------------------------------------------------------------------------------------
def test_non_compliant_s3_put_on_every_object_of_the_notifying_bucket(stack: cdk.Stack):
    fn = function(stack)
    bucket = s3.Bucket(stack, "Bucket")
    notify(bucket, fn, s3.NotificationKeyFilter(prefix="in/"))
    bucket.grant_put(fn)
    assert_non_compliant(
        result(RULE, stack, "Fn"), "write objects to the S3 bucket", "s3:PutObject"
    )


def test_non_compliant_s3_written_prefix_inside_the_watched_prefix(stack: cdk.Stack):
    fn = function(stack)
    bucket = s3.Bucket(stack, "Bucket")
    notify(bucket, fn, s3.NotificationKeyFilter(prefix="in/"))
    bucket.grant_put(fn, "in/processed/*")
    assert_non_compliant(result(RULE, stack, "Fn"), "keys with prefix 'in/'")


def test_compliant_s3_disjoint_prefixes(stack: cdk.Stack):
    fn = function(stack)
    bucket = s3.Bucket(stack, "Bucket")
    notify(bucket, fn, s3.NotificationKeyFilter(prefix="in/"))
    bucket.grant_put(fn, "out/*")
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_s3_disjoint_suffixes(stack: cdk.Stack):
    fn = function(stack)
    bucket = s3.Bucket(stack, "Bucket")
    notify(bucket, fn, s3.NotificationKeyFilter(suffix=".jpg"))
    bucket.grant_put(fn, "thumbnails/*.png")
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_s3_writes_to_a_different_bucket(stack: cdk.Stack):
    fn = function(stack)
    notify(s3.Bucket(stack, "Uploads"), fn)
    s3.Bucket(stack, "Results").grant_put(fn)
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_s3_put_does_not_cause_removal_events(stack: cdk.Stack):
    fn = function(stack)
    bucket = s3.Bucket(stack, "Bucket")
    bucket.add_event_notification(s3.EventType.OBJECT_REMOVED, s3n.LambdaDestination(fn))
    bucket.grant_put(fn)
    assert_compliant(result(RULE, stack, "Fn"))


def test_non_compliant_s3_delete_on_removal_events(stack: cdk.Stack):
    fn = function(stack)
    bucket = s3.Bucket(stack, "Bucket")
    bucket.add_event_notification(s3.EventType.OBJECT_REMOVED, s3n.LambdaDestination(fn))
    bucket.grant_delete(fn)
    assert_non_compliant(result(RULE, stack, "Fn"), "s3:DeleteObject")


def cfn_template(statement: dict[str, Any], **bucket_props: Any) -> dict[str, Any]:
    """Hand-written CloudFormation: the bucket's own NotificationConfiguration."""
    return {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {},
                    "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [statement]}}],
                },
            },
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Runtime": "python3.13",
                    "Handler": "index.handler",
                    "Code": {"ZipFile": "x"},
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                },
            },
            "Bucket": {
                "Type": "AWS::S3::Bucket",
                "Properties": {
                    "NotificationConfiguration": {
                        "LambdaConfigurations": [
                            {
                                "Event": "s3:ObjectCreated:*",
                                "Function": {"Fn::GetAtt": ["Fn", "Arn"]},
                                "Filter": {
                                    "S3Key": {"Rules": [{"Name": "prefix", "Value": "uploads/"}]}
                                },
                            }
                        ]
                    },
                    **bucket_props,
                },
            },
        }
    }


def test_non_compliant_s3_literal_bucket_name_in_a_cloudformation_template():
    template = cfn_template(
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-uploads/*"},
        BucketName="my-uploads",
    )
    assert_non_compliant(result(RULE, template, "Fn"), "S3 bucket Bucket", "notification in Bucket")


def test_compliant_s3_literal_bucket_name_disjoint_prefix_in_a_cloudformation_template():
    template = cfn_template(
        {
            "Effect": "Allow",
            "Action": ["s3:PutObject"],
            "Resource": {"Fn::Sub": "${Bucket.Arn}/results/*"},
        },
        BucketName="my-uploads",
    )
    assert_compliant(result(RULE, template, "Fn"))


def test_non_compliant_s3_sub_of_the_bucket_in_a_cloudformation_template():
    template = cfn_template(
        {"Effect": "Allow", "Action": "s3:Put*", "Resource": {"Fn::Sub": "${Bucket.Arn}/*"}}
    )
    assert_non_compliant(result(RULE, template, "Fn"), "s3:PutObject")


# -- RecursiveLoop and not applicable -------------------------------------------------------------
def test_non_compliant_recursive_loop_allow_without_trigger(stack: cdk.Stack):
    function(stack, recursive_loop=lambda_.RecursiveLoop.ALLOW)
    assert_non_compliant(result(RULE, stack, "Fn"), "RecursiveLoop is 'Allow'")


def test_not_applicable_without_trigger(stack: cdk.Stack):
    fn = function(stack)
    sqs.Queue(stack, "Queue").grant_send_messages(fn)
    assert_not_applicable(result(RULE, stack, "Fn"))


def test_not_applicable_to_cdk_framework_function(stack: cdk.Stack):
    function(stack, "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a")
    assert_not_applicable(result(RULE, stack, "LogRetention"))


# -- unknown ------------------------------------------------------------------------------------
def test_unknown_when_recursive_loop_is_a_parameter(stack: cdk.Stack):
    mode = cdk.CfnParameter(stack, "LoopMode", default="Terminate")
    lambda_.CfnFunction(
        stack,
        "Fn",
        code={"zipFile": "x"},
        role="arn:aws:iam::123456789012:role/r",
        runtime="python3.13",
        handler="index.handler",
        recursive_loop=mode.value_as_string,
    )
    assert_unknown(result(RULE, stack, "Fn"), "template parameter 'LoopMode'")


def send_to_parameter_queue(stack: cdk.Stack, fn: lambda_.Function) -> None:
    name = cdk.CfnParameter(stack, "TargetQueueName")
    fn.add_to_role_policy(
        iam.PolicyStatement(
            actions=["sqs:SendMessage"],
            resources=[f"arn:aws:sqs:{cdk.Aws.REGION}:{cdk.Aws.ACCOUNT_ID}:{name.value_as_string}"],
        )
    )


def test_unknown_when_the_written_queue_is_a_parameter(stack: cdk.Stack):
    fn = function(stack)
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue", queue_name="orders")))
    send_to_parameter_queue(stack, fn)
    assert_unknown(result(RULE, stack, "Fn"), "known only at deploy time")


def test_compliant_a_parameter_cannot_name_a_queue_with_a_generated_name(stack: cdk.Stack):
    fn = function(stack)
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue")))
    send_to_parameter_queue(stack, fn)
    assert_compliant(result(RULE, stack, "Fn"))


def test_unknown_when_the_notifying_bucket_is_named_by_a_parameter():
    template = cfn_template(
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::my-uploads/*"},
        BucketName={"Ref": "UploadBucketName"},
    )
    template["Parameters"] = {"UploadBucketName": {"Type": "String"}}
    assert_unknown(result(RULE, template, "Fn"), "known only at deploy time")


def test_non_compliant_when_bucket_and_policy_use_the_same_parameter():
    template = cfn_template(
        {
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${UploadBucketName}/*"},
        },
        BucketName={"Ref": "UploadBucketName"},
    )
    template["Parameters"] = {"UploadBucketName": {"Type": "String"}}
    assert_non_compliant(result(RULE, template, "Fn"), "s3:PutObject")


def test_unknown_when_the_role_is_not_in_the_template(stack: cdk.Stack):
    fn = function(
        stack,
        role=iam.Role.from_role_arn(stack, "Imported", "arn:aws:iam::123456789012:role/r"),
    )
    fn.add_event_source(sources.SqsEventSource(sqs.Queue(stack, "Queue")))
    assert_unknown(result(RULE, stack, "Fn"), "execution role is not defined")


def test_non_compliant_when_the_role_is_an_fn_sub_of_its_arn():
    """``Role: Fn::Sub arn:...:role/${Role}`` is the template's role: the loop is found."""
    template = cfn_template(
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": {"Fn::Sub": "${Bucket.Arn}/*"}}
    )
    template["Resources"]["Fn"]["Properties"]["Role"] = {
        "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}"
    }
    assert_non_compliant(result(RULE, template, "Fn"), "s3:PutObject", "S3 bucket Bucket")


def test_non_compliant_when_a_condition_picks_the_write_action():
    template = cfn_template(
        {
            "Effect": "Allow",
            "Action": {"Fn::If": ["Cond", "s3:PutObject", "s3:GetObject"]},
            "Resource": "*",
        }
    )
    assert_non_compliant(result(RULE, template, "Fn"), "When Cond is true: It can write objects")


def test_unknown_when_actions_are_not_literal():
    template = cfn_template({"Effect": "Allow", "Action": {"Ref": "Actions"}, "Resource": "*"})
    assert_unknown(result(RULE, template, "Fn"), "non-literal actions")


def _with_managed_policy(arn: Any) -> dict[str, Any]:
    template = cfn_template({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    template["Resources"]["Role"]["Properties"]["ManagedPolicyArns"] = [arn]
    return template


def test_non_compliant_through_an_aws_managed_policy_arn_joined_with_the_partition():
    arn = {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam::aws:policy/AmazonS3FullAccess"]]
    }
    assert_non_compliant(
        result(RULE, _with_managed_policy(arn), "Fn"), "AWS managed policy AmazonS3FullAccess"
    )


def test_compliant_with_a_narrow_aws_managed_policy():
    arn = {"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"}
    assert_compliant(result(RULE, _with_managed_policy(arn), "Fn"))


def test_unknown_with_a_customer_managed_policy_outside_the_template():
    arn = {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:policy/writer"}
    assert_unknown(result(RULE, _with_managed_policy(arn), "Fn"), "is not in this template")


def test_unknown_when_the_aws_managed_policy_name_is_a_parameter():
    """It may be AmazonS3FullAccess: not assumed harmless."""
    arn = {"Fn::Sub": "arn:aws:iam::aws:policy/${PolicyName}"}
    template = _with_managed_policy(arn)
    template["Parameters"] = {"PolicyName": {"Type": "String"}}
    assert_unknown(result(RULE, template, "Fn"), "policy name")


def test_unknown_when_not_action_is_not_literal():
    template = cfn_template(
        {"Effect": "Allow", "NotAction": ["iam:*", {"Ref": "Excepted"}], "Resource": "*"}
    )
    template["Parameters"] = {"Excepted": {"Type": "String"}}
    assert_unknown(result(RULE, template, "Fn"), "non-literal actions")


def test_globs_meet():
    assert _globs_meet("*", "arn:aws:s3:::b/k")
    assert _globs_meet("arn:aws:s3:::b/in/*.jpg", "arn:\x01:s3:::b/in/x/*")
    assert not _globs_meet("arn:aws:s3:::b/out/*", "arn:\x01:s3:::b/in/*")
    assert not _globs_meet("arn:\x01:s3:::b/*.png", "arn:\x01:s3:::b/*.jpg")
    assert _globs_meet("arn:aws:sqs:*", "arn:\x01:sqs:\x01:\x01:q")
    assert not _globs_meet("arn:aws:sqs:eu-west-1:1:other", "arn:\x01:sqs:\x01:\x01:q")
    assert _globs_meet("a?c", "abc")
    assert not _globs_meet("abc", "ab")
