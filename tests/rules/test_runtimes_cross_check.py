"""rules/runtimes.py against cfn-lint's runtime lifecycle data: no silent drift.

cfn-lint (a dev dependency) ships ``LmbdRuntimeLifecycle.json``, its own copy of AWS's
runtime deprecation dates. The two tables are kept by different people from the same AWS
page; every difference is listed below, so a new one (an AWS announcement one side picked
up) fails this test until someone decides which date is right and updates the table or
this list.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources

from best_lambda.rules import runtimes

_D = dt.date

#: Runtime -> (our date, cfn-lint's date), each difference reviewed.
KNOWN_DIFFERENCES: dict[str, tuple[dt.date | None, dt.date | None]] = {
    # Runtimes cfn-lint does not list (old, long deprecated) or we do not (dotnet9 is
    # container-only; ruby4.0 is newer than our table, which accepts it as newer).
    "dotnet5.0": (_D(2022, 5, 10), None),
    "dotnet7": (_D(2024, 5, 14), None),
    "dotnet9": (None, _D(2026, 11, 10)),
    "ruby4.0": (None, _D(2029, 3, 31)),
    # Long-deprecated runtimes whose historical dates differ by days: no verdict changes.
    "dotnet6": (_D(2024, 11, 12), _D(2024, 12, 20)),
    "dotnetcore1.0": (_D(2019, 7, 27), _D(2019, 6, 27)),
    "nodejs": (_D(2016, 10, 31), _D(2016, 8, 30)),
    "ruby2.7": (_D(2023, 11, 27), _D(2023, 12, 7)),
}


def cfn_lint_dates() -> dict[str, dt.date | None]:
    data = json.loads(
        (resources.files("cfnlint.data.AdditionalSpecs") / "LmbdRuntimeLifecycle.json").read_text()
    )
    return {
        name: dt.date.fromisoformat(entry["deprecated"]) if entry.get("deprecated") else None
        for name, entry in data.items()
    }


def test_runtime_dates_agree_with_cfn_lint_or_are_known_differences():
    theirs = cfn_lint_dates()
    ours = runtimes.DEPRECATION_DATES
    differences = {
        name: (ours.get(name), theirs.get(name))
        for name in sorted(set(ours) | set(theirs))
        if ours.get(name) != theirs.get(name)
    }
    assert differences == KNOWN_DIFFERENCES


def test_runtimes_only_cfn_lint_knows_are_newer_than_our_table_or_container_only():
    missing = sorted(set(cfn_lint_dates()) - set(runtimes.DEPRECATION_DATES))
    assert missing == ["dotnet9", "ruby4.0"]
    assert runtimes.newer_than_table("ruby4.0")
