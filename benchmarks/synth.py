"""Synthesis cost of the checks, printed as ratios measured in one run.

Usage: ``python benchmarks/synth.py [--repeat 3]`` (after ``bash scripts/setup.sh``).

Each measurement runs in a fresh Python process (jsii starts once per process, as in
``cdk synth``) and times building the app plus ``app.synth()``; the median of ``--repeat``
runs is used. A unit is one plain ``aws_lambda.Function`` + an SQS queue + its DLQ + an SQS
event source + an alarm (9 resources); 50 units per stack, so 200 units make 4 stacks
(CloudFormation allows 500 resources per stack). The QueueConsumer app builds the same
200 workers with best-lambda (more resources per unit: alarms, log group, policies).

Ratios are printed, never asserted: timings depend on the machine.
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

UNITS_PER_STACK = 50


def build_and_synth(mode: str, units: int, outdir: str) -> dict[str, float]:
    """Build one app in this process and synthesize it; return timings and counts."""
    started = time.perf_counter()
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_lambda_event_sources as event_sources
    from aws_cdk import aws_sqs as sqs

    imported = time.perf_counter()
    validation = mode.endswith("+cfn")
    mode = mode.removesuffix("+cfn")
    app = cdk.App(outdir=outdir, builtin_cloud_formation_validation=validation)
    stacks = [cdk.Stack(app, f"Stack{i}") for i in range((units - 1) // UNITS_PER_STACK + 1)]
    code = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
    for i in range(units):
        stack = stacks[i // UNITS_PER_STACK]
        if mode == "consumers":
            from best_lambda import QueueConsumer

            QueueConsumer(
                stack,
                f"Worker{i}",
                code=code,
                handler="index.handler",
                timeout=cdk.Duration.seconds(30),
            )
            continue
        dlq = sqs.Queue(stack, f"Dlq{i}")
        queue = sqs.Queue(
            stack,
            f"Queue{i}",
            visibility_timeout=cdk.Duration.seconds(180),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
        )
        fn = lambda_.Function(
            stack,
            f"Fn{i}",
            code=code,
            handler="index.handler",
            runtime=lambda_.Runtime.PYTHON_3_13,
            timeout=cdk.Duration.seconds(30),
        )
        fn.add_event_source(event_sources.SqsEventSource(queue))
        cloudwatch.Alarm(
            stack, f"Errors{i}", metric=fn.metric_errors(), threshold=1, evaluation_periods=1
        )
    if mode == "bestlambda":
        from best_lambda import BestLambdaChecks

        cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    elif mode == "awssolutions":
        import cdk_nag

        cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    elif mode == "aspect":
        from best_lambda.aspects import apply_checks

        apply_checks(app)
    built = time.perf_counter()
    try:
        assembly = app.synth()
    except RuntimeError as error:  # findings fail synthesis; the time still counts
        if "ValidationFailed" not in str(error):
            raise
        assembly = None
    done = time.perf_counter()
    resources = 0
    if assembly is not None:
        resources = sum(len(s.template.get("Resources", {})) for s in assembly.stacks)
    else:
        for path in Path(outdir).glob("*.template.json"):
            resources += len(json.loads(path.read_text()).get("Resources", {}))
    return {
        "import": imported - started,
        "build": built - imported,
        "synth": done - built,
        "total": done - imported,
        "resources": resources,
    }


def measure(mode: str, units: int, repeat: int) -> dict[str, float]:
    """Median timings of ``repeat`` fresh processes."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as outdir:
            output = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(units), outdir],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3, metavar=("MODE", "UNITS", "OUTDIR"))
    args = parser.parse_args()
    if args.child:
        mode, units, outdir = args.child
        print(json.dumps(build_and_synth(mode, int(units), outdir)))
        return 0

    plan = [
        (mode, units)
        for units in (50, 200)
        for mode in ("plain", "bestlambda", "awssolutions", "aspect")
    ]
    plan += [("plain+cfn", 200), ("bestlambda+cfn", 200), ("consumers", 200)]
    results = {}
    print(f"{'mode':<16}{'units':>6}{'resources':>11}{'build s':>9}{'synth s':>9}{'total s':>9}")
    for mode, units in plan:
        result = results[mode, units] = measure(mode, units, args.repeat)
        print(
            f"{mode:<16}{units:>6}{int(result['resources']):>11}{result['build']:>9.2f}"
            f"{result['synth']:>9.2f}{result['total']:>9.2f}"
        )

    def ratio(a: tuple[str, int], b: tuple[str, int]) -> float:
        return results[a]["total"] / results[b]["total"]

    def line(label: str, value: float, note: str = "") -> None:
        print(f"  {label:<48}{value:>6.2f}x{note}")

    print(
        f"\nRatios (build + synth, median of {args.repeat} runs; CDK's built-in "
        "CloudFormation validation off unless marked 'CDK defaults'):"
    )
    for units in (50, 200):
        line(
            f"{units} units: BestLambdaChecks / plain",
            ratio(("bestlambda", units), ("plain", units)),
        )
        line(
            f"{units} units: AwsSolutionsChecks / plain",
            ratio(("awssolutions", units), ("plain", units)),
        )
        line(f"{units} units: enforcing Aspect / plain", ratio(("aspect", units), ("plain", units)))
    line(
        "200 units, CDK defaults: BestLambdaChecks / plain",
        ratio(("bestlambda+cfn", 200), ("plain+cfn", 200)),
    )
    for mode in ("plain", "bestlambda", "awssolutions", "aspect"):
        line(
            f"{mode}: 200 units / 50 units",
            ratio((mode, 200), (mode, 50)),
            "  (4.00x would be linear)",
        )
    consumers, plain = results["consumers", 200], results["plain", 200]
    line("200 QueueConsumers / 200 plain units", ratio(("consumers", 200), ("plain", 200)))
    per_consumer = consumers["total"] / consumers["resources"] * 1000
    per_plain = plain["total"] / plain["resources"] * 1000
    line(
        "  the same, per resource",
        per_consumer / per_plain,
        f"  ({per_consumer:.2f} vs {per_plain:.2f} ms; "
        f"{consumers['resources']:.0f} vs {plain['resources']:.0f} resources)",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
