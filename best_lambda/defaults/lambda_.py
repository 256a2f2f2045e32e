"""Defaults for Lambda functions built by :class:`~best_lambda.HardenedFunction`.

Plain values only (no aws-cdk-lib objects), so that importing this module costs nothing
and the numbers can be reused by documentation and tests.
"""

from __future__ import annotations

from best_lambda.defaults import Default

ARCHITECTURE = "arm64"
TIMEOUT_SECONDS = 10
MEMORY_MB = 512
LOG_RETENTION_DAYS = 30
LOG_FORMAT = "JSON"
APPLICATION_LOG_LEVEL = "INFO"
SYSTEM_LOG_LEVEL = "INFO"
RECURSIVE_LOOP = "Terminate"
ASYNC_RETRY_ATTEMPTS = 2
ASYNC_MAX_EVENT_AGE_SECONDS = 6 * 3600
DLQ_RETENTION_DAYS = 14
DURATION_ALARM_RATIO = 0.8
ALARM_PERIOD_MINUTES = 5

DEFAULTS: tuple[Default, ...] = (
    Default(
        "HardenedFunction",
        "runtime",
        "newest Python runtime in the installed aws-cdk-lib",
        "Runtimes get security patches until their deprecation date (seeds/004 'Keep "
        "runtime updated'); the newest one also passes cdk-nag's L1/LambdaLatestVersion.",
    ),
    Default(
        "HardenedFunction",
        "architecture",
        "ARM_64",
        "Graviton: up to 34% better price performance than x86_64 (seeds/004 'Use "
        "Graviton (ARM)'). Pass X86_64 for native dependencies built only for x86.",
    ),
    Default(
        "HardenedFunction",
        "tracing",
        "ACTIVE",
        "Distributed tracing with X-Ray (seeds/001 §5.2, seeds/003 §5b).",
    ),
    Default(
        "HardenedFunction",
        "timeout",
        f"{TIMEOUT_SECONDS} s (allowed 1-900 s)",
        "Lambda's 3 s default is 'often too short' and 900 s wastes money on hung calls "
        "(seeds/000 Constraints, seeds/004); 10 s covers request handlers and stays under "
        "API Gateway's 29 s integration limit.",
    ),
    Default(
        "HardenedFunction",
        "memory_size",
        f"{MEMORY_MB} MB (allowed 128-10,240 MB)",
        "CPU scales with memory (seeds/003 §1a); 512 MB keeps Python cold starts short. "
        "Tune with AWS Lambda Power Tuning.",
    ),
    Default(
        "HardenedFunction",
        "log_group",
        f"a dedicated log group, {LOG_RETENTION_DAYS} days retention",
        "Logs in CloudWatch with a finite retention (seeds/001 §5.1); replaces the "
        "deprecated log_retention custom resource.",
    ),
    Default(
        "HardenedFunction",
        "logging_format",
        "JSON, application INFO, system INFO",
        "Structured logs (seeds/003 §5a, seeds/004); system INFO keeps the REPORT lines "
        "(duration, max memory used) needed to right-size memory.",
    ),
    Default(
        "HardenedFunction",
        "dead_letter_queue",
        f"SQS, SSE, TLS-only, {DLQ_RETENTION_DAYS} days retention",
        "Capture async events that failed all retries (seeds/000 step 5, seeds/003 §4b).",
    ),
    Default(
        "HardenedFunction",
        "retry_attempts / max_event_age",
        f"{ASYNC_RETRY_ATTEMPTS} / {ASYNC_MAX_EVENT_AGE_SECONDS // 3600} h",
        "Bounded, explicit async retries (seeds/003 §4a) instead of implicit ones.",
    ),
    Default(
        "HardenedFunction",
        "recursive_loop",
        "TERMINATE",
        "Stop recursive invocation loops (seeds/003 §7 'Avoid recursive invocations').",
    ),
    Default(
        "HardenedFunction",
        "role",
        "dedicated role: log writes to its own log group, X-Ray writes, nothing else",
        "Least privilege, one role per function (seeds/000 step 4 and Constraints); no "
        "AWS-managed policies.",
    ),
    Default(
        "HardenedFunction",
        "alarms",
        f"Errors >= 1, Throttles >= 1, Duration p99 >= {DURATION_ALARM_RATIO:.0%} of "
        f"timeout, DLQ depth >= 1, DLQ delivery errors >= 1 ({ALARM_PERIOD_MINUTES} min)",
        "Alarm on errors, duration and throttles (seeds/003 §5c, seeds/001 §6.1); a "
        "message in a DLQ is a lost event until someone looks.",
    ),
    Default(
        "HardenedFunction",
        "environment",
        "POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_LOG_LEVEL",
        "Powertools reads these; its log level is kept equal to the Lambda application "
        "log level so that Lambda does not drop Powertools' records.",
    ),
)
