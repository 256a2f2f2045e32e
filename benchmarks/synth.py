"""Synthesis cost of the checks, printed as ratios measured in one run.

Usage: ``python benchmarks/synth.py [--repeat 3]`` (after ``bash scripts/setup.sh``).

Each measurement runs in a fresh Python process (jsii starts once per process, as in
``cdk synth``) and times building the app plus ``app.synth()``; the median of ``--repeat``
runs is used. A unit is one plain ``aws_lambda.Function`` + an SQS queue + its DLQ + an SQS
event source + an Errors alarm, written the way a careful aws-cdk-lib user writes it
(timeout, memory, arm64, tracing, JSON logs, partial batch responses); 50 units per stack,
so 200 units make 4 stacks (CloudFormation allows 500 resources per stack). ``bare`` units
leave all that out, so every check has many findings to report. The QueueConsumer app
builds 200 workers with best-lambda (more resources per unit: alarms, log group, policies;
25 per stack).

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

UNITS_PER_STACK = {"careful": 50, "bare": 50, "consumers": 25}


def build_and_synth(mode: str, units: int, outdir: str, style: str) -> dict[str, float]:
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
    # aws-cdk-lib's recommended flag: plain functions get a log group with a retention.
    app = cdk.App(
        outdir=outdir,
        builtin_cloud_formation_validation=validation,
        context={"@aws-cdk/aws-lambda:useCdkManagedLogGroup": True},
    )
    per_stack = UNITS_PER_STACK["consumers" if mode == "consumers" else style]
    stacks = [cdk.Stack(app, f"Stack{i}") for i in range((units - 1) // per_stack + 1)]
    code = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
    for i in range(units):
        stack = stacks[i // per_stack]
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
        careful: dict[str, object] = {}
        if style == "careful":
            careful = {
                "memory_size": 512,
                "architecture": lambda_.Architecture.ARM_64,
                "tracing": lambda_.Tracing.ACTIVE,
                "logging_format": lambda_.LoggingFormat.JSON,
            }
        fn = lambda_.Function(
            stack,
            f"Fn{i}",
            code=code,
            handler="index.handler",
            runtime=lambda_.Runtime.PYTHON_3_14,
            timeout=cdk.Duration.seconds(30),
            **careful,  # type: ignore[arg-type]
        )
        fn.add_event_source(
            event_sources.SqsEventSource(queue, report_batch_item_failures=style == "careful")
        )
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


def measure(mode: str, units: int, repeat: int, style: str) -> dict[str, float]:
    """Median timings of ``repeat`` fresh processes."""
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as outdir:
            output = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(units), outdir, style],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=4, metavar=("MODE", "UNITS", "OUTDIR", "STYLE"))
    args = parser.parse_args()
    if args.child:
        mode, units, outdir, style = args.child
        print(json.dumps(build_and_synth(mode, int(units), outdir, style)))
        return 0

    plan = [
        (mode, units, "careful")
        for units in (50, 200)
        for mode in ("plain", "bestlambda", "awssolutions", "aspect")
    ]
    plan += [
        ("plain+cfn", 200, "careful"),
        ("bestlambda+cfn", 200, "careful"),
        ("plain", 200, "bare"),
        ("bestlambda", 200, "bare"),
        ("awssolutions", 200, "bare"),
        ("consumers", 200, "careful"),
    ]
    raw: dict[tuple[str, int, str], dict[str, float]] = {}
    print(
        f"{'mode':<16}{'style':<9}{'units':>6}{'resources':>11}{'build s':>9}{'synth s':>9}"
        f"{'total s':>9}"
    )
    for mode, units, style in plan:
        result = raw[mode, units, style] = measure(mode, units, args.repeat, style)
        print(
            f"{mode:<16}{style:<9}{units:>6}{int(result['resources']):>11}"
            f"{result['build']:>9.2f}{result['synth']:>9.2f}{result['total']:>9.2f}"
        )
    results = {(m, u): r for (m, u, style), r in raw.items() if style == "careful"}

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
    bare = raw["plain", 200, "bare"]["total"]
    line("200 bare units: BestLambdaChecks / plain", raw["bestlambda", 200, "bare"]["total"] / bare)
    line(
        "200 bare units: AwsSolutionsChecks / plain",
        raw["awssolutions", 200, "bare"]["total"] / bare,
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
