"""``TopicSubscriber``: an SNS topic and its subscribed function, failures kept on both hops."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Never

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from best_lambda.constructs._props import PropsChecker
from best_lambda.constructs._trigger import (
    Invocation,
    TargetFunction,
    check_trigger_props,
    delivery_dead_letter_queue,
    invocable,
)
from best_lambda.constructs.alarms import alarm_period, depth_alarm_metric
from best_lambda.constructs.hardened_function import HardenedFunctionOptions
from best_lambda.defaults.sns import AWS_MANAGED_KEY_ALIAS, TOPIC_SUBSCRIBER_PROPS

__all__ = ["TopicSubscriber"]


class TopicSubscriber(Construct):
    """An SNS topic, and a function subscribed to it with a safety net on each hop.

    SNS invokes Lambda asynchronously, so a message can be lost twice over: SNS may fail to
    deliver it (the subscription's dead-letter queue keeps it, with a redrive policy), and
    the function may fail on it after Lambda's retries (the function's own dead-letter queue
    keeps it). Both queues are encrypted and TLS-only, and alarmed: the subscription DLQ's
    depth and the topic's ``NumberOfNotificationsFailedToRedriveToDlq``, plus the function's
    own alarms.

    ``subscriber.function`` is the function, ``subscriber.topic`` the topic:
    ``subscriber.topic.grant_publish(publisher)``.

    Parameters
    ----------
    scope, construct_id
        As for any construct.
    function : aws_lambda.IFunction
        An existing function to invoke (typically a HardenedFunction you built). Not with
        function_options.
    function_options : HardenedFunctionOptions
        Build the function here: HardenedFunctionOptions(code=..., handler=..., ...), every
        HardenedFunction keyword argument the way the trigger invokes it allows. Not with
        function.
    topic : aws_sns.ITopic
        Subscribe to this topic (yours, or ``Topic.from_topic_arn(...)``) instead of
        creating one. A FIFO topic is refused: SNS delivers FIFO topics only to SQS queues.
        Default: a new topic: encrypted (alias/aws/sns unless master_key= is given),
        publishing over TLS only.
    master_key : aws_kms.IKey
        KMS key of the topic the construct creates (not with topic=).
    filter_policy : dict of str to aws_sns.SubscriptionFilter
        Deliver only messages whose attributes match (as
        aws_sns_subscriptions.LambdaSubscription); the others never invoke the function.
    filter_policy_with_message_body : dict of str to aws_sns.FilterOrPolicy
        Filter on the message body instead of its attributes (FilterPolicyScope
        MessageBody); not with filter_policy.
    dead_letter_queue : aws_sqs.IQueue
        Your own queue for messages SNS could not deliver to the function (the
        subscription's redrive policy). The function's own dead-letter queue is configured
        in function_options. Default: an SQS queue: SSE, TLS-only, 14 days retention; alarms
        on its depth >= 1 and the topic's NumberOfNotificationsFailedToRedriveToDlq >= 1.

    Raises
    ------
    InvalidPropsError
        Listing every invalid or contradictory argument, the function's included.

    Examples
    --------
    >>> from aws_cdk import App, Stack, aws_lambda as lambda_
    >>> from best_lambda import HardenedFunctionOptions
    >>> stack = Stack(App(), "Shipping")
    >>> notify = TopicSubscriber(stack, "NotifyCustomer",
    ...     function_options=HardenedFunctionOptions(
    ...         code=lambda_.Code.from_inline("def handler(event, context): pass"),
    ...         handler="index.handler"))
    >>> sorted(notify.alarms)[:3]
    ['DeadLetterErrors', 'DeadLetterQueueDepth', 'DeliveryDeadLetterQueueDepth']
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction | None = None,
        function_options: HardenedFunctionOptions | None = None,
        topic: sns.ITopic | None = None,
        master_key: kms.IKey | None = None,
        filter_policy: Mapping[str, sns.SubscriptionFilter] | None = None,
        filter_policy_with_message_body: Mapping[str, sns.FilterOrPolicy] | None = None,
        dead_letter_queue: sqs.IQueue | None = None,
        **unknown: Never,
    ) -> None:
        given = {k: v for k, v in locals().items() if k in TOPIC_SUBSCRIBER_PROPS}
        checker = PropsChecker(type(self).__name__, str(construct_id))
        values = check_trigger_props(checker, TOPIC_SUBSCRIBER_PROPS, given, unknown)
        target = TargetFunction.check(
            checker,
            scope,
            construct_id,
            Invocation.ASYNCHRONOUS,
            function=function,
            function_options=function_options,
        )
        _check(checker, values, given)
        checker.raise_if_any()
        super().__init__(scope, construct_id)

        self._function = target.build(self, "Handler")
        self._topic: sns.ITopic = topic or self._new_topic(master_key)
        self._dead_letter_queue = delivery_dead_letter_queue(self, dead_letter_queue)
        filters: dict[str, Any] = {}
        if filter_policy:
            filters["filter_policy"] = filter_policy
        if filter_policy_with_message_body:
            filters["filter_policy_with_message_body"] = filter_policy_with_message_body
        self._topic.add_subscription(
            subscriptions.LambdaSubscription(
                invocable(self._function), dead_letter_queue=self._dead_letter_queue, **filters
            )
        )

        self._alarms = target.alarms(self, self._function)
        if target.create_alarms:
            self._add_alarms()

    def _new_topic(self, master_key: kms.IKey | None) -> sns.Topic:
        created = sns.Topic(self, "Topic", enforce_ssl=True, master_key=master_key)
        if master_key is None:
            # The AWS managed key, set on the L1 only: its key policy already lets the
            # account's principals use it through SNS, so topic.grant_publish(...) needs (and
            # adds) no KMS statement, as it would for a key object.
            cfn = created.node.default_child
            assert isinstance(cfn, sns.CfnTopic)
            cfn.kms_master_key_id = AWS_MANAGED_KEY_ALIAS
        return created

    # -- public surface -------------------------------------------------------------------
    @property
    def function(self) -> lambda_.IFunction:
        """The subscriber: the function passed in, or the :class:`HardenedFunction` built."""
        return self._function

    @property
    def topic(self) -> sns.ITopic:
        """The topic (created or passed in)."""
        return self._topic

    @property
    def dead_letter_queue(self) -> sqs.IQueue:
        """The subscription's dead-letter queue: messages SNS could not deliver."""
        return self._dead_letter_queue

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms, by name.

        The built function's, plus ``DeliveryDeadLetterQueueDepth`` and
        ``FailedToRedriveToDlq``.
        """
        return MappingProxyType(self._alarms.alarms)

    def _add_alarms(self) -> None:
        self._alarms.add(
            "DeliveryDeadLetterQueueDepth",
            depth_alarm_metric(self._dead_letter_queue),
            1,
            "SNS could not deliver messages to the function; they wait in the subscription's "
            "dead-letter queue.",
        )
        self._alarms.add(
            "FailedToRedriveToDlq",
            self._topic.metric(
                "NumberOfNotificationsFailedToRedriveToDlq", period=alarm_period(), statistic="Sum"
            ),
            1,
            "SNS could neither deliver messages nor move them to the subscription's "
            "dead-letter queue: they are lost (check the queue's policy and encryption).",
        )


def _check(checker: PropsChecker, values: Mapping[str, Any], given: Mapping[str, Any]) -> None:
    """What only makes sense together."""
    topic = values.get("topic")
    if topic is not None and given.get("master_key") is not None:
        checker.add(
            "master_key + topic",
            given["master_key"],
            "applies only to the topic TopicSubscriber creates; encrypt the topic you pass "
            "where you create it",
        )
    if topic is not None and _is_fifo(topic):
        checker.add(
            "topic",
            topic,
            "is a FIFO topic: SNS delivers FIFO topics only to SQS queues, never to Lambda. "
            "Subscribe a QueueConsumer(fifo=True) queue to it instead",
        )
    if values.get("filter_policy") and values.get("filter_policy_with_message_body"):
        checker.add(
            "filter_policy + filter_policy_with_message_body",
            "both",
            "a subscription filters on the message attributes or on its body, not both: pass one",
            rendered="both",
        )


def _is_fifo(topic: sns.ITopic) -> bool:
    """Whether a topic is known to be FIFO (an imported topic says so by its ARN's suffix)."""
    fifo = getattr(topic, "fifo", None)
    return fifo is True
