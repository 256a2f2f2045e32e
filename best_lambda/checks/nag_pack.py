"""``BestLambdaChecks``: the BestLambda rules as a cdk-nag 3 pack."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
import cdk_nag
from constructs import IConstruct

from best_lambda.assembly.cloud import CloudAssembly, read_stacks
from best_lambda.checks._cdk import collect_stage_acknowledgements, note_pack, to_cdk_report
from best_lambda.checks.run import PLUGIN_NAME, CheckRun, check_settings, run_on_assembly

__all__ = ["BestLambdaChecks"]


class BestLambdaChecks(cdk_nag.NagPack):
    """The BestLambda rules as a cdk-nag 3 ``NagPack`` (pack name ``BestLambda``).

    Register it like cdk-nag's own packs; it judges every Lambda function of the app (plain
    ``aws_lambda.Function``, third-party constructs, L1 resources), not only best-lambda's.
    Findings are acknowledged the cdk-nag 3 way, with a reason; granular findings by their
    full ID (``BestLambda-NoWildcardPermissions[Action::s3:*]``). Both the cdk-nag form
    (``BestLambda-Arm64``) and the CDK form (``BestLambda::BestLambda-Arm64``) work, on the
    resource or any ancestor up to the App.

    Unlike a per-construct pack, it reads the synthesized templates once, in one callback,
    and evaluates every rule in one pass over plain dicts: it adds almost nothing to
    synthesis time however many functions the app has. Error-level findings fail
    synthesis; warnings are reported.

    Parameters
    ----------
    scope
        The App (enables acknowledgements made on the App and Stages).
    verbose
        Append each rule's explanation to its message (the fix is always reported).
    runtime_warning_days
        Warn this many days before a runtime's deprecation (default 180).
    asset_warning_bytes, asset_error_bytes
        Unzipped code budget: warning above 50 MB, error above Lambda's 250 MB by default.
    check_framework_functions
        Judge aws-cdk-lib's own functions like any other (default: report each once under
        ``BestLambda-CdkFrameworkFunction``).
    rules
        Run only these rule IDs (default: all).
    today
        The date runtime deprecation is judged against (default: today).

    Examples
    --------
    >>> import aws_cdk as cdk
    >>> app = cdk.App()
    >>> cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    """

    def __init__(
        self,
        scope: IConstruct | None = None,
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
        self._scope = scope
        self.last_run: CheckRun | None = None
        super().__init__(scope, verbose=verbose)
        self._pack_name = PLUGIN_NAME
        if scope is not None:
            note_pack(scope.node.root)

    @property
    def name(self) -> str:
        """The plugin name CDK reports findings under."""
        return PLUGIN_NAME

    @property
    def rule_ids(self) -> list[str]:
        """The IDs of the rules this pack runs."""
        return [rule.id for rule in self._rules]

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        """Check every template of the app once (called by CDK after synthesis)."""
        app_construct = getattr(context, "app_construct", None) or self._scope
        assembly = read_stacks(context.template_paths)
        self.last_run = self.check_assembly(assembly, app_construct=app_construct)
        return to_cdk_report(self.last_run, verbose=self._verbose)

    def check_assembly(self, assembly: CloudAssembly, *, app_construct: Any = None) -> CheckRun:
        """Run this pack's rules over a read assembly, nested stacks included.

        ``app_construct`` (the App) adds the acknowledgements made on it and on Stages,
        which CDK does not write to the assembly. Used by ``validate`` and by
        :mod:`best_lambda.testing`.
        """
        collect_stage_acknowledgements(app_construct, assembly.acknowledgements)
        return run_on_assembly(assembly, options=self._options, rules=self._rules)

    def _check_resource(self, node: cdk.CfnResource) -> None:
        """Unused: this pack checks templates in :meth:`validate`, not resource by resource."""
