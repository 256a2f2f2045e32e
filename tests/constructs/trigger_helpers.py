"""Shared by the trigger construct tests: code, options and template lookups."""

from __future__ import annotations

from typing import Any

from aws_cdk import aws_lambda as lambda_

from best_lambda import HardenedFunctionOptions

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return {}\n")
OPTIONS = HardenedFunctionOptions(code=CODE, handler="index.handler")


def options(**kwargs: Any) -> HardenedFunctionOptions:
    """The minimal function options, plus ``kwargs``."""
    return HardenedFunctionOptions(code=CODE, handler="index.handler", **kwargs)


def of_type(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    """Logical ID -> resource, for the resources of one type."""
    return {k: v for k, v in template["Resources"].items() if v["Type"] == rtype}


def one(template: dict[str, Any], rtype: str) -> tuple[str, dict[str, Any]]:
    """The only resource of ``rtype``: (logical ID, properties)."""
    ((logical_id, resource),) = of_type(template, rtype).items()
    return logical_id, resource.get("Properties", {})


def props_of(template: dict[str, Any], prefix: str) -> dict[str, Any]:
    """The properties of the one resource whose logical ID starts with ``prefix``."""
    (found,) = [v for k, v in template["Resources"].items() if k.startswith(prefix)]
    properties: dict[str, Any] = found.get("Properties", {})
    return properties


def alarm(template: dict[str, Any], metric: str) -> dict[str, Any]:
    """The properties of the one alarm on ``metric``."""
    (found,) = [
        a["Properties"]
        for a in of_type(template, "AWS::CloudWatch::Alarm").values()
        if a["Properties"]["MetricName"] == metric
    ]
    return found


def arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def ref(logical_id: str) -> dict[str, Any]:
    return {"Ref": logical_id}
