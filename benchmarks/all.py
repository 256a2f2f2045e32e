"""Every performance figure of the README, in one run (issue 14's report).

Usage: ``python benchmarks/all.py [--quick]`` (after ``bash scripts/setup.sh``; several
minutes on 2 cores; ``--quick`` runs each part once, with fewer units).

Runs, one after the other on the same machine state:

1. ``synth.py`` — the scaling table (50 / 200 / 1,000 units, validation off and on) for no
   checks, ``BestLambdaChecks``, ``apply_checks`` and AwsSolutions, against the targets;
2. ``engine_scaling.py`` — the rule engine's cost per resource from N=100 to N=1,600 on the
   cross-resource patterns (shared role granting on N queues, N schedules, N subscriptions,
   N rule targets, N bucket notifications);
3. ``construct_cost.py`` — HardenedFunction and QueueConsumer against the same resources
   written by hand (identical templates), with jsii round trips per unit.

Each part prints its own table; ratios are never asserted (they depend on the machine).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    parts = [
        ("synth.py", ["--repeat", "1", "--units", "50,200"] if args.quick else ["--repeat", "3"]),
        ("engine_scaling.py", []),
        ("construct_cost.py", ["--repeat", "1", "--units", "50"] if args.quick else []),
    ]
    started = time.perf_counter()
    failed = 0
    for script, extra in parts:
        print(f"\n=== benchmarks/{script} {' '.join(extra)}".rstrip(), flush=True)
        done = subprocess.run([sys.executable, str(HERE / script), *extra], check=False)
        failed += done.returncode != 0
    print(f"\n=== all parts done in {time.perf_counter() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    import _env  # noqa: F401  (scripts/env.sh: private jsii cache, no Node banner)

    sys.exit(main())
