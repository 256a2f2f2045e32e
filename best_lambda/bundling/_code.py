"""``PythonCode``: an ``aws_lambda.Code`` that bundles a Python project without Docker.

It builds through CDK's local bundling (``ILocalBundling.try_bundle``): CDK decides when
to bundle (not for stacks a ``cdk deploy`` leaves out), bundles each project once per
synthesis however many functions share it, and hashes the output (``AssetHashType.OUTPUT``)
so the asset changes exactly when the shipped files do. ``try_bundle`` never returns
False, so CDK never falls back to Docker.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import constructs
import jsii
from aws_cdk import aws_lambda as lambda_

from best_lambda.bundling._build import BundleSettings, BundlingError, build
from best_lambda.bundling._platform import Target, UnsupportedTargetError
from best_lambda.defaults import bundling as _defaults
from best_lambda.errors import InvalidPropsError, Problem
from best_lambda.limits import PYTHON_RUNTIME_SDK_PACKAGES, UNZIPPED_CODE_MAX_BYTES

__all__ = ["PythonCode", "raise_bundling_errors"]

#: Never pulled or run: CDK requires an image even when local bundling does the work.
_NO_DOCKER = "best-lambda/local-bundling-only"
_INSTALLERS = ("auto", "pip", "uv")


class _Failures(threading.local):
    """The last exception raised inside ``try_bundle`` on this thread, and a counter."""

    count = 0
    last: BaseException | None = None


_FAILURES = _Failures()


@contextmanager
def raise_bundling_errors() -> Iterator[None]:
    """Turn a bundling failure inside a CDK constructor back into the Python exception.

    An exception raised in ``try_bundle`` crosses jsii as text and comes back wrapped
    (``RuntimeError: FailedToBundleAsset: ... @jsii/kernel.RuntimeError: ...``). Wrap the
    construction of a function in this context manager to get the original
    :class:`~best_lambda.bundling.BundlingError` instead; other errors pass unchanged.

    Examples
    --------
    >>> with raise_bundling_errors():
    ...     pass
    """
    seen = _FAILURES.count
    try:
        yield
    except Exception:
        failure = _FAILURES.last
        if _FAILURES.count != seen and failure is not None:
            raise failure from None
        raise


@jsii.implements(cdk.ILocalBundling)
class _LocalBundling:
    """CDK's hook: build the bundle into ``output_dir`` on this machine."""

    def __init__(self, settings: BundleSettings, target: Target):
        self._settings = settings
        self._target = target

    def try_bundle(self, output_dir: str, *, image: cdk.DockerImage, **_: Any) -> bool:
        try:
            report = build(self._settings, self._target, Path(output_dir))
        except BaseException as error:
            _FAILURES.count += 1
            _FAILURES.last = error
            raise
        print(
            f"best-lambda: bundled {self._settings.project} for {self._target.describe()}: "
            f"{report.summary()}",
            file=sys.stderr,
        )
        return True


@jsii.implements(constructs.IValidation)
class _SameTarget:
    """At synthesis, the function still runs the runtime and architecture bundled for.

    Reads the ``CfnFunction``, so a change made later (an escape hatch, an Aspect that
    switches functions to arm64) is caught too.
    """

    def __init__(self, scope: constructs.Construct, target: Target, project: Path):
        self._scope = scope
        self._target = target
        self._project = project

    def validate(self) -> list[str]:
        child = self._scope.node.default_child
        if not isinstance(child, lambda_.CfnFunction):
            return []
        runtime, architectures = child.runtime, child.architectures or ["x86_64"]
        if not isinstance(runtime, str) or cdk.Token.is_unresolved(runtime):
            return []
        if any(not isinstance(a, str) or cdk.Token.is_unresolved(a) for a in architectures):
            return []
        target = self._target
        if (runtime, list(architectures)) == (target.runtime, [target.architecture]):
            return []
        return [
            f"PythonCode bundled {self._project} for {target.runtime} on "
            f"{target.architecture}, but the function runs {runtime} on "
            f"{'/'.join(architectures)}: its compiled dependencies would not load. Pass the "
            "function's runtime= and architecture= to PythonCode.from_project (HardenedFunction "
            "does this for you)."
        ]


class PythonCode(lambda_.Code):
    """Lambda code from a Python project folder, with its requirements, built without Docker.

    The project's files are copied (tests, caches, hidden files and dependency files left
    out) and its requirements installed from binary wheels for the function's platform:
    the CPU of its architecture and the glibc of its runtime's Amazon Linux
    (``manylinux2014`` up to python3.11, ``manylinux_2_34`` from python3.12). boto3,
    botocore and s3transfer, which the runtime provides, are left out unless the
    requirements list them. The asset hash is the hash of the files shipped: the same
    inputs give the same hash on any machine.

    Create it with :meth:`from_project`. ``HardenedFunction`` (and every construct built on
    it) fills in its own runtime and architecture; a plain ``aws_lambda.Function`` needs
    them passed to :meth:`from_project`, and a mismatch fails synthesis.

    Examples
    --------
    >>> from aws_cdk import aws_lambda as lambda_
    >>> code = PythonCode.from_project(
    ...     "handlers", runtime=lambda_.Runtime.PYTHON_3_13,
    ...     architecture=lambda_.Architecture.ARM_64)
    >>> code.target.tag
    'cp313-manylinux_2_34_aarch64'
    """

    def __init__(self, settings: BundleSettings, target: Target | None = None):
        super().__init__()
        self._settings = settings
        self._target = target
        self._bound: dict[str, lambda_.Code] = {}

    @classmethod
    def from_project(
        cls,
        path: str | Path,
        *,
        requirements: str | Path | None = None,
        runtime: lambda_.Runtime | None = None,
        architecture: lambda_.Architecture | None = None,
        installer: str = _defaults.INSTALLER,
        index_url: str | None = None,
        extra_index_urls: Sequence[str] = (),
        find_links: Sequence[str | Path] = (),
        no_index: bool = False,
        exclude: Sequence[str] = (),
        keep_metadata: bool = _defaults.KEEP_METADATA,
        max_unzipped_bytes: int = _defaults.MAX_UNZIPPED_BYTES,
    ) -> PythonCode:
        """Bundle the project in ``path`` (its files are the handler's code).

        Parameters
        ----------
        path
            The project folder, relative to the working directory like
            ``Code.from_asset``: ``handler="app.handler"`` means ``<path>/app.py``.
        requirements
            The dependency file, relative to ``path``: a pip requirements file, a
            ``pyproject.toml`` (its ``[project].dependencies``) or a ``uv.lock`` (needs uv).
            Default: the first of requirements.txt, uv.lock, pyproject.toml in ``path``;
            none means the project has no dependencies.
        runtime, architecture
            The function's; required for a plain ``aws_lambda.Function``, filled in by
            ``HardenedFunction``.
        installer
            ``"auto"`` (uv when present, else pip), ``"pip"`` or ``"uv"``.
        index_url, extra_index_urls, find_links, no_index
            Where packages come from, as pip's options of the same names (uv: default
            index, extra indexes). Unset, the installer's own configuration applies
            (pip.conf, ``PIP_INDEX_URL``, uv.toml...). URLs may hold credentials: they
            are passed through the environment and redacted from every message.
        exclude
            More glob patterns to leave out of the project's files, added to the
            defaults (a pattern without '/' matches a name at any depth).
        keep_metadata
            Keep each package's METADATA and entry_points.txt (for importlib.metadata);
            False keeps only licence files of ``*.dist-info``.
        max_unzipped_bytes
            Fail when the bundle is larger (default: Lambda's 262,144,000 bytes).

        Raises
        ------
        InvalidPropsError
            Every invalid argument at once.
        """
        project = Path(path)
        problems: list[Problem] = []
        if not project.is_dir():
            problems.append(Problem("path", repr(str(path)), "must be an existing folder"))
        req = None
        if requirements is not None:
            req = (project / requirements).absolute()
            if not req.is_file():
                problems.append(
                    Problem("requirements", repr(str(requirements)), f"no such file in {path}")
                )
        if installer not in _INSTALLERS:
            problems.append(Problem("installer", repr(installer), f"one of {_INSTALLERS}"))
        links = []
        for location in find_links:
            text = str(location)
            if "://" not in text:
                local = Path(text).absolute()
                if not local.exists():
                    problems.append(Problem("find_links", repr(text), "no such folder or file"))
                text = str(local)
            links.append(text)
        for name, url in [
            ("index_url", index_url),
            *(("extra_index_urls", u) for u in extra_index_urls),
        ]:
            if url is not None and (not isinstance(url, str) or "://" not in url):
                problems.append(Problem(name, "<redacted>", "a URL such as https://host/simple"))
        if (
            isinstance(max_unzipped_bytes, bool)
            or not isinstance(max_unzipped_bytes, int)
            or not 0 < max_unzipped_bytes <= UNZIPPED_CODE_MAX_BYTES
        ):
            problems.append(
                Problem(
                    "max_unzipped_bytes",
                    repr(max_unzipped_bytes),
                    f"an int from 1 to {UNZIPPED_CODE_MAX_BYTES:,} (Lambda's limit)",
                )
            )
        if isinstance(exclude, str) or not all(isinstance(p, str) for p in exclude):
            problems.append(Problem("exclude", repr(exclude), "a list of glob patterns"))
        target = None
        if (runtime is None) != (architecture is None):
            problems.append(
                Problem("runtime / architecture", "only one given", "give both, or neither")
            )
        elif runtime is not None and architecture is not None:
            try:
                target = Target.of(runtime.name, architecture.name)
            except UnsupportedTargetError as error:
                problems.append(Problem("runtime / architecture", "", str(error)))
        if problems:
            raise InvalidPropsError("PythonCode", str(path), problems)
        settings = BundleSettings(
            project=project.absolute(),
            requirements=req,
            installer=installer,
            index_url=index_url,
            extra_index_urls=tuple(extra_index_urls),
            find_links=tuple(links),
            no_index=no_index,
            exclude=tuple(exclude),
            keep_metadata=keep_metadata,
            max_unzipped_bytes=max_unzipped_bytes,
        )
        return cls(settings, target)

    # --- what HardenedFunction calls ----------------------------------------------------

    @property
    def target(self) -> Target | None:
        """The platform this code is built for, or None until a function supplies it."""
        return self._target

    @property
    def settings(self) -> BundleSettings:
        """How the project is bundled."""
        return self._settings

    def problems_for(
        self, *, runtime: lambda_.Runtime, architecture: lambda_.Architecture
    ) -> list[Problem]:
        """Why this code cannot run on a function with this runtime and architecture."""
        try:
            target = Target.of(runtime.name, architecture.name)
        except UnsupportedTargetError as error:
            return [Problem("code", f"PythonCode({self._settings.project.name!r})", str(error))]
        mine = self._target
        if mine is not None and (mine.runtime, mine.architecture) != (
            target.runtime,
            target.architecture,
        ):
            return [
                Problem(
                    "code",
                    f"PythonCode for {mine.runtime} on {mine.architecture}",
                    f"the function runs {target.runtime} on {target.architecture}; leave "
                    "runtime= and architecture= out of PythonCode.from_project",
                )
            ]
        return []

    def for_function(
        self, *, runtime: lambda_.Runtime, architecture: lambda_.Architecture
    ) -> PythonCode:
        """The same code, built for a function with ``runtime`` and ``architecture``.

        Raises
        ------
        InvalidPropsError
            When :meth:`problems_for` finds any.
        """
        problems = self.problems_for(runtime=runtime, architecture=architecture)
        if problems:
            raise InvalidPropsError("PythonCode", str(self._settings.project), problems)
        if self._target is not None:
            return self
        return PythonCode(self._settings, Target.of(runtime.name, architecture.name))

    # --- aws_lambda.Code ------------------------------------------------------------------

    def bind(self, scope: constructs.Construct) -> lambda_.CodeConfig:
        """Stage the bundle as an asset of ``scope`` (CDK calls this)."""
        if not isinstance(scope, lambda_.Function):
            raise BundlingError(
                f"PythonCode.from_project({str(self._settings.project)!r}) is for Lambda "
                f"functions, not {scope.node.path}: a layer's packages belong under python/, "
                "which PythonCode does not lay out."
            )
        target = self._target
        if target is None:
            raise BundlingError(
                f"PythonCode.from_project({str(self._settings.project)!r}) does not know the "
                "function's runtime and architecture: pass runtime= and architecture= to "
                "from_project, or use it with HardenedFunction, which passes its own."
            )
        asset_code = lambda_.Code.from_asset(
            str(self._settings.project),
            asset_hash_type=cdk.AssetHashType.OUTPUT,
            bundling=cdk.BundlingOptions(
                image=cdk.DockerImage.from_registry(_NO_DOCKER),
                local=_LocalBundling(self._settings, target),
                output_type=cdk.BundlingOutput.NOT_ARCHIVED,
                # Not for Docker: distinct settings must not share CDK's bundling cache.
                environment={
                    "BEST_LAMBDA_TARGET": target.tag,
                    "BEST_LAMBDA_SETTINGS": self._settings.digest(),
                },
            ),
        )
        self._bound[scope.node.path] = asset_code
        self._warn_pinned_sdk(scope)
        scope.node.add_validation(_SameTarget(scope, target, self._settings.project))
        return asset_code.bind(scope)

    def bind_to_resource(
        self, resource: cdk.CfnResource, *, resource_property: str | None = None
    ) -> None:
        """Let the staged asset annotate the function's resource (SAM local metadata)."""
        scope = resource.node.scope
        asset_code = self._bound.get(scope.node.path) if scope is not None else None
        if asset_code is not None:
            asset_code.bind_to_resource(resource, resource_property=resource_property)

    def _warn_pinned_sdk(self, scope: constructs.Construct) -> None:
        try:
            dependency_file = self._settings.dependency_file()
            declared = dependency_file.declared() if dependency_file else frozenset()
        except (OSError, ValueError):
            return  # build() reports the unreadable file with its reason
        pinned = sorted(declared & PYTHON_RUNTIME_SDK_PACKAGES)
        if pinned and dependency_file is not None:
            cdk.Annotations.of(scope).add_warning_v2(
                "@best-lambda/bundling:PinnedSdk",
                f"{', '.join(pinned)} {'is' if len(pinned) == 1 else 'are'} listed in "
                f"{dependency_file.path.name} and bundled, although the Python runtime "
                "provides the AWS SDK: every cold start loads the extra megabytes. Remove "
                f"{'it' if len(pinned) == 1 else 'them'} to use the runtime's, or keep "
                f"{'it' if len(pinned) == 1 else 'them'} to pin a version on purpose "
                "(then acknowledge BestLambda-AssetSize[BundledSdk]).",
            )
