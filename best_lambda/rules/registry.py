"""Every BestLambda rule, in one explicit list.

Rules are registered by hand, not discovered: a rule module that is not listed here is an
error caught by ``tests/rules/test_registry.py`` (as is a listed rule without tests or
documentation). The order is the order of RULES.md.
"""

from __future__ import annotations

import re

from best_lambda.rules.apigateway import api_timeout
from best_lambda.rules.cloudwatch import dlq_alarm, error_alarm, iterator_age_alarm
from best_lambda.rules.events import target_dlq
from best_lambda.rules.iam import no_admin_policies, no_wildcard_permissions, shared_role
from best_lambda.rules.lambda_ import (
    arm64,
    asset_size,
    async_failure_handling,
    cdk_framework_function,
    cold_start_config,
    explicit_memory,
    explicit_timeout,
    function_url_auth,
    json_logs,
    no_secrets_in_env,
    public_invoke_permission,
    recursive_loop,
    runtime_supported,
    tracing_active,
)
from best_lambda.rules.logs import log_retention
from best_lambda.rules.model import Rule
from best_lambda.rules.sns import subscription_dlq
from best_lambda.rules.sqs import sqs_partial_batch, sqs_redrive, sqs_visibility_timeout
from best_lambda.rules.streams import stream_failure_handling

__all__ = ["ALL_RULES", "RULES_BY_ID", "get_rule"]

ALL_RULES: tuple[Rule, ...] = (
    # Function configuration
    runtime_supported.RULE,
    arm64.RULE,
    tracing_active.RULE,
    explicit_timeout.RULE,
    explicit_memory.RULE,
    log_retention.RULE,
    json_logs.RULE,
    cold_start_config.RULE,
    # Invocation and failure handling
    async_failure_handling.RULE,
    subscription_dlq.RULE,
    target_dlq.RULE,
    # Security
    no_secrets_in_env.RULE,
    no_wildcard_permissions.RULE,
    no_admin_policies.RULE,
    shared_role.RULE,
    recursive_loop.RULE,
    # Event sources
    sqs_visibility_timeout.RULE,
    sqs_redrive.RULE,
    sqs_partial_batch.RULE,
    stream_failure_handling.RULE,
    # Front doors
    api_timeout.RULE,
    function_url_auth.RULE,
    public_invoke_permission.RULE,
    # Observability
    error_alarm.RULE,
    dlq_alarm.RULE,
    iterator_age_alarm.RULE,
    # Code
    asset_size.RULE,
    cdk_framework_function.RULE,
)

_ID = re.compile(r"^BestLambda-[A-Z][A-Za-z0-9]+$")
RULES_BY_ID: dict[str, Rule] = {}
for _rule in ALL_RULES:
    if not _ID.match(_rule.id) or _rule.id in RULES_BY_ID:
        raise RuntimeError(f"invalid or duplicate rule ID {_rule.id!r}")
    RULES_BY_ID[_rule.id] = _rule


def get_rule(rule_id: str) -> Rule:
    """The rule with this ID (``KeyError`` naming the known IDs otherwise)."""
    try:
        return RULES_BY_ID[rule_id]
    except KeyError:
        raise KeyError(f"no rule {rule_id!r}; known: {', '.join(sorted(RULES_BY_ID))}") from None
