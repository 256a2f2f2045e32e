"""The constructs.

Thin: opinions come from :mod:`best_lambda.defaults`, facts from :mod:`best_lambda.limits`,
and judgements (secrets, runtimes) from :mod:`best_lambda.rules`.
"""

from best_lambda.constructs.alarms import AlarmDefaults
from best_lambda.constructs.deployment import SafeDeployment
from best_lambda.constructs.hardened_function import HardenedFunction, HardenedFunctionOptions
from best_lambda.constructs.queue_consumer import QueueConsumer

__all__ = [
    "AlarmDefaults",
    "HardenedFunction",
    "HardenedFunctionOptions",
    "QueueConsumer",
    "SafeDeployment",
]
