"""``StreamConsumer``: a Kinesis or DynamoDB stream and the function that consumes it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Never

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from best_lambda import limits
from best_lambda.constructs._props import PropsChecker, implements, is_token
from best_lambda.constructs._shared import acknowledge
from best_lambda.constructs._trigger import (
    Invocation,
    TargetFunction,
    check_trigger_props,
    delivery_dead_letter_queue,
    invocable,
)
from best_lambda.constructs.alarms import alarm_period, depth_alarm_metric
from best_lambda.constructs.hardened_function import HardenedFunctionOptions
from best_lambda.defaults import streams as defaults
from best_lambda.defaults.streams import NEW_STREAM_OPTIONS, STREAM_CONSUMER_PROPS

__all__ = ["StreamConsumer", "iterator_age_threshold"]

_DYNAMODB_READ = ("dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator")


def iterator_age_threshold(max_record_age_s: int) -> int:
    """The IteratorAge alarm threshold, in seconds: half of ``max_record_age``.

    Past ``max_record_age`` Lambda sets records aside unprocessed; the alarm fires while half
    of that time remains.

    Examples
    --------
    >>> iterator_age_threshold(3_600), iterator_age_threshold(6 * 3_600)
    (1800, 10800)
    """
    return int(max_record_age_s * defaults.ITERATOR_AGE_ALARM_RATIO)


@dataclass
class _Plan:
    """Validated, derived settings."""

    dynamodb: bool
    max_record_age_s: int
    alarm_age_s: int


class StreamConsumer(Construct):
    """A Kinesis data stream or DynamoDB table stream, and the function that consumes it.

    A failing record blocks its shard: by default Lambda retries it until it expires from the
    stream (up to a week), and a consumer that falls behind shows it only in ``IteratorAge``.
    Here the event source mapping bisects failing batches, retries a bounded number of times,
    sets records older than ``max_record_age`` aside, reports partial batch failures and
    sends what it gives up on to an encrypted on-failure queue; alarms watch IteratorAge
    (threshold derived from ``max_record_age``), the queue and the function. The function
    is granted read on this stream only.

    Pass ``stream=`` (a Kinesis stream) or ``table=`` (a DynamoDB table with a stream);
    with neither, an encrypted on-demand Kinesis stream is created.

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
    stream : aws_kinesis.IStream
        Consume an existing Kinesis data stream. Not with table. Default: a new Kinesis data
        stream (unless table= is given).
    table : aws_dynamodb.ITable
        Consume the stream of a DynamoDB table; a table without a stream is refused. Not
        with stream.
    stream_mode : aws_kinesis.StreamMode
        Capacity mode of the stream StreamConsumer creates. Default: StreamMode.ON_DEMAND.
    shard_count : int
        Shards of the stream StreamConsumer creates; only with
        stream_mode=StreamMode.PROVISIONED. Accepts an int of at least 1 (Kinesis shard
        quota permitting).
    retention_period : aws_cdk.Duration
        How long the stream StreamConsumer creates keeps a record; max_record_age must be
        shorter. Default: 24 h. Accepts a whole number of seconds from 86,400 to 31,536,000
        (Kinesis limit).
    enhanced_fan_out : bool
        Kinesis only: read through a registered stream consumer (its own 2 MB/s per shard,
        pushed over HTTP/2) instead of sharing the shard's read throughput. Default: False.
    starting_position : aws_lambda.StartingPosition
        Where Lambda starts reading when the mapping is created. Default:
        StartingPosition.TRIM_HORIZON.
    starting_position_timestamp : int
        With starting_position=StartingPosition.AT_TIMESTAMP: the time to start reading
        from. Accepts an int of at least 0 (Unix time, seconds).
    batch_size : int
        Records per invocation (at most 6 MB in all). Default: 100. Accepts an int from 1 to
        10,000 (Lambda's limit).
    max_batching_window : aws_cdk.Duration
        How long Lambda gathers records before invoking. Default: 0 s. Accepts a whole
        number of seconds from 0 to 300 (Lambda limit).
    parallelization_factor : int
        Concurrent batches per shard; records with the same partition key stay in order.
        Default: 1. Accepts an int from 1 to 10 (Lambda limit).
    bisect_batch_on_error : bool
        When the function fails, split the batch in two and retry each half. Default: True.
    retry_attempts : int
        Retries of a failing batch before its records are set aside. Default: 10. Accepts an
        int from -1 to 10,000 (Lambda limit; -1 retries until max_record_age).
    max_record_age : aws_cdk.Duration
        Records older than this are set aside (to on_failure) instead of being processed;
        must be shorter than the stream's retention. Default: 1 h. Accepts a whole number of
        seconds from 60 to 604,800 (Lambda limit).
    on_failure : aws_sqs.IQueue or aws_lambda.IEventSourceDlq
        Where the mapping reports records it gives up on: your own queue (alarmed on), or
        any aws_lambda.IEventSourceDlq (SnsDlq, S3OnFailureDestination; not alarmed on).
        Default: an SQS queue: SSE, TLS-only, 14 days retention, depth alarm.
    report_batch_item_failures : bool
        The handler returns ``batchItemFailures`` and Lambda retries from the first failed
        record. Default: True.
    tumbling_window : aws_cdk.Duration
        Aggregate over windows of this length (the handler returns its state). Accepts a
        whole number of seconds from 0 to 900 (Lambda limit).
    filters : list of dict of str to str
        Event filtering patterns (``aws_lambda.FilterCriteria.filter(...)``); records that
        match none are skipped, not processed. Accepts a list of a dict of str to str.
    enabled : bool
        ``False`` creates the mapping paused. Default: True.
    iterator_age_sla : aws_cdk.Duration
        Alarm when records wait this long before processing; must be shorter than
        max_record_age. Default: IteratorAge >= 50% of max_record_age (or this SLA),
        on-failure queue depth >= 1, plus the function's alarms. Accepts a whole number of
        seconds from 1 to 604,800 (at most the record age limit).

    Raises
    ------
    InvalidPropsError
        Listing every invalid or contradictory argument, the function's included.

    Examples
    --------
    >>> from aws_cdk import App, Stack, aws_lambda as lambda_
    >>> from best_lambda import HardenedFunctionOptions
    >>> stack = Stack(App(), "Shop")
    >>> consumer = StreamConsumer(stack, "Clicks", function_options=HardenedFunctionOptions(
    ...     code=lambda_.Code.from_inline("def handler(event, context): return {}"),
    ...     handler="index.handler"))
    >>> consumer.event_source_mapping.node.default_child.maximum_retry_attempts
    10
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction | None = None,
        function_options: HardenedFunctionOptions | None = None,
        stream: kinesis.IStream | None = None,
        table: dynamodb.ITable | None = None,
        stream_mode: kinesis.StreamMode | None = None,
        shard_count: int | None = None,
        retention_period: cdk.Duration | None = None,
        enhanced_fan_out: bool | None = None,
        starting_position: lambda_.StartingPosition | None = None,
        starting_position_timestamp: int | None = None,
        batch_size: int | None = None,
        max_batching_window: cdk.Duration | None = None,
        parallelization_factor: int | None = None,
        bisect_batch_on_error: bool | None = None,
        retry_attempts: int | None = None,
        max_record_age: cdk.Duration | None = None,
        on_failure: sqs.IQueue | lambda_.IEventSourceDlq | None = None,
        report_batch_item_failures: bool | None = None,
        tumbling_window: cdk.Duration | None = None,
        filters: Sequence[Mapping[str, Any]] | None = None,
        enabled: bool | None = None,
        iterator_age_sla: cdk.Duration | None = None,
        **unknown: Never,
    ) -> None:
        given = {k: v for k, v in locals().items() if k in STREAM_CONSUMER_PROPS}
        checker = PropsChecker(type(self).__name__, str(construct_id))
        values = check_trigger_props(checker, STREAM_CONSUMER_PROPS, given, unknown)
        target = TargetFunction.check(
            checker,
            scope,
            construct_id,
            Invocation.POLL,
            function=function,
            function_options=function_options,
            own=STREAM_CONSUMER_PROPS,
        )
        plan = _plan(checker, values, given)
        checker.raise_if_any()
        super().__init__(scope, construct_id)

        self._stream: kinesis.IStream | None = None
        self._stream_consumer: kinesis.StreamConsumer | None = None
        self._table: dynamodb.ITable | None = table
        source_arn = self._source(plan, values)
        self._function = target.build(self, "Handler")
        self._on_failure_queue, destination = self._destination(on_failure)
        self._mapping = lambda_.EventSourceMapping(
            self,
            "EventSourceMapping",
            target=invocable(self._function),
            event_source_arn=source_arn,
            starting_position=values.get("starting_position")
            or lambda_.StartingPosition[defaults.STARTING_POSITION],
            starting_position_timestamp=values.get("starting_position_timestamp"),
            batch_size=values.get("batch_size", defaults.BATCH_SIZE),
            max_batching_window=_duration(values.get("max_batching_window")),
            parallelization_factor=values.get(
                "parallelization_factor", defaults.PARALLELIZATION_FACTOR
            ),
            bisect_batch_on_error=values.get("bisect_batch_on_error", True),
            retry_attempts=values.get("retry_attempts", defaults.RETRY_ATTEMPTS),
            max_record_age=cdk.Duration.seconds(plan.max_record_age_s),
            on_failure=destination,
            support_s3_on_failure_destination=True,
            report_batch_item_failures=values.get("report_batch_item_failures", True),
            tumbling_window=_duration(values.get("tumbling_window")),
            filters=values.get("filters"),
            enabled=values.get("enabled"),
        )
        self._grant_read()

        self._alarms = target.alarms(self, self._function)
        if target.create_alarms:
            self._add_alarms(plan)

    # -- public surface -------------------------------------------------------------------
    @property
    def function(self) -> lambda_.IFunction:
        """The consumer: the function passed in, or the :class:`HardenedFunction` built."""
        return self._function

    @property
    def stream(self) -> kinesis.IStream | None:
        """The Kinesis stream read (created or passed); ``None`` for a DynamoDB table."""
        return self._stream

    @property
    def table(self) -> dynamodb.ITable | None:
        """The DynamoDB table whose stream is read; ``None`` for a Kinesis stream."""
        return self._table

    @property
    def stream_consumer(self) -> kinesis.StreamConsumer | None:
        """The enhanced fan-out consumer, with ``enhanced_fan_out=True``."""
        return self._stream_consumer

    @property
    def on_failure_queue(self) -> sqs.IQueue | None:
        """The on-failure queue (created or passed); ``None`` for another destination."""
        return self._on_failure_queue

    @property
    def event_source_mapping(self) -> lambda_.EventSourceMapping:
        """The event source mapping that reads the stream for the function."""
        return self._mapping

    @property
    def alarms(self) -> Mapping[str, cloudwatch.Alarm]:
        """The alarms, by name.

        The built function's, plus ``IteratorAge`` and, with an on-failure queue,
        ``OnFailureQueueDepth``.
        """
        return MappingProxyType(self._alarms.alarms)

    # -- construction ---------------------------------------------------------------------
    def _source(self, plan: _Plan, values: Mapping[str, Any]) -> str:
        """Create or adopt the stream; return the ARN the mapping reads."""
        if plan.dynamodb:
            assert self._table is not None
            return str(self._table.table_stream_arn)
        stream = values.get("stream")
        if stream is None:
            stream = kinesis.Stream(
                self,
                "Stream",
                encryption=kinesis.StreamEncryption.MANAGED,
                stream_mode=values.get("stream_mode") or kinesis.StreamMode[defaults.STREAM_MODE],
                shard_count=values.get("shard_count"),
                retention_period=cdk.Duration.seconds(
                    values.get("retention_period", limits.KINESIS_DEFAULT_RETENTION_HOURS * 3_600)
                ),
            )
        self._stream = stream
        if not values.get("enhanced_fan_out"):
            return str(stream.stream_arn)
        self._stream_consumer = kinesis.StreamConsumer(
            self,
            "StreamConsumer",
            stream=stream,
            stream_consumer_name=cdk.Names.unique_resource_name(self, max_length=128),
        )
        return str(self._stream_consumer.stream_consumer_arn)

    def _destination(self, on_failure: Any) -> tuple[sqs.IQueue | None, lambda_.IEventSourceDlq]:
        """The on-failure queue (given, or created) and the mapping's destination."""
        if on_failure is not None and not implements(on_failure, "queue_arn"):
            return None, on_failure  # another destination (an SNS topic, an S3 bucket)
        queue = delivery_dead_letter_queue(self, on_failure, "OnFailureQueue")
        return queue, event_sources.SqsDlq(queue)

    def _grant_read(self) -> None:
        """Read on this stream only (and ListStreams, which has no resource, on its own)."""
        fn = self._function
        if self._stream_consumer is not None:
            self._stream_consumer.grant_read(fn)
        elif self._stream is not None:
            self._stream.grant_read(fn)
        else:
            assert self._table is not None
            self._table.grant_stream(fn, *_DYNAMODB_READ)
            role = fn.role
            if role is not None:
                policy = iam.Policy(
                    self,
                    "ListStreamsPolicy",
                    roles=[role],
                    statements=[
                        iam.PolicyStatement(actions=["dynamodb:ListStreams"], resources=["*"])
                    ],
                )
                acknowledge(policy, "AwsSolutions-IAM5[Resource::*]", about="dynamodb:ListStreams")
                self._mapping.node.add_dependency(policy)

    def _add_alarms(self, plan: _Plan) -> None:
        period = alarm_period()
        self._alarms.add(
            "IteratorAge",
            self._function.metric("IteratorAge", period=period, statistic="Maximum"),
            plan.alarm_age_s * 1_000,
            f"records waited {plan.alarm_age_s} s or more before processing; past "
            f"{plan.max_record_age_s} s (max_record_age) they are set aside unprocessed.",
        )
        if self._on_failure_queue is not None:
            self._alarms.add(
                "OnFailureQueueDepth",
                depth_alarm_metric(self._on_failure_queue),
                1,
                "the stream consumer gave up on records: the on-failure queue names their "
                "shard and sequence numbers; re-read them before the stream's retention ends.",
            )


def _duration(seconds: int | None) -> cdk.Duration | None:
    return cdk.Duration.seconds(seconds) if seconds else None


def _plan(checker: PropsChecker, values: Mapping[str, Any], given: Mapping[str, Any]) -> _Plan:
    """Check what only makes sense together; derive the numbers that must agree."""
    table, stream = given.get("table"), given.get("stream")
    dynamodb_source = table is not None
    if table is not None and stream is not None:
        checker.add(
            "stream + table",
            "both",
            "pass one: a Kinesis stream or a DynamoDB table",
            rendered="both",
        )
    source = "table" if dynamodb_source else "stream"
    for key in NEW_STREAM_OPTIONS if table is not None or stream is not None else ():
        if given.get(key) is not None:
            checker.add(
                f"{key} + {source}",
                given[key],
                "applies only to the stream StreamConsumer creates; configure the "
                f"{source} you pass instead",
            )
    mode = values.get("stream_mode")
    provisioned = mode is not None and mode.name == "PROVISIONED"
    if table is None and stream is None:
        if provisioned and given.get("shard_count") is None:
            checker.add(
                "stream_mode + shard_count",
                mode,
                "StreamMode.PROVISIONED needs shard_count= (each shard takes 1 MB/s or 1,000 "
                "records/s of writes)",
            )
        if not provisioned and given.get("shard_count") is not None:
            checker.add(
                "shard_count + stream_mode",
                given["shard_count"],
                "applies only with stream_mode=StreamMode.PROVISIONED; an on-demand stream "
                "sizes itself",
            )
    retention_s = _retention(values, table, stream)
    if "table" in values and not _has_stream(values["table"]):
        checker.add(
            "table",
            table,
            rendered=f"<table {values['table'].node.path}>",
            allowed="has no stream: create it with stream=StreamViewType.NEW_AND_OLD_IMAGES "
            "(TableV2: dynamo_stream=...), or import it with Table.from_table_attributes(..., "
            "table_stream_arn=...)",
        )
    if dynamodb_source and given.get("enhanced_fan_out"):
        checker.add(
            "enhanced_fan_out + table", True, "Kinesis only: DynamoDB streams have no consumers"
        )
    _check_starting_position(checker, values, given, dynamodb_source)

    max_age = values.get("max_record_age", defaults.MAX_RECORD_AGE_SECONDS)
    if retention_s is not None and max_age >= retention_s and "max_record_age" in values:
        checker.add(
            "max_record_age",
            given["max_record_age"],
            f"must be shorter than the {'table ' if dynamodb_source else ''}stream's "
            f"{retention_s // 3_600} h retention: records "
            "would expire from the stream first, unrecorded, and what the on-failure queue "
            "names could no longer be re-read",
        )
    sla = values.get("iterator_age_sla")
    if sla is not None and sla >= max_age:
        checker.add(
            "iterator_age_sla + max_record_age",
            given["iterator_age_sla"],
            f"must be shorter than max_record_age ({max_age} s): older records are set aside "
            "before the alarm could fire",
        )
    return _Plan(
        dynamodb=dynamodb_source,
        max_record_age_s=max_age,
        alarm_age_s=sla if sla is not None else iterator_age_threshold(max_age),
    )


def _check_starting_position(
    checker: PropsChecker,
    values: Mapping[str, Any],
    given: Mapping[str, Any],
    dynamodb_source: bool,
) -> None:
    position = values.get("starting_position")
    at_timestamp = position is not None and position.name == "AT_TIMESTAMP"
    if at_timestamp and dynamodb_source:
        checker.add(
            "starting_position + table",
            position,
            "DynamoDB streams start at StartingPosition.TRIM_HORIZON or LATEST",
        )
    elif at_timestamp and given.get("starting_position_timestamp") is None:
        checker.add(
            "starting_position + starting_position_timestamp",
            position,
            "AT_TIMESTAMP needs starting_position_timestamp= (Unix time, seconds)",
        )
    if not at_timestamp and given.get("starting_position_timestamp") is not None:
        checker.add(
            "starting_position_timestamp + starting_position",
            given["starting_position_timestamp"],
            "applies only with starting_position=StartingPosition.AT_TIMESTAMP",
        )


def _has_stream(table: dynamodb.ITable) -> bool:
    """Whether ``table`` has a stream (TableV2 hands out a stream ARN token either way)."""
    if not table.table_stream_arn:
        return False
    cfn = table.node.default_child
    if not isinstance(cfn, dynamodb.CfnGlobalTable):
        return True
    # TableV2 fills StreamSpecification lazily: read it resolved (the getter fails on it).
    resolved = cdk.Stack.of(cfn).resolve(cfn._cfn_properties)
    return isinstance(resolved, dict) and resolved.get("streamSpecification") is not None


def _retention(values: Mapping[str, Any], table: Any, stream: Any) -> int | None:
    """How long the source keeps a record, in seconds, when it can be known."""
    if table is not None:
        return limits.DYNAMODB_STREAM_RETENTION_SECONDS
    if stream is None:
        return int(values.get("retention_period", limits.KINESIS_DEFAULT_RETENTION_HOURS * 3_600))
    cfn = stream.node.default_child if isinstance(stream, kinesis.Stream) else None
    if not isinstance(cfn, kinesis.CfnStream):
        return None  # imported: nothing can be seen
    hours = cfn.retention_period_hours
    if hours is None:
        return limits.KINESIS_DEFAULT_RETENTION_HOURS * 3_600
    return None if is_token(hours) else int(hours) * 3_600
