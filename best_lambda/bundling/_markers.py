"""Requirements pip skipped because it judged their markers for this machine.

pip's ``--platform`` and ``--python-version`` choose wheels for the target, but pip still
evaluates environment markers (``python_version < "3.13"``, ``platform_machine ==
"aarch64"``) for the Python running it. A dependency whose marker holds on Lambda but not
here is then silently missing, and the function fails to import. uv evaluates markers for
``--python-platform``/``--python-version``, so this check runs after pip only.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Set
from typing import Any

from best_lambda.bundling._platform import Target
from best_lambda.bundling._requirements import NAME, normalize

__all__ = ["skipped_by_pip"]

Evaluate = Callable[[str, dict[str, str] | None], bool]


def _evaluator() -> Evaluate | None:
    """``packaging``'s marker evaluation (pip vendors it, so it exists wherever pip runs)."""
    marker_class: Any = None
    for module in ("packaging.markers", "pip._vendor.packaging.markers"):
        try:
            marker_class = importlib.import_module(module).Marker
            break
        except ImportError:
            continue
    if marker_class is None:
        return None

    def evaluate(marker: str, environment: dict[str, str] | None) -> bool:
        return bool(marker_class(marker).evaluate(environment))

    return evaluate


def target_environment(target: Target) -> dict[str, str]:
    """PEP 508 marker variables as they are on the Lambda runtime."""
    version = f"{target.python}.0"
    return {
        "python_version": target.python,
        "python_full_version": version,
        "implementation_version": version,
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_machine": target.machine,
        "platform_system": "Linux",
        "sys_platform": "linux",
        "os_name": "posix",
    }


def skipped_by_pip(
    requirements: Iterable[tuple[str, str]],
    installed: Iterable[str],
    target: Target,
    *,
    ignore: Set[str] = frozenset(),
) -> list[str]:
    """``"<required by>: <requirement>"`` for each requirement pip left out wrongly.

    ``requirements`` holds (who requires it, requirement string) pairs: the user's own
    lines and every installed package's ``Requires-Dist``. Names in ``ignore`` (left out
    on purpose) are not reported.
    """
    evaluate = _evaluator()
    if evaluate is None:
        return []
    have = {normalize(name) for name in installed}
    lambda_env = target_environment(target)
    skipped = []
    for parent, requirement in requirements:
        spec, _, marker = requirement.partition(";")
        name = NAME.match(spec)
        if not marker.strip() or name is None or normalize(name[1]) in have | ignore:
            continue
        if "extra" in marker:
            continue  # extras are the same here and on Lambda
        try:
            on_lambda, here = evaluate(marker, lambda_env), evaluate(marker, None)
        except Exception:  # an unparsable marker is pip's to report
            continue
        if on_lambda and not here:
            skipped.append(f"{parent}: {requirement.strip()}")
    return sorted(set(skipped))
