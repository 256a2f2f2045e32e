"""Packaging and project hygiene: typed, explicit API, light engine, current feature flags."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import aws_cdk as cdk

import best_lambda
from tests.conftest import CDK_CONTEXT, ROOT


def test_typed_package_with_explicit_api():
    assert (ROOT / "best_lambda" / "py.typed").exists()
    for name in best_lambda.__all__:
        assert getattr(best_lambda, name) is not None, name


def test_testing_api_resolves():
    import best_lambda.testing

    for name in best_lambda.testing.__all__:
        assert getattr(best_lambda.testing, name) is not None, name


def heavy_modules_after(statement: str, heavy: tuple[str, ...]) -> list[str]:
    """The ``heavy`` top-level packages a fresh interpreter has loaded after ``statement``."""
    code = (
        f"import json, sys; {statement}; "
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout)
    return loaded


def test_pytest_plugin_is_registered_and_cheap_to_load():
    """pytest loads the plugin in every run of every project that installs best-lambda."""
    load = (
        "from importlib.metadata import entry_points; "
        "(ep,) = [e for e in entry_points(group='pytest11') if e.name == 'best_lambda']; "
        "ep.load()"
    )
    assert heavy_modules_after(load, ("aws_cdk", "jsii", "syrupy", "cdk_nag")) == []


def test_pytest_header_names_the_versions_templates_depend_on(tmp_path: Path):
    (tmp_path / "test_nothing.py").write_text("def test_nothing():\n    pass\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    (header,) = [line for line in result.stdout.splitlines() if line.startswith("templates")]
    assert header == (
        f"templates from: best-lambda {best_lambda.__version__}, "
        f"aws-cdk-lib {version('aws-cdk-lib')}, constructs {version('constructs')}, "
        f"cdk-nag {version('cdk-nag')}"
    )


def test_template_snapshot_without_syrupy_says_what_to_install(tmp_path: Path):
    (tmp_path / "test_snap.py").write_text(
        "def test_snap(template_snapshot):\n    assert {'Resources': {}} == template_snapshot\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:syrupy"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "template_snapshot needs syrupy's snapshot fixture" in result.stdout
    assert "pip install 'best-lambda[testing]'" in result.stdout


def test_rule_helpers_do_not_import_aws_cdk():
    """The rule engine is pure Python: importing it must not start jsii."""
    load = "import best_lambda, best_lambda.rules.secrets, best_lambda.rules.runtimes"
    assert heavy_modules_after(load, ("aws_cdk", "jsii")) == []


def test_cdk_json_carries_every_recommended_feature_flag(tmp_path: Path):
    """cdk.json must follow the installed aws-cdk-lib's recommendations (re-check on upgrade)."""
    app = cdk.App(
        outdir=str(tmp_path), context=dict(CDK_CONTEXT), builtin_cloud_formation_validation=False
    )
    cdk.Stack(app, "Empty")
    manifest = json.loads((Path(app.synth().directory) / "manifest.json").read_text())
    report = manifest["artifacts"]["aws-cdk-lib/feature-flag-report"]["properties"]["flags"]
    stale = {}
    for flag, info in report.items():
        if "recommendedValue" not in info:
            continue
        # An unset flag behaves like its documented v2 default, or "off".
        unset = info.get("unconfiguredBehavesLike", {}).get("v2", False)
        effective = CDK_CONTEXT.get(flag, unset)
        if effective != info["recommendedValue"]:
            stale[flag] = (effective, info["recommendedValue"])
    assert stale == {}
