"""A user's test file for the example app (``app.py``): what best-lambda's pytest plugin gives.

* ``cdk_app`` is an App with the project's ``cdk.json`` context, like ``cdk synth``'s.
* ``template_snapshot`` stores the normalized template in
  ``__snapshots__/test_receipts_app/test_receipts_stack.json``: review it like code; it does
  not change when a handler does. After an intended change: ``pytest --snapshot-update``.
* ``assert_compliant`` runs the BestLambda rules and cdk-nag's AwsSolutions and Serverless
  packs, and fails with every unacknowledged finding and how to acknowledge it.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam

from app import ReceiptsStack
from best_lambda import HardenedFunction
from best_lambda.testing import ALL_PACKS, assert_compliant, assert_noncompliant, normalized


def test_receipts_stack(cdk_app: cdk.App, template_snapshot: object) -> None:
    stack = ReceiptsStack(cdk_app, "Receipts")
    assert normalized(stack) == template_snapshot
    assert_compliant(stack, packs=ALL_PACKS)


def test_a_broad_grant_to_the_renderer_would_be_caught(cdk_app: cdk.App) -> None:
    """A bad-case test of the team's own: widening the renderer's permissions must fail."""
    stack = ReceiptsStack(cdk_app, "Receipts")
    renderer = stack.node.find_child("RenderReceipt")
    assert isinstance(renderer, HardenedFunction)
    broad = iam.PolicyStatement(actions=["dynamodb:*"], resources=["*"])
    renderer.add_to_role_policy(broad)
    assert_noncompliant(renderer, "BestLambda-NoWildcardPermissions")
