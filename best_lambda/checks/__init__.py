"""Thin fronts over the rule engine.

:mod:`best_lambda.checks.nag_pack` holds the cdk-nag pack (``best_lambda.BestLambdaChecks``);
the enforcing Aspect lives in :mod:`best_lambda.aspects`. Both share
:mod:`best_lambda.checks._plugin`, which does not import cdk-nag.
"""
