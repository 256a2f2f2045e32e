"""``best-lambda audit`` as a user runs it: cdk.out, real templates, bad inputs, every format."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from best_lambda.rules.engine import TemplateInput, evaluate
from best_lambda.rules.options import CheckOptions
from tests.cli.conftest import REALAPPS, cli

TODAY = "2026-11-01"
SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
ORIGINALS = sorted(p for p in (REALAPPS / "original").rglob("*") if p.is_file())


def audit_json(*args: str | Path, cwd: Path | None = None) -> tuple[int, dict]:
    result = cli("audit", "--format", "json", "--today", TODAY, *args, cwd=cwd)
    return result.returncode, json.loads(result.stdout)


# -- cdk.out ------------------------------------------------------------------------------------
def test_cdk_out_with_stages_and_nested_stacks(assembly: Path):
    code, report = audit_json(assembly)
    assert code == 1
    templates = {t["name"]: t["kind"] for t in report["templates"]}
    assert templates == {
        "Top": "cdk-stack",
        "Top/Nested": "cdk-nested-stack",
        "Top/Nested/Deeper": "cdk-nested-stack",
        "Prod/Api": "cdk-stack",
        "Prod/Api/Inner": "cdk-nested-stack",
    }
    tracing = {
        f["construct_path"]: f["suppression"]
        for f in report["findings"]
        if f["id"] == "BestLambda-TracingActive"
    }
    assert tracing == {
        "Top/Nested/Fn/Resource": None,
        "Top/Nested/Deeper/Fn/Resource": None,
        "Prod/Api/Inner/Fn/Resource": {
            "kind": "acknowledgement",
            "reason": "tracing comes with the v2 rollout",
        },
    }
    # The queue lives in the parent: across the boundary the rule cannot tell, so it warns.
    (visibility,) = [f for f in report["findings"] if f["id"] == "BestLambda-SqsVisibilityTimeout"]
    assert (visibility["status"], visibility["severity"]) == ("unknown", "warning")
    assert visibility["template"] == "Top/Nested"
    assert not [f for f in report["findings"] if f["construct_path"].startswith("Top/Clean/")]


def test_text_report_names_paths_fixes_once_and_sums_up(assembly: Path):
    result = cli("audit", assembly, "--today", TODAY)
    assert result.returncode == 1
    out = result.stdout
    assert "Top/Nested/Deeper/Fn/Resource (Fn9270CBC0)" in out
    assert out.count("Set TracingConfig.Mode to Active") == 1  # the fix, once per rule
    assert 'id="BestLambda::BestLambda-TracingActive"' in out
    last = out.strip().splitlines()[-1]
    assert last.startswith("best-lambda: ") and "1 acknowledged" in last
    assert last.endswith("-> failed (fail level: error)")
    assert "\x1b[" not in out  # no colour when not on a terminal


def test_installed_console_script(assembly: Path):
    script = shutil.which("best-lambda", path=str(Path(sys.executable).parent))
    assert script is not None
    import subprocess

    result = subprocess.run(
        [script, "audit", str(assembly), "--fail-level", "none"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# -- real templates ------------------------------------------------------------------------------
def test_real_templates_match_the_engine_on_their_translations():
    """Original YAML/JSON (SAM through the translator) give what the engine finds on the
    reviewed translations in tests/data/realapps."""
    code, report = audit_json(*ORIGINALS)
    assert code == 1 and report["input_errors"] == []
    kinds = {t["file"].split("/")[-2]: t["kind"] for t in report["templates"]}
    assert kinds["cfn-s3-lambda-trigger-json"] == kinds["cw-auto-alarms"] == "cloudformation"
    assert kinds["sqs-lambda-python"] == "sam"
    options = CheckOptions(today=dt.date.fromisoformat(TODAY))
    for original in ORIGINALS:
        folder = original.parent.name
        translated = json.loads((REALAPPS / f"{folder}.json").read_text())
        expected = evaluate([TemplateInput(folder, translated)], options=options).violations
        got = [f for f in report["findings"] if f["file"].endswith(f"{folder}/{original.name}")]
        assert sorted((f["id"], f["logical_id"], f["severity"]) for f in got) == sorted(
            (v.finding_id, v.logical_id, v.severity.value) for v in expected
        ), folder
        assert all(f["line"] for f in got), folder  # every finding points into the file


def test_a_folder_is_searched_recursively(tmp_path: Path):
    shutil.copytree(REALAPPS / "original", tmp_path / "repo")
    (tmp_path / "repo" / "package.json").write_text('{"name": "not a template"}')
    (tmp_path / "repo" / "node_modules").mkdir()
    (tmp_path / "repo" / "node_modules" / "bad.yaml").write_text("Resources: [")
    code, report = audit_json("repo", cwd=tmp_path)
    assert code == 1 and report["input_errors"] == []
    assert len(report["templates"]) == 10


# -- bad inputs ----------------------------------------------------------------------------------
BAD_INPUTS = {
    "empty.yaml": (b"", "the file is empty"),
    "syntax.yaml": (b"Resources:\n  Fn:\n    Type: [unclosed\n", "invalid YAML at line 4"),
    "syntax.json": (b'{"Resources": {"Fn": }}', "invalid JSON at line 1, column 22"),
    "no-resources.yaml": (b"AWSTemplateFormatVersion: '2010-09-09'\n", "no 'Resources' section"),
    "binary.json": (bytes(range(256)), "binary file, not a template"),
    "no-type.yaml": (b"Resources:\n  Fn:\n    Properties: {}\n", "resource 'Fn' has no 'Type'"),
    "unknown-tag.yaml": (b"Resources:\n  Q:\n    Type: !Reff X\n", "unknown tag !Reff"),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_has_its_own_message_and_the_rest_is_still_checked(tmp_path: Path, name: str):
    content, message = BAD_INPUTS[name]
    (tmp_path / name).write_bytes(content)
    good = REALAPPS / "original" / "sqs-lambda-python" / "template.yaml"
    result = cli("audit", name, good, cwd=tmp_path)
    assert result.returncode == 3
    assert f"best-lambda: cannot check {name}: " in result.stderr
    assert message in result.stderr
    assert "ProcessorFunction" in result.stdout  # the good template was checked


def test_missing_path(tmp_path: Path):
    result = cli("audit", "nowhere.yaml", cwd=tmp_path)
    assert result.returncode == 3
    assert "cannot check nowhere.yaml: no such file or folder" in result.stderr


def test_sam_without_the_translator_says_how_to_install_it(tmp_path: Path):
    (tmp_path / "samtranslator").mkdir()
    (tmp_path / "samtranslator" / "__init__.py").write_text("raise ImportError('hidden')\n")
    template = REALAPPS / "original" / "sqs-lambda-python" / "template.yaml"
    result = cli("audit", template, cwd=tmp_path)  # the shadowing package is on sys.path
    assert result.returncode == 3
    assert "pip install 'best-lambda[sam]'" in result.stderr


# -- selection and exit codes ---------------------------------------------------------------------
def test_unknown_rule_ids_are_usage_errors_with_a_hint(tmp_path: Path):
    result = cli("audit", ".", "--rules", "BestLambda-Arm46", cwd=tmp_path)
    assert result.returncode == 2
    assert "did you mean 'BestLambda-Arm64'?" in result.stderr
    result = cli("audit", ".", "--exclude-rules", "BestLambda-TracingActiv", cwd=tmp_path)
    assert result.returncode == 2 and "BestLambda-TracingActive" in result.stderr


def test_rules_today_framework_functions_and_fail_level():
    sns = REALAPPS / "original" / "sns-lambda-python-sam" / "template.yaml"
    _, report = audit_json(sns, "--rules", "BestLambda-Arm64,BestLambda-TracingActive")
    assert {f["rule"] for f in report["findings"]} == {"BestLambda-TracingActive"}
    _code, report = audit_json(sns, "--exclude-rules", "BestLambda-TracingActive")
    assert "BestLambda-TracingActive" not in {f["rule"] for f in report["findings"]}
    # python3.9 (kinesis-lambda-ddb-test) is deprecated by 2026; it was fine in 2023.
    kinesis = REALAPPS / "original" / "kinesis-lambda-ddb-test" / "template.yaml"
    only = ("--rules", "BestLambda-RuntimeSupported")
    assert audit_json(kinesis, *only)[0] == 1
    result = cli("audit", kinesis, *only, "--today", "2023-01-01")
    assert result.returncode == 0
    assert cli("audit", sns, "--fail-level", "none").returncode == 0
    warn_only = ("--rules", "BestLambda-JsonLogs")
    assert cli("audit", sns, *warn_only).returncode == 0
    assert cli("audit", sns, *warn_only, "--fail-level", "warning").returncode == 1


def test_framework_functions_on_request(assembly: Path):
    s3 = REALAPPS / "original" / "cfn-s3-lambda-trigger-json" / "S3_LambdaTrigger.json"
    assert audit_json(s3)[1]["findings"]  # not a CDK template: nothing is framework there
    _, plain = audit_json(assembly)
    _code, judged = audit_json(assembly, "--check-framework-functions")
    assert len(judged["findings"]) >= len(plain["findings"])


def test_help_documents_exit_codes_and_formats():
    result = cli("audit", "--help")
    assert result.returncode == 0
    for text in ("exit codes:", "usage error", "sarif", "--fail-level", "--today", "best-lambda"):
        assert text in result.stdout


# -- acknowledgements in templates ---------------------------------------------------------
TEMPLATE = """\
Metadata:
  best-lambda:
    acknowledge:
      BestLambda-ErrorAlarm: alarms live in the observability stack
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Metadata:
      best-lambda:
        acknowledge:
          BestLambda-Arm64: native library built for x86_64 only
          BestLambda-JsonLogs: "  "
          BestLambda-Tracing: typo
    Properties:
      Runtime: python3.13
      Handler: index.handler
      Role: !GetAtt FnRole.Arn
      Code: {ZipFile: "def handler(e, c): pass"}
  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
"""


def test_metadata_acknowledgements(tmp_path: Path):
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    _code, report = audit_json("template.yaml", cwd=tmp_path)
    suppressed = {f["id"]: f["suppression"] for f in report["findings"]}
    assert suppressed["BestLambda-Arm64"] == {
        "kind": "acknowledgement",
        "reason": "native library built for x86_64 only",
    }
    assert suppressed["BestLambda-ErrorAlarm"]["reason"] == "alarms live in the observability stack"
    assert suppressed["BestLambda-JsonLogs"] is None  # an empty reason accepts nothing
    notices = "\n".join(report["notices"])
    assert "'BestLambda-JsonLogs' at Fn has no reason" in notices
    assert "did you mean 'BestLambda-TracingActive'?" in notices


# -- formats ---------------------------------------------------------------------------------------
def test_sarif_is_valid_and_fingerprints_are_stable(assembly: Path, tmp_path: Path):
    inputs = [assembly, *ORIGINALS[:4]]
    first = cli("audit", "-f", "sarif", *inputs, "--today", TODAY)
    second = cli("audit", "-f", "sarif", *inputs, "--today", TODAY)
    log = json.loads(first.stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(log)
    (run,) = log["runs"]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"BestLambda-TracingActive"}
    prints = [r["partialFingerprints"]["bestLambdaFinding/v1"] for r in run["results"]]
    again = json.loads(second.stdout)["runs"][0]["results"]
    assert prints == [r["partialFingerprints"]["bestLambdaFinding/v1"] for r in again]
    assert len(set(prints)) == len(prints)
    nested = next(r for r in run["results"] if r["ruleId"] == "BestLambda-TracingActive")
    assert nested["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith(
        "/Fn/Resource"
    )
    sam = next(r for r in run["results"] if r["properties"]["template"].endswith(".yaml"))
    assert sam["locations"][0]["physicalLocation"]["region"]["startLine"] > 1
    acknowledged = [r for r in run["results"] if "suppressions" in r]
    assert acknowledged[0]["suppressions"][0]["justification"] == (
        "tracing comes with the v2 rollout"
    )


def test_html_is_self_contained_and_lists_every_finding(assembly: Path, tmp_path: Path):
    out = tmp_path / "report.html"
    result = cli("audit", "-f", "html", "-o", out, assembly, *ORIGINALS, "--today", TODAY)
    assert result.returncode == 1
    assert result.stdout.startswith("best-lambda: ")  # the summary, the report is in the file
    page = out.read_text()
    for external in ("http://", "https://", "<script", "<link", "src=", "@import", "url("):
        assert external not in page
    _code, report = audit_json(assembly, *ORIGINALS)
    for finding in report["findings"]:
        assert finding["id"] in page
        assert (finding["construct_path"] or finding["logical_id"]) in page
    assert "class='c error'" in page and "class='c compliant'" in page  # the scorecard


def test_junit(assembly: Path):
    result = cli("audit", "-f", "junit", assembly, "--today", TODAY)
    suites = ET.fromstring(result.stdout)
    assert suites.tag == "testsuites" and int(suites.get("failures", "0")) > 0
    nested = next(s for s in suites if s.get("name") == "Top/Nested/Deeper")
    failed = [c.get("name") for c in nested if c.find("failure") is not None]
    assert "BestLambda-TracingActive" in failed
    skipped = [c.get("name") for c in nested if c.find("skipped") is not None]
    assert "BestLambda-SqsRedrive" in skipped


# -- baselines -----------------------------------------------------------------------------
def test_baseline_round_trip(tmp_path: Path):
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE)
    written = cli("audit", "template.yaml", "--write-baseline", "baseline.json", cwd=tmp_path)
    assert written.returncode == 0, written.stdout
    entries = json.loads((tmp_path / "baseline.json").read_text())["findings"]
    assert {"rule", "template", "resource", "reason"} == set(entries[0])
    assert (
        cli("audit", "template.yaml", "--baseline", "baseline.json", cwd=tmp_path).returncode == 0
    )
    # A new function: its findings are new, the old ones stay accepted.
    template.write_text(
        TEMPLATE + "  Other:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        "      Runtime: python3.13\n      Handler: index.handler\n      Role: x\n"
    )
    code, report = audit_json("template.yaml", "--baseline", "baseline.json", cwd=tmp_path)
    assert code == 1
    open_ = {f["logical_id"] for f in report["findings"] if f["suppression"] is None}
    assert open_ == {"Other"}
    assert any(
        f["suppression"] == {"kind": "baseline", "reason": entries[0]["reason"]}
        for f in report["findings"]
    )
    # Fixed findings leave stale entries, which are reported.
    template.write_text(TEMPLATE.replace("python3.13", "python3.14"))
    (tmp_path / "baseline.json").write_text(
        json.dumps({"version": 1, "findings": [{**entries[0], "resource": "Gone"}]})
    )
    code, report = audit_json("template.yaml", "--baseline", "baseline.json", cwd=tmp_path)
    assert any("matches no finding any more" in n for n in report["notices"])


def test_a_bad_baseline_is_a_usage_error(tmp_path: Path):
    (tmp_path / "baseline.json").write_text('{"version": 1, "findings": [{"rule": "x"}]}')
    result = cli("audit", ".", "--baseline", "baseline.json", cwd=tmp_path)
    assert result.returncode == 2
    assert "findings[0]: missing or empty template, resource, reason" in result.stderr


# -- weight ---------------------------------------------------------------------------------------
def test_the_cli_imports_no_aws_cdk_jsii_or_cdk_nag(assembly: Path):
    sam = REALAPPS / "original" / "sqs-lambda-python" / "template.yaml"
    code = (
        "import json, sys; from best_lambda.cli import main; "
        f"main(['audit', {str(assembly)!r}, {str(sam)!r}, '-f', 'json', '-o', '/dev/null']); "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} "
        "& {'aws_cdk', 'jsii', 'cdk_nag', 'constructs'})))"
    )
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_a_cdk_out_audit_imports_no_yaml_and_only_the_chosen_writer(assembly: Path):
    code = (
        "import json, sys; from best_lambda.cli import main; "
        f"main(['audit', {str(assembly)!r}, '-f', 'sarif', '-o', '/dev/null']); "
        "print(json.dumps(sorted(m for m in sys.modules if m == 'yaml' "
        "or m.startswith('best_lambda.report.') or m == 'best_lambda.assembly.loader')))"
    )
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        "best_lambda.report.baseline",
        "best_lambda.report.model",
        "best_lambda.report.sarif",
    ]
