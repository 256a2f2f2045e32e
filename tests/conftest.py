"""Shared fixtures. Every test app uses the repo's cdk.json feature flags, so what the tests
see is what `cdk synth` produces."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# When pytest is run directly (not via scripts/test.sh), keep the same private, quiet setup.
os.environ.setdefault("JSII_RUNTIME_PACKAGE_CACHE_ROOT", str(ROOT / ".cache" / "jsii"))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("CDK_HOME", str(ROOT / ".cache" / "cdk-home"))
# Any use of a deprecated aws-cdk-lib API is an error in our tests.
os.environ.setdefault("JSII_DEPRECATED", "fail")

import aws_cdk as cdk  # noqa: E402  (after the environment above)

from best_lambda.testing import project_app  # noqa: E402

CDK_CONTEXT: dict[str, object] = json.loads((ROOT / "cdk.json").read_text())["context"]


def make_app(tmp_path: Path, *, cfn_validation: bool = False) -> cdk.App:
    """An App with cdk.json's feature flags and its own output directory.

    CDK's built-in CloudFormation validation adds ~3 s per synthesis; it is off unless a
    test is about it (cfn-lint validates templates in tests/test_external_validation.py).
    """
    return project_app(
        ROOT, outdir=tmp_path / "cdk.out", builtin_cloud_formation_validation=cfn_validation
    )


@pytest.fixture
def app(cdk_app: cdk.App) -> cdk.App:
    """best-lambda's own pytest plugin fixture (the repository's cdk.json context)."""
    return cdk_app


@pytest.fixture
def stack(app: cdk.App) -> cdk.Stack:
    return cdk.Stack(app, "Test")
