"""Test CDK apps built with (or checked by) best-lambda: stable snapshots, rule assertions.

Installed with best-lambda as a pytest plugin, so a test file needs only imports::

    from best_lambda.testing import ALL_PACKS, assert_compliant, normalized

    def test_orders_stack(cdk_app, template_snapshot):
        stack = OrdersStack(cdk_app, "Orders")
        assert normalized(stack) == template_snapshot
        assert_compliant(stack, packs=ALL_PACKS)

Snapshots
    :func:`normalized` — a stack's template without what churns on every asset edit or
    dependency bump (asset hashes, content-hashed logical IDs, CDK bookkeeping), keys
    sorted. :class:`TemplateSnapshotExtension` stores it as one JSON file per snapshot; the
    ``template_snapshot`` fixture is syrupy's ``snapshot`` using it.
Rules
    :func:`assert_compliant` fails with every unacknowledged finding (rule ID, construct
    path, message, fix, how to acknowledge); :func:`assert_noncompliant` proves a rule fires
    on a construct; :func:`findings_of` returns the findings. They run best-lambda's rules
    and, when asked, cdk-nag's packs, without registering anything on the App.
Apps
    :func:`project_app` (fixture ``cdk_app``) — an App with the project's ``cdk.json``
    context, like ``cdk synth`` builds it; :func:`template_of`; :func:`validation_findings`
    for apps that register their own validation plugins.

Importing this package is cheap; aws-cdk-lib (and syrupy) load on first use of a helper.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from best_lambda._lazy import lazy_attributes

if TYPE_CHECKING:
    from best_lambda.testing._compliance import (
        ALL_PACKS,
        PackSpec,
        assert_compliant,
        assert_noncompliant,
        findings_of,
    )
    from best_lambda.testing._snapshot import TemplateSnapshotExtension
    from best_lambda.testing._synth import (
        ValidationFinding,
        normalized,
        project_app,
        template_of,
        validation_findings,
    )

__all__ = [
    "ALL_PACKS",
    "PackSpec",
    "TemplateSnapshotExtension",
    "ValidationFinding",
    "assert_compliant",
    "assert_noncompliant",
    "findings_of",
    "normalized",
    "project_app",
    "template_of",
    "validation_findings",
]

_LAZY = {
    "ALL_PACKS": "best_lambda.testing._compliance",
    "PackSpec": "best_lambda.testing._compliance",
    "assert_compliant": "best_lambda.testing._compliance",
    "assert_noncompliant": "best_lambda.testing._compliance",
    "findings_of": "best_lambda.testing._compliance",
    "TemplateSnapshotExtension": "best_lambda.testing._snapshot",
    "ValidationFinding": "best_lambda.testing._synth",
    "normalized": "best_lambda.testing._synth",
    "project_app": "best_lambda.testing._synth",
    "template_of": "best_lambda.testing._synth",
    "validation_findings": "best_lambda.testing._synth",
}


__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
