"""A bounded, seeded mutation fuzz of real templates for the rule engine.

Each case takes one of the real templates, picks one property somewhere under one
resource's ``Properties`` and deletes it, wraps it in ``Fn::If`` (with ``AWS::NoValue`` or
the old value on the other side), swaps it for another intrinsic (a parameter, an import,
an attribute, ``Fn::Sub``, ``Fn::Join``) or for a value of the wrong type. The engine must
then either read the template or refuse it as malformed with a clear message: no uncaught
exception, and no rule exception caught by the engine's safety net.

Used by ``tests/rules/test_fuzz.py`` (a few thousand cases, a few seconds) and runnable as
a script for larger counts::

    python -m tests.rules.fuzz 6000
"""

from __future__ import annotations

import copy
import json
import random
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from best_lambda.rules.engine import TemplateInput, evaluate
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import MalformedTemplateError

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent.parent / "shared" / "realapps"


def template_paths() -> list[Path]:
    """The real templates: the shared folder when present, else the repository's copies."""
    shared = sorted(SHARED.glob("*/*.translated.json")) if SHARED.is_dir() else []
    return shared or sorted((ROOT / "tests" / "data" / "realapps").glob("*.json"))


#: A condition and a parameter the mutations may refer to (added to every template).
CONDITION = "FuzzCondition"
PARAMETER = "FuzzParameter"

_WRONG_TYPES: tuple[Any, ...] = (42, -1, 0, 3.5, True, False, None, "", "x", [], {}, [1, "a"])


@dataclass(frozen=True)
class Case:
    """One mutation: where, what, and the mutated template."""

    template: str
    logical_id: str
    path: tuple[str | int, ...]
    mutation: str
    body: dict[str, Any]


def _paths(value: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*prefix, key)
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for position, item in enumerate(value):
            yield (*prefix, position)
            yield from _paths(item, (*prefix, position))


def _replacements(old: Any, resources: list[str], rng: random.Random) -> list[tuple[str, Any]]:
    other = rng.choice(resources)
    return [
        ("if-novalue", {"Fn::If": [CONDITION, old, {"Ref": "AWS::NoValue"}]}),
        ("if-novalue-first", {"Fn::If": [CONDITION, {"Ref": "AWS::NoValue"}, old]}),
        ("if-wrong", {"Fn::If": [CONDITION, old, rng.choice(_WRONG_TYPES)]}),
        ("if-same", {"Fn::If": [CONDITION, old, copy.deepcopy(old)]}),
        ("ref-parameter", {"Ref": PARAMETER}),
        ("ref-resource", {"Ref": other}),
        ("ref-pseudo", {"Ref": "AWS::Region"}),
        ("ref-missing", {"Ref": "NoSuchThing"}),
        ("getatt", {"Fn::GetAtt": [other, "Arn"]}),
        ("import", {"Fn::ImportValue": "exported-name"}),
        ("sub", {"Fn::Sub": "prefix-${AWS::StackName}-${" + other + "}"}),
        ("join", {"Fn::Join": ["", ["a", {"Ref": PARAMETER}]]}),
        ("select", {"Fn::Select": [0, {"Fn::GetAZs": ""}]}),
        ("novalue", {"Ref": "AWS::NoValue"}),
        ("wrong-type", rng.choice(_WRONG_TYPES)),
        ("wrap-list", [old]),
        ("bad-intrinsic", {"Fn::If": "not a list"}),
    ]


def cases(count: int, seed: int = 0) -> Iterator[Case]:
    """``count`` mutated templates, the same ones for the same seed."""
    rng = random.Random(seed)
    templates = [
        (p.parent.name if p.parent.name != "realapps" else p.stem, p) for p in template_paths()
    ]
    loaded = {name: json.loads(path.read_text()) for name, path in templates}
    names = sorted(loaded)
    for _ in range(count):
        name = rng.choice(names)
        body = copy.deepcopy(loaded[name])
        body.setdefault("Conditions", {})[CONDITION] = {
            "Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]
        }
        body.setdefault("Parameters", {})[PARAMETER] = {"Type": "String"}
        resources = sorted(body["Resources"])
        logical_id = rng.choice(resources)
        resource = body["Resources"][logical_id]
        props = resource.get("Properties")
        paths = list(_paths(props)) if isinstance(props, dict) else []
        if not paths or rng.random() < 0.05:
            mutation = rng.choice(["condition", "properties-wrong-type", "no-properties"])
            if mutation == "condition":
                resource["Condition"] = CONDITION
            elif mutation == "properties-wrong-type":
                resource["Properties"] = rng.choice(_WRONG_TYPES)
            else:
                resource.pop("Properties", None)
            yield Case(name, logical_id, (), mutation, body)
            continue
        path = rng.choice(paths)
        parent: Any = props
        for step in path[:-1]:
            parent = parent[step]
        last = path[-1]
        old = parent[last]
        if rng.random() < 0.3:
            mutation = "delete"
            del parent[last]
        else:
            mutation, new = rng.choice(_replacements(old, resources, rng))
            parent[last] = new
        yield Case(name, logical_id, path, mutation, body)


#: Outcome classes of one case.
OK = "evaluated"
MALFORMED = "refused as malformed (clear message)"
CAUGHT = "rule exception caught by the safety net"
UNCAUGHT = "uncaught exception"


def run(case: Case, options: CheckOptions) -> tuple[str, str]:
    """(outcome class, detail) of one case."""
    try:
        report = evaluate([TemplateInput(case.template, case.body)], options=options)
    except MalformedTemplateError as error:
        return MALFORMED, str(error).splitlines()[0]
    except Exception as error:  # the point of the fuzz: nothing may escape
        return UNCAUGHT, f"{type(error).__name__}: {error}"
    failures = getattr(report, "failures", None)
    if failures is None:  # before the safety net was observable: read the messages
        crashed = [v.detail for v in report.violations if "failed on this resource" in v.detail]
    else:
        crashed = [f"{f.rule_id} on {f.logical_id}: {f.error}" for f in failures]
    if crashed:
        return CAUGHT, crashed[0]
    return OK, ""


def main(argv: list[str]) -> None:
    """Run ``argv[0]`` cases (default 2000) and print the counts per outcome class."""
    import datetime as dt

    count = int(argv[0]) if argv else 2000
    seed = int(argv[1]) if len(argv) > 1 else 0
    options = CheckOptions(today=dt.date(2026, 11, 22))
    outcomes: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    for case in cases(count, seed):
        outcome, detail = run(case, options)
        outcomes[outcome] += 1
        if outcome in (CAUGHT, UNCAUGHT):
            examples.setdefault(outcome, []).append(
                f"{case.template}:{case.logical_id}:{'.'.join(map(str, case.path))} "
                f"{case.mutation} -> {detail[:200]}"
            )
    print(f"cases tried: {count} (seed {seed})")
    for outcome in (OK, MALFORMED, CAUGHT, UNCAUGHT):
        print(f"  {outcome}: {outcomes[outcome]}")
    for outcome, lines in examples.items():
        print(f"\n{outcome}, first examples:")
        for line in sorted(set(lines))[:25]:
            print("  " + line)


if __name__ == "__main__":
    main(sys.argv[1:])
