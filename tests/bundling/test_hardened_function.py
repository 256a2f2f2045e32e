"""HardenedFunction (and every construct built on it) builds PythonCode for itself."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest

from best_lambda import HardenedFunction, HardenedFunctionOptions, InvalidPropsError, QueueConsumer
from tests.bundling.conftest import ProjectFactory, tree
from tests.bundling.test_code import ARM, PY312, X86, code_keys, python_code, staged, synth
from tests.conftest import make_app


def test_the_function_builds_the_code_for_its_own_runtime_and_architecture(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    project = make_project("fastjson\n")
    HardenedFunction(
        stack, "Arm", code=python_code(project, wheelhouse), handler="app.handler", runtime=PY312
    )
    HardenedFunction(
        stack,
        "Intel",
        code=python_code(project, wheelhouse),
        handler="app.handler",
        runtime=PY312,
        architecture=X86,
    )
    template, assembly, _ = synth(app)
    contents = {k[:3]: tree(staged(assembly, v)) for k, v in code_keys(template).items()}
    assert "fastjson/_speed.cpython-312-aarch64-linux-gnu.so" in contents["Arm"]  # the default
    assert "fastjson/_speed.cpython-312-x86_64-linux-gnu.so" in contents["Int"]


def test_a_trigger_construct_hands_it_on(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    app = make_app(tmp_path)
    stack = cdk.Stack(app, "Test")
    QueueConsumer(
        stack,
        "Worker",
        function_options=HardenedFunctionOptions(
            code=python_code(make_project("fastjson\n"), wheelhouse),
            handler="app.handler",
            runtime=PY312,
        ),
    )
    template, assembly, _ = synth(app)
    ((_, key),) = code_keys(template).items()
    assert "fastjson/_speed.cpython-312-aarch64-linux-gnu.so" in tree(staged(assembly, key))


def test_code_built_for_another_platform_is_one_clear_error(
    tmp_path: Path, make_project: ProjectFactory, wheelhouse: Path
):
    stack = cdk.Stack(make_app(tmp_path), "Test")
    code = python_code(make_project(), wheelhouse, runtime=PY312, architecture=X86)
    with pytest.raises(InvalidPropsError) as caught:
        HardenedFunction(
            stack,
            "Fn",
            code=code,
            handler="app.handler",
            runtime=PY312,
            architecture=ARM,
            memory_size=64,
        )
    problems = [p.prop for p in caught.value.problems]
    assert problems == ["memory_size", "code"], caught.value  # with the others, at once
    assert stack.node.try_find_child("Fn") is None
