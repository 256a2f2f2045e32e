"""Aspects: enforce the BestLambda rules at synthesis, and retrofit safe defaults.

* :class:`EnforceBestLambda` — an Aspect that makes ``cdk synth`` *and* a plain
  ``app.synth()`` fail on any error-level finding in the stacks it is applied to, with a
  report naming the construct path, the rule ID and the fix. It needs no cdk-nag.
* :func:`apply_checks` — applies it to the App and every Stage beneath it (Aspects added to
  an App do not cross Stage boundaries, aws/aws-cdk#20468), optionally with
  :class:`HardenFunctions`.
* :class:`HardenFunctions` — an opt-in, mutating Aspect that gives plain
  ``aws_lambda.Function`` s the safe defaults HardenedFunction has: arm64, active tracing, a
  log group with retention, JSON logs, an explicit timeout and memory size.

How enforcement works: visiting a Stack records it; the first visit registers one CDK
policy-validation plugin on the App. After synthesis CDK calls that plugin once with the
templates, and the rule engine reads them as plain JSON — the same engine, options and
acknowledgements as :class:`~best_lambda.BestLambdaChecks`. This reads what CloudFormation
will actually receive (property overrides included) and costs one callback per synthesis
instead of several jsii calls per resource per rule.

Examples
--------
>>> import aws_cdk as cdk
>>> from best_lambda.aspects import apply_checks, HardenFunctions
>>> app = cdk.App()
>>> _ = cdk.Stack(app, "Api")
>>> _ = apply_checks(app, harden=HardenFunctions())
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import IConstruct

from best_lambda.checks._plugin import (
    PLUGIN_NAME,
    check_settings,
    has_pack,
    run_checks,
    to_cdk_report,
)
from best_lambda.constructs._props import PropsChecker
from best_lambda.defaults import lambda_ as defaults
from best_lambda.limits import MEMORY_MB, TIMEOUT_SECONDS
from best_lambda.rules.framework import FRAMEWORK_COMPONENTS
from best_lambda.rules.model import Rule
from best_lambda.rules.options import CheckOptions

__all__ = ["EnforceBestLambda", "HardenFunctions", "apply_checks"]


@jsii.implements(cdk.IPolicyValidationPlugin)
class _EnforcementPlugin:
    """The policy-validation plugin behind :class:`EnforceBestLambda` (one per App)."""

    def __init__(self, root: IConstruct) -> None:
        self._root = root
        self._stacks: dict[str, tuple[CheckOptions, tuple[Rule, ...], bool]] = {}

    def enroll(
        self, stack_path: str, options: CheckOptions, rules: tuple[Rule, ...], verbose: bool
    ) -> None:
        self._stacks.setdefault(stack_path.strip("/"), (options, rules, verbose))

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> str | None:
        from best_lambda import __version__

        return __version__

    @property
    def rule_ids(self) -> list[str] | None:
        return None

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        if has_pack(self._root):  # BestLambdaChecks reports the same findings already
            return cdk.PolicyValidationPluginReport(success=True, violations=[])
        groups: dict[int, list[str]] = {}
        settings: dict[int, tuple[CheckOptions, tuple[Rule, ...], bool]] = {}
        for path, setting in self._stacks.items():
            key = id(setting[0]) ^ hash(setting[1])
            groups.setdefault(key, []).append(path)
            settings[key] = setting
        violations: list[cdk.PolicyViolation] = []
        success = True
        for key, paths in groups.items():
            options, rules, verbose = settings[key]
            run = run_checks(
                context.template_paths,
                app_construct=self._root,
                options=options,
                rules=rules,
                stack_paths=paths,
            )
            report = to_cdk_report(run, verbose=verbose)
            violations.extend(report.violations)
            success = success and report.success
        return cdk.PolicyValidationPluginReport(success=success, violations=violations)


#: One plugin per App, by id (jsii keeps Apps alive; the identity check guards reuse).
_PLUGINS: dict[int, tuple[IConstruct, _EnforcementPlugin]] = {}


@jsii.implements(cdk.IAspect)
class EnforceBestLambda:
    """Fail synthesis on error-level BestLambda findings in the stacks this Aspect visits.

    Parameters
    ----------
    verbose
        Append each rule's explanation to its message.
    runtime_warning_days, asset_warning_bytes, asset_error_bytes, check_framework_functions,
    rules, today
        As for :class:`~best_lambda.BestLambdaChecks`.

    Examples
    --------
    >>> import aws_cdk as cdk
    >>> app = cdk.App()
    >>> stack = cdk.Stack(app, "Orders")
    >>> cdk.Aspects.of(stack).add(EnforceBestLambda())
    """

    def __init__(
        self,
        *,
        verbose: bool = False,
        runtime_warning_days: int | None = None,
        asset_warning_bytes: int | None = None,
        asset_error_bytes: int | None = None,
        check_framework_functions: bool | None = None,
        rules: Sequence[str] | None = None,
        today: _dt.date | None = None,
    ) -> None:
        self._options, self._rules = check_settings(
            rules=rules,
            runtime_warning_days=runtime_warning_days,
            asset_warning_bytes=asset_warning_bytes,
            asset_error_bytes=asset_error_bytes,
            check_framework_functions=check_framework_functions,
            today=today,
        )
        self._verbose = verbose

    def visit(self, node: IConstruct) -> None:
        """Enroll each visited Stack; register the App's plugin on first use."""
        if not isinstance(node, cdk.Stack) or isinstance(node, cdk.NestedStack):
            return
        root = node.node.root
        entry = _PLUGINS.get(id(root))
        if entry is None or entry[0] is not root:
            entry = _PLUGINS[id(root)] = (root, _EnforcementPlugin(root))
            cdk.Validations.of(root).add_plugins(entry[1])
        entry[1].enroll(node.node.path, self._options, self._rules, self._verbose)


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


def apply_checks(
    scope: IConstruct,
    *,
    harden: HardenFunctions | None = None,
    **options: Any,
) -> EnforceBestLambda:
    """Enforce the BestLambda rules on ``scope`` and every Stage beneath it.

    Call it after the stacks and stages exist, before ``app.synth()``. Aspects added to an
    App do not reach stacks inside a ``Stage`` (CDK Pipelines!), so this adds the Aspect to
    each Stage as well. ``harden`` adds a :class:`HardenFunctions` Aspect the same way (it
    runs first: mutating aspects have priority).

    Parameters
    ----------
    scope
        Usually the App.
    harden
        Also retrofit safe defaults onto plain functions.
    **options
        Passed to :class:`EnforceBestLambda`.

    Returns
    -------
    EnforceBestLambda
        The Aspect that was added.
    """
    enforcer = EnforceBestLambda(**options)
    pending = [scope]
    while pending:
        node = pending.pop()
        if isinstance(node, cdk.Stage) or node is scope:
            cdk.Aspects.of(node).add(enforcer, priority=cdk.AspectPriority.READONLY)
            if harden is not None:
                cdk.Aspects.of(node).add(harden, priority=cdk.AspectPriority.MUTATING)
        pending.extend(child for child in node.node.children if not isinstance(child, cdk.Stack))
    return enforcer
