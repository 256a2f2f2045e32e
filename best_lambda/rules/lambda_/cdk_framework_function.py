"""BestLambda-CdkFrameworkFunction: aws-cdk-lib's own functions, reported once each."""

from __future__ import annotations

from best_lambda.rules.framework import framework_component
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import FUNCTION, TemplateIndex


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Non-compliant (a warning) for each function aws-cdk-lib created for itself."""
    if options.check_framework_functions:
        return Result.not_applicable("judged by every other rule (check_framework_functions)")
    component = framework_component(function)
    if component is None:
        return Result.not_applicable("not a function aws-cdk-lib creates for itself")
    return Result.non_compliant(
        Finding(
            f"Created by aws-cdk-lib ({component}). Its runtime, code and role are not yours to "
            "change, so the other BestLambda rules skip it and its role and policies."
        )
    )


RULE = Rule(
    id="BestLambda-CdkFrameworkFunction",
    severity=Severity.WARNING,
    message="aws-cdk-lib added a Lambda function of its own to the app.",
    explanation=(
        "Such functions (LogRetention, BucketDeployment, AwsCustomResource, S3 notifications, "
        "custom-resource providers) do not follow every practice and cannot be configured. "
        "Accept them for the whole app with one acknowledgement: "
        "Validations.of(app).acknowledge(Acknowledgment(id='BestLambda-CdkFrameworkFunction', "
        "reason='...')). Avoid them where aws-cdk-lib offers a way (log_group= instead of the "
        "deprecated log_retention=), or pass check_framework_functions=True to judge them."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source="anchors §1.6 and §9 item 5 (cdk-nag#414, aws/aws-cdk#23204, #27210, #34372)",
)
