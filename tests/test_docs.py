"""Generated documentation is committed up to date."""

from __future__ import annotations

import pytest

from best_lambda._docs import DOCSTRINGS, render_docstring, render_readme, rules_markdown
from tests.conftest import ROOT


def test_readme_defaults_table_is_current():
    readme = (ROOT / "README.md").read_text()
    assert render_readme(readme) == readme, "run: python -m best_lambda._docs"


@pytest.mark.parametrize("path", DOCSTRINGS)
def test_constructs_parameters_sections_are_current(path: str):
    source = (ROOT / path).read_text()
    assert render_docstring(path, source) == source, "run: python -m best_lambda._docs"


def test_rules_md_is_current():
    assert (ROOT / "RULES.md").read_text() == rules_markdown(), "run: python -m best_lambda._docs"


def test_readme_starts_with_the_two_commands():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert lines[3].startswith("bash scripts/synth.sh")
    assert lines[4].startswith("bash scripts/test.sh")
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in ci
