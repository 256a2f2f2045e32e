"""Fronts over the rule engine for CDK apps, and the one entry they share.

:mod:`best_lambda.checks.run` is pure (no aws-cdk-lib): evaluate templates, honour
acknowledgements; ``best-lambda audit`` uses it too. :mod:`best_lambda.checks.nag_pack`
holds the cdk-nag pack (``best_lambda.BestLambdaChecks``);
:mod:`best_lambda.checks.enforcement` the plugin behind ``apply_checks`` and the
``EnforceBestLambda`` Aspect; :mod:`best_lambda.checks._cdk` turns a run into a CDK report.
"""
