"""The pytest plugin best-lambda installs (entry point ``pytest11``: ``best_lambda``).

Fixtures:

* ``cdk_app`` — a ``cdk.App`` configured like ``cdk synth`` configures the project's app
  (the nearest ``cdk.json`` context and ``cdk.context.json``), synthesizing into the test's
  temporary folder, without CDK's slow built-in CloudFormation validation;
* ``template_snapshot`` — syrupy's ``snapshot`` storing templates as reviewable JSON files
  (needs syrupy: ``pip install 'best-lambda[testing]'``).

The run's header names the versions of best-lambda, aws-cdk-lib, constructs and cdk-nag:
the inputs of every template besides your code.

Importing this module is cheap (pytest loads it in every run): aws-cdk-lib and syrupy are
imported only when a test asks for a fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import aws_cdk as cdk

__all__ = ["cdk_app", "pytest_report_header", "template_snapshot"]

#: What a synthesized template depends on besides the app's own code.
_TEMPLATE_INPUTS = ("best-lambda", "aws-cdk-lib", "constructs", "cdk-nag")


def pytest_report_header(config: pytest.Config) -> str:
    """One header line with the versions a template snapshot depends on.

    When snapshots change after a dependency update, the run's header says which versions
    produced them.
    """
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in _TEMPLATE_INPUTS:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            continue
    return f"templates from: {', '.join(found)}"


@pytest.fixture
def cdk_app(request: pytest.FixtureRequest, tmp_path: Path) -> cdk.App:
    """A ``cdk.App`` with the project's ``cdk.json`` context, synthesizing into ``tmp_path``.

    The project is the nearest folder with a ``cdk.json`` at or above the test file.
    """
    from best_lambda.testing._synth import find_project_dir, project_app

    project = find_project_dir(Path(str(request.path)).parent)
    return project_app(project, outdir=tmp_path / "cdk.out")


@pytest.fixture
def template_snapshot(request: pytest.FixtureRequest) -> Any:
    """The ``snapshot`` fixture of syrupy, storing each template as one normalized JSON file.

    ``assert normalized(stack) == template_snapshot`` (or ``assert stack ==
    template_snapshot``); update with ``pytest --snapshot-update`` and review the diff.
    """
    try:
        snapshot = request.getfixturevalue("snapshot")
    except pytest.FixtureLookupError:
        pytest.fail(
            "template_snapshot needs syrupy's snapshot fixture: install it with "
            "pip install 'best-lambda[testing]' (and do not disable it with -p no:syrupy)",
            pytrace=False,
        )
    from best_lambda.testing._snapshot import TemplateSnapshotExtension

    return snapshot.use_extension(TemplateSnapshotExtension)
