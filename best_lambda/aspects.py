"""Aspects: enforce the BestLambda rules at synthesis, and retrofit safe defaults.

* :func:`apply_checks` — makes ``cdk synth`` *and* a plain ``app.synth()`` fail on any
  error-level finding in the App (or the scope given) and everything under it: Stages,
  also those created later, and nested stacks; the report names the construct path, the
  rule ID and the fix. It needs no cdk-nag and adds no Aspect for the checks; optionally
  with :class:`HardenFunctions`.
* :class:`EnforceBestLambda` — the same check as an Aspect, for code that adds Aspects
  itself (slower: CDK calls an Aspect once per construct through jsii).
* :class:`HardenFunctions` (:mod:`best_lambda.retrofit`) — an opt-in, mutating Aspect that
  fills in the safe defaults plain ``aws_lambda.Function`` s leave unset, without adding a
  finding: active tracing, JSON logs, a log group retention, a timeout that fits the
  function's triggers (arm64 and memory on request).

How enforcement works (:mod:`best_lambda.checks.enforcement`): one CDK policy-validation
plugin on the App; after synthesis CDK calls it once with the templates, and the rule
engine reads them as plain JSON — the same engine, options and acknowledgements as
:class:`~best_lambda.BestLambdaChecks`. This reads what CloudFormation will actually
receive (property overrides included) and costs one callback per synthesis.

Examples
--------
>>> import aws_cdk as cdk
>>> from best_lambda.aspects import apply_checks, HardenFunctions
>>> app = cdk.App()
>>> _ = cdk.Stack(app, "Api")
>>> _ = apply_checks(app, harden=HardenFunctions())
"""

from __future__ import annotations

from best_lambda.checks.enforcement import EnforceBestLambda, apply_checks
from best_lambda.retrofit import HardenFunctions

__all__ = ["EnforceBestLambda", "HardenFunctions", "apply_checks"]
