"""PythonCode inside CDK: local bundling only, the asset hash, the hand-off to functions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_lambda as lambda_
from aws_cdk.assertions import Annotations, Match

import best_lambda.bundling._code as code_module
from best_lambda.bundling import BundlingError, PythonCode, Target, raise_bundling_errors
from best_lambda.errors import InvalidPropsError
from best_lambda.rules.assets import AssetCatalog
from best_lambda.rules.lambda_.asset_size import RULE as ASSET_SIZE
from best_lambda.rules.model import Severity
from best_lambda.rules.options import CheckOptions
from tests.bundling.conftest import ProjectFactory, tree
from tests.conftest import make_app
from tests.rules.harness import TODAY, assert_compliant, assert_non_compliant, result

PY312 = lambda_.Runtime.PYTHON_3_12
PY311 = lambda_.Runtime.PYTHON_3_11
ARM = lambda_.Architecture.ARM_64
X86 = lambda_.Architecture.X86_64


def python_code(project: Path, wheelhouse: Path, **kwargs: Any) -> PythonCode:
    return PythonCode.from_project(project, find_links=[wheelhouse], no_index=True, **kwargs)


def function(
    stack: cdk.Stack, name: str, code: lambda_.Code, runtime=PY312, architecture=ARM
) -> lambda_.Function:
    return lambda_.Function(
        stack, name, code=code, handler="app.handler", runtime=runtime, architecture=architecture
    )


class HandOff(lambda_.Function):
    """What HardenedFunction does with its code: the contract this module offers."""

    def __init__(self, scope: cdk.Stack, construct_id: str, *, code: lambda_.Code, **kwargs):
        if isinstance(code, PythonCode):
            code = code.for_function(runtime=kwargs["runtime"], architecture=kwargs["architecture"])
        with raise_bundling_errors():
            super().__init__(scope, construct_id, code=code, handler="app.handler", **kwargs)


def synth(app: cdk.App, stack: str = "Test") -> tuple[dict, Path, AssetCatalog]:
    assembly = Path(app.synth().directory)
    template = json.loads((assembly / f"{stack}.template.json").read_text())
    return template, assembly, AssetCatalog.from_manifest(assembly / f"{stack}.assets.json")


def code_keys(template: dict) -> dict[str, str]:
    return {
        logical_id: resource["Properties"]["Code"]["S3Key"]
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Lambda::Function"
    }


def staged(assembly: Path, key: str) -> Path:
    return assembly / f"asset.{key.removesuffix('.zip')}"


def test_a_plain_function_with_an_explicit_target_ships_the_bundle(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    function(
        stack, "Orders", python_code(make_project(), wheelhouse, runtime=PY312, architecture=ARM)
    )
    template, assembly, catalog = synth(app)
    (key,) = code_keys(template).values()
    folder = staged(assembly, key)
    assert "orders_lib/__init__.py" in tree(folder)
    assert "fastjson/_speed.cpython-312-aarch64-linux-gnu.so" in tree(folder)
    assert not any(p.startswith(("boto3", "botocore", "s3transfer")) for p in tree(folder))
    assert not any("__pycache__" in p or "tests/" in p for p in tree(folder))
    assert_compliant(result(ASSET_SIZE, template, "Orders", assets=catalog))


def test_same_inputs_give_the_same_asset_hash_in_different_folders(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    keys = []
    for machine in ("a", "b"):
        root = tmp_path / machine / "some" / "deeper" / "checkout"
        app = make_app(root)
        stack = cdk.Stack(app, "Test")
        code = python_code(make_project(root=root), wheelhouse)
        HandOff(stack, "Orders", code=code, runtime=PY312, architecture=ARM)
        keys.append(code_keys(synth(app)[0]))
    assert keys[0] == keys[1]


def test_architecture_and_runtime_change_the_asset(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    code = python_code(make_project("fastjson\n"), wheelhouse)
    HandOff(stack, "Arm", code=code, runtime=PY312, architecture=ARM)
    HandOff(stack, "Intel", code=code, runtime=PY312, architecture=X86)
    HandOff(stack, "Al2", code=code, runtime=PY311, architecture=ARM)
    template, assembly, _ = synth(app)
    keys = code_keys(template)
    assert len(set(keys.values())) == 3
    contents = {k[:3]: tree(staged(assembly, v)) for k, v in keys.items()}
    assert "fastjson/_speed.cpython-312-aarch64-linux-gnu.so" in contents["Arm"]
    assert "fastjson/_speed.cpython-312-x86_64-linux-gnu.so" in contents["Int"]
    assert not any(p.endswith(".so") for p in contents["Al2"])


def test_functions_sharing_a_project_bundle_it_once(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path, monkeypatch: pytest.MonkeyPatch
):
    calls = []
    real_build = code_module.build
    monkeypatch.setattr(code_module, "build", lambda *a: calls.append(a) or real_build(*a))
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    code = python_code(make_project(), wheelhouse)
    for name in ("One", "Two", "Three"):
        HandOff(stack, name, code=code, runtime=PY312, architecture=ARM)
    keys = code_keys(synth(app)[0])
    assert len(calls) == 1
    assert len(set(keys.values())) == 1


def test_a_missing_wheel_is_the_bundling_error_itself_through_the_hand_off(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    code = python_code(make_project("app-with-x86-dep\n"), wheelhouse)
    with pytest.raises(BundlingError, match=r"^No wheel of x86-only \(required by app-with"):
        HandOff(stack, "Orders", code=code, runtime=PY312, architecture=ARM)


def test_a_missing_wheel_on_a_plain_function_still_says_which(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    """Without the hand-off, jsii wraps the message; it is still ours, with the asset path."""
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    code = python_code(make_project("x86-only\n"), wheelhouse, runtime=PY312, architecture=ARM)
    with pytest.raises(
        RuntimeError, match=r"Test/Orders/Code.*No wheel of x86-only for python3\.12"
    ):
        function(stack, "Orders", code)


def test_a_plain_function_without_a_target_is_told_what_to_pass(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    with pytest.raises(RuntimeError, match="pass runtime= and architecture= to from_project"):
        function(stack, "Orders", python_code(make_project(), wheelhouse))


def test_a_layer_is_refused_rather_than_laid_out_wrongly(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    code = python_code(make_project(), wheelhouse, runtime=PY312, architecture=ARM)
    with pytest.raises(RuntimeError, match="is for Lambda functions, not Test/Deps"):
        lambda_.LayerVersion(stack, "Deps", code=code)


def test_a_function_that_runs_elsewhere_than_bundled_for_fails_synthesis(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    code = python_code(make_project(), wheelhouse, runtime=PY312, architecture=ARM)
    fn = function(stack, "Orders", code, runtime=PY312, architecture=ARM)
    # e.g. an escape hatch or an Aspect changing the architecture after construction
    fn.node.default_child.add_property_override("Architectures", ["x86_64"])  # type: ignore[union-attr]
    fn.node.default_child.architectures = ["x86_64"]  # type: ignore[union-attr]
    with pytest.raises(
        RuntimeError,
        match=r"bundled .* for python3\.12 on arm64, but the function runs python3\.12 on x86_64",
    ):
        app.synth()


def test_hand_off_problems_and_target(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    code = python_code(make_project(), wheelhouse)
    assert code.target is None
    assert code.for_function(runtime=PY311, architecture=X86).target == Target.of(
        "python3.11", "x86_64"
    )
    (problem,) = code.problems_for(runtime=lambda_.Runtime.NODEJS_22_X, architecture=ARM)
    assert problem.prop == "code" and "needs a Python runtime" in problem.allowed
    pinned = python_code(make_project(name="pinned"), wheelhouse, runtime=PY312, architecture=ARM)
    assert pinned.for_function(runtime=PY312, architecture=ARM) is pinned
    (mismatch,) = pinned.problems_for(runtime=PY312, architecture=X86)
    assert "the function runs python3.12 on x86_64" in mismatch.allowed
    with pytest.raises(InvalidPropsError, match=r"PythonCode for python3\.12 on arm64"):
        pinned.for_function(runtime=PY312, architecture=X86)


def test_a_pinned_sdk_is_bundled_with_a_warning(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    code = python_code(make_project("orders-lib\nboto3\n"), wheelhouse)
    HandOff(stack, "Orders", code=code, runtime=PY312, architecture=ARM)
    Annotations.from_stack(stack).has_warning(
        "/Test/Orders", Match.string_like_regexp("boto3 is listed in requirements.txt and bundled")
    )
    template, _, catalog = synth(app)
    outcome = result(ASSET_SIZE, template, "Orders", assets=catalog)
    assert_non_compliant(outcome, "[BundledSdk]")


def test_the_asset_size_rule_agrees_with_the_budget(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    """The bundler's budget and BestLambda-AssetSize measure the same bytes."""
    project = make_project(files={"model.bin": "x" * 20_000})
    app = make_app(tmp_path / "ok")
    HandOff(
        cdk.Stack(app, "Test"),
        "Orders",
        code=python_code(project, wheelhouse),
        runtime=PY312,
        architecture=ARM,
    )
    template, _, catalog = synth(app)
    (key,) = code_keys(template).values()
    size = catalog.lookup(key).unzipped_bytes  # type: ignore[union-attr]
    assert size > 20_000
    budget = size - 1
    options = CheckOptions(today=TODAY, asset_warning_bytes=budget, asset_error_bytes=budget)
    outcome = result(ASSET_SIZE, template, "Orders", assets=catalog, options=options)
    assert_non_compliant(outcome, "exceeds")
    assert outcome.findings[0].severity is Severity.ERROR
    over = make_app(tmp_path / "over")
    with pytest.raises(
        BundlingError,
        match=f"is {size:,} bytes unzipped, over the budget max_unzipped_bytes={budget:,}",
    ):
        HandOff(
            cdk.Stack(over, "Test"),
            "Orders",
            code=python_code(project, wheelhouse, max_unzipped_bytes=budget),
            runtime=PY312,
            architecture=ARM,
        )
    at_budget = CheckOptions(today=TODAY, asset_warning_bytes=size, asset_error_bytes=size)
    assert_compliant(result(ASSET_SIZE, template, "Orders", assets=catalog, options=at_budget))


def test_asset_metadata_for_sam_local_is_kept(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    app.node.set_context("aws:cdk:enable-asset-metadata", True)
    stack = cdk.Stack(app, "Test")
    HandOff(
        stack,
        "Orders",
        code=python_code(make_project(), wheelhouse),
        runtime=PY312,
        architecture=ARM,
    )
    template, _, _ = synth(app)
    (resource,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"
    ]
    assert resource["Metadata"]["aws:asset:property"] == "Code"
    assert resource["Metadata"]["aws:asset:path"].startswith("asset.")


def test_every_invalid_argument_is_reported_at_once(tmp_path: Path):
    with pytest.raises(InvalidPropsError) as caught:
        PythonCode.from_project(
            tmp_path / "missing",
            requirements="reqs.txt",
            installer="poetry",
            index_url="pkgs.example.com",
            find_links=[tmp_path / "nowhere"],
            max_unzipped_bytes=300_000_000,
            exclude="tests",  # type: ignore[arg-type]
            runtime=PY312,
        )
    props = [p.prop for p in caught.value.problems]
    assert props == [
        "path",
        "requirements",
        "installer",
        "find_links",
        "index_url",
        "max_unzipped_bytes",
        "exclude",
        "runtime / architecture",
    ]
    assert "pkgs.example.com" not in str(caught.value)  # URLs are never echoed
