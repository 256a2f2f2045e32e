"""HardenFunctions fills in what plain functions leave unset, and never adds a finding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match

from best_lambda import HardenedFunction
from best_lambda.aspects import HardenFunctions, apply_checks
from best_lambda.errors import InvalidPropsError
from best_lambda.rules.engine import evaluate
from tests.conftest import make_app

CODE = lambda_.Code.from_inline("def handler(event, context): pass")


def plain(scope: cdk.Stack, construct_id: str = "Plain", **kwargs: Any) -> lambda_.Function:
    kwargs.setdefault("runtime", lambda_.Runtime.PYTHON_3_13)
    return lambda_.Function(scope, construct_id, code=CODE, handler="index.handler", **kwargs)


def harden(app: cdk.App, aspect: HardenFunctions) -> dict[str, Any]:
    cdk.Aspects.of(app).add(aspect, priority=cdk.AspectPriority.MUTATING)
    app.synth()
    template: dict[str, Any] = json.loads((Path(app.outdir) / "Api.template.json").read_text())
    return template


def function_props(template: dict[str, Any], prefix: str) -> dict[str, Any]:
    (props,) = [
        r["Properties"]
        for k, r in template["Resources"].items()
        if k.startswith(prefix) and r["Type"] == "AWS::Lambda::Function"
    ]
    return props


def finding_ids(template: dict[str, Any]) -> set[str]:
    return {v.finding_id for v in evaluate([template]).violations}


def test_fills_in_what_is_missing_and_keeps_what_is_chosen(tmp_path: Path):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    plain(stack, "Bare")
    plain(
        stack,
        "Chosen",
        timeout=cdk.Duration.seconds(45),
        memory_size=2048,
        architecture=lambda_.Architecture.X86_64,
    )
    aspect = HardenFunctions(architecture=True, memory_size=512)
    template = harden(app, aspect)
    bare = function_props(template, "Bare")
    assert bare["Architectures"] == ["arm64"]
    assert bare["TracingConfig"] == {"Mode": "Active"}
    assert bare["LoggingConfig"] == {
        "LogFormat": "JSON",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "INFO",
    }
    assert (bare["Timeout"], bare["MemorySize"]) == (10, 512)
    chosen = function_props(template, "Chosen")
    assert chosen["Architectures"] == ["x86_64"]
    assert (chosen["Timeout"], chosen["MemorySize"]) == (45, 2048)
    # The repository's cdk.json enables aws-cdk-lib's managed log group: it has a retention.
    assert aspect.changes["Api/Bare"] == [
        "architecture",
        "tracing",
        "json_logs",
        "timeout",
        "memory_size",
    ]
    Annotations.from_stack(stack).has_info(
        "/Api/Bare", Match.string_like_regexp("HardenFunctions set architecture, tracing")
    )


def test_architecture_and_memory_are_left_alone_unless_asked(tmp_path: Path):
    app = make_app(tmp_path)
    plain(cdk.Stack(app, "Api"))
    aspect = HardenFunctions()
    props = function_props(harden(app, aspect), "Plain")
    assert "Architectures" not in props and "MemorySize" not in props
    assert aspect.changes["Api/Plain"] == ["tracing", "json_logs", "timeout"]


def test_xray_has_a_policy_of_its_own_not_the_default_policy(tmp_path: Path):
    app = make_app(tmp_path)
    fn = plain(cdk.Stack(app, "Api"))
    fn.add_to_role_policy(
        iam.PolicyStatement(actions=["s3:GetObject"], resources=["arn:aws:s3:::b/k"])
    )
    template = harden(app, HardenFunctions())
    policies = {
        k: r["Properties"]["PolicyDocument"]["Statement"]
        for k, r in template["Resources"].items()
        if r["Type"] == "AWS::IAM::Policy"
    }
    ((_, default),) = [(k, v) for k, v in policies.items() if "DefaultPolicy" in k]
    assert all(s["Resource"] != "*" for s in default)
    ((tracing_id, tracing),) = [(k, v) for k, v in policies.items() if "TracingPolicy" in k]
    ((statement,),) = [tracing]
    assert sorted(statement["Action"]) == ["xray:PutTelemetryRecords", "xray:PutTraceSegments"]
    assert statement["Resource"] == "*"
    function = next(
        r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"
    )
    assert tracing_id in function["DependsOn"]


def test_a_consumer_gets_a_timeout_that_fits_its_queue(tmp_path: Path):
    """Retrofit 10 s on a 30 s visibility timeout would create an SqsVisibilityTimeout error."""
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    queue = sqs.Queue(stack, "Jobs", visibility_timeout=cdk.Duration.seconds(30))
    fn = plain(stack)
    fn.add_event_source(event_sources.SqsEventSource(queue))
    template = harden(app, HardenFunctions())
    assert function_props(template, "Plain")["Timeout"] == 5  # 6 x 5 s = 30 s
    assert not {f for f in finding_ids(template) if "SqsVisibilityTimeout" in f}
    Annotations.from_stack(stack).has_info(
        "/Api/Plain", Match.string_like_regexp("timeout 5 s to fit its SQS source")
    )


def test_a_consumer_of_an_unknown_queue_keeps_its_timeout_unset(tmp_path: Path):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    queue = sqs.Queue.from_queue_arn(stack, "Theirs", "arn:aws:sqs:eu-west-1:123456789012:jobs")
    fn = plain(stack)
    fn.add_event_source(event_sources.SqsEventSource(queue))
    template = harden(app, HardenFunctions())
    assert "Timeout" not in function_props(template, "Plain")


def test_the_function_keeps_writing_to_its_own_log_group(tmp_path: Path):
    """Without aws-cdk-lib's managed-log-group flag, a LogGroup named like Lambda's own."""
    app = make_app(tmp_path)
    app.node.set_context("@aws-cdk/aws-lambda:useCdkManagedLogGroup", False)
    plain(cdk.Stack(app, "Api"))
    template = harden(app, HardenFunctions())
    ((group,),) = [
        [r] for r in template["Resources"].values() if r["Type"] == "AWS::Logs::LogGroup"
    ]
    function_id = next(
        k for k, r in template["Resources"].items() if r["Type"] == "AWS::Lambda::Function"
    )
    assert group["Properties"] == {
        "LogGroupName": {"Fn::Join": ["", ["/aws/lambda/", {"Ref": function_id}]]},
        "RetentionInDays": 30,
    }
    assert "LogGroup" not in function_props(template, "Plain")["LoggingConfig"]


def test_a_managed_log_group_keeps_its_retention_or_gets_one(tmp_path: Path):
    app = make_app(tmp_path)  # the repository's cdk.json enables the managed log group
    stack = cdk.Stack(app, "Api")
    plain(stack, "Kept")
    unbounded = plain(stack, "Unbounded")
    group = unbounded.node.find_child("LogGroup").node.default_child
    group.retention_in_days = None  # type: ignore[union-attr]  (as an escape hatch would)
    template = harden(app, HardenFunctions())
    retention = {
        k[:4]: r["Properties"].get("RetentionInDays")
        for k, r in template["Resources"].items()
        if r["Type"] == "AWS::Logs::LogGroup"
    }
    assert retention == {"Kept": 731, "Unbo": 30}  # aws-cdk-lib's two years is a choice


def test_deployed_functions_get_the_retention_set_on_their_existing_group(tmp_path: Path):
    app = make_app(tmp_path)
    app.node.set_context("@aws-cdk/aws-lambda:useCdkManagedLogGroup", False)
    plain(cdk.Stack(app, "Api"))
    template = harden(app, HardenFunctions(existing_log_groups=True))
    types = {r["Type"] for r in template["Resources"].values()}
    assert "Custom::LogRetention" in types and "AWS::Logs::LogGroup" not in types


def test_an_immutable_role_gets_no_tracing_policy(tmp_path: Path):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Api")
    role = iam.Role.from_role_arn(stack, "Given", "arn:aws:iam::123456789012:role/x", mutable=False)
    plain(stack, role=role)
    template = harden(app, HardenFunctions())
    assert not [r for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Policy"]
    assert "TracingConfig" not in function_props(template, "Plain")
    Annotations.from_stack(stack).has_info(
        "/Api/Plain", Match.string_like_regexp("tracing left off: the role is immutable")
    )


def test_hardening_never_adds_a_finding(tmp_path: Path):
    """Every finding after the retrofit was already there before it."""

    def app_with_functions(path: Path) -> cdk.App:
        app = make_app(path)
        stack = cdk.Stack(app, "Api")
        queue = sqs.Queue(stack, "Jobs", visibility_timeout=cdk.Duration.seconds(30))
        plain(stack, "Consumer").add_event_source(event_sources.SqsEventSource(queue))
        plain(stack, "Bare")
        plain(stack, "Tuned", timeout=cdk.Duration.seconds(3), memory_size=256)
        return app

    before = app_with_functions(tmp_path / "before")
    before.synth()
    unhardened = json.loads((Path(before.outdir) / "Api.template.json").read_text())
    after = harden(app_with_functions(tmp_path / "after"), HardenFunctions())
    assert finding_ids(after) <= finding_ids(unhardened)
    assert len(finding_ids(after)) < len(finding_ids(unhardened))


def test_then_enforce_leaves_no_errors_when_memory_is_set_too(tmp_path: Path):
    app = make_app(tmp_path)
    plain(cdk.Stack(app, "Api"))
    apply_checks(app, harden=HardenFunctions(memory_size=512))
    app.synth()  # hardened before it was judged: no error-level finding is left


def test_leaves_hardened_functions_alone(tmp_path: Path):
    app = make_app(tmp_path)
    HardenedFunction(
        cdk.Stack(app, "Api"),
        "Fn",
        code=CODE,
        handler="index.handler",
        architecture=lambda_.Architecture.X86_64,
    )
    aspect = HardenFunctions(architecture=True)
    harden(app, aspect)
    assert aspect.changes == {}


def test_options_are_validated_together():
    with pytest.raises(InvalidPropsError) as caught:
        HardenFunctions(timeout=cdk.Duration.minutes(30), memory_size=64, tracing="yes")  # type: ignore[arg-type]
    assert [p.prop for p in caught.value.problems] == ["tracing", "timeout", "memory_size"]
