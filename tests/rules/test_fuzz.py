"""A bounded mutation fuzz of the real templates: the engine never crashes, and no rule does.

See :mod:`tests.rules.fuzz` for the mutations; ``python -m tests.rules.fuzz 6000`` runs more
and prints the counts per outcome.
"""

from __future__ import annotations

from collections import Counter

from tests.rules import fuzz
from tests.rules.harness import OPTIONS

#: Seeded, so that every run tries the same cases (about two seconds).
CASES = 2000


def test_no_mutation_crashes_the_engine_or_a_rule():
    outcomes: Counter[str] = Counter()
    bad: list[str] = []
    for case in fuzz.cases(CASES, seed=10):
        outcome, detail = fuzz.run(case, OPTIONS)
        outcomes[outcome] += 1
        if outcome in (fuzz.CAUGHT, fuzz.UNCAUGHT):
            where = "/".join(map(str, (case.template, case.logical_id, *case.path)))
            bad.append(f"{where} {case.mutation}: {outcome}: {detail}")
    assert bad == []
    assert outcomes[fuzz.OK] > CASES * 0.9  # the mutations mostly make readable templates
    assert sum(outcomes.values()) == CASES


def test_the_fuzz_reads_every_real_template():
    assert len(fuzz.template_paths()) == 10
    assert {case.template for case in fuzz.cases(200)} == {
        p.parent.name if p.parent.name != "realapps" else p.stem for p in fuzz.template_paths()
    }
