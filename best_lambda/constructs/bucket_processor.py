"""``BucketProcessor``: S3 object events and the function that processes them, loop-free."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, Never

import aws_cdk as cdk
import jsii
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from constructs import Construct

from best_lambda.constructs._props import PropsChecker
from best_lambda.constructs._s3 import (
    S3RecursionGuard,
    compatible_prefixes,
    compatible_suffixes,
    events_overlap,
    events_overlap_within,
    s3_event_name,
)
from best_lambda.constructs._shared import acknowledge, nag_resource
from best_lambda.constructs._trigger import (
    Invocation,
    TargetFunction,
    check_trigger_props,
    invocable,
)
from best_lambda.constructs.hardened_function import HardenedFunctionOptions
from best_lambda.constructs.queue_consumer import (
    CheckedQueueConsumer,
    QueueConsumer,
    QueueConsumerOptions,
    check_queue_consumer,
)
from best_lambda.defaults import s3 as defaults
from best_lambda.defaults.s3 import BUCKET_PROCESSOR_PROPS
from best_lambda.defaults.sqs import QUEUE_CONSUMER_PROPS
from best_lambda.errors import Problem

__all__ = ["BucketProcessor"]

#: aws-cdk-lib's bucket-notifications handler: one per stack, at the stack's root.
NOTIFICATIONS_HANDLER = "BucketNotificationsHandler050a0587b7544547bf325f094a3db834"
_HANDLER_FINDINGS = (
    "BestLambda-CdkFrameworkFunction",
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AWSLambdaBasicExecutionRole]",
)
_ACKNOWLEDGED: weakref.WeakSet[Any] = weakref.WeakSet()
#: Notifications configured by BucketProcessors, per bucket: (events, prefix, suffix, path).
_NOTIFICATIONS: weakref.WeakKeyDictionary[Any, list[tuple[tuple[str, ...], str, str, str]]] = (
    weakref.WeakKeyDictionary()
)


@jsii.implements(iam.IGrantable)
class BucketProcessor(Construct):
    """A function that processes a bucket's objects, and can never re-trigger itself.

    S3 invokes the function asynchronously for each event on the keys that match ``prefix``
    and ``suffix`` (failed events go to the function's dead-letter queue), or, with
    ``through_queue=True``, sends them to an SQS queue that a :class:`QueueConsumer` drains
    (retries by the queue, partial batch responses, a redrive DLQ). The function may read
    those keys; it may write to the bucket only under ``output_prefix``, which must not
    overlap them. A write grant added later that does (``bucket.grant_write(processor)``)
    fails synthesis with a message naming the loop, with or without the BestLambda pack.

    The processor is ``IGrantable`` (its function's role): ``table.grant_write_data(processor)``.

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
    bucket : aws_s3.IBucket
        Process this bucket's objects (yours, or ``Bucket.from_bucket_name(...)``) instead
        of creating one. Default: a new bucket: SSE-S3, TLS-only, public access blocked,
        server access logs.
    server_access_logs_bucket : aws_s3.IBucket
        Where the bucket the construct creates writes its access logs (not with bucket=).
        Default: a second bucket (SSE-S3, TLS-only, logs expire after 90 days).
    events : list of aws_s3.EventType
        The S3 events that invoke the function. Default: [EventType.OBJECT_CREATED]. Accepts
        a list of aws_s3.EventType.
    prefix : str
        Only keys that start with this invoke the function.
    suffix : str
        Only keys that end with this invoke the function.
    output_prefix : str
        Grant the function writes to this bucket's keys under this prefix; refused unless
        those keys can never match prefix and suffix, so that its own writes never invoke it
        again. Default: no write access to the bucket.
    through_queue : bool
        Send the events to an SQS queue that a QueueConsumer drains: retries by the queue,
        partial batch responses, a redrive DLQ. Default: False.
    queue_options : QueueConsumerOptions
        QueueConsumer keyword arguments for the queue (through_queue=True only).

    Raises
    ------
    InvalidPropsError
        Listing every invalid or contradictory argument, the function's included.

    Examples
    --------
    >>> from aws_cdk import App, Stack, aws_lambda as lambda_
    >>> from best_lambda import HardenedFunctionOptions
    >>> stack = Stack(App(), "Media")
    >>> thumbnails = BucketProcessor(stack, "Thumbnails",
    ...     prefix="uploads/", suffix=".jpg", output_prefix="thumbnails/",
    ...     function_options=HardenedFunctionOptions(
    ...         code=lambda_.Code.from_inline("def handler(event, context): pass"),
    ...         handler="index.handler"))
    >>> BucketProcessor(stack, "Loop", bucket=thumbnails.bucket, prefix="thumbnails/",
    ...     output_prefix="thumbnails/small/", function=thumbnails.function)
    Traceback (most recent call last):
    best_lambda.errors.InvalidPropsError: BucketProcessor 'Loop' has 1 invalid setting:
      - output_prefix + prefix='thumbnails/small/': ...
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction | None = None,
        function_options: HardenedFunctionOptions | None = None,
        bucket: s3.IBucket | None = None,
        server_access_logs_bucket: s3.IBucket | None = None,
        events: Sequence[s3.EventType] | None = None,
        prefix: str | None = None,
        suffix: str | None = None,
        output_prefix: str | None = None,
        through_queue: bool | None = None,
        queue_options: QueueConsumerOptions | None = None,
        **unknown: Never,
    ) -> None:
        given = {k: v for k, v in locals().items() if k in BUCKET_PROCESSOR_PROPS}
        checker = PropsChecker(type(self).__name__, str(construct_id))
        values = check_trigger_props(checker, BUCKET_PROCESSOR_PROPS, given, unknown)
        through = bool(values.get("through_queue", False))
        target: TargetFunction | None = None
        queue: CheckedQueueConsumer | None = None
        if through:
            queue = _check_queue(checker, scope, construct_id, given)
        else:
            target = TargetFunction.check(
                checker,
                scope,
                construct_id,
                Invocation.ASYNCHRONOUS,
                function=function,
                function_options=function_options,
            )
        event_types = values.get("events") or [getattr(s3.EventType, n) for n in defaults.EVENTS]
        trigger = (
            tuple(s3_event_name(e) for e in event_types),
            str(values.get("prefix", "")),
            str(values.get("suffix", "")),
        )
        _check_keys(checker, values, given, trigger)
        checker.raise_if_any()
        super().__init__(scope, construct_id)

        self._bucket = bucket or self._new_bucket(server_access_logs_bucket)
        self._consumer: QueueConsumer | None = None
        destination: s3.IBucketNotificationDestination
        if through:
            assert queue is not None  # else _check_queue recorded why
            # Checked above, with the processor's other arguments; the built function's
            # service is named after the processor, not after its "Consumer".
            self._consumer = QueueConsumer._from_checked(self, "Consumer", queue)
            self._function = self._consumer.function
            destination = s3n.SqsDestination(self._consumer.queue)
        else:
            assert target is not None
            self._function = target.build(self, "Handler")
            destination = s3n.LambdaDestination(invocable(self._function))
        _, prefix, suffix = trigger
        # aws-cdk-lib refuses an empty key filter: with neither, the whole bucket triggers.
        filters = (
            [s3.NotificationKeyFilter(prefix=prefix or None, suffix=suffix or None)]
            if prefix or suffix
            else []
        )
        for event in event_types:
            self._bucket.add_event_notification(event, destination, *filters)
        _NOTIFICATIONS.setdefault(self._bucket, []).append((*trigger, self.node.path))
        self._acknowledge_notifications_handler()
        self._grant_object_access(f"{prefix}*{suffix}", values.get("output_prefix"))
        self.node.add_validation(S3RecursionGuard(self, self._bucket, self._function, trigger))

        if self._consumer is not None:
            self._alarms: Mapping[str, cloudwatch.Alarm] = self._consumer.alarms
        else:
            assert target is not None
            self._alarms = target.alarms(self, self._function).alarms

    def _new_bucket(self, logs: s3.IBucket | None) -> s3.Bucket:
        if logs is None:
            created = s3.Bucket(
                self,
                "AccessLogs",
                encryption=s3.BucketEncryption.S3_MANAGED,
                enforce_ssl=True,
                block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
                lifecycle_rules=[
                    s3.LifecycleRule(
                        expiration=cdk.Duration.days(defaults.ACCESS_LOG_RETENTION_DAYS)
                    )
                ],
            )
            acknowledge(created, "AwsSolutions-S1")
            logs = created
        return s3.Bucket(
            self,
            "Bucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            server_access_logs_bucket=logs,
        )

    def _grant_object_access(self, read_keys: str, output_prefix: str | None) -> None:
        """Read the trigger's keys, write under ``output_prefix``: exact actions, own policy.

        (``bucket.grant_read`` would add ``s3:GetObject*``, ``s3:List*`` and more.) The
        object-key wildcard is inherent, so the policy acknowledges AwsSolutions-IAM5 for
        exactly those resources.
        """
        access = [(("s3:GetObject",), self._bucket.arn_for_objects(read_keys))]
        if output_prefix:
            access.append((("s3:PutObject",), self._bucket.arn_for_objects(f"{output_prefix}*")))
        role = self._function.role
        if role is None:  # an imported function: its role is not ours to change
            cdk.Annotations.of(self).add_warning_v2(
                "best-lambda:objectAccessNotGranted",
                "The function's role is not known here (an imported function): grant it "
                f"s3:GetObject on the keys '{read_keys}'"
                + (f" and s3:PutObject under '{output_prefix}'" if output_prefix else "")
                + " where its role is defined.",
            )
            return
        policy = iam.Policy(
            self,
            "ObjectAccess",
            roles=[role],
            statements=[
                iam.PolicyStatement(actions=list(actions), resources=[arn])
                for actions, arn in access
            ],
        )
        stack = cdk.Stack.of(self)
        acknowledge(
            policy,
            *(
                f"AwsSolutions-IAM5[Resource::{nag_resource(stack.resolve(arn))}]"
                for _, arn in access
            ),
            about="s3:GetObject/s3:PutObject on object keys",
        )
        key = self._bucket.encryption_key
        if key is not None:
            if output_prefix:
                key.grant_encrypt_decrypt(self._function)
            else:
                key.grant_decrypt(self._function)

    def _acknowledge_notifications_handler(self) -> None:
        """aws-cdk-lib's notifications function gets two findings we cannot fix; once per stack."""
        handler = cdk.Stack.of(self._bucket).node.try_find_child(NOTIFICATIONS_HANDLER)
        if handler is not None and handler not in _ACKNOWLEDGED:
            acknowledge(handler, *_HANDLER_FINDINGS)
            _ACKNOWLEDGED.add(handler)

    # -- public surface -------------------------------------------------------------------
    @property
    def function(self) -> lambda_.IFunction:
        """The processor: the function passed in, or the :class:`HardenedFunction` built."""
        return self._function

    @property
    def bucket(self) -> s3.IBucket:
        """The bucket whose objects invoke the function (created or passed in)."""
        return self._bucket

    @property
    def consumer(self) -> QueueConsumer | None:
        """With ``through_queue=True``: the QueueConsumer (its queue, DLQ and event source)."""
        return self._consumer

    @property
    def grant_principal(self) -> iam.IPrincipal:
        """The function's role, so that the processor can be granted access like a function."""
        return self._function.grant_principal

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms, by name: the built function's, or the QueueConsumer's."""
        return MappingProxyType(dict(self._alarms))


def _check_queue(
    checker: PropsChecker, scope: Construct, construct_id: str, given: Mapping[str, Any]
) -> CheckedQueueConsumer | None:
    """Check queue_options as QueueConsumer would, naming them ``queue_options.<name>``.

    The result builds the QueueConsumer (``QueueConsumer._from_checked``), which checks
    nothing again: so an unknown option, or ``function``/``function_options`` given here
    rather than to the processor, is refused here. A built function's service is named
    after the processor (``construct_id``).
    """
    options = given.get("queue_options") or {}
    if not isinstance(options, Mapping):
        return None  # check_table reported it
    sub = PropsChecker(checker.construct_type, checker.construct_id)
    passed = {"function": given.get("function"), "function_options": given.get("function_options")}
    known = {k: v for k, v in options.items() if k in QUEUE_CONSUMER_PROPS and k not in passed}
    unknown = {k: v for k, v in options.items() if k not in QUEUE_CONSUMER_PROPS}
    for key in passed:
        if key in options:
            checker.add(
                f"queue_options.{key}",
                "...",
                f"belongs to the processor: BucketProcessor({key}=...)",
                rendered="...",
            )
    checked = check_queue_consumer(
        sub, scope, construct_id, {**known, **passed}, unknown, service_name=construct_id
    )
    for problem in sub.problems:
        name = problem.prop
        own = name.startswith("function")
        checker.problems.append(
            problem if own else Problem(f"queue_options.{name}", problem.value, problem.allowed)
        )
    if options.get("fifo"):
        checker.add(
            "queue_options.fifo",
            True,
            "S3 event notifications cannot be sent to FIFO queues (S3 limit)",
        )
    return checked


def _check_keys(
    checker: PropsChecker,
    values: Mapping[str, Any],
    given: Mapping[str, Any],
    trigger: tuple[tuple[str, ...], str, str],
) -> None:
    """Output keys disjoint from the trigger's; no notification S3 would reject as overlapping."""
    events, prefix, suffix = trigger
    output = values.get("output_prefix")
    if output is not None and compatible_prefixes(output, prefix):
        watched = f"keys starting with {prefix!r}" if prefix else "every key"
        watched += f" and ending with {suffix!r}" if suffix else ""
        checker.add(
            "output_prefix + prefix",
            output,
            f"keys the function may write under {output!r} include some of those that trigger "
            f"it ({watched}): each write would invoke it again. Give the trigger and the "
            "output prefixes that do not start with one another (prefix='uploads/', "
            "output_prefix='processed/')",
        )
    if events_overlap_within(events):
        checker.add("events", given.get("events"), "lists an event twice (or within another)")
    if given.get("bucket") is not None and given.get("server_access_logs_bucket") is not None:
        checker.add(
            "server_access_logs_bucket + bucket",
            given["server_access_logs_bucket"],
            "applies only to the bucket BucketProcessor creates; configure access logs on the "
            "bucket you pass",
        )
    if given.get("queue_options") is not None and not values.get("through_queue", False):
        checker.add(
            "queue_options + through_queue",
            "...",
            "applies only with through_queue=True",
            rendered="...",
        )
    bucket = values.get("bucket")
    known = _NOTIFICATIONS.get(bucket, []) if bucket is not None else []
    for other_events, other_prefix, other_suffix, other in known:
        if (
            events_overlap(events, other_events)
            and compatible_prefixes(prefix, other_prefix)
            and compatible_suffixes(suffix, other_suffix)
        ):
            checker.add(
                "bucket",
                bucket,
                f"{other} already notifies on overlapping keys for the same events: S3 rejects "
                "overlapping notification configurations of one bucket. Give them disjoint "
                "prefixes or suffixes",
            )
            return
