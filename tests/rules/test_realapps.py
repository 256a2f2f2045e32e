"""Every rule over ten real public templates: no crash, and the findings, reviewed.

The per-family tests pin individual expectations; this snapshot pins the whole picture so
that any change in what the engine reports on real code shows up in review.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from best_lambda.rules.engine import TemplateInput, evaluate
from tests.conftest import ROOT
from tests.rules.harness import OPTIONS

REALAPPS = sorted((ROOT / "tests" / "data" / "realapps").glob("*.json"))


@pytest.mark.parametrize("path", REALAPPS, ids=lambda p: p.stem)
def test_findings_on_real_templates(path: Path, snapshot):
    report = evaluate([TemplateInput(path.stem, json.loads(path.read_text()))], options=OPTIONS)
    crashes = [v for v in report.violations if "failed on this resource" in v.detail]
    assert crashes == []
    findings = sorted(
        f"{v.severity.value:7} {v.finding_id} @ {v.logical_id}" for v in report.violations
    )
    assert findings == snapshot


def test_every_real_template_was_read():
    assert len(REALAPPS) == 10
