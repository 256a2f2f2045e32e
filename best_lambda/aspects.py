"""Aspects: enforce the BestLambda rules at synthesis, and retrofit safe defaults.

* :func:`apply_checks` — makes ``cdk synth`` *and* a plain ``app.synth()`` fail on any
  error-level finding in the App (or the scope given) and everything under it: Stages,
  also those created later, and nested stacks; the report names the construct path, the
  rule ID and the fix. It needs no cdk-nag and adds no Aspect for the checks; optionally
  with :class:`HardenFunctions`.
* :class:`EnforceBestLambda` — the same check as an Aspect, for code that adds Aspects
  itself (slower: CDK calls an Aspect once per construct through jsii).
* :class:`HardenFunctions` — an opt-in, mutating Aspect that gives plain
  ``aws_lambda.Function`` s the safe defaults HardenedFunction has: arm64, active tracing, a
  log group with retention, JSON logs, an explicit timeout and memory size.

How enforcement works (:mod:`best_lambda.checks.enforcement`): one CDK policy-validation
plugin on the App; after synthesis CDK calls it once with the templates, and the rule
engine reads them as plain JSON — the same engine, options and acknowledgements as
:class:`~best_lambda.BestLambdaChecks`. This reads what CloudFormation will actually
receive (property overrides included) and costs one callback per synthesis.

Examples
--------
>>> import aws_cdk as cdk
>>> from best_lambda.aspects import apply_checks, HardenFunctions
>>> app = cdk.App()
>>> _ = cdk.Stack(app, "Api")
>>> _ = apply_checks(app, harden=HardenFunctions())
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import IConstruct

from best_lambda.checks.enforcement import EnforceBestLambda, apply_checks
from best_lambda.constructs._props import PropsChecker
from best_lambda.defaults import lambda_ as defaults
from best_lambda.limits import MEMORY_MB, TIMEOUT_SECONDS
from best_lambda.rules.framework import FRAMEWORK_COMPONENTS

__all__ = ["EnforceBestLambda", "HardenFunctions", "apply_checks"]


_DEFAULT_TIMEOUT = cdk.Duration.seconds(defaults.TIMEOUT_SECONDS)


@jsii.implements(cdk.IAspect)
class HardenFunctions:
    """Retrofit safe defaults onto plain ``aws_lambda.Function`` s (opt-in, mutating).

    Only settings a function does not set itself are filled in; a function that already
    chose a value keeps it. Functions inside a :class:`~best_lambda.HardenedFunction` and
    aws-cdk-lib's own functions are left alone.

    Parameters
    ----------
    architecture
        Set ``arm64`` when no architecture is set (default True). Turn it off for code
        with native x86 dependencies.
    tracing
        Turn on active X-Ray tracing and grant the X-Ray write actions (default True).
    log_retention
        Give a function without a log group one with this retention (default one month);
        ``None`` to skip. A log group aws-cdk-lib already manages is kept.
    json_logs
        JSON log format with INFO application and system levels (default True).
    timeout
        Explicit timeout for functions without one (default 10 s); ``None`` to skip.
    memory_size
        Explicit memory for functions without one (default 512 MB); ``None`` to skip.

    Examples
    --------
    >>> import aws_cdk as cdk
    >>> app = cdk.App()
    >>> cdk.Aspects.of(app).add(HardenFunctions(architecture=False),
    ...                         priority=cdk.AspectPriority.MUTATING)
    """

    def __init__(
        self,
        *,
        architecture: bool = True,
        tracing: bool = True,
        log_retention: logs.RetentionDays | None = logs.RetentionDays.ONE_MONTH,
        json_logs: bool = True,
        timeout: cdk.Duration | None = _DEFAULT_TIMEOUT,
        memory_size: int | None = defaults.MEMORY_MB,
    ) -> None:
        checker = PropsChecker(type(self).__name__, "aspect")
        for flag, value in (
            ("architecture", architecture),
            ("tracing", tracing),
            ("json_logs", json_logs),
        ):
            checker.check_type(flag, value, bool, "bool")
        retention: object = log_retention
        if retention is not None:
            if not isinstance(retention, logs.RetentionDays):
                checker.add("log_retention", log_retention, "expected aws_logs.RetentionDays")
            elif retention == logs.RetentionDays.INFINITE:
                checker.add(
                    "log_retention", log_retention, "must be finite (BestLambda-LogRetention)"
                )
        self._timeout_s = (
            None
            if timeout is None
            else checker.seconds("timeout", timeout, *TIMEOUT_SECONDS, "AWS Lambda limit")
        )
        self._memory = (
            None
            if memory_size is None
            else checker.integer("memory_size", memory_size, *MEMORY_MB, "MB, AWS limit")
        )
        checker.raise_if_any()
        self._architecture = architecture
        self._tracing = tracing
        self._retention = log_retention
        self._json_logs = json_logs
        #: Paths of the functions this aspect changed, with what it changed.
        self.changes: dict[str, list[str]] = {}

    def visit(self, node: IConstruct) -> None:
        """Fill in the missing settings of one ``aws_lambda.Function``."""
        if not isinstance(node, lambda_.Function):
            return
        from best_lambda.constructs.hardened_function import HardenedFunction

        if isinstance(node, HardenedFunction):  # already hardened, and differently
            return
        path = node.node.path
        if any(pattern.search(path) for _, pattern in FRAMEWORK_COMPONENTS):
            return
        cfn = node.node.default_child
        if not isinstance(cfn, lambda_.CfnFunction):
            return
        changed: list[str] = []
        if self._architecture and cfn.architectures is None:
            cfn.architectures = ["arm64"]
            changed.append("architecture")
        if self._tracing and cfn.tracing_config is None:
            cfn.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
            node.add_to_role_policy(
                iam.PolicyStatement(
                    actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]
                )
            )
            changed.append("tracing")
        if cfn.logging_config is None:
            changed += self._logging(node, cfn)
        if self._timeout_s is not None and cfn.timeout is None:
            cfn.timeout = self._timeout_s
            changed.append("timeout")
        if self._memory is not None and cfn.memory_size is None:
            cfn.memory_size = self._memory
            changed.append("memory_size")
        if changed:
            self.changes[path] = changed

    def _logging(self, node: lambda_.Function, cfn: lambda_.CfnFunction) -> list[str]:
        changed: list[str] = []
        config: dict[str, Any] = {}
        managed = node.node.try_find_child("LogGroup")  # aws-cdk-lib's managed log group
        legacy = node.node.try_find_child("LogRetention")  # deprecated log_retention=
        if self._retention is not None and managed is None and legacy is None:
            group = logs.LogGroup(node, "HardenedLogGroup", retention=self._retention)
            if node.role is not None:
                group.grant_write(node.role)
            config["log_group"] = group.log_group_name
            changed.append("log_group")
        if self._json_logs:
            config.update(log_format="JSON", application_log_level="INFO", system_log_level="INFO")
            changed.append("json_logs")
        if config:
            cfn.logging_config = lambda_.CfnFunction.LoggingConfigProperty(**config)
        return changed
