"""BestLambda-RecursiveLoop: a function cannot write to the queue, topic or bucket that triggers it.

How the write path is decided: every IAM resource a statement names and every trigger ARN
are rendered as glob patterns (``*`` and ``?``), with the values the template cannot know
replaced by opaque tokens; a write path exists when the two patterns have a string in
common. Rendering twice (unknown values as opaque tokens, then as wildcards) tells a
certain match from one that depends on a parameter or an import.
"""

from __future__ import annotations

import bisect
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from best_lambda.rules.iam._common import aws_managed_name
from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.relations import PolicyStatement, role_statements, triggers
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved, dig

_WILD_PSEUDO = {"AWS::Partition", "AWS::Region", "AWS::AccountId", "AWS::URLSuffix"}
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
_MAX_DEPTH = 8
#: In rendered patterns: any run of characters without ':' or '/' (one ARN segment).
_SEGMENT = "\x01"
#: In loose patterns: a value known only at deploy time, any run of characters except the
#: name of a resource this template creates with a generated name (a parameter or an import
#: cannot name it before it exists).
_ANY_VALUE = "\x02"
#: Delimits opaque tokens (generated names, references, undecidable values).
_TOKEN = "\x00"

#: AWS managed policies that allow writing to any queue, topic or bucket (their documents
#: are AWS's, not the template's). Other AWS managed policies are assumed not to.
_BROAD_MANAGED_POLICIES: dict[str, dict[str, Any]] = {
    "AdministratorAccess": {"Effect": "Allow", "Action": "*", "Resource": "*"},
    "PowerUserAccess": {
        "Effect": "Allow",
        "NotAction": ["iam:*", "organizations:*", "account:*"],
        "Resource": "*",
    },
    "AmazonSQSFullAccess": {"Effect": "Allow", "Action": "sqs:*", "Resource": "*"},
    "AmazonSNSFullAccess": {"Effect": "Allow", "Action": "sns:*", "Resource": "*"},
    "AmazonS3FullAccess": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
}

#: S3 notification event families and the actions that cause them.
_S3_EVENT_ACTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("s3:ObjectCreated:", ("s3:PutObject",)),
    ("s3:ObjectRemoved:", ("s3:DeleteObject",)),
    ("s3:ObjectTagging:", ("s3:PutObjectTagging", "s3:DeleteObjectTagging")),
    ("s3:ObjectAcl:", ("s3:PutObjectAcl",)),
    ("s3:ObjectRestore:", ("s3:RestoreObject",)),
)
_S3_WRITE_ACTIONS = tuple(dict.fromkeys(a for _, acts in _S3_EVENT_ACTIONS for a in acts))


# -- glob patterns ----------------------------------------------------------------------------
def _globs_meet(a: str, b: str) -> bool:
    r"""Whether two glob patterns share a string.

    ``*`` matches any run of characters, ``?`` one character, :data:`_SEGMENT` (what the
    partition, region and account render as) a run without ``:`` or ``/``, and
    :data:`_ANY_VALUE` any run outside opaque tokens.

    >>> _globs_meet("arn:aws:s3:::b/in/*", "arn:\x01:s3:::b/*.jpg")
    True
    >>> _globs_meet("arn:aws:s3:::b/out/*", "arn:\x01:s3:::b/in/*")
    False
    """
    stars = ("*", _SEGMENT, _ANY_VALUE)

    def absorbs(star: str, char: str) -> bool:
        if star == _SEGMENT:
            return char not in (":", "/", _TOKEN)
        return star == "*" or char != _TOKEN

    seen: set[tuple[int, int]] = set()
    todo = [(0, 0)]
    while todo:
        i, j = todo.pop()
        if (i, j) in seen:
            continue
        seen.add((i, j))
        if i == len(a) and j == len(b):
            return True
        star_a = i < len(a) and a[i] in stars
        star_b = j < len(b) and b[j] in stars
        if star_a:  # the star matches nothing more
            todo.append((i + 1, j))
        if star_b:
            todo.append((i, j + 1))
        if i == len(a) or j == len(b) or (star_a and star_b):
            continue
        if star_a:  # the star absorbs b's next character
            if absorbs(a[i], b[j]):
                todo.append((i, j + 1))
        elif star_b:
            if absorbs(b[j], a[i]):
                todo.append((i + 1, j))
        elif a[i] == b[j] or "?" in (a[i], b[j]):
            todo.append((i + 1, j + 1))
    return False


class _Renderer:
    """Renders CloudFormation values as glob patterns over ARNs.

    Modes: ``"strict"``: a value the template cannot decide (a parameter, an import, a
    condition) becomes an opaque token that only equals itself. ``"loose"``: it becomes
    :data:`_ANY_VALUE`. In both, references to template queues, topics and buckets become their ARNs
    (with their names when literal, an opaque token for generated names) and the
    partition, region and account become :data:`_SEGMENT`. ``"display"``: a readable
    ``Fn::Sub``-like text for messages.
    """

    def __init__(self, index: TemplateIndex, mode: str):
        self.index = index
        self.mode = mode

    def opaque(self, what: Any) -> str:
        if self.mode == "loose":
            return _ANY_VALUE
        if self.mode == "display":
            return "${" + json.dumps(what, sort_keys=True) + "}"
        return f"{_TOKEN}{json.dumps(what, sort_keys=True)}{_TOKEN}"

    def render(self, value: Any, depth: int = 0) -> str:
        if depth > _MAX_DEPTH:
            return self.opaque(value)
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return f"{value:g}"
        if not isinstance(value, dict) or len(value) != 1:
            return self.opaque(value)
        (key, arg) = next(iter(value.items()))
        if key == "Ref" and isinstance(arg, str):
            return self.ref(arg, depth)
        if key == "Fn::GetAtt":
            parts = arg if isinstance(arg, list) else str(arg).split(".", 1)
            if len(parts) == 2 and all(isinstance(p, str) for p in parts):
                return self.attribute(parts[0], parts[1], depth)
        if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
            separator, parts = arg
            if isinstance(separator, str) and isinstance(parts, list):
                return separator.join(self.render(p, depth + 1) for p in parts)
        if key == "Fn::Sub":
            return self.sub(arg, depth)
        literal = self.index.literal(value)
        if isinstance(literal, (str, int, float)):
            return self.render(literal, depth + 1)
        return self.opaque(value)

    def sub(self, arg: Any, depth: int) -> str:
        text, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if not isinstance(text, str) or not isinstance(variables, dict):
            return self.opaque({"Fn::Sub": arg})

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return self.render(variables[name], depth + 1)
            if "." in name:
                resource, attribute = name.split(".", 1)
                return self.attribute(resource, attribute, depth)
            return self.ref(name, depth)

        return _SUB_VAR.sub(replace, text)

    def ref(self, name: str, depth: int) -> str:
        if self.mode == "display":
            return "${" + name + "}"
        if name in _WILD_PSEUDO:
            return _SEGMENT
        resource = self.index.get(name)
        if resource is None:
            literal = self.index.literal({"Ref": name})
            if isinstance(literal, str):
                return literal
            return self.opaque({"Ref": name})
        if resource.type == "AWS::S3::Bucket":
            return self.name(resource, "BucketName", depth)
        if resource.type == "AWS::SNS::Topic":
            return f"arn:{_SEGMENT}:sns:{_SEGMENT}:{_SEGMENT}:" + self.name(
                resource, "TopicName", depth
            )
        return f"{_TOKEN}ref:{name}{_TOKEN}"

    def attribute(self, name: str, attribute: str, depth: int) -> str:
        if self.mode == "display":
            return "${" + f"{name}.{attribute}" + "}"
        resource = self.index.get(name)
        if resource is None:
            return self.opaque({"Fn::GetAtt": [name, attribute]})
        seg = _SEGMENT
        kinds = {
            ("AWS::S3::Bucket", "Arn"): (f"arn:{seg}:s3:::", "BucketName"),
            ("AWS::SQS::Queue", "Arn"): (f"arn:{seg}:sqs:{seg}:{seg}:", "QueueName"),
            ("AWS::SQS::Queue", "QueueName"): ("", "QueueName"),
            ("AWS::SNS::Topic", "TopicArn"): (f"arn:{seg}:sns:{seg}:{seg}:", "TopicName"),
            ("AWS::SNS::Topic", "TopicName"): ("", "TopicName"),
        }
        kind = kinds.get((resource.type, attribute))
        if kind is None:
            return f"{_TOKEN}{name}.{attribute}{_TOKEN}"
        prefix, prop = kind
        return prefix + self.name(resource, prop, depth)

    def name(self, resource: Resource, prop: str, depth: int) -> str:
        value = resource.get(prop)
        if value is None:  # a generated name: never equal to a literal, matched by '*'
            return f"{_TOKEN}name:{resource.logical_id}{_TOKEN}"
        return self.render(value, depth + 1)


# -- triggers ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Trigger:
    """A queue, topic or bucket that invokes the function, and what writing to it takes."""

    what: str  # "SQS queue InputQueue (event source mapping X)"
    target: str | None  # the queue / topic / bucket logical ID, when in the template
    arn: Any  # the CloudFormation value of the ARN the writes must match
    actions: tuple[str, ...]
    verb: str  # "send messages to", "publish to", "write objects to"
    #: Whether a plain Ref / GetAtt of ``target`` in a statement is a write to it (queues,
    #: topics); for buckets, writes must name objects.
    by_reference: bool = True
    certain: bool = True  # False when the S3 event types cannot be resolved


def _s3_actions(events: Any, index: TemplateIndex) -> tuple[tuple[str, ...], bool]:
    """(actions that cause the notification's events, whether the events are known)."""
    literal = index.literal(events)
    if isinstance(literal, Unresolved) or not isinstance(literal, list):
        return _S3_WRITE_ACTIONS, False
    actions: list[str] = []
    for event in literal:
        if not isinstance(event, str):
            return _S3_WRITE_ACTIONS, False
        for family, caused_by in _S3_EVENT_ACTIONS:
            if event.startswith(family) or event == family.rstrip(":"):
                actions.extend(caused_by)
    return tuple(dict.fromkeys(actions)), True


def _triggers(function: Resource, index: TemplateIndex) -> list[_Trigger]:
    """The function's SQS, SNS and S3 triggers (from the shared :func:`triggers`)."""
    found: list[_Trigger] = []
    for trigger in triggers(function.logical_id, index):
        if trigger.via == "mapping" and trigger.service == "sqs":
            found.append(
                _Trigger(
                    f"SQS queue {trigger.source or '(outside this template)'} (event source "
                    f"mapping {trigger.declared_by})",
                    trigger.source,
                    trigger.arn,
                    ("sqs:SendMessage", "sqs:SendMessageBatch"),
                    "send messages to",
                )
            )
        elif trigger.via == "subscription":
            topic = trigger.source
            found.append(
                _Trigger(
                    f"SNS topic {topic} (its Subscription property)"
                    if trigger.declared_by == topic
                    else f"SNS topic {topic or '(outside this template)'} (subscription in "
                    f"{trigger.declared_by})",
                    topic,
                    trigger.arn,
                    ("sns:Publish",),
                    "publish to",
                )
            )
        elif trigger.via == "notification":
            actions, certain = _s3_actions(trigger.events, index)
            if not actions:
                continue
            prefix, suffix = trigger.prefix, trigger.suffix
            key_glob = {"Fn::Join": ["", [trigger.arn, "/", prefix, "*", suffix]]}
            filters = [
                f"prefix {prefix!r}" if prefix else "",
                f"suffix {suffix!r}" if suffix else "",
            ]
            described = " and ".join(f for f in filters if f)
            found.append(
                _Trigger(
                    f"S3 bucket {trigger.source or _bucket_name(trigger.arn, index)} "
                    f"(notification in {trigger.declared_by}"
                    + (f", keys with {described})" if described else ")"),
                    trigger.source or trigger.declared_by,
                    key_glob,
                    actions,
                    "write objects to",
                    by_reference=False,
                    certain=certain,
                )
            )
    return found


def _bucket_name(arn: Any, index: TemplateIndex) -> str:
    """How messages show a bucket outside the template (from aws-cdk-lib's notification ARN)."""
    parts = dig(arn, "Fn::Join")
    name = parts[1][-1] if isinstance(parts, list) and len(parts) == 2 and parts[1] else arn
    return _Renderer(index, "display").render(name)


# -- permissions ------------------------------------------------------------------------------
_ARN_WILD = frozenset(("*", "?", _SEGMENT, _ANY_VALUE))


def _head(pattern: str) -> tuple[str, str, bool] | None:
    """(service, literal head of the resource part, whether a wildcard follows) of an ARN.

    Two rendered ARN patterns can share a string only if their services are equal and one
    head is a prefix of the other: the partition, region and account render as literals or
    :data:`_SEGMENT`, neither of which spans a ``:``, so the resource parts line up. ``None``
    for a pattern that is not such an ARN (``*``, a wildcard service, an opaque value in the
    first fields): it must be compared with every trigger.
    """
    if not pattern.startswith("arn:"):
        return None
    fields: list[str] = []
    start = 0
    for position, char in enumerate(pattern):
        if char == ":" and len(fields) < 5:
            fields.append(pattern[start:position])
            start = position + 1
        elif len(fields) < 5 and char in ("*", "?", _ANY_VALUE, _TOKEN):
            return None
    if len(fields) < 5 or any(c in _ARN_WILD for c in fields[2]):
        return None
    rest = pattern[start:]
    cut = next((i for i, c in enumerate(rest) if c in _ARN_WILD), len(rest))
    return fields[2], rest[:cut], cut < len(rest)


@dataclass
class _Grant:
    """One resource of one Allow statement of the role, rendered once."""

    order: int
    statement: PolicyStatement
    owner: str
    resource: Any
    strict: str
    loose: str


class _Grants:
    """The write grants of one role, indexed for the triggers of all its functions.

    Built once per role: the statements (inline, attached policies of this template, the
    broad AWS managed policies), and per action the grants that allow it, indexed by the
    resource they reference and by the head of their ARN pattern. A trigger is then compared
    only with the grants that can match it (cheap rejection before glob matching), so a role
    shared by N functions that grants on N queues costs O(N), not O(N**2).
    """

    def __init__(self, role: Resource, index: TemplateIndex):
        self.index = index
        self.statements: list[tuple[PolicyStatement, str]] = [
            (s, s.owner.logical_id) for s in role_statements(role.logical_id, index)
        ]
        self.unknowns: list[str] = []
        arns = role.get("ManagedPolicyArns") or []
        for arn in arns if isinstance(arns, list) else [arns]:
            target = index.get(index.target(arn))
            if target is not None and target.type == "AWS::IAM::ManagedPolicy":
                continue  # its statements come with role_statements
            name = aws_managed_name(arn, index)
            if not isinstance(name, str):
                shown = _Renderer(index, "display").render(arn)
                why = f": {name.reason}" if name is not None else " is not in this template"
                self.unknowns.append(f"the managed policy {shown!r} of role {role.logical_id}{why}")
                continue
            broad = _BROAD_MANAGED_POLICIES.get(name)
            if broad is not None:
                self.statements.append(
                    (
                        PolicyStatement(role, broad),
                        f"the AWS managed policy {name} of {role.logical_id}",
                    )
                )
        for statement, owner in self.statements:
            if statement.unreadable() is not None:
                self.unknowns.append(f"a statement in {owner} has non-literal actions")
        self._by_action: dict[str, _ActionGrants] = {}

    def allowing(self, action: str) -> _ActionGrants:
        """The grants that allow ``action``, indexed (computed once per action)."""
        if action not in self._by_action:
            self._by_action[action] = _ActionGrants(self, action)
        return self._by_action[action]


class _ActionGrants:
    def __init__(self, grants: _Grants, action: str):
        index = grants.index
        strict, loose = _Renderer(index, "strict"), _Renderer(index, "loose")
        self.not_resource: list[str] = []
        self.by_target: dict[str, list[_Grant]] = defaultdict(list)
        self.strict = _HeadIndex()
        self.loose = _HeadIndex()
        order = 0
        for statement, owner in grants.statements:
            body = statement.statement
            if not statement.allows(action):
                continue
            if "NotResource" in body and "Resource" not in body:
                self.not_resource.append(owner)
                continue
            for resource in statement.resources():
                grant = _Grant(
                    order,
                    statement,
                    owner,
                    resource,
                    strict.render(resource),
                    loose.render(resource),
                )
                order += 1
                target = index.target(resource)
                if target is not None:
                    self.by_target[target].append(grant)
                self.strict.add(grant.strict, grant)
                self.loose.add(grant.loose, grant)


class _HeadIndex:
    """Rendered patterns by (service, head): candidates for a trigger without a full scan."""

    def __init__(self) -> None:
        self.generic: list[_Grant] = []
        self.heads: dict[tuple[str, str], list[_Grant]] = defaultdict(list)
        self._sorted: dict[str, list[str]] | None = None

    def add(self, pattern: str, grant: _Grant) -> None:
        head = _head(pattern)
        if head is None:
            self.generic.append(grant)
        else:
            self.heads[head[0], head[1]].append(grant)
            self._sorted = None

    def candidates(self, pattern: str) -> list[_Grant]:
        """Grants whose pattern may share a string with ``pattern``, in statement order."""
        head = _head(pattern)
        if head is None:
            found = [g for grants in self.heads.values() for g in grants]
        else:
            service, text, open_ended = head
            found = list(self.generic)
            for cut in range(len(text) + 1):  # grants whose head is a prefix of ours
                found += self.heads.get((service, text[:cut]), [])
            if open_ended:  # and those whose head extends ours
                if self._sorted is None:
                    self._sorted = defaultdict(list)
                    for svc, head_text in sorted(self.heads):
                        self._sorted[svc].append(head_text)
                heads = self._sorted.get(service, [])
                at = bisect.bisect_right(heads, text)
                while at < len(heads) and heads[at].startswith(text):
                    found += self.heads[service, heads[at]]
                    at += 1
            return sorted({id(g): g for g in found}.values(), key=lambda g: g.order)
        found += self.generic
        return sorted({id(g): g for g in found}.values(), key=lambda g: g.order)


def _grants(function: Resource, index: TemplateIndex) -> _Grants | Unresolved:
    role = index.get(index.role_of(function))
    if role is None or role.type != "AWS::IAM::Role":
        return Unresolved("the function's execution role is not defined in this template")
    cache: dict[str, _Grants] = index.memo("lambda_.recursive_loop.grants", dict)
    if role.logical_id not in cache:
        cache[role.logical_id] = _Grants(role, index)
    return cache[role.logical_id]


def _check_trigger(
    trigger: _Trigger, grants: _Grants, index: TemplateIndex
) -> tuple[Finding | None, list[str]]:
    """The loop through ``trigger`` (a finding), or why it cannot be ruled out."""
    strict, loose = _Renderer(index, "strict"), _Renderer(index, "loose")
    display = _Renderer(index, "display")
    target_strict, target_loose = strict.render(trigger.arn), loose.render(trigger.arn)
    unknowns: list[str] = []
    for action in trigger.actions:
        allowed = grants.allowing(action)
        for owner in allowed.not_resource:
            unknowns.append(
                f"{owner} allows {action} on a NotResource, which may include {trigger.what}"
            )
        direct = allowed.by_target.get(trigger.target or "", []) if trigger.by_reference else []
        matches = [
            g
            for g in allowed.strict.candidates(target_strict)
            if _globs_meet(g.strict, target_strict)
        ]
        hit = min([*direct, *matches], key=lambda g: g.order, default=None)
        if hit is not None:
            if not trigger.certain:
                unknowns.append(
                    f"the event types of {trigger.what} ({hit.owner} allows {action} on it)"
                )
                continue
            return (
                Finding(
                    f"It can {trigger.verb} the {trigger.what} that triggers it: {action} "
                    f"is allowed on {display.render(hit.resource)!r} by {hit.owner}. Each write "
                    "invokes the function again."
                ),
                unknowns,
            )
        for grant in allowed.loose.candidates(target_loose):
            if _globs_meet(grant.loose, target_loose):
                unknowns.append(
                    f"whether {display.render(grant.resource)!r} ({action}, allowed by "
                    f"{grant.owner}) is the {trigger.what}: a value is known only at deploy time"
                )
    return None, unknowns


def check(function: Resource, index: TemplateIndex, options: CheckOptions) -> Result:
    """Non-compliant when the function can re-trigger itself, or opts out of loop detection.

    Triggers: SQS event source mappings, SNS subscriptions (``Protocol: lambda``) and S3
    notifications (``NotificationConfiguration`` and aws-cdk-lib's
    ``Custom::S3BucketNotifications``). A write path is an Allow statement of the execution
    role (inline, attached policies of this template, and the broad AWS managed policies)
    for ``sqs:SendMessage`` / ``sns:Publish`` / the S3 action that causes the notified
    event, on a resource that can be the trigger (for S3: an object key the notification's
    prefix and suffix filter can match).
    """
    findings: list[Finding] = []
    unknowns: list[str] = []
    recursive = index.literal(function.get("RecursiveLoop"))
    if isinstance(recursive, Unresolved):
        unknowns.append(f"RecursiveLoop: {recursive.reason}")
    elif recursive == "Allow":
        findings.append(
            Finding(
                "RecursiveLoop is 'Allow': Lambda will not stop a recursive loop between "
                "this function and SQS, SNS or S3."
            )
        )

    loops = _triggers(function, index)
    if not loops and not findings and not unknowns:
        return Result.not_applicable("no SQS, SNS or S3 trigger invokes the function")

    if loops:
        grants = _grants(function, index)
        if isinstance(grants, Unresolved):
            unknowns.append(grants.reason)
        else:
            unknowns += grants.unknowns
            for trigger in loops:
                finding, maybe = _check_trigger(trigger, grants, index)
                if finding is not None:
                    findings.append(finding)
                else:
                    unknowns += maybe

    if findings:
        return Result.non_compliant(*findings)
    if unknowns:
        return Result.unknown("; ".join(dict.fromkeys(unknowns)))
    return Result.compliant()


RULE = Rule(
    id="BestLambda-RecursiveLoop",
    severity=Severity.ERROR,
    message=(
        "The Lambda function can write to the queue, topic or bucket that triggers it, or "
        "allows recursive loops."
    ),
    explanation=(
        "A function that writes to its own trigger invokes itself again and again: a bug or "
        "an unexpected input becomes a runaway loop that bills every invocation. Lambda's "
        "recursive loop detection only stops SQS, SNS and S3 loops after about 16 "
        "iterations, and not at all with RecursiveLoop set to Allow. Write results to a "
        "different queue, topic or bucket (or a prefix the notification does not watch: "
        "bucket.grant_put(fn, 'output/*') with NotificationKeyFilter(prefix='input/')), "
        "grant only that (queue.grant_send_messages, topic.grant_publish, bucket.grant_put "
        "with an objects key pattern) instead of '*' or *FullAccess policies, and keep "
        "aws_lambda.Function(recursive_loop=RecursiveLoop.TERMINATE)."
    ),
    resource_types=frozenset({FUNCTION}),
    check=check,
    source=(
        "seeds/003 §7 ('Avoid recursive invocations'); AWS docs: Lambda recursive loop "
        "detection (stops SQS, SNS and S3 loops after about 16 invocations)"
    ),
)
