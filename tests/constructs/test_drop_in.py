"""A HardenedFunction goes wherever aws-cdk-lib takes a function (issue 9, items 1 and 7).

``HardenedFunction`` is an ``aws_lambda.Function``, so it is an ``IFunction``, an
``IGrantable`` and an ``IConnectable``. Each test here wires one function into one
aws-cdk-lib API the way a user would, then checks two things on the synthesized template:

* the wiring itself, by the function's logical ID: the grant's statement in the function
  role's default policy, the invoke permission on the function's ARN, the integration URI,
  the target, the subscription endpoint, the event source mapping, ...;
* that the stack is clean under BestLambda + AwsSolutions + Serverless.

The *other* resources a test creates (buckets, APIs, load balancers, state machines) are
configured properly where that is cheap; a cdk-nag finding that belongs to one of them
and would take real infrastructure to satisfy (a WAF, a Cognito user pool, access-log
buckets) is acknowledged on that resource, with its reason, as a user would. Nothing is
ever acknowledged on the function, its resource or a scope above it (``acknowledge`` below
refuses): the point is that the function stays clean. The one acknowledgement under the
function is the user's own: the wildcards of ``bucket.grant_read(fn)`` in the role's
default policy, one finding ID each, which a plain ``aws_lambda.Function`` gets too.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_apigatewayv2_authorizers as apigwv2_authorizers
from aws_cdk import aws_apigatewayv2_integrations as apigwv2_integrations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_elasticloadbalancingv2_targets as elbv2_targets
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as events_targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from aws_cdk import aws_stepfunctions_tasks as tasks
from constructs import IConstruct

from best_lambda import HardenedFunction, HardenedFunctionOptions, QueueConsumer
from best_lambda.testing import ALL_PACKS, assert_compliant, template_of

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")


# -- helpers --------------------------------------------------------------------------------
def hardened(stack: cdk.Stack, construct_id: str = "Fn", **kwargs: Any) -> HardenedFunction:
    return HardenedFunction(stack, construct_id, code=CODE, handler="index.handler", **kwargs)


def logical_id(construct: IConstruct) -> str:
    """The logical ID of an L1 resource, or of an L2 construct's ``Resource``."""
    element = construct if isinstance(construct, cdk.CfnElement) else construct.node.default_child
    assert isinstance(element, cdk.CfnElement), f"{construct.node.path} has no CFN resource"
    resolved: str = cdk.Stack.of(element).resolve(element.logical_id)
    return resolved


def arn(resource_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [resource_id, "Arn"]}


def ref(resource_id: str) -> dict[str, Any]:
    return {"Ref": resource_id}


def contains(value: Any, part: Any) -> bool:
    """Whether ``part`` occurs anywhere in ``value`` (nested dicts and lists)."""
    if value == part:
        return True
    if isinstance(value, dict):
        return any(contains(v, part) for v in value.values())
    if isinstance(value, list):
        return any(contains(v, part) for v in value)
    return False


def of_type(template: dict[str, Any], rtype: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == rtype}


def invoke_permissions(template: dict[str, Any], fn_id: str) -> list[dict[str, Any]]:
    """The properties of every ``AWS::Lambda::Permission`` on the function ``fn_id``."""
    return [
        p["Properties"]
        for p in of_type(template, "AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] in (arn(fn_id), ref(fn_id))
    ]


def role_statements(template: dict[str, Any], role: iam.IRole | None) -> list[dict[str, Any]]:
    """The statements of ``role``'s default policy, after checking it is attached to it."""
    assert isinstance(role, iam.Role)
    policy = role.node.find_child("DefaultPolicy")
    properties = template["Resources"][logical_id(policy)]["Properties"]
    assert properties["Roles"] == [ref(logical_id(role))]
    statements: list[dict[str, Any]] = properties["PolicyDocument"]["Statement"]
    return statements


def granted(statements: list[dict[str, Any]], action: str, resource: Any) -> bool:
    """Whether some Allow statement grants ``action`` on a resource containing ``resource``."""
    for statement in statements:
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else actions
        if (
            statement["Effect"] == "Allow"
            and action in actions
            and contains(statement["Resource"], resource)
        ):
            return True
    return False


def acknowledge(construct: IConstruct, reason: str, *rule_ids: str) -> None:
    """Acknowledge cdk-nag findings on a resource that is not the function.

    An acknowledgement covers the construct and everything under it, so one that would
    reach a HardenedFunction's own resource (on the function, its ``Resource``, or any
    scope above it) is refused: the function must pass on its own.
    """
    covered = construct.node.find_all()
    assert not any(isinstance(c, HardenedFunction) for c in covered), (
        f"{construct.node.path} would acknowledge findings of a HardenedFunction"
    )
    assert not (
        isinstance(construct, lambda_.CfnFunction)
        and isinstance(construct.node.scope, HardenedFunction)
    ), f"{construct.node.path} is a HardenedFunction's own resource"
    for rule_id in rule_ids:
        cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment(id=rule_id, reason=reason))


def assert_clean(stack: cdk.Stack) -> None:
    """No unacknowledged finding of BestLambda, AwsSolutions or Serverless in the stack."""
    __tracebackhide__ = True
    assert_compliant(stack, packs=ALL_PACKS)


# -- grants: the statement lands in the function role's default policy ----------------------
def test_table_grant_read_write_data(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    table = dynamodb.TableV2(
        stack,
        "Orders",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
    )
    table.grant_read_write_data(fn)

    statements = role_statements(template_of(stack), fn.role)
    table_arn = arn(logical_id(table))
    for action in ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem"):
        assert granted(statements, action, table_arn), action
    assert_clean(stack)


def test_bucket_grant_read(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    bucket = s3.Bucket(stack, "Reports", enforce_ssl=True)
    acknowledge(
        bucket,
        "reports are written by the app itself; CloudTrail data events audit reads",
        "AwsSolutions-S1",
    )
    bucket.grant_read(fn)

    statements = role_statements(template_of(stack), fn.role)
    bucket_id = logical_id(bucket)
    assert granted(statements, "s3:GetObject*", arn(bucket_id))
    assert granted(statements, "s3:List*", arn(bucket_id))
    # aws-cdk-lib's read set uses wildcards (s3:GetObject*, every object): AwsSolutions-IAM5
    # checks the user's grants in the role's default policy (HardenedFunction keeps its own
    # wildcard statements elsewhere so that it can). The user accepts *this grant's*
    # wildcards, one by one, on that policy; the same findings arise with aws_lambda.Function.
    assert fn.role is not None
    acknowledge(
        fn.role.node.find_child("DefaultPolicy"),
        "bucket.grant_read(fn): the function reads every report in this bucket",
        "AwsSolutions-IAM5[Action::s3:GetBucket*]",
        "AwsSolutions-IAM5[Action::s3:GetObject*]",
        "AwsSolutions-IAM5[Action::s3:List*]",
        f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/*]",
    )
    assert_clean(stack)


def test_secret_grant_read(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    secret = secretsmanager.Secret(stack, "ApiKey")
    acknowledge(
        secret, "a third-party API key, rotated by hand with the vendor", "AwsSolutions-SMG4"
    )
    secret.grant_read(fn)

    statements = role_statements(template_of(stack), fn.role)
    assert granted(statements, "secretsmanager:GetSecretValue", ref(logical_id(secret)))
    assert_clean(stack)


def test_queue_consumer_function_is_the_function(stack: cdk.Stack) -> None:
    consumer = QueueConsumer(
        stack,
        "IndexOrders",
        function_options=HardenedFunctionOptions(code=CODE, handler="index.handler"),
    )
    table = dynamodb.TableV2(
        stack,
        "Orders",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
            point_in_time_recovery_enabled=True
        ),
    )
    fn = consumer.function
    assert isinstance(fn, HardenedFunction)
    assert isinstance(fn, lambda_.Function)
    table.grant_write_data(fn)

    template = template_of(stack)
    assert granted(role_statements(template, fn.role), "dynamodb:PutItem", arn(logical_id(table)))
    (mapping,) = of_type(template, "AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["FunctionName"] == ref(logical_id(fn))
    assert_clean(stack)


# -- API Gateway: an invoke permission on the function's ARN, and the integration URI -------
def _json_access_log_format() -> apigw.AccessLogFormat:
    return apigw.AccessLogFormat.json_with_standard_fields(
        caller=True,
        http_method=True,
        ip=True,
        protocol=True,
        request_time=True,
        resource_path=True,
        response_length=True,
        status=True,
        user=True,
    )


@jsii.implements(apigwv2.IAccessLogSettings)
class _HttpAccessLogs:
    """JSON access logs for an HTTP API stage (aws-cdk-lib takes an interface here)."""

    def __init__(self, group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return _json_access_log_format()


def _rest_api_options(stack: cdk.Stack) -> dict[str, Any]:
    """What a production REST API has: JSON access logs, tracing, throttling, IAM auth."""
    access_logs = logs.LogGroup(stack, "ApiAccessLogs", retention=logs.RetentionDays.ONE_MONTH)
    return {
        "cloud_watch_role": False,
        "deploy_options": apigw.StageOptions(
            access_log_destination=apigw.LogGroupLogDestination(access_logs),
            access_log_format=_json_access_log_format(),
            logging_level=apigw.MethodLoggingLevel.ERROR,
            tracing_enabled=True,
            throttling_rate_limit=100,
            throttling_burst_limit=50,
        ),
        "default_method_options": apigw.MethodOptions(
            authorization_type=apigw.AuthorizationType.IAM
        ),
    }


def _acknowledge_rest_api(api: apigw.RestApi) -> None:
    acknowledge(
        api,
        "an internal API called by other services with SigV4 (IAM authorization); no "
        "Cognito users and no WAF in front of it",
        "AwsSolutions-APIG3",
        "AwsSolutions-COG4",
    )


def _lambda_integration_uri(fn_id: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":apigateway:",
                {"Ref": "AWS::Region"},
                ":lambda:path/2015-03-31/functions/",
                arn(fn_id),
                "/invocations",
            ],
        ]
    }


def test_rest_api_lambda_integration(stack: cdk.Stack) -> None:
    """The function as swapped in for an ``aws_lambda.Function``, every default kept."""
    fn = hardened(stack)
    api = apigw.RestApi(stack, "Api", **_rest_api_options(stack))
    api.add_request_validator(
        "Validator", validate_request_body=True, validate_request_parameters=True
    )
    api.root.add_resource("orders").add_method("POST", apigw.LambdaIntegration(fn))
    _acknowledge_rest_api(api)

    template = template_of(stack)
    fn_id = logical_id(fn)
    (method,) = of_type(template, "AWS::ApiGateway::Method").values()
    assert method["Properties"]["Integration"]["Uri"] == _lambda_integration_uri(fn_id)
    permissions = invoke_permissions(template, fn_id)
    assert {p["Principal"] for p in permissions} == {"apigateway.amazonaws.com"}
    assert all(p["FunctionName"] == arn(fn_id) for p in permissions)
    assert any(contains(p["SourceArn"], ref(logical_id(api))) for p in permissions)
    assert_clean(stack)


def test_lambda_rest_api_handler(stack: cdk.Stack) -> None:
    """An API handler declared synchronous, as the README advises (no DLQ)."""
    fn = hardened(stack, dead_letter_queue_enabled=False)
    api = apigw.LambdaRestApi(stack, "Api", handler=fn, **_rest_api_options(stack))
    api.add_request_validator(
        "Validator", validate_request_body=True, validate_request_parameters=True
    )
    _acknowledge_rest_api(api)

    template = template_of(stack)
    fn_id = logical_id(fn)
    methods = of_type(template, "AWS::ApiGateway::Method").values()
    assert {m["Properties"]["HttpMethod"] for m in methods} == {"ANY"}
    assert all(
        m["Properties"]["Integration"]["Uri"] == _lambda_integration_uri(fn_id) for m in methods
    )
    assert {p["Principal"] for p in invoke_permissions(template, fn_id)} == {
        "apigateway.amazonaws.com"
    }
    assert_clean(stack)


def test_http_api_lambda_integration(stack: cdk.Stack) -> None:
    fn = hardened(stack, dead_letter_queue_enabled=False)
    api = apigwv2.HttpApi(stack, "HttpApi", create_default_stage=False)
    access_logs = logs.LogGroup(stack, "HttpAccessLogs", retention=logs.RetentionDays.ONE_MONTH)
    apigwv2.HttpStage(
        stack,
        "Stage",
        http_api=api,
        auto_deploy=True,
        access_log_settings=_HttpAccessLogs(access_logs),
        throttle=apigwv2.ThrottleSettings(rate_limit=100, burst_limit=50),
    )
    api.add_routes(
        path="/orders",
        methods=[apigwv2.HttpMethod.POST],
        integration=apigwv2_integrations.HttpLambdaIntegration("Orders", fn),
        authorizer=apigwv2_authorizers.HttpIamAuthorizer(),
    )

    template = template_of(stack)
    fn_id = logical_id(fn)
    (integration,) = of_type(template, "AWS::ApiGatewayV2::Integration").values()
    assert integration["Properties"]["IntegrationType"] == "AWS_PROXY"
    assert integration["Properties"]["IntegrationUri"] == arn(fn_id)
    (permission,) = invoke_permissions(template, fn_id)
    assert permission["Principal"] == "apigateway.amazonaws.com"
    assert permission["FunctionName"] == arn(fn_id)
    assert contains(permission["SourceArn"], ref(logical_id(api)))
    assert_clean(stack)


#: Why ``fn.grant_invoke(role)``'s second resource, ``<function ARN>:*``, is fine.
_INVOKE_VERSIONS = (
    "aws-cdk-lib's grant_invoke covers the function's versions and aliases (<arn>:*): "
    "this one function, nothing else"
)


def _vpc(stack: cdk.Stack, *, nat_gateways: int) -> ec2.Vpc:
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=nat_gateways)
    acknowledge(
        vpc, "a VPC for one function; flow logs are the network team's", "AwsSolutions-VPC7"
    )
    # The flag @aws-cdk/aws-ec2:restrictDefaultSecurityGroup adds a provider function.
    acknowledge(
        stack.node.find_child("Custom::VpcRestrictDefaultSGCustomResourceProvider"),
        "aws-cdk-lib's own provider that empties the VPC's default security group",
        "BestLambda-CdkFrameworkFunction",
    )
    return vpc


# -- load balancer, rule, schedule, topic and bucket targets --------------------------------
def test_alb_lambda_target(stack: cdk.Stack) -> None:
    fn = hardened(stack, dead_letter_queue_enabled=False)
    vpc = _vpc(stack, nat_gateways=0)
    alb = elbv2.ApplicationLoadBalancer(stack, "Alb", vpc=vpc, internet_facing=False)
    acknowledge(
        alb, "an internal load balancer; access logs need a log bucket", "AwsSolutions-ELB2"
    )
    listener = alb.add_listener("Http", port=80, open=False)
    listener.add_targets("Orders", targets=[elbv2_targets.LambdaTarget(fn)])
    # aws-cdk-lib's permission for the load balancer names no source (BestLambda-
    # PublicInvokePermission, the confused deputy): restrict it to this account, as the
    # rule's fix says, through the generated CfnPermission.
    (permission_l1,) = [c for c in fn.node.children if isinstance(c, lambda_.CfnPermission)]
    permission_l1.source_account = stack.account

    template = template_of(stack)
    fn_id = logical_id(fn)
    (group,) = of_type(template, "AWS::ElasticLoadBalancingV2::TargetGroup").values()
    assert group["Properties"]["TargetType"] == "lambda"
    assert group["Properties"]["Targets"] == [{"Id": arn(fn_id)}]
    # aws-cdk-lib grants the load balancer service, with no SourceArn (the target group
    # depends on the permission, so it cannot name the group), and orders the two.
    ((permission_id, permission),) = [
        (k, v)
        for k, v in of_type(template, "AWS::Lambda::Permission").items()
        if v["Properties"]["FunctionName"] == arn(fn_id)
    ]
    assert permission["Properties"]["Principal"] == "elasticloadbalancing.amazonaws.com"
    assert permission["Properties"]["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert permission_id in group["DependsOn"]
    assert_clean(stack)


def test_event_rule_target(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    assert fn.dead_letter_queue is not None
    rule = events.Rule(stack, "Nightly", schedule=events.Schedule.cron(hour="3", minute="0"))
    # Events EventBridge cannot deliver go to the same queue as events the function failed.
    rule.add_target(
        events_targets.LambdaFunction(fn, dead_letter_queue=fn.dead_letter_queue, retry_attempts=2)
    )

    template = template_of(stack)
    fn_id = logical_id(fn)
    (target,) = template["Resources"][logical_id(rule)]["Properties"]["Targets"]
    assert target["Arn"] == arn(fn_id)
    assert target["DeadLetterConfig"] == {"Arn": arn(logical_id(fn.dead_letter_queue))}
    (permission,) = invoke_permissions(template, fn_id)
    assert permission["Principal"] == "events.amazonaws.com"
    assert permission["SourceArn"] == arn(logical_id(rule))
    assert_clean(stack)


def test_scheduler_target(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    assert fn.dead_letter_queue is not None
    invoker = iam.Role(
        stack, "SchedulerRole", assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com")
    )
    acknowledge(invoker, _INVOKE_VERSIONS, f"AwsSolutions-IAM5[Resource::<{logical_id(fn)}.Arn>:*]")
    schedule = scheduler.Schedule(
        stack,
        "Hourly",
        schedule=scheduler.ScheduleExpression.rate(cdk.Duration.hours(1)),
        target=scheduler_targets.LambdaInvoke(
            fn, dead_letter_queue=fn.dead_letter_queue, retry_attempts=2, role=invoker
        ),
    )

    template = template_of(stack)
    fn_id = logical_id(fn)
    target = template["Resources"][logical_id(schedule)]["Properties"]["Target"]
    assert target["Arn"] == arn(fn_id)
    assert target["RoleArn"] == arn(logical_id(invoker))
    assert target["DeadLetterConfig"] == {"Arn": arn(logical_id(fn.dead_letter_queue))}
    assert granted(role_statements(template, invoker), "lambda:InvokeFunction", arn(fn_id))
    assert_clean(stack)


def test_sns_lambda_subscription(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    assert fn.dead_letter_queue is not None
    topic = sns.Topic(
        stack,
        "OrderPlaced",
        enforce_ssl=True,
        master_key=kms.Alias.from_alias_name(stack, "SnsKey", "alias/aws/sns"),
    )
    topic.add_subscription(
        subscriptions.LambdaSubscription(fn, dead_letter_queue=fn.dead_letter_queue)
    )

    template = template_of(stack)
    fn_id = logical_id(fn)
    (subscription,) = of_type(template, "AWS::SNS::Subscription").values()
    assert subscription["Properties"]["Protocol"] == "lambda"
    assert subscription["Properties"]["Endpoint"] == arn(fn_id)
    assert subscription["Properties"]["TopicArn"] == ref(logical_id(topic))
    assert subscription["Properties"]["RedrivePolicy"] == {
        "deadLetterTargetArn": arn(logical_id(fn.dead_letter_queue))
    }
    (permission,) = invoke_permissions(template, fn_id)
    assert permission["Principal"] == "sns.amazonaws.com"
    assert permission["SourceArn"] == ref(logical_id(topic))
    assert_clean(stack)


def test_s3_event_notification(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    bucket = s3.Bucket(stack, "Uploads", enforce_ssl=True)
    acknowledge(bucket, "uploads are audited with CloudTrail data events", "AwsSolutions-S1")
    bucket.add_event_notification(s3.EventType.OBJECT_CREATED, s3n.LambdaDestination(fn))
    # aws-cdk-lib configures notifications with a function of its own (one per stack).
    (handler,) = [
        c for c in stack.node.children if c.node.id.startswith("BucketNotificationsHandler")
    ]
    acknowledge(
        handler,
        "aws-cdk-lib's own bucket-notifications handler, which it does not let us configure",
        "BestLambda-CdkFrameworkFunction",
        "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
        "AWSLambdaBasicExecutionRole]",
    )

    template = template_of(stack)
    fn_id = logical_id(fn)
    (notifications,) = of_type(template, "Custom::S3BucketNotifications").values()
    configuration = notifications["Properties"]["NotificationConfiguration"]
    (destination,) = configuration["LambdaFunctionConfigurations"]
    assert destination["LambdaFunctionArn"] == arn(fn_id)
    assert notifications["Properties"]["BucketName"] == ref(logical_id(bucket))
    (permission,) = invoke_permissions(template, fn_id)
    assert permission["Principal"] == "s3.amazonaws.com"
    assert permission["SourceArn"] == arn(logical_id(bucket))
    assert_clean(stack)


def test_step_functions_lambda_invoke(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    invoke = tasks.LambdaInvoke(stack, "PriceOrder", lambda_function=fn)
    machine = sfn.StateMachine(
        stack,
        "Checkout",
        definition_body=sfn.DefinitionBody.from_chainable(invoke),
        tracing_enabled=True,
        logs=sfn.LogOptions(
            destination=logs.LogGroup(
                stack, "CheckoutLogs", retention=logs.RetentionDays.ONE_MONTH
            ),
            level=sfn.LogLevel.ALL,
        ),
    )

    acknowledge(
        machine.role,
        "X-Ray and CloudWatch Logs delivery need Resource '*' (AWS requires it); "
        + _INVOKE_VERSIONS,
        "AwsSolutions-IAM5[Resource::*]",
        f"AwsSolutions-IAM5[Resource::<{logical_id(fn)}.Arn>:*]",
    )

    template = template_of(stack)
    fn_id = logical_id(fn)
    definition = template["Resources"][logical_id(machine)]["Properties"]["DefinitionString"]
    assert contains(definition, arn(fn_id))
    assert granted(role_statements(template, machine.role), "lambda:InvokeFunction", arn(fn_id))
    assert_clean(stack)


# -- the function's own aws_lambda.Function API ---------------------------------------------
def test_add_event_source_sqs_keeps_the_async_dead_letter_queue(stack: cdk.Stack) -> None:
    """A function with the default async DLQ can also consume a queue (both paths work)."""
    fn = hardened(stack)
    failed = sqs.Queue(
        stack, "FailedOrders", enforce_ssl=True, encryption=sqs.QueueEncryption.SQS_MANAGED
    )
    acknowledge(
        failed,
        "this queue is itself the orders queue's dead-letter queue",
        "AwsSolutions-SQS3",
        "Serverless-SQSRedrivePolicy",
    )
    failed.metric_approximate_number_of_messages_visible(
        period=cdk.Duration.minutes(1), statistic="Maximum"
    ).create_alarm(
        stack,
        "FailedOrdersAlarm",
        threshold=1,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    )
    orders = sqs.Queue(
        stack,
        "Orders",
        enforce_ssl=True,
        encryption=sqs.QueueEncryption.SQS_MANAGED,
        visibility_timeout=cdk.Duration.seconds(60),  # 6 x the function's 10 s timeout
        dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=5, queue=failed),
    )
    source = event_sources.SqsEventSource(orders, report_batch_item_failures=True)
    fn.add_event_source(source)
    acknowledge(
        fn.node.find_child(f"SqsEventSource:{cdk.Names.node_unique_id(orders.node)}"),
        "SQS event source mappings take no on-failure destination; failed messages go to "
        "the queue's own dead-letter queue",
        "Serverless-LambdaEventSourceMappingDestination",
    )

    template = template_of(stack)
    fn_id = logical_id(fn)
    (mapping,) = of_type(template, "AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["FunctionName"] == ref(fn_id)
    assert mapping["Properties"]["EventSourceArn"] == arn(logical_id(orders))
    assert mapping["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert granted(
        role_statements(template, fn.role), "sqs:ReceiveMessage", arn(logical_id(orders))
    )
    assert fn.dead_letter_queue is not None
    dlq_id = logical_id(fn.dead_letter_queue)
    function = template["Resources"][fn_id]["Properties"]
    assert function["DeadLetterConfig"] == {"TargetArn": arn(dlq_id)}
    assert granted(role_statements(template, fn.role), "sqs:SendMessage", arn(dlq_id))
    assert_clean(stack)


def test_add_alias_and_current_version(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    version = fn.current_version
    alias = fn.add_alias("live")

    template = template_of(stack)
    fn_id = logical_id(fn)
    version_id = logical_id(version)
    assert template["Resources"][version_id]["Type"] == "AWS::Lambda::Version"
    assert template["Resources"][version_id]["Properties"]["FunctionName"] == ref(fn_id)
    alias_props = template["Resources"][logical_id(alias)]["Properties"]
    assert alias_props["Name"] == "live"
    assert alias_props["FunctionName"] == ref(fn_id)
    assert alias_props["FunctionVersion"] == {"Fn::GetAtt": [version_id, "Version"]}
    assert_clean(stack)


def test_grant_invoke(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    caller = iam.Role(stack, "Caller", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
    acknowledge(caller, _INVOKE_VERSIONS, f"AwsSolutions-IAM5[Resource::<{logical_id(fn)}.Arn>:*]")
    fn.grant_invoke(caller)
    fn.grant_invoke(iam.AccountPrincipal("111122223333"))

    template = template_of(stack)
    fn_id = logical_id(fn)
    assert granted(role_statements(template, caller), "lambda:InvokeFunction", arn(fn_id))
    (permission,) = invoke_permissions(template, fn_id)
    assert permission["Action"] == "lambda:InvokeFunction"
    assert permission["Principal"] == "111122223333"
    assert permission["FunctionName"] == arn(fn_id)
    assert_clean(stack)


def test_metrics_in_the_users_own_alarms(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    errors = fn.metric_errors(period=cdk.Duration.minutes(1), statistic="Sum").create_alarm(
        stack, "AnyError", threshold=1, evaluation_periods=1
    )
    slow = cloudwatch.Alarm(
        stack,
        "Slow",
        metric=fn.metric_duration(period=cdk.Duration.minutes(5), statistic="p90"),
        threshold=2000,
        evaluation_periods=3,
    )

    template = template_of(stack)
    fn_id = logical_id(fn)
    dimensions = [{"Name": "FunctionName", "Value": ref(fn_id)}]
    for alarm, metric, statistic in ((errors, "Errors", "Sum"), (slow, "Duration", "p90")):
        props = template["Resources"][logical_id(alarm)]["Properties"]
        assert props["Namespace"] == "AWS/Lambda"
        assert props["MetricName"] == metric
        assert props["Dimensions"] == dimensions
        assert props.get("Statistic", props.get("ExtendedStatistic")) == statistic
    assert_clean(stack)


def test_function_arn_and_name_in_exported_outputs(stack: cdk.Stack) -> None:
    fn = hardened(stack)
    cdk.CfnOutput(stack, "OrdersFunctionArn", value=fn.function_arn, export_name="OrdersFnArn")
    cdk.CfnOutput(stack, "OrdersFunctionName", value=fn.function_name, export_name="OrdersFn")

    outputs = template_of(stack)["Outputs"]
    fn_id = logical_id(fn)
    assert outputs["OrdersFunctionArn"] == {"Value": arn(fn_id), "Export": {"Name": "OrdersFnArn"}}
    assert outputs["OrdersFunctionName"] == {"Value": ref(fn_id), "Export": {"Name": "OrdersFn"}}
    assert_clean(stack)


def test_connections_in_a_vpc(stack: cdk.Stack) -> None:
    """``fn.connections`` opens a port to a peer, and the function is itself a peer."""
    vpc = _vpc(stack, nat_gateways=1)
    fn = hardened(stack, vpc=vpc, allow_all_outbound=False)
    database = ec2.SecurityGroup(stack, "Database", vpc=vpc, allow_all_outbound=False)
    cache = ec2.SecurityGroup(stack, "Cache", vpc=vpc, allow_all_outbound=False)
    fn.connections.allow_to(database, ec2.Port.tcp(5432), "orders database")
    cache.connections.allow_from(fn, ec2.Port.tcp(6379), "orders cache")  # fn: IConnectable

    template = template_of(stack)
    (security_group,) = fn.connections.security_groups
    function_group = {"Fn::GetAtt": [logical_id(security_group), "GroupId"]}
    function = template["Resources"][logical_id(fn)]["Properties"]
    assert function["VpcConfig"]["SecurityGroupIds"] == [function_group]
    egress = {
        e["Properties"]["FromPort"]: e["Properties"]
        for e in of_type(template, "AWS::EC2::SecurityGroupEgress").values()
    }
    ingress = {
        i["Properties"]["FromPort"]: i["Properties"]
        for i in of_type(template, "AWS::EC2::SecurityGroupIngress").values()
    }
    assert sorted(egress) == sorted(ingress) == [5432, 6379]
    for port, peer in ((5432, database), (6379, cache)):
        peer_group = {"Fn::GetAtt": [logical_id(peer), "GroupId"]}
        assert egress[port]["GroupId"] == function_group
        assert egress[port]["DestinationSecurityGroupId"] == peer_group
        assert egress[port]["ToPort"] == port
        assert ingress[port]["GroupId"] == peer_group
        assert ingress[port]["SourceSecurityGroupId"] == function_group
        assert ingress[port]["ToPort"] == port
    assert_clean(stack)


def test_extra_parts_stay_reachable(stack: cdk.Stack) -> None:
    """``dead_letter_queue``, ``alarms``, ``log_group`` and ``role`` are the template's."""
    fn = hardened(stack)

    template = template_of(stack)
    fn_id = logical_id(fn)
    function = template["Resources"][fn_id]["Properties"]
    assert isinstance(fn.dead_letter_queue, sqs.Queue)
    assert function["DeadLetterConfig"] == {"TargetArn": arn(logical_id(fn.dead_letter_queue))}
    assert isinstance(fn.role, iam.Role)
    assert function["Role"] == arn(logical_id(fn.role))
    log_group = template["Resources"][logical_id(fn.log_group)]
    assert log_group["Type"] == "AWS::Logs::LogGroup"
    assert contains(log_group["Properties"]["LogGroupName"], ref(fn_id))
    assert sorted(fn.alarms) == [
        "DeadLetterErrors",
        "DeadLetterQueueDepth",
        "Duration",
        "Errors",
        "Throttles",
    ]
    for name in ("Errors", "Throttles", "Duration", "DeadLetterErrors"):
        alarm = template["Resources"][logical_id(fn.alarms[name])]["Properties"]
        assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": ref(fn_id)}], name
    depth = template["Resources"][logical_id(fn.alarms["DeadLetterQueueDepth"])]["Properties"]
    assert depth["Dimensions"] == [
        {
            "Name": "QueueName",
            "Value": {"Fn::GetAtt": [logical_id(fn.dead_letter_queue), "QueueName"]},
        }
    ]
    assert_clean(stack)
