"""Rule assertions for tests: is this stack compliant, does this rule fire on this construct.

The checks run directly, without registering anything on the user's App: the BestLambda
rules over the synthesized templates (the engine, as ``BestLambdaChecks`` runs it), and
cdk-nag packs through ``NagPack.validate_scope``. Acknowledgements made with
``Validations.of(construct).acknowledge(...)`` are honoured exactly as at ``cdk synth``.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import aws_cdk as cdk
import cdk_nag
from constructs import IConstruct

from best_lambda.assembly.cloud import read_assembly
from best_lambda.checks.nag_pack import BestLambdaChecks
from best_lambda.checks.run import PLUGIN_NAME, within
from best_lambda.rules.engine import Violation
from best_lambda.testing._synth import ValidationFinding, _fix_lines, synthesize

__all__ = [
    "ALL_PACKS",
    "PackSpec",
    "assert_compliant",
    "assert_noncompliant",
    "findings_of",
]

#: A pack by name (``"BestLambda"``, ``"AwsSolutions"``, ``"Serverless"``, ...) or a
#: configured pack object (``BestLambdaChecks(rules=[...])``, ``AwsSolutionsChecks()``).
PackSpec: TypeAlias = "str | cdk_nag.NagPack"

#: best-lambda's pack and the two cdk-nag packs our constructs are held to.
ALL_PACKS: tuple[str, ...] = (PLUGIN_NAME, "AwsSolutions", "Serverless")

_NAG_PACKS: dict[str, type[cdk_nag.NagPack]] = {
    "AwsSolutions": cdk_nag.AwsSolutionsChecks,
    "Serverless": cdk_nag.ServerlessChecks,
    "HIPAA.Security": cdk_nag.HIPAASecurityChecks,
    "NIST.800.53.R4": cdk_nag.NIST80053R4Checks,
    "NIST.800.53.R5": cdk_nag.NIST80053R5Checks,
    "PCI.DSS.321": cdk_nag.PCIDSS321Checks,
}


@dataclass
class _Outcome:
    findings: list[ValidationFinding] = field(default_factory=list)
    #: BestLambda findings that an acknowledgement accepted, with its reason.
    acknowledged: list[tuple[ValidationFinding, str]] = field(default_factory=list)


def _resolve_packs(packs: Iterable[object]) -> list[BestLambdaChecks | cdk_nag.NagPack]:
    if isinstance(packs, str):
        packs = (packs,)
    resolved: list[BestLambdaChecks | cdk_nag.NagPack] = []
    problems = []
    for pack in packs:
        if isinstance(pack, cdk_nag.NagPack):
            resolved.append(pack)
        elif pack == PLUGIN_NAME:
            resolved.append(BestLambdaChecks())
        elif isinstance(pack, str) and pack in _NAG_PACKS:
            resolved.append(_NAG_PACKS[pack]())
        elif isinstance(pack, str):
            known = [PLUGIN_NAME, *_NAG_PACKS]
            close = difflib.get_close_matches(pack, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"unknown pack {pack!r}{hint}; known packs: {', '.join(known)}")
        else:
            problems.append(
                f"packs= takes pack names or cdk-nag NagPack objects, got {type(pack).__name__}"
            )
    if problems:
        raise ValueError("; ".join(problems))
    if not resolved:
        raise ValueError("packs= is empty: name at least one pack")
    return resolved


def _root_app(target: IConstruct) -> cdk.App:
    root = target.node.root
    if not isinstance(root, cdk.App):
        raise TypeError(
            f"{target.node.path or type(target).__name__} is not inside a cdk.App (its root "
            f"is a {type(root).__name__}); create the stack in an App, e.g. project_app()"
        )
    return root


def _best_lambda(app: cdk.App, pack: BestLambdaChecks) -> _Outcome:
    run = pack.check_assembly(read_assembly(app.outdir), app_construct=app)

    def finding(violation: Violation) -> ValidationFinding:
        return ValidationFinding(
            plugin=PLUGIN_NAME,
            rule=violation.finding_id,
            severity=violation.severity.value,
            path=violation.location,
            description=f"{violation.rule.message} {violation.detail}".strip(),
            fix=violation.rule.explanation,
        )

    outcome = _Outcome()
    for violation in run.violations:
        outcome.findings.append(finding(violation))
    for violation, reason in run.acknowledged:
        outcome.acknowledged.append((finding(violation), reason))
    return outcome


def _nag(target: IConstruct, pack: cdk_nag.NagPack) -> _Outcome:
    report = pack.validate_scope(target)
    outcome = _Outcome()
    for violation in report.violations:
        for resource in violation.violating_resources:
            outcome.findings.append(
                ValidationFinding(
                    plugin=pack.read_pack_name,
                    rule=violation.rule_name,
                    severity=str(violation.severity or "error"),
                    path=resource.construct_path or "",
                    description=violation.description,
                    fix=violation.fix or "",
                )
            )
    return outcome


def _run(target: IConstruct, packs: Iterable[PackSpec]) -> _Outcome:
    resolved = _resolve_packs(packs)
    app = _root_app(target)
    # Synthesis runs the app's Aspects and finishes every construct, for both kinds of pack.
    synthesize(app)
    outcome = _Outcome()
    for pack in resolved:
        part = _best_lambda(app, pack) if isinstance(pack, BestLambdaChecks) else _nag(target, pack)
        outcome.findings.extend(part.findings)
        outcome.acknowledged.extend(part.acknowledged)
    scope = target.node.path
    outcome.findings = sorted(
        (f for f in outcome.findings if within(f.path, scope)),
        key=lambda f: (f.path, f.severity != "error", f.rule),
    )
    outcome.acknowledged = [(f, r) for f, r in outcome.acknowledged if within(f.path, scope)]
    return outcome


def findings_of(
    target: IConstruct,
    packs: Iterable[PackSpec] = (PLUGIN_NAME,),
    *,
    acknowledged: bool = False,
) -> list[ValidationFinding]:
    """Every unacknowledged finding of ``packs`` on ``target`` and the constructs under it.

    ``target`` is an App, a Stage, a Stack or any construct in one (nested stacks
    included); the whole App is synthesized (running its Aspects), nothing is registered
    on it. Findings are sorted by construct path, errors first. With ``acknowledged=True``
    the BestLambda findings an acknowledgement accepts come too, each with the reason in
    its ``acknowledged`` attribute.

    Examples
    --------
    >>> findings = findings_of(stack, packs=ALL_PACKS)  # doctest: +SKIP
    >>> sorted({f.rule for f in findings})  # doctest: +SKIP
    ['BestLambda-Arm64', 'AwsSolutions-L1']
    """
    outcome = _run(target, packs)
    if not acknowledged:
        return outcome.findings
    accepted = [dataclasses.replace(f, acknowledged=reason) for f, reason in outcome.acknowledged]
    return sorted(
        [*outcome.findings, *accepted],
        key=lambda f: (f.path, f.severity != "error", f.rule),
    )


def assert_compliant(
    target: IConstruct,
    packs: Iterable[PackSpec] = (PLUGIN_NAME,),
    *,
    warnings: bool = True,
) -> None:
    """Fail unless ``target`` has no unacknowledged finding from ``packs``.

    The failure lists every finding: rule ID, construct path, what is wrong, the fix and
    the acknowledgement that would accept it.

    Parameters
    ----------
    target
        An App, Stage, Stack or construct (and everything under it).
    packs
        Pack names or configured packs; default BestLambda only, ``ALL_PACKS`` adds
        cdk-nag's AwsSolutions and Serverless.
    warnings
        Count warnings too (default). cdk-nag 3 fails ``cdk synth`` on them as well.

    Examples
    --------
    >>> assert_compliant(stack, packs=ALL_PACKS)  # doctest: +SKIP
    """
    __tracebackhide__ = True  # pytest: show the user's assert line, not this function
    outcome = _run(target, packs)
    findings = [f for f in outcome.findings if warnings or f.severity == "error"]
    if findings:
        raise AssertionError(_failure(target, findings, outcome.acknowledged))


def _failure(
    target: IConstruct,
    findings: list[ValidationFinding],
    acknowledged: list[tuple[ValidationFinding, str]],
) -> str:
    """Header with counts, each finding, each rule's fix once, what was acknowledged."""
    names = sorted({f.plugin for f in findings})
    where = target.node.path or "the app"
    errors = sum(f.severity == "error" for f in findings)
    header = (
        f"{where}: {len(findings)} unacknowledged finding{'s' * (len(findings) != 1)} "
        f"({', '.join(names)}): {errors} error{'s' * (errors != 1)}, "
        f"{len(findings) - errors} warning{'s' * (len(findings) - errors != 1)}, "
        f"{len(acknowledged)} acknowledged"
    )
    parts = [header, *(f.render(fix=False) for f in findings)]
    fixes: dict[str, str] = {}
    for finding in findings:
        if finding.fix and finding.fix not in finding.description:
            fixes.setdefault(finding.rule.split("[", 1)[0], finding.fix)
    if fixes:
        parts.append(
            "How to fix (once per rule):\n"
            + "\n".join(f"  {rule}\n" + "\n".join(_fix_lines(fix)) for rule, fix in fixes.items())
        )
    if acknowledged:
        parts.append(
            "Acknowledged (not counted):\n"
            + "\n".join(f"  {f.rule} at {f.path}: {reason}" for f, reason in acknowledged)
        )
    return "\n\n".join(parts)


def _packs_for(rule_id: str) -> tuple[str, ...]:
    for name in (PLUGIN_NAME, *_NAG_PACKS):
        if rule_id.startswith(name + "-"):
            return (name,)
    raise ValueError(
        f"cannot tell which pack reports {rule_id!r}: pass packs= (rule IDs start with the "
        f"pack name: {', '.join(f'{n}-' for n in (PLUGIN_NAME, *_NAG_PACKS))})"
    )


def _check_rule_id(rule_id: str) -> None:
    if not rule_id.startswith(PLUGIN_NAME + "-"):
        return
    from best_lambda.rules.registry import RULES_BY_ID

    base = rule_id.split("[", 1)[0]
    if base not in RULES_BY_ID:
        close = difflib.get_close_matches(base, list(RULES_BY_ID), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"unknown BestLambda rule ID {rule_id!r}{hint}; see RULES.md")


def _matches(finding_id: str, rule_id: str) -> bool:
    """``BestLambda-X`` matches its granular findings ``BestLambda-X[...]`` too."""
    return finding_id == rule_id or ("[" not in rule_id and finding_id.startswith(rule_id + "["))


def assert_noncompliant(
    construct: IConstruct,
    rule_id: str,
    packs: Sequence[PackSpec] | None = None,
) -> list[ValidationFinding]:
    """Fail unless ``rule_id`` reports a finding on ``construct`` (or a construct under it).

    For your own bad-case tests: prove that a rule catches what it should. A rule ID
    without a suffix also matches its granular findings (``AwsSolutions-IAM5`` matches
    ``AwsSolutions-IAM5[Resource::*]``).

    Parameters
    ----------
    construct
        The construct expected to be flagged (an L2 construct covers its ``Resource``).
    rule_id
        The rule or finding ID.
    packs
        Where the rule comes from; by default the pack its ID names (``BestLambda-...``,
        ``AwsSolutions-...``, ``Serverless-...``).

    Returns
    -------
    list of ValidationFinding
        The matching findings, for further assertions.

    Examples
    --------
    >>> assert_noncompliant(legacy_function, "BestLambda-Arm64")  # doctest: +SKIP
    """
    __tracebackhide__ = True
    _check_rule_id(rule_id)
    outcome = _run(construct, packs if packs is not None else _packs_for(rule_id))
    matching = [f for f in outcome.findings if _matches(f.rule, rule_id)]
    if matching:
        return matching
    where = construct.node.path
    lines = [f"{rule_id} reports nothing on {where}."]
    accepted = [(f, r) for f, r in outcome.acknowledged if _matches(f.rule, rule_id)]
    for finding, reason in accepted:
        lines.append(f"It is acknowledged at {finding.path}: {reason!r}")
    if outcome.findings:
        lines.append(f"Findings on {where}:")
        lines.extend(f"  {f.rule} at {f.path}" for f in outcome.findings)
    elif not accepted:
        lines.append(f"No unacknowledged finding of any rule is on {where}.")
    raise AssertionError("\n".join(lines))
