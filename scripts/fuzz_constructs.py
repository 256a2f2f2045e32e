"""Count what the constructs do with many random keyword-argument combinations.

Usage: ``python scripts/fuzz_constructs.py [--cases 1000] [--seed 1] [--legacy]``
(after ``source scripts/env.sh``).

Draws cases from the value pools of ``tests/constructs/fuzzing.py`` (the same the property
tests use) and classifies each outcome:

* ``built``: built, and its template has no error-level BestLambda finding;
* ``built-with-errors``: built, but BestLambda reports errors (a default or accepted value
  breaks a practice);
* ``refused``: one InvalidPropsError naming every invalid value;
* ``refused-without-naming``: an InvalidPropsError that misses an invalid value;
* ``accepted-invalid``: an invalid value was built without complaint;
* ``crash:<type>``: any other exception (a jsii traceback, a bug in our own checks).

``--legacy`` calls ``QueueConsumer`` with flat function keyword arguments (its shape before
``function_options``), to measure an older checkout with the same pools.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--legacy", action="store_true")
    args = parser.parse_args()

    import aws_cdk as cdk

    from best_lambda import HardenedFunction, InvalidPropsError, QueueConsumer

    try:  # constructs a checkout may not have yet
        from best_lambda import (
            ApiFunction,
            BucketProcessor,
            EventRuleHandler,
            ScheduledFunction,
            StreamConsumer,
            TopicSubscriber,
        )
    except ImportError:
        ApiFunction = StreamConsumer = None
        BucketProcessor = EventRuleHandler = ScheduledFunction = TopicSubscriber = None
    from best_lambda.constructs._trigger import ASYNC_OPTIONS
    from best_lambda.rules.engine import evaluate
    from best_lambda.testing import template_of
    from tests.constructs.fuzzing import (
        API_POOLS,
        BUCKET_POOLS,
        FUNCTION_POOLS,
        QUEUE_POOLS,
        REQUIRED,
        RULE_POOLS,
        SCHEDULE_POOLS,
        STREAM_POOLS,
        TOPIC_POOLS,
        draw_case,
        invalid_props,
        realize,
    )

    consumer_pools = {k: v for k, v in FUNCTION_POOLS.items() if k not in ASYNC_OPTIONS}

    def function(stack: Any, kwargs: dict[str, Any]) -> None:
        kwargs.setdefault("code", FUNCTION_POOLS["code"][0][0](stack))
        kwargs.setdefault("handler", "index.handler")
        HardenedFunction(stack, "Fn", **kwargs)

    def trigger(construct: Any, function_pools: dict[str, Any] = consumer_pools) -> Any:
        def build(stack: Any, kwargs: dict[str, Any]) -> None:
            options = {k: kwargs.pop(k) for k in list(kwargs) if k in function_pools}
            options.setdefault("code", FUNCTION_POOLS["code"][0][0](stack))
            options.setdefault("handler", "index.handler")
            for name, recipe in REQUIRED.get(construct.__name__, {}).items():
                kwargs.setdefault(name, recipe(stack))
            if args.legacy:
                construct(stack, "Trigger", **options, **kwargs)
            else:
                construct(stack, "Trigger", function_options=options, **kwargs)

        return build

    rng = random.Random(args.seed)
    targets = [
        ("HardenedFunction", function, FUNCTION_POOLS),
        ("QueueConsumer", trigger(QueueConsumer), {**QUEUE_POOLS, **consumer_pools}),
    ]
    if StreamConsumer is not None and ApiFunction is not None:
        targets += [
            ("StreamConsumer", trigger(StreamConsumer), {**STREAM_POOLS, **consumer_pools}),
            ("ApiFunction", trigger(ApiFunction), {**API_POOLS, **consumer_pools}),
        ]
    if TopicSubscriber is not None:
        for name, construct, pools in (
            ("TopicSubscriber", TopicSubscriber, TOPIC_POOLS),
            ("EventRuleHandler", EventRuleHandler, RULE_POOLS),
            ("ScheduledFunction", ScheduledFunction, SCHEDULE_POOLS),
            ("BucketProcessor", BucketProcessor, BUCKET_POOLS),
        ):
            functions = {k: v for k, v in FUNCTION_POOLS.items() if k not in pools}
            targets.append((name, trigger(construct, functions), {**pools, **functions}))
    for name, build, pools in targets:
        counts: collections.Counter[str] = collections.Counter()
        for _ in range(args.cases):
            case = draw_case(rng.choice, pools, size=rng.randint(0, 4))
            app = cdk.App(builtin_cloud_formation_validation=False)
            stack = cdk.Stack(app, "Fuzz")
            try:
                build(stack, realize(case, stack, pools))
            except InvalidPropsError as error:
                named = " ".join(p.prop for p in error.problems)
                missing = [prop for prop in invalid_props(case) if prop not in named]
                counts["refused-without-naming" if missing else "refused"] += 1
                continue
            except Exception as error:  # what we are looking for
                counts[f"crash:{type(error).__name__}"] += 1
                continue
            if not case.valid:
                counts["accepted-invalid"] += 1
                continue
            try:
                report = evaluate([template_of(stack)])
            except Exception as error:
                counts[f"crash-at-synth:{type(error).__name__}"] += 1
                continue
            counts["built-with-errors" if report.errors else "built"] += 1
        print(f"{name} ({args.cases} cases, seed {args.seed}):")
        for outcome, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            print(f"  {outcome:<28}{count:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
