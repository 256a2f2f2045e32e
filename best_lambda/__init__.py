"""best-lambda: AWS Lambda best practices as CDK defaults, and checks that fail ``cdk synth``.

Constructs
    :class:`HardenedFunction` — an ``aws_lambda.Function`` with the practices on by default.
    :class:`QueueConsumer` — an SQS queue, its DLQ and a HardenedFunction, sized together.
    :class:`StreamConsumer` — a Kinesis or DynamoDB stream read with bounded retries, an
    on-failure queue and an IteratorAge alarm.
    :class:`ApiFunction` — a function behind a REST API, an HTTP API or a function URL,
    with a timeout that fits the caller's.
    :class:`TopicSubscriber`, :class:`EventRuleHandler`, :class:`ScheduledFunction`,
    :class:`BucketProcessor` — SNS, EventBridge, Scheduler and S3 triggers, each with a
    safety net on both hops (and, for S3, no way to write where it is triggered).
    :class:`AlarmDefaults` — where the alarms of every construct under a scope go.
    :class:`PythonCode` — a Python project with its requirements, bundled without Docker.
    :class:`SafeDeployment` — ``HardenedFunction(deployment=...)``: an alias and a CodeDeploy
    canary that rolls back on the function's alarms.

Checks
    :class:`BestLambdaChecks` — the BestLambda rules as a cdk-nag 3 pack;
    :mod:`best_lambda.aspects` — an Aspect that fails synthesis without cdk-nag, and one that
    retrofits safe defaults onto plain functions.

Errors
    :class:`InvalidPropsError` — every invalid keyword argument of a construct, at once.

The rule engine (:mod:`best_lambda.rules`) is pure Python and does not import aws-cdk-lib;
this package loads the constructs lazily so that importing the engine stays cheap.

Examples
--------
>>> import best_lambda
>>> best_lambda.__version__
'0.1.0'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from best_lambda._lazy import lazy_attributes
from best_lambda.errors import InvalidPropsError, Problem

if TYPE_CHECKING:
    from best_lambda.bundling import PythonCode
    from best_lambda.checks.nag_pack import BestLambdaChecks
    from best_lambda.constructs.alarms import AlarmDefaults
    from best_lambda.constructs.api_function import ApiFunction
    from best_lambda.constructs.bucket_processor import BucketProcessor
    from best_lambda.constructs.deployment import SafeDeployment
    from best_lambda.constructs.event_rule_handler import EventRuleHandler
    from best_lambda.constructs.hardened_function import HardenedFunction, HardenedFunctionOptions
    from best_lambda.constructs.queue_consumer import QueueConsumer, QueueConsumerOptions
    from best_lambda.constructs.scheduled_function import ScheduledFunction
    from best_lambda.constructs.stream_consumer import StreamConsumer
    from best_lambda.constructs.topic_subscriber import TopicSubscriber

__version__ = "0.1.0"

__all__ = [
    "AlarmDefaults",
    "ApiFunction",
    "BestLambdaChecks",
    "BucketProcessor",
    "EventRuleHandler",
    "HardenedFunction",
    "HardenedFunctionOptions",
    "InvalidPropsError",
    "Problem",
    "PythonCode",
    "QueueConsumer",
    "QueueConsumerOptions",
    "SafeDeployment",
    "ScheduledFunction",
    "StreamConsumer",
    "TopicSubscriber",
    "__version__",
]

_LAZY = {
    "AlarmDefaults": "best_lambda.constructs.alarms",
    "ApiFunction": "best_lambda.constructs.api_function",
    "BestLambdaChecks": "best_lambda.checks.nag_pack",
    "BucketProcessor": "best_lambda.constructs.bucket_processor",
    "EventRuleHandler": "best_lambda.constructs.event_rule_handler",
    "HardenedFunction": "best_lambda.constructs.hardened_function",
    "HardenedFunctionOptions": "best_lambda.constructs.hardened_function",
    "PythonCode": "best_lambda.bundling._code",
    "QueueConsumer": "best_lambda.constructs.queue_consumer",
    "QueueConsumerOptions": "best_lambda.constructs.queue_consumer",
    "SafeDeployment": "best_lambda.constructs.deployment",
    "ScheduledFunction": "best_lambda.constructs.scheduled_function",
    "StreamConsumer": "best_lambda.constructs.stream_consumer",
    "TopicSubscriber": "best_lambda.constructs.topic_subscriber",
}


__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
