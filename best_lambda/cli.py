"""``best-lambda audit``: the BestLambda rules over cdk.out folders and template files.

The same engine as the cdk-nag pack, for every pipeline: a synthesized cloud assembly
(every stack of every Stage, nested stacks included, with construct paths and the
acknowledgements recorded in it), CloudFormation templates (JSON or YAML with short-form
intrinsics), SAM templates (translated offline; ``pip install 'best-lambda[sam]'``), or
folders searched for them. Output as text, JSON, SARIF, JUnit XML or HTML. It imports no
aws-cdk-lib, jsii or cdk-nag, so it starts in a fraction of a second.

Exit codes: 0 nothing at or above ``--fail-level``; 1 findings at or above it; 2 usage
error (bad option, unknown rule ID, unreadable baseline); 3 an input could not be read
(the others are still checked and reported).

Examples
--------
>>> main(["audit", "cdk.out", "-f", "sarif", "-o", "best-lambda.sarif"])  # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as _dt
import os
import re
import sys
import textwrap
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

# Through the package's lazy attributes: the template loader (and PyYAML) is imported when
# a template file is read, never for a cdk.out.
from best_lambda import assembly as _assembly
from best_lambda.assembly.cloud import (
    Acknowledgements,
    AssemblyError,
    is_cloud_assembly,
    read_assembly,
)
from best_lambda.checks.run import check_options, run_checks, select_rules
from best_lambda.report import FORMATS
from best_lambda.report.baseline import Baseline, BaselineError
from best_lambda.report.model import (
    ACK_METADATA_KEY,
    EXIT_FINDINGS,
    EXIT_INPUT,
    EXIT_OK,
    EXIT_USAGE,
    Audit,
    AuditFinding,
    AuditTemplate,
    FailLevel,
    InputProblem,
    Suppression,
)
from best_lambda.rules.engine import (
    Report,
    RuleFailure,
    TemplateInput,
    Violation,
    evaluate_template,
)
from best_lambda.rules.model import Rule, Status
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, MalformedTemplateError, TemplateIndex

__all__ = ["audit", "build_parser", "main"]

#: Folders a recursive search never enters (dependencies, VCS and tool state).
_SKIPPED_FOLDERS = frozenset({"node_modules", "__pycache__", "site-packages", "venv"})
_EXIT_CODES = f"""\
exit codes:
  {EXIT_OK}  no finding at or above --fail-level (acknowledged and baselined ones do not count)
  {EXIT_FINDINGS}  findings at or above --fail-level
  {EXIT_USAGE}  usage error: bad option, unknown rule ID, unreadable baseline
  {EXIT_INPUT}  a PATH could not be read or is not a template (reported with its reason;
     the other paths are still checked)
"""


# -- inputs -----------------------------------------------------------------------------------
@dataclass
class _Source:
    """One template to check, indexed once (for the engine and the scorecard)."""

    input: TemplateInput
    index: TemplateIndex
    template: AuditTemplate
    construct_paths: Mapping[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    #: (template, logical ID, rule ID) -> status, as the engine judged.
    statuses: dict[tuple[str, str, str], Status] = field(default_factory=dict)


def _index(name: str, template: Mapping[str, Any], assets: Any = None) -> TemplateIndex:
    """The template's one index.

    Raises
    ------
    MalformedTemplateError
        Reported by :func:`audit` as an input that cannot be checked.
    """
    index = TemplateIndex(template, name=name)
    index.assets = assets
    return index


@dataclass
class _Input:
    """What one path holds: its templates and the acknowledgements that decide about them."""

    sources: list[_Source]
    acks: Acknowledgements


def _display(path: Path) -> str:
    """``path`` relative to the working folder when inside it, in POSIX form."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _discover(
    paths: Sequence[str], problems: list[InputProblem]
) -> Iterator[tuple[str, Path, bool]]:
    """(``"assembly"`` or ``"file"``, path, named explicitly) for every input found."""
    for given in paths:
        path = Path(given)
        if not path.exists():
            problems.append(InputProblem(given, "no such file or folder"))
        elif path.is_file():
            yield "file", path, True
        elif is_cloud_assembly(path):
            yield "assembly", path, True
        else:
            found = False
            for folder, dirs, files in os.walk(path):
                here = Path(folder)
                if here != path and is_cloud_assembly(here):
                    dirs[:] = []
                    found = True
                    yield "assembly", here, False
                    continue
                dirs[:] = sorted(
                    d for d in dirs if not d.startswith(".") and d not in _SKIPPED_FOLDERS
                )
                for name in sorted(files):
                    if _assembly.looks_like_template(here / name):
                        found = True
                        yield "file", here / name, False
            if not found:
                problems.append(
                    InputProblem(given, "no cdk.out folder or template found in this folder")
                )


def _assembly_input(path: Path, taken: set[str]) -> _Input:
    assembly = read_assembly(path)
    sources = []
    for stack in assembly.stacks:
        name = stack.name if stack.name not in taken else f"{_display(path)}:{stack.name}"
        taken.add(name)
        kind = "cdk-nested-stack" if stack.nested else "cdk-stack"
        template = AuditTemplate(
            name, _display(stack.template_path), kind, len(stack.template.get("Resources") or {})
        )
        index = _index(name, stack.template, stack.assets)
        template_input = dataclasses.replace(stack.as_template_input(), name=name)
        sources.append(_Source(template_input, index, template, construct_paths=stack.paths))
    return _Input(sources, assembly.acknowledgements)


def _file_input(path: Path, taken: set[str], notices: list[str]) -> _Input:
    loaded = _assembly.load_template(path)
    name = _display(path)
    index = _index(name, loaded.template)
    taken.add(name)
    resources: dict[str, Any] = loaded.template.get("Resources") or {}
    construct_paths = {lid: r.path for lid, r in index.resources.items() if r.path is not None}
    ack_paths: dict[str, str] = {}
    for logical_id in resources:
        origin = loaded.origin.get(logical_id, logical_id)
        ack_paths[logical_id] = construct_paths.get(logical_id) or (
            logical_id if origin == logical_id else f"{origin}/{logical_id}"
        )
    acks = Acknowledgements()
    written: dict[str, Any] = loaded.source.get("Resources") or {}
    for logical_id, body in [("", loaded.source), *written.items()]:
        where = "the template" if not logical_id else f"resource {logical_id}"
        data = _metadata_acks(body, where, name, notices)
        if data:
            acks.add(ack_paths.get(logical_id, logical_id), data)
    kind = "sam" if loaded.sam else "cloudformation"
    template = AuditTemplate(name, name, kind, len(resources))
    lines = {lid: line for lid in resources if (line := loaded.line_of(lid)) is not None}
    source = _Source(
        TemplateInput(name, loaded.template, ack_paths), index, template, construct_paths, lines
    )
    return _Input([source], acks)


def _metadata_acks(body: Any, where: str, file: str, notices: list[str]) -> dict[str, Any]:
    """``Metadata: {best-lambda: {acknowledge: {ID: reason}}}`` of a resource or template."""
    metadata = body.get("Metadata") if isinstance(body, dict) else None
    entry = metadata.get(ACK_METADATA_KEY) if isinstance(metadata, dict) else None
    if entry is None:
        return {}
    data = entry.get("acknowledge") if isinstance(entry, dict) else None
    if not isinstance(data, dict):
        notices.append(
            f"{file}: Metadata.{ACK_METADATA_KEY} of {where} is ignored: expected "
            "'acknowledge:' mapping finding IDs to reasons"
        )
        return {}
    return data


# -- the audit --------------------------------------------------------------------------------
def audit(
    paths: Sequence[str],
    *,
    rules: Sequence[Rule],
    options: CheckOptions,
    fail_level: FailLevel = "error",
    baseline: Baseline | None = None,
    scorecard: bool = True,
) -> Audit:
    """Check every template found under ``paths``; never raises for a bad input.

    Examples
    --------
    >>> rules, options = select_rules(None), CheckOptions()
    >>> audit(["template.yaml"], rules=rules, options=options).exit_code  # doctest: +SKIP
    1
    """
    result = Audit(rules=tuple(rules), fail_level=fail_level)
    inputs: list[_Input] = []
    taken: set[str] = set()
    for kind, path, explicit in _discover(paths, result.problems):
        try:
            if kind == "assembly":
                inputs.append(_assembly_input(path, taken))
            else:
                inputs.append(_file_input(path, taken, result.notices))
        except MalformedTemplateError as error:
            result.problems.append(InputProblem(_display(path), "; ".join(error.problems)))
        except (AssemblyError, _assembly.TemplateLoadError) as error:  # looked up on errors only
            if explicit or not isinstance(error, _assembly.NotATemplateError):
                result.problems.append(InputProblem(_display(Path(error.path)), error.reason))
    sources = [source for read in inputs for source in read.sources]
    result.templates = [s.template for s in sources]
    by_name = {s.template.name: s for s in sources}
    for read in inputs:
        run = run_checks(
            [s.input for s in read.sources],
            read.acks,
            options=options,
            rules=rules,
            report=_evaluate(read.sources, rules, options),
        )
        accepted = {id(violation): reason for violation, reason in run.acknowledged}
        for violation in run.report.violations:
            source = by_name[violation.template]
            construct_path = source.construct_paths.get(violation.logical_id)
            reason = accepted.get(id(violation))
            result.findings.append(
                AuditFinding(
                    violation=violation,
                    template=violation.template,
                    file=source.template.file,
                    line=source.lines.get(violation.logical_id),
                    construct_path=construct_path,
                    resource_key=construct_path or violation.logical_id,
                    suppression=None if reason is None else Suppression("acknowledgement", reason),
                )
            )
        result.notices += [notice.message for notice in run.notices]
    if baseline is not None:
        result.findings = [
            dataclasses.replace(finding, suppression=Suppression("baseline", reason))
            if finding.suppression is None and (reason := baseline.reason(finding)) is not None
            else finding
            for finding in result.findings
        ]
        for entry in baseline.stale():
            result.notices.append(
                f"baseline entry {entry.rule} on {entry.resource} in {entry.template} matches no "
                "finding any more: remove it from the baseline"
            )
    findings = result.by_template()
    for source in sources:
        _describe(source, findings.get(source.template.name, []), scorecard)
    return result


def _evaluate(sources: Sequence[_Source], rules: Sequence[Rule], options: CheckOptions) -> Report:
    """The engine over the sources' own indexes (what :func:`evaluate` does, indexing anew)."""
    violations: list[Violation] = []
    outcomes: Counter[Status] = Counter()
    failures: list[RuleFailure] = []
    for source in sources:
        violations += evaluate_template(
            source.index,
            rules,
            options,
            paths=source.input.paths,
            outcomes=outcomes,
            statuses=source.statuses,
            failures=failures,
        )
    resources = sum(len(s.index.resources) + len(s.index.inactive) for s in sources)
    return Report(tuple(violations), len(sources), resources, dict(outcomes), {}, tuple(failures))


def _describe(source: _Source, findings: list[AuditFinding], scorecard: bool) -> None:
    """The rules that applied, the functions and (for the HTML report) the scorecard."""
    template = source.template
    template.applied = {
        rule_id
        for (_, _, rule_id), status in source.statuses.items()
        if status is not Status.NOT_APPLICABLE
    }
    resources: dict[str, Any] = source.input.template.get("Resources") or {}
    template.functions = {
        lid: source.construct_paths.get(lid, lid)
        for lid, body in resources.items()
        if isinstance(body, dict) and body.get("Type") == FUNCTION
    }
    if scorecard:
        from best_lambda.report.html import scorecard_cells

        template.cells = scorecard_cells(source.index, source.statuses, findings)


# -- command line -----------------------------------------------------------------------------
def _option_docs() -> dict[str, str]:
    """The first sentence of each :class:`CheckOptions` parameter's documentation."""
    doc = CheckOptions.__doc__ or ""
    section = doc.split("Parameters\n    ----------\n", 1)[-1].split("\n\n    Examples", 1)[0]
    found: dict[str, str] = {}
    for match in re.finditer(r"^    (\w+)\n((?:        .*\n?)+)", section, re.M):
        text = " ".join(line.strip() for line in match[2].splitlines())
        found[match[1]] = text.replace("``", "").replace(" Tests pin it.", "")
    return found


def _add_check_options(parser: argparse.ArgumentParser) -> None:
    """One flag per :class:`CheckOptions` field, typed and documented from the dataclass."""
    docs = _option_docs()
    group = parser.add_argument_group("rule options (as for BestLambdaChecks)")
    for spec in dataclasses.fields(CheckOptions):
        flag = "--" + spec.name.replace("_", "-")
        default = (
            spec.default_factory()
            if spec.default_factory is not dataclasses.MISSING
            else spec.default
        )
        help_text = docs.get(spec.name, "").replace("%", "%%")
        if isinstance(default, bool):
            group.add_argument(flag, action="store_true", default=None, help=help_text)
        elif isinstance(default, _dt.date):
            group.add_argument(flag, type=_date, metavar="YYYY-MM-DD", help=help_text)
        else:
            group.add_argument(flag, type=type(default), metavar="N", help=help_text)


def _date(text: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _rule_list(values: Iterable[str] | None) -> list[str] | None:
    if values is None:
        return None
    return [item.strip() for value in values for item in value.split(",") if item.strip()]


def build_parser() -> argparse.ArgumentParser:
    """The ``best-lambda`` argument parser."""
    return _parsers()[0]


def _parsers() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The top-level parser and the ``audit`` one (its errors show its own usage)."""
    parser = argparse.ArgumentParser(
        prog="best-lambda",
        description="AWS Lambda best practices for CDK apps, CloudFormation and SAM.",
    )
    from best_lambda import __version__

    parser.add_argument("--version", action="version", version=f"best-lambda {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = commands.add_parser(
        "audit",
        help="check cdk.out folders, CloudFormation and SAM templates",
        description=textwrap.fill(
            "Check every Lambda function in the templates found under PATH: a cdk.out "
            "folder (every stack of every Stage, nested stacks included), a CloudFormation "
            "template (JSON or YAML), a SAM template (needs pip install 'best-lambda[sam]') "
            "or a folder searched recursively. Acknowledgements recorded in cdk.out are "
            "honoured; in template files, a resource (or the template) acknowledges with "
            f"Metadata: {{{ACK_METADATA_KEY}: {{acknowledge: {{<finding ID>: <reason>}}}}}}.",
            width=88,
        ),
        epilog=_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("paths", nargs="+", metavar="PATH", help="cdk.out folder, template or folder")
    run.add_argument(
        "-f",
        "--format",
        choices=tuple(FORMATS),
        default="text",
        help="report format (default: text)",
    )
    run.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE")
    run.add_argument(
        "--fail-level",
        choices=("error", "warning", "none"),
        default="error",
        help="exit 1 on open findings at or above this severity (default: error)",
    )
    run.add_argument(
        "--rules",
        action="append",
        metavar="ID[,ID...]",
        help="run only these rules (repeatable or comma-separated)",
    )
    run.add_argument(
        "--exclude-rules", action="append", metavar="ID[,ID...]", help="do not run these rules"
    )
    run.add_argument(
        "--baseline", metavar="FILE", help="accept the findings recorded in this baseline"
    )
    run.add_argument(
        "--write-baseline",
        metavar="FILE",
        help="write every open finding to FILE as the new baseline (then exit as if accepted)",
    )
    run.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in the text report (auto: only on a terminal, unless NO_COLOR is set)",
    )
    _add_check_options(run)
    return parser, run


def _fail(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.error(message)  # prints usage and exits with EXIT_USAGE (2)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser, audit_parser = _parsers()
    args = parser.parse_args(argv)
    try:
        rules = select_rules(_rule_list(args.rules), _rule_list(args.exclude_rules) or ())
    except ValueError as error:
        _fail(audit_parser, str(error))
    if not rules:
        _fail(audit_parser, "--rules and --exclude-rules leave no rule to run")
    try:
        options = check_options(
            **{spec.name: getattr(args, spec.name) for spec in dataclasses.fields(CheckOptions)}
        )
    except ValueError as error:
        _fail(audit_parser, str(error).replace("\n", " "))
    baseline = None
    if args.baseline:
        try:
            baseline = Baseline.load(args.baseline)
        except BaselineError as error:
            _fail(audit_parser, str(error))

    result = audit(
        args.paths,
        rules=rules,
        options=options,
        fail_level=args.fail_level,
        baseline=baseline,
        scorecard=args.format == "html",
    )
    if args.write_baseline:
        written = Baseline.write(
            args.write_baseline,
            [
                f
                for f in result.findings
                if f.suppression is None or f.suppression.kind == "baseline"
            ],
            previous=baseline,
        )
        result.findings = [
            f
            if f.suppression is not None
            else dataclasses.replace(f, suppression=Suppression("baseline", "new baseline"))
            for f in result.findings
        ]
        result.notices.append(f"wrote {written} findings to the baseline {args.write_baseline}")

    if args.format == "text":
        from best_lambda.report.text import render_text

        colour = args.color == "always" or (
            args.color == "auto"
            and not args.output
            and sys.stdout.isatty()
            and not os.environ.get("NO_COLOR")
        )
        text = render_text(result, colour=colour)
    else:
        text = FORMATS[args.format](result)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(result.summary())
    else:
        sys.stdout.write(text)
    for problem in result.problems:
        print(f"best-lambda: cannot check {problem.path}: {problem.reason}", file=sys.stderr)
    if args.format != "text" or args.output:
        for notice in result.notices:
            print(f"best-lambda: {notice}", file=sys.stderr)
    return result.exit_code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
