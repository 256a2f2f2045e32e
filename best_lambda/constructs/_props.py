"""Collect every problem with a construct's keyword arguments, then raise once.

The constructs declare their keyword arguments in :mod:`best_lambda.defaults` as pure
:class:`~best_lambda.props.Prop` records; this module is where those declarations meet
aws-cdk-lib. :meth:`PropsChecker.check_table` checks every given value against its kind in
Python (so a wrong type never reaches jsii and comes back as a JavaScript stack trace),
returns plain resolved values (seconds as ``int``, enums as members), and records every
problem; :meth:`PropsChecker.raise_if_any` raises one
:class:`~best_lambda.errors.InvalidPropsError` listing them all.

Examples
--------
>>> from best_lambda.props import Integer, Prop, PropTable
>>> table = PropTable("Demo", (Prop("memory_size", Integer(128, 10240), "Memory."),))
>>> checker = PropsChecker("Demo", "Fn")
>>> checker.check_table(table, {"memory_size": 64})
{}
>>> print(checker.problems[0])
memory_size=64: must be an int from 128 to 10,240
"""

from __future__ import annotations

import difflib
import enum
import functools
import importlib
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import aws_cdk as cdk

from best_lambda.errors import InvalidPropsError, Problem
from best_lambda.props import (
    AnyOf,
    Enum,
    Flag,
    Instance,
    Integer,
    Interface,
    Kind,
    ListOf,
    MapOf,
    Options,
    Prop,
    PropTable,
    Seconds,
    SizeMB,
    Struct,
    Text,
)

__all__ = ["TOKEN", "PropsChecker", "aws_type", "implements", "is_token", "render"]

#: How a value that is a token (resolved only at deployment) is shown in errors.
TOKEN = "a token (unresolved value)"
_REDACTED = "<redacted>"


#: Every string token aws-cdk-lib hands out is encoded with this marker, so strings are
#: checked in Python (no jsii round trip per value).
_STRING_TOKEN = "${Token["
#: Number tokens are encoded as doubles around -1.8881545897087626e+289.
_NUMBER_TOKEN_MAGNITUDE = 1e288


def is_token(value: Any) -> bool:
    """Whether ``value`` is (or wraps) an unresolved CDK token."""
    if isinstance(value, str):
        return _STRING_TOKEN in value
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return False
    if isinstance(value, float):
        return abs(value) > _NUMBER_TOKEN_MAGNITUDE and bool(cdk.Token.is_unresolved(value))
    if isinstance(value, (cdk.Duration, cdk.Size)):
        return bool(value.is_unresolved())
    return False


def render(value: Any) -> str:
    """Show a keyword argument's value the way the user would have written it."""
    if is_token(value):
        return TOKEN
    if isinstance(value, cdk.Duration):
        return str(value.to_string())
    if isinstance(value, cdk.Size):
        return f"Size.mebibytes({value.to_mebibytes(rounding=cdk.SizeRoundingBehavior.NONE):g})"
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    name = getattr(type(value), "__name__", "")
    if name in ("Runtime", "Architecture") and hasattr(value, "name"):
        return f"{name}({value.name!r})"
    node = getattr(value, "node", None)
    if node is not None and hasattr(node, "path"):  # a construct: name it by its path
        return f"<{name if name != 'InterfaceDynamicProxy' else 'construct'} {node.path}>"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def implements(value: Any, *attributes: str) -> bool:
    """Duck-type check for jsii interfaces (``isinstance`` does not work on them)."""
    if value is None or isinstance(value, (str, bytes, int, float, bool, dict, list, tuple)):
        return False
    cls = type(value)
    if all(hasattr(cls, a) for a in attributes):
        return True
    # Imported resources (from_xxx_arn / from_xxx_name) are dynamic interface proxies.
    return cls.__name__ == "InterfaceDynamicProxy" and all(hasattr(value, a) for a in attributes)


@functools.cache
def aws_type(type_name: str) -> Any:
    """The aws-cdk-lib class named ``"aws_lambda.Code"`` (``"core.Duration"`` for the core)."""
    module, _, attribute = type_name.rpartition(".")
    imported = cdk if module == "core" else importlib.import_module(f"aws_cdk.{module}")
    return getattr(imported, attribute)


class PropsChecker:
    """Accumulates :class:`~best_lambda.errors.Problem` records for one construct."""

    def __init__(self, construct_type: str, construct_id: str):
        self.construct_type = construct_type
        self.construct_id = construct_id
        self.problems: list[Problem] = []

    # -- declared props -------------------------------------------------------------------
    def check_table(
        self,
        table: PropTable,
        given: Mapping[str, Any],
        *,
        unknown: Mapping[str, Any] | None = None,
        also_known: Iterable[str] = (),
        construct: str | None = None,
    ) -> dict[str, Any]:
        """Check each given value against its declaration; return the valid ones, resolved.

        ``given`` holds the keyword arguments the caller passed (``None`` meaning "not
        given"). Required props that are missing, and each of ``unknown`` (keyword
        arguments that are not declared, with their values), are recorded too: with the
        reason a refused one is refused, or the closest declared name (among the table's
        and ``also_known``).

        Resolved values: ``Seconds`` -> ``int`` seconds, ``SizeMB`` -> ``int`` MiB,
        ``Integer`` -> ``int``; everything else as given.
        """
        resolved: dict[str, Any] = {}
        for prop in table:
            value = given.get(prop.name)
            if value is None:
                if prop.required:
                    self.add(prop.name, None, f"is required: {prop.kind.describe()}")
                continue
            ok, result = self._value(prop.name, value, prop.kind, prop)
            if ok:
                resolved[prop.name] = result
        for name, value in (unknown or {}).items():
            why = table.refused_why(name)
            if why is not None:
                self.add(name, value, why)
            else:
                self.unknown_keys([name], [*table.names, *also_known], construct or table.construct)
        return resolved

    def _value(self, label: str, value: Any, kind: Kind, prop: Prop) -> tuple[bool, Any]:
        problem, resolved = _judged(value, kind)
        if problem is None:
            return True, resolved
        if isinstance(kind, (MapOf, ListOf)) and problem == "":
            # Items were judged one by one; record each (keys and values named).
            return self._container(label, value, kind, prop)
        self.add(label, value, problem, rendered=_shown(value, prop))
        return False, None

    def _container(
        self, label: str, value: Any, kind: MapOf | ListOf, prop: Prop
    ) -> tuple[bool, Any]:
        ok = True
        if isinstance(kind, MapOf):
            for key, item in value.items():
                key_problem = _judge(key, kind.key)
                if key_problem is not None:
                    ok = False
                    self.add(
                        f"{label}[{key!r}]",
                        key,
                        f"is not a valid key: {key_problem}",
                        rendered=_shown(item, prop),
                    )
                item_problem = _judge(item, kind.value)
                if item_problem is not None:
                    ok = False
                    self.add(f"{label}[{key!r}]", item, item_problem, rendered=_shown(item, prop))
            return ok, dict(value) if ok else None
        items = list(value)
        if kind.max_len is not None and len(items) > kind.max_len:
            ok = False
            why = f" ({kind.why})" if kind.why else ""
            self.add(
                label,
                value,
                f"at most {kind.max_len} items{why}, got {len(items)}",
                rendered=f"<{len(items)} items>",
            )
        for position, item in enumerate(items):
            if _judge(item, kind.item) is not None:
                ok = self._value(f"{label}[{position}]", item, kind.item, prop)[0] and ok
        return ok, items if ok else None

    # -- free-form checks -----------------------------------------------------------------
    def add(self, prop: str, value: Any, allowed: str, *, rendered: str | None = None) -> None:
        """Record that ``prop=value`` is not acceptable and what is."""
        self.problems.append(
            Problem(prop, rendered if rendered is not None else render(value), allowed)
        )

    def check_type(
        self, prop: str, value: Any, types: type | tuple[type, ...], expected: str
    ) -> bool:
        """``value`` is an instance of ``types``; otherwise record ``expected``."""
        if isinstance(value, types) and not (
            isinstance(value, bool) and bool not in _as_tuple(types)
        ):
            return True
        self.add(prop, value, f"expected {expected}, got {type(value).__name__}")
        return False

    def check_interface(
        self, prop: str, value: Any, attributes: Iterable[str], expected: str
    ) -> bool:
        """``value`` implements a jsii interface (by its members); otherwise record it."""
        if implements(value, *attributes):
            return True
        self.add(prop, value, f"expected {expected}, got {type(value).__name__}")
        return False

    def seconds(self, prop: str, value: Any, low: int, high: int, why: str) -> int | None:
        """A whole-seconds :class:`aws_cdk.Duration` within ``[low, high]``; else record it."""
        problem, seconds = _judge_seconds(value, Seconds(low, high, why))
        if problem is not None:
            self.add(prop, value, problem)
        return seconds

    def integer(self, prop: str, value: Any, low: int, high: int | None, why: str) -> int | None:
        """An ``int`` within ``[low, high]`` (``high=None``: no upper bound); else record it."""
        problem = _judge(value, Integer(low, high, why))
        if problem is not None:
            self.add(prop, value, problem)
            return None
        return int(value)

    def one_of(self, prop: str, value: Any, allowed: Iterable[Any], why: str) -> bool:
        """``value`` is one of ``allowed`` (compared by rendering); else record it."""
        options = list(allowed)
        if any(render(value) == render(a) for a in options):
            return True
        choices = ", ".join(render(a) for a in options)
        self.add(prop, value, f"must be {choices} ({why})")
        return False

    def unknown_keys(self, given: Iterable[str], known: Iterable[str], where: str) -> None:
        """Record every key of ``given`` that is not in ``known``, with a suggestion."""
        known_list = sorted(known)
        for key in given:
            if key not in known_list:
                close = difflib.get_close_matches(key, known_list, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.add(key, "...", f"is not a keyword argument of {where}{hint}", rendered="...")

    def raise_if_any(self) -> None:
        """Raise one :class:`InvalidPropsError` listing every recorded problem."""
        if self.problems:
            raise InvalidPropsError(self.construct_type, self.construct_id, self.problems)


def _shown(value: Any, prop: Prop) -> str:
    """How a value appears in an error: redacted when the prop may hold secrets."""
    if not prop.sensitive:
        return render(value)
    if isinstance(value, str) and not is_token(value):
        return _REDACTED
    if isinstance(value, (Mapping, list, tuple)):
        return f"<{type(value).__name__} of {len(value)}>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"<{type(value).__name__}>"
    return render(value)


def _judge_seconds(value: Any, kind: Seconds) -> tuple[str | None, int | None]:
    """What is wrong with a Duration for ``kind``, else its whole seconds.

    Judging converts the Duration (a jsii round trip); the number is returned so that it
    is not converted again.
    """
    if not isinstance(value, cdk.Duration):
        return (
            f"expected aws_cdk.Duration (e.g. Duration.seconds({kind.low})), "
            f"got {type(value).__name__}"
        ), None
    if value.is_unresolved():
        return (
            f"must be a concrete duration, not {TOKEN}: best-lambda derives other settings "
            "(alarms, timeouts) from it"
        ), None
    seconds = value.to_seconds(integral=False)
    if seconds != int(seconds) or not kind.low <= seconds <= kind.high:
        return f"must be {kind.describe()}", None
    return None, int(seconds)


def _judge_size(value: Any, kind: SizeMB) -> tuple[str | None, int | None]:
    """What is wrong with a Size for ``kind``, else its whole MiB (converted once)."""
    if not isinstance(value, cdk.Size):
        return f"expected aws_cdk.Size (e.g. Size.mebibytes({kind.low})), got " + (
            type(value).__name__
        ), None
    if value.is_unresolved():
        return f"must be a concrete size, not {TOKEN}", None
    mib = value.to_mebibytes(rounding=cdk.SizeRoundingBehavior.NONE)
    if mib != int(mib) or not kind.low <= mib <= kind.high:
        return f"must be {kind.describe()}", None
    return None, int(mib)


def _judged(value: Any, kind: Kind) -> tuple[str | None, Any]:
    """:func:`_judge` and, when nothing is wrong, the value resolved (``None`` otherwise).

    Durations and sizes are resolved to the number their judging computed.
    """
    if isinstance(kind, Seconds):
        return _judge_seconds(value, kind)
    if isinstance(kind, SizeMB):
        return _judge_size(value, kind)
    problem = _judge(value, kind)
    return problem, _resolve(value, kind) if problem is None else None


def _judge(value: Any, kind: Kind) -> str | None:
    """What is wrong with ``value`` for ``kind`` (``""``: look at the items), or ``None``."""
    if isinstance(kind, Seconds):
        return _judge_seconds(value, kind)[0]
    if isinstance(kind, Integer):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expected int, got {type(value).__name__}"
        if is_token(value):
            return f"must be a concrete number, not {TOKEN}"
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            return f"must be {kind.describe()}"
        if (kind.low is not None and value < kind.low) or (
            kind.high is not None and value > kind.high
        ):
            return f"must be {kind.describe()}"
        return None
    if isinstance(kind, SizeMB):
        return _judge_size(value, kind)[0]
    if isinstance(kind, Flag):
        return None if isinstance(value, bool) else f"expected bool, got {type(value).__name__}"
    if isinstance(kind, Text):
        if not isinstance(value, str):
            return f"expected str, got {type(value).__name__}"
        if is_token(value):
            return None  # resolved at deployment; aws-cdk-lib and CloudFormation check it
        if len(value) < kind.min_len or (kind.max_len is not None and len(value) > kind.max_len):
            return f"must be {kind.describe()}, got {len(value)} characters"
        if kind.pattern is not None and not re.fullmatch(kind.pattern, value):
            return f"must be {kind.describe()}"
        return None
    if isinstance(kind, Enum):
        enum_type = aws_type(kind.type_name)
        if not isinstance(value, enum_type):
            return f"expected {kind.type_name}, got {type(value).__name__}"
        if (kind.allowed is not None and value.name not in kind.allowed) or (
            value.name in kind.refused
        ):
            return f"must be {kind.describe()}"
        return None
    if isinstance(kind, Instance):
        expected = aws_type(kind.type_name)
        if isinstance(value, expected):
            return None
        example = f", e.g. {kind.example}" if kind.example else ""
        return f"expected {kind.type_name}{example}, got {type(value).__name__}"
    if isinstance(kind, Interface):
        if implements(value, *kind.members):
            return None
        return f"expected {kind.type_name}, got {type(value).__name__}"
    if isinstance(kind, Struct):
        if isinstance(value, (dict, aws_type(kind.type_name))):
            return None
        return f"expected {kind.describe()}, got {type(value).__name__}"
    if isinstance(kind, ListOf):
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, (list, tuple)):
            return f"expected {kind.describe()}, got {type(value).__name__}"
        too_long = kind.max_len is not None and len(value) > kind.max_len
        if too_long or any(_judge(item, kind.item) is not None for item in value):
            return ""
        return None
    if isinstance(kind, MapOf):
        if not isinstance(value, Mapping):
            return f"expected {kind.describe()}, got {type(value).__name__}"
        if any(
            _judge(k, kind.key) is not None or _judge(v, kind.value) is not None
            for k, v in value.items()
        ):
            return ""
        return None
    if isinstance(kind, Options):
        if isinstance(value, Mapping):
            return None
        return f"expected {kind.describe()}, got {type(value).__name__}"
    if isinstance(kind, AnyOf):
        if any(_judge(value, option) is None for option in kind.options):
            return None
        return f"expected {kind.describe()}, got {type(value).__name__}"
    raise TypeError(f"no check for {type(kind).__name__}")  # pragma: no cover


def _resolve(value: Any, kind: Kind) -> Any:
    """A valid value as :meth:`PropsChecker.check_table` returns it (see :func:`_judged`)."""
    if isinstance(kind, Integer):
        return int(value)
    if isinstance(kind, ListOf):
        return list(value)
    if isinstance(kind, MapOf):
        return dict(value)
    return value


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)
