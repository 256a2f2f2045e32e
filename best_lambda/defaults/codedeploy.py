"""Every option of :class:`~best_lambda.SafeDeployment` (``HardenedFunction(deployment=...)``).

A function deployed safely runs behind a published version and an alias; CodeDeploy shifts
the alias from the old version to the new one step by step, and rolls it back when one of
the function's alarms fires. :data:`SAFE_DEPLOYMENT_PROPS` declares each option once, for
validation, the README defaults table and the docstring.

Changing a default changes users' templates: it is a breaking change that needs a
CHANGELOG entry.
"""

from __future__ import annotations

from best_lambda.props import Integer, Interface, ListOf, Prop, PropTable, Text

__all__ = [
    "ALARM_PERIOD_MINUTES",
    "ALIAS_NAME",
    "DEPLOYMENT_CONFIG",
    "ROLLBACK_ALARMS",
    "SAFE_DEPLOYMENT_PROPS",
]

#: ``aws_codedeploy.LambdaDeploymentConfig`` member used when none is given.
DEPLOYMENT_CONFIG = "CANARY_10_PERCENT_5_MINUTES"
ALIAS_NAME = "live"
#: The period of the alarms that measure the alias (Errors, Throttles, Duration) when the
#: function deploys through it: a 5-minute canary watched by 5-minute alarms can shift all
#: traffic before the first evaluation of the period that saw the errors.
ALARM_PERIOD_MINUTES = 1
#: The function's own alarms (by name) that stop a deployment and roll it back.
ROLLBACK_ALARMS = ("Errors", "Duration")
#: Lambda's rule for alias names: 1-128 of ``[a-zA-Z0-9-_]``, not only digits (a version).
ALIAS_NAME_PATTERN = r"(?![0-9]+$)[A-Za-z0-9_\-]+"

_FUNCTION = Interface("aws_lambda.IFunction", ("function_arn", "add_permission"))

SAFE_DEPLOYMENT_PROPS = PropTable(
    "SafeDeployment",
    (
        Prop(
            "deployment_config",
            Interface("aws_codedeploy.ILambdaDeploymentConfig", ("deployment_config_name",)),
            "How CodeDeploy shifts traffic to a new version: "
            "``LambdaDeploymentConfig.CANARY_10_PERCENT_*``, ``LINEAR_10_PERCENT_*``, "
            "``ALL_AT_ONCE``, or your own ``LambdaDeploymentConfig``.",
            default_doc="LambdaDeploymentConfig.CANARY_10_PERCENT_5_MINUTES",
            reason="A new version first gets 10% of the traffic for 5 minutes while the "
            "function's alarms watch the alias; a bad version is rolled back having served "
            "few requests (seeds/003 §4c 'aliases ... enabling safe deployments (e.g. "
            "blue-green, canary)'). 5 minutes is the shortest predefined canary: five 1-minute "
            "alarm periods.",
            source="seeds/003 §4c; AWS CodeDeploy predefined Lambda deployment configurations",
        ),
        Prop(
            "alias_name",
            Text(
                max_len=128,
                pattern=ALIAS_NAME_PATTERN,
                pattern_doc="letters, digits, '-' and '_', not only digits",
                why="AWS Lambda rule",
            ),
            "The alias every trigger best-lambda wires invokes (``fn.alias``).",
            default=ALIAS_NAME,
            reason="SAM's AutoPublishAlias convention; the alarms' Resource dimension is "
            "'<function>:live'.",
            source="seeds/003 §4c (aliases point to versions)",
        ),
        Prop(
            "alarms",
            ListOf(Interface("aws_cloudwatch.IAlarm", ("alarm_arn", "alarm_name"))),
            "More alarms that stop a deployment and roll it back, besides the function's own "
            "(``[fn.alarms['Throttles']]`` adds the throttles alarm).",
            default_doc="the function's Errors and Duration alarms, measured on the alias "
            f"over {ALARM_PERIOD_MINUTES} minute; Throttles pages but does not roll back",
            reason="Errors and a p99 duration near the timeout are what a bad version causes. "
            "Throttles come from concurrency limits and traffic, which a rollback cannot fix, "
            "so they do not stop a deployment (seeds/003 §5c, seeds/001 §6.1: alarm on errors, "
            "duration, throttles).",
            source="seeds/003 §5c, seeds/001 §6.1",
        ),
        Prop(
            "pre_hook",
            _FUNCTION,
            "A function CodeDeploy invokes before shifting traffic (``BeforeAllowTraffic``); "
            "it is granted codedeploy:PutLifecycleEventHookExecutionStatus to report "
            "Succeeded or Failed.",
        ),
        Prop(
            "post_hook",
            _FUNCTION,
            "A function CodeDeploy invokes after all traffic has shifted "
            "(``AfterAllowTraffic``), e.g. smoke tests; granted as ``pre_hook``.",
        ),
        Prop(
            "provisioned_concurrent_executions",
            Integer(1, None, "AWS Lambda minimum"),
            "Execution environments kept initialized for the alias (not with the function's "
            "snap_start; at most its reserved_concurrent_executions). Billed while "
            "configured.",
            default_doc="not set",
            reason="Opt-in: it costs money while configured; use it for latency-critical "
            "functions only (seeds/004 'Avoid provisioned concurrency unless latency requires "
            "it'), on the alias callers invoke (seeds/002 §7, Qualifier='LIVE').",
            source="seeds/004 Cost Optimization, seeds/002 §7, seeds/003 §1b",
        ),
        Prop(
            "application",
            Interface("aws_codedeploy.ILambdaApplication", ("application_name", "application_arn")),
            "The CodeDeploy application of the deployment group (share one between the "
            "functions of a service).",
            default_doc="a new application per function",
        ),
        Prop(
            "deployment_group_name",
            Text(
                max_len=100,
                pattern=r"[A-Za-z0-9._+=,@\-]+",
                pattern_doc="letters, digits and . _ + = , @ -",
                why="AWS CodeDeploy rule",
            ),
            "A physical name for the deployment group.",
            default_doc="generated by CloudFormation",
        ),
    ),
)
