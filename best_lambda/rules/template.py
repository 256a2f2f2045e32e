"""A read-once index over one CloudFormation template.

Rules never scan the whole template: they ask the index ("which resources reference this
queue?", "which role does this function use?"). Each map is built once, lazily, in one
pass over the template, so evaluating every rule stays linear in the template's size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from best_lambda.rules.conditions import (
    ABSENT,
    MAX_WORLDS,
    ConditionTable,
    World,
    conditions_in,
    resolve,
)
from best_lambda.rules.model import Resource

__all__ = [
    "FUNCTION",
    "ROLE",
    "MalformedTemplateError",
    "TemplateIndex",
    "Unresolved",
    "dig",
    "is_intrinsic",
    "items",
    "literal_text",
    "lookup",
    "name_text",
]

FUNCTION = "AWS::Lambda::Function"
ROLE = "AWS::IAM::Role"
_T = TypeVar("_T")
_SUB_REF = re.compile(r"\$\{(?!!)([A-Za-z0-9_:]+)(?:\.([A-Za-z0-9_.]+))?\}")
#: A Lambda function ARN (or name with qualifier) whose parts may be ``${...}`` placeholders.
_PART = r"(?:\$\{[^}]*\}|[^:$])"
_LAMBDA_ARN_TEXT = re.compile(
    rf"^arn:{_PART}+:lambda:{_PART}*:{_PART}*:function:({_PART}+)(?::{_PART}+)?$"
)

#: Resources that reference a resource of a type without being related to it by any rule
#: (type -> referrer types; ``""``: every other type): they use it as one of many (other
#: functions, custom resources backed by a function, IAM grants naming it), so their
#: conditions are not the resource's. A name ending in ``::`` stands for a prefix.
_CUSTOM = ("AWS::CloudFormation::CustomResource", "Custom::")
_IAM = (ROLE, "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::User", "AWS::IAM::Group")
_PEERS: dict[str, tuple[str, ...]] = {
    FUNCTION: (
        FUNCTION,
        *_IAM,
        *_CUSTOM,
        "AWS::StepFunctions::StateMachine",
        "AWS::CloudWatch::Dashboard",
    ),
    ROLE: (),
    "AWS::IAM::Policy": (),
    "AWS::IAM::ManagedPolicy": (),
    "": _IAM,
}
#: What :meth:`TemplateIndex.function_id` reads: functions, and what stands for them by name.
_FUNCTION_TYPES = (FUNCTION, "AWS::Lambda::Alias", "AWS::Lambda::Version")
#: Custom resources rules read as triggers or log settings of a function.
_RELATED_CUSTOM = ("Custom::S3BucketNotifications", "Custom::LogRetention")
#: Resources that stand for a function: what references them designates the function.
_STAND_INS = ("AWS::Lambda::Alias", "AWS::Lambda::Version", "AWS::Lambda::Url")
#: (type of the judged resource, type of something it references) -> the referrers of the
#: latter whose conditions rules on the former see.
_ATTACHED: dict[tuple[str, str], tuple[str, ...]] = {
    # BestLambda-RecursiveLoop reads the statements of every policy of the role.
    (FUNCTION, ROLE): ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"),
    # BestLambda-IteratorAgeAlarm looks for the alarms on the mapping's function.
    ("AWS::Lambda::EventSourceMapping", FUNCTION): ("AWS::CloudWatch::Alarm",),
    # BestLambda-NoWildcardPermissions: whether a role of the policy is an execution role.
    ("AWS::IAM::Policy", ROLE): (FUNCTION,),
    ("AWS::IAM::ManagedPolicy", ROLE): (FUNCTION,),
}


def _is_peer(kind: str, peers: tuple[str, ...]) -> bool:
    if kind in _RELATED_CUSTOM:
        return False
    return any(kind == p or (p.endswith("::") and kind.startswith(p)) for p in peers)


class MalformedTemplateError(ValueError):
    """The input is not a CloudFormation template; the message lists every problem."""

    def __init__(self, name: str, problems: list[str]):
        self.problems = tuple(problems)
        super().__init__(
            f"{name} is not a valid CloudFormation template ({len(problems)} problems):\n  - "
            + "\n  - ".join(problems)
        )


@dataclass(frozen=True)
class Unresolved:
    """A value that cannot be known from the template alone, and why."""

    reason: str

    def __bool__(self) -> bool:  # an Unresolved is never a usable value
        return False


def name_text(value: Any) -> str | None:
    """A name or ARN as one text, references written ``${X}`` / ``${X.Attr}`` as in Fn::Sub.

    Two values with the same text designate the same thing. ``None`` when the value is not
    a string, ``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` or ``Fn::Join`` of those.

    Examples
    --------
    >>> name_text({"Fn::Join": ["-", [{"Ref": "AWS::StackName"}, "worker"]]})
    '${AWS::StackName}-worker'
    >>> name_text({"Fn::Sub": ["${Stack}-worker", {"Stack": {"Ref": "AWS::StackName"}}]})
    '${AWS::StackName}-worker'
    """
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((key, arg),) = value.items()
    if key == "Ref" and isinstance(arg, str):
        return "${" + arg + "}"
    if key == "Fn::GetAtt":
        parts = arg if isinstance(arg, list) else str(arg).split(".", 1)
        if len(parts) == 2 and all(isinstance(p, str) for p in parts):
            return "${" + ".".join(parts) + "}"
        return None
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        separator, parts = arg
        if isinstance(separator, str) and isinstance(parts, list):
            texts = [name_text(p) for p in parts]
            if all(t is not None for t in texts):
                return separator.join(t for t in texts if t is not None)
        return None
    if key == "Fn::Sub":
        text, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if not isinstance(text, str) or not isinstance(variables, Mapping):
            return None
        failed = False

        def replace(match: re.Match[str]) -> str:
            nonlocal failed
            name = match.group(1) + (f".{match.group(2)}" if match.group(2) else "")
            if name in variables:
                inner = name_text(variables[name])
                if inner is None:
                    failed = True
                    return ""
                return inner
            return "${" + name + "}"

        result = _SUB_REF.sub(replace, text)
        return None if failed else result
    return None


def literal_text(value: Any) -> str | None:
    """The literal text of a string, ``Fn::Sub`` or ``Fn::Join``, other parts left empty.

    An ``Fn::Sub`` gives its template (``${...}`` placeholders kept); an ``Fn::Join`` its
    parts joined by its delimiter, each ``Fn::Sub`` / ``Fn::Join`` part read the same way
    and any other part (a ``Ref``, an ``Fn::GetAtt``...) empty. ``None`` for anything else.
    For substring tests on a value the template does not decide (``":lambda:"`` in an ARN,
    ``"{{resolve:"`` in a secret).

    Examples
    --------
    >>> literal_text({"Fn::Join": [":", ["arn", {"Ref": "AWS::Partition"}, "lambda"]]})
    'arn::lambda'
    >>> literal_text({"Fn::Sub": ["arn:${P}:iam::${A}:root", {"A": "1"}]})
    'arn:${P}:iam::${A}:root'
    >>> literal_text({"Ref": "X"}) is None
    True
    """
    if isinstance(value, str):
        return value
    if not isinstance(value, Mapping) or len(value) != 1:
        return None
    ((key, arg),) = value.items()
    if key == "Fn::Sub":
        text = arg[0] if isinstance(arg, list) and arg else arg
        return text if isinstance(text, str) else None
    if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
        delimiter, parts = arg
        if isinstance(delimiter, str) and isinstance(parts, list):
            texts = (literal_text(p) if isinstance(p, (str, Mapping)) else None for p in parts)
            return delimiter.join(t if t is not None else "" for t in texts)
    return None


def dig(value: Any, *keys: str) -> Any:
    """``value[k1][k2]...``, or ``None`` where a level is missing or not an object.

    Examples
    --------
    >>> dig({"A": {"B": 1}}, "A", "B"), dig({"A": "x"}, "A", "B")
    (1, None)
    """
    for key in keys:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def lookup(value: Any, keys: tuple[str, ...], index: TemplateIndex) -> Any:
    """``value[k1][k2]...`` like :func:`dig`, reading through intrinsics; ``None`` if absent.

    An intrinsic at an intermediate level is resolved with :meth:`TemplateIndex.literal`
    (an :class:`Unresolved` when the template cannot); the last level is returned as
    written. Conditions are decided by the engine before the check.

    Examples
    --------
    >>> index = TemplateIndex({"Resources": {}})
    >>> lookup({"Fn::If": ["C", {"Arn": "arn:x"}, {"Arn": "arn:x"}]}, ("Arn",), index)
    'arn:x'
    >>> lookup({"DeadLetterConfig": {"Arn": {"Ref": "Q"}}}, ("DeadLetterConfig", "Arn"), index)
    {'Ref': 'Q'}
    """
    if value is None or not keys:
        return value
    if is_intrinsic(value):
        value = index.literal(value)
        if isinstance(value, Unresolved):
            return value
    if not isinstance(value, dict):
        return None
    return lookup(value.get(keys[0]), keys[1:], index)


def items(value: Any) -> list[Any]:
    """``value`` if it is a list, else ``[]`` (a malformed or intrinsic list is not read)."""
    return value if isinstance(value, list) else []


def is_intrinsic(value: Any) -> bool:
    """Whether ``value`` is a CloudFormation intrinsic function (``Ref``, ``Fn::*``)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    (key,) = value
    return key == "Ref" or (isinstance(key, str) and key.startswith("Fn::"))


def _describe(value: Any) -> str:
    (key, arg) = next(iter(value.items()))
    if key == "Ref":
        return f"{{'Ref': '{arg}'}}"
    if key == "Fn::GetAtt" and isinstance(arg, list):
        return f"{{'Fn::GetAtt': '{'.'.join(str(a) for a in arg)}'}}"
    return f"a {key} expression"


class TemplateIndex:
    """Lookups over one template, built once.

    Parameters
    ----------
    template
        The parsed CloudFormation template (a dict, as ``json.load`` returns it).
    name
        How reports refer to it (an artifact ID or a file name).

    Raises
    ------
    MalformedTemplateError
        When ``template`` is not a mapping or its resources are not well-formed; every
        problem is listed.

    Examples
    --------
    >>> index = TemplateIndex({"Resources": {"Fn": {"Type": "AWS::Lambda::Function"}}})
    >>> [r.logical_id for r in index.of_type("AWS::Lambda::Function")]
    ['Fn']
    """

    def __init__(self, template: Mapping[str, Any], *, name: str = "template"):
        self.name = name
        #: Optional :class:`~best_lambda.rules.assets.AssetCatalog` for asset-size checks.
        self.assets: Any = None
        problems: list[str] = []
        if not isinstance(template, Mapping):
            raise MalformedTemplateError(
                name, [f"expected a JSON object, got {type(template).__name__}"]
            )
        raw_resources = template.get("Resources", {})
        if not isinstance(raw_resources, Mapping):
            raise MalformedTemplateError(name, ["'Resources' must be an object"])
        bodies: dict[str, Mapping[str, Any]] = {}
        for logical_id, body in raw_resources.items():
            if not isinstance(body, Mapping):
                problems.append(f"resource {logical_id!r} must be an object")
                continue
            rtype = body.get("Type")
            if not isinstance(rtype, str) or not rtype:
                problems.append(f"resource {logical_id!r} has no 'Type'")
                continue
            if not isinstance(body.get("Properties", {}), Mapping):
                problems.append(f"resource {logical_id!r}: 'Properties' must be an object")
                continue
            condition = body.get("Condition")
            if condition is not None and not isinstance(condition, str):
                problems.append(f"resource {logical_id!r}: 'Condition' must be a name")
                continue
            bodies[logical_id] = body
        for section in ("Parameters", "Mappings", "Conditions"):
            if not isinstance(template.get(section, {}), Mapping):
                problems.append(f"'{section}' must be an object")
        if problems:
            raise MalformedTemplateError(name, problems)
        self.parameters: dict[str, Any] = dict(template.get("Parameters", {}))
        self.mappings: dict[str, Any] = dict(template.get("Mappings", {}))
        self._decided: dict[str, bool] = {}
        #: The template's conditions: decided values, and the worlds of the others.
        self.conditions = ConditionTable(
            template.get("Conditions", {}), self.parameters, self.literal
        )
        self._decided = self.conditions.decided
        #: Resources that do not exist because their ``Condition`` is false whatever the
        #: parameters (logical ID -> why); they are neither judged nor related to others.
        self.inactive: dict[str, str] = {}
        #: Logical ID -> the undecided conditions its existence or properties depend on.
        self.conditional: dict[str, frozenset[str]] = {}
        self._world: World | None = None
        #: For an index of one world: the template's index, and the resources that differ
        #: from it (removed, or with properties resolved differently).
        self._base: TemplateIndex | None = None
        self._delta: frozenset[str] = frozenset()
        self.resources: dict[str, Resource] = {}
        for logical_id, body in bodies.items():
            condition = body.get("Condition")
            kept: set[str] = set()
            if isinstance(condition, str):
                if self._decided.get(condition) is False:
                    self.inactive[logical_id] = f"its Condition {condition} is always false"
                    continue
                if condition in self.conditions.formulas and condition not in self._decided:
                    kept.add(condition)
            props = resolve(dict(body.get("Properties", {})), self._decided, kept)
            meta = body.get("Metadata", {})
            self.resources[logical_id] = Resource(
                logical_id=logical_id,
                type=body["Type"],
                properties=props if isinstance(props, dict) else {},
                metadata=dict(meta) if isinstance(meta, Mapping) else {},
                raw=dict(body),
            )
            for undefined in kept - self.conditions.formulas.keys():
                self.conditions.declare(undefined)
            used = {c for c in kept if c not in self._decided}
            if used:
                self.conditional[logical_id] = frozenset(used)

    # -- conditions -----------------------------------------------------------------------
    @property
    def world(self) -> World | None:
        """The conditions this index was resolved for (``None`` for the template itself)."""
        return self._world

    def variants(self, logical_id: str) -> list[World] | Unresolved | None:
        """The worlds a resource must be judged in, or ``None`` when it has just one.

        A resource depends on the undecided conditions of :meth:`relevant_conditions` (its
        own, its role's and the policies of that role, its event sources and their queues,
        the alarms and log groups that name it...). Every consistent combination of them
        is one world. :class:`Unresolved` when there are
        more than :data:`~best_lambda.rules.conditions.MAX_WORLDS`.
        """
        if self._world is not None or not self.conditional:
            return None
        relevant = self.relevant_conditions(logical_id)
        if not relevant:
            return None
        worlds = self.conditions.worlds(relevant)
        if worlds is None:
            return Unresolved(
                f"it depends on {len(relevant)} conditions ({', '.join(sorted(relevant))}), "
                f"more combinations than best-lambda judges ({MAX_WORLDS})"
            )
        return worlds

    def in_world(self, world: World) -> TemplateIndex:
        """The template with the conditions of ``world`` decided (built once per world).

        Only the resources that use those conditions are resolved again; the others, and
        every lookup they alone decide, are shared with this index. When the world changes
        no resource (the resources under a condition that is true, with no ``Fn::If`` on
        it), it is this index itself: a template of N functions, each under its own
        condition, costs N small worlds, not N copies of every whole-template lookup.
        """
        if not world:
            return self
        cache: dict[World, TemplateIndex] = self.__dict__.setdefault("_worlds", {})
        if world not in cache:
            cache[world] = self._resolved_for(world)
        return cache[world]

    def _resolved_for(self, world: World) -> TemplateIndex:
        values = dict(world)
        decided = {**self._decided, **values}
        removed: dict[str, str] = {}
        changed: dict[str, Resource] = {}
        for logical_id in self._users_of(values.keys()):
            resource = self.resources[logical_id]
            condition = resource.raw.get("Condition")
            if isinstance(condition, str) and values.get(condition) is False:
                removed[logical_id] = f"its Condition {condition} is false"
                continue
            props = resolve(resource.properties, decided)
            if props is not resource.properties:
                changed[logical_id] = Resource(
                    logical_id=logical_id,
                    type=resource.type,
                    properties=props if isinstance(props, dict) else {},
                    metadata=resource.metadata,
                    raw=resource.raw,
                )
        if not removed and not changed:
            return self
        derived = object.__new__(TemplateIndex)
        derived.name = self.name
        derived.assets = self.assets
        derived.parameters = self.parameters
        derived.mappings = self.mappings
        derived.conditions = self.conditions
        derived._decided = decided
        derived.inactive = {**self.inactive, **removed}
        derived.conditional = {}
        derived._world = world
        derived._base = self
        derived._delta = frozenset(removed) | frozenset(changed)
        derived.resources = dict(self.resources)
        for logical_id in removed:
            del derived.resources[logical_id]
        derived.resources.update(changed)  # in place: template order is kept
        return derived

    def _users_of(self, conditions: Iterable[str]) -> set[str]:
        """The resources whose existence or properties use one of ``conditions``."""
        users: dict[str, list[str]] = self.__dict__.get("_condition_users") or {}
        if not users:
            for logical_id, uses in self.conditional.items():
                for condition in uses:
                    users.setdefault(condition, []).append(logical_id)
            self.__dict__["_condition_users"] = users
        return {u for c in conditions for u in users.get(c, ())}

    def alternatives(self, value: Any) -> list[Any]:
        """Every value ``value`` can take, for a scan over resources of the whole template.

        A rule judges its resource in the worlds of the conditions around it; a value of a
        resource further away may still hold an ``Fn::If`` on another condition. Scans
        (every alarm of the template, for instance) read each of its possibilities:
        ``AWS::NoValue`` becomes ``None``.
        """
        names = conditions_in(value) - self._decided.keys()
        if not names:
            return [value]
        worlds = self.conditions.worlds(names)
        if worlds is None:
            return [value]
        found: list[Any] = []
        for world in worlds:
            option = resolve(value, {**self._decided, **dict(world)})
            option = None if option is ABSENT else option
            if option not in found:
                found.append(option)
        return found

    def relevant_conditions(self, logical_id: str) -> frozenset[str]:
        """The undecided conditions the rules on a resource can see (computed once per resource).

        Those used by:

        * the resource, and everything it references, and what those reference, in that
          direction (a function's role and the managed policies the role names, its
          dead-letter queue...);
        * the resources that reference it and that rules relate to it (:data:`_PEERS`
          says which do not), with what they reference, except other resources of its own
          type: a function's permissions, event source mappings (and their queues),
          subscriptions, log groups, alarms, versions and aliases (and what designates the
          function through them);
        * the few resources rules reach through something the resource references
          (:data:`_ATTACHED`): the policies attached to a function's role, the alarms on the
          function an event source mapping invokes, the functions that run as the role a
          policy is attached to.

        A resource shared by many others (a role, a queue) is never stepped through to its
        other users: seven functions under seven conditions sharing one role are each judged
        in the two worlds of their own condition.
        """
        cache: dict[str, frozenset[str]] = self.memo("template.relevant_conditions", dict)
        if logical_id not in cache:
            cache[logical_id] = self._relevant(logical_id)
        return cache[logical_id]

    def _relevant(self, logical_id: str) -> frozenset[str]:
        resource = self.resources.get(logical_id)
        if resource is None:
            return frozenset()
        kind = resource.type
        nodes = self._down({logical_id})
        for referrer in self._related_referrers(resource):
            nodes |= self._down({referrer}, avoid=kind, keep=logical_id)
        found: set[str] = set()
        for node in nodes:
            found |= self.conditional.get(node, frozenset())
            if node == logical_id:
                continue
            by_type = self._linked_from.get(node, {})
            for attached in _ATTACHED.get((kind, self.resources[node].type), ()):
                for other in by_type.get(attached, ()):
                    found |= self.conditional.get(other, frozenset())
        return frozenset(found)

    def _down(self, start: set[str], avoid: str | None = None, keep: str = "") -> set[str]:
        """``start`` and everything it references, transitively.

        Resources of type ``avoid`` (other than ``keep``) are not entered.
        """
        seen: set[str] = set()
        todo = list(start)
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            for other in self._links.get(node, ()):
                if other not in seen and (
                    other == keep or avoid is None or self.resources[other].type != avoid
                ):
                    todo.append(other)
        return seen

    def _related_referrers(self, resource: Resource) -> set[str]:
        """The resources referencing ``resource`` that rules relate to it.

        For a function, also those that designate it through one of its aliases, versions
        or URLs.
        """
        peers = _PEERS.get(resource.type, _PEERS[""])
        found: set[str] = set()
        todo = [resource.logical_id]
        while todo:
            node = todo.pop()
            for kind, others in self._linked_from.get(node, {}).items():
                if _is_peer(kind, peers):
                    continue
                for other in others:
                    if other in found or other == resource.logical_id:
                        continue
                    found.add(other)
                    if resource.type == FUNCTION and kind in _STAND_INS:
                        todo.append(other)
        return found

    @cached_property
    def _links(self) -> dict[str, frozenset[str]]:
        """Logical ID -> the resources it references or designates (a function by name)."""
        links: dict[str, frozenset[str]] = {}
        for logical_id, resource in self.resources.items():
            linked = set(self._references_of(logical_id))
            for prop in ("FunctionName", "TargetFunctionArn"):
                value = resource.properties.get(prop)
                if value is not None:
                    fn = self.function_id(value)
                    if fn:
                        linked.add(fn)
            linked.discard(logical_id)
            if linked:
                links[logical_id] = frozenset(linked)
        return links

    @cached_property
    def _linked_from(self) -> dict[str, dict[str, list[str]]]:
        """The reverse of :attr:`_links`: logical ID -> type -> the resources linking to it."""
        reverse: dict[str, dict[str, list[str]]] = {}
        for logical_id, linked in self._links.items():
            kind = self.resources[logical_id].type
            for other in linked:
                reverse.setdefault(other, {}).setdefault(kind, []).append(logical_id)
        return reverse

    # -- basic lookups --------------------------------------------------------------------
    @cached_property
    def _by_type(self) -> dict[str, list[Resource]]:
        if self._base is not None:  # the template's lists, those of changed types redone
            return {}
        found: dict[str, list[Resource]] = defaultdict(list)
        for resource in self.resources.values():
            found[resource.type].append(resource)
        return found

    def _of_type(self, kind: str) -> list[Resource]:
        base = self._base
        if base is None:
            return self._by_type.get(kind, [])
        if kind not in self._changed_types:
            return base._of_type(kind)
        if kind not in self._by_type:
            self._by_type[kind] = [
                self.resources[r.logical_id]
                for r in base._of_type(kind)
                if r.logical_id in self.resources
            ]
        return self._by_type[kind]

    @cached_property
    def _changed_types(self) -> frozenset[str]:
        base = self._base
        return frozenset(base.resources[d].type for d in self._delta) if base else frozenset()

    def of_type(self, *types: str) -> list[Resource]:
        """All resources of the given types, in template order per type."""
        return [r for t in types for r in self._of_type(t)]

    def get(self, logical_id: str | None) -> Resource | None:
        """The resource with this logical ID, if the template has it."""
        return self.resources.get(logical_id) if isinstance(logical_id, str) else None

    def memo(self, key: str, compute: Callable[[], _T]) -> _T:
        """Compute a derived map once per template (e.g. "every dead-letter queue")."""
        cache: dict[str, Any] = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        value: _T = cache[key]
        return value

    # -- references -----------------------------------------------------------------------
    def target(self, value: Any) -> str | None:
        """The logical ID of the resource ``value`` refers to (``Ref`` / ``Fn::GetAtt``)."""
        if not isinstance(value, dict) or len(value) != 1:
            return None
        (key, arg) = next(iter(value.items()))
        name: Any = None
        if key == "Ref":
            name = arg
        elif key == "Fn::GetAtt":
            if isinstance(arg, list) and arg:
                name = arg[0]
            elif isinstance(arg, str):
                name = arg.split(".", 1)[0]
        return name if isinstance(name, str) and name in self.resources else None

    def targets_in(self, value: Any) -> set[str]:
        """Every resource logical ID referenced anywhere inside ``value``."""
        found: set[str] = set()
        self._collect(value, found)
        return found

    def only_reference(self, value: Any, *types: str) -> str | None:
        """The one resource (of ``types``, when given) that ``value`` references, if only one.

        Looks anywhere inside ``value``: an ``Fn::Sub`` ARN of a role, an ``Fn::Join`` around
        a queue's ``Fn::GetAtt``... ``None`` when it references none, or several.

        Examples
        --------
        >>> index = TemplateIndex({"Resources": {"R": {"Type": "AWS::IAM::Role"},
        ...                                      "Q": {"Type": "AWS::SQS::Queue"}}})
        >>> index.only_reference({"Fn::Sub": "arn:aws:iam::1:role/${R}-${Q}"}, "AWS::IAM::Role")
        'R'
        >>> index.only_reference({"Fn::Sub": "arn:aws:iam::1:role/${R}-${Q}"}) is None
        True
        """
        found = [t for t in self.targets_in(value) if not types or self.resources[t].type in types]
        return found[0] if len(found) == 1 else None

    def _collect(self, value: Any, found: set[str]) -> None:
        if isinstance(value, dict):
            if len(value) == 1:
                (key, arg) = next(iter(value.items()))
                if key in ("Ref", "Fn::GetAtt"):
                    target = self.target(value)
                    if target:
                        found.add(target)
                    return
                if key == "Fn::Sub":
                    text = arg[0] if isinstance(arg, list) and arg else arg
                    if isinstance(text, str):
                        found.update(
                            m.group(1)
                            for m in _SUB_REF.finditer(text)
                            if m.group(1) in self.resources
                        )
                    if isinstance(arg, list) and len(arg) > 1:
                        self._collect(arg[1], found)
                    return
            for item in value.values():
                self._collect(item, found)
        elif isinstance(value, list):
            for item in value:
                self._collect(item, found)

    @cached_property
    def _references(self) -> dict[str, set[str]]:
        """Logical ID -> the resources its properties reference.

        In a world: only the resources that differ from the template's (changed, removed,
        or referencing a removed one); :meth:`_references_of` reads the template's for the
        others.
        """
        base = self._base
        if base is None:
            return {
                logical_id: self.targets_in(resource.properties)
                for logical_id, resource in self.resources.items()
            }
        references: dict[str, set[str]] = {}
        for logical_id in self._delta:
            resource = self.resources.get(logical_id)
            if resource is not None:
                references[logical_id] = self.targets_in(resource.properties)
                continue
            references[logical_id] = set()
            for referrer in base._referrers_of(logical_id):
                other = referrer.logical_id
                if other not in self._delta:
                    mine = references.get(other, base._references_of(other))
                    references[other] = mine - {logical_id}
        return references

    def _references_of(self, logical_id: str) -> set[str]:
        found = self._references.get(logical_id)
        if found is not None:
            return found
        return self._base._references_of(logical_id) if self._base is not None else set()

    @cached_property
    def _referrers(self) -> dict[str, list[Resource]]:
        """Logical ID -> the resources whose properties reference it.

        In a world: filled as asked, for the targets of what differs from the template's.
        """
        found: dict[str, list[Resource]] = defaultdict(list)
        if self._base is None:
            for logical_id, targets in self._references.items():
                for target in targets:
                    found[target].append(self.resources[logical_id])
        return found

    @cached_property
    def _affected(self) -> frozenset[str]:
        """In a world: the resources whose referrers may differ from the template's."""
        base = self._base
        if base is None:
            return frozenset()
        affected = set(self._delta)
        for logical_id in self._delta:
            affected |= base._references_of(logical_id)
            affected |= self._references_of(logical_id)
        return frozenset(affected)

    def _referrers_of(self, logical_id: str) -> list[Resource]:
        base = self._base
        if base is None:
            return self._referrers.get(logical_id, [])
        if logical_id not in self._affected:
            return base._referrers_of(logical_id)
        if logical_id not in self._referrers:
            ids = [
                r.logical_id
                for r in base._referrers_of(logical_id)
                if r.logical_id not in self._references
            ]
            ids += [
                other
                for other, targets in self._references.items()
                if logical_id in targets and other in self.resources
            ]
            position = base._position
            self._referrers[logical_id] = [
                self.resources[i] for i in sorted(set(ids), key=position.__getitem__)
            ]
        return self._referrers[logical_id]

    @cached_property
    def _position(self) -> dict[str, int]:
        """Logical ID -> its position in the template."""
        return {logical_id: n for n, logical_id in enumerate(self.resources)}

    def referrers(self, logical_id: str, *types: str) -> list[Resource]:
        """Resources whose properties reference ``logical_id`` (optionally of some types)."""
        found = self._referrers_of(logical_id)
        return [r for r in found if r.type in types] if types else list(found)

    # -- values ---------------------------------------------------------------------------
    def literal(self, value: Any) -> Any:
        """``value`` with intrinsics resolved where the template alone decides them.

        Returns an :class:`Unresolved` (falsy) when the value depends on a parameter, a
        pseudo parameter, an import or another resource's runtime attribute.
        ``Fn::If`` resolves when both branches agree; ``Fn::FindInMap`` resolves when its
        keys are literal or every candidate value is the same (CDK's region maps).
        """
        if isinstance(value, list):
            items = [self.literal(v) for v in value]
            bad = next((v for v in items if isinstance(v, Unresolved)), None)
            return bad if bad is not None else items
        if not isinstance(value, dict):
            return value
        if not is_intrinsic(value):
            out: dict[str, Any] = {}
            for k, v in value.items():
                lit = self.literal(v)
                if isinstance(lit, Unresolved):
                    return lit
                out[k] = lit
            return out
        (key, arg) = next(iter(value.items()))
        if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
            if isinstance(arg[0], str) and arg[0] in self._decided:
                return self.literal(arg[1] if self._decided[arg[0]] else arg[2])
            a, b = self.literal(arg[1]), self.literal(arg[2])
            if not isinstance(a, Unresolved) and a == b:
                return a
            return Unresolved(f"it depends on the condition {arg[0]!r}")
        if key == "Fn::FindInMap" and isinstance(arg, list) and len(arg) >= 3:
            return self._find_in_map(arg)
        if key == "Ref" and not isinstance(arg, str):
            return Unresolved(f"{value!r} is not a valid Ref")
        if key == "Ref" and arg in self.parameters:
            return Unresolved(f"it comes from the template parameter {arg!r}")
        if key == "Ref" and isinstance(arg, str) and arg.startswith("AWS::"):
            return Unresolved(f"it depends on the pseudo parameter {arg}")
        return Unresolved(f"it is {_describe(value)}, known only at deploy time")

    def _find_in_map(self, arg: list[Any]) -> Any:
        table = self.mappings.get(arg[0]) if isinstance(arg[0], str) else None
        if not isinstance(table, Mapping):
            return Unresolved(f"Fn::FindInMap refers to an unknown mapping {arg[0]!r}")
        top, second = self.literal(arg[1]), self.literal(arg[2])
        rows = [table.get(top)] if isinstance(top, str) else list(table.values())
        candidates = set()
        for row in rows:
            if not isinstance(row, Mapping):
                return Unresolved(f"Fn::FindInMap key {top!r} is not in {arg[0]!r}")
            cells = [row.get(second)] if isinstance(second, str) else list(row.values())
            for cell in cells:
                if cell is None or isinstance(cell, (dict, list)):
                    return Unresolved(f"Fn::FindInMap cannot be resolved in {arg[0]!r}")
                candidates.add(cell)
        if len(candidates) == 1:
            return candidates.pop()
        return Unresolved(f"Fn::FindInMap {arg[0]!r} differs by region or account")

    def number(self, value: Any) -> float | Unresolved | None:
        """A numeric property (CloudFormation accepts ``30`` and ``"30"``); ``None`` if absent."""
        if value is None:
            return None
        lit = self.literal(value)
        if isinstance(lit, Unresolved):
            return lit
        if isinstance(lit, bool):
            return Unresolved(f"{lit!r} is not a number")
        if isinstance(lit, (int, float)):
            return float(lit)
        if isinstance(lit, str):
            try:
                return float(lit)
            except ValueError:
                return Unresolved(f"{lit!r} is not a number")
        return Unresolved(f"{lit!r} is not a number")

    # -- Lambda-specific relationships ----------------------------------------------------
    @cached_property
    def _functions_by_name(self) -> dict[str, str]:
        """Function name, as a literal or as the text of an expression -> logical ID."""
        if self._base is not None and not self._changes(FUNCTION):
            return self._base._functions_by_name
        names: dict[str, str] = {}
        ambiguous: set[str] = set()
        for fn in self.of_type(FUNCTION):
            value = fn.get("FunctionName")
            literal = self.literal(value)
            text = literal if isinstance(literal, str) else name_text(value)
            if text is None:
                continue
            if text in names and names[text] != fn.logical_id:
                ambiguous.add(text)
            names[text] = fn.logical_id
        return {k: v for k, v in names.items() if k not in ambiguous}

    def function_id(self, value: Any, _depth: int = 0) -> str | None:
        """The Lambda function (logical ID) that a FunctionName / ARN value designates.

        Follows aliases and versions to their function, and understands names and ARNs of
        functions defined in the template, written as literals or as expressions
        (``Fn::Sub: "${AWS::StackName}-worker"`` designates the function whose
        ``FunctionName`` is that same expression). ``None`` when it is not one of them.
        """
        target = self.target(value)
        if target is None and isinstance(value, dict) and is_intrinsic(value):
            target = self.only_reference(value, *_FUNCTION_TYPES)
        if target is not None:
            resource = self.resources[target]
            if resource.type == FUNCTION:
                return target
            if resource.type in ("AWS::Lambda::Alias", "AWS::Lambda::Version") and _depth < 4:
                return self.function_id(resource.get("FunctionName"), _depth + 1)
            return None
        text = name_text(value)
        if text is None:
            return None
        match = _LAMBDA_ARN_TEXT.match(text)
        return self._functions_by_name.get(match.group(1) if match else text)

    def role_of(self, function: Resource) -> str | None:
        """The logical ID of the IAM role a function runs as, if defined in this template.

        ``Role`` is a ``Ref`` / ``Fn::GetAtt`` of it, or any expression that references
        exactly one role of the template (e.g. ``Fn::Sub: arn:...:role/${Role}``).
        """
        value = function.get("Role")
        return self.target(value) or self.only_reference(value, ROLE)

    def functions_with_role(self, role_id: str) -> list[Resource]:
        """The functions that run as the role ``role_id`` (in template order)."""
        base = self._base
        if base is None:
            return list(self._functions_by_role.get(role_id, ()))
        # In a world: the template's, with the functions that differ (or reference a
        # resource that does not exist there) judged again.
        affected = self._references.keys()
        found = [f for f in base.functions_with_role(role_id) if f.logical_id not in affected]
        for logical_id in affected:
            function = self.resources.get(logical_id)
            if function is not None and function.type == FUNCTION:
                found += [function] if self.role_of(function) == role_id else []
        return sorted(found, key=lambda f: base._position[f.logical_id])

    @cached_property
    def _functions_by_role(self) -> dict[str, list[Resource]]:
        by_role: dict[str, list[Resource]] = defaultdict(list)
        for function in self.of_type(FUNCTION):
            role = self.role_of(function)
            if role:
                by_role[role].append(function)
        return by_role

    def roles_of_policy(self, policy: Resource) -> list[str]:
        """The roles (logical IDs) an ``AWS::IAM::Policy`` / ``ManagedPolicy`` applies to."""
        if policy.type == ROLE:
            return [policy.logical_id]
        roles = policy.get("Roles") or []
        found = [t for t in (self.target(r) for r in roles if not isinstance(roles, dict)) if t]
        if policy.type == "AWS::IAM::ManagedPolicy":
            found += [
                role.logical_id
                for role in self.referrers(policy.logical_id, ROLE)
                if any(
                    self.target(arn) == policy.logical_id
                    for arn in items(role.get("ManagedPolicyArns"))
                )
            ]
        return sorted(set(found))

    def attached(self, rtype: str, function_id: str, prop: str = "FunctionName") -> list[Resource]:
        """Resources of ``rtype`` whose ``prop`` designates the function ``function_id``.

        Used for event source mappings, permissions, event invoke configs and URLs; each
        type is scanned once, whichever function is asked about.
        """
        return list(self._attached_map(rtype, prop).get(function_id, ()))

    def _attached_map(self, rtype: str, prop: str) -> dict[str, list[Resource]]:
        key = (rtype, prop)
        cache = self.__dict__.setdefault("_attached_cache", {})
        if key not in cache:
            if self._base is not None and not self._changes(rtype, *_FUNCTION_TYPES):
                cache[key] = self._base._attached_map(rtype, prop)
                return cache[key]  # type: ignore[no-any-return]
            mapping: dict[str, list[Resource]] = defaultdict(list)
            for resource in self.of_type(rtype):
                fn = self.function_id(resource.get(prop))
                if fn:
                    mapping[fn].append(resource)
            cache[key] = mapping
        result: dict[str, list[Resource]] = cache[key]
        return result

    def _changes(self, *types: str) -> bool:
        """Whether this world changes a resource of one of ``types`` (or any, without)."""
        base = self._base
        if base is None:
            return False
        return bool(self._delta) if not types else not self._changed_types.isdisjoint(types)

    def iter_functions(self) -> Iterator[Resource]:
        """Every ``AWS::Lambda::Function`` of the template."""
        return iter(self.of_type(FUNCTION))
