"""One pure "run the checks" entry for every front: evaluate, then honour acknowledgements.

The cdk-nag pack, the enforcing plugin, the testing helpers and ``best-lambda audit`` all
come here with templates (from :mod:`best_lambda.assembly`) and acknowledgements, and get
a :class:`CheckRun` back: unacknowledged findings, acknowledged ones with their reason,
and notices about acknowledgements that accept nothing (an unknown rule ID, an empty
reason). Nothing here imports aws-cdk-lib; turning a run into a CDK report is
:mod:`best_lambda.checks._cdk`'s job.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from best_lambda.assembly.cloud import Acknowledgement, Acknowledgements, CloudAssembly
from best_lambda.report.model import plural
from best_lambda.rules.engine import Report, TemplateInput, Violation, evaluate
from best_lambda.rules.model import Rule, Severity
from best_lambda.rules.options import CheckOptions

__all__ = [
    "PLUGIN_NAME",
    "AckNotice",
    "CheckRun",
    "acknowledgement_notices",
    "check_options",
    "check_settings",
    "run_checks",
    "select_rules",
    "unknown_rule_message",
    "within",
]

PLUGIN_NAME = "BestLambda"


@dataclass(frozen=True)
class AckNotice:
    """An acknowledgement that accepts nothing, and why (shown as a warning)."""

    acknowledgement: Acknowledgement
    message: str


@dataclass
class CheckRun:
    """The outcome of one check: what was found, what was acknowledged (and why).

    Attributes
    ----------
    report
        The engine's report (every violation, acknowledged or not).
    violations
        Findings no acknowledgement accepts.
    acknowledged
        Findings an acknowledgement accepts, with its reason.
    template_paths
        Template name -> file, for reports that point at files.
    notices
        Acknowledgements that accept nothing (unknown ID, empty reason).
    """

    report: Report
    violations: list[Violation] = field(default_factory=list)
    acknowledged: list[tuple[Violation, str]] = field(default_factory=list)
    template_paths: dict[str, str] = field(default_factory=dict)
    notices: list[AckNotice] = field(default_factory=list)

    @property
    def success(self) -> bool:
        """No unacknowledged error-level finding (warnings are reported, not fatal)."""
        return not any(v.severity is Severity.ERROR for v in self.violations)

    def summary(self) -> str:
        """One line of counts, e.g. ``BestLambda: 2 errors, 1 warning, 3 acknowledged ...``."""
        errors = sum(v.severity is Severity.ERROR for v in self.violations)
        warnings = len(self.violations) - errors
        return (
            f"{PLUGIN_NAME}: {plural(errors, 'error')}, {plural(warnings, 'warning')}, "
            f"{len(self.acknowledged)} acknowledged in {plural(self.report.resources, 'resource')}"
            f" of {plural(self.report.templates, 'template')}"
        )


def check_options(**kwargs: Any) -> CheckOptions:
    """:class:`CheckOptions` from the fronts' keyword arguments (``None`` = the default)."""
    return CheckOptions(**{k: v for k, v in kwargs.items() if v is not None})


def unknown_rule_message(rule_ids: Iterable[str], what: str = "BestLambda rule IDs") -> str:
    """``unknown BestLambda rule IDs 'X' (did you mean 'Y'?); ...`` for a list of bad IDs."""
    from best_lambda.rules.registry import RULES_BY_ID

    parts = []
    for rule_id in rule_ids:
        close = difflib.get_close_matches(rule_id, list(RULES_BY_ID), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        parts.append(f"{rule_id!r}{hint}")
    return f"unknown {what} {', '.join(parts)}; see RULES.md for the list"


def select_rules(rule_ids: Sequence[str] | None, exclude: Sequence[str] = ()) -> tuple[Rule, ...]:
    """The registered rules, the subset ``rule_ids``, minus ``exclude`` (unknown IDs raise).

    Examples
    --------
    >>> [r.id for r in select_rules(["BestLambda-Arm64"])]
    ['BestLambda-Arm64']
    """
    from best_lambda.rules.registry import ALL_RULES, RULES_BY_ID

    for given in (rule_ids, exclude):
        if isinstance(given, str):
            raise TypeError("rules= takes a list of rule IDs, not one string")
    named = [*(rule_ids or ()), *exclude]
    unknown = [i for i in dict.fromkeys(named) if i not in RULES_BY_ID]
    if unknown:
        raise ValueError(unknown_rule_message(unknown))
    chosen = ALL_RULES if rule_ids is None else tuple(RULES_BY_ID[i] for i in rule_ids)
    return tuple(r for r in chosen if r.id not in set(exclude))


def check_settings(
    *, rules: Sequence[str] | None, **options: Any
) -> tuple[CheckOptions, tuple[Rule, ...]]:
    """The options and rules the CDK fronts build from their keyword arguments."""
    return check_options(**options), select_rules(rules)


def run_checks(
    templates: Sequence[TemplateInput],
    acknowledgements: Acknowledgements,
    *,
    options: CheckOptions,
    rules: Sequence[Rule],
    template_paths: Mapping[str, str] | None = None,
    report: Report | None = None,
) -> CheckRun:
    """Evaluate ``rules`` over ``templates`` and split findings by acknowledgement.

    A finding is acknowledged when its ID (granular suffix included) is acknowledged on
    its resource's construct path or an ancestor, with a reason. ``report`` is the
    evaluation of ``templates`` when the caller made it already (the audit evaluates the
    index it built when reading each template).
    """
    if report is None:
        report = evaluate(templates, rules=rules, options=options)
    run = CheckRun(report=report, template_paths=dict(template_paths or {}))
    for violation in report.violations:
        reason = acknowledgements.reason(violation.finding_id, violation.path or "")
        if reason is None:
            run.violations.append(violation)
        else:
            run.acknowledged.append((violation, reason))
    run.notices = acknowledgement_notices(acknowledgements)
    return run


def run_on_assembly(
    assembly: CloudAssembly,
    *,
    options: CheckOptions,
    rules: Sequence[Rule],
    scopes: Iterable[str] | None = None,
) -> CheckRun:
    """:func:`run_checks` over the stacks of an assembly (nested stacks included).

    ``scopes`` limits the check to stacks at or under these construct paths (``""`` is
    the whole app); ``None`` checks every stack.
    """
    stacks = assembly.stacks
    if scopes is not None:
        wanted = [s.strip("/") for s in scopes]
        stacks = [s for s in stacks if any(within(s.name, scope) for scope in wanted)]
    return run_checks(
        [s.as_template_input() for s in stacks],
        assembly.acknowledgements,
        options=options,
        rules=rules,
        template_paths={s.name: str(s.template_path) for s in stacks},
    )


def within(path: str, scope: str) -> bool:
    """Whether the construct path ``path`` is ``scope`` or below it (``""``: everything).

    Leading and trailing ``/`` do not matter; a path that only starts with the same
    characters is not inside (``App/StackB`` is not within ``App/Stack``).

    Examples
    --------
    >>> within("App/Stack/Fn", "App/Stack"), within("App/StackB", "App/Stack")
    (True, False)
    >>> within("/App/Stack/", "App/Stack"), within("anything", "")
    (True, True)
    """
    path, scope = path.strip("/"), scope.strip("/")
    return not scope or path == scope or path.startswith(scope + "/")


# -- acknowledgements that accept nothing ---------------------------------------------------
_PACK_ID = re.compile(
    r"^(?P<pack>[A-Za-z][A-Za-z0-9.]*)-(?P<rule>[A-Za-z0-9]+)(?P<suffix>\[.*\])?$"
)


def acknowledgement_notices(acknowledgements: Acknowledgements) -> list[AckNotice]:
    """Acknowledgements that accept nothing: an empty reason, or an ID no pack knows.

    Known IDs are the BestLambda rules (a granular suffix only on granular rules) and the
    rules of cdk-nag's packs (:mod:`best_lambda.checks._nag_rules`); IDs of other tools
    (``CloudFormation-Validate::W2531``, a namespace other than ours) are left alone.
    """
    notices = []
    for ack in acknowledgements.entries:
        if not ack.reason.strip():
            notices.append(
                AckNotice(
                    ack,
                    f"The acknowledgement of {ack.finding_id!r} at {ack.path or 'the app'} has no "
                    "reason, so it accepts nothing: give the reason the finding is acceptable.",
                )
            )
            continue
        problem = _unknown_id(ack.raw_id)
        if problem:
            notices.append(
                AckNotice(
                    ack,
                    f"The acknowledgement of {ack.finding_id!r} at {ack.path or 'the app'} matches "
                    f"no known rule, so it accepts nothing: {problem}",
                )
            )
    return notices


def _unknown_id(raw_id: str) -> str | None:
    """Why ``raw_id`` names no known rule, or ``None`` when it does (or is not ours to judge)."""
    from best_lambda.checks._nag_rules import NAG_RULES
    from best_lambda.rules.registry import RULES_BY_ID

    namespace, rule_part = _split_namespace(raw_id)
    if namespace and namespace.lower() not in ("annotation", PLUGIN_NAME.lower()):
        return None  # another plugin's own namespace: not ours to judge
    match = _PACK_ID.match(rule_part)
    packs = {PLUGIN_NAME: frozenset(RULES_BY_ID), **NAG_RULES}
    if match is None or match["pack"] not in packs:
        if match is None and namespace.lower() != PLUGIN_NAME.lower():
            return None  # not shaped like a pack's rule ID (an annotation of another tool)
        known = [f"{pack}-" for pack in packs]
        guess = difflib.get_close_matches(rule_part, _all_ids(packs), n=1, cutoff=0.6)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        return f"no pack's rule IDs start like this{hint}; packs: {', '.join(known)}"
    base = f"{match['pack']}-{match['rule']}"
    if base not in packs[match["pack"]]:
        guess = difflib.get_close_matches(base, sorted(packs[match["pack"]]), n=1, cutoff=0.6)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        return f"{match['pack']} has no rule {base!r}{hint}"
    rule = RULES_BY_ID.get(base)
    if match["suffix"] and rule is not None and not rule.granular:
        return (
            f"{base} reports one finding per resource, without a [...] suffix: acknowledge {base!r}"
        )
    return None


def _split_namespace(raw_id: str) -> tuple[str, str]:
    """``("BestLambda", "BestLambda-X[a::b]")`` for ``BestLambda::BestLambda-X[a::b]``.

    As CDK parses it: ``::`` outside brackets separates the namespace.
    """
    depth = 0
    for i, char in enumerate(raw_id):
        if char in "[({":
            depth += 1
        elif char in "])}":
            depth -= 1
        elif depth == 0 and raw_id.startswith("::", i):
            return raw_id[:i], raw_id[i + 2 :]
    return "", raw_id


def _all_ids(packs: Mapping[str, frozenset[str]]) -> list[str]:
    return sorted(rule for rules in packs.values() for rule in rules)
