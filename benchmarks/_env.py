"""The toolchain environment of ``scripts/env.sh``, for benchmarks started without it.

Why: a benchmark run as ``python benchmarks/synth.py`` would otherwise let jsii unpack into
the shared cache under ``~/.cache`` (the brief keeps it private to the checkout) and print
Node's end-of-life banner into the tables. ``scripts/env.sh`` stays the one place those
settings are written down: this module sources it and copies what it exports, so every
child process a benchmark starts inherits the same environment.

Example::

    import _env  # noqa: F401  (first import of a benchmark script)
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

__all__ = ["ROOT"]

ROOT = Path(__file__).resolve().parent.parent


def _apply() -> None:
    if os.environ.get("JSII_RUNTIME_PACKAGE_CACHE_ROOT"):
        return  # already sourced (scripts/*.sh, or the user did)
    dump = subprocess.run(
        ["bash", "-c", 'source "$1" && env -0', "env", str(ROOT / "scripts" / "env.sh")],
        check=True,
        capture_output=True,
        env={**os.environ, "ROOT": str(ROOT)},
    ).stdout
    for entry in dump.split(b"\0"):
        name, sep, value = entry.decode().partition("=")
        if sep and name not in {"_", "SHLVL", "PWD", "OLDPWD"}:
            os.environ[name] = value


_apply()
