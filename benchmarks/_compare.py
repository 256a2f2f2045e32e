"""The harness of the construct-cost benchmarks: best-lambda against the same app by hand.

``construct_cost.py``, ``trigger_cost.py`` and ``trigger_cost_streams_apis.py`` each define
their units (a construct, and plain aws-cdk-lib code producing the *same template*) and a
table row; this module builds and synthesizes each app in a fresh Python process (jsii
starts once per process, as in ``cdk synth``), counts the jsii round trips, checks that the
normalized templates are identical and runs the command line. It also holds what the
hand-built units share: the acknowledgements, the alarms and the encrypted queue.

Templates are normalized with the pure normalizer (no aws-cdk-lib or jsii in the parent).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from _env import ROOT

HERE = Path(__file__).resolve().parent
STYLES = ("hand", "best-lambda")
CONTEXT = {"@aws-cdk/aws-lambda:useCdkManagedLogGroup": True}


# -- in the child process: build one app ----------------------------------------------------
def count_round_trips() -> list[int]:
    """Count every request Python sends to the jsii kernel process (callbacks included)."""
    from jsii._kernel.providers import process

    counter = [0]
    original = process._NodeProcess.send

    def send(self: Any, request: Any, response_type: Any) -> Any:
        counter[0] += 1
        return original(self, request, response_type)

    process._NodeProcess.send = send  # type: ignore[method-assign]
    return counter


@dataclass
class Setup:
    """What the units of one app share: stacks, the inline code, each stack's alarm action."""

    stacks: list[Any]
    code: Any
    actions: list[Any]
    per_stack: int
    units: int
    #: What ``measure(per_stack_setup=...)`` made for each stack (an HTTP API, say).
    extras: list[Any] = field(default_factory=list)

    def stack(self, unit: int) -> Any:
        return self.stacks[unit // self.per_stack]

    def action(self, unit: int) -> Any:
        return self.actions[unit // self.per_stack]

    def extra(self, unit: int) -> Any:
        return self.extras[unit // self.per_stack]


def measure(
    style: str,
    units: int,
    per_stack: int,
    outdir: str,
    add_units: Callable[[Setup], None],
    *,
    per_stack_setup: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """Build an app of ``units`` units in this process and synthesize it: timings, calls.

    Every stack has an SNS topic its alarms notify (through ``AlarmDefaults`` for
    best-lambda), as in a real app.
    """
    counter = count_round_trips()
    started = time.perf_counter()
    import aws_cdk as cdk
    from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
    from aws_cdk import aws_lambda as lambda_
    from aws_cdk import aws_sns as sns

    imported = time.perf_counter()
    calls_at_import = counter[0]
    app = cdk.App(outdir=outdir, builtin_cloud_formation_validation=False, context=CONTEXT)
    stacks = [cdk.Stack(app, f"Stack{i}") for i in range((units - 1) // per_stack + 1)]
    code = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
    setup = Setup(stacks, code, [], per_stack, units)
    for stack in stacks:
        topic = sns.Topic(stack, "Alarms")
        setup.actions.append(cloudwatch_actions.SnsAction(topic))
        if per_stack_setup is not None:
            setup.extras.append(per_stack_setup(stack))
        if style == "best-lambda":
            from best_lambda import AlarmDefaults

            AlarmDefaults.of(stack).notify(topic)
    before_units = counter[0]
    add_units(setup)
    unit_calls = counter[0] - before_units
    built = time.perf_counter()
    before_synth = counter[0]
    app.synth()
    done = time.perf_counter()
    return {
        "import": imported - started,
        "build": built - imported,
        "synth": done - built,
        "total": done - imported,
        "calls_per_unit": unit_calls / units,
        "synth_calls_per_unit": (counter[0] - before_synth) / units,
        "calls_at_import": calls_at_import,
    }


def acknowledge(construct: Any, *rule_ids: str) -> None:
    """Acknowledge ``rule_ids`` on ``construct`` with the reasons best-lambda gives."""
    import aws_cdk as cdk

    from best_lambda.constructs._shared import ACK_REASONS

    for rule_id in rule_ids:
        cdk.Validations.of(construct).acknowledge(
            cdk.Acknowledgment(id=rule_id, reason=ACK_REASONS[rule_id])
        )


def alarm(
    scope: Any,
    name: str,
    metric: Any,
    description: str,
    action: Any,
    threshold: float = 1,
    *,
    path: str | None = None,
) -> None:
    """``<name>Alarm`` on ``scope``, as the constructs' alarms: at or above ``threshold`` in
    one period, the description after the construct path (``path``, else the scope's: pass
    it when making several alarms, the hand-built code asks jsii for it once)."""
    from aws_cdk import aws_cloudwatch as cloudwatch

    created = cloudwatch.Alarm(
        scope,
        f"{name}Alarm",
        metric=metric,
        threshold=threshold,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        alarm_description=f"{path or scope.node.path}: {description}",
    )
    if action is not None:
        created.add_alarm_action(action)


def queue_depth(queue: Any, period: Any = None) -> Any:
    """The queue's visible messages, maximum over ``period`` (5 minutes): what dead-letter
    alarms watch."""
    import aws_cdk as cdk

    return queue.metric_approximate_number_of_messages_visible(
        period=period or cdk.Duration.minutes(5), statistic="Maximum"
    )


def encrypted_queue(
    scope: Any,
    construct_id: str,
    *,
    days: int = 14,
    acknowledged: Iterable[str] = ("Serverless-SQSRedrivePolicy", "AwsSolutions-SQS3"),
    **props: Any,
) -> Any:
    """An SSL-only, SQS-encrypted queue keeping messages ``days`` days (a dead-letter or
    on-failure queue by default, acknowledged as the constructs do)."""
    import aws_cdk as cdk
    from aws_cdk import aws_sqs as sqs

    queue = sqs.Queue(
        scope,
        construct_id,
        enforce_ssl=True,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        retention_period=cdk.Duration.days(days),
        **props,
    )
    acknowledge(queue, *acknowledged)
    return queue


# -- in the parent: run, compare, print -----------------------------------------------------
def run(module: str, kind: str, style: str, units: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """Measure one app in a fresh process; return its timings and its normalized templates."""
    from best_lambda.testing._normalize import normalize_template

    with tempfile.TemporaryDirectory() as outdir:
        script = (
            f"import json, sys; sys.path[:0] = [{str(ROOT)!r}, {str(HERE)!r}]; "
            f"from {module} import build; "
            f"print(json.dumps(build({kind!r}, {style!r}, {units}, {outdir!r})))"
        )
        out = subprocess.run(
            [sys.executable, "-c", script], check=False, capture_output=True, text=True, cwd=ROOT
        )
        if out.returncode:
            raise SystemExit(f"{kind}/{style} failed:\n{out.stderr[-3000:]}")
        timings = json.loads(out.stdout.strip().splitlines()[-1])
        templates = {
            path.name: normalize_template(json.loads(path.read_text()))
            for path in sorted(Path(outdir).glob("*.template.json"))
        }
    return timings, templates


@dataclass
class Comparison:
    """Every run of one kind, both styles, and the templates of the last run of each."""

    runs: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)

    def median(self, style: str, key: str = "total") -> float:
        return statistics.median(r[key] for r in self.runs[style])

    def last(self, style: str, key: str) -> float:
        value: float = self.runs[style][-1][key]
        return value

    @property
    def same(self) -> bool:
        return self.templates["hand"] == self.templates["best-lambda"]

    def explain(self) -> None:
        """Print the first resource whose templates differ (nothing when they are the same)."""
        hand, best = self.templates["hand"], self.templates["best-lambda"]
        for name in sorted(set(hand) | set(best)):
            a, b = hand.get(name, {}), best.get(name, {})
            for logical_id in sorted(set(a.get("Resources", {})) | set(b.get("Resources", {}))):
                ra = a.get("Resources", {}).get(logical_id)
                rb = b.get("Resources", {}).get(logical_id)
                if ra != rb:
                    print(f"    {name} {logical_id}:")
                    print(f"      hand: {json.dumps(ra)[:300]}")
                    print(f"      best: {json.dumps(rb)[:300]}")
                    return


def compare(module: str, kind: str, units: int, repeat: int) -> Comparison:
    """``repeat`` rounds of the hand-built app and the best-lambda one."""
    result = Comparison({style: [] for style in STYLES})
    for _ in range(repeat):
        for style in STYLES:
            timings, result.templates[style] = run(module, kind, style, units)
            result.runs[style].append(timings)
    return result


def main(
    module: str,
    doc: str,
    *,
    units: int,
    kinds: Iterable[str],
    header: str,
    row: Callable[[str, Comparison], str],
    intro: str = "units",
) -> int:
    """The command line of a construct-cost benchmark: one table row per kind."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--units", type=int, default=units)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--kinds", nargs="*", default=list(kinds))
    args = parser.parse_args()
    print(f"{args.units} {intro}, median of {args.repeat} runs, validation off\n")
    print(header)
    for kind in args.kinds:
        comparison = compare(module, kind, args.units, args.repeat)
        print(row(kind, comparison) + ("" if comparison.same else "  TEMPLATES DIFFER"))
        if not comparison.same:
            comparison.explain()
    return 0
