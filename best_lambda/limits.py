"""AWS service limits and documented AWS guidance that best-lambda encodes.

These are facts, not opinions: each constant cites where it comes from. Defaults (our
opinions) live in :mod:`best_lambda.defaults`; rules and constructs both read the facts
from here, so a limit changes in one place.

This module is pure Python and imports nothing from aws-cdk-lib.
"""

from __future__ import annotations

__all__ = [
    "API_GATEWAY_MAX_INTEGRATION_TIMEOUT_SECONDS",
    "ASYNC_MAX_EVENT_AGE_SECONDS",
    "ASYNC_MAX_RETRY_ATTEMPTS",
    "ASYNC_MIN_EVENT_AGE_SECONDS",
    "DYNAMODB_STREAM_RETENTION_SECONDS",
    "ENVIRONMENT_MAX_BYTES",
    "EPHEMERAL_STORAGE_MB",
    "EVENTBRIDGE_MAX_EVENT_AGE_SECONDS",
    "EVENTBRIDGE_MAX_RETRY_ATTEMPTS",
    "FUNCTION_URL_MAX_RESPONSE_SECONDS",
    "HTTP_API_MAX_INTEGRATION_TIMEOUT_SECONDS",
    "KINESIS_DEFAULT_RETENTION_HOURS",
    "KINESIS_RETENTION_HOURS",
    "LAMBDA_DEFAULT_MEMORY_MB",
    "LAMBDA_DEFAULT_TIMEOUT_SECONDS",
    "LOG_RETENTION_DAYS",
    "MAX_LAYERS",
    "MEMORY_MB",
    "PYTHON_AL2023_FROM",
    "PYTHON_RUNTIME_GLIBC",
    "PYTHON_RUNTIME_SDK_PACKAGES",
    "RESERVED_ENVIRONMENT_KEYS",
    "SCHEDULER_FLEXIBLE_WINDOW_MINUTES",
    "SCHEDULER_MAX_EVENT_AGE_SECONDS",
    "SCHEDULER_MAX_RETRY_ATTEMPTS",
    "SCHEDULE_CRON_FIELDS",
    "SCHEDULE_RATE_UNITS",
    "SNAPSTART_MAX_EPHEMERAL_STORAGE_MB",
    "SNAPSTART_MIN_RUNTIME_VERSIONS",
    "SNS_LAMBDA_DELIVERY_ATTEMPTS",
    "SQS_BATCHING_WINDOW_MAX_SECONDS",
    "SQS_BATCH_SIZE_FIFO_MAX",
    "SQS_BATCH_SIZE_MAX",
    "SQS_BATCH_SIZE_WITHOUT_WINDOW_MAX",
    "SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS",
    "SQS_MAX_CONCURRENCY",
    "SQS_MAX_RECEIVE_COUNT",
    "SQS_RECOMMENDED_MIN_RECEIVE_COUNT",
    "SQS_RETENTION_SECONDS",
    "SQS_VISIBILITY_TIMEOUT_MAX_SECONDS",
    "SQS_VISIBILITY_TIMEOUT_MULTIPLIER",
    "STREAM_BATCHING_WINDOW_MAX_SECONDS",
    "STREAM_BATCH_SIZE_MAX",
    "STREAM_PARALLELIZATION_FACTOR",
    "STREAM_RECORD_AGE_INFINITE",
    "STREAM_RECORD_AGE_SECONDS",
    "STREAM_RETRY_ATTEMPTS",
    "STREAM_TUMBLING_WINDOW_SECONDS",
    "TIMEOUT_SECONDS",
    "UNZIPPED_CODE_MAX_BYTES",
]

# --- AWS Lambda quotas (docs: lambda/latest/dg/gettingstarted-limits.html) ---------------
#: Function timeout, seconds: 1 s to 15 minutes.
TIMEOUT_SECONDS = (1, 900)
#: Function memory, MB: 128 MB to 10,240 MB.
MEMORY_MB = (128, 10_240)
#: /tmp (ephemeral storage), MB: 512 MB to 10,240 MB.
EPHEMERAL_STORAGE_MB = (512, 10_240)
#: What Lambda uses when Timeout / MemorySize are absent from the template.
LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3
LAMBDA_DEFAULT_MEMORY_MB = 128
#: Layers per function: 5.
MAX_LAYERS = 5
#: All environment variables together: 4 KB.
ENVIRONMENT_MAX_BYTES = 4_096
#: Deployment package plus layers, unzipped: "Unzipped size must be smaller than 262144000 bytes".
UNZIPPED_CODE_MAX_BYTES = 262_144_000
#: Keys Lambda reserves (docs: configuration-envvars.html#configuration-envvars-runtime).
RESERVED_ENVIRONMENT_KEYS = frozenset(
    {
        "_HANDLER",
        "_X_AMZN_TRACE_ID",
        "AWS_DEFAULT_REGION",
        "AWS_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)

# --- CloudWatch Logs (API_PutRetentionPolicy) ----------------------------------------------
#: The retention periods CloudWatch Logs accepts, by aws_logs.RetentionDays member name
#: (jsii enums carry their names in Python, not their numbers). INFINITE has no number.
LOG_RETENTION_DAYS: dict[str, int] = {
    "ONE_DAY": 1,
    "THREE_DAYS": 3,
    "FIVE_DAYS": 5,
    "ONE_WEEK": 7,
    "TWO_WEEKS": 14,
    "ONE_MONTH": 30,
    "TWO_MONTHS": 60,
    "THREE_MONTHS": 90,
    "FOUR_MONTHS": 120,
    "FIVE_MONTHS": 150,
    "SIX_MONTHS": 180,
    "ONE_YEAR": 365,
    "THIRTEEN_MONTHS": 400,
    "EIGHTEEN_MONTHS": 545,
    "TWO_YEARS": 731,
    "THREE_YEARS": 1096,
    "FIVE_YEARS": 1827,
    "SIX_YEARS": 2192,
    "SEVEN_YEARS": 2557,
    "EIGHT_YEARS": 2922,
    "NINE_YEARS": 3288,
    "TEN_YEARS": 3653,
}
# --- Python runtimes (lambda-runtimes.html; lambda-python.html) ----------------------------
#: python3.8 to python3.11 run on Amazon Linux 2; python3.12 and later on Amazon Linux 2023.
PYTHON_AL2023_FROM = (3, 12)
#: The glibc of each of those operating systems, which decides the manylinux wheels that
#: run there (PEP 600: a manylinux_2_X wheel needs glibc >= 2.X).
PYTHON_RUNTIME_GLIBC = {"Amazon Linux 2": (2, 26), "Amazon Linux 2023": (2, 34)}
#: The AWS SDK the Python runtimes include ("The runtime includes the AWS SDK for Python
#: (Boto3)"): bundling it again only adds megabytes to every cold start.
PYTHON_RUNTIME_SDK_PACKAGES = frozenset({"boto3", "botocore", "s3transfer"})

# --- SnapStart (lambda/latest/dg/snapstart.html, "Supported features and limitations") ------
#: The managed runtimes SnapStart supports, by family: Java 11 and later, Python 3.12 and
#: later, .NET 8 and later. Other managed runtimes (Node.js, Ruby), OS-only runtimes and
#: container images are not supported. (aws-cdk-lib's ``Runtime.supports_snap_start`` agrees
#: for every runtime it knows; ``tests/constructs/test_deployment.py`` checks.)
SNAPSTART_MIN_RUNTIME_VERSIONS: dict[str, tuple[int, ...]] = {
    "java": (11,),
    "python": (3, 12),
    "dotnet": (8,),
}
#: "SnapStart does not support provisioned concurrency, Amazon EFS, or ephemeral storage
#: greater than 512 MB"; it applies to published versions (and aliases) only, never $LATEST.
SNAPSTART_MAX_EPHEMERAL_STORAGE_MB = 512

# --- Asynchronous invocation (API_PutFunctionEventInvokeConfig) ---------------------------
#: MaximumRetryAttempts: 0 to 2.
ASYNC_MAX_RETRY_ATTEMPTS = 2
#: MaximumEventAgeInSeconds: 60 s to 6 hours.
ASYNC_MIN_EVENT_AGE_SECONDS = 60
ASYNC_MAX_EVENT_AGE_SECONDS = 21_600

# --- SQS as an event source (lambda/latest/dg/services-sqs-configure.html, -parameters) ----
#: "Set the source queue's visibility timeout to at least six times the timeout that you
#: configure on your function" (plus MaximumBatchingWindowInSeconds when batching).
SQS_VISIBILITY_TIMEOUT_MULTIPLIER = 6
#: SQS VisibilityTimeout: 0 s to 12 hours; the default when unset is 30 s.
SQS_VISIBILITY_TIMEOUT_MAX_SECONDS = 43_200
SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30
#: MessageRetentionPeriod: 60 s to 14 days.
SQS_RETENTION_SECONDS = (60, 1_209_600)
#: RedrivePolicy maxReceiveCount: 1 to 1,000.
SQS_MAX_RECEIVE_COUNT = (1, 1_000)
#: AWS guidance for Lambda consumers: at least 5, so that throttled or retried batches do
#: not reach the dead-letter queue before the function had a fair chance to process them.
SQS_RECOMMENDED_MIN_RECEIVE_COUNT = 5
#: BatchSize: up to 10,000 for standard queues, 10 for FIFO queues; above 10 a standard
#: queue needs MaximumBatchingWindowInSeconds >= 1.
SQS_BATCH_SIZE_MAX = 10_000
SQS_BATCH_SIZE_FIFO_MAX = 10
SQS_BATCH_SIZE_WITHOUT_WINDOW_MAX = 10
#: MaximumBatchingWindowInSeconds: 0 to 300 s (not supported for FIFO queues).
SQS_BATCHING_WINDOW_MAX_SECONDS = 300
#: ScalingConfig.MaximumConcurrency: 2 to 1,000 (API_ScalingConfig).
SQS_MAX_CONCURRENCY = (2, 1_000)

# --- Kinesis and DynamoDB Streams as event sources ------------------------------------------
# (lambda/latest/dg/services-kinesis-parameters.html, services-ddb-params.html; the
# CreateEventSourceMapping API reference gives the same ranges for both sources.)
#: BatchSize: 1 to 10,000 records (default 100), both sources.
STREAM_BATCH_SIZE_MAX = 10_000
#: MaximumBatchingWindowInSeconds: 0 to 300 s.
STREAM_BATCHING_WINDOW_MAX_SECONDS = 300
#: MaximumRetryAttempts: -1 (infinite: retry until the record expires, Lambda's default) to
#: 10,000.
STREAM_RETRY_ATTEMPTS = (-1, 10_000)
#: MaximumRecordAgeInSeconds: -1 (infinite, Lambda's default) or 60 s to 7 days. (The
#: parameter table says "minimum -1"; the API rejects 0-59, hashicorp/terraform-provider-aws
#: #16113 checked it against the API reference.)
STREAM_RECORD_AGE_INFINITE = -1
STREAM_RECORD_AGE_SECONDS = (60, 604_800)
#: ParallelizationFactor: 1 (Lambda's default) to 10 concurrent batches per shard.
STREAM_PARALLELIZATION_FACTOR = (1, 10)
#: TumblingWindowInSeconds: 0 to 900 s.
STREAM_TUMBLING_WINDOW_SECONDS = (0, 900)
#: DynamoDB Streams keep a stream record for 24 hours (amazondynamodb/latest/developerguide/
#: Streams.html, "data in a DynamoDB stream is retained for 24 hours"); not configurable.
DYNAMODB_STREAM_RETENTION_SECONDS = 86_400
#: Kinesis Data Streams retention: 24 hours (the default) to 8,760 hours (365 days)
#: (streams/latest/dev/kinesis-extended-retention.html).
KINESIS_DEFAULT_RETENTION_HOURS = 24
KINESIS_RETENTION_HOURS = (24, 8_760)

# --- API Gateway (whats-new 2024-06: integration timeout above 29 s) -----------------------
#: REST API maximum integration timeout by default; only Regional and private REST APIs may
#: raise it, after a quota increase (not offered for edge-optimized APIs or HTTP APIs).
API_GATEWAY_MAX_INTEGRATION_TIMEOUT_SECONDS = 29
#: HTTP API maximum integration timeout, 30 s, and it cannot be increased
#: (apigateway/latest/developerguide/http-api-quotas.html). It is also the default of an
#: HTTP API integration without TimeoutInMillis (AWS::ApiGatewayV2::Integration docs).
#: aws-cdk-lib's HttpIntegration still refuses more than 29 s.
HTTP_API_MAX_INTEGRATION_TIMEOUT_SECONDS = 30
#: A function URL waits for the function as long as its timeout: no limit of its own below
#: Lambda's 900 s (lambda/latest/dg/urls-invocation.html).
FUNCTION_URL_MAX_RESPONSE_SECONDS = 900

# --- EventBridge rule targets (eventbridge/latest/APIReference/API_RetryPolicy.html) -------
#: RetryPolicy.MaximumRetryAttempts: 0 to 185 (also EventBridge's default: 185).
EVENTBRIDGE_MAX_RETRY_ATTEMPTS = (0, 185)
#: RetryPolicy.MaximumEventAgeInSeconds: 60 s to 24 hours (also the default: 24 hours).
EVENTBRIDGE_MAX_EVENT_AGE_SECONDS = (60, 86_400)

# --- EventBridge Scheduler (scheduler/latest/APIReference/API_RetryPolicy.html,
# API_FlexibleTimeWindow.html, UserGuide/schedule-types.html) ------------------------------
#: Target RetryPolicy.MaximumRetryAttempts: 0 to 185.
SCHEDULER_MAX_RETRY_ATTEMPTS = (0, 185)
#: Target RetryPolicy.MaximumEventAgeInSeconds: 60 s to 24 hours.
SCHEDULER_MAX_EVENT_AGE_SECONDS = (60, 86_400)
#: FlexibleTimeWindow.MaximumWindowInMinutes: 1 to 1,440.
SCHEDULER_FLEXIBLE_WINDOW_MINUTES = (1, 1_440)
#: ``rate(value unit)``: a positive integer and one of these units (seconds per unit).
SCHEDULE_RATE_UNITS: dict[str, int] = {
    "minute": 60,
    "minutes": 60,
    "hour": 3_600,
    "hours": 3_600,
    "day": 86_400,
    "days": 86_400,
}
#: ``cron(minutes hours day-of-month month day-of-week year)``: six fields, in order, with
#: their value ranges and the wildcards each accepts. Exactly one of day-of-month and
#: day-of-week must be ``?``. Month and day-of-week also take names (JAN-DEC, SUN-SAT).
SCHEDULE_CRON_FIELDS: tuple[tuple[str, int, int, str], ...] = (
    ("minutes", 0, 59, ",-*/"),
    ("hours", 0, 23, ",-*/"),
    ("day-of-month", 1, 31, ",-*?/LW"),
    ("month", 1, 12, ",-*/"),
    ("day-of-week", 1, 7, ",-*?L#"),
    ("year", 1970, 2199, ",-*/"),
)

# --- SNS (sns/latest/dg/sns-message-delivery-retries.html, fifo-message-delivery.html) ------
#: SNS's fixed delivery policy for Lambda endpoints: 100,015 attempts over 23 days, then
#: the subscription's dead-letter queue (or the message is discarded). Not configurable.
#: FIFO topics deliver only to SQS queues, never to Lambda functions.
SNS_LAMBDA_DELIVERY_ATTEMPTS = 100_015

# --- S3 event notifications (AmazonS3/latest/userguide/notification-how-to-event-types-and-
# destinations.html): SQS FIFO queues are not supported as destinations; two notification
# configurations of one bucket may not share an event type on overlapping keys. -----------
