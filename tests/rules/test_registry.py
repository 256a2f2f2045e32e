"""Meta-tests: every rule is registered, documented and tested; the pack's IDs are pinned."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import best_lambda.rules
from best_lambda.rules.model import Rule, Severity
from best_lambda.rules.registry import ALL_RULES, RULES_BY_ID
from tests.conftest import ROOT

#: The public rule IDs and their severities. Changing this is a breaking change.
EXPECTED = {
    "BestLambda-RuntimeSupported": Severity.ERROR,
    "BestLambda-Arm64": Severity.WARNING,
    "BestLambda-TracingActive": Severity.ERROR,
    "BestLambda-ExplicitTimeout": Severity.ERROR,
    "BestLambda-ExplicitMemory": Severity.ERROR,
    "BestLambda-LogRetention": Severity.ERROR,
    "BestLambda-JsonLogs": Severity.WARNING,
    "BestLambda-ColdStartConfig": Severity.ERROR,
    "BestLambda-AsyncFailureHandling": Severity.ERROR,
    "BestLambda-SnsSubscriptionDlq": Severity.ERROR,
    "BestLambda-EventTargetDlq": Severity.ERROR,
    "BestLambda-NoSecretsInEnv": Severity.ERROR,
    "BestLambda-NoWildcardPermissions": Severity.ERROR,
    "BestLambda-NoAdminPolicies": Severity.ERROR,
    "BestLambda-SharedRole": Severity.WARNING,
    "BestLambda-RecursiveLoop": Severity.ERROR,
    "BestLambda-SqsVisibilityTimeout": Severity.ERROR,
    "BestLambda-SqsRedrive": Severity.ERROR,
    "BestLambda-SqsPartialBatch": Severity.WARNING,
    "BestLambda-StreamFailureHandling": Severity.ERROR,
    "BestLambda-ApiTimeout": Severity.ERROR,
    "BestLambda-FunctionUrlAuth": Severity.ERROR,
    "BestLambda-PublicInvokePermission": Severity.ERROR,
    "BestLambda-ErrorAlarm": Severity.WARNING,
    "BestLambda-DlqAlarm": Severity.WARNING,
    "BestLambda-IteratorAgeAlarm": Severity.WARNING,
    "BestLambda-AssetSize": Severity.ERROR,
    "BestLambda-CdkFrameworkFunction": Severity.WARNING,
}
STATUSES = ("test_compliant", "test_non_compliant", "test_not_applicable", "test_unknown")


def rule_modules() -> dict[str, Rule]:
    """Every ``best_lambda/rules/<folder>/<rule>.py`` module's RULE, by module name."""
    found = {}
    root = Path(best_lambda.rules.__file__).parent
    for folder in sorted(p for p in root.iterdir() if (p / "__init__.py").exists()):
        for info in pkgutil.iter_modules([str(folder)]):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"best_lambda.rules.{folder.name}.{info.name}")
            assert hasattr(module, "RULE"), f"{module.__name__} defines no RULE"
            found[f"{folder.name}/{info.name}"] = module.RULE
    return found


def test_pack_ids_and_levels_are_pinned():
    assert {rule.id: rule.severity for rule in ALL_RULES} == EXPECTED


def test_every_rule_module_is_registered_once():
    modules = rule_modules()
    assert sorted(r.id for r in modules.values()) == sorted(RULES_BY_ID)
    assert len(ALL_RULES) == len(RULES_BY_ID)


def test_every_rule_is_documented():
    for rule in ALL_RULES:
        assert rule.message.endswith("."), rule.id
        assert len(rule.explanation) > 80, rule.id
        assert rule.source, rule.id
        assert rule.resource_types, rule.id
        assert all("::" in t for t in rule.resource_types), rule.id


def test_every_rule_has_tests_for_each_outcome():
    for name in rule_modules():
        folder, module = name.split("/")
        path = ROOT / "tests" / "rules" / folder / f"test_{module}.py"
        assert path.exists(), f"{name} has no test module {path.relative_to(ROOT)}"
        tests = [
            n.name
            for n in ast.walk(ast.parse(path.read_text()))
            if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
        ]
        for status in STATUSES:
            matching = [t for t in tests if t == status or t.startswith(status + "_")]
            assert matching, f"{path.relative_to(ROOT)} has no {status}* test"
