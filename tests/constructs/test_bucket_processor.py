"""BucketProcessor: S3 events to a function (or a QueueConsumer), and no recursive loop."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n

from best_lambda import BucketProcessor, HardenedFunction, QueueConsumer, QueueConsumerOptions
from best_lambda.constructs._s3 import s3_event_name
from best_lambda.testing import normalized, template_of
from tests.constructs.trigger_helpers import OPTIONS, arn, of_type, one, options, props_of

THUMBNAILS: dict[str, Any] = {"prefix": "uploads/", "suffix": ".jpg", "output_prefix": "thumbs/"}


def object_access(template: dict[str, Any]) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = props_of(template, "ThumbsObjectAccess")["PolicyDocument"][
        "Statement"
    ]
    return statements


def function_of(template: dict[str, Any], prefix: str = "ThumbsHandler") -> dict[str, Any]:
    """The function the processor built (aws-cdk-lib adds a notifications function)."""
    return props_of(template, prefix)


def notification(template: dict[str, Any]) -> dict[str, Any]:
    _, custom = one(template, "Custom::S3BucketNotifications")
    configuration: dict[str, Any] = custom["NotificationConfiguration"]
    return configuration


class TestDefaults:
    @pytest.fixture
    def processor(self, stack: cdk.Stack) -> BucketProcessor:
        return BucketProcessor(stack, "Thumbs", function_options=OPTIONS, **THUMBNAILS)

    @pytest.fixture
    def template(self, stack: cdk.Stack, processor: BucketProcessor) -> dict[str, Any]:
        return template_of(stack)

    def test_buckets_encrypted_private_tls_only_and_logged(self, template):
        buckets = of_type(template, "AWS::S3::Bucket")
        (data_id,) = [k for k in buckets if k.startswith("ThumbsBucket")]
        (logs_id,) = [k for k in buckets if k.startswith("ThumbsAccessLogs")]
        for bucket in buckets.values():
            props = bucket["Properties"]
            assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]
            assert props["PublicAccessBlockConfiguration"] == {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            }
        assert buckets[data_id]["Properties"]["LoggingConfiguration"] == {
            "DestinationBucketName": {"Ref": logs_id}
        }
        assert buckets[logs_id]["Properties"]["LifecycleConfiguration"] == {
            "Rules": [{"ExpirationInDays": 90, "Status": "Enabled"}]
        }
        for policy in of_type(template, "AWS::S3::BucketPolicy").values():
            deny = policy["Properties"]["PolicyDocument"]["Statement"][0]
            assert deny["Effect"] == "Deny"
            assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}

    def test_notifies_the_function_for_the_filtered_keys(self, template):
        (fn_id,) = [k for k in of_type(template, "AWS::Lambda::Function") if k.startswith("Thumbs")]
        (config,) = notification(template)["LambdaFunctionConfigurations"]
        assert config["Events"] == ["s3:ObjectCreated:*"]
        assert config["LambdaFunctionArn"] == arn(fn_id)
        assert config["Filter"] == {
            "Key": {
                "FilterRules": [
                    {"Name": "suffix", "Value": ".jpg"},
                    {"Name": "prefix", "Value": "uploads/"},
                ]
            }
        }
        (permission,) = [
            p["Properties"]
            for p in of_type(template, "AWS::Lambda::Permission").values()
            if p["Properties"]["Principal"] == "s3.amazonaws.com"
        ]
        assert permission["FunctionName"] == arn(fn_id)

    def test_reads_the_trigger_keys_and_writes_only_under_the_output_prefix(self, template):
        bucket_id = next(k for k in of_type(template, "AWS::S3::Bucket") if "Bucket" in k)
        read, write = object_access(template)
        assert read["Action"] == "s3:GetObject"
        assert read["Resource"] == {"Fn::Join": ["", [arn(bucket_id), "/uploads/*.jpg"]]}
        assert write["Action"] == "s3:PutObject"
        assert write["Resource"] == {"Fn::Join": ["", [arn(bucket_id), "/thumbs/*"]]}
        # Nothing else of the function's role touches the bucket.
        default_policy = props_of(template, "ThumbsHandlerServiceRoleDefaultPolicy")
        assert "s3:" not in str(default_policy)

    def test_function_keeps_its_own_failures(self, template, processor):
        (function,) = [
            v["Properties"]
            for k, v in of_type(template, "AWS::Lambda::Function").items()
            if k.startswith("Thumbs")
        ]
        assert "DeadLetterConfig" in function
        assert function["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == "Thumbs"
        assert isinstance(processor.function, HardenedFunction)
        assert processor.consumer is None
        assert sorted(processor.alarms) == [
            "DeadLetterErrors",
            "DeadLetterQueueDepth",
            "Duration",
            "Errors",
            "Throttles",
        ]

    def test_exposes_what_it_built(self, processor):
        assert isinstance(processor.bucket, s3.Bucket)

    def test_snapshot(self, template, template_snapshot):
        assert normalized(template) == template_snapshot


def test_through_a_queue(stack: cdk.Stack, template_snapshot):
    processor = BucketProcessor(
        stack,
        "Thumbs",
        function_options=options(timeout=cdk.Duration.seconds(30)),
        prefix="uploads/",
        through_queue=True,
        queue_options=QueueConsumerOptions(batch_size=5, max_concurrency=4),
    )
    template = template_of(stack)
    assert isinstance(processor.consumer, QueueConsumer)
    assert processor.function is processor.consumer.function
    queue_id = stack.get_logical_id(processor.consumer.queue.node.default_child)  # type: ignore[arg-type]
    (config,) = notification(template)["QueueConfigurations"]
    assert config["QueueArn"] == arn(queue_id)
    assert "LambdaFunctionConfigurations" not in notification(template)
    (function,) = [
        v["Properties"]
        for k, v in of_type(template, "AWS::Lambda::Function").items()
        if k.startswith("Thumbs")
    ]
    assert "DeadLetterConfig" not in function  # polled: failures go to the queue's DLQ
    _, mapping = one(template, "AWS::Lambda::EventSourceMapping")
    assert (mapping["BatchSize"], mapping["ScalingConfig"]) == (5, {"MaximumConcurrency": 4})
    assert template["Resources"][queue_id]["Properties"]["VisibilityTimeout"] == 180
    allow = [
        s
        for p in of_type(template, "AWS::SQS::QueuePolicy").values()
        for s in p["Properties"]["PolicyDocument"]["Statement"]
        if s.get("Principal") == {"Service": "s3.amazonaws.com"}
    ]
    assert [s["Resource"] for s in allow] == [arn(queue_id)]
    assert sorted(processor.alarms) == sorted(processor.consumer.alarms)
    assert "OldestMessageAge" in processor.alarms
    assert normalized(template) == template_snapshot


def test_through_a_queue_without_powertools_variables(stack: cdk.Stack):
    # The built function is named after the processor only when it gets Powertools
    # variables at all; powertools_environment=False is not contradicted by a default.
    processor = BucketProcessor(
        stack,
        "Thumbs",
        function_options=options(powertools_environment=False),
        through_queue=True,
    )
    assert isinstance(processor.consumer, QueueConsumer)
    (function,) = [
        v["Properties"]
        for k, v in of_type(template_of(stack), "AWS::Lambda::Function").items()
        if k.startswith("Thumbs")
    ]
    variables = function.get("Environment", {}).get("Variables", {})
    assert not [name for name in variables if name.startswith("POWERTOOLS_")]


def test_through_a_queue_names_the_service_after_the_processor(stack: cdk.Stack):
    BucketProcessor(stack, "Thumbs", function_options=OPTIONS, through_queue=True)
    (function,) = [
        v["Properties"]
        for k, v in of_type(template_of(stack), "AWS::Lambda::Function").items()
        if k.startswith("Thumbs")
    ]
    assert function["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == "Thumbs"


def test_an_existing_bucket_and_function(stack: cdk.Stack):
    bucket = s3.Bucket.from_bucket_name(stack, "Uploads", "team-uploads")
    fn = HardenedFunction(stack, "Fn", code=OPTIONS["code"], handler="index.handler")
    processor = BucketProcessor(
        stack,
        "Thumbs",
        function=fn,
        bucket=bucket,
        events=[s3.EventType.OBJECT_CREATED_PUT, s3.EventType.OBJECT_REMOVED],
        prefix="in/",
    )
    template = template_of(stack)
    assert processor.function is fn and processor.bucket is bucket
    assert not of_type(template, "AWS::S3::Bucket")
    configs = notification(template)["LambdaFunctionConfigurations"]
    assert [c["Events"] for c in configs] == [["s3:ObjectCreated:Put"], ["s3:ObjectRemoved:*"]]
    (read,) = object_access(template)
    assert read["Resource"] == {
        "Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::team-uploads/in/*"]]
    }
    assert dict(processor.alarms) == {}


def test_an_imported_function_gets_a_warning_instead_of_grants(stack: cdk.Stack):
    from aws_cdk import assertions
    from aws_cdk import aws_lambda as lambda_

    theirs = lambda_.Function.from_function_arn(
        stack, "Theirs", "arn:aws:lambda:eu-west-1:123456789012:function:theirs"
    )
    BucketProcessor(stack, "Thumbs", function=theirs, **THUMBNAILS)
    template = template_of(stack)
    assert not [k for k in of_type(template, "AWS::IAM::Policy") if k.startswith("ThumbsObject")]
    warnings = assertions.Annotations.from_stack(stack).find_warning(
        "/Test/Thumbs", assertions.Match.string_like_regexp("role is not known here")
    )
    assert len(warnings) == 1


def test_a_kms_encrypted_bucket_grants_its_key(stack: cdk.Stack):
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    bucket = s3.Bucket(stack, "Secure", encryption_key=key, enforce_ssl=True)
    BucketProcessor(stack, "Thumbs", function_options=OPTIONS, bucket=bucket, **THUMBNAILS)
    template = template_of(stack)
    key_id = stack.get_logical_id(key.node.default_child)  # type: ignore[arg-type]
    statements = props_of(template, "ThumbsHandlerServiceRoleDefaultPolicy")["PolicyDocument"][
        "Statement"
    ]
    (kms_statement,) = [s for s in statements if s["Resource"] == arn(key_id)]
    assert "kms:Decrypt" in kms_statement["Action"]
    assert "kms:GenerateDataKey*" in kms_statement["Action"]  # for the output objects


def test_the_processor_is_grantable(stack: cdk.Stack):
    key = dynamodb.Attribute(name="pk", type=dynamodb.AttributeType.STRING)
    table = dynamodb.TableV2(stack, "Table", partition_key=key)
    processor = BucketProcessor(stack, "Thumbs", function_options=OPTIONS, **THUMBNAILS)
    table.grant_read_data(processor)
    statements = props_of(template_of(stack), "ThumbsHandlerServiceRoleDefaultPolicy")[
        "PolicyDocument"
    ]["Statement"]
    assert any("dynamodb:GetItem" in s["Action"] for s in statements)


def test_event_names_are_those_aws_cdk_lib_writes(stack: cdk.Stack):
    bucket = s3.Bucket(stack, "Bucket")
    fn = HardenedFunction(stack, "Fn", code=OPTIONS["code"], handler="index.handler")
    for position, event in enumerate(s3.EventType):
        bucket.add_event_notification(
            event, s3n.LambdaDestination(fn), s3.NotificationKeyFilter(prefix=f"{position}/")
        )
    configs = notification(template_of(stack))["LambdaFunctionConfigurations"]
    assert [c["Events"][0] for c in configs] == [s3_event_name(e) for e in s3.EventType]


# -- recursion safety ------------------------------------------------------------------------
def test_a_later_write_grant_that_overlaps_fails_synthesis(stack: cdk.Stack):
    processor = BucketProcessor(stack, "Thumbs", function_options=OPTIONS, **THUMBNAILS)
    processor.bucket.grant_write(processor)
    with pytest.raises(Exception, match="recursive loop") as caught:
        template_of(stack)
    message = str(caught.value)
    assert "Test/Thumbs" in message
    assert "keys with prefix 'uploads/' and suffix '.jpg'" in message
    assert "s3:PutObject is allowed on" in message
    assert "by ThumbsHandlerServiceRoleDefaultPolicy" in message


def test_a_later_write_grant_on_a_function_passed_in_fails_too(stack: cdk.Stack):
    fn = HardenedFunction(stack, "Fn", code=OPTIONS["code"], handler="index.handler")
    bucket = s3.Bucket(stack, "Uploads", enforce_ssl=True)
    BucketProcessor(stack, "Thumbs", function=fn, bucket=bucket, prefix="in/")
    bucket.grant_put(fn, "in/copies/*")
    with pytest.raises(Exception, match="recursive loop"):
        template_of(stack)


def test_grants_that_cannot_loop_pass(stack: cdk.Stack):
    processor = BucketProcessor(stack, "Thumbs", function_options=OPTIONS, **THUMBNAILS)
    processor.bucket.grant_read(processor)
    processor.bucket.grant_put(processor, "reports/*")
    processor.bucket.grant_delete(processor, "uploads/*")  # deletions do not notify here
    assert of_type(template_of(stack), "Custom::S3BucketNotifications")


def test_an_acknowledged_loop_passes(stack: cdk.Stack):
    processor = BucketProcessor(stack, "Thumbs", function_options=OPTIONS, **THUMBNAILS)
    processor.bucket.grant_write(processor)
    cdk.Validations.of(processor).acknowledge(
        cdk.Acknowledgment(
            id="BestLambda-RecursiveLoop", reason="the handler skips keys it wrote itself"
        )
    )
    assert of_type(template_of(stack), "Custom::S3BucketNotifications")


def test_overlapping_processors_on_one_bucket_are_refused(stack: cdk.Stack):
    bucket = s3.Bucket(stack, "Uploads", enforce_ssl=True)
    BucketProcessor(stack, "Images", function_options=OPTIONS, bucket=bucket, suffix=".jpg")
    BucketProcessor(stack, "Docs", function_options=OPTIONS, bucket=bucket, suffix=".pdf")
    with pytest.raises(Exception, match="Test/Images already notifies on overlapping keys"):
        BucketProcessor(stack, "All", function_options=OPTIONS, bucket=bucket, prefix="2026/")


def test_logical_ids_are_stable(stack: cdk.Stack):
    BucketProcessor(stack, "Thumbs", function_options=OPTIONS, **THUMBNAILS)
    ids = sorted(template_of(stack)["Resources"])
    assert [i for i in ids if not i.startswith("ThumbsHandler")] == [
        # aws-cdk-lib's notifications function (one per stack) and its role.
        "BucketNotificationsHandler050a0587b7544547bf325f094a3db8347ECC3691",
        "BucketNotificationsHandler050a0587b7544547bf325f094a3db834RoleB6FB88EC",
        "ThumbsAccessLogs5A4DCAC7",
        "ThumbsAccessLogsPolicy81638696",
        "ThumbsBucket6AD548F3",
        "ThumbsBucketAllowBucketNotificationsToTestThumbsHandler14ACDACE522CA41B",
        "ThumbsBucketNotifications2E179E15",
        "ThumbsBucketNotificationsHandlerPolicy0EB94BF7",
        "ThumbsBucketPolicy8358A23F",
        "ThumbsObjectAccessBE44F92B",
    ]
