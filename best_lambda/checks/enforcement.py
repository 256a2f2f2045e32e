"""Fail synthesis on error-level BestLambda findings without cdk-nag.

:func:`apply_checks` registers one CDK policy-validation plugin on the App and enrols a
*construct path*: after synthesis CDK calls the plugin once with the templates, and it
checks every stack at or under the enrolled paths — Stages and nested stacks included,
also Stages created after the call. Nothing visits the construct tree, so enforcement
costs one callback per synthesis, whatever the size of the app.

:class:`EnforceBestLambda` is the same check as an Aspect, for code that adds Aspects
itself: it enrols each Stack it visits. It is the slower path (CDK calls an Aspect once
per construct, through jsii, ~1 ms each), and Aspects added to an App do not reach the
stacks of a ``Stage`` (aws/aws-cdk#20468).

Both read the assembly with :mod:`best_lambda.assembly` and run
:func:`best_lambda.checks.run.run_checks`: the same findings and acknowledgements as
:class:`~best_lambda.BestLambdaChecks`.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
import jsii
from constructs import IConstruct

from best_lambda.assembly.cloud import read_stacks
from best_lambda.checks._cdk import collect_stage_acknowledgements, has_pack, to_cdk_report
from best_lambda.checks.run import PLUGIN_NAME, CheckRun, check_settings, run_checks, within
from best_lambda.rules.model import Rule
from best_lambda.rules.options import CheckOptions

if TYPE_CHECKING:
    from best_lambda.aspects import HardenFunctions

__all__ = ["EnforceBestLambda", "apply_checks"]

_Settings = tuple[CheckOptions, tuple[Rule, ...], bool]


@jsii.implements(cdk.IPolicyValidationPlugin)
class _EnforcementPlugin:
    """The policy-validation plugin behind :func:`apply_checks` (one per App)."""

    def __init__(self, root: IConstruct) -> None:
        self._root = root
        #: Enrolled construct path ("" = the whole app) -> the settings it is checked with.
        self._scopes: dict[str, _Settings] = {}
        self.last_run: CheckRun | None = None

    def enroll(self, path: str, settings: _Settings) -> None:
        self._scopes.setdefault(path.strip("/"), settings)

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
        assembly = read_stacks(context.template_paths)
        collect_stage_acknowledgements(self._root, assembly.acknowledgements)
        # Each stack is checked once, with the settings of the closest enrolled scope.
        scopes = sorted(self._scopes, key=len, reverse=True)
        groups: dict[_Settings, list[Any]] = {}
        for stack in assembly.stacks:
            scope = next((s for s in scopes if within(stack.name, s)), None)
            if scope is not None:
                groups.setdefault(self._scopes[scope], []).append(stack)
        violations: list[cdk.PolicyViolation] = []
        success, notices_reported = True, False
        for (options, rules, verbose), stacks in groups.items():
            run = run_checks(
                [s.as_template_input() for s in stacks],
                assembly.acknowledgements,
                options=options,
                rules=rules,
                template_paths={s.name: str(s.template_path) for s in stacks},
            )
            if notices_reported:
                run.notices = []
            notices_reported = True
            self.last_run = run
            report = to_cdk_report(run, verbose=verbose)
            violations.extend(report.violations)
            success = success and report.success
        return cdk.PolicyValidationPluginReport(success=success, violations=violations)


#: One plugin per App, by id (jsii keeps Apps alive; the identity check guards reuse).
_PLUGINS: dict[int, tuple[IConstruct, _EnforcementPlugin]] = {}


def _plugin_of(root: IConstruct) -> _EnforcementPlugin:
    entry = _PLUGINS.get(id(root))
    if entry is None or entry[0] is not root:
        entry = _PLUGINS[id(root)] = (root, _EnforcementPlugin(root))
        cdk.Validations.of(root).add_plugins(entry[1])
    return entry[1]


@jsii.implements(cdk.IAspect)
class EnforceBestLambda:
    """An Aspect that fails synthesis on error-level BestLambda findings in what it visits.

    Prefer :func:`apply_checks`: it checks the same stacks with the same findings without
    visiting every construct (an Aspect costs one jsii callback per construct), and it
    reaches Stages, including those created later. Use this Aspect where your code adds
    Aspects itself; it checks each Stack (and nested stack) it visits.

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
        options, selected = check_settings(
            rules=rules,
            runtime_warning_days=runtime_warning_days,
            asset_warning_bytes=asset_warning_bytes,
            asset_error_bytes=asset_error_bytes,
            check_framework_functions=check_framework_functions,
            today=today,
        )
        self._settings: _Settings = (options, selected, verbose)

    def enroll(self, scope: IConstruct) -> None:
        """Check every stack at or under ``scope`` when the app is synthesized."""
        _plugin_of(scope.node.root).enroll(scope.node.path, self._settings)

    def visit(self, node: IConstruct) -> None:
        """Enrol each visited Stack (nested stacks included)."""
        if isinstance(node, cdk.Stack):
            self.enroll(node)


def apply_checks(
    scope: IConstruct,
    *,
    harden: HardenFunctions | None = None,
    **options: Any,
) -> EnforceBestLambda:
    """Enforce the BestLambda rules on ``scope`` and everything under it, Stages included.

    Registers one validation plugin on the App and enrols ``scope``'s construct path: at
    synthesis every stack at or under it is checked, in Stages too (also Stages created
    after this call) and nested stacks at any depth. No Aspect is added for the checks.

    ``harden`` adds a :class:`~best_lambda.aspects.HardenFunctions` Aspect to ``scope`` and
    to each Stage that exists under it now (Aspects added to an App do not cross Stage
    boundaries, aws/aws-cdk#20468): call this after the Stages exist when you use it.

    Parameters
    ----------
    scope
        Usually the App.
    harden
        Also retrofit safe defaults onto plain functions (runs before the checks).
    **options
        As for :class:`EnforceBestLambda`.

    Returns
    -------
    EnforceBestLambda
        The settings the checks run with (it is not added as an Aspect).

    Examples
    --------
    >>> import aws_cdk as cdk
    >>> app = cdk.App()
    >>> _ = cdk.Stack(app, "Api")
    >>> _ = apply_checks(app)
    """
    enforcer = EnforceBestLambda(**options)
    enforcer.enroll(scope)
    if harden is not None:
        pending = [scope]
        while pending:
            node = pending.pop()
            if isinstance(node, cdk.Stage) or node is scope:
                cdk.Aspects.of(node).add(harden, priority=cdk.AspectPriority.MUTATING)
            pending.extend(c for c in node.node.children if not isinstance(c, cdk.Stack))
    return enforcer
