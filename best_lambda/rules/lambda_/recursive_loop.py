"""BestLambda-RecursiveLoop: a function cannot write to the queue, topic or bucket that triggers it.

How the write path is decided: every IAM resource a statement names and every trigger ARN
are rendered as glob patterns (``*`` and ``?``), with the values the template cannot know
replaced by opaque tokens; a write path exists when the two patterns have a string in
common. Rendering twice (unknown values as opaque tokens, then as wildcards) tells a
certain match from one that depends on a parameter or an import.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from best_lambda.rules.model import Finding, Resource, Result, Rule, Severity
from best_lambda.rules.options import CheckOptions
from best_lambda.rules.relations import PolicyStatement, event_source_kind, role_statements
from best_lambda.rules.template import FUNCTION, TemplateIndex, Unresolved, items

ESM = "AWS::Lambda::EventSourceMapping"
SUBSCRIPTION = "AWS::SNS::Subscription"
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


def _topic_subscriptions(index: TemplateIndex) -> dict[str, list[tuple[Resource, Any]]]:
    """Function -> (topic, its TopicArn) for the inline ``Subscription`` of SNS topics."""

    def compute() -> dict[str, list[tuple[Resource, Any]]]:
        found: dict[str, list[tuple[Resource, Any]]] = defaultdict(list)
        for topic in index.of_type("AWS::SNS::Topic"):
            for item in items(topic.get("Subscription")):
                if isinstance(item, dict) and index.literal(item.get("Protocol")) == "lambda":
                    fn = index.function_id(item.get("Endpoint"))
                    if fn:
                        found[fn].append((topic, {"Ref": topic.logical_id}))
        return dict(found)

    return index.memo("lambda_.recursive_loop.topic_subscriptions", compute)


@dataclass(frozen=True)
class _S3Notification:
    owner: str  # the resource that declares it
    bucket: str  # how messages name the bucket
    bucket_arn: Any
    events: Any
    prefix: Any
    suffix: Any


def _path(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...``, or None where a level is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _filter_values(rules: Any) -> tuple[Any, Any]:
    prefix: Any = ""
    suffix: Any = ""
    for rule in rules if isinstance(rules, list) else []:
        if not isinstance(rule, dict):
            continue
        name = rule.get("Name")
        if isinstance(name, str) and name.lower() == "prefix":
            prefix = rule.get("Value", "")
        elif isinstance(name, str) and name.lower() == "suffix":
            suffix = rule.get("Value", "")
    return prefix, suffix


def _s3_notifications(index: TemplateIndex) -> dict[str, list[_S3Notification]]:
    """Function -> the S3 notifications that invoke it (CloudFormation and aws-cdk-lib's)."""

    def compute() -> dict[str, list[_S3Notification]]:
        found: dict[str, list[_S3Notification]] = defaultdict(list)
        for bucket in index.of_type("AWS::S3::Bucket"):
            config = bucket.get("NotificationConfiguration")
            items = config.get("LambdaConfigurations") if isinstance(config, dict) else None
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                fn = index.function_id(item.get("Function"))
                if fn:
                    prefix, suffix = _filter_values(_path(item, "Filter", "S3Key", "Rules"))
                    found[fn].append(
                        _S3Notification(
                            bucket.logical_id,
                            f"S3 bucket {bucket.logical_id}",
                            {"Fn::GetAtt": [bucket.logical_id, "Arn"]},
                            [item.get("Event")],
                            prefix,
                            suffix,
                        )
                    )
        for custom in index.of_type("Custom::S3BucketNotifications"):
            config = custom.get("NotificationConfiguration")
            items = config.get("LambdaFunctionConfigurations") if isinstance(config, dict) else None
            name = custom.get("BucketName")
            shown = index.target(name) or _Renderer(index, "display").render(name)
            for item in items if isinstance(items, list) else []:
                if not isinstance(item, dict):
                    continue
                fn = index.function_id(item.get("LambdaFunctionArn"))
                if fn:
                    prefix, suffix = _filter_values(_path(item, "Filter", "Key", "FilterRules"))
                    found[fn].append(
                        _S3Notification(
                            custom.logical_id,
                            f"S3 bucket {shown}",
                            {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", name]]},
                            item.get("Events"),
                            prefix,
                            suffix,
                        )
                    )
        return dict(found)

    return index.memo("lambda_.recursive_loop.s3_notifications", compute)


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
    triggers: list[_Trigger] = []
    for esm in index.attached(ESM, function.logical_id):
        kind, queue = event_source_kind(esm, index)
        if kind == "sqs":
            triggers.append(
                _Trigger(
                    f"SQS queue {queue or '(outside this template)'} (event source mapping "
                    f"{esm.logical_id})",
                    queue,
                    esm.get("EventSourceArn"),
                    ("sqs:SendMessage", "sqs:SendMessageBatch"),
                    "send messages to",
                )
            )
    topics: list[tuple[str, Any]] = []
    for subscription in index.attached(SUBSCRIPTION, function.logical_id, prop="Endpoint"):
        if index.literal(subscription.get("Protocol")) == "lambda":
            topics.append((subscription.logical_id, subscription.get("TopicArn")))
    for topic, topic_arn in _topic_subscriptions(index).get(function.logical_id, ()):
        topics.append((topic.logical_id, topic_arn))
    for owner, topic_arn in topics:
        topic_id = index.target(topic_arn)
        triggers.append(
            _Trigger(
                f"SNS topic {topic_id or '(outside this template)'} (subscription in {owner})"
                if owner != topic_id
                else f"SNS topic {topic_id} (its Subscription property)",
                topic_id,
                topic_arn,
                ("sns:Publish",),
                "publish to",
            )
        )
    for note in _s3_notifications(index).get(function.logical_id, ()):
        actions, certain = _s3_actions(note.events, index)
        if not actions:
            continue
        prefix, suffix = note.prefix, note.suffix
        key_glob = {"Fn::Join": ["", [note.bucket_arn, "/", prefix, "*", suffix]]}
        filters = [f"prefix {prefix!r}" if prefix else "", f"suffix {suffix!r}" if suffix else ""]
        described = " and ".join(f for f in filters if f)
        triggers.append(
            _Trigger(
                f"{note.bucket} (notification in {note.owner}"
                + (f", keys with {described})" if described else ")"),
                index.target(note.bucket_arn) or note.owner,
                key_glob,
                actions,
                "write objects to",
                by_reference=False,
                certain=certain,
            )
        )
    return triggers


# -- permissions ------------------------------------------------------------------------------
def _statements(
    function: Resource, index: TemplateIndex
) -> tuple[list[tuple[PolicyStatement, str]], list[str]] | Unresolved:
    """(statement, who holds it) for the function's role, and what cannot be read."""
    role = index.get(index.role_of(function))
    if role is None or role.type != "AWS::IAM::Role":
        return Unresolved("the function's execution role is not defined in this template")
    statements = [(s, s.owner.logical_id) for s in role_statements(role.logical_id, index)]
    unknowns: list[str] = []
    strict = _Renderer(index, "strict")
    arns = role.get("ManagedPolicyArns") or []
    for arn in arns if isinstance(arns, list) else [arns]:
        target = index.target(arn)
        if target is not None and index.resources[target].type == "AWS::IAM::ManagedPolicy":
            continue  # its statements come with role_statements
        text = strict.render(arn)
        if ":iam::aws:policy/" not in text:
            shown = _Renderer(index, "display").render(arn)
            unknowns.append(
                f"the managed policy {shown!r} of role {role.logical_id} is not in this template"
            )
            continue
        name = text.rsplit("/", 1)[-1]
        broad = _BROAD_MANAGED_POLICIES.get(name)
        if broad is not None:
            statements.append(
                (
                    PolicyStatement(role, broad),
                    f"the AWS managed policy {name} of {role.logical_id}",
                )
            )
    return statements, unknowns


def _allows(statement: PolicyStatement, action: str) -> bool:
    """``PolicyStatement.allows``, also for an Allow with ``NotAction``."""
    body = statement.statement
    if body.get("Effect") == "Allow" and "NotAction" in body and "Action" not in body:
        excluded = body["NotAction"] if isinstance(body["NotAction"], list) else [body["NotAction"]]
        return not any(
            isinstance(e, str) and _globs_meet(action.lower(), e.lower()) for e in excluded
        )
    return statement.allows(action)


def _check_trigger(
    trigger: _Trigger, statements: list[tuple[PolicyStatement, str]], index: TemplateIndex
) -> tuple[Finding | None, list[str]]:
    """The loop through ``trigger`` (a finding), or why it cannot be ruled out."""
    strict, loose = _Renderer(index, "strict"), _Renderer(index, "loose")
    display = _Renderer(index, "display")
    target_strict, target_loose = strict.render(trigger.arn), loose.render(trigger.arn)
    unknowns: list[str] = []
    for statement, owner in statements:
        body = statement.statement
        if body.get("Effect") != "Allow":
            continue
        if "Action" in body and isinstance(statement.actions(), Unresolved):
            unknowns.append(f"a statement in {owner} has non-literal actions")
            continue
        action = next((a for a in trigger.actions if _allows(statement, a)), None)
        if action is None:
            continue
        if "NotResource" in body and "Resource" not in body:
            unknowns.append(
                f"{owner} allows {action} on a NotResource, which may include {trigger.what}"
            )
            continue
        for resource in statement.resources():
            direct = trigger.by_reference and index.target(resource) == trigger.target
            if direct or _globs_meet(strict.render(resource), target_strict):
                if not trigger.certain:
                    unknowns.append(
                        f"the event types of {trigger.what} ({owner} allows {action} on it)"
                    )
                    continue
                return (
                    Finding(
                        f"It can {trigger.verb} the {trigger.what} that triggers it: {action} "
                        f"is allowed on {display.render(resource)!r} by {owner}. Each write "
                        "invokes the function again."
                    ),
                    unknowns,
                )
            if _globs_meet(loose.render(resource), target_loose):
                unknowns.append(
                    f"whether {display.render(resource)!r} ({action}, allowed by {owner}) is "
                    f"the {trigger.what}: a value is known only at deploy time"
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

    triggers = _triggers(function, index)
    if not triggers and not findings and not unknowns:
        return Result.not_applicable("no SQS, SNS or S3 trigger invokes the function")

    if triggers:
        statements = _statements(function, index)
        if isinstance(statements, Unresolved):
            unknowns.append(statements.reason)
        else:
            held, unreadable = statements
            unknowns += unreadable
            for trigger in triggers:
                finding, maybe = _check_trigger(trigger, held, index)
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
