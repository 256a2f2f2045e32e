"""Recognising the Lambda functions aws-cdk-lib creates for itself.

aws-cdk-lib adds its own functions to many apps: the LogRetention handler, BucketDeployment,
AwsCustomResource, S3 bucket notifications, the custom-resource provider framework and the
``CustomResourceProvider`` singletons. Their code, runtime and role are not the user's to
change, so judging them rule by rule only produces findings nobody can fix (cdk-nag#414,
aws/aws-cdk#23204, #27210, #34372). best-lambda reports each of them once, under
``BestLambda-CdkFrameworkFunction``, and keeps them (and their roles and policies) out of
every other rule unless ``CheckOptions(check_framework_functions=True)``.

Recognition uses the construct IDs aws-cdk-lib gives these singletons; they appear in the
construct path and, with non-alphanumerics removed, in the logical ID.
"""

from __future__ import annotations

import re

from best_lambda.rules.model import Resource

__all__ = ["FRAMEWORK_COMPONENTS", "framework_component"]

#: (component, pattern over the construct path or logical ID). Documented in RULES.md.
FRAMEWORK_COMPONENTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "aws_lambda log_retention (Custom::LogRetention)",
        re.compile(r"LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8a"),
    ),
    ("custom_resources.AwsCustomResource", re.compile(r"AWS679f53fac002430cb0da5b7982bd2287")),
    (
        "aws_s3_deployment.BucketDeployment",
        re.compile(r"CustomCDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C"),
    ),
    (
        "aws_s3 bucket notifications",
        re.compile(r"BucketNotificationsHandler050a0587b7544547bf325f094a3db834"),
    ),
    (
        "custom_resources.Provider framework",
        re.compile(
            r"(?:^|/)framework-(?:onEvent|isComplete|onTimeout)(?:/|$)"
            r"|frameworkon(?:Event|Timeout)[0-9A-F]{8}|frameworkisComplete[0-9A-F]{8}"
        ),
    ),
    (
        "aws-cdk-lib CustomResourceProvider",
        re.compile(r"Custom[A-Za-z0-9]*CustomResourceProvider|AWSCDKCfnUtilsProvider"),
    ),
)


def framework_component(resource: Resource) -> str | None:
    """Name the aws-cdk-lib component that owns ``resource``, or ``None`` if it is the user's.

    Examples
    --------
    >>> from best_lambda.rules.model import Resource
    >>> r = Resource("LogRetentionaae0aa3c5b4d4f87b02d85b201efdd8aFD4BFC8A",
    ...              "AWS::Lambda::Function", {}, {}, {})
    >>> framework_component(r)
    'aws_lambda log_retention (Custom::LogRetention)'
    """
    path = resource.path or ""
    for name, pattern in FRAMEWORK_COMPONENTS:
        if pattern.search(resource.logical_id) or (path and pattern.search(path)):
            return name
    return None
