"""Which dependency file a project uses, and which names it declares directly."""

from __future__ import annotations

from pathlib import Path

import pytest

from best_lambda.bundling._requirements import DependencyFile, find_dependency_file


def test_declared_names_in_a_requirements_file(tmp_path: Path):
    (tmp_path / "base.txt").write_text("Requests[socks]>=2 ; python_version >= '3.8'\n")
    (tmp_path / "requirements.txt").write_text(
        "# the SDK, pinned on purpose\n"
        "boto3==1.35.0 --hash=sha256:abc \\\n"
        "    --hash=sha256:def\n"
        "-r base.txt\n"
        "--requirement=base.txt\n"
        "-c constraints.txt\n"
        "--index-url https://pypi.example.com/simple\n"
        "Pydantic_Core~=2.0  # compiled\n"
        "orders-lib @ https://example.com/orders_lib-1.0-py3-none-any.whl\n"
        "https://example.com/archive.zip#egg=Vendored.Pkg\n"
        "-e ./libs/local#egg=local_lib\n"
        "./wheels/unnamed-1.0-py3-none-any.whl\n"
    )
    declared = DependencyFile("requirements", tmp_path / "requirements.txt").declared()
    assert declared == {
        "boto3",
        "requests",
        "pydantic-core",
        "orders-lib",
        "vendored-pkg",
        "local-lib",
    }


def test_a_requirements_file_with_only_options_installs_nothing(tmp_path: Path):
    (tmp_path / "requirements.txt").write_text("# nothing yet\n--index-url https://x/simple\n")
    assert DependencyFile("requirements", tmp_path / "requirements.txt").is_empty()


def test_pyproject_dependencies(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "orders"\nversion = "1"\ndependencies = ["requests>=2", "boto3"]\n'
    )
    found = find_dependency_file(tmp_path, None)
    assert found == DependencyFile("pyproject", tmp_path / "pyproject.toml")
    assert found.declared() == {"requests", "boto3"}
    written = found.requirements_file(tmp_path, None).read_text()
    assert written.splitlines() == ["requests>=2", "boto3"]


def test_a_pyproject_without_a_project_table_has_no_dependencies(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    found = find_dependency_file(tmp_path, None)
    assert found is not None and found.is_empty()


def test_dynamic_dependencies_are_refused_with_the_fix(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1"\ndynamic = ["dependencies"]\n'
    )
    with pytest.raises(ValueError, match="dynamic; write them out, or pass requirements="):
        DependencyFile("pyproject", tmp_path / "pyproject.toml").declared()


def test_requirements_txt_comes_first_then_uv_lock_then_pyproject(tmp_path: Path):
    assert find_dependency_file(tmp_path, None) is None
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n')
    assert find_dependency_file(tmp_path, None).kind == "pyproject"
    (tmp_path / "uv.lock").write_text("version = 1\n")
    assert find_dependency_file(tmp_path, None).kind == "uv.lock"
    (tmp_path / "requirements.txt").write_text("requests\n")
    assert find_dependency_file(tmp_path, None).kind == "requirements"
    chosen = tmp_path / "requirements" / "prod.txt"
    assert find_dependency_file(tmp_path, chosen) == DependencyFile("requirements", chosen)


def test_a_uv_lock_without_uv_says_how_to_fix_it(tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n')
    (tmp_path / "uv.lock").write_text("version = 1\n")
    with pytest.raises(FileNotFoundError, match="pip install uv"):
        DependencyFile("uv.lock", tmp_path / "uv.lock").requirements_file(tmp_path, None)
