"""The wheel tags chosen for each runtime and architecture, and the installers' options."""

from __future__ import annotations

import doctest
import importlib
import sys
from pathlib import Path

import pytest

from best_lambda.bundling import BundleSettings, Target, UnsupportedTargetError
from best_lambda.bundling._build import _install_command


@pytest.mark.parametrize(
    ("runtime", "architecture", "system", "newest", "uv_platform", "oldest"),
    [
        ("python3.12", "arm64", "Amazon Linux 2023", "manylinux_2_34_aarch64",
         "aarch64-manylinux_2_34", "manylinux2014_aarch64"),
        ("python3.14", "arm64", "Amazon Linux 2023", "manylinux_2_34_aarch64",
         "aarch64-manylinux_2_34", "manylinux2014_aarch64"),
        ("python3.13", "x86_64", "Amazon Linux 2023", "manylinux_2_34_x86_64",
         "x86_64-manylinux_2_34", "manylinux1_x86_64"),
        ("python3.11", "arm64", "Amazon Linux 2", "manylinux_2_17_aarch64",
         "aarch64-manylinux2014", "manylinux2014_aarch64"),
        ("python3.9", "x86_64", "Amazon Linux 2", "manylinux_2_17_x86_64",
         "x86_64-manylinux2014", "manylinux1_x86_64"),
        # A runtime newer than this table: Amazon Linux 2023 or later; its wheels run there.
        ("python3.15", "arm64", "Amazon Linux 2023", "manylinux_2_34_aarch64",
         "aarch64-manylinux_2_34", "manylinux2014_aarch64"),
    ],
)  # fmt: skip
def test_platform_tags_per_runtime_and_architecture(
    runtime, architecture, system, newest, uv_platform, oldest
):
    target = Target.of(runtime, architecture)
    assert target.operating_system == system
    assert target.pip_platforms[0] == newest
    assert target.pip_platforms[-1] == oldest
    assert target.uv_platform == uv_platform
    assert target.python_tag == "cp3" + runtime.removeprefix("python3.")


def test_pip_gets_every_manylinux_tag_down_to_manylinux2014_on_arm64():
    """pip does not expand manylinux_2_34 to older tags itself: a manylinux_2_28 wheel
    (glibc 2.28, fine on glibc 2.34) would be refused without its own --platform."""
    platforms = Target.of("python3.12", "arm64").pip_platforms
    newer = [f"manylinux_2_{minor}_aarch64" for minor in range(34, 16, -1)]
    assert platforms == (*newer, "manylinux2014_aarch64")
    assert not any("x86_64" in p or "musllinux" in p for p in platforms)


def test_amazon_linux_2_x86_64_accepts_the_legacy_manylinux_names():
    platforms = Target.of("python3.11", "x86_64").pip_platforms
    assert "manylinux2014_x86_64" in platforms
    assert "manylinux2010_x86_64" in platforms
    assert "manylinux1_x86_64" in platforms
    assert "manylinux_2_5_x86_64" in platforms
    assert "manylinux_2_18_x86_64" not in platforms  # above Amazon Linux 2's manylinux2014


@pytest.mark.parametrize(
    ("runtime", "architecture", "fragment"),
    [
        ("nodejs22.x", "arm64", "needs a Python runtime"),
        ("python3.7", "arm64", "no longer runs it"),
        ("python3.12", "mips", "expected 'arm64' or 'x86_64'"),
    ],
)
def test_unsupported_targets_are_refused(runtime, architecture, fragment):
    with pytest.raises(UnsupportedTargetError, match=fragment):
        Target.of(runtime, architecture)


def test_pip_command_targets_the_platform_with_binary_wheels_only(tmp_path: Path):
    settings = BundleSettings(tmp_path, find_links=("/wheels",), no_index=True)
    target = Target.of("python3.12", "arm64")
    command, _ = _install_command("pip", None, settings, target, tmp_path / "out", tmp_path / "r")
    assert command[:4] == [sys.executable, "-m", "pip", "install"]
    assert "--only-binary=:all:" in command
    assert command[command.index("--python-version") + 1] == "3.12"
    assert command[command.index("--implementation") + 1] == "cp"
    given = [command[i + 1] for i, arg in enumerate(command) if arg == "--platform"]
    assert given == list(target.pip_platforms)
    assert "--no-compile" in command
    assert "--no-index" in command
    assert command[command.index("--find-links") + 1] == "/wheels"


def test_uv_command_targets_the_platform_and_never_downloads_a_python(tmp_path: Path):
    settings = BundleSettings(tmp_path)
    target = Target.of("python3.11", "arm64")
    command, _ = _install_command("uv", "uv", settings, target, tmp_path / "out", tmp_path / "r")
    assert command[:3] == ["uv", "pip", "install"]
    assert command[command.index("--python-platform") + 1] == "aarch64-manylinux2014"
    assert command[command.index("--python-version") + 1] == "3.11"
    assert command[command.index("--only-binary") + 1] == ":all:"
    assert "--no-python-downloads" in command


@pytest.mark.parametrize("installer", ["pip", "uv"])
def test_index_urls_travel_in_the_environment_not_the_command_line(tmp_path: Path, installer):
    """A token in an index URL must not be visible in the process list."""
    settings = BundleSettings(
        tmp_path,
        index_url="https://me:tok3n@pkgs.example.com/simple",
        extra_index_urls=("https://me:tok3n@mirror.example.com/simple",),
    )
    target = Target.of("python3.12", "arm64")
    command, env = _install_command(installer, "uv", settings, target, tmp_path, tmp_path / "r")
    assert not any("tok3n" in arg for arg in command)
    if installer == "pip":
        assert env["PIP_INDEX_URL"] == settings.index_url
        assert env["PIP_EXTRA_INDEX_URL"] == settings.extra_index_urls[0]
    else:
        assert env["UV_DEFAULT_INDEX"] == settings.index_url
        assert env["UV_INDEX"] == settings.extra_index_urls[0]
    assert "tok3n" not in settings.digest()


@pytest.mark.parametrize(
    "module",
    ["best_lambda.bundling", "best_lambda.bundling._platform", "best_lambda.bundling._build"],
)
def test_docstring_examples(module):
    outcome = doctest.testmod(importlib.import_module(module))
    assert outcome.attempted > 0
    assert outcome.failed == 0


def test_importing_the_bundler_loads_no_aws_cdk_lib():
    """Target, build() and the errors are pure Python: cheap for tools and scripts."""
    from tests.test_package import heavy_modules_after

    assert heavy_modules_after("import best_lambda.bundling", ("aws_cdk", "jsii")) == []
    loaded = heavy_modules_after("from best_lambda.bundling import PythonCode", ("aws_cdk", "jsii"))
    assert "aws_cdk" in loaded
