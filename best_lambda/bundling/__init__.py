"""Docker-free bundling of Python Lambda functions, for arm64 and x86_64.

:class:`PythonCode` is an ``aws_lambda.Code``: ``PythonCode.from_project("src/orders")``
installs the project's requirements from binary wheels for the function's runtime and
architecture (pip, or uv when present, through CDK's local bundling) and ships them with
the project's files, without the AWS SDK the runtime already has.

The pure parts (:class:`Target`, :func:`build`)
import no aws-cdk-lib; ``PythonCode`` and :func:`raise_bundling_errors` are loaded on first
use.

Examples
--------
>>> from best_lambda.bundling import Target
>>> Target.of("python3.11", "arm64").pip_platforms
('manylinux_2_17_aarch64', 'manylinux2014_aarch64')
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from best_lambda._lazy import lazy_attributes
from best_lambda.bundling._build import BundleReport, BundleSettings, BundlingError, build
from best_lambda.bundling._platform import Target, UnsupportedTargetError

if TYPE_CHECKING:
    from best_lambda.bundling._code import PythonCode, raise_bundling_errors

__all__ = [
    "BundleReport",
    "BundleSettings",
    "BundlingError",
    "PythonCode",
    "Target",
    "UnsupportedTargetError",
    "build",
    "raise_bundling_errors",
]

_LAZY = {
    "PythonCode": "best_lambda.bundling._code",
    "raise_bundling_errors": "best_lambda.bundling._code",
}

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
