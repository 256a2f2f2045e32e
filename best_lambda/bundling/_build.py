"""Build a Lambda bundle: a Python project's files plus its requirements as wheels.

The requirements are installed from binary wheels for the function's platform; no Docker,
no aws-cdk-lib.

:func:`build` is what :class:`~best_lambda.bundling.PythonCode` runs inside CDK's local
bundling; it can also be called on its own (the benchmark does).
"""

from __future__ import annotations

import fnmatch
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from best_lambda.bundling import _tree
from best_lambda.bundling._markers import skipped_by_pip
from best_lambda.bundling._platform import Target
from best_lambda.bundling._requirements import DependencyFile, find_dependency_file
from best_lambda.defaults import bundling as _defaults
from best_lambda.limits import PYTHON_RUNTIME_SDK_PACKAGES, UNZIPPED_CODE_MAX_BYTES

__all__ = ["BundleReport", "BundleSettings", "BundlingError", "build", "redact"]

_MB = 1_000_000
_CREDENTIALS = re.compile(r"(?<=://)[^/@\s]+@")


def redact(text: str) -> str:
    """``https://user:token@host/simple`` -> ``https://****@host/simple``.

    Examples
    --------
    >>> redact("index https://me:s3cr3t@pkgs.example.com/simple")
    'index https://****@pkgs.example.com/simple'
    """
    return _CREDENTIALS.sub("****@", text)


class BundlingError(Exception):
    """A bundle could not be built; the message says why and how to fix it.

    Parameters
    ----------
    message
        The explanation (credentials in URLs are redacted).
    package
        The distribution that has no wheel for the target, when that is the cause.
    """

    def __init__(self, message: str, *, package: str | None = None):
        super().__init__(redact(message))
        self.package = package


@dataclass(frozen=True)
class BundleSettings:
    """How a project is bundled; see :meth:`PythonCode.from_project` for each field."""

    project: Path
    requirements: Path | None = None
    installer: str = _defaults.INSTALLER
    index_url: str | None = None
    extra_index_urls: tuple[str, ...] = ()
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    exclude: tuple[str, ...] = ()
    keep_metadata: bool = _defaults.KEEP_METADATA
    max_unzipped_bytes: int = _defaults.MAX_UNZIPPED_BYTES

    def digest(self) -> str:
        """Stable hash of the settings: separates CDK's bundling cache entries.

        Index URLs may hold credentials: they are hashed, never shown.
        """
        fields = {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]

    def dependency_file(self) -> DependencyFile | None:
        """The file the requirements come from, or None for a project without any."""
        return find_dependency_file(self.project, self.requirements)


@dataclass(frozen=True)
class BundleReport:
    """What :func:`build` produced."""

    target: Target
    installer: str
    dependency_file: Path | None
    packages: tuple[str, ...]
    left_out: tuple[str, ...]
    pinned_sdk: tuple[str, ...]
    files: int
    unzipped_bytes: int
    seconds: float
    sizes: Mapping[str, int] = field(default_factory=dict, repr=False)

    def summary(self) -> str:
        """One line for the synth log."""
        left = f", left out {', '.join(self.left_out)}" if self.left_out else ""
        return (
            f"{len(self.packages)} package(s) via {self.installer}, {self.files} files, "
            f"{self.unzipped_bytes / _MB:.1f} MB unzipped{left} [{self.seconds:.1f} s]"
        )


def _find_uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    return shutil.which("uv") or (str(beside) if beside.is_file() else None)


def _choose_installer(choice: str) -> tuple[str, str | None]:
    """(``"uv"`` or ``"pip"``, the uv executable if any)."""
    uv = _find_uv()
    if choice == "uv" and uv is None:
        raise BundlingError(
            "installer='uv' but uv is not on PATH: pip install uv, or pass installer='pip'"
        )
    if choice in ("uv", "auto") and uv is not None:
        return "uv", uv
    if importlib.util.find_spec("pip") is None:
        raise BundlingError(
            f"Neither uv nor pip is available to {sys.executable}: pip install uv (or "
            "python -m ensurepip) in the environment that runs the CDK app"
        )
    return "pip", uv


def _install_command(
    installer: str, uv: str | None, settings: BundleSettings, target: Target, into: Path, req: Path
) -> tuple[list[str], dict[str, str]]:
    """The installer's command line, and the environment that carries the index URLs.

    Index URLs go through the environment, not the command line, because they may hold a
    token and command lines are visible to every user of the machine.
    """
    env = dict(os.environ)
    if installer == "uv":
        assert uv is not None
        command = [uv, "pip", "install", "--target", str(into), "--only-binary", ":all:"]
        command += ["--python-platform", target.uv_platform, "--python-version", target.python]
        command += ["--python", sys.executable, "--no-python-downloads", "--color", "never"]
        if settings.index_url:
            env["UV_DEFAULT_INDEX"] = settings.index_url
        if settings.extra_index_urls:
            env["UV_INDEX"] = " ".join(settings.extra_index_urls)
    else:
        command = [sys.executable, "-m", "pip", "install", "--target", str(into)]
        command += ["--only-binary=:all:", "--implementation", "cp"]
        command += ["--python-version", target.python]
        for platform in target.pip_platforms:
            command += ["--platform", platform]
        command += ["--no-compile", "--no-input", "--disable-pip-version-check"]
        command += ["--no-warn-script-location", "--progress-bar", "off"]
        if settings.index_url:
            env["PIP_INDEX_URL"] = settings.index_url
        if settings.extra_index_urls:
            env["PIP_EXTRA_INDEX_URL"] = " ".join(settings.extra_index_urls)
    if settings.no_index:
        command.append("--no-index")
    for location in settings.find_links:
        command += ["--find-links", location]
    command += ["--requirement", str(req)]
    return command, env


def build(settings: BundleSettings, target: Target, output_dir: Path) -> BundleReport:
    r"""Install the project's requirements and copy its files into ``output_dir``.

    ``output_dir`` must be empty or absent. The result depends only on the project's
    files and the wheels installed: no bytecode, no installer bookkeeping, no absolute
    paths, fixed file modes.

    Raises
    ------
    BundlingError
        No wheel for the target, an installer failure, a name clash between the project
        and a dependency, or a bundle over ``settings.max_unzipped_bytes``.

    Examples
    --------
    >>> import tempfile
    >>> project = Path(tempfile.mkdtemp())
    >>> _ = (project / "app.py").write_text("def handler(event, context): return 1\\n")
    >>> report = build(BundleSettings(project), Target.of("python3.12", "arm64"),
    ...                Path(tempfile.mkdtemp()) / "out")
    >>> report.files, report.installer
    (1, 'none')
    """
    started = time.perf_counter()
    output_dir.mkdir(parents=True, exist_ok=True)
    if any(output_dir.iterdir()):
        raise BundlingError(f"{output_dir} is not empty")
    try:
        dependency_file = settings.dependency_file()
        empty = dependency_file is None or dependency_file.is_empty()
    except (OSError, ValueError) as error:
        raise BundlingError(
            f"Cannot read the dependencies of {settings.project}: {error}"
        ) from None
    installer = "none"
    packages: tuple[str, ...] = ()
    left_out: tuple[str, ...] = ()
    pinned: tuple[str, ...] = ()
    if dependency_file is not None and not empty:
        installer, packages, left_out, pinned = _install(
            settings, target, dependency_file, output_dir
        )
    _copy_project(settings, output_dir)
    sizes = _tree.normalize_modes(output_dir)
    total = sum(sizes.values())
    files = sum(len(f) for _, _, f in os.walk(output_dir))
    report = BundleReport(
        target=target,
        installer=installer,
        dependency_file=dependency_file.path if dependency_file else None,
        packages=packages,
        left_out=left_out,
        pinned_sdk=pinned,
        files=files,
        unzipped_bytes=total,
        seconds=time.perf_counter() - started,
        sizes=sizes,
    )
    _check_size(settings, report)
    return report


def _install(
    settings: BundleSettings, target: Target, dependency_file: DependencyFile, output_dir: Path
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    installer, uv = _choose_installer(settings.installer)
    with tempfile.TemporaryDirectory(prefix="best-lambda-") as work:
        try:
            requirements = dependency_file.requirements_file(Path(work), uv)
            declared = dependency_file.declared()
        except (OSError, ValueError) as error:
            raise BundlingError(str(error)) from None
        command, env = _install_command(installer, uv, settings, target, output_dir, requirements)
        done = subprocess.run(
            command,
            cwd=settings.project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        raise _explain(installer, done.stderr + done.stdout, target, dependency_file.path)
    dists = _tree.read_dists(output_dir)
    drop, pinned = _tree.leave_out(dists, PYTHON_RUNTIME_SDK_PACKAGES, declared)
    if installer == "pip":
        _check_markers(dependency_file, dists, drop, target)
    _tree.remove(output_dir, [dists[name] for name in sorted(drop)])
    _tree.clean(output_dir, keep_metadata=settings.keep_metadata)
    kept = tuple(f"{d.name}=={d.version}" for n, d in sorted(dists.items()) if n not in drop)
    return installer, kept, tuple(sorted(drop)), tuple(sorted(pinned))


def _check_markers(
    dependency_file: DependencyFile,
    dists: Mapping[str, _tree.Dist],
    drop: set[str],
    target: Target,
) -> None:
    """Fail when pip left out a dependency because it judged a marker for this machine."""
    requirements = [(dependency_file.path.name, r) for r in dependency_file.requirement_strings()]
    requirements += [
        (dist.name, r)
        for dist in dists.values()
        if dist.name not in drop
        for r in dist.requirements
    ]
    skipped = skipped_by_pip(requirements, dists.keys(), target, ignore=PYTHON_RUNTIME_SDK_PACKAGES)
    if skipped:
        here = f"CPython {sys.version_info[0]}.{sys.version_info[1]} on {platform.machine()}"
        raise BundlingError(
            f"pip judged environment markers for this machine ({here}), not for the function "
            f"({target.describe()}), and left out what the function needs:\n"
            + "\n".join(f"  - {line}" for line in skipped)
            + "\n  Fix: install uv (pip install uv; PythonCode uses it when present), which "
            "judges markers for the function, or list these requirements in "
            f"{dependency_file.path.name} without their markers."
        )


# --- the project's own files ----------------------------------------------------------------


def _excluded(relative: str, name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(relative if "/" in p else name, p.strip("/")) for p in patterns)


def _copy_project(settings: BundleSettings, output_dir: Path) -> None:
    patterns = _defaults.EXCLUDE + settings.exclude
    source = settings.project.resolve()
    skip = {output_dir.resolve(), output_dir.resolve().parent}
    clashes: list[str] = []
    visited: set[Path] = set()
    for directory, subdirs, files in os.walk(source, followlinks=True):
        here = Path(directory)
        real = here.resolve()
        if real in visited:
            subdirs[:] = []
            continue
        visited.add(real)
        relative_dir = here.relative_to(source)
        subdirs[:] = sorted(
            d
            for d in subdirs
            if (here / d).resolve() not in skip
            and not _excluded((relative_dir / d).as_posix(), d, patterns)
        )
        for name in sorted(files):
            relative = (relative_dir / name).as_posix()
            if _excluded(relative, name, patterns):
                continue
            destination = output_dir / relative
            if destination.exists():
                clashes.append(relative)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(here / name, destination)
            shutil.copymode(here / name, destination)  # the exec bit; normalized later
    if clashes:
        shown = ", ".join(clashes[:5]) + (
            f" and {len(clashes) - 5} more" if len(clashes) > 5 else ""
        )
        raise BundlingError(
            f"Files of {settings.project} have the same path as files installed from its "
            f"requirements: {shown}. Rename them, or leave them out with exclude=[...]."
        )


# --- limits -------------------------------------------------------------------------------


def _check_size(settings: BundleSettings, report: BundleReport) -> None:
    budget = settings.max_unzipped_bytes
    if report.unzipped_bytes <= budget:
        return
    largest = sorted(report.sizes.items(), key=lambda item: (-item[1], item[0]))[:5]
    top = ", ".join(f"{name} {size / _MB:.1f} MB" for name, size in largest)
    which = (
        "Lambda's limit of 262,144,000 bytes (250 MB) for code plus layers"
        if budget == UNZIPPED_CODE_MAX_BYTES
        else f"the budget max_unzipped_bytes={budget:,}"
    )
    raise BundlingError(
        f"The bundle of {settings.project} for {report.target.runtime} on "
        f"{report.target.architecture} is {report.unzipped_bytes:,} bytes unzipped, over "
        f"{which}. Largest: {top}. Drop dependencies the handler does not import, move "
        "shared ones to a layer, or use a container image for large native libraries."
    )


# --- installer failures -------------------------------------------------------------------

_PIP_MISSING = re.compile(
    r"Could not find a version that satisfies the requirement (?P<req>\S+)"
    r"(?: \(from (?P<parent>[^)]+)\))? \(from versions: (?P<versions>[^)]*)\)"
)
_UV_NO_WHEEL = re.compile(
    r"(?P<pkg>[A-Za-z0-9][A-Za-z0-9._-]*)(?:==(?P<version>\S+))? has no "
    r"(?:wheels with a matching (?P<what>platform|Python implementation|Python ABI) tag"
    r"|usable wheels)"
)
_UV_NOT_FOUND = re.compile(
    r"(?P<pkg>[A-Za-z0-9][A-Za-z0-9._-]*) was not found in the "
    r"(?:package registry|provided package locations)"
)
_UV_REQUIRED_BY = re.compile(r"all versions of (?P<parent>\S+) depend on (?P<pkg>[A-Za-z0-9._-]+)")


def _explain(installer: str, output: str, target: Target, dependency_file: Path) -> BundlingError:
    """One clear error from the installer's output: the package, the platform, the fix."""
    lines = [
        line.strip()
        for line in output.splitlines()
        if line.strip() and not line.startswith(("Using CPython", "Looking in", "Processing"))
    ]
    package = parent = None
    detail = ""
    if installer == "pip" and (match := _PIP_MISSING.search(output)):
        package, parent = match["req"], match["parent"]
        versions = match["versions"].strip()
        detail = (
            "pip found no wheel of it for this platform in the configured index (or no "
            "such package there)."
            if versions == "none"
            else f"Versions with a wheel for this platform: {versions}."
        )
    elif installer == "uv" and (
        match := _UV_NO_WHEEL.search(output) or _UV_NOT_FOUND.search(output)
    ):
        package = match["pkg"]
        if required := _UV_REQUIRED_BY.search(output):
            parent = required["parent"] if required["pkg"] == package else None
        hints = [line.removeprefix("hint: ") for line in lines if line.startswith("hint:")]
        cause = next((line for line in lines if package in line and "Because" in line), "")
        detail = " ".join([cause.removeprefix("cause: "), *hints]).strip()
    if package is None:
        tail = "\n".join(f"  {line}" for line in lines[-15:])
        return BundlingError(
            f"{installer} could not install {dependency_file} for {target.describe()}:\n{tail}"
        )
    name = re.split(r"[<>=!~;\[ ]", package, maxsplit=1)[0]
    other = "x86_64" if target.architecture == "arm64" else "arm64"
    other_enum = "X86_64" if other == "x86_64" else "ARM_64"
    via = f" (required by {parent})" if parent else ""
    return BundlingError(
        f"No wheel of {package}{via} for {target.describe()}.\n"
        f"  {detail}\n"
        "  Bundling installs binary wheels only: building from source here would compile "
        "for this machine, not for Lambda.\n"
        "  Fix one of:\n"
        f"  - require a version of {name} that publishes a {target.manylinux}_{target.machine} "
        f"(or older manylinux) wheel for CPython {target.python} (see its files on the index);\n"
        f"  - build it on {target.machine} Linux with glibc {target.glibc[0]}."
        f"{target.glibc[1]} or older and tag it manylinux (`pip wheel {name} -w build/ && "
        'auditwheel repair build/*.whl -w wheels/`), then pass find_links=["wheels"];\n'
        f"  - run the function on {other} (architecture=Architecture.{other_enum}) or "
        f"another Python version if {name} has wheels only there.",
        package=name,
    )
