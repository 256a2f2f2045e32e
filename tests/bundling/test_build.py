"""Real installs (pip and uv) from a local wheelhouse: what the bundle holds, and the errors."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from best_lambda.bundling import BundleSettings, BundlingError, Target, build
from best_lambda.rules.assets import AssetCatalog
from tests.bundling.conftest import INSTALLERS, ProjectFactory, needs_uv, tree

ARM_312 = Target.of("python3.12", "arm64")


def settings(project: Path, wheelhouse: Path, **kwargs: object) -> BundleSettings:
    return BundleSettings(
        project.absolute(), find_links=(str(wheelhouse),), no_index=True, **kwargs
    )  # type: ignore[arg-type]


def content_hash(root: Path) -> str:
    """Paths and contents, as CDK's asset fingerprint sees a folder."""
    digest = hashlib.sha256()
    for relative in tree(root):
        digest.update(relative.encode() + b"\0" + (root / relative).read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.mark.parametrize("installer", INSTALLERS)
def test_bundle_holds_the_code_and_its_wheels_without_sdk_caches_tests_or_bookkeeping(
    installer, make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    out = tmp_path / "out"
    report = build(settings(make_project(), wheelhouse, installer=installer), ARM_312, out)
    assert tree(out) == [
        "app.py",
        "fastjson-1.0.dist-info/METADATA",
        "fastjson/__init__.py",
        "fastjson/_speed.cpython-312-aarch64-linux-gnu.so",
        "lib/helpers.py",
        "orders_lib-1.0.dist-info/METADATA",
        "orders_lib-1.0.dist-info/entry_points.txt",
        "orders_lib-1.0.dist-info/licenses/LICENSE",
        "orders_lib/__init__.py",
        "requests-1.0.dist-info/METADATA",
        "requests/__init__.py",
        "urllib3-1.0.dist-info/METADATA",
        "urllib3/__init__.py",
    ]
    assert report.installer == installer
    assert report.packages == ("fastjson==1.0", "orders-lib==1.0", "requests==1.0", "urllib3==1.0")
    assert report.left_out == ("boto3", "botocore", "jmespath", "python-dateutil", "s3transfer")
    assert report.pinned_sdk == ()
    assert report.files == 13


def test_modes_do_not_depend_on_the_umask(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project()
    (project / "app.py").chmod(0o600)
    (project / "run.sh").write_text("#!/bin/sh\n")
    (project / "run.sh").chmod(0o700)
    out = tmp_path / "out"
    build(settings(project, wheelhouse, installer="pip"), ARM_312, out)
    assert (out / "app.py").stat().st_mode & 0o777 == 0o644  # Lambda must be able to read it
    assert (out / "run.sh").stat().st_mode & 0o777 == 0o755
    assert (out / "fastjson").stat().st_mode & 0o777 == 0o755


def test_two_builds_in_different_folders_are_identical(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    """Nothing machine-specific survives: absolute paths, timestamps, installer files."""
    outputs = []
    for n in (1, 2):
        here = tmp_path / f"machine{n}"
        house = shutil.copytree(wheelhouse, here / "wheels")
        project = make_project(root=here)
        os.utime(project / "app.py", (n * 1e8, n * 1e8))
        out = here / "cdk.out" / "bundle"
        build(settings(project, house, installer="pip"), ARM_312, out)
        outputs.append(out)
    assert content_hash(outputs[0]) == content_hash(outputs[1])
    assert not any(
        str(tmp_path).encode() in p.read_bytes() for p in outputs[0].rglob("*") if p.is_file()
    )


@needs_uv
def test_pip_and_uv_build_the_same_bundle(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project()
    build(settings(project, wheelhouse, installer="pip"), ARM_312, tmp_path / "pip")
    build(settings(project, wheelhouse, installer="uv"), ARM_312, tmp_path / "uv")
    assert tree(tmp_path / "pip") == tree(tmp_path / "uv")
    assert content_hash(tmp_path / "pip") == content_hash(tmp_path / "uv")


def test_keep_metadata_false_keeps_only_licences(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    out = tmp_path / "out"
    build(settings(make_project(), wheelhouse, keep_metadata=False), ARM_312, out)
    assert [p for p in tree(out) if ".dist-info" in p] == [
        "orders_lib-1.0.dist-info/licenses/LICENSE"
    ]


@pytest.mark.parametrize("installer", INSTALLERS)
def test_a_pinned_sdk_is_kept(
    installer, make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    out = tmp_path / "out"
    project = make_project("orders-lib\nboto3\n")
    report = build(settings(project, wheelhouse, installer=installer), ARM_312, out)
    assert report.pinned_sdk == ("boto3",)
    assert report.left_out == ()
    assert {"boto3/__init__.py", "botocore/__init__.py", "s3transfer/__init__.py"} <= set(tree(out))


@pytest.mark.parametrize("installer", INSTALLERS)
@pytest.mark.parametrize(
    ("runtime", "architecture", "installs"),
    [
        ("python3.12", "arm64", True),  # Amazon Linux 2023: glibc 2.34 >= 2.28
        ("python3.12", "x86_64", True),
        ("python3.11", "arm64", False),  # Amazon Linux 2: manylinux2014 only
    ],
)
def test_the_glibc_of_the_runtime_decides_which_wheels_install(
    installer, runtime, architecture, installs, make_project, wheelhouse, tmp_path
):
    project = make_project("modern\n")
    target = Target.of(runtime, architecture)
    options = settings(project, wheelhouse, installer=installer)
    if installs:
        assert build(options, target, tmp_path / "out").packages == ("modern==1.0",)
    else:
        with pytest.raises(BundlingError, match=r"No wheel of modern for python3\.11 on arm64"):
            build(options, target, tmp_path / "out")


@pytest.mark.parametrize("installer", INSTALLERS)
def test_the_architecture_decides_which_compiled_wheel_installs(
    installer, make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project("fastjson\n")
    options = settings(project, wheelhouse, installer=installer)
    build(options, Target.of("python3.12", "x86_64"), tmp_path / "x86")
    build(options, Target.of("python3.11", "arm64"), tmp_path / "al2")
    assert "fastjson/_speed.cpython-312-x86_64-linux-gnu.so" in tree(tmp_path / "x86")
    assert (tmp_path / "al2" / "fastjson-1.0.dist-info").is_dir()  # the cp311 wheel
    assert not any(p.endswith(".so") for p in tree(tmp_path / "al2"))


@pytest.mark.parametrize("installer", INSTALLERS)
def test_a_dependency_without_a_wheel_for_the_platform_is_one_clear_error(
    installer, make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project("app-with-x86-dep\n")
    with pytest.raises(BundlingError) as caught:
        build(settings(project, wheelhouse, installer=installer), ARM_312, tmp_path / "out")
    message = str(caught.value)
    assert message.startswith("No wheel of x86-only (required by app-with-x86-dep) for python3.12")
    assert "manylinux_2_34_aarch64" in message
    assert 'pass find_links=["wheels"]' in message
    assert "architecture=Architecture.X86_64" in message
    assert caught.value.package == "x86-only"
    assert "ERROR:" not in message and "Traceback" not in message


@pytest.mark.skipif(
    __import__("platform").machine() == "aarch64", reason="the marker holds on this machine"
)
def test_a_dependency_pip_skips_by_judging_markers_for_this_machine_is_an_error(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    """pip evaluates platform_machine for the build machine: armdep would silently be missing."""
    project = make_project('graviton-lib\narmdep; platform_machine == "aarch64"\n')
    with pytest.raises(BundlingError) as caught:
        build(settings(project, wheelhouse, installer="pip"), ARM_312, tmp_path / "pip")
    message = str(caught.value)
    assert "pip judged environment markers for this machine" in message
    assert '  - graviton-lib: armdep; platform_machine == "aarch64"' in message
    assert '  - requirements.txt: armdep; platform_machine == "aarch64"' in message
    assert "install uv" in message


@needs_uv
def test_uv_judges_markers_for_the_function(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project("graviton-lib\n")
    report = build(settings(project, wheelhouse, installer="uv"), ARM_312, tmp_path / "uv")
    assert report.packages == ("armdep==1.0", "graviton-lib==1.0")


def test_an_unrelated_installer_failure_shows_the_installers_reason(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project("orders-lib\nrequests==9.9 ; python_version >= '3'\n")
    with pytest.raises(BundlingError) as caught:
        build(settings(project, wheelhouse, installer="pip"), ARM_312, tmp_path / "out")
    assert "No wheel of requests==9.9" in str(caught.value)
    assert "Versions with a wheel for this platform: 1.0" in str(caught.value)


def test_credentials_in_an_index_url_never_appear_in_an_error(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project("does-not-exist\n")
    options = settings(
        project, wheelhouse, index_url="https://ci:s3cr3t-t0ken@pkgs.example.com/simple"
    )
    with pytest.raises(BundlingError) as caught:
        build(options, ARM_312, tmp_path / "out")
    assert "s3cr3t" not in str(caught.value)
    assert (
        BundlingError("see https://ci:s3cr3t@host/simple").args[0] == "see https://****@host/simple"
    )


def test_over_the_budget_is_an_error_that_names_the_largest_parts(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project()
    (project / "data.bin").write_bytes(b"x" * 5_000)
    out = tmp_path / "out"
    with pytest.raises(BundlingError) as caught:
        build(settings(project, wheelhouse, max_unzipped_bytes=4_000), ARM_312, out)
    message = str(caught.value)
    assert "over the budget max_unzipped_bytes=4,000" in message
    assert "Largest: data.bin 0.0 MB" in message


def test_size_is_measured_as_best_lambda_asset_size_measures_it(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    out = tmp_path / "out"
    report = build(settings(make_project(), wheelhouse), ARM_312, out)
    measured = AssetCatalog({"key.zip": out}).lookup("key.zip")
    assert measured is not None
    assert report.unzipped_bytes == measured.unzipped_bytes
    assert not measured.bundles_boto3


def test_project_files_that_clash_with_installed_ones_are_an_error(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project(files={"requests/__init__.py": "# vendored\n"})
    with pytest.raises(
        BundlingError, match=r"same path as files installed .*: requests/__init__\.py"
    ):
        build(settings(project, wheelhouse), ARM_312, tmp_path / "out")


def test_excluded_project_files_and_extra_patterns(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project(None, files={"docs/index.md": "", "lib/fixtures/big.json": "{}"})
    out = tmp_path / "out"
    report = build(settings(project, wheelhouse, exclude=("docs", "lib/fixtures")), ARM_312, out)
    assert tree(out) == ["app.py", "lib/helpers.py"]
    assert report.installer == "none"


def test_pyproject_dependencies_are_installed(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    project = make_project(None)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "orders"\nversion = "1"\ndependencies = ["requests"]\n'
    )
    report = build(settings(project, wheelhouse), ARM_312, tmp_path / "out")
    assert report.packages == ("requests==1.0", "urllib3==1.0")
    assert "pyproject.toml" not in tree(tmp_path / "out")


@needs_uv
def test_a_uv_lock_is_installed_as_locked(
    make_project: ProjectFactory, wheelhouse: Path, tmp_path: Path
):
    import subprocess

    project = make_project(None)
    (project / "pyproject.toml").write_text(
        '[project]\nname = "orders"\nversion = "1"\nrequires-python = ">=3.11"\n'
        'dependencies = ["requests", "boto3"]\n'
    )
    subprocess.run(
        ["uv", "lock", "--no-index", "--find-links", str(wheelhouse), "--offline", "--quiet"],
        cwd=project,
        check=True,
    )
    report = build(settings(project, wheelhouse, installer="uv"), ARM_312, tmp_path / "out")
    assert report.dependency_file == project / "uv.lock"
    assert report.pinned_sdk == ("boto3",)  # declared in pyproject.toml
    assert "requests==1.0" in report.packages
    assert "uv.lock" not in tree(tmp_path / "out")
