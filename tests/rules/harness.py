"""Run one rule's check directly on a stack (L1/L2 resources) or a template dict.

Checks are called directly, not through the engine, so an exception inside a rule fails
the test instead of turning into an "unknown" finding.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_lambda as lambda_

from best_lambda.rules.engine import judge
from best_lambda.rules.model import Result, Rule, Status
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex
from best_lambda.testing import template_of

#: The date rule tests judge runtime deprecation against.
TODAY = dt.date(2026, 11, 22)
OPTIONS = CheckOptions(today=TODAY)


def results(
    rule: Rule,
    source: cdk.Stack | dict[str, Any],
    *,
    options: CheckOptions = OPTIONS,
    assets: Any = None,
) -> dict[str, Result]:
    """Logical ID -> result, for every resource of the rule's types (engine policy applied)."""
    template = template_of(source) if isinstance(source, cdk.Stack) else source
    index = TemplateIndex(template, name="test")
    index.assets = assets
    return {
        resource.logical_id: judge(rule, resource, index, options)
        for rtype in sorted(rule.resource_types)
        for resource in index.of_type(rtype)
    }


def result(rule: Rule, source: cdk.Stack | dict[str, Any], prefix: str, **kwargs: Any) -> Result:
    """The result for the one resource whose logical ID starts with ``prefix``."""
    found = {k: v for k, v in results(rule, source, **kwargs).items() if k.startswith(prefix)}
    assert len(found) == 1, f"expected one {prefix}* among {sorted(found)}"
    return next(iter(found.values()))


def assert_compliant(outcome: Result) -> None:
    assert outcome.status is Status.COMPLIANT, outcome
    assert outcome.findings == ()


def assert_non_compliant(outcome: Result, *fragments: str) -> None:
    """Non-compliant, and each fragment appears in some finding's message or suffix."""
    assert outcome.status is Status.NON_COMPLIANT, outcome
    text = " ".join(f"{f.message} [{f.suffix}]" for f in outcome.findings)
    for fragment in fragments:
        assert fragment in text, (fragment, outcome.findings)


def assert_not_applicable(outcome: Result) -> None:
    assert outcome.status is Status.NOT_APPLICABLE, outcome
    assert outcome.reason


def assert_unknown(outcome: Result, fragment: str = "") -> None:
    assert outcome.status is Status.UNKNOWN, outcome
    assert fragment in outcome.reason, outcome.reason


def cfn_function(
    stack: cdk.Stack, construct_id: str = "Fn", **props: object
) -> lambda_.CfnFunction:
    """A minimal valid L1 function (logical ID = ``construct_id``); ``props`` override."""
    defaults: dict[str, object] = {
        "code": {"zipFile": "def handler(event, context): pass"},
        "role": "arn:aws:iam::123456789012:role/r",
        "handler": "index.handler",
        "runtime": "python3.13",
    }
    return lambda_.CfnFunction(stack, construct_id, **{**defaults, **props})  # type: ignore[arg-type]


def is_prod_condition(stack: cdk.Stack) -> cdk.CfnCondition:
    """A condition named ``IsProd`` whose value the template alone cannot know."""
    return cdk.CfnCondition(
        stack, "IsProd", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "eu-west-1")
    )


def l2_function(stack: cdk.Stack, construct_id: str = "Fn", **kwargs: object) -> lambda_.Function:
    """A plain ``aws_lambda.Function`` (inline Python code); ``kwargs`` pass through."""
    return lambda_.Function(
        stack,
        construct_id,
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        **kwargs,  # type: ignore[arg-type]
    )


def beyond_the_condition_cap(source: cdk.Stack | dict[str, Any], logical_id: str) -> dict[str, Any]:
    """The template with ``logical_id`` tagged under 7 independent conditions (128 combinations).

    More than the engine judges (``conditions.MAX_WORLDS``): every rule on that resource is
    then UNKNOWN, never a guess.
    """
    template = dict(template_of(source) if isinstance(source, cdk.Stack) else source)
    template["Parameters"] = {**template.get("Parameters", {}), "Stage": {"Type": "String"}}
    conditions = {f"Cap{n}": {"Fn::Equals": [{"Ref": f"CapParam{n}"}, "on"]} for n in range(7)}
    template["Parameters"].update({f"CapParam{n}": {"Type": "String"} for n in range(7)})
    template["Conditions"] = {**template.get("Conditions", {}), **conditions}
    resources = dict(template["Resources"])
    body = dict(resources[logical_id])
    props = dict(body.get("Properties", {}))
    props["Tags"] = [{"Key": f"t{n}", "Value": {"Fn::If": [f"Cap{n}", "a", "b"]}} for n in range(7)]
    body["Properties"] = props
    resources[logical_id] = body
    template["Resources"] = resources
    return template
