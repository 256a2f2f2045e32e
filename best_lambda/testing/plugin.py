"""The pytest plugin best-lambda installs (entry point ``pytest11``: ``best_lambda``).

Fixtures:

* ``cdk_app`` — a ``cdk.App`` configured like ``cdk synth`` configures the project's app
  (the nearest ``cdk.json`` context and ``cdk.context.json``), synthesizing into the test's
  temporary folder, without CDK's slow built-in CloudFormation validation;
* ``template_snapshot`` — syrupy's ``snapshot`` storing templates as reviewable JSON files
  (needs syrupy: ``pip install 'best-lambda[testing]'``).

Importing this module is cheap (pytest loads it in every run): aws-cdk-lib and syrupy are
imported only when a test asks for a fixture.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import aws_cdk as cdk

__all__ = ["cdk_app", "template_snapshot"]


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
        import syrupy  # noqa: F401
    except ImportError:  # pragma: no cover - exercised only without the testing extra
        pytest.fail(
            "template_snapshot needs syrupy: pip install 'best-lambda[testing]'", pytrace=False
        )
    from best_lambda.testing._snapshot import TemplateSnapshotExtension

    return request.getfixturevalue("snapshot").use_extension(TemplateSnapshotExtension)
