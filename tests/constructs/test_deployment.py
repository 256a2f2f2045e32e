"""HardenedFunction(deployment=SafeDeployment(...)): a version, an alias, a CodeDeploy canary
that rolls back on the function's own alarms, and every trigger we wire on the alias."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_efs as efs
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_sqs as sqs

from best_lambda import (
    HardenedFunction,
    HardenedFunctionOptions,
    InvalidPropsError,
    QueueConsumer,
    SafeDeployment,
)
from best_lambda.constructs._trigger import invocable
from best_lambda.defaults.codedeploy import SAFE_DEPLOYMENT_PROPS
from best_lambda.testing import template_of

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")
ALIAS_DIMENSION = {"Fn::Join": ["", [{"Ref": "Fn9270CBC0"}, ":live"]]}


def function(stack: cdk.Stack, construct_id: str = "Fn", **kwargs: Any) -> HardenedFunction:
    kwargs.setdefault("code", CODE)
    kwargs.setdefault("handler", "index.handler")
    return HardenedFunction(stack, construct_id, **kwargs)


def of_type(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == rtype}


def one(template: dict[str, Any], rtype: str) -> tuple[str, dict[str, Any]]:
    found = of_type(template, rtype)
    assert len(found) == 1, sorted(found)
    return next(iter(found.items()))


def problems_of(stack: cdk.Stack, **kwargs: Any) -> list[str]:
    with pytest.raises(InvalidPropsError) as caught:
        function(stack, "Bad", **kwargs)
    assert stack.node.try_find_child("Bad") is None  # nothing was created
    return [str(p) for p in caught.value.problems]


# -- the alias and the deployment group ---------------------------------------------------
def test_alias_points_at_the_published_version(stack: cdk.Stack):
    fn = function(stack, deployment=SafeDeployment())
    template = template_of(stack)
    version_id, version = one(template, "AWS::Lambda::Version")
    alias_id, alias = one(template, "AWS::Lambda::Alias")
    assert version_id.startswith("FnCurrentVersion")  # fn.current_version: hashed per change
    assert version["Properties"]["FunctionName"] == {"Ref": "Fn9270CBC0"}
    assert alias["Properties"]["Name"] == "live"
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}
    assert "ProvisionedConcurrencyConfig" not in alias["Properties"]
    # The path aws_lambda.Function.add_alias("live") gives: a hand-wired alias keeps its ID.
    assert alias_id.startswith("FnAliaslive")
    assert fn.alias is not None and fn.alias.alias_name == "live"
    assert fn.deployment_group is not None
    assert fn.deployment_group.node.path == "Test/Fn/DeploymentGroup"


def test_deployment_group_canary_rolls_back_on_the_functions_alarms(stack: cdk.Stack):
    fn = function(stack, deployment=SafeDeployment())
    template = template_of(stack)
    _, group = one(template, "AWS::CodeDeploy::DeploymentGroup")
    props = group["Properties"]
    assert props["DeploymentConfigName"] == "CodeDeployDefault.LambdaCanary10Percent5Minutes"
    assert props["DeploymentStyle"] == {
        "DeploymentOption": "WITH_TRAFFIC_CONTROL",
        "DeploymentType": "BLUE_GREEN",
    }
    ids = {name: stack.get_logical_id(a.node.default_child) for name, a in fn.alarms.items()}
    assert props["AlarmConfiguration"] == {
        "Alarms": [{"Name": {"Ref": ids["Errors"]}}, {"Name": {"Ref": ids["Duration"]}}],
        "Enabled": True,
    }
    assert props["AutoRollbackConfiguration"] == {
        "Enabled": True,
        "Events": ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
    }
    _, alias = one(template, "AWS::Lambda::Alias")
    update = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
    assert update["DeploymentGroupName"] == {"Ref": "FnDeploymentGroupC33FA8CF"}


def test_alarms_measure_the_alias_with_the_same_logical_ids(stack: cdk.Stack, app: cdk.App):
    plain_stack = cdk.Stack(app, "Plain")
    function(plain_stack)
    plain = of_type(template_of(plain_stack), "AWS::CloudWatch::Alarm")
    function(stack, deployment=SafeDeployment())
    alarms = of_type(template_of(stack), "AWS::CloudWatch::Alarm")
    assert sorted(alarms) == sorted(plain)  # same names, same logical IDs
    by_metric = {a["Properties"]["MetricName"]: a["Properties"] for a in alarms.values()}
    for metric in ("Errors", "Throttles", "Duration"):
        assert by_metric[metric]["Dimensions"] == [
            {"Name": "FunctionName", "Value": {"Ref": "Fn9270CBC0"}},
            {"Name": "Resource", "Value": ALIAS_DIMENSION},
        ], metric
        assert by_metric[metric]["Period"] == 60, metric  # the canary lasts 5 periods
    assert "the alias 'live'" in by_metric["Errors"]["AlarmDescription"]
    # The dead-letter alarms watch the function's queue, as without a deployment.
    plain_by_metric = {a["Properties"]["MetricName"]: a["Properties"] for a in plain.values()}
    for metric in ("DeadLetterErrors", "ApproximateNumberOfMessagesVisible"):
        described = by_metric[metric].pop("AlarmDescription")
        assert described == plain_by_metric[metric].pop("AlarmDescription").replace(
            "Plain/", "Test/"
        )
        assert by_metric[metric] == plain_by_metric[metric]
    for metric in ("Errors", "Throttles", "Duration"):
        assert plain_by_metric[metric]["Period"] == 300
        assert len(plain_by_metric[metric]["Dimensions"]) == 1


@pytest.mark.parametrize(
    ("config", "name"),
    [
        (
            codedeploy.LambdaDeploymentConfig.LINEAR_10_PERCENT_EVERY_1_MINUTE,
            "Linear10PercentEvery1Minute",
        ),
        (codedeploy.LambdaDeploymentConfig.ALL_AT_ONCE, "AllAtOnce"),
    ],
)
def test_deployment_config_alias_name_and_application(stack: cdk.Stack, config: Any, name: str):
    application = codedeploy.LambdaApplication(stack, "Orders")
    extra = cloudwatch.Alarm(
        stack,
        "Latency",
        metric=cloudwatch.Metric(namespace="Shop", metric_name="Latency"),
        threshold=1,
        evaluation_periods=1,
    )
    fn = function(
        stack,
        deployment=SafeDeployment(
            deployment_config=config,
            alias_name="prod",
            application=application,
            alarms=[extra],
            deployment_group_name="orders-fn",
        ),
    )
    template = template_of(stack)
    _, group = one(template, "AWS::CodeDeploy::DeploymentGroup")
    props = group["Properties"]
    assert props["DeploymentConfigName"] == f"CodeDeployDefault.Lambda{name}"
    assert props["ApplicationName"] == {"Ref": stack.get_logical_id(application.node.default_child)}
    assert props["DeploymentGroupName"] == "orders-fn"
    extra_id = stack.get_logical_id(extra.node.default_child)  # type: ignore[arg-type]
    assert {"Name": {"Ref": extra_id}} in props["AlarmConfiguration"]["Alarms"]
    assert len(props["AlarmConfiguration"]["Alarms"]) == 3
    assert fn.alias is not None and fn.alias.alias_name == "prod"
    assert len(of_type(template, "AWS::CodeDeploy::Application")) == 1  # the one passed


def test_asynchronous_invocations_of_the_alias_keep_the_functions_settings(stack: cdk.Stack):
    """Lambda configures async invocation per qualifier: the alias needs its own copy."""
    failures = sqs.Queue(stack, "Failures")
    function(
        stack,
        retry_attempts=0,
        max_event_age=cdk.Duration.minutes(10),
        on_failure=destinations.SqsDestination(failures),
        deployment=SafeDeployment(),
    )
    template = template_of(stack)
    alias_id, _ = one(template, "AWS::Lambda::Alias")
    configs = of_type(template, "AWS::Lambda::EventInvokeConfig")
    qualifiers = sorted(str(c["Properties"]["Qualifier"]) for c in configs.values())
    assert qualifiers[0] == "$LATEST"
    assert f"'Ref': '{alias_id}'" in qualifiers[1]  # the alias name, from its ARN
    for config in configs.values():
        assert config["Properties"]["MaximumRetryAttempts"] == 0
        assert config["Properties"]["MaximumEventAgeInSeconds"] == 600
        assert "OnFailure" in config["Properties"]["DestinationConfig"]


def test_a_synchronous_alias_gets_no_async_configuration(stack: cdk.Stack):
    function(stack, dead_letter_queue_enabled=False, deployment=SafeDeployment())
    assert of_type(template_of(stack), "AWS::Lambda::EventInvokeConfig") == {}


def test_no_deployment_no_version_no_alias(stack: cdk.Stack):
    fn = function(stack)
    template = template_of(stack)
    for rtype in ("AWS::Lambda::Version", "AWS::Lambda::Alias", "AWS::CodeDeploy::DeploymentGroup"):
        assert of_type(template, rtype) == {}
    assert fn.alias is None and fn.deployment_group is None
    assert invocable(fn) is fn


# -- triggers on the alias ----------------------------------------------------------------
def _mapping_function(template: dict[str, Any]) -> Any:
    _, mapping = one(template, "AWS::Lambda::EventSourceMapping")
    return mapping["Properties"]["FunctionName"]


def _refers_to_alias(template: dict[str, Any], value: Any) -> bool:
    alias_id, _ = one(template, "AWS::Lambda::Alias")
    return f"'Ref': '{alias_id}'" in str(value)


def test_queue_consumer_with_a_deploying_function_consumes_through_the_alias(stack: cdk.Stack):
    fn = function(stack, deployment=SafeDeployment(), dead_letter_queue_enabled=False)
    consumer = QueueConsumer(stack, "Consumer", function=fn)
    template = template_of(stack)
    assert _refers_to_alias(template, _mapping_function(template))
    assert consumer.function is fn
    mapping = fn.alias.node.try_find_child(  # type: ignore[union-attr]
        f"SqsEventSource:{cdk.Names.node_unique_id(consumer.queue.node)}"
    )
    assert mapping is not None


def test_queue_consumer_builds_a_deploying_function(stack: cdk.Stack):
    consumer = QueueConsumer(
        stack,
        "Consumer",
        function_options=HardenedFunctionOptions(
            code=CODE, handler="index.handler", deployment=SafeDeployment()
        ),
    )
    template = template_of(stack)
    assert _refers_to_alias(template, _mapping_function(template))
    fn = consumer.function
    assert isinstance(fn, HardenedFunction) and invocable(fn) is fn.alias
    # The consumer's alarms include the function's, on the alias.
    assert {"Errors", "OldestMessageAge"} <= set(consumer.alarms)


def test_queue_consumer_given_the_alias_itself(stack: cdk.Stack):
    fn = function(
        stack,
        timeout=cdk.Duration.seconds(30),
        deployment=SafeDeployment(),
        dead_letter_queue_enabled=False,
    )
    assert fn.alias is not None
    consumer = QueueConsumer(stack, "Consumer", function=fn.alias)
    template = template_of(stack)
    assert _refers_to_alias(template, _mapping_function(template))
    # The alias's function is known: the visibility timeout follows its timeout (6 x 30 s).
    assert consumer.queue.node.default_child.visibility_timeout == 180  # type: ignore[union-attr]


def test_add_event_source_through_the_helper(stack: cdk.Stack):
    fn = function(stack, deployment=SafeDeployment(), dead_letter_queue_enabled=False)
    queue = sqs.Queue(stack, "Jobs")
    invocable(fn).add_event_source(event_sources.SqsEventSource(queue))
    template = template_of(stack)
    assert _refers_to_alias(template, _mapping_function(template))


def test_events_keyword_binds_to_the_alias(stack: cdk.Stack):
    queue = sqs.Queue(stack, "Jobs")
    function(
        stack,
        deployment=SafeDeployment(),
        dead_letter_queue_enabled=False,
        events=[event_sources.SqsEventSource(queue)],
    )
    template = template_of(stack)
    assert _refers_to_alias(template, _mapping_function(template))


# -- hooks --------------------------------------------------------------------------------
def test_hooks_run_before_and_after_traffic_shifts(stack: cdk.Stack):
    before = function(stack, "Before", dead_letter_queue_enabled=False)
    after = function(stack, "After", dead_letter_queue_enabled=False)
    function(stack, deployment=SafeDeployment(pre_hook=before, post_hook=after))
    template = template_of(stack)
    _, alias = one(template, "AWS::Lambda::Alias")
    update = alias["UpdatePolicy"]["CodeDeployLambdaAliasUpdate"]
    before_id = stack.get_logical_id(before.node.default_child)  # type: ignore[arg-type]
    after_id = stack.get_logical_id(after.node.default_child)  # type: ignore[arg-type]
    assert update["BeforeAllowTrafficHook"] == {"Ref": before_id}
    assert update["AfterAllowTrafficHook"] == {"Ref": after_id}
    policies = " ".join(str(p) for p in of_type(template, "AWS::IAM::Policy").values())
    # Each hook may report its result; CodeDeploy's role may invoke each hook.
    assert policies.count("codedeploy:PutLifecycleEventHookExecutionStatus") == 2
    assert f"'Fn::GetAtt': ['{before_id}', 'Arn']" in policies


def test_a_hook_aws_cdk_lib_cannot_grant_is_refused(stack: cdk.Stack):
    foreign = lambda_.Function.from_function_arn(
        stack, "Foreign", "arn:aws:lambda:eu-west-1:123456789012:function:smoke"
    )
    problems = problems_of(stack, deployment=SafeDeployment(post_hook=foreign))
    assert len(problems) == 1
    assert problems[0].startswith("deployment.post_hook=<")
    assert "Test/Foreign>: CodeDeploy must be allowed to invoke it" in problems[0]
    assert "same_environment=True" in problems[0]


# -- provisioned concurrency --------------------------------------------------------------
def test_provisioned_concurrency_on_the_alias(stack: cdk.Stack):
    function(
        stack,
        reserved_concurrent_executions=10,
        deployment=SafeDeployment(provisioned_concurrent_executions=4),
    )
    template = template_of(stack)
    _, alias = one(template, "AWS::Lambda::Alias")
    assert alias["Properties"]["ProvisionedConcurrencyConfig"] == {
        "ProvisionedConcurrentExecutions": 4
    }
    _, version = one(template, "AWS::Lambda::Version")
    assert "ProvisionedConcurrencyConfig" not in version["Properties"]


def test_provisioned_concurrency_without_an_alias_is_refused(stack: cdk.Stack):
    problems = problems_of(
        stack,
        provisioned_concurrent_executions=2,
        current_version_options=lambda_.VersionOptions(provisioned_concurrent_executions=2),
    )
    assert problems == [
        "provisioned_concurrent_executions=2: provisioned concurrency belongs to the alias "
        "callers invoke, not the function: "
        "deployment=SafeDeployment(provisioned_concurrent_executions=N)",
        "current_version_options.provisioned_concurrent_executions=2: provisioned concurrency "
        "on a version is used only by callers that invoke that version number "
        "(BestLambda-ColdStartConfig); put it on the alias: "
        "deployment=SafeDeployment(provisioned_concurrent_executions=N)",
    ]


def test_provisioned_concurrency_above_reserved_is_refused(stack: cdk.Stack):
    problems = problems_of(
        stack,
        reserved_concurrent_executions=2,
        deployment=SafeDeployment(provisioned_concurrent_executions=5),
    )
    assert problems == [
        "deployment.provisioned_concurrent_executions + reserved_concurrent_executions=5: "
        "must not exceed reserved_concurrent_executions=2: provisioned concurrency is part of "
        "the function's reserved concurrency (Lambda rule)"
    ]


# -- SnapStart ----------------------------------------------------------------------------
def test_snap_start_with_a_deployment(stack: cdk.Stack):
    fn = function(
        stack,
        runtime=lambda_.Runtime.PYTHON_3_13,
        snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS,
        deployment=SafeDeployment(),
    )
    template = template_of(stack)
    _, props = one(template, "AWS::Lambda::Function")
    assert props["Properties"]["SnapStart"] == {"ApplyOn": "PublishedVersions"}
    # aws-cdk-lib's "SnapStart only supports published versions" warning is answered.
    warnings = [
        m
        for m in fn.node.metadata
        if m.type == "aws:cdk:warning" and "snapStartRequirePublish" in str(m.data)
    ]
    assert warnings == []


def test_snap_start_without_a_deployment_keeps_aws_cdk_libs_warning(stack: cdk.Stack):
    fn = function(stack, snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS)
    assert any("snapStartRequirePublish" in str(m.data) for m in fn.node.metadata)


def test_each_refused_snap_start_combination_in_one_error(stack: cdk.Stack):
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
    access_point = efs.FileSystem(stack, "Files", vpc=vpc).add_access_point("Ap")
    problems = problems_of(
        stack,
        runtime=lambda_.Runtime.NODEJS_22_X,
        snap_start=lambda_.SnapStartConf.ON_PUBLISHED_VERSIONS,
        deployment=SafeDeployment(provisioned_concurrent_executions=2),
        vpc=vpc,
        filesystem=lambda_.FileSystem.from_efs_access_point(access_point, "/mnt/data"),
        ephemeral_storage_size=cdk.Size.gibibytes(1),
        tenancy_config=lambda_.TenancyConfig.PER_TENANT,
    )
    assert [p.split("=", 1)[0] for p in problems] == [
        "snap_start + runtime",
        "snap_start + deployment.provisioned_concurrent_executions",
        "snap_start + filesystem",
        "snap_start + ephemeral_storage_size",
        "snap_start + tenancy_config",
    ]
    assert "SnapStart does not support nodejs22.x" in problems[0]
    assert "exclude each other" in problems[1]


# -- invalid options ----------------------------------------------------------------------
def test_invalid_options_are_named_with_the_functions_other_problems(stack: cdk.Stack):
    problems = problems_of(
        stack,
        memory_size=64,
        deployment={
            "alias_name": "42",
            "provisioned_concurrent_executions": 0,
            "deployment_config": "CANARY_10_PERCENT_5_MINUTES",
            "alarm": [],
        },
    )
    assert [p.split("=", 1)[0] for p in problems] == [
        "memory_size",
        "deployment.deployment_config",
        "deployment.alias_name",
        "deployment.provisioned_concurrent_executions",
        "deployment.alarm",
    ]
    assert "did you mean 'alarms'?" in problems[-1]
    assert "not only digits" in problems[2]


def test_deployment_must_be_safe_deployment(stack: cdk.Stack):
    problems = problems_of(stack, deployment="canary")
    assert problems == [
        "deployment='canary': expected SafeDeployment(...) (a dict of SafeDeployment keyword "
        "arguments), got str"
    ]


def test_a_deployment_with_nothing_to_roll_back_on_is_refused(stack: cdk.Stack):
    problems = problems_of(stack, create_alarms=False, deployment=SafeDeployment())
    assert len(problems) == 1 and problems[0].startswith("deployment + create_alarms=False")
    extra = cloudwatch.Alarm(
        stack,
        "Mine",
        metric=cloudwatch.Metric(namespace="Shop", metric_name="Errors"),
        threshold=1,
        evaluation_periods=1,
    )
    function(stack, create_alarms=False, deployment=SafeDeployment(alarms=[extra]))
    _, group = one(template_of(stack), "AWS::CodeDeploy::DeploymentGroup")
    mine = stack.get_logical_id(extra.node.default_child)  # type: ignore[arg-type]
    assert group["Properties"]["AlarmConfiguration"]["Alarms"] == [{"Name": {"Ref": mine}}]


def test_safe_deployment_is_its_declaration():
    assert list(SafeDeployment.__annotations__) == list(SAFE_DEPLOYMENT_PROPS.names)


def test_stream_and_api_triggers_invoke_the_alias(stack: cdk.Stack):
    """Every trigger construct wires to the alias CodeDeploy shifts, not to $LATEST."""
    from aws_cdk import aws_apigatewayv2 as apigatewayv2

    from best_lambda import ApiFunction, StreamConsumer

    fn = HardenedFunction(
        stack,
        "Fn",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        handler="index.handler",
        dead_letter_queue_enabled=False,
        deployment=SafeDeployment(),
    )
    consumer = StreamConsumer(stack, "Changes", function=fn)
    api = ApiFunction(
        stack, "Orders", function=fn, http_api=apigatewayv2.HttpApi(stack, "Http"), path="/orders"
    )
    assert api.invoked is fn.alias
    template = template_of(stack)
    alias_id = stack.get_logical_id(fn.alias.node.default_child)  # type: ignore[union-attr,arg-type]
    (mapping,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::EventSourceMapping"
    ]
    assert alias_id in str(mapping["Properties"]["FunctionName"])  # <function>:live
    assert consumer.function is fn
    with pytest.raises(InvalidPropsError, match="deploys through its own alias"):
        ApiFunction(
            stack, "Pc", function=fn, function_url=True, provisioned_concurrent_executions=2
        )
