"""CloudFormation conditions, decided where the template decides them, else enumerated.

A template's ``Conditions`` are formulas (``Fn::Equals``, ``Fn::And``, ``Fn::Or``,
``Fn::Not``, ``Condition``) over values that are either known from the template alone or
known only at deploy time (a parameter, even one with a default; a pseudo parameter; an
import). :class:`ConditionTable` decides every condition it can, and for the rest
enumerates the consistent combinations ("worlds") of the conditions a resource depends on:
``Fn::Equals [{"Ref": "Env"}, "prod"]`` and ``Fn::Equals [{"Ref": "Env"}, "dev"]`` are
never both true, ``IsNotProd: {"Fn::Not": [{"Condition": "IsProd"}]}`` always differs from
``IsProd``, and a parameter's ``AllowedValues`` bound what it can equal.

:func:`resolve` rewrites a value for one world: ``Fn::If`` takes its branch and
``AWS::NoValue`` removes the key or list item that holds it. :func:`describe` names a set
of worlds for a finding ("when IsProd is false").

Pure Python; used by :class:`~best_lambda.rules.template.TemplateIndex`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_ATOMS",
    "MAX_WORLDS",
    "NO_VALUE",
    "ConditionTable",
    "World",
    "conditions_in",
    "describe",
    "resolve",
]

NO_VALUE = {"Ref": "AWS::NoValue"}
#: At most this many combinations of conditions are judged for one resource; beyond, the
#: result is UNKNOWN (never a guess).
MAX_WORLDS = 64
#: At most this many undecided comparisons are enumerated (2**MAX_ATOMS combinations).
MAX_ATOMS = 12

#: One world: the value of each condition it decides, sorted by name.
World = tuple[tuple[str, bool], ...]


class _Absent:
    """What ``AWS::NoValue`` resolves to: the key or item that holds it is removed."""

    def __repr__(self) -> str:
        return "<absent>"


ABSENT: Any = _Absent()


def _is_if(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1 or "Fn::If" not in value:
        return False
    arg = value["Fn::If"]
    return isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)


def conditions_in(value: Any, found: set[str] | None = None) -> set[str]:
    """The names of the conditions every ``Fn::If`` inside ``value`` tests.

    Examples
    --------
    >>> sorted(conditions_in({"A": {"Fn::If": ["C", {"Fn::If": ["D", 1, 2]}, 3]}}))
    ['C', 'D']
    """
    found = set() if found is None else found
    if isinstance(value, dict):
        if _is_if(value):
            found.add(value["Fn::If"][0])
        for item in value.values():
            conditions_in(item, found)
    elif isinstance(value, list):
        for item in value:
            conditions_in(item, found)
    return found


def resolve(value: Any, decided: Mapping[str, bool], kept: set[str] | None = None) -> Any:
    """``value`` with every ``Fn::If`` on a decided condition replaced by its branch.

    ``AWS::NoValue`` removes the object key or list item that holds it; at the top level
    it resolves to :data:`ABSENT`. An ``Fn::If`` on a condition ``decided`` does not hold is
    kept (its branches resolved, its name added to ``kept``), for
    :meth:`TemplateIndex.literal` to judge. Values without anything to resolve are
    returned as they are (not copied).

    Examples
    --------
    >>> resolve({"A": {"Fn::If": ["C", "x", {"Ref": "AWS::NoValue"}]}, "B": 1}, {"C": False})
    {'B': 1}
    >>> resolve([1, {"Fn::If": ["C", 2, {"Ref": "AWS::NoValue"}]}], {"C": True})
    [1, 2]
    """
    if isinstance(value, dict):
        if value == NO_VALUE:
            return ABSENT
        if _is_if(value):
            name, yes, no = value["Fn::If"]
            if name in decided:
                return resolve(yes if decided[name] else no, decided, kept)
            if kept is not None:
                kept.add(name)
            branches = [resolve(b, decided, kept) for b in (yes, no)]
            if all(new is old for new, old in zip(branches, (yes, no), strict=True)):
                return value
            return {"Fn::If": [name, *(NO_VALUE if b is ABSENT else b for b in branches)]}
        out: dict[str, Any] | None = None
        for key, item in value.items():
            new = resolve(item, decided, kept)
            if new is not item and out is None:
                out = {}
                for earlier, unchanged in value.items():
                    if earlier == key:
                        break
                    out[earlier] = unchanged
            if out is not None and new is not ABSENT:
                out[key] = new
        return value if out is None else out
    if isinstance(value, list):
        items: list[Any] | None = None
        for position, item in enumerate(value):
            new = resolve(item, decided, kept)
            if new is not item and items is None:
                items = list(value[:position])
            if items is not None and new is not ABSENT:
                items.append(new)
        return value if items is None else items
    return value


@dataclass(frozen=True)
class _Atom:
    """An undecided comparison: ``expression == text`` (or an opaque formula)."""

    expression: str
    text: str | None = None


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _text(value: Any) -> str | None:
    """How ``Fn::Equals`` compares a literal: as a string (``true``, ``1``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


class ConditionTable:
    """The ``Conditions`` section of one template: decided values and consistent worlds.

    Parameters
    ----------
    conditions
        The ``Conditions`` section.
    parameters
        The ``Parameters`` section (``AllowedValues`` bound what a parameter can equal).
    literal
        Resolves a value from the template alone; anything that is not a plain string,
        number or boolean counts as known only at deploy time.

    Examples
    --------
    >>> table = ConditionTable(
    ...     {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
    ...      "IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]},
    ...      "Never": {"Fn::Equals": ["a", "b"]}},
    ...     {"Env": {"Type": "String", "Default": "prod"}}, lambda v: v)
    >>> table.decided
    {'Never': False}
    >>> for world in table.worlds({"IsProd", "IsDev"}):
    ...     print(dict(world))
    {'IsDev': False, 'IsProd': False}
    {'IsDev': False, 'IsProd': True}
    {'IsDev': True, 'IsProd': False}
    """

    def __init__(
        self,
        conditions: Mapping[str, Any],
        parameters: Mapping[str, Any],
        literal: Callable[[Any], Any],
    ):
        self.formulas = dict(conditions)
        self.parameters = parameters
        self._literal = literal
        self._atoms: dict[str, frozenset[_Atom]] = {}
        #: Conditions the template alone decides, and their values.
        self.decided: dict[str, bool] = {}
        for name in self.formulas:
            value = self.value(name, {})
            if value is not None:
                self.decided[name] = value

    def declare(self, name: str) -> None:
        """Add a condition ``Fn::If`` uses but the template does not define, as undecided.

        CloudFormation refuses such a template; judging both branches is the safe reading.
        """
        if name not in self.formulas:
            self.formulas[name] = {"BestLambda::Undefined": name}

    # -- evaluation -------------------------------------------------------------------------
    def value(self, name: str, atoms: Mapping[_Atom, bool]) -> bool | None:
        """The condition's value given the truth of some comparisons (``None``: undecided)."""
        return self._eval({"Condition": name}, atoms, ())

    def _eval(
        self, formula: Any, atoms: Mapping[_Atom, bool], stack: tuple[str, ...]
    ) -> bool | None:
        if isinstance(formula, bool):
            return formula
        if not isinstance(formula, dict) or len(formula) != 1:
            return atoms.get(_Atom(_key(formula)))
        ((key, arg),) = formula.items()
        if key == "Condition" and isinstance(arg, str):
            if arg in stack or arg not in self.formulas:
                return None
            return self._eval(self.formulas[arg], atoms, (*stack, arg))
        args = arg if isinstance(arg, list) else [arg]
        if key == "Fn::Not" and len(args) == 1:
            inner = self._eval(args[0], atoms, stack)
            return None if inner is None else not inner
        if key in ("Fn::And", "Fn::Or") and args:
            values = [self._eval(a, atoms, stack) for a in args]
            stop: bool = key == "Fn::Or"  # the value that decides alone
            if stop in values:
                return stop
            return None if None in values else not stop
        if key == "Fn::Equals" and len(args) == 2:
            atom = self._comparison(args[0], args[1])
            if isinstance(atom, bool):
                return atom
            return atoms.get(atom)
        return atoms.get(_Atom(_key(formula)))

    def _comparison(self, left: Any, right: Any) -> bool | _Atom:
        sides = [_text(self._literal(v)) for v in (left, right)]
        if sides[0] is not None and sides[1] is not None:
            return sides[0] == sides[1]
        if sides[0] is None and sides[1] is None:
            return _Atom(_key(sorted((_key(left), _key(right)))))
        expression, text = (left, sides[1]) if sides[0] is None else (right, sides[0])
        allowed = self._allowed(expression)
        if allowed is not None and text not in allowed:
            return False
        return _Atom(_key(expression), text)

    def _allowed(self, expression: Any) -> set[str] | None:
        """A parameter's ``AllowedValues`` as strings, when ``expression`` is its ``Ref``."""
        if not isinstance(expression, dict) or set(expression) != {"Ref"}:
            return None
        parameter = self.parameters.get(expression["Ref"])
        values = parameter.get("AllowedValues") if isinstance(parameter, Mapping) else None
        if not isinstance(values, list):
            return None
        texts = {_text(v) for v in values}
        return None if None in texts else {t for t in texts if t is not None}

    def _collect(self, formula: Any, found: set[_Atom], stack: tuple[str, ...]) -> None:
        if not isinstance(formula, dict) or len(formula) != 1:
            if not isinstance(formula, bool):
                found.add(_Atom(_key(formula)))
            return
        ((key, arg),) = formula.items()
        if key == "Condition" and isinstance(arg, str):
            if arg not in stack and arg in self.formulas:
                self._collect(self.formulas[arg], found, (*stack, arg))
            return
        args = arg if isinstance(arg, list) else [arg]
        if key in ("Fn::Not", "Fn::And", "Fn::Or"):
            for item in args:
                self._collect(item, found, stack)
        elif key == "Fn::Equals" and len(args) == 2:
            atom = self._comparison(args[0], args[1])
            if isinstance(atom, _Atom):
                found.add(atom)
        else:
            found.add(_Atom(_key(formula)))

    def atoms(self, name: str) -> frozenset[_Atom]:
        """The undecided comparisons the condition depends on."""
        if name not in self._atoms:
            found: set[_Atom] = set()
            self._collect({"Condition": name}, found, ())
            self._atoms[name] = frozenset(found)
        return self._atoms[name]

    # -- worlds -----------------------------------------------------------------------------
    def _consistent(self, atoms: Mapping[_Atom, bool]) -> bool:
        equal: dict[str, str] = {}
        unequal: dict[str, set[str]] = {}
        for atom, truth in atoms.items():
            if atom.text is None:
                continue
            if truth:
                if equal.setdefault(atom.expression, atom.text) != atom.text:
                    return False  # one value cannot equal two different texts
            else:
                unequal.setdefault(atom.expression, set()).add(atom.text)
        for expression, texts in unequal.items():
            if equal.get(expression) in texts:
                return False
            allowed = self._allowed(json.loads(expression))
            if allowed and allowed <= texts:
                return False  # it must be one of its AllowedValues
        return True

    def worlds(self, names: Iterable[str]) -> list[World] | None:
        """Every consistent combination of the undecided conditions ``names``.

        ``None`` when there are more than :data:`MAX_WORLDS` combinations (or more than
        :data:`MAX_ATOMS` comparisons to enumerate).
        """
        undecided = sorted(n for n in set(names) if n in self.formulas and n not in self.decided)
        if not undecided:
            return [()]
        key = tuple(undecided)
        cache: dict[tuple[str, ...], list[World] | None] = self.__dict__.setdefault("_worlds", {})
        if key not in cache:
            cache[key] = self._enumerate(undecided)
        return cache[key]

    def _enumerate(self, undecided: list[str]) -> list[World] | None:
        atoms = sorted(
            {a for n in undecided for a in self.atoms(n)},
            key=lambda a: (a.expression, a.text or ""),
        )
        if len(atoms) > MAX_ATOMS:
            return None
        found: dict[World, None] = {}
        for values in itertools.product((False, True), repeat=len(atoms)):
            assignment = dict(zip(atoms, values, strict=True))
            if not self._consistent(assignment):
                continue
            world = tuple((n, self.value(n, assignment)) for n in undecided)
            if all(isinstance(v, bool) for v in dict(world).values()):
                found[world] = None  # type: ignore[index]
                if len(found) > MAX_WORLDS:
                    return None
        return sorted(found)


def _literals(world: World) -> Iterator[tuple[str, bool]]:
    yield from world


def _phrase(literals: Iterable[tuple[str, bool]]) -> str:
    return " and ".join(f"{name} is {'true' if value else 'false'}" for name, value in literals)


def describe(chosen: Iterable[World], among: Iterable[World]) -> str:
    """Name the worlds ``chosen`` among ``among`` in words, or ``""`` if they are all of them.

    The shortest conjunction of conditions that holds in exactly the chosen worlds is
    preferred; otherwise the worlds are listed.

    Examples
    --------
    >>> everything = [(("A", False), ("B", False)), (("A", False), ("B", True)),
    ...               (("A", True), ("B", False)), (("A", True), ("B", True))]
    >>> describe(everything[:2], everything)
    'when A is false'
    >>> describe([everything[0], everything[3]], everything)
    'when A is false and B is false, or when A is true and B is true'
    """
    chosen = sorted(set(chosen))
    among = sorted(set(among))
    if not chosen or chosen == among:
        return ""
    common = sorted(set.intersection(*(set(w) for w in chosen)))
    for size in range(1, min(len(common), 3) + 1):
        for subset in itertools.combinations(common, size):
            if [w for w in among if set(subset) <= set(w)] == chosen:
                return f"when {_phrase(subset)}"
    return ", or ".join(f"when {_phrase(_literals(w))}" for w in chosen)
