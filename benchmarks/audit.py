"""What ``best-lambda audit`` costs, whole process included: start-up, reading, the engine.

Usage: ``python benchmarks/audit.py [--repeat 5]`` (after ``bash scripts/setup.sh``).

Inputs:

* a cloud assembly written by this script (no CDK needed, so it is the same on every run):
  20 stacks, 5,000 resources — per unit a function, its role and policy, a queue, its DLQ,
  an SQS event source, a log group and an Errors alarm, shaped and named like CDK's output,
  with the manifest and metadata files CDK writes (construct paths, acknowledgements);
* the ten real templates in ``tests/data/realapps/original`` (YAML, JSON, SAM).

Each run is a fresh ``python -m best_lambda.cli audit ... --format json`` process (median of
``--repeat``). Start-up is the same process doing nothing (``--version``); the engine is
measured in-process on the parsed templates. Targets (issue 13): the engine under 1 s for
5,000 resources; start-up under 0.5 s. Printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STACKS = 20
UNITS_PER_STACK = 31  # x 8 resources = 248 per stack, 4,960 + 2 bootstrap each = 5,000


def _unit(i: int) -> dict[str, dict]:
    fn, role, policy = f"Fn{i}A1B2C3D4", f"Fn{i}ServiceRoleE5F6", f"Fn{i}ServiceRoleDefaultPolicy"
    queue, dlq, logs = f"Queue{i}4A7E3555", f"Dlq{i}09C94D08", f"Fn{i}LogGroup"
    return {
        role: {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Action": "sts:AssumeRole",
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                        }
                    ],
                    "Version": "2012-10-17",
                }
            },
        },
        policy: {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyDocument": {
                    "Statement": [
                        {
                            "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                            "Effect": "Allow",
                            "Resource": "*",
                        },
                        {
                            "Action": [
                                "sqs:ChangeMessageVisibility",
                                "sqs:DeleteMessage",
                                "sqs:GetQueueAttributes",
                                "sqs:GetQueueUrl",
                                "sqs:ReceiveMessage",
                            ],
                            "Effect": "Allow",
                            "Resource": {"Fn::GetAtt": [queue, "Arn"]},
                        },
                    ],
                    "Version": "2012-10-17",
                },
                "PolicyName": policy,
                "Roles": [{"Ref": role}],
            },
        },
        logs: {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 30}},
        fn: {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Architectures": ["arm64"],
                "Code": {"ZipFile": "def handler(event, context):\n    return {}\n"},
                "Handler": "index.handler",
                "LoggingConfig": {"LogFormat": "JSON", "LogGroup": {"Ref": logs}},
                "MemorySize": 512,
                "Role": {"Fn::GetAtt": [role, "Arn"]},
                "Runtime": "python3.14",
                "Timeout": 30,
                "TracingConfig": {"Mode": "Active"},
            },
            "DependsOn": [policy, role],
        },
        dlq: {"Type": "AWS::SQS::Queue"},
        queue: {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]},
                    "maxReceiveCount": 5,
                },
                "VisibilityTimeout": 180,
            },
        },
        f"Fn{i}SqsEventSource": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": {"Fn::GetAtt": [queue, "Arn"]},
                "FunctionName": {"Ref": fn},
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
            },
        },
        f"Errors{i}": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "Dimensions": [{"Name": "FunctionName", "Value": {"Ref": fn}}],
                "EvaluationPeriods": 1,
                "MetricName": "Errors",
                "Namespace": "AWS/Lambda",
                "Period": 300,
                "Statistic": "Sum",
                "Threshold": 1,
            },
        },
    }


def write_assembly(folder: Path) -> int:
    """Write a 20-stack cloud assembly; return its number of resources."""
    folder.mkdir(parents=True, exist_ok=True)
    artifacts: dict[str, dict] = {}
    total = 0
    for s in range(STACKS):
        name = f"Stack{s}"
        resources: dict[str, dict] = {
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Properties": {"Analytics": "v2"}},
            "Marker": {"Type": "AWS::SQS::Queue"},
        }
        for u in range(UNITS_PER_STACK):
            resources.update(_unit(s * UNITS_PER_STACK + u))
        total += len(resources)
        (folder / f"{name}.template.json").write_text(json.dumps({"Resources": resources}))
        metadata: dict[str, list[dict]] = {
            f"/{name}": [
                {"type": "aws:cdk:templateFile", "data": f"{name}.template.json"},
                {
                    "type": "aws:cdk:acknowledged-rules",
                    "data": {"BestLambda::BestLambda-ErrorAlarm": "benchmark"},
                },
            ]
        }
        for logical_id in resources:
            metadata[f"/{name}/{logical_id}/Resource"] = [
                {"type": "aws:cdk:logicalId", "data": logical_id}
            ]
        (folder / f"{name}.metadata.json").write_text(json.dumps(metadata))
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "properties": {"templateFile": f"{name}.template.json"},
            "additionalMetadataFile": f"{name}.metadata.json",
            "displayName": name,
        }
    manifest = {"version": "55.0.0", "artifacts": artifacts}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return total


def run(args: list[str], repeat: int) -> float:
    """Median wall time of ``repeat`` fresh ``best-lambda`` processes."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "best_lambda.cli", *args],
            check=False,
            capture_output=True,
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def engine_seconds(folder: Path, repeat: int) -> tuple[float, float]:
    """(read the assembly, evaluate every rule) in this process, medians."""
    from best_lambda.assembly import read_assembly
    from best_lambda.rules.engine import evaluate

    reads, evals = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        assembly = read_assembly(folder)
        read = time.perf_counter()
        evaluate(assembly.templates(), record=True)
        reads.append(read - started)
        evals.append(time.perf_counter() - read)
    return statistics.median(reads), statistics.median(evals)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    realapps = sorted(p for p in (ROOT / "tests/data/realapps/original").rglob("*") if p.is_file())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "cdk.out"
        resources = write_assembly(folder)
        startup = run(["--version"], args.repeat)
        big = run(
            ["audit", str(folder), "-f", "json", "-o", str(Path(tmp) / "r.json")], args.repeat
        )
        html = run(
            ["audit", str(folder), "-f", "html", "-o", str(Path(tmp) / "r.html")], args.repeat
        )
        real = run(
            ["audit", *map(str, realapps), "-f", "json", "-o", str(Path(tmp) / "s.json")],
            args.repeat,
        )
        read, engine = engine_seconds(folder, args.repeat)
    print(f"best-lambda audit, median of {args.repeat} fresh processes")
    print(
        f"  start-up (python -m best_lambda.cli --version)      {startup:6.2f} s   target < 0.50 s"
    )
    print(
        f"  cdk.out, {STACKS} stacks, {resources:,} resources, json      {big:6.2f} s   "
        f"start-up {startup / big:.0%} of it"
    )
    print(f"  the same, html (scorecard)                          {html:6.2f} s")
    print(
        f"    in-process: read the assembly {read:.2f} s, engine {engine:.2f} s   target < 1.00 s"
    )
    print(
        f"  {len(realapps)} real templates (YAML, JSON, SAM), json           {real:6.2f} s   "
        f"start-up {startup / real:.0%} of it"
    )
    met = startup < 0.5 and engine < 1.0
    print(f"Targets: {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    import _env  # noqa: F401  (scripts/env.sh: private jsii cache, no Node banner)

    raise SystemExit(main())
