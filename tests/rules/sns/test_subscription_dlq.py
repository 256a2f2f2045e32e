from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from best_lambda.rules.sns.subscription_dlq import RULE
from tests.rules.harness import (
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    is_prod_condition,
    l2_function,
    result,
)


def subscribe(stack: cdk.Stack, **kwargs: object) -> lambda_.Function:
    fn = l2_function(stack)
    topic = sns.Topic(stack, "Topic")
    topic.add_subscription(subscriptions.LambdaSubscription(fn, **kwargs))  # type: ignore[arg-type]
    return fn


def cfn_subscription(stack: cdk.Stack, **props: object) -> sns.CfnSubscription:
    return sns.CfnSubscription(
        stack,
        "Subscription",
        topic_arn="arn:aws:sns:eu-west-1:123456789012:orders",
        endpoint="arn:aws:lambda:eu-west-1:123456789012:function:worker",
        **{"protocol": "lambda", **props},  # type: ignore[arg-type]
    )


def test_compliant_with_a_dead_letter_queue(stack: cdk.Stack):
    subscribe(stack, dead_letter_queue=sqs.Queue(stack, "Dlq"))
    assert_compliant(result(RULE, stack, "Fn"))


def test_compliant_with_a_json_string_redrive_policy():
    """CloudFormation also takes the policy as a JSON string (aws-cdk-lib's L1 does not)."""
    dlq = "arn:aws:sqs:eu-west-1:123456789012:orders-dlq"
    template = {
        "Resources": {
            "Subscription": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "Protocol": "lambda",
                    "Endpoint": "arn:aws:lambda:eu-west-1:123456789012:function:worker",
                    "TopicArn": "arn:aws:sns:eu-west-1:123456789012:orders",
                    "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq}),
                },
            }
        }
    }
    assert_compliant(result(RULE, template, "Subscription"))


def test_compliant_with_a_substituted_json_redrive_policy(stack: cdk.Stack):
    dlq = sqs.Queue(stack, "Dlq")
    cfn_subscription(
        stack,
        redrive_policy=cdk.Fn.sub('{"deadLetterTargetArn": "${Arn}"}', {"Arn": dlq.queue_arn}),
    )
    assert_compliant(result(RULE, stack, "Subscription"))


def test_non_compliant_without_redrive_policy(stack: cdk.Stack):
    subscribe(stack)
    assert_non_compliant(
        result(RULE, stack, "Fn"), "subscription of Fn9270CBC0 has no RedrivePolicy", "discarded"
    )


def test_non_compliant_with_an_empty_dead_letter_target(stack: cdk.Stack):
    cfn_subscription(stack, redrive_policy={"deadLetterTargetArn": ""})
    assert_non_compliant(result(RULE, stack, "Subscription"), "a function outside this template")


def test_non_compliant_inline_topic_subscription(stack: cdk.Stack):
    fn = l2_function(stack)
    sns.CfnTopic(
        stack,
        "Inline",
        subscription=[
            sns.CfnTopic.SubscriptionProperty(endpoint=fn.function_arn, protocol="lambda")
        ],
    )
    assert_non_compliant(
        result(RULE, stack, "Inline"), "Topic Inline subscribes Fn9270CBC0", "cannot have a redrive"
    )


def test_non_compliant_when_one_branch_has_no_dead_letter_queue(stack: cdk.Stack):
    condition = is_prod_condition(stack)
    subscription = cfn_subscription(
        stack,
        redrive_policy=cdk.Fn.condition_if(
            condition.logical_id, {"deadLetterTargetArn": "arn:aws:sqs:::dlq"}, {}
        ),
    )
    # A redrive policy present only in production: the other branch loses messages.
    assert_non_compliant(
        result(RULE, stack, "Subscription"), "When IsProd is false", "no RedrivePolicy"
    )
    subscription.redrive_policy = cdk.Fn.condition_if(condition.logical_id, {}, {})
    assert_non_compliant(result(RULE, stack, "Subscription"), "no RedrivePolicy")


def test_not_applicable_to_other_protocols(stack: cdk.Stack):
    sns.Topic(stack, "Topic").add_subscription(
        subscriptions.SqsSubscription(sqs.Queue(stack, "Queue"))
    )
    assert_not_applicable(result(RULE, stack, "Queue"))


def test_not_applicable_to_a_topic_without_inline_lambda_subscriptions(stack: cdk.Stack):
    sns.Topic(stack, "Topic")
    assert_not_applicable(result(RULE, stack, "Topic"))


def test_unknown_protocol_from_a_parameter(stack: cdk.Stack):
    protocol = cdk.CfnParameter(stack, "Protocol", default="lambda")
    cfn_subscription(stack, protocol=protocol.value_as_string)
    assert_unknown(result(RULE, stack, "Subscription"), "parameter 'Protocol'")


def test_unknown_redrive_policy_from_a_parameter(stack: cdk.Stack):
    policy = cdk.CfnParameter(stack, "Redrive", default="{}")
    cfn_subscription(stack, redrive_policy=policy.value_as_string)
    assert_unknown(result(RULE, stack, "Subscription"), "parameter 'Redrive'")
