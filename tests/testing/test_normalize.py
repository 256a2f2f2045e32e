"""normalized(): what is replaced, what is dropped, what is kept, and that it is stable."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_lambda as lambda_

from best_lambda import HardenedFunction
from best_lambda.testing import TemplateSnapshotExtension, normalized, template_of
from tests.conftest import make_app

HASH_A = "a" * 64
HASH_B = "0123456789abcdef" * 4
VERSION = "FnCurrentVersion17A89ABB27c9faed5fb8252cc6e07049d7fd773c"


def cdk_like_template() -> dict[str, Any]:
    """What `cdk synth` writes for a function with an asset, a version and an alias."""
    return {
        "Parameters": {
            "BootstrapVersion": {"Type": "AWS::SSM::Parameter::Value<String>"},
            "Stage": {"Type": "String"},
        },
        "Rules": {"CheckBootstrapVersion": {"Assertions": []}},
        "Conditions": {"CDKMetadataAvailable": {"Fn::Equals": ["a", "a"]}},
        "Resources": {
            "Fn9270CBC0": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Code": {"S3Bucket": "cdk-assets", "S3Key": f"{HASH_A}.zip"},
                    "Layers": [{"Ref": "Layer"}],
                },
                "Metadata": {
                    "aws:cdk:path": "Service/Fn/Resource",
                    "aws:asset:path": f"asset.{HASH_A}",
                    "aws:asset:property": "Code",
                    "cdk_nag": {"rules_to_suppress": [{"id": "AwsSolutions-L1"}]},
                },
            },
            "Layer": {
                "Type": "AWS::Lambda::LayerVersion",
                "Properties": {"Content": {"S3Key": f"{HASH_B}.zip"}},
                "Metadata": {"aws:cdk:path": "Service/Layer/Resource"},
            },
            VERSION: {
                "Type": "AWS::Lambda::Version",
                "Properties": {"FunctionName": {"Ref": "Fn9270CBC0"}},
            },
            "Live848578DF": {
                "Type": "AWS::Lambda::Alias",
                "DependsOn": [VERSION],
                "Properties": {
                    "FunctionVersion": {"Fn::GetAtt": [VERSION, "Version"]},
                    "Description": {"Fn::Sub": "${" + VERSION + ".Version}"},
                },
            },
            "CDKMetadata": {"Type": "AWS::CDK::Metadata", "Condition": "CDKMetadataAvailable"},
        },
    }


def test_replaces_asset_hashes_with_numbered_placeholders():
    result = normalized(cdk_like_template(), keep_metadata=True)
    function = result["Resources"]["Fn9270CBC0"]
    layer = result["Resources"]["Layer"]
    # Numbered by first appearance in the key-sorted template; one hash, one placeholder.
    assert function["Properties"]["Code"]["S3Key"] == "<asset-1>.zip"
    assert function["Metadata"]["aws:asset:path"] == "asset.<asset-1>"
    assert layer["Properties"]["Content"]["S3Key"] == "<asset-2>.zip"


def test_numbering_does_not_depend_on_hash_values():
    edited = json.loads(json.dumps(cdk_like_template()).replace(HASH_A, "f" * 64))
    assert normalized(edited) == normalized(cdk_like_template())


def test_content_hashed_logical_ids_become_stable_everywhere_they_are_used():
    result = normalized(cdk_like_template())
    stable = "FnCurrentVersion17A89ABB<hash>"
    assert VERSION not in json.dumps(result)
    alias = result["Resources"]["Live848578DF"]
    assert stable in result["Resources"]
    assert alias["DependsOn"] == [stable]
    assert alias["Properties"]["FunctionVersion"] == {"Fn::GetAtt": [stable, "Version"]}
    assert alias["Properties"]["Description"] == {"Fn::Sub": "${" + stable + ".Version}"}


def test_drops_cdk_bookkeeping_and_keeps_everything_else():
    result = normalized(cdk_like_template())
    assert result["Parameters"] == {"Stage": {"Type": "String"}}
    assert "Rules" not in result
    assert "Conditions" not in result
    assert "CDKMetadata" not in result["Resources"]
    # CDK's own metadata goes; other tools' metadata is part of what a reviewer reviews.
    assert result["Resources"]["Fn9270CBC0"]["Metadata"] == {
        "cdk_nag": {"rules_to_suppress": [{"id": "AwsSolutions-L1"}]}
    }
    assert "Metadata" not in result["Resources"]["Layer"]


def test_knobs_keep_what_they_name():
    original = cdk_like_template()
    kept = normalized(original, keep_hashes=True, keep_metadata=True, keep_bootstrap=True)
    assert kept == original
    assert list(kept) == sorted(kept)
    assert "BootstrapVersion" in normalized(original, keep_bootstrap=True)["Parameters"]
    assert "CDKMetadata" in normalized(original, keep_metadata=True)["Resources"]
    assert VERSION in normalized(original, keep_hashes=True)["Resources"]


def test_is_idempotent_and_leaves_its_input_alone():
    original = cdk_like_template()
    before = copy.deepcopy(original)
    once = normalized(original)
    assert original == before
    assert normalized(once) == once


def test_sorts_keys_at_every_level():
    text = json.dumps(normalized(cdk_like_template()))
    assert text == json.dumps(json.loads(text), sort_keys=True)


def test_ids_that_only_look_hashed_are_kept():
    template = {
        "Resources": {
            # CDK singleton functions: a UUID followed by an upper-case path hash.
            "AWS679f53fac002430cb0da5b7982bd22872D164C4C": {"Type": "AWS::Lambda::Function"},
            "Queue4A7E3555": {"Type": "AWS::SQS::Queue"},
        }
    }
    assert normalized(template)["Resources"].keys() == template["Resources"].keys()


def test_asset_numbers_do_not_move_when_one_of_two_identical_assets_changes():
    """Two functions with the same code; a comment added to one must not renumber the other."""

    def two_functions(first: str, second: str) -> dict[str, Any]:
        return {
            "Resources": {
                name: {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {"Code": {"S3Key": f"{digest}.zip"}},
                    "Metadata": {"aws:asset:path": f"asset.{digest}"},
                }
                for name, digest in (("ApiHandlerA1B2C3D4", first), ("WorkerE5F6A7B8", second))
            }
        }

    def keys(template: dict[str, Any]) -> dict[str, str]:
        resources = normalized(template, keep_metadata=True)["Resources"]
        return {
            name: f"{r['Properties']['Code']['S3Key']} {r['Metadata']['aws:asset:path']}"
            for name, r in resources.items()
        }

    same = keys(two_functions(HASH_A, HASH_A))
    assert same == {
        "ApiHandlerA1B2C3D4": "<asset-1>.zip asset.<asset-1>",
        "WorkerE5F6A7B8": "<asset-2>.zip asset.<asset-2>",
    }
    assert keys(two_functions(HASH_B, HASH_A)) == same  # the first one's code changed
    assert keys(two_functions(HASH_A, HASH_B)) == same  # the second one's code changed


@pytest.mark.parametrize("bad", [None, [], "template.json", {"Resources": []}, {"Outputs": {}}])
def test_rejects_what_is_not_a_template(bad: Any):
    with pytest.raises(TypeError, match="CloudFormation template"):
        normalized(bad)


# -- the promise, end to end: edit a handler, the snapshot does not move ------------------
def service_template(tmp_path: Path, handler: Path, memory: int = 512) -> dict[str, Any]:
    """A service with every kind of asset-derived churn: S3 key, version, API deployment."""
    app = make_app(tmp_path)
    # What the CDK CLI turns on: construct paths and asset folders in resource metadata.
    app.node.set_context("aws:cdk:enable-path-metadata", True)
    app.node.set_context("aws:cdk:enable-asset-metadata", True)
    stack = cdk.Stack(app, "Service")
    function = HardenedFunction(
        stack,
        "Fn",
        code=lambda_.Code.from_asset(str(handler)),
        handler="index.handler",
        memory_size=memory,
        dead_letter_queue_enabled=False,
    )
    live = lambda_.Alias(stack, "Live", alias_name="live", version=function.current_version)
    apigateway.LambdaRestApi(stack, "Api", handler=live, cloud_watch_role=False)
    return template_of(stack)


def test_snapshot_is_byte_identical_when_only_a_handler_changes(tmp_path: Path):
    handler = tmp_path / "handler"
    handler.mkdir()
    (handler / "index.py").write_text("def handler(event, context):\n    return 1\n")
    before = service_template(tmp_path / "one", handler)
    (handler / "index.py").write_text("def handler(event, context):\n    return 2\n")
    after = service_template(tmp_path / "two", handler)

    # The raw templates do differ, in every place a hash hides...
    changed = before["Resources"].keys() ^ after["Resources"].keys()
    assert any("CurrentVersion" in k for k in changed)
    assert json.dumps(before) != json.dumps(after)
    # ...and the snapshots do not.
    extension = TemplateSnapshotExtension()
    snap_before = extension.serialize(normalized(before))
    assert snap_before == extension.serialize(normalized(after))
    assert "<asset-1>.zip" in snap_before
    assert "aws:cdk:path" not in snap_before
    # API Gateway deployments carry a content hash in their logical ID too.
    assert any(
        k.startswith("ApiDeployment") and k.endswith("<hash>")
        for k in normalized(after)["Resources"]
    )


def test_snapshot_shows_a_real_change(tmp_path: Path):
    handler = tmp_path / "handler"
    handler.mkdir()
    (handler / "index.py").write_text("def handler(event, context):\n    return 1\n")
    extension = TemplateSnapshotExtension()
    small = extension.serialize(normalized(service_template(tmp_path / "a", handler)))
    large = extension.serialize(normalized(service_template(tmp_path / "b", handler, 1024)))
    removed = [line.strip() for line in small.splitlines() if line not in large.splitlines()]
    added = [line.strip() for line in large.splitlines() if line not in small.splitlines()]
    # The memory size is the whole diff: the new version's renamed logical ID is not.
    assert '"MemorySize": 512,' in removed
    assert '"MemorySize": 1024,' in added
    assert all("MemorySize" in line for line in removed + added)
