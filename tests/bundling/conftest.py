"""Offline, Docker-free fixtures for the bundling tests.

Every test here runs with a ``docker`` that records its arguments and fails, first on PATH
and named by ``CDK_DOCKER``: a test whose Python code (the bundler, pip, uv) ran Docker
fails. CDK's own Docker calls come from the jsii node process, which keeps the environment
it started with; test_no_docker.py checks those in a fresh process. Installers see no
configuration of this machine (pip.conf, PIP_*, uv.toml): only the wheelhouse each test
builds.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from tests.bundling.wheelhouse import write_wheel

HAS_UV = shutil.which("uv") is not None
needs_uv = pytest.mark.skipif(not HAS_UV, reason="uv is not installed")
#: Both installers where uv is present (it is in best-lambda[dev]), else pip alone.
INSTALLERS = ["pip", pytest.param("uv", marks=needs_uv)]

AARCH64_312 = "cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64"


def fake_docker(folder: Path) -> tuple[Path, Path]:
    """(a ``docker`` that logs its arguments and exits 1, the log it writes)."""
    folder.mkdir(parents=True, exist_ok=True)
    calls = folder / "calls.log"
    docker = folder / "docker"
    docker.write_text(f'#!/bin/sh\necho "docker $*" >> "{calls}"\nexit 1\n')
    docker.chmod(0o755)
    return docker, calls


@pytest.fixture(autouse=True)
def no_docker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A failing ``docker`` first on PATH; the test fails if anything ran it."""
    docker, calls = fake_docker(tmp_path / "fake-docker")
    monkeypatch.setenv("PATH", f"{docker.parent}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("CDK_DOCKER", str(docker))
    for name in list(os.environ):
        if name.startswith(("PIP_", "UV_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("UV_NO_CONFIG", "1")
    yield calls
    assert not calls.exists(), f"Docker was run: {calls.read_text()}"


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels for a small app, the AWS SDK, and packages without a wheel for arm64.

    orders-lib (pure) needs fastjson (compiled, arm64 and x86_64 wheels), requests and
    boto3; requests needs urllib3, which botocore needs too; boto3 pulls in botocore,
    s3transfer and jmespath, which nothing else needs.
    """
    house = tmp_path_factory.mktemp("wheelhouse")
    write_wheel(
        house,
        "orders-lib",
        requires=["fastjson>=1", "requests", "boto3>=1; python_version >= '3'"],
        files={
            "orders_lib/__init__.py": "def main():\n    return 0\n",
            "orders_lib/tests/test_orders.py": "def test(): pass\n",
            "orders_lib/__pycache__/__init__.cpython-312.pyc": b"\x00\x01",
        },
        console_scripts={"orders": "orders_lib:main"},
        license_text="MIT License\n",
    )
    for tag, machine in ((AARCH64_312, "aarch64"), ("cp312-cp312-manylinux_2_28_x86_64", "x86_64")):
        write_wheel(
            house,
            "fastjson",
            tag=tag,
            files={
                "fastjson/__init__.py": "",
                f"fastjson/_speed.cpython-312-{machine}-linux-gnu.so": b"\x7fELF" + b"\x00" * 64,
            },
        )
    write_wheel(house, "fastjson", tag="cp311-cp311-manylinux2014_aarch64")
    write_wheel(house, "requests", requires=["urllib3"])
    write_wheel(house, "urllib3")
    write_wheel(house, "boto3", requires=["botocore", "s3transfer", "jmespath"])
    write_wheel(house, "botocore", requires=["jmespath", "urllib3", "python-dateutil"])
    write_wheel(house, "s3transfer", requires=["botocore"])
    write_wheel(house, "jmespath")
    write_wheel(house, "python-dateutil", files={"dateutil/__init__.py": ""})
    # glibc 2.28: runs on Amazon Linux 2023 (python3.12+), not on Amazon Linux 2 (3.11).
    write_wheel(house, "modern", tag="cp39-abi3-manylinux_2_28_aarch64.manylinux_2_28_x86_64")
    write_wheel(house, "x86-only", tag="cp312-cp312-manylinux_2_17_x86_64")
    write_wheel(house, "app-with-x86-dep", requires=["x86-only"])
    # A dependency only arm64 needs: pip judges the marker for this (x86_64) machine.
    write_wheel(house, "graviton-lib", requires=['armdep; platform_machine == "aarch64"'])
    write_wheel(house, "armdep")
    return house


ProjectFactory = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    """``make_project("orders-lib\\n", name=...)``: a handler folder with requirements.txt."""

    def make(
        requirements: str | None = "orders-lib\n",
        *,
        name: str = "orders",
        root: Path | None = None,
        files: Mapping[str, str] | None = None,
    ) -> Path:
        project = (root or tmp_path) / name
        project.mkdir(parents=True)
        (project / "app.py").write_text(
            "import orders_lib\n\ndef handler(event, context):\n    return orders_lib.main()\n"
        )
        (project / "tests").mkdir()
        (project / "tests" / "test_app.py").write_text("def test_app(): pass\n")
        (project / "test_local.py").write_text("")
        (project / "conftest.py").write_text("")
        (project / ".env").write_text("DB_PASSWORD=hunter2\n")
        (project / "__pycache__").mkdir()
        (project / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"\x00")
        (project / "lib").mkdir()
        (project / "lib" / "helpers.py").write_text("X = 1\n")
        if requirements is not None:
            (project / "requirements.txt").write_text(requirements)
        for path, text in (files or {}).items():
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_text(text)
        return project

    return make


def tree(root: Path) -> list[str]:
    """Relative paths of every file under ``root``, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
