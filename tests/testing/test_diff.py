"""The snapshot diff: every hunk says where in the template it is."""

from __future__ import annotations

import json

from best_lambda.testing._diff import json_line_paths, template_diff

TEMPLATE = {
    "Resources": {
        "Fn": {
            "Properties": {"MemorySize": 512, "Layers": [], "Tags": {}},
            "Type": "AWS::Lambda::Function",
        },
        "Policy": {
            "Properties": {
                "Statement": [
                    {"Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow"},
                    {"Action": "sqs:SendMessage", "Resource": "*"},
                ]
            }
        },
        'Odd"Key': {"Type": "AWS::SQS::Queue"},
    }
}


def dump(template: object) -> str:
    return json.dumps(template, indent=2, sort_keys=True)


def test_every_line_knows_its_path():
    lines = dump(TEMPLATE).splitlines()
    paths = dict(zip(lines, json_line_paths(lines), strict=True))
    assert paths['        "MemorySize": 512,'] == "Resources.Fn.Properties.MemorySize"
    assert paths['        "Layers": [],'] == "Resources.Fn.Properties.Layers"
    assert paths['              "s3:PutObject"'] == (
        "Resources.Policy.Properties.Statement[0].Action[1]"
    )
    assert paths['            "Action": "sqs:SendMessage",'] == (
        "Resources.Policy.Properties.Statement[1].Action"
    )
    assert paths['    "Odd\\"Key": {'] == 'Resources.Odd"Key'
    assert json_line_paths(lines)[0] == "(template)"
    assert json_line_paths(lines)[-1] == "(template)"


def test_a_changed_value_is_one_hunk_under_its_path():
    changed = json.loads(json.dumps(TEMPLATE))
    changed["Resources"]["Fn"]["Properties"]["MemorySize"] = 1024
    assert list(template_diff(dump(TEMPLATE), dump(changed))) == [
        "1 change at: Resources.Fn.Properties.MemorySize",
        "@@ Resources.Fn.Properties.MemorySize @@",
        '-        "MemorySize": 512,',
        '+        "MemorySize": 1024,',
    ]


def test_an_insertion_is_located_in_the_received_template():
    changed = json.loads(json.dumps(TEMPLATE))
    changed["Resources"]["Policy"]["Properties"]["Statement"][0]["Action"].append("s3:*")
    lines = list(template_diff(dump(TEMPLATE), dump(changed)))
    assert lines[0] == "1 change at: Resources.Policy.Properties.Statement[0].Action[1]"
    # The previous last element gains a comma: shown, under the insertion's path.
    assert lines[2:] == [
        '-              "s3:PutObject"',
        '+              "s3:PutObject",',
        '+              "s3:*"',
    ]


def test_context_lines_on_request_and_nothing_for_equal_text():
    changed = json.loads(json.dumps(TEMPLATE))
    changed["Resources"]["Fn"]["Type"] = "AWS::Serverless::Function"
    lines = list(template_diff(dump(TEMPLATE), dump(changed), context=1))
    assert lines[1] == "@@ Resources.Fn.Type @@"
    assert lines[2].startswith(" ") and lines[-1].startswith(" ")
    assert list(template_diff(dump(TEMPLATE), dump(TEMPLATE))) == []
