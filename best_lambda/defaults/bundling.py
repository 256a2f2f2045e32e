"""Defaults for Python bundling (:class:`best_lambda.bundling.PythonCode`).

Plain values only (no aws-cdk-lib objects), like every defaults module. The facts they rest
on (the runtimes' glibc, the SDK the runtime includes, Lambda's size limit) are in
:mod:`best_lambda.limits`.
"""

from __future__ import annotations

from best_lambda.defaults import Default
from best_lambda.limits import UNZIPPED_CODE_MAX_BYTES

__all__ = [
    "DEFAULTS",
    "EXCLUDE",
    "INSTALLER",
    "KEEP_METADATA",
    "LICENSE_FILE_PREFIXES",
    "MAX_UNZIPPED_BYTES",
    "REQUIREMENTS_FILES",
    "WHEEL_GLIBC",
]

#: The glibc whose wheels we install, where it differs from the runtime's own: Amazon Linux
#: 2 has glibc 2.26, but uv can only target manylinux2014 (2.17) below manylinux_2_28, and
#: pip and uv must choose the same wheels for the same inputs.
WHEEL_GLIBC = {"Amazon Linux 2": (2, 17)}
#: What installs the requirements: uv when it is on PATH (or beside the Python running the
#: app), else ``python -m pip``.
INSTALLER = "auto"
#: Dependency files looked for in the project, in this order (uv.lock needs uv and
#: pyproject.toml beside it; pyproject.toml alone means its [project].dependencies).
REQUIREMENTS_FILES = ("requirements.txt", "uv.lock", "pyproject.toml")
#: Left out of the project's own files (glob patterns; a pattern without '/' matches a file
#: or folder name at any depth). Installed packages lose __pycache__ and tests/test folders.
EXCLUDE = (
    ".*",
    "__pycache__",
    "*.pyc",
    "tests",
    "test",
    "test_*.py",
    "*_test.py",
    "conftest.py",
    "requirements*.txt",
    "pyproject.toml",
    "uv.lock",
    "poetry.lock",
    "*.egg-info",
    "cdk.out",
    "node_modules",
)
#: Keep each installed distribution's METADATA and entry_points.txt (with its licences).
KEEP_METADATA = True
#: dist-info files kept as licences: the PEP 639 ``licenses/`` folder and these prefixes.
LICENSE_FILE_PREFIXES = ("LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS")
MAX_UNZIPPED_BYTES = UNZIPPED_CODE_MAX_BYTES

DEFAULTS: tuple[Default, ...] = (
    Default(
        "PythonCode",
        "runtime / architecture",
        "the function's (HardenedFunction: its pinned default runtime, ARM_64); wheels for "
        "manylinux_2_34 or older on python3.12+ (Amazon Linux 2023), manylinux2014 on "
        "python3.8-3.11 (Amazon Linux 2)",
        "A wheel runs only on the CPU and the glibc it was built for, and pip otherwise "
        "picks wheels for the machine running cdk synth (seeds/004 'Use Graviton (ARM)'). "
        "manylinux2014 rather than Amazon Linux 2's glibc 2.26: uv cannot target 2.26, and "
        "pip and uv must pick the same wheels.",
    ),
    Default(
        "PythonCode",
        "installer",
        "uv when present, else pip; binary wheels only, never a source build",
        "No Docker: wheels for the target platform are unpacked, not built (a source build "
        "would compile for the build machine). uv is several times faster than pip.",
    ),
    Default(
        "PythonCode",
        "requirements",
        ", then ".join(REQUIREMENTS_FILES) + " in the project folder",
        "The files pip and uv users already keep; a lock file (or == pins) makes the "
        "asset hash the same on every machine (seeds/001 §2.2).",
    ),
    Default(
        "PythonCode",
        "boto3 / botocore / s3transfer",
        "left out, with what only they need, unless your requirements list them (then "
        "kept, with a warning)",
        "The Python runtime includes the AWS SDK (seeds/000 step 3 'avoid including the "
        "entire AWS SDK'); listing it yourself pins a version on purpose.",
    ),
    Default(
        "PythonCode",
        "exclude",
        "__pycache__, tests, test_*.py, conftest.py, hidden files, requirements and lock "
        "files, cdk.out, node_modules (your patterns are added)",
        "Only what the handler imports is shipped (seeds/004 'Keep Packages Small'); "
        "hidden files such as .env may hold secrets. Bytecode is never shipped: it is "
        "specific to the Python version that wrote it.",
    ),
    Default(
        "PythonCode",
        "keep_metadata",
        "True: each package's METADATA and entry_points.txt (and licences) are kept; "
        "RECORD, INSTALLER, direct_url.json and console scripts are not",
        "importlib.metadata reads them (package versions, plugin entry points such as "
        "OpenTelemetry's); the rest is installer bookkeeping with absolute paths that "
        "differs between machines and between pip and uv.",
    ),
    Default(
        "PythonCode",
        "max_unzipped_bytes",
        f"{MAX_UNZIPPED_BYTES:,} bytes (Lambda's limit)",
        "A bundle Lambda would refuse fails at synth, not at deploy; set a lower budget to "
        "keep cold starts short. BestLambda-AssetSize measures the same way (with layers).",
    ),
)
