"""The template loader: JSON, YAML short forms, SAM, and a clear reason for every bad file."""

from __future__ import annotations

import builtins
import json
from pathlib import Path
from typing import Any

import pytest

from best_lambda.assembly import (
    NotATemplateError,
    TemplateLoadError,
    load_template,
    parse_template,
)

SHORT_FORMS = """\
AWSTemplateFormatVersion: 2010-09-09
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Fn:
    Type: AWS::Lambda::Function
    Condition: IsProd
    Properties:
      Role: !GetAtt Role.Arn
      Layers: [!GetAtt [Layer, Arn]]
      Description: !Sub "${AWS::StackName}-fn"
      Handler: !Sub
        - "${Name}.handler"
        - Name: !Select [0, !Split [",", "a,b"]]
      Timeout: !If [IsProd, 30, !Ref AWS::NoValue]
      Environment:
        Variables:
          AZ: !Select [0, !GetAZs ""]
          ALL: !Join ["", [!ImportValue Shared, !Base64 x, !FindInMap [M, a, b]]]
          GUARD: !Condition IsProd
"""


def test_short_forms_become_long_forms_and_dates_stay_text():
    doc, fmt, lines = parse_template(SHORT_FORMS, "t.yaml")
    props = doc["Resources"]["Fn"]["Properties"]
    assert fmt == "yaml" and doc["AWSTemplateFormatVersion"] == "2010-09-09"
    assert doc["Conditions"]["IsProd"] == {"Fn::Equals": [{"Ref": "Env"}, "prod"]}
    assert props["Role"] == {"Fn::GetAtt": ["Role", "Arn"]}
    assert props["Layers"] == [{"Fn::GetAtt": ["Layer", "Arn"]}]
    assert props["Description"] == {"Fn::Sub": "${AWS::StackName}-fn"}
    assert props["Handler"]["Fn::Sub"][1]["Name"] == {
        "Fn::Select": [0, {"Fn::Split": [",", "a,b"]}]
    }
    assert props["Timeout"] == {"Fn::If": ["IsProd", 30, {"Ref": "AWS::NoValue"}]}
    env = props["Environment"]["Variables"]
    assert env["AZ"] == {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
    assert env["ALL"]["Fn::Join"][1] == [
        {"Fn::ImportValue": "Shared"},
        {"Fn::Base64": "x"},
        {"Fn::FindInMap": ["M", "a", "b"]},
    ]
    assert env["GUARD"] == {"Condition": "IsProd"}
    assert lines == {"Fn": 5}


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "the file is empty"),
        ("   \n", "the file is empty"),
        ("Resources:\n  A: 1\n  A: 2\n", "duplicate key 'A' (first on line 2)"),
        ("Resources:\n  A: !Nope x\n", "unknown tag !Nope"),
        ("Resources: [\n", "invalid YAML at line 2"),
        ("- a\n- b\n", "the document is a list, not a mapping"),
        ("Outputs: {}\n", "it has no 'Resources' section"),
        ("Resources: 5\n", "'Resources' must be a mapping of resources, not a int"),
        ('{"Resources": {"A": }', "invalid JSON at line 1, column 21"),
    ],
)
def test_bad_text_is_refused_with_its_reason(text: str, reason: str):
    with pytest.raises(TemplateLoadError) as raised:
        parse_template(text, "bad.yaml")
    assert reason in raised.value.reason
    assert str(raised.value).startswith("bad.yaml: ")


def test_json_lines(tmp_path: Path):
    path = tmp_path / "t.json"
    path.write_text(
        '{\n  "Outputs": {"Fn": 1},\n  "Resources": {\n    "Fn": {"Type": "X"}\n  }\n}\n'
    )
    assert load_template(path).lines == {"Fn": 4}  # the resource, not the output of that name


def test_json_lines_are_the_top_level_resource_keys(tmp_path: Path):
    # A "Resources" key in Metadata, a property and an escaped string that share a resource's
    # name, and IDs sharing a prefix: only the keys of the top-level Resources count.
    text = (
        "{\n"
        '  "Metadata": {"Resources": {"Fn": 1}},\n'
        '  "Resources": {\n'
        '    "FnRole": {"Type": "X", "Properties": {"Fn": "a \\"Fn\\": b", "L": [{"Fn": 2}]}},\n'
        '    "Fn": {"Type": "X"}\n'
        "  },\n"
        '  "Outputs": {"FnRole": {"Value": 1}}\n'
        "}\n"
    )
    path = tmp_path / "t.json"
    path.write_text(text)
    assert load_template(path).lines == {"FnRole": 4, "Fn": 5}


def test_json_lines_of_a_large_template(tmp_path: Path):
    resources = {f"Queue{i}": {"Type": "AWS::SQS::Queue"} for i in range(3000)}
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"Resources": resources}, indent=1))
    lines = load_template(path).lines
    # indent=1: line 1 "{", line 2 "Resources", then 3 lines per resource.
    assert len(lines) == 3000 and lines["Queue0"] == 3 and lines["Queue2999"] == 3 + 3 * 2999


def test_files_that_cannot_be_templates(tmp_path: Path):
    (tmp_path / "bin.yaml").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin.yaml").write_bytes("Resources: {}\n# \xe9".encode("latin-1"))
    for name, reason in (
        ("bin.yaml", "binary file"),
        ("latin.yaml", "not UTF-8 text"),
        ("missing.yaml", "no such file or folder"),
        (".", "is a folder"),
    ):
        with pytest.raises(TemplateLoadError, match=reason):
            load_template(tmp_path / name)


def test_documents_that_are_not_templates_have_their_own_error():
    for text in ("- a\n- b\n", "AWSTemplateFormatVersion: '2010-09-09'\n", "[1]"):
        with pytest.raises(NotATemplateError, match="not a CloudFormation template"):
            parse_template(text, "t.yaml")
    with pytest.raises(TemplateLoadError) as raised:  # malformed, not "not a template"
        parse_template("Resources: [1]\n", "t.yaml")
    assert not isinstance(raised.value, NotATemplateError)


SAM = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.13
      Events:
        Jobs:
          Type: SQS
          Properties:
            Queue: !GetAtt FnQueue.Arn
  FnQueue:
    Type: AWS::SQS::Queue
"""


def test_sam_is_translated_and_traced_back(tmp_path: Path):
    path = tmp_path / "template.yaml"
    path.write_text(SAM)
    loaded = load_template(path)
    assert loaded.sam and loaded.source["Resources"]["Fn"]["Type"] == "AWS::Serverless::Function"
    resources = loaded.template["Resources"]
    assert resources["Fn"]["Type"] == "AWS::Lambda::Function"
    assert resources["Fn"]["Properties"]["Code"]["S3Bucket"] == "placeholder-bucket"
    # Generated resources come from Fn; FnQueue shares the prefix but is its own.
    assert loaded.origin["FnRole"] == loaded.origin["FnJobs"] == "Fn"
    assert loaded.origin["FnQueue"] == "FnQueue"
    assert loaded.line_of("FnRole") == 3 and loaded.line_of("FnQueue") == 14


def test_sam_rejections_are_reported(tmp_path: Path):
    path = tmp_path / "template.yaml"
    path.write_text(SAM.replace("      Runtime: python3.13\n", ""))
    with pytest.raises(TemplateLoadError, match=r"SAM cannot translate it: .*Runtime and Handler"):
        load_template(path)


def test_sam_without_the_translator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    real_import = builtins.__import__

    def no_sam(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("samtranslator"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_sam)
    path = tmp_path / "template.yaml"
    path.write_text(SAM)
    with pytest.raises(TemplateLoadError, match=r"pip install 'best-lambda\[sam\]'"):
        load_template(path)
