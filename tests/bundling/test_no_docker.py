"""No Docker command runs, even in CDK's own process.

CDK runs Docker from the jsii node process, which keeps the environment it started with,
so this test synthesizes in a fresh Python whose PATH starts with a ``docker`` that logs
and fails (``CDK_DOCKER`` names it too). The same process then bundles an asset the
Docker way, to prove the trap would have caught it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.bundling.conftest import ProjectFactory, fake_docker
from tests.conftest import ROOT

SCRIPT = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import aws_cdk as cdk
    from aws_cdk import aws_lambda as lambda_
    from best_lambda.bundling import PythonCode
    from best_lambda.testing import project_app

    project, wheelhouse, calls, out = map(Path, sys.argv[1:5])
    app = project_app(sys.argv[5], outdir=out)
    stack = cdk.Stack(app, "Test")
    code = PythonCode.from_project(
        project, find_links=[wheelhouse], no_index=True,
        runtime=lambda_.Runtime.PYTHON_3_12, architecture=lambda_.Architecture.ARM_64)
    lambda_.Function(stack, "Orders", code=code, handler="app.handler",
                     runtime=lambda_.Runtime.PYTHON_3_12,
                     architecture=lambda_.Architecture.ARM_64)
    template = app.synth().get_stack_by_name("Test").template
    docker_ran_for_python_code = calls.exists()
    try:
        lambda_.Function(stack, "DockerWay", handler="app.handler",
            runtime=lambda_.Runtime.PYTHON_3_12,
            code=lambda_.Code.from_asset(str(project), bundling=cdk.BundlingOptions(
                image=lambda_.Runtime.PYTHON_3_12.bundling_image)))
        docker_way = "bundled"
    except RuntimeError as error:
        docker_way = str(error).splitlines()[0]
    print(json.dumps({
        "key": template["Resources"][
            next(k for k in template["Resources"] if k.startswith("Orders") and
                 template["Resources"][k]["Type"] == "AWS::Lambda::Function")
        ]["Properties"]["Code"]["S3Key"],
        "docker_ran_for_python_code": docker_ran_for_python_code,
        "docker_way": docker_way,
    }))
    """
)


def test_no_docker_command_runs_in_cdks_process(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    docker, calls = fake_docker(tmp_path / "trap")
    env = dict(os.environ)
    env["PATH"] = f"{docker.parent}{os.pathsep}{env['PATH']}"
    env["CDK_DOCKER"] = str(docker)
    done = subprocess.run(
        [
            sys.executable, "-c", SCRIPT, str(make_project()), str(wheelhouse), str(calls),
            str(tmp_path / "cdk.out"), str(ROOT),
        ],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert outcome["key"].endswith(".zip")
    assert outcome["docker_ran_for_python_code"] is False
    # The trap works: the Docker way did reach our fake docker, which failed it.
    assert "Failed to bundle asset Test/DockerWay" in outcome["docker_way"]
    assert calls.read_text().startswith("docker ")
