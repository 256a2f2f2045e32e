"""The pytest plugin, as a user gets it: best-lambda installed from a wheel into a fresh
virtualenv, a project that depends only on it, and the README's test file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SERVICE = """\
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from best_lambda import HardenedFunction

MEMORY = 512


class ServiceStack(cdk.Stack):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        HardenedFunction(
            self,
            "Api",
            code=lambda_.Code.from_asset("handler"),
            handler="index.handler",
            memory_size=MEMORY,
        )
"""

LEGACY_TEST = """\
import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from best_lambda.testing import assert_compliant, assert_noncompliant


def _legacy(cdk_app):
    stack = cdk.Stack(cdk_app, "Legacy")
    function = lambda_.Function(
        stack, "Old", code=lambda_.Code.from_inline("x"), handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_12,
    )
    return stack, function


def test_rule_catches_the_legacy_function(cdk_app):
    _, function = _legacy(cdk_app)
    assert_noncompliant(function, "BestLambda-TracingActive")


def test_legacy_stack_is_compliant(cdk_app):
    stack, _ = _legacy(cdk_app)
    assert_compliant(stack)
"""


def readme_user_test() -> str:
    """The test file the README tells users to write (so the README is tested too)."""
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"<!-- user-test:start -->\s*```python\n(.*?)```", readme, re.S)
    assert match, "README.md lost its user test example"
    return match.group(1)


def child_env(venv: Path) -> dict[str, str]:
    keep = (
        "HOME",
        "LANG",
        "TMPDIR",
        "PIP_CACHE_DIR",
        "PIP_INDEX_URL",
        "PIP_EXTRA_INDEX_URL",
        "PIP_FIND_LINKS",
        "PIP_CONFIG_FILE",
        "JSII_RUNTIME_PACKAGE_CACHE_ROOT",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION",
        "CDK_HOME",
        "XDG_CACHE_HOME",
    )
    env = {k: os.environ[k] for k in keep if k in os.environ}
    # Not the repository's .venv: only the fresh one, and the system's node for jsii.
    node = shutil.which("node")
    assert node, "node is needed by jsii"
    env["PATH"] = os.pathsep.join([str(venv / "bin"), str(Path(node).parent), "/usr/bin", "/bin"])
    env["PYTHONNOUSERSITE"] = "1"
    return env


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with best-lambda[testing] installed from a freshly built wheel.

    Versions are pinned to this environment's (pip's cache serves them: no new downloads).
    """
    work = tmp_path_factory.mktemp("install")
    pip = [sys.executable, "-m", "pip"]
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", work, ROOT],
        check=True,
    )
    (wheel,) = work.glob("best_lambda-*.whl")
    frozen = subprocess.run(
        [*pip, "freeze", "--exclude-editable"], check=True, capture_output=True, text=True
    ).stdout
    # Only name==version pins: pip does not take URLs or editable lines as constraints.
    pins = [line for line in frozen.splitlines() if re.fullmatch(r"[A-Za-z0-9_.\-]+==\S+", line)]
    (work / "constraints.txt").write_text("\n".join(pins) + "\n")
    env_dir = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env_dir], check=True)
    subprocess.run(
        [
            *pip,
            "--python",
            env_dir / "bin" / "python",
            "install",
            "--quiet",
            "-c",
            work / "constraints.txt",
            f"best-lambda[testing] @ {wheel.as_uri()}",
        ],
        check=True,
        capture_output=True,
    )
    return env_dir


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's CDK project: cdk.json, app module, handler, and the README's test file."""
    (tmp_path / "cdk.json").write_text((ROOT / "cdk.json").read_text())
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "service"\nversion = "1.0"\ndependencies = ["best-lambda[testing]"]\n'
        '\n[tool.pytest.ini_options]\npythonpath = ["."]\n'
    )
    (tmp_path / "app.py").write_text(SERVICE)
    (tmp_path / "handler").mkdir()
    (tmp_path / "handler" / "index.py").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_app.py").write_text(readme_user_test())
    return tmp_path


def run_pytest(venv: Path, project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        env=child_env(venv),
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_plugin_comes_from_the_installed_package(venv: Path):
    code = (
        "import sys, best_lambda.testing.plugin as p; print(p.__file__); "
        "print(sorted(m for m in ('aws_cdk', 'jsii', 'syrupy') if m in sys.modules))"
    )
    out = subprocess.run(
        [venv / "bin" / "python", "-c", code],
        cwd=venv.parent,  # not the repository, whose best_lambda/ would be imported
        env=child_env(venv),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert out[0].startswith(str(venv)), out
    assert out[1] == "[]", "loading the plugin must not import aws-cdk-lib, jsii or syrupy"


def test_a_user_project_snapshots_and_checks_its_stack(venv: Path, project: Path):
    created = run_pytest(venv, project, "--snapshot-update")
    assert created.returncode == 0, created.stdout + created.stderr
    (snapshot,) = (project / "tests" / "__snapshots__").rglob("*.json")
    text = snapshot.read_text()
    assert '"S3Key": "<asset-1>.zip"' in text
    assert '"MemorySize": 512' in text

    # Editing the handler changes the asset hash, not the snapshot.
    (project / "handler" / "index.py").write_text("def handler(event, context):\n    return 2\n")
    unchanged = run_pytest(venv, project)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    assert snapshot.read_text() == text

    # A real change fails with a diff a reviewer can read.
    app = project / "app.py"
    app.write_text(app.read_text().replace("MEMORY = 512", "MEMORY = 1024"))
    changed = run_pytest(venv, project)
    assert changed.returncode == 1
    assert re.search(r'^E?\s*-\s+"MemorySize": 512,$', changed.stdout, re.M), changed.stdout
    assert re.search(r'^E?\s*\+\s+"MemorySize": 1024,$', changed.stdout, re.M), changed.stdout


def test_rule_assertions_fail_with_a_readable_report(venv: Path, project: Path):
    (project / "tests" / "test_legacy.py").write_text(LEGACY_TEST)
    result = run_pytest(venv, project, "tests/test_legacy.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 1 passed" in result.stdout
    assert "AssertionError: Legacy: " in result.stdout
    assert "ERROR BestLambda-TracingActive at Legacy/Old/Resource (BestLambda)" in result.stdout
    assert 'cdk.Acknowledgment(id="BestLambda::BestLambda-TracingActive"' in result.stdout
