"""A synthesized cloud assembly with a Stage, nested stacks and acknowledgements, made once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from best_lambda import HardenedFunction
from best_lambda.testing import project_app
from tests.conftest import ROOT

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")
REALAPPS = ROOT / "tests" / "data" / "realapps"


def plain(scope: cdk.Stack, construct_id: str = "Fn") -> lambda_.Function:
    return lambda_.Function(
        scope, construct_id, code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_13
    )


def build_assembly(outdir: Path) -> Path:
    """Top (a clean function, a queue) > Nested (a plain function fed by Top's queue) >
    Deeper (a plain function); Stage Prod > Api > Inner (a plain function, TracingActive
    acknowledged on the nested stack)."""
    app = project_app(ROOT, outdir=outdir)
    top = cdk.Stack(app, "Top")
    HardenedFunction(top, "Clean", code=CODE, handler="index.handler")
    queue = sqs.Queue(top, "Queue")
    nested = cdk.NestedStack(top, "Nested")
    plain(nested).add_event_source(sources.SqsEventSource(queue))
    plain(cdk.NestedStack(nested, "Deeper"))
    api = cdk.Stack(cdk.Stage(app, "Prod"), "Api")
    inner = cdk.NestedStack(api, "Inner")
    plain(inner)
    cdk.Validations.of(inner).acknowledge(
        cdk.Acknowledgment(
            id="BestLambda-TracingActive", reason="tracing comes with the v2 rollout"
        )
    )
    app.synth()
    return outdir


@pytest.fixture(scope="session")
def assembly(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_assembly(tmp_path_factory.mktemp("assembly") / "cdk.out")


def cli(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``best-lambda`` as a user runs it: a separate process."""
    return subprocess.run(
        [sys.executable, "-m", "best_lambda.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )
