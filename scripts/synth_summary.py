"""Print a short summary of a synthesized cloud assembly: stacks, checks, findings, acks.

Usage: python scripts/synth_summary.py cdk.out [--seconds N] [--status N]

The assembly is read with best_lambda.assembly (stacks of every Stage, nested stacks); the
findings come from the validation report CDK wrote; the acknowledgements, with their
reasons, from the stacks' metadata, so a reviewer sees what was accepted and why.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from best_lambda.assembly import AssemblyError, read_assembly

CHECKS_METADATA = "best-lambda:checks"


def _strict_cfn_validation(cdk_json: Path) -> str:
    try:
        context = json.loads(cdk_json.read_text()).get("context", {})
    except (OSError, ValueError):
        return "default"
    flag = context.get("@aws-cdk/core:validateAgainstDefaultRules") in (True, "true")
    return "errors fail" if flag else "warnings only"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("assembly", type=Path)
    parser.add_argument("--seconds", type=int, default=None)
    parser.add_argument("--status", type=int, default=0)
    args = parser.parse_args()

    print("\n== best-lambda synth summary ==")
    try:
        assembly = read_assembly(args.assembly)
    except AssemblyError as error:
        print(f"No readable cloud assembly: {error}. Synthesis failed before writing one.")
        return 1
    print(f"Stacks ({len(assembly.stacks)}):")
    for stack in assembly.stacks:
        resources = stack.template.get("Resources", {})
        types = Counter(r.get("Type") for r in resources.values())
        nested = " (nested)" if stack.nested else ""
        print(
            f"  {stack.name}{nested}: {len(resources)} resources, "
            f"{types['AWS::Lambda::Function']} Lambda functions, "
            f"{types['AWS::CloudWatch::Alarm']} alarms, "
            f"{types['AWS::SQS::Queue']} queues"
        )
    checks: list[str] = []
    for entries in assembly.metadata.values():
        for entry in entries:
            if entry.get("type") == CHECKS_METADATA:
                checks += [c for c in entry["data"] if c not in checks]
    strict = _strict_cfn_validation(Path("cdk.json"))
    print(f"Checks: CloudFormation validation ({strict})" + "".join(f", {c}" for c in checks))

    report_path = args.assembly / "validation-report.json"
    counts: Counter[tuple[str, str]] = Counter()
    if report_path.exists():
        report = json.loads(report_path.read_text())
        for plugin in report.get("pluginReports", []):
            for violation in plugin.get("violations", []):
                key = (plugin.get("pluginName", "?"), violation.get("severity", "error"))
                counts[key] += len(violation.get("violatingConstructs", [])) or 1
    if counts:
        parts = ", ".join(f"{plugin} {n} {sev}(s)" for (plugin, sev), n in sorted(counts.items()))
        print(f"Findings: {parts}; full report: {report_path}")
    else:
        print("Findings: none")

    # Acknowledgements, grouped by ID and reason (constructs apply the same one many times).
    grouped: dict[tuple[str, str], list[str]] = {}
    for ack in assembly.acknowledgements.entries:
        grouped.setdefault((ack.finding_id, ack.reason), []).append(ack.path)
    total = sum(len(paths) for paths in grouped.values())
    print(f"Acknowledged ({total}, each with its reason; App- and Stage-level ones not listed):")
    for (finding_id, reason), paths in sorted(grouped.items()):
        where = paths[0] + (f" and {len(paths) - 1} more" if len(paths) > 1 else "")
        print(f"  {finding_id} x{len(paths)} ({where}): {reason or '<no reason: refused>'}")
    took = f" in {args.seconds} s" if args.seconds is not None else ""
    print(f"Result: {'OK' if args.status == 0 else 'FAILED'}{took}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
