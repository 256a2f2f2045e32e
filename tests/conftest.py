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
from syrupy.extensions.json import JSONSnapshotExtension  # noqa: E402

CDK_CONTEXT: dict[str, object] = json.loads((ROOT / "cdk.json").read_text())["context"]


def make_app(tmp_path: Path, *, cfn_validation: bool = False) -> cdk.App:
    """An App with cdk.json's feature flags and its own output directory.

    CDK's built-in CloudFormation validation adds ~3 s per synthesis; it is off unless a
    test is about it (cfn-lint validates templates in tests/test_external_validation.py).
    """
    return cdk.App(
        outdir=str(tmp_path / "cdk.out"),
        context=dict(CDK_CONTEXT),
        builtin_cloud_formation_validation=cfn_validation,
    )


@pytest.fixture
def app(tmp_path: Path) -> cdk.App:
    return make_app(tmp_path)


@pytest.fixture
def stack(app: cdk.App) -> cdk.Stack:
    return cdk.Stack(app, "Test")


@pytest.fixture
def snapshot_json(snapshot):  # type: ignore[no-untyped-def]
    return snapshot.use_extension(JSONSnapshotExtension)
