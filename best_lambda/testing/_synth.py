"""Synthesis for tests: an App configured like ``cdk synth``, templates, validation reports."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aws_cdk as cdk

from best_lambda.testing._normalize import normalize_template

__all__ = [
    "ValidationFinding",
    "find_project_dir",
    "normalized",
    "project_app",
    "synthesize",
    "synthesized_templates",
    "template_of",
    "validation_findings",
]


def synthesize(app: cdk.App) -> None:
    """Synthesize ``app`` afresh, whatever its own validation plugins find.

    Forced: CDK reuses its previous assembly when no construct was added since, which would
    miss a property or acknowledgement set in between (``Template.from_stack`` has that
    blind spot). Findings of plugins the app registers (cdk-nag packs, BestLambdaChecks)
    make CDK raise ``ValidationFailed`` after the templates are written; they are the
    business of :func:`~best_lambda.testing.assert_compliant`, not an error here (CDK still
    prints its report).
    """
    try:
        app.synth(force=True)
    except RuntimeError as error:
        # Constructs' own validations (node.add_validation) fail before any template is
        # written ("ValidationFailedWithErrors: ..."): those are errors here too.
        message = str(error)
        if "ValidationFailed" not in message or "ValidationFailedWithErrors" in message:
            raise


def template_of(stack: cdk.Stack) -> dict[str, Any]:
    """The CloudFormation template of ``stack``, synthesized now (nested stacks too).

    Unlike ``assertions.Template.from_stack``, it never returns a template synthesized
    before a later change to the app, and it works for apps whose own validation plugins
    report findings. For snapshots, use :func:`normalized`.

    Examples
    --------
    >>> function = template_of(stack)["Resources"]["Fn9270CBC0"]  # doctest: +SKIP
    >>> function["Properties"]["Architectures"]  # doctest: +SKIP
    ['arm64']

    Raises
    ------
    TypeError
        When ``stack`` is not a ``cdk.Stack`` in a ``cdk.App``.
    """
    if not isinstance(stack, cdk.Stack):
        raise TypeError(f"expected a cdk.Stack, got {type(stack).__name__}")
    root, stage = stack.node.root, cdk.Stage.of(stack)
    if not isinstance(root, cdk.App) or stage is None:
        raise TypeError(f"stack {stack.node.path!r} is not inside a cdk.App")
    synthesize(root)
    loaded: dict[str, Any] = json.loads((Path(stage.outdir) / stack.template_file).read_text())
    return loaded


def normalized(
    target: cdk.Stack | Mapping[str, Any],
    *,
    keep_hashes: bool = False,
    keep_metadata: bool = False,
    keep_bootstrap: bool = False,
) -> dict[str, Any]:
    """The template of ``target``, normalized for snapshots that change only with the stack.

    Asset hashes become numbered placeholders (``<asset-1>``), the hash in content-hashed
    logical IDs (``FnCurrentVersion…``, ``ApiDeployment…``) becomes ``<hash>``, the CDK
    bootstrap-version parameter and rule, the ``CDKMetadata`` resource and CDK's
    ``aws:cdk:*`` / ``aws:asset:*`` resource metadata are dropped, and keys are sorted.
    Editing a handler therefore leaves the snapshot byte-identical; changing memory, a
    runtime, a policy or an alarm does not.

    Parameters
    ----------
    target
        A ``cdk.Stack`` (synthesized here) or a template dict.
    keep_hashes, keep_metadata, keep_bootstrap
        Keep what would be replaced or dropped.

    Examples
    --------
    >>> def test_stack(cdk_app, template_snapshot):  # doctest: +SKIP
    ...     assert normalized(MyStack(cdk_app, "My")) == template_snapshot
    """
    template = template_of(target) if isinstance(target, cdk.Stack) else target
    return normalize_template(
        template,
        keep_hashes=keep_hashes,
        keep_metadata=keep_metadata,
        keep_bootstrap=keep_bootstrap,
    )


def find_project_dir(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` with a ``cdk.json``, if any."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / "cdk.json").is_file():
            return folder
    return None


def _json_object(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read {path}: {error}") from error
    if not isinstance(loaded, dict):
        raise ValueError(f"{path} must hold a JSON object, not {type(loaded).__name__}")
    return loaded


def project_app(
    project_dir: str | Path | None = None,
    *,
    outdir: str | Path | None = None,
    context: Mapping[str, Any] | None = None,
    builtin_cloud_formation_validation: bool = False,
    **app_props: Any,
) -> cdk.App:
    """A ``cdk.App`` configured the way ``cdk synth`` configures the project's app.

    ``cdk synth`` gives the app the ``context`` of ``cdk.json`` (feature flags) and the
    cached lookups of ``cdk.context.json``; an ``App()`` created in a test gets neither, so
    it can synthesize a different template than the one you deploy. This App gets both.

    Parameters
    ----------
    project_dir
        The folder with ``cdk.json``; ``None`` searches upward from the current directory.
        Without a ``cdk.json`` the App gets only ``context``.
    outdir
        Where the cloud assembly goes (default: a new temporary folder).
    context
        Extra context, applied over the project's.
    builtin_cloud_formation_validation
        Run CDK's built-in CloudFormation validation on synthesis (``cdk.App``'s default is
        on; here it is off: it adds ~3 s per synthesis, and ``cfn-lint`` in a test is the
        faster way to validate templates).
    **app_props
        Any other ``cdk.App`` property (``analytics_reporting`` defaults to off, so no
        ``CDKMetadata`` resource is added).

    Examples
    --------
    >>> app = project_app(outdir="cdk.out.test")  # doctest: +SKIP
    """
    folder = Path(project_dir) if project_dir is not None else find_project_dir(Path.cwd())
    merged: dict[str, Any] = {}
    if folder is not None:
        cached = folder / "cdk.context.json"
        if cached.is_file():
            merged.update(_json_object(cached))
        config = folder / "cdk.json"
        if config.is_file():
            project_context = _json_object(config).get("context", {})
            if not isinstance(project_context, dict):
                raise ValueError(f"{config}: 'context' must be a JSON object")
            merged.update(project_context)
        elif project_dir is not None:
            raise ValueError(f"{folder} has no cdk.json")
    merged.update(context or {})
    app_props.setdefault("analytics_reporting", False)
    return cdk.App(
        outdir=str(outdir) if outdir is not None else None,
        context=merged,
        builtin_cloud_formation_validation=builtin_cloud_formation_validation,
        **app_props,
    )


def synthesized_templates(outdir: str | Path) -> Iterator[Path]:
    """Every stack template of the cloud assembly in ``outdir``: Stages' and nested ones.

    Parents come before their nested stacks (read by :mod:`best_lambda.assembly`).
    """
    from best_lambda.assembly.cloud import read_assembly

    for stack in read_assembly(outdir).stacks:
        yield stack.template_path


@dataclass(frozen=True)
class ValidationFinding:
    """One finding of one rule on one construct.

    Attributes
    ----------
    plugin
        The pack or plugin that reported it (``BestLambda``, ``AwsSolutions``, ...).
    rule
        The finding's ID, the one to acknowledge (granular findings carry a suffix:
        ``AwsSolutions-IAM5[Resource::*]``).
    severity
        ``error`` or ``warning``.
    path
        The construct path of the resource (``Stack/Function/Resource``).
    description
        What is wrong.
    fix
        How to fix it, when the rule says.
    acknowledged
        The reason of the acknowledgement that accepts it; empty when none does.
    """

    plugin: str
    rule: str
    severity: str
    path: str
    description: str
    fix: str = ""
    acknowledged: str = ""

    @property
    def acknowledge_id(self) -> str:
        """The ID to acknowledge it with, spelled as ``cdk synth`` prints it.

        BestLambda findings take CDK's ``BestLambda::<ID>`` form; cdk-nag's take their own.
        """
        return f"{self.plugin}::{self.rule}" if self.plugin == "BestLambda" else self.rule

    def render(self, *, fix: bool = True) -> str:
        """A readable, multi-line description with (optionally) the fix and how to acknowledge."""
        lines = [f"{self.severity.upper()} {self.rule} at {self.path} ({self.plugin})"]
        wrap = textwrap.TextWrapper(width=100, initial_indent="    ", subsequent_indent="    ")
        lines.extend(wrap.wrap(self.description))
        if fix and self.fix and self.fix not in self.description:
            lines.extend(_fix_lines(self.fix))
        lines.append(
            f"    acknowledge on {self.path} or an ancestor: cdk.Validations.of(construct)"
            f'.acknowledge(cdk.Acknowledgment(id="{self.acknowledge_id}", '
            'reason="<why this is fine>"))'
        )
        return "\n".join(lines)


def _fix_lines(fix: str) -> list[str]:
    wrap = textwrap.TextWrapper(
        width=100, initial_indent="    fix: ", subsequent_indent="         "
    )
    return wrap.wrap(fix)


def validation_findings(app: cdk.App) -> list[ValidationFinding]:
    """Synthesize ``app`` and return what its registered validation plugins reported.

    For apps that register plugins (``Validations.of(app).add_plugins(...)``: cdk-nag
    packs, :class:`~best_lambda.BestLambdaChecks`, cfn-guard), this returns the findings
    instead of the ``ValidationFailed`` exception. Acknowledged findings are not returned.
    To check an app without registering anything, use
    :func:`~best_lambda.testing.findings_of`.

    Examples
    --------
    >>> app = build_app(project_app())  # registers AwsSolutionsChecks  # doctest: +SKIP
    >>> [f.rule for f in validation_findings(app)]  # doctest: +SKIP
    []

    Raises
    ------
    RuntimeError
        When synthesis fails for a reason other than validation findings.
    """
    synthesize(app)
    report_path = Path(app.outdir) / "validation-report.json"
    if not report_path.exists():
        return []
    report = json.loads(report_path.read_text())
    findings = []
    for plugin in report.get("pluginReports", []):
        for violation in plugin.get("violations", []):
            for construct in violation.get("violatingConstructs", []) or [{}]:
                findings.append(
                    ValidationFinding(
                        plugin=plugin.get("pluginName", ""),
                        rule=violation.get("ruleName", ""),
                        severity=violation.get("severity", ""),
                        path=construct.get("constructPath", ""),
                        description=violation.get("description", ""),
                        fix=violation.get("suggestedFix", "") or "",
                    )
                )
    return findings
