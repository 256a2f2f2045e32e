"""``HardenFunctions``: retrofit safe defaults onto the plain functions of an existing app.

An opt-in, mutating Aspect for apps that cannot switch every ``aws_lambda.Function`` to
:class:`~best_lambda.HardenedFunction` at once. It fills in only what a function leaves
unset, and never what would add a finding or could break a working function:

* active X-Ray tracing, its wildcard permission in a policy of its own (acknowledged, as
  HardenedFunction does), never in the role's default policy; nothing on an immutable role;
* JSON logs at INFO, and a retention on the function's own ``/aws/lambda/<name>`` log group
  (aws-cdk-lib's managed group when the app enables it, else a ``LogGroup`` of that name,
  or — for functions already deployed, whose group exists — a retention set on it);
* an explicit timeout that agrees with what invokes the function: never above what an SQS
  source's visibility timeout allows (``visibility >= 6 x timeout + batching window``);
* arm64 and an explicit memory size only when asked (they change how a function runs).

Each change is recorded in :attr:`HardenFunctions.changes` and as an info annotation on the
function, so a review sees what the Aspect did.

Examples
--------
>>> import aws_cdk as cdk
>>> app = cdk.App()
>>> cdk.Aspects.of(app).add(HardenFunctions(), priority=cdk.AspectPriority.MUTATING)
"""

from __future__ import annotations

import weakref
from typing import Any

import aws_cdk as cdk
import jsii
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from constructs import IConstruct, Node

from best_lambda import limits
from best_lambda.constructs._props import PropsChecker
from best_lambda.constructs._shared import XRAY_ACTIONS, wildcard_policy
from best_lambda.defaults import lambda_ as defaults
from best_lambda.rules.framework import FRAMEWORK_COMPONENTS

__all__ = ["HardenFunctions"]


@jsii.implements(cdk.IAspect)
class HardenFunctions:
    """Retrofit safe defaults onto plain ``aws_lambda.Function`` s (opt-in, mutating).

    Only settings a function does not set itself are filled in; a function that already
    chose a value keeps it. :class:`~best_lambda.HardenedFunction` s and aws-cdk-lib's own
    functions are left alone. Add it with ``priority=AspectPriority.MUTATING`` (or through
    :func:`~best_lambda.aspects.apply_checks` ``(harden=...)``, which runs it before the
    checks).

    Parameters
    ----------
    tracing
        Active X-Ray tracing, with its permission in a ``TracingPolicy`` of its own
        (default True).
    json_logs
        JSON logs with INFO application and system levels (default True).
    log_retention
        Retention for the function's ``/aws/lambda/<name>`` log group when it has none
        (default one month); ``None`` to leave logs alone.
    existing_log_groups
        The functions are already deployed, so their ``/aws/lambda/<name>`` group exists
        and CloudFormation cannot create it: set its retention with a ``LogRetention``
        custom resource instead of a ``LogGroup`` (default False). Apps with aws-cdk-lib's
        ``@aws-cdk/aws-lambda:useCdkManagedLogGroup`` flag need neither.
    timeout
        Explicit timeout for functions without one (default 10 s), lowered to what an SQS
        source allows; ``None`` to skip.
    architecture
        Switch functions without an architecture to arm64 (default False: native
        dependencies built for x86_64 would break).
    memory_size
        Explicit memory for functions without one (default None: more memory changes cost
        and behaviour; 512 is what HardenedFunction uses).

    Examples
    --------
    >>> import aws_cdk as cdk
    >>> harden = HardenFunctions(architecture=True, memory_size=512)
    """

    def __init__(
        self,
        *,
        tracing: bool = True,
        json_logs: bool = True,
        log_retention: logs.RetentionDays | None = logs.RetentionDays.ONE_MONTH,
        existing_log_groups: bool = False,
        timeout: cdk.Duration | None = None,
        architecture: bool = False,
        memory_size: int | None = None,
    ) -> None:
        checker = PropsChecker(type(self).__name__, "aspect")
        for flag, value in (
            ("tracing", tracing),
            ("json_logs", json_logs),
            ("existing_log_groups", existing_log_groups),
            ("architecture", architecture),
        ):
            checker.check_type(flag, value, bool, "bool")
        retention: object = log_retention  # whatever the caller passed, typed or not
        if retention is not None:
            if not isinstance(retention, logs.RetentionDays):
                checker.add("log_retention", log_retention, "expected aws_logs.RetentionDays")
            elif retention == logs.RetentionDays.INFINITE:
                checker.add(
                    "log_retention", log_retention, "must be finite (BestLambda-LogRetention)"
                )
        self._timeout_s = (
            defaults.TIMEOUT_SECONDS
            if timeout is None
            else checker.seconds("timeout", timeout, *limits.TIMEOUT_SECONDS, "AWS Lambda limit")
        )
        self._memory = (
            None
            if memory_size is None
            else checker.integer("memory_size", memory_size, *limits.MEMORY_MB, "MB, AWS limit")
        )
        checker.raise_if_any()
        self._tracing = tracing
        self._json_logs = json_logs
        self._retention = log_retention
        self._existing = existing_log_groups
        self._architecture = architecture
        self._queues: weakref.WeakKeyDictionary[cdk.Stack, dict[str, sqs.CfnQueue]] = (
            weakref.WeakKeyDictionary()
        )
        #: Paths of the functions this aspect changed, with what it changed.
        self.changes: dict[str, list[str]] = {}

    def visit(self, node: IConstruct) -> None:
        """Fill in the missing settings of one ``aws_lambda.Function``."""
        if not isinstance(node, lambda_.Function):
            return
        from best_lambda.constructs.hardened_function import HardenedFunction

        if isinstance(node, HardenedFunction):  # hardened already, and differently
            return
        construct = node.node  # read once: each access is a jsii round trip
        path = construct.path
        if any(pattern.search(path) for _, pattern in FRAMEWORK_COMPONENTS):
            return
        cfn = construct.default_child
        if not isinstance(cfn, lambda_.CfnFunction):
            return
        changed: list[str] = []
        notes: list[str] = []
        if self._architecture and cfn.architectures is None:
            cfn.architectures = ["arm64"]
            changed.append("architecture")
        if self._tracing and cfn.tracing_config is None:
            changed += self._trace(node, cfn, notes)
        changed += self._logging(node, construct, cfn, notes)
        if self._timeout_s is not None and cfn.timeout is None:
            changed += self._timeout(node, construct, cfn, notes)
        if self._memory is not None and cfn.memory_size is None:
            cfn.memory_size = self._memory
            changed.append("memory_size")
        if changed:
            self.changes[path] = changed
            cdk.Annotations.of(node).add_info(
                "HardenFunctions set " + ", ".join(changed) + "".join(f"; {n}" for n in notes)
            )
        elif notes:
            cdk.Annotations.of(node).add_info("HardenFunctions: " + "; ".join(notes))

    # -- tracing ----------------------------------------------------------------------------
    def _trace(
        self, node: lambda_.Function, cfn: lambda_.CfnFunction, notes: list[str]
    ) -> list[str]:
        from best_lambda.constructs.hardened_function import _is_immutable

        role = node.role
        if role is None or _is_immutable(role):
            notes.append("tracing left off: the role is immutable and cannot be given X-Ray writes")
            return []
        wildcard_policy(node, "TracingPolicy", role, XRAY_ACTIONS, needed_by=cfn)
        cfn.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
        return ["tracing"]

    # -- logs -------------------------------------------------------------------------------
    def _logging(
        self,
        node: lambda_.Function,
        construct: Node,
        cfn: lambda_.CfnFunction,
        notes: list[str],
    ) -> list[str]:
        if cfn.logging_config is not None:
            return []  # the function chose its logging; keep it whole
        changed: list[str] = []
        if self._retention is not None:
            changed += self._retain(node, construct, notes)
        if self._json_logs:
            cfn.logging_config = lambda_.CfnFunction.LoggingConfigProperty(
                log_format="JSON",
                application_log_level=defaults.APPLICATION_LOG_LEVEL,
                system_log_level=defaults.SYSTEM_LOG_LEVEL,
            )
            changed.append("json_logs")
        return changed

    def _retain(self, node: lambda_.Function, construct: Node, notes: list[str]) -> list[str]:
        assert self._retention is not None
        days = limits.LOG_RETENTION_DAYS[self._retention.name]
        managed = construct.try_find_child("LogGroup")  # @aws-cdk/aws-lambda:useCdkManagedLogGroup
        if isinstance(managed, logs.LogGroup):
            cfn_group = managed.node.default_child
            if isinstance(cfn_group, logs.CfnLogGroup) and cfn_group.retention_in_days is None:
                cfn_group.retention_in_days = days
                return ["log_retention"]
            return []
        if construct.try_find_child("LogRetention") is not None:
            return []  # the deprecated log_retention= already sets one; keep the choice
        name = f"/aws/lambda/{node.function_name}"
        if self._existing:
            logs.LogRetention(node, "LogRetention", log_group_name=name, retention=self._retention)
            notes.append(f"retention set on the existing {name} group by a LogRetention resource")
        else:
            logs.LogGroup(node, "LogGroup", log_group_name=name, retention=self._retention)
        return ["log_retention"]

    # -- timeout ----------------------------------------------------------------------------
    def _timeout(
        self,
        node: lambda_.Function,
        construct: Node,
        cfn: lambda_.CfnFunction,
        notes: list[str],
    ) -> list[str]:
        assert self._timeout_s is not None
        allowed = self._timeout_s
        for source, visibility, window in self._sqs_sources(node, construct):
            if visibility is None:
                notes.append(
                    f"timeout left unset: the visibility timeout of {source} is not known, so no "
                    "timeout can be shown to fit it"
                )
                return []
            allowed = min(
                allowed, (visibility - window) // limits.SQS_VISIBILITY_TIMEOUT_MULTIPLIER
            )
        if allowed < 1:
            notes.append(
                "timeout left unset: an SQS source's visibility timeout is too short for any"
            )
            return []
        cfn.timeout = allowed
        if allowed < self._timeout_s:
            notes.append(f"timeout {allowed} s to fit its SQS source's visibility timeout")
        return ["timeout"]

    def _sqs_sources(
        self, node: lambda_.Function, construct: Node
    ) -> list[tuple[str, int | None, int]]:
        """(queue, its visibility timeout or None, batching window) for each SQS mapping.

        ``construct`` is ``node.node``, read once by :meth:`visit`.
        """
        found: list[tuple[str, int | None, int]] = []
        stack = cdk.Stack.of(node)
        for child in construct.children:
            if not isinstance(child, lambda_.EventSourceMapping):
                continue
            mapping = child.node.default_child
            if not isinstance(mapping, lambda_.CfnEventSourceMapping):
                continue
            if mapping.starting_position is not None:
                continue  # a stream or Kafka: no visibility timeout to agree with
            arn: Any = stack.resolve(mapping.event_source_arn)
            window = mapping.maximum_batching_window_in_seconds
            window_s = int(window) if isinstance(window, (int, float)) else 0
            queue = self._queue_of(stack, arn)
            if queue is None:
                found.append((str(arn), None, window_s))
                continue
            seen = queue.visibility_timeout
            visibility = (
                limits.SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS
                if seen is None
                else int(seen)
                if isinstance(seen, (int, float)) and not cdk.Token.is_unresolved(seen)
                else None
            )
            found.append((queue.node.path, visibility, window_s))
        return found

    def _queue_of(self, stack: cdk.Stack, arn: Any) -> sqs.CfnQueue | None:
        """The queue of this stack an ``Fn::GetAtt [Queue, Arn]`` names, if any."""
        if not (isinstance(arn, dict) and isinstance(arn.get("Fn::GetAtt"), list)):
            return None
        logical_id = arn["Fn::GetAtt"][0]
        queues = self._queues.get(stack)
        if queues is None:
            queues = self._queues[stack] = {
                stack.get_logical_id(c): c
                for c in stack.node.find_all()
                if isinstance(c, sqs.CfnQueue)
            }
        return queues.get(logical_id)
