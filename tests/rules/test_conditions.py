"""Conditions in the template index: decided where the template decides, else enumerated."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from best_lambda.rules.conditions import (
    ABSENT,
    MAX_WORLDS,
    NO_VALUE,
    ConditionTable,
    conditions_in,
    describe,
    resolve,
)
from best_lambda.rules.engine import evaluate, judge
from best_lambda.rules.lambda_.explicit_memory import RULE as MEMORY
from best_lambda.rules.lambda_.tracing_active import RULE as TRACING
from best_lambda.rules.model import Status
from best_lambda.rules.template import TemplateIndex, Unresolved
from tests.rules.harness import OPTIONS


def fn(**props: Any) -> dict[str, Any]:
    base = {"Runtime": "python3.13", "Handler": "i.h", "Role": "arn:aws:iam::1:role/r"}
    return {"Type": "AWS::Lambda::Function", "Properties": {**base, **props}}


def index_of(resources: dict[str, Any], conditions: dict[str, Any], **sections: Any):
    return TemplateIndex({"Resources": resources, "Conditions": conditions, **sections})


ENV = {"Env": {"Type": "String"}}
IS_PROD = {"Fn::Equals": [{"Ref": "Env"}, "prod"]}


# -- deciding conditions ----------------------------------------------------------------------
def test_literal_comparisons_are_decided():
    table = ConditionTable(
        {
            "Yes": {"Fn::Equals": ["a", "a"]},
            "No": {"Fn::Not": [{"Condition": "Yes"}]},
            "Both": {"Fn::And": [{"Condition": "Yes"}, {"Fn::Equals": [1, "1"]}]},
            "Either": {"Fn::Or": [{"Condition": "No"}, IS_PROD]},
        },
        ENV,
        lambda v: v if not isinstance(v, dict) else Unresolved("x"),
    )
    assert table.decided == {"Yes": True, "No": False, "Both": True}
    assert table.worlds({"Either"}) == [(("Either", False),), (("Either", True),)]


def test_parameters_with_or_without_defaults_are_undecided():
    """A default is what the parameter is when nobody passes it, not what it is."""
    for parameter in ({"Type": "String"}, {"Type": "String", "Default": "prod"}):
        index = index_of({}, {"IsProd": IS_PROD}, Parameters={"Env": parameter})
        assert "IsProd" not in index.conditions.decided
        assert len(index.conditions.worlds({"IsProd"}) or []) == 2


def test_allowed_values_bound_a_parameter():
    parameters = {"Env": {"Type": "String", "AllowedValues": ["dev", "prod"]}}
    index = index_of(
        {},
        {
            "IsProd": IS_PROD,
            "IsDev": {"Fn::Equals": ["dev", {"Ref": "Env"}]},
            "IsTest": {"Fn::Equals": [{"Ref": "Env"}, "test"]},
        },
        Parameters=parameters,
    )
    assert index.conditions.decided == {"IsTest": False}  # "test" is not allowed
    # Env is dev or prod: exactly one of IsDev / IsProd holds.
    assert index.conditions.worlds({"IsProd", "IsDev"}) == [
        (("IsDev", False), ("IsProd", True)),
        (("IsDev", True), ("IsProd", False)),
    ]


def test_conditions_referencing_conditions_stay_consistent():
    conditions = {
        "IsProd": IS_PROD,
        "IsNotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
        "ProdAndBig": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": [{"Ref": "Big"}, "y"]}]},
    }
    index = index_of({}, conditions, Parameters={**ENV, "Big": {"Type": "String"}})
    worlds = [dict(w) for w in index.conditions.worlds(conditions) or []]
    assert len(worlds) == 3
    for world in worlds:
        assert world["IsNotProd"] is not world["IsProd"]
        assert not world["ProdAndBig"] or world["IsProd"]


def test_one_value_cannot_equal_two_texts():
    conditions = {"IsProd": IS_PROD, "IsDev": {"Fn::Equals": [{"Ref": "Env"}, "dev"]}}
    worlds = index_of({}, conditions, Parameters=ENV).conditions.worlds(conditions)
    assert (("IsDev", True), ("IsProd", True)) not in (worlds or [])
    assert len(worlds or []) == 3


def test_a_cycle_or_an_unknown_intrinsic_is_undecided_not_a_crash():
    conditions = {
        "A": {"Condition": "B"},
        "B": {"Condition": "A"},
        "C": {"Fn::Contains": [["a"], {"Ref": "Env"}]},
    }
    index = index_of({}, conditions, Parameters=ENV)
    assert index.conditions.decided == {}
    assert index.conditions.worlds({"C"}) == [(("C", False),), (("C", True),)]


# -- resolving values -------------------------------------------------------------------------
def test_no_value_removes_keys_and_list_items():
    value = {
        "Keep": 1,
        "Drop": NO_VALUE,
        "List": [1, NO_VALUE, {"Fn::If": ["C", NO_VALUE, 3]}, {"Fn::If": ["C", 4, NO_VALUE]}],
        "Nested": {"Fn::If": ["C", {"A": NO_VALUE, "B": 2}, NO_VALUE]},
    }
    assert resolve(value, {"C": True}) == {"Keep": 1, "List": [1, 4], "Nested": {"B": 2}}
    assert resolve(value, {"C": False}) == {"Keep": 1, "List": [1, 3]}
    assert resolve(NO_VALUE, {}) is ABSENT


def test_nested_fn_if_is_resolved_level_by_level():
    value = {"Fn::If": ["A", {"Fn::If": ["B", "ab", "a"]}, {"Fn::If": ["B", "b", "none"]}]}
    assert conditions_in(value) == {"A", "B"}
    assert [resolve(value, {"A": a, "B": b}) for a in (True, False) for b in (True, False)] == [
        "ab",
        "a",
        "b",
        "none",
    ]
    kept: set[str] = set()
    partial = resolve(value, {"A": True}, kept)
    assert partial == {"Fn::If": ["B", "ab", "a"]}
    assert kept == {"B"}


def test_undecided_branches_keep_no_value_and_unchanged_values_are_not_copied():
    value = {"X": {"Fn::If": ["C", NO_VALUE, [NO_VALUE, 1]]}, "Y": {"Z": [1, 2]}}
    resolved = resolve(value, {})
    assert resolved == {"X": {"Fn::If": ["C", NO_VALUE, [1]]}, "Y": {"Z": [1, 2]}}
    assert resolved["Y"] is value["Y"]
    plain = {"A": [1, {"B": "c"}]}
    assert resolve(plain, {"C": True}) is plain


_LEAVES = st.one_of(st.integers(-3, 3), st.sampled_from(["a", "b", ""]), st.just(NO_VALUE))


def _tree(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.sampled_from(["K", "L", "M"]), children, max_size=3),
        st.tuples(st.sampled_from(["A", "B", "C"]), children, children).map(
            lambda t: {"Fn::If": list(t)}
        ),
    )


def _reference(value: Any, world: dict[str, bool]) -> Any:
    """A straightforward reading of CloudFormation's rules, to compare with."""
    if value == NO_VALUE:
        return ABSENT
    if isinstance(value, dict) and "Fn::If" in value:
        name, yes, no = value["Fn::If"]
        return _reference(yes if world[name] else no, world)
    if isinstance(value, dict):
        items = {k: _reference(v, world) for k, v in value.items()}
        return {k: v for k, v in items.items() if v is not ABSENT}
    if isinstance(value, list):
        return [r for r in (_reference(v, world) for v in value) if r is not ABSENT]
    return value


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(_LEAVES, _tree, max_leaves=12),
    st.fixed_dictionaries({"A": st.booleans(), "B": st.booleans(), "C": st.booleans()}),
)
def test_resolve_matches_a_reference_reading(value: Any, world: dict[str, bool]):
    assert resolve(value, world) == _reference(value, world)
    # Resolving in two steps is resolving at once.
    assert resolve(resolve(value, {"A": world["A"]}), world) == _reference(value, world)


# -- describing worlds ------------------------------------------------------------------------
def test_describe_prefers_the_shortest_conjunction():
    worlds = [(("A", a), ("B", b)) for a in (False, True) for b in (False, True)]
    assert describe(worlds, worlds) == ""
    assert describe([w for w in worlds if dict(w)["B"]], worlds) == "when B is true"
    assert describe([worlds[3]], worlds) == "when A is true and B is true"


# -- the index and the engine -----------------------------------------------------------------
def test_a_resource_whose_condition_is_always_false_is_not_judged():
    index = index_of({"Fn": {**fn(), "Condition": "Never"}}, {"Never": {"Fn::Equals": [1, 2]}})
    assert index.of_type("AWS::Lambda::Function") == []
    assert "Fn" in index.inactive
    report = evaluate(
        [
            {
                "Resources": {"Fn": {**fn(), "Condition": "Never"}},
                "Conditions": {"Never": {"Fn::Equals": [1, 2]}},
            }
        ],
        rules=[TRACING],
        options=OPTIONS,
    )
    assert report.violations == ()
    assert report.resources == 1


def test_a_resource_under_an_undecided_condition_is_judged_where_it_exists():
    template = {
        "Parameters": ENV,
        "Conditions": {"IsProd": IS_PROD},
        "Resources": {"Fn": {**fn(), "Condition": "IsProd"}},
    }
    index = TemplateIndex(template)
    outcome = judge(TRACING, index.resources["Fn"], index, OPTIONS)
    assert outcome.status is Status.NON_COMPLIANT
    # It exists only when IsProd is true, so that is not worth saying.
    assert outcome.findings[0].message.startswith("TracingConfig is not set")


def test_a_decided_condition_is_resolved_before_any_rule_reads():
    template = {
        "Conditions": {"Always": {"Fn::Equals": ["x", "x"]}},
        "Resources": {"Fn": fn(TracingConfig={"Fn::If": ["Always", {"Mode": "Active"}, NO_VALUE]})},
    }
    index = TemplateIndex(template)
    assert index.resources["Fn"].properties["TracingConfig"] == {"Mode": "Active"}
    assert index.variants("Fn") is None


def test_conditions_of_neighbours_are_relevant_and_distant_ones_are_not():
    template = {
        "Parameters": ENV,
        "Conditions": {"IsProd": IS_PROD},
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {"Tags": [{"Key": "k", "Value": {"Fn::If": ["IsProd", "a", "b"]}}]},
            },
            "Fn": fn(Role={"Fn::GetAtt": ["Role", "Arn"]}),
            "Other": fn(),
        },
    }
    index = TemplateIndex(template)
    assert index.variants("Fn") == [(("IsProd", False),), (("IsProd", True),)]
    assert index.variants("Other") is None
    assert index.in_world((("IsProd", True),)).resources["Role"].properties["Tags"][0] == {
        "Key": "k",
        "Value": "a",
    }


def test_an_undefined_condition_is_judged_both_ways():
    index = index_of({"Fn": fn(MemorySize={"Fn::If": ["Nowhere", 512, NO_VALUE]})}, {})
    outcome = judge(MEMORY, index.resources["Fn"], index, OPTIONS)
    assert outcome.status is Status.NON_COMPLIANT
    assert outcome.findings[0].message.startswith("When Nowhere is false: MemorySize is not set")


def test_beyond_the_cap_the_result_is_unknown():
    count = 7  # 2**7 = 128 combinations
    assert 2**count > MAX_WORLDS
    conditions = {f"C{n}": {"Fn::Equals": [{"Ref": f"P{n}"}, "y"]} for n in range(count)}
    parameters = {f"P{n}": {"Type": "String"} for n in range(count)}
    value: Any = 512
    for n in range(count):
        value = {"Fn::If": [f"C{n}", value, 1024]}
    index = index_of({"Fn": fn(MemorySize=value)}, conditions, Parameters=parameters)
    assert isinstance(index.variants("Fn"), Unresolved)
    outcome = judge(MEMORY, index.resources["Fn"], index, OPTIONS)
    assert outcome.status is Status.UNKNOWN
    assert "7 conditions" in outcome.reason


@pytest.mark.parametrize(
    ("tracing", "status", "prefix"),
    [
        ({"Fn::If": ["IsProd", {"Mode": "Active"}, {"Mode": "Active"}]}, Status.COMPLIANT, ""),
        ({"Mode": {"Fn::If": ["IsProd", "Active", "Active"]}}, Status.COMPLIANT, ""),
        (
            {"Fn::If": ["IsProd", {"Mode": "Active"}, NO_VALUE]},
            Status.NON_COMPLIANT,
            "When IsProd is false: ",
        ),
        (
            {"Fn::If": ["IsProd", NO_VALUE, {"Mode": "Active"}]},
            Status.NON_COMPLIANT,
            "When IsProd is true: ",
        ),
    ],
)
def test_tracing_under_a_condition(tracing: Any, status: Status, prefix: str):
    """The misfire of the issue: Active in both branches is compliant, not an error."""
    template = {
        "Parameters": ENV,
        "Conditions": {"IsProd": IS_PROD},
        "Resources": {"Fn": fn(TracingConfig=tracing)},
    }
    index = TemplateIndex(template)
    outcome = judge(TRACING, index.resources["Fn"], index, OPTIONS)
    assert outcome.status is status
    if prefix:
        assert outcome.findings[0].message.startswith(prefix)


def test_safety_net_failures_are_reported():
    from best_lambda.rules.model import Rule, Severity

    def broken(resource, index, options):  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    rule = Rule(
        id="BestLambda-Broken",
        severity=Severity.ERROR,
        message="Broken.",
        explanation="x",
        resource_types=frozenset({"AWS::Lambda::Function"}),
        check=broken,
        source="test",
    )
    report = evaluate([{"Resources": {"Fn": fn()}}], rules=[rule], options=OPTIONS)
    (failure,) = report.failures
    assert (failure.rule_id, failure.logical_id, failure.error) == (
        "BestLambda-Broken",
        "Fn",
        "ValueError: boom",
    )
