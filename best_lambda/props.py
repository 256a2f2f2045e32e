"""Declared keyword arguments: each construct states every prop once, here-shaped.

A :class:`Prop` says what a keyword argument accepts (its :class:`Kind`), its default, why
that default was chosen and which practice or AWS limit it traces to. From one table of
props per construct (in :mod:`best_lambda.defaults`) come:

* validation — :class:`best_lambda.constructs._props.PropsChecker` interprets the kinds,
  records every problem and raises one :class:`~best_lambda.InvalidPropsError`;
* the README defaults table and the constructs' docstring parameter sections
  (``python -m best_lambda._docs``; tests fail when they drift);
* a meta-test that the constructor signature, the declarations and the docs agree.

This module is pure Python: kinds name aws-cdk-lib types by string (``"aws_lambda.Code"``)
and only the checker in :mod:`best_lambda.constructs` imports them, so that documentation
and the rule engine never pay for jsii.

Examples
--------
>>> timeout = Prop("timeout", Seconds(1, 900, "AWS Lambda limit"), "Function timeout.",
...                default=10, reason="Long enough for request handlers.")
>>> timeout.default_text
'10 s'
>>> timeout.kind.describe()
'a whole number of seconds from 1 to 900 (AWS Lambda limit)'
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "AnyOf",
    "Enum",
    "Flag",
    "Instance",
    "Integer",
    "Interface",
    "Kind",
    "ListOf",
    "MapOf",
    "Options",
    "Prop",
    "PropTable",
    "Refused",
    "Seconds",
    "SizeMB",
    "Struct",
    "Text",
]


class Kind(ABC):
    """What a keyword argument accepts; subclasses say it in words for errors and docs."""

    @abstractmethod
    def describe(self) -> str:
        """What is accepted, as a phrase (``"an int from 1 to 10"``)."""


@dataclass(frozen=True)
class Seconds(Kind):
    """An ``aws_cdk.Duration`` of a whole number of seconds within ``[low, high]``."""

    low: int
    high: int
    why: str = ""

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        why = f" ({self.why})" if self.why else ""
        return f"a whole number of seconds from {self.low:,} to {self.high:,}{why}"


@dataclass(frozen=True)
class Integer(Kind):
    """An ``int`` (never a ``bool``) within ``[low, high]``; ``None`` leaves a side open."""

    low: int | None = None
    high: int | None = None
    why: str = ""

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        why = f" ({self.why})" if self.why else ""
        if self.low is not None and self.high is not None:
            return f"an int from {self.low:,} to {self.high:,}{why}"
        if self.low is not None:
            return f"an int of at least {self.low:,}{why}"
        if self.high is not None:
            return f"an int of at most {self.high:,}{why}"
        return f"an int{why}"


@dataclass(frozen=True)
class SizeMB(Kind):
    """An ``aws_cdk.Size`` of a whole number of mebibytes within ``[low, high]``."""

    low: int
    high: int
    why: str = ""

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        why = f" ({self.why})" if self.why else ""
        return f"a Size of {self.low:,} to {self.high:,} MiB{why}"


@dataclass(frozen=True)
class Flag(Kind):
    """A ``bool``."""

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        return "True or False"


@dataclass(frozen=True)
class Text(Kind):
    """A ``str`` of ``min_len`` to ``max_len`` characters matching ``pattern`` (a regex)."""

    min_len: int = 1
    max_len: int | None = None
    pattern: str | None = None
    pattern_doc: str = ""
    why: str = ""

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        if self.max_len is not None:
            text = f"a str of {self.min_len} to {self.max_len} characters"
        elif self.min_len > 1:
            text = f"a str of at least {self.min_len} characters"
        else:
            text = "a non-empty str" if self.min_len else "a str"
        if self.pattern_doc:
            text += f": {self.pattern_doc}"
        return text + (f" ({self.why})" if self.why else "")


@dataclass(frozen=True)
class Enum(Kind):
    """A member of an aws-cdk-lib enum-like class (``"aws_lambda.Tracing"``).

    ``allowed`` restricts the members (by name) that pass, or ``refused`` names the ones
    that do not; either way the refusal cites ``why`` (a practice, not a type error).
    """

    type_name: str
    allowed: tuple[str, ...] | None = None
    refused: tuple[str, ...] = ()
    why: str = ""

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        short = self.type_name.rsplit(".", 1)[-1]
        why = f" ({self.why})" if self.why else ""
        if self.allowed is not None:
            return ", ".join(f"{short}.{m}" for m in self.allowed) + why
        if self.refused:
            return (
                f"{self.type_name} other than "
                + ", ".join(f"{short}.{m}" for m in self.refused)
                + why
            )
        return self.type_name


@dataclass(frozen=True)
class Instance(Kind):
    """An instance of an aws-cdk-lib class (``"aws_lambda.Code"``), checked with isinstance."""

    type_name: str
    example: str = ""

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        return self.type_name + (f", e.g. {self.example}" if self.example else "")


@dataclass(frozen=True)
class Interface(Kind):
    """Something implementing a jsii interface, recognised by its members.

    ``isinstance`` does not work on jsii interfaces (imported resources are dynamic
    proxies), so the check is structural.
    """

    type_name: str
    members: tuple[str, ...]

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        return self.type_name


@dataclass(frozen=True)
class Struct(Kind):
    """A jsii struct (``"aws_ec2.SubnetSelection"``): an instance of it or a ``dict``."""

    type_name: str

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        return f"{self.type_name} (or a dict of its fields)"


@dataclass(frozen=True)
class ListOf(Kind):
    """A list (or tuple) of ``item``, at most ``max_len`` long."""

    item: Kind
    max_len: int | None = None
    why: str = ""

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        most = f", at most {self.max_len}" if self.max_len is not None else ""
        why = f" ({self.why})" if self.why else ""
        return f"a list of {self.item.describe()}{most}{why}"


@dataclass(frozen=True)
class MapOf(Kind):
    """A mapping from ``key`` to ``value``."""

    key: Kind
    value: Kind

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        return f"a dict of {_short(self.key)} to {_short(self.value)}"


@dataclass(frozen=True)
class Options(Kind):
    """The keyword arguments of another construct, as a dict (``HardenedFunctionOptions``).

    Only the container is checked here; its items are checked against that construct's
    own table, with every problem prefixed by this prop's name.
    """

    of: str

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        return f"{self.of}(...) (a dict of {self.of.removesuffix('Options')} keyword arguments)"


@dataclass(frozen=True)
class AnyOf(Kind):
    """Any one of ``options``."""

    options: tuple[Kind, ...]

    def describe(self) -> str:
        """See :meth:`Kind.describe`."""
        return " or ".join(o.describe() for o in self.options)


@dataclass(frozen=True)
class Prop:
    """One keyword argument of a construct, declared once.

    Parameters
    ----------
    name
        The keyword, named as aws-cdk-lib names it where aws-cdk-lib has it.
    kind
        What it accepts.
    doc
        What it is, for the docstring (one or two sentences).
    default
        The default as a plain value (``10`` for 10 seconds), or ``None`` when the
        default is "not set" or computed (then ``default_doc`` says what happens).
    default_doc
        The default in words, when ``default`` alone does not say it.
    reason
        Why this default: the practice it follows. Props with a reason appear in the
        README defaults table.
    source
        Where the practice or limit comes from (``seeds/003 §4a``, an AWS doc).
    passthrough
        Handed to ``aws_lambda.Function`` unchanged once valid.
    required
        Must be given.
    sensitive
        Values may hold secrets: errors show their type or ``<redacted>``, never the value.
    """

    name: str
    kind: Kind
    doc: str
    default: Any = None
    default_doc: str = ""
    reason: str = ""
    source: str = ""
    passthrough: bool = False
    required: bool = False
    sensitive: bool = False

    @property
    def default_text(self) -> str:
        """The default, as the docs print it."""
        if self.default_doc:
            return self.default_doc
        if self.default is None:
            return "not set"
        if isinstance(self.kind, Seconds):
            return _duration_text(int(self.default))
        if isinstance(self.kind, Integer) and isinstance(self.default, int):
            return f"{self.default:,}"
        if isinstance(self.kind, Enum):
            return f"{self.kind.type_name.rsplit('.', 1)[-1]}.{self.default}"
        return str(self.default)


@dataclass(frozen=True)
class Refused:
    """An ``aws_lambda.Function`` keyword a construct does not accept, and what to use."""

    name: str
    why: str


@dataclass(frozen=True)
class PropTable:
    """The declared keyword arguments of one construct, in signature order."""

    construct: str
    props: tuple[Prop, ...]
    refused: tuple[Refused, ...] = ()
    _by_name: dict[str, Prop] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for prop in self.props:
            if prop.name in self._by_name:
                raise ValueError(f"{self.construct}: prop {prop.name!r} is declared twice")
            self._by_name[prop.name] = prop

    def __iter__(self) -> Iterator[Prop]:
        return iter(self.props)

    def __getitem__(self, name: str) -> Prop:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    @property
    def names(self) -> tuple[str, ...]:
        """Every declared keyword, in order."""
        return tuple(p.name for p in self.props)

    def refused_why(self, name: str) -> str | None:
        """Why ``name`` is refused, or ``None`` if it is not."""
        return next((r.why for r in self.refused if r.name == name), None)

    def with_props(self, construct: str, *props: Prop, drop: Sequence[str] = ()) -> PropTable:
        """A table for another construct: these props, then this table's minus ``drop``."""
        own = {p.name for p in props}
        kept = tuple(p for p in self.props if p.name not in own and p.name not in drop)
        return PropTable(construct, (*props, *kept), self.refused)


def _short(kind: Kind) -> str:
    """A kind as a type name only (``str``, ``aws_sqs.IQueue``), for container phrases."""
    if isinstance(kind, Text):
        return "str"
    if isinstance(kind, (Instance, Interface, Struct, Enum)):
        return kind.type_name
    if isinstance(kind, AnyOf):
        return " or ".join(_short(o) for o in kind.options)
    return kind.describe()


def _duration_text(seconds: int) -> str:
    if seconds and seconds % 86_400 == 0:
        return f"{seconds // 86_400} days" if seconds != 86_400 else "1 day"
    if seconds and seconds % 3_600 == 0:
        return f"{seconds // 3_600} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"
