"""assert_compliant / assert_noncompliant / findings_of: right findings, useful failures."""

from __future__ import annotations

import aws_cdk as cdk
import cdk_nag
import pytest
from aws_cdk import aws_lambda as lambda_
from constructs import RootConstruct

from best_lambda import BestLambdaChecks, HardenedFunction
from best_lambda.testing import ALL_PACKS, assert_compliant, assert_noncompliant, findings_of
from best_lambda.testing._compliance import _NAG_PACKS

CODE = lambda_.Code.from_inline("def handler(event, context):\n    return event\n")


def hardened(scope: cdk.Stack, construct_id: str = "Good", **kwargs: object) -> HardenedFunction:
    return HardenedFunction(scope, construct_id, code=CODE, handler="index.handler", **kwargs)


def legacy(scope: cdk.Stack, construct_id: str = "Legacy") -> lambda_.Function:
    """A plain function with Lambda's defaults: what the rules exist to catch."""
    return lambda_.Function(
        scope, construct_id, code=CODE, handler="index.handler", runtime=lambda_.Runtime.PYTHON_3_12
    )


# -- assert_compliant ---------------------------------------------------------------------
def test_hardened_function_is_compliant_with_every_pack(stack: cdk.Stack):
    hardened(stack)
    assert_compliant(stack, packs=ALL_PACKS)


def test_failure_lists_every_finding_with_path_fix_and_acknowledgement(stack: cdk.Stack):
    legacy(stack)
    with pytest.raises(AssertionError) as raised:
        assert_compliant(stack)
    message = str(raised.value)
    header = message.splitlines()[0]
    count = len(findings_of(stack))
    errors = sum(f.severity == "error" for f in findings_of(stack))
    assert header == (
        f"Test: {count} unacknowledged findings (BestLambda): {errors} errors, "
        f"{count - errors} warnings, 0 acknowledged"
    )
    assert "ERROR BestLambda-TracingActive at Test/Legacy/Resource (BestLambda)" in message
    assert "WARNING BestLambda-Arm64 at Test/Legacy/Resource (BestLambda)" in message
    assert "fix: " in message and "Tracing.ACTIVE" in message
    assert message.count("Tracing.ACTIVE") == 1  # each rule's fix once
    assert (
        "cdk.Validations.of(construct).acknowledge(cdk.Acknowledgment("
        'id="BestLambda::BestLambda-Arm64"' in message
    )
    # Errors come before warnings.
    assert message.index("ERROR") < message.index("WARNING")


def test_cdk_nag_packs_on_request(stack: cdk.Stack):
    legacy(stack)
    assert {f.plugin for f in findings_of(stack)} == {"BestLambda"}
    with pytest.raises(AssertionError) as raised:
        assert_compliant(stack, packs=["AwsSolutions"])
    message = str(raised.value)
    assert "(AwsSolutions)" in message.splitlines()[0]
    assert "AwsSolutions-IAM4[Policy::" in message
    assert "BestLambda" not in message


def test_warnings_can_be_left_out(stack: cdk.Stack):
    hardened(stack, architecture=lambda_.Architecture.X86_64)
    assert [f.rule for f in findings_of(stack)] == ["BestLambda-Arm64"]
    assert_compliant(stack, warnings=False)
    with pytest.raises(AssertionError, match="BestLambda-Arm64"):
        assert_compliant(stack)


def test_acknowledgements_are_honoured_like_at_synth(stack: cdk.Stack):
    function = legacy(stack)
    before = {f.rule for f in findings_of(stack, ALL_PACKS)}
    for rule in ("BestLambda-Arm64", "AwsSolutions-L1"):
        cdk.Validations.of(function).acknowledge(
            cdk.Acknowledgment(id=rule, reason="legacy function, migrating")
        )
    after = {f.rule for f in findings_of(stack, ALL_PACKS)}
    assert before - after == {"BestLambda-Arm64", "AwsSolutions-L1"}
    shown = [f for f in findings_of(stack, acknowledged=True) if f.acknowledged]
    assert [(f.rule, f.acknowledged) for f in shown] == [
        ("BestLambda-Arm64", "legacy function, migrating")
    ]
    with pytest.raises(AssertionError) as raised:
        assert_compliant(stack)
    assert "Acknowledged (not counted):\n  BestLambda-Arm64 at Test/Legacy/Resource: legacy" in (
        str(raised.value)
    )


def test_scope_is_the_target_and_what_is_under_it(stack: cdk.Stack):
    good = hardened(stack)
    legacy(stack)
    assert_compliant(good, packs=ALL_PACKS)
    assert {f.path.split("/")[1] for f in findings_of(stack)} == {"Legacy"}


def test_whole_app_with_stages(app: cdk.App):
    stage = cdk.Stage(app, "Prod")
    legacy(cdk.Stack(stage, "Service"))
    hardened(cdk.Stack(app, "Other"))
    paths = {f.path for f in findings_of(app)}
    assert paths and all(p.startswith("Prod/Service/Legacy/") for p in paths)


def test_registers_nothing_on_the_app(app: cdk.App, stack: cdk.Stack):
    legacy(stack)
    assert findings_of(stack, ALL_PACKS)
    # A registered pack would fail this synthesis: the findings are there.
    app.synth(force=True)


def test_works_on_an_app_that_registers_its_own_packs(app: cdk.App, stack: cdk.Stack):
    """Such an app fails its own validation at synth; the helpers still report findings."""
    cdk.Validations.of(app).add_plugins(BestLambdaChecks(app))
    legacy(stack)
    assert "BestLambda-TracingActive" in {f.rule for f in findings_of(stack)}


def test_a_configured_pack_object(stack: cdk.Stack):
    legacy(stack)
    only_arm = BestLambdaChecks(rules=["BestLambda-Arm64"])
    assert [f.rule for f in findings_of(stack, [only_arm])] == ["BestLambda-Arm64"]
    nag = cdk_nag.ServerlessChecks()
    assert {f.plugin for f in findings_of(stack, [nag])} == {"Serverless"}


@pytest.mark.parametrize(
    ("packs", "error", "match"),
    [
        (["AwsSolution"], ValueError, "unknown pack 'AwsSolution' \\(did you mean 'AwsSolutions'"),
        ([42], ValueError, "pack names or cdk-nag NagPack objects, got int"),
        ([], ValueError, "packs= is empty"),
    ],
)
def test_bad_packs_are_refused(stack: cdk.Stack, packs: list[object], error: type, match: str):
    with pytest.raises(error, match=match):
        findings_of(stack, packs)  # type: ignore[arg-type]


def test_a_string_is_one_pack(stack: cdk.Stack):
    legacy(stack)
    assert {f.plugin for f in findings_of(stack, "Serverless")} == {"Serverless"}


def test_needs_an_app():
    root = RootConstruct("Root")
    with pytest.raises(TypeError, match=r"not inside a cdk\.App"):
        findings_of(root)


# -- assert_noncompliant ------------------------------------------------------------------
def test_noncompliant_returns_the_matching_findings(stack: cdk.Stack):
    function = legacy(stack)
    (finding,) = assert_noncompliant(function, "BestLambda-TracingActive")
    assert finding.path == "Test/Legacy/Resource"
    assert finding.severity == "error"
    # A rule ID without suffix matches its granular findings; the pack comes from the ID.
    granular = assert_noncompliant(function, "AwsSolutions-IAM4")
    assert all(f.rule.startswith("AwsSolutions-IAM4[") for f in granular)


def test_noncompliant_fails_and_says_what_does_fire(stack: cdk.Stack):
    function = hardened(stack, architecture=lambda_.Architecture.X86_64)
    with pytest.raises(AssertionError) as raised:
        assert_noncompliant(function, "BestLambda-TracingActive")
    assert str(raised.value) == (
        "BestLambda-TracingActive reports nothing on Test/Good.\n"
        "Findings on Test/Good:\n"
        "  BestLambda-Arm64 at Test/Good/Resource"
    )


def test_noncompliant_fails_and_names_the_acknowledgement(stack: cdk.Stack):
    function = legacy(stack)
    cdk.Validations.of(stack).acknowledge(
        cdk.Acknowledgment(id="BestLambda-Arm64", reason="x86-only native library")
    )
    with pytest.raises(AssertionError) as raised:
        assert_noncompliant(function, "BestLambda-Arm64")
    assert "It is acknowledged at Test/Legacy/Resource: 'x86-only native library'" in str(
        raised.value
    )


def test_noncompliant_on_a_clean_construct(stack: cdk.Stack):
    with pytest.raises(AssertionError, match="No unacknowledged finding of any rule"):
        assert_noncompliant(hardened(stack), "BestLambda-Arm64")


def test_noncompliant_refuses_unknown_rule_ids(stack: cdk.Stack):
    function = legacy(stack)
    with pytest.raises(ValueError, match="did you mean 'BestLambda-Arm64'"):
        assert_noncompliant(function, "BestLambda-Arm46")
    with pytest.raises(ValueError, match="cannot tell which pack reports 'Custom-Rule'"):
        assert_noncompliant(function, "Custom-Rule")


@pytest.mark.parametrize("name", sorted(_NAG_PACKS))
def test_every_cdk_nag_pack_by_its_own_name(stack: cdk.Stack, name: str):
    """The names accepted are the packs' own (the prefix of their rule IDs)."""
    assert _NAG_PACKS[name]().read_pack_name == name
    legacy(stack)
    assert {f.plugin for f in findings_of(stack, [name])} == {name}
    assert all(f.rule.startswith(f"{name}-") for f in findings_of(stack, [name]))
