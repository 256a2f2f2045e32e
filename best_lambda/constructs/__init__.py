"""The constructs.

Thin: opinions come from :mod:`best_lambda.defaults`, facts from :mod:`best_lambda.limits`,
and judgements (secrets, runtimes) from :mod:`best_lambda.rules`.
"""

from best_lambda.constructs.alarms import AlarmDefaults
from best_lambda.constructs.api_function import ApiFunction
from best_lambda.constructs.deployment import SafeDeployment
from best_lambda.constructs.hardened_function import HardenedFunction, HardenedFunctionOptions
from best_lambda.constructs.queue_consumer import QueueConsumer
from best_lambda.constructs.stream_consumer import StreamConsumer

__all__ = [
    "AlarmDefaults",
    "ApiFunction",
    "HardenedFunction",
    "HardenedFunctionOptions",
    "QueueConsumer",
    "SafeDeployment",
    "StreamConsumer",
]
