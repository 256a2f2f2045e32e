"""Print a short summary of a synthesized cloud assembly: stacks, checks and findings.

Usage: python scripts/synth_summary.py cdk.out [--seconds N] [--status N]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path
from typing import Any

CHECKS_METADATA = "best-lambda:checks"
ACK_METADATA = "aws:cdk:acknowledged-rules"


def _stacks(assembly: Path) -> list[tuple[str, Path, dict[str, Any]]]:
    """(display name, template path, metadata) for every stack, nested assemblies included."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    found = []
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        kind = artifact.get("type")
        if kind == "aws:cloudformation:stack":
            metadata = dict(artifact.get("metadata", {}))
            extra = artifact.get("additionalMetadataFile")
            if extra and (assembly / extra).exists():
                metadata.update(json.loads((assembly / extra).read_text()))
            name = artifact.get("displayName", artifact_id)
            found.append((name, assembly / artifact["properties"]["templateFile"], metadata))
        elif kind == "cdk:cloud-assembly":
            found += _stacks(assembly / artifact["properties"]["directoryName"])
    return found


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
    if not (args.assembly / "manifest.json").exists():
        print(f"No cloud assembly in {args.assembly}: synthesis failed before writing one.")
        return 1
    checks: list[str] = []
    acknowledged = 0
    stacks = _stacks(args.assembly)
    print(f"Stacks ({len(stacks)}):")
    for name, template_path, metadata in stacks:
        resources = json.loads(template_path.read_text()).get("Resources", {})
        types = Counter(r.get("Type") for r in resources.values())
        print(
            f"  {name}: {len(resources)} resources, "
            f"{types['AWS::Lambda::Function']} Lambda functions, "
            f"{types['AWS::CloudWatch::Alarm']} alarms, "
            f"{types['AWS::SQS::Queue']} queues"
        )
        for entries in metadata.values():
            for entry in entries:
                if entry.get("type") == CHECKS_METADATA:
                    checks += [c for c in entry["data"] if c not in checks]
                elif entry.get("type") == ACK_METADATA:
                    acknowledged += len(entry.get("data", {}))
    strict = _strict_cfn_validation(Path("cdk.json"))
    print(f"Checks: CloudFormation validation ({strict})" + "".join(f", {c}" for c in checks))
    report_path = args.assembly / "validation-report.json"
    violations: Counter[str] = Counter()
    if report_path.exists():
        report = json.loads(report_path.read_text())
        for plugin in report.get("pluginReports", []):
            for violation in plugin.get("violations", []):
                violations[violation.get("severity", "error")] += (
                    len(violation.get("violatingConstructs", [])) or 1
                )
    if violations:
        parts = ", ".join(f"{n} {severity}(s)" for severity, n in sorted(violations.items()))
        print(f"Findings: {parts}; full report: {report_path}")
    else:
        print("Findings: none")
    print(f"Acknowledged findings (each with a written reason): {acknowledged}")
    took = f" in {args.seconds} s" if args.seconds is not None else ""
    print(f"Result: {'OK' if args.status == 0 else 'FAILED'}{took}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
