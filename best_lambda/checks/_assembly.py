"""Read what the checks need from a synthesized cloud assembly, with no jsii round trips.

For each stack template CDK hands a validation plugin, the assembly's ``manifest.json`` and
the stack's metadata file give: the construct path of every logical ID, every
acknowledgement (``Validations.of(c).acknowledge(...)``) made inside the stack, and the
stack's asset manifest. Acknowledgements made above the stacks (on the App or a Stage) are
read from the construct tree, which costs one jsii call per Stage, not per resource.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from best_lambda.rules.assets import AssetCatalog
from best_lambda.rules.engine import TemplateInput

__all__ = ["Acknowledgements", "StackInput", "load_stacks"]

ACK_METADATA = "aws:cdk:acknowledged-rules"
LOGICAL_ID_METADATA = "aws:cdk:logicalId"
_PREFIXES = ("annotation::", "bestlambda::")


def normalize_ack_id(raw: str) -> str:
    """``Annotation::BestLambda-X`` / ``BestLambda::BestLambda-X`` -> ``BestLambda-X``."""
    lowered = raw.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            return raw[len(prefix) :]
    return raw


@dataclass
class Acknowledgements:
    """Construct path -> acknowledged finding ID -> reason."""

    by_path: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, path: str, data: Mapping[str, Any]) -> None:
        """Record the acknowledgements of one metadata entry at ``path``."""
        bucket = self.by_path.setdefault(path.strip("/"), {})
        for raw, reason in data.items():
            bucket[normalize_ack_id(str(raw))] = str(reason)

    def reason(self, finding_id: str, path: str) -> str | None:
        """The reason ``finding_id`` is acknowledged at ``path`` or an ancestor, if it is."""
        parts = path.strip("/").split("/")
        for end in range(len(parts), -1, -1):
            reason = self.by_path.get("/".join(parts[:end]), {}).get(finding_id)
            if reason is not None:
                return reason
        return None


@dataclass
class StackInput:
    """One stack, ready for the engine."""

    template_path: str
    stack_path: str
    template: dict[str, Any]
    paths: dict[str, str]
    assets: AssetCatalog | None

    def as_template_input(self) -> TemplateInput:
        """The engine's view of this stack."""
        return TemplateInput(self.stack_path, self.template, self.paths, self.assets)


@cache
def _manifest(directory: str) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads((Path(directory) / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    return loaded


def _artifact_for(artifacts: dict[str, Any], template: Path) -> tuple[str, dict[str, Any]]:
    for artifact_id, artifact in artifacts.items():
        properties: dict[str, Any] = artifact.get("properties") or {}
        if properties.get("templateFile") == template.name:
            return artifact_id, artifact
    return template.stem, {}


def load_stacks(template_paths: Iterable[str], acks: Acknowledgements) -> list[StackInput]:
    """Load every template with its construct paths and assets; fill ``acks`` on the way."""
    stacks = []
    _manifest.cache_clear()
    for template_path in template_paths:
        path = Path(template_path)
        template = json.loads(path.read_text())
        manifest = _manifest(str(path.parent))
        artifacts: dict[str, Any] = manifest.get("artifacts", {})
        artifact_id, artifact = _artifact_for(artifacts, path)
        metadata: dict[str, list[dict[str, Any]]] = dict(artifact.get("metadata") or {})
        extra = artifact.get("additionalMetadataFile")
        if extra and (path.parent / extra).exists():
            metadata.update(json.loads((path.parent / extra).read_text()))
        logical_paths: dict[str, str] = {}
        for construct_path, entries in metadata.items():
            for entry in entries:
                kind = entry.get("type")
                if kind == LOGICAL_ID_METADATA and isinstance(entry.get("data"), str):
                    logical_paths[entry["data"]] = construct_path.strip("/")
                elif kind == ACK_METADATA and isinstance(entry.get("data"), dict):
                    acks.add(construct_path, entry["data"])
        assets = None
        for dependency in artifact.get("dependencies", []):
            dep = artifacts.get(dependency, {})
            if dep.get("type") == "cdk:asset-manifest":
                assets = AssetCatalog.from_manifest(path.parent / dep["properties"]["file"])
        stacks.append(
            StackInput(
                template_path=str(path),
                stack_path=str(artifact.get("displayName") or artifact_id),
                template=template,
                paths=logical_paths,
                assets=assets,
            )
        )
    return stacks
