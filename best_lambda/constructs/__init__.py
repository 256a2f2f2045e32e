"""The constructs.

Thin: opinions come from :mod:`best_lambda.defaults`, facts from :mod:`best_lambda.limits`,
and judgements (secrets, runtimes) from :mod:`best_lambda.rules`.
"""

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

__all__ = [
    "AlarmDefaults",
    "ApiFunction",
    "BucketProcessor",
    "EventRuleHandler",
    "HardenedFunction",
    "HardenedFunctionOptions",
    "QueueConsumer",
    "QueueConsumerOptions",
    "SafeDeployment",
    "ScheduledFunction",
    "StreamConsumer",
    "TopicSubscriber",
]
