"""What the checks cost at synthesis: the scaling table, measured in one run, against targets.

Usage: ``python benchmarks/synth.py [--repeat 3] [--units 50,200,1000] [--pythonpath DIR]``
(after ``bash scripts/setup.sh``). ``--pythonpath`` runs the apps with another checkout of
best_lambda first on the path (to compare with an older version in the same conditions).

Each measurement runs in a fresh Python process (jsii starts once per process, as in
``cdk synth``) and times building the app plus ``app.synth()``; the median of ``--repeat``
runs is used. A unit is one plain ``aws_lambda.Function`` + an SQS queue + its DLQ + an SQS
event source + an Errors alarm, written the way a careful aws-cdk-lib user writes it
(timeout, memory, arm64, tracing, JSON logs, partial batch responses): 9 resources, 50
units per stack (CloudFormation allows 500 resources per stack), so 1,000 units are 20
stacks. Modes: no checks; ``BestLambdaChecks`` (a cdk-nag 3 pack, pays cdk-nag's import);
``apply_checks`` (no cdk-nag); cdk-nag's ``AwsSolutionsChecks``; each with CDK's built-in
CloudFormation validation off (``App(builtin_cloud_formation_validation=False)``, the
floor a user can reach) and on (CDK's default).

Ratios are printed with the targets of issue 14, never asserted: timings depend on the
machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

UNITS_PER_STACK = 50
MODES = ("plain", "bestlambda", "apply_checks", "awssolutions")
LABELS = {
    "plain": "no checks",
    "bestlambda": "BestLambdaChecks",
    "apply_checks": "apply_checks",
    "awssolutions": "AwsSolutions",
}


def build_and_synth(mode: str, units: int, outdir: str, validation: bool) -> dict[str, float]:
    """Build one app in this process and synthesize it; return timings and counts."""
    started = time.perf_counter()
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch as cloudwatch
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_lambda_event_sources as event_sources
    from aws_cdk import aws_sqs as sqs

    imported = time.perf_counter()
    # aws-cdk-lib's recommended flag: plain functions get a log group with a retention.
    app = cdk.App(
        outdir=outdir,
        builtin_cloud_formation_validation=validation,
        context={"@aws-cdk/aws-lambda:useCdkManagedLogGroup": True},
    )
    stacks = [cdk.Stack(app, f"Stack{i}") for i in range((units - 1) // UNITS_PER_STACK + 1)]
    code = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
    for i in range(units):
        stack = stacks[i // UNITS_PER_STACK]
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
            runtime=lambda_.Runtime.PYTHON_3_14,
            timeout=cdk.Duration.seconds(30),
            memory_size=512,
            architecture=lambda_.Architecture.ARM_64,
            tracing=lambda_.Tracing.ACTIVE,
            logging_format=lambda_.LoggingFormat.JSON,
        )
        fn.add_event_source(event_sources.SqsEventSource(queue, report_batch_item_failures=True))
        cloudwatch.Alarm(
            stack, f"Errors{i}", metric=fn.metric_errors(), threshold=1, evaluation_periods=1
        )
    if mode == "bestlambda":
        from best_lambda import BestLambdaChecks

        cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    elif mode == "awssolutions":
        import cdk_nag

        cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    elif mode == "apply_checks":
        from best_lambda.aspects import apply_checks

        apply_checks(app)
    built = time.perf_counter()
    try:
        app.synth()
    except RuntimeError as error:  # findings fail synthesis; the time still counts
        if "ValidationFailed" not in str(error):
            raise
    done = time.perf_counter()
    resources = sum(
        len(json.loads(path.read_text()).get("Resources", {}))
        for path in Path(outdir).glob("*.template.json")
    )
    return {
        "import": imported - started,
        "build": built - imported,
        "synth": done - built,
        "total": done - started,
        "resources": resources,
    }


def measure(
    mode: str, units: int, validation: bool, repeat: int, pythonpath: str | None
) -> dict[str, float]:
    """Median timings of ``repeat`` fresh processes."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [pythonpath, env.get("PYTHONPATH")]))
    runs = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as outdir:
            output = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(units), outdir, str(validation)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--units", default="50,200,1000")
    parser.add_argument("--pythonpath", help="put this checkout of best_lambda first on the path")
    parser.add_argument("--child", nargs=4, metavar=("MODE", "UNITS", "OUTDIR", "VALIDATION"))
    args = parser.parse_args()
    if args.child:
        mode, units, outdir, validation = args.child
        print(json.dumps(build_and_synth(mode, int(units), outdir, validation == "True")))
        return 0

    sizes = [int(u) for u in args.units.split(",")]
    results: dict[tuple[str, int, bool], float] = {}
    print(f"Build + synth seconds, median of {args.repeat} fresh processes (import included)")
    header = f"{'units':>6} {'resources':>9} {'validation':>10}"
    print(header + "".join(f"{LABELS[m]:>18}" for m in MODES))
    for units in sizes:
        for validation in (False, True):
            cells, resources = [], 0
            for mode in MODES:
                run = measure(mode, units, validation, args.repeat, args.pythonpath)
                results[mode, units, validation] = run["total"]
                resources = int(run["resources"]) or resources
                base = results["plain", units, validation]
                ratio = "" if mode == "plain" else f" ({run['total'] / base:.2f}x)"
                cells.append(f"{run['total']:.2f}{ratio}")
            on = "on" if validation else "off"
            print(f"{units:>6} {resources:>9} {on:>10}" + "".join(f"{c:>18}" for c in cells))

    def ratio(mode: str, units: int, validation: bool, over: str = "plain") -> float:
        return results[mode, units, validation] / results[over, units, validation]

    top = max(sizes)
    targets = [
        (
            f"apply_checks / no checks, {top} units, validation off",
            ratio("apply_checks", top, False),
            1.20,
        ),
        (
            f"BestLambdaChecks / no checks, {top} units, validation off",
            ratio("bestlambda", top, False),
            1.30,
        ),
        (
            f"BestLambdaChecks / AwsSolutions, {top} units, validation off",
            ratio("bestlambda", top, False, "awssolutions"),
            1.00,
        ),
        (
            f"apply_checks / no checks, {top} units, validation on",
            ratio("apply_checks", top, True),
            1.10,
        ),
        (
            f"BestLambdaChecks / no checks, {top} units, validation on",
            ratio("bestlambda", top, True),
            1.10,
        ),
    ]
    print("\nTargets (issue 14):")
    for label, value, target in targets:
        verdict = "met" if value <= target else "NOT met"
        print(f"  {label:<62}{value:>6.2f}x  target <= {target:.2f}x: {verdict}")
    return 0


if __name__ == "__main__":
    import _env  # noqa: F401  (scripts/env.sh: private jsii cache, no Node banner)

    raise SystemExit(main())
