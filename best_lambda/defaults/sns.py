"""Every keyword argument of :class:`~best_lambda.TopicSubscriber`, declared once.

SNS invokes the function asynchronously: a message can be lost in two places, each with its
own safety net. SNS may fail to deliver it (after its fixed 100,015 attempts over 23 days):
the subscription's dead-letter queue keeps it. Lambda may accept it and the function fail on
it every retry: the function's own dead-letter queue keeps it.
"""

from __future__ import annotations

from best_lambda import limits
from best_lambda.defaults.lambda_ import DLQ_RETENTION_DAYS, TRIGGER_FUNCTION_PROPS
from best_lambda.props import Instance, Interface, MapOf, Prop, PropTable, Text

__all__ = ["AWS_MANAGED_KEY_ALIAS", "TOPIC_SUBSCRIBER_PROPS"]

#: The AWS managed key for SNS: encryption at rest at no key cost.
AWS_MANAGED_KEY_ALIAS = "alias/aws/sns"

TOPIC_SUBSCRIBER_PROPS = PropTable(
    "TopicSubscriber",
    (
        *TRIGGER_FUNCTION_PROPS,
        Prop(
            "topic",
            Interface("aws_sns.ITopic", ("topic_arn", "add_subscription")),
            "Subscribe to this topic (yours, or ``Topic.from_topic_arn(...)``) instead of "
            "creating one. A FIFO topic is refused: SNS delivers FIFO topics only to SQS queues.",
            default_doc=f"a new topic: encrypted ({AWS_MANAGED_KEY_ALIAS} unless master_key= is "
            "given), publishing over TLS only",
            reason="Messages encrypted at rest and in transit (AwsSolutions-SNS2, SNS3). The AWS "
            "managed key costs nothing and lets the account's publishers in with "
            "topic.grant_publish alone; AWS services that publish (CloudWatch alarms, "
            "EventBridge, S3) cannot use it: give those topics a customer managed key "
            "(master_key=).",
            source="sns-server-side-encryption; sns-security-best-practices",
        ),
        Prop(
            "master_key",
            Interface("aws_kms.IKey", ("key_arn",)),
            "KMS key of the topic the construct creates (not with topic=).",
        ),
        Prop(
            "filter_policy",
            MapOf(Text(), Instance("aws_sns.SubscriptionFilter")),
            "Deliver only messages whose attributes match (as aws_sns_subscriptions."
            "LambdaSubscription); the others never invoke the function.",
        ),
        Prop(
            "filter_policy_with_message_body",
            MapOf(Text(), Instance("aws_sns.FilterOrPolicy")),
            "Filter on the message body instead of its attributes (FilterPolicyScope "
            "MessageBody); not with filter_policy.",
        ),
        Prop(
            "dead_letter_queue",
            Interface("aws_sqs.IQueue", ("queue_arn", "grant_send_messages")),
            "Your own queue for messages SNS could not deliver to the function (the "
            "subscription's redrive policy). The function's own dead-letter queue is "
            "configured in function_options.",
            default_doc=f"an SQS queue: SSE, TLS-only, {DLQ_RETENTION_DAYS} days retention; "
            "alarms on its depth >= 1 and the topic's NumberOfNotificationsFailedToRedriveToDlq "
            ">= 1",
            reason="Without a redrive policy SNS discards a message it could not deliver (a "
            "deleted function, a missing permission, throttling through "
            f"{limits.SNS_LAMBDA_DELIVERY_ATTEMPTS:,} attempts over 23 days), and nothing "
            "records it (seeds/000 step 5). SNS's delivery policy for Lambda is fixed, so this "
            "is the only setting on that hop.",
            source="sns-dead-letter-queues; sns-message-delivery-retries",
        ),
    ),
)
