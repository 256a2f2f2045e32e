"""The cdk-nag rule table: current with the installed cdk-nag, and regenerated faithfully."""

from __future__ import annotations

import importlib.metadata
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from best_lambda.checks import _nag_rules
from best_lambda.checks._nag_rules import NAG_RULES, read_installed, render_module

MODULE = Path(_nag_rules.__file__)


def test_nag_rule_table_matches_the_installed_cdk_nag():
    assert read_installed() == NAG_RULES


def test_regenerating_reproduces_the_module():
    """What ``python -m best_lambda.checks._nag_rules`` writes is this very file."""
    source = MODULE.read_text()
    version = importlib.metadata.version("cdk-nag")
    assert render_module(source, read_installed(), version) == source


def test_a_regenerated_table_is_the_module_with_the_new_table(tmp_path: Path):
    packs = {
        "Zeta": frozenset({"Zeta-B", "Zeta-A"}),
        "Alpha": frozenset({"Alpha-1"}),
        "Empty": frozenset(),
    }
    rendered = render_module(MODULE.read_text(), packs, "9.9.9")
    copy = tmp_path / "regenerated.py"
    copy.write_text(rendered)
    namespace = runpy.run_path(str(copy))
    assert namespace["NAG_RULES"] == packs
    assert "(cdk-nag 9.9.9)" in rendered
    assert callable(namespace["read_installed"])  # the rest of the module is kept
    ruff = shutil.which("ruff")
    if ruff:
        checked = subprocess.run(
            [ruff, "format", "--check", "--quiet", str(copy)], capture_output=True, check=False
        )
        assert checked.returncode == 0, checked.stdout


def test_a_module_without_the_table_is_refused():
    with pytest.raises(ValueError, match="NAG_RULES table"):
        render_module("print('no table')\n", NAG_RULES, "1")


def test_the_command_rewrites_only_the_table(tmp_path: Path):
    """``main`` (what ``python -m`` runs) leaves an up-to-date file as it is."""
    copy = tmp_path / "_nag_rules.py"
    copy.write_text(MODULE.read_text())
    code = (
        "from pathlib import Path; from best_lambda.checks._nag_rules import main; "
        f"raise SystemExit(main(Path({str(copy)!r})))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert copy.read_text() == MODULE.read_text()
