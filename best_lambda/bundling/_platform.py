"""Which wheels run on a Lambda function: CPU, glibc and Python version from its runtime.

A wheel's platform tag names the CPU and the oldest glibc it needs (PEP 600:
``manylinux_2_34_aarch64`` needs glibc 2.34 on arm64). Lambda's Python runtimes run on
Amazon Linux 2 (python3.8 to 3.11) or Amazon Linux 2023 (python3.12 and later), see
:data:`best_lambda.limits.PYTHON_RUNTIME_GLIBC`. Pure Python: no aws-cdk-lib.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from best_lambda.defaults import bundling as _defaults
from best_lambda.limits import PYTHON_AL2023_FROM, PYTHON_RUNTIME_GLIBC

__all__ = ["Target", "UnsupportedTargetError"]

#: Lambda's architecture names -> the machine name in wheel tags.
_MACHINES = {"arm64": "aarch64", "x86_64": "x86_64"}
#: The legacy manylinux names pip knows, by the glibc they stand for (PEP 599, PEP 571, PEP 513).
_LEGACY = {(2, 17): "manylinux2014", (2, 12): "manylinux2010", (2, 5): "manylinux1"}
#: The oldest glibc with manylinux wheels per machine (aarch64 wheels start at manylinux2014).
_OLDEST = {"aarch64": (2, 17), "x86_64": (2, 5)}
_RUNTIME = re.compile(r"^python(\d+)\.(\d+)$")
#: The oldest Python runtime Lambda ran on Amazon Linux 2 (python3.7 and older: Amazon Linux 1).
_OLDEST_PYTHON = (3, 8)


class UnsupportedTargetError(ValueError):
    """The runtime or architecture has no Python wheels we can choose for it."""


@dataclass(frozen=True)
class Target:
    """The Lambda platform a bundle is built for, and the wheels that run there.

    Parameters
    ----------
    runtime
        The Lambda runtime identifier, e.g. ``"python3.12"``.
    architecture
        Lambda's architecture name: ``"arm64"`` or ``"x86_64"``.

    Examples
    --------
    >>> target = Target.of("python3.12", "arm64")
    >>> target.operating_system, target.manylinux
    ('Amazon Linux 2023', 'manylinux_2_34')
    >>> target.pip_platforms[:2], target.pip_platforms[-1]
    (('manylinux_2_34_aarch64', 'manylinux_2_33_aarch64'), 'manylinux2014_aarch64')
    >>> Target.of("python3.11", "arm64").uv_platform
    'aarch64-manylinux2014'
    """

    runtime: str
    architecture: str
    python_version: tuple[int, int]
    machine: str
    operating_system: str
    glibc: tuple[int, int]

    @classmethod
    def of(cls, runtime: str, architecture: str) -> Target:
        """The target for a Lambda runtime name and architecture name.

        Raises
        ------
        UnsupportedTargetError
            For a runtime that is not Python 3.8 or later, or an unknown architecture.
        """
        problems = []
        match = _RUNTIME.match(runtime)
        version = (int(match[1]), int(match[2])) if match else None
        if version is None:
            problems.append(
                f"runtime={runtime!r}: Python bundling needs a Python runtime (python3.x)"
            )
        elif version < _OLDEST_PYTHON:
            problems.append(
                f"runtime={runtime!r}: Lambda no longer runs it; use python3.12 or later"
            )
        machine = _MACHINES.get(architecture)
        if machine is None:
            problems.append(f"architecture={architecture!r}: expected 'arm64' or 'x86_64'")
        if problems or version is None or machine is None:
            raise UnsupportedTargetError("; ".join(problems))
        system = "Amazon Linux 2023" if version >= PYTHON_AL2023_FROM else "Amazon Linux 2"
        glibc = _defaults.WHEEL_GLIBC.get(system, PYTHON_RUNTIME_GLIBC[system])
        return cls(runtime, architecture, version, machine, system, glibc)

    @property
    def python_tag(self) -> str:
        """``cp312`` for python3.12."""
        return f"cp{self.python_version[0]}{self.python_version[1]}"

    @property
    def python(self) -> str:
        """``3.12`` for python3.12: pip's and uv's ``--python-version``."""
        return f"{self.python_version[0]}.{self.python_version[1]}"

    @property
    def manylinux(self) -> str:
        """The newest manylinux tag chosen: ``manylinux2014`` or ``manylinux_2_34``."""
        return _LEGACY.get(self.glibc, f"manylinux_{self.glibc[0]}_{self.glibc[1]}")

    @property
    def pip_platforms(self) -> tuple[str, ...]:
        """Every platform tag the function can run, newest first: pip's ``--platform`` list.

        pip does not expand ``manylinux_2_34`` to the older tags itself, so each is listed.
        """
        oldest = _OLDEST[self.machine]
        tags = [
            f"manylinux_{self.glibc[0]}_{minor}_{self.machine}"
            for minor in range(self.glibc[1], oldest[1] - 1, -1)
        ]
        tags += [
            f"{name}_{self.machine}"
            for glibc, name in _LEGACY.items()
            if oldest <= glibc <= self.glibc
        ]
        return tuple(tags)

    @property
    def uv_platform(self) -> str:
        """The ``--python-platform`` of uv, which includes every older manylinux tag."""
        return f"{self.machine}-{self.manylinux}"

    @property
    def tag(self) -> str:
        """A short name for messages and cache keys: ``cp312-manylinux_2_34_aarch64``."""
        return f"{self.python_tag}-{self.manylinux}_{self.machine}"

    def describe(self) -> str:
        """``python3.12 on arm64 (Amazon Linux 2023): CPython 3.12, manylinux_2_34_aarch64``."""
        return (
            f"{self.runtime} on {self.architecture} ({self.operating_system}): "
            f"CPython {self.python}, {self.manylinux}_{self.machine} or older"
        )
