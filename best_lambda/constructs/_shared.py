"""Building blocks shared by the constructs: secure queues and acknowledgements."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IConstruct

__all__ = [
    "ACK_REASONS",
    "XRAY_ACTIONS",
    "acknowledge",
    "harden_queue",
    "nag_resource",
    "secure_queue",
    "wildcard_policy",
]

#: What a function needs to send traces to X-Ray; neither supports resource-level permissions.
XRAY_ACTIONS = ("xray:PutTraceSegments", "xray:PutTelemetryRecords")

#: Why each cdk-nag finding our constructs acknowledge is a false positive or unavoidable,
#: by rule ID (or by cause, for a rule acknowledged for several causes or whose ID names a
#: resource), and why the aws-cdk-lib warnings they acknowledge do not apply. Applied by the
#: constructs themselves, so users inherit them with the construct.
ACK_REASONS: dict[str, str] = {
    "AwsSolutions-IAM5[Resource::*]": (
        "X-Ray's PutTraceSegments and PutTelemetryRecords (and, in a VPC, the EC2 network "
        "interface actions Lambda needs) support no resource-level permissions: AWS requires "
        "Resource '*'. The statement lives in its own policy so that user grants stay checked."
    ),
    "Serverless-LambdaAsyncFailureDestination": (
        "Events that fail every async retry go to the function's dead-letter queue "
        "(DeadLetterConfig); an on-failure destination as well would deliver each one twice. "
        "The EventInvokeConfig exists only to bound retries and event age."
    ),
    "Serverless-SQSRedrivePolicy": (
        "This queue is itself a dead-letter queue: the end of the line for failed messages. A "
        "redrive policy on it would only move them to yet another queue."
    ),
    "AwsSolutions-S1": (
        "This bucket holds the server access logs of the construct's bucket. Logging the log "
        "bucket's own access would need yet another log bucket (or log its own log writes)."
    ),
    "BestLambda-CdkFrameworkFunction": (
        "aws-cdk-lib's own bucket-notifications handler (one per stack), which configures S3 "
        "notifications at deployment; aws-cdk-lib does not let us configure it."
    ),
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AWSLambdaBasicExecutionRole]": (
        "The role of aws-cdk-lib's own bucket-notifications handler, which aws-cdk-lib creates "
        "with the AWS managed basic execution policy and does not let us configure."
    ),
    "Serverless-LambdaEventSourceMappingDestination": (
        "An SQS event source mapping cannot have an on-failure destination (Lambda supports "
        "them only for Kinesis, DynamoDB Streams and Kafka); failed messages go to the source "
        "queue's redrive dead-letter queue instead."
    ),
    "AwsSolutions-L1": (
        "best-lambda's default runtime is a pinned constant (best_lambda.defaults.lambda_.RUNTIME) "
        "that changes only in a best-lambda release, so upgrading aws-cdk-lib never changes a "
        "function's runtime unreviewed. It is a supported runtime; BestLambda-RuntimeSupported "
        "checks its deprecation date at every synth."
    ),
    "Serverless-LambdaLatestVersion": (
        "best-lambda's default runtime is a pinned constant (best_lambda.defaults.lambda_.RUNTIME) "
        "that changes only in a best-lambda release, so upgrading aws-cdk-lib never changes a "
        "function's runtime unreviewed. It is a supported runtime; BestLambda-RuntimeSupported "
        "checks its deprecation date at every synth."
    ),
    "AwsSolutions-SQS3": (
        "This queue is itself where failed events end: the dead-letter queue of an SNS "
        "subscription, an EventBridge rule target or a Scheduler target, or an event source "
        "mapping's on-failure destination. cdk-nag recognises only the dead-letter queues of "
        "queues and functions (cdk-nag#1990); BestLambda-DlqAlarm checks that it is watched."
    ),
    "dynamodb:ListStreams": (
        "dynamodb:ListStreams supports no resource-level permissions (AWS Service Authorization "
        "Reference): it must be allowed on '*'. Lambda's DynamoDB stream poller checks for it. "
        "The statement lives in its own policy so that user grants stay checked; the stream "
        "itself is read through statements scoped to its ARN."
    ),
    "Serverless-LambdaDLQ": (
        "Declared with dead_letter_queue_enabled=False: the function is invoked synchronously "
        "(API, function URL) or by a poller (SQS, streams), never asynchronously, so a "
        "function DLQ would never receive anything. BestLambda-AsyncFailureHandling verifies "
        "at synth that nothing invokes it asynchronously."
    ),
    "s3:GetObject/s3:PutObject on object keys": (
        "Object keys are not known in advance: the function may read the "
        "keys that trigger it and write under its output prefix, nothing else."
    ),
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AWSCodeDeployRoleForLambdaLimited]": (
        "CodeDeploy's service role for this function's deployment group, assumable only by "
        "codedeploy.amazonaws.com. AWSCodeDeployRoleForLambdaLimited is the policy AWS "
        "publishes for Lambda deployments (aws-cdk-lib attaches it to every "
        "LambdaDeploymentGroup): read the alarms, get and update the alias and its "
        "provisioned concurrency, invoke CodeDeployHook_* functions."
    ),
    "CodeDeploy hook": (
        "aws-cdk-lib's grantInvoke on a deployment hook adds '<hook ARN>:*' (its versions "
        "and aliases) to the CodeDeploy role: still that one hook function, nothing else."
    ),
    # A warning of aws-cdk-lib's, acknowledged with Annotations.acknowledge_warning.
    "@aws-cdk/aws-lambda:snapStartRequirePublish": (
        "deployment= publishes a version with SnapStart and points the alias at it; every "
        "trigger best-lambda wires invokes the alias."
    ),
}


def acknowledge(
    construct: IConstruct, *rule_ids: str, about: str | None = None, reason: str | None = None
) -> None:
    """Acknowledge rules on ``construct``, each with its reason from :data:`ACK_REASONS`.

    All in one ``Validations.of(construct).acknowledge(...)`` (each ``Validations.of`` is a
    jsii round trip). ``about`` names the entry of :data:`ACK_REASONS` when it is not the
    rule ID (one rule, acknowledged for different causes; rules whose ID names a resource);
    ``reason`` is the user's own, for a choice the user made explicitly (a public function
    URL).
    """
    acknowledgments = [
        cdk.Acknowledgment(
            id=rule_id, reason=reason if reason is not None else ACK_REASONS[about or rule_id]
        )
        for rule_id in rule_ids
    ]
    cdk.Validations.of(construct).acknowledge(*acknowledgments)


def wildcard_policy(
    scope: Construct,
    policy_id: str,
    role: iam.IRole,
    actions: Sequence[str],
    *,
    needed_by: IConstruct,
) -> iam.Policy:
    """A policy of its own allowing ``actions`` on ``'*'``, acknowledged; ``needed_by`` waits.

    For actions that support no resource-level permissions (X-Ray's, a VPC function's
    network interfaces): kept out of the role's default policy, so that the user's grants
    there stay checked for wildcards, and acknowledged for AwsSolutions-IAM5. ``needed_by``
    (the function's ``CfnFunction``) depends on it, so that the function has the permission
    from its first invocation. Shared by HardenedFunction and the HardenFunctions aspect.
    """
    policy = iam.Policy(
        scope,
        policy_id,
        roles=[role],
        statements=[iam.PolicyStatement(actions=list(actions), resources=["*"])],
    )
    acknowledge(policy, "AwsSolutions-IAM5[Resource::*]")
    needed_by.node.add_dependency(policy)
    return policy


def secure_queue(
    scope: Construct,
    construct_id: str,
    *,
    retention_seconds: int,
    fifo: bool = False,
    content_based_deduplication: bool | None = None,
    encryption_key: kms.IKey | None = None,
    visibility_timeout_seconds: int | None = None,
    dead_letter_queue: sqs.DeadLetterQueue | None = None,
) -> sqs.Queue:
    """Create an SQS queue that is encrypted at rest and refuses requests without TLS.

    Encryption is SSE-SQS, or KMS with ``encryption_key``.
    """
    props: dict[str, Any] = {
        "enforce_ssl": True,
        "retention_period": cdk.Duration.seconds(retention_seconds),
    }
    if encryption_key is not None:
        props.update(encryption=sqs.QueueEncryption.KMS, encryption_master_key=encryption_key)
    else:
        props["encryption"] = sqs.QueueEncryption.SQS_MANAGED
    if fifo:
        props["fifo"] = True
        props["content_based_deduplication"] = bool(content_based_deduplication)
    if visibility_timeout_seconds is not None:
        props["visibility_timeout"] = cdk.Duration.seconds(visibility_timeout_seconds)
    if dead_letter_queue is not None:
        props["dead_letter_queue"] = dead_letter_queue
    return sqs.Queue(scope, construct_id, **props)


def harden_queue(queue: sqs.IQueue) -> None:
    """Encrypt (SSE-SQS) and require TLS on a queue aws-cdk-lib created for us.

    ``aws_lambda.Function(dead_letter_queue_enabled=True)`` creates its own queue (at the
    path a dead-letter queue has always had) with neither; this gives it what
    :func:`secure_queue` gives the queues we create, through real L1 properties and a
    resource policy, so every checker sees them.
    """
    cfn = queue.node.default_child
    if isinstance(cfn, sqs.CfnQueue):
        cfn.sqs_managed_sse_enabled = True
    queue.add_to_resource_policy(
        iam.PolicyStatement(
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["sqs:*"],
            resources=[queue.queue_arn],
            conditions={"Bool": {"aws:SecureTransport": "false"}},
        )
    )


def nag_resource(value: Any) -> str:
    """A resolved ARN as cdk-nag names it in granular IDs (``<Bucket.Arn>/in/*``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref":
            return f"<{arg}>"
        if key == "Fn::GetAtt" and isinstance(arg, list):
            return "<" + ".".join(map(str, arg)) + ">"
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            return str(arg[0]).join(nag_resource(part) for part in arg[1])
    return str(value)
