"""Read a synthesized cloud assembly (``cdk.out``) as plain data: one reader for every front.

A cloud assembly is a folder with a ``manifest.json``. Its artifacts are stacks
(``aws:cloudformation:stack``: a template file, a metadata file, an asset manifest) and
nested assemblies (``cdk:cloud-assembly``: one folder per ``Stage``). A stack's metadata
(``<Stack>.metadata.json``) lists, by construct path:

* ``aws:cdk:logicalId`` — the logical ID each construct path became;
* ``aws:cdk:templateFile`` — on the stack itself and on each of its ``NestedStack`` s:
  nested templates (``…nested.template.json``) are named here and nowhere else, and the
  logical IDs of nested resources sit in the same file as the parent's;
* ``aws:cdk:acknowledged-rules`` — ``Validations.of(construct).acknowledge(...)``.

:func:`read_assembly` turns that into :class:`StackTemplate` s, one per template (nested
stacks at any depth included), each with the construct path of every logical ID, and one
:class:`Acknowledgements` for the whole assembly. Nested stacks' logical IDs are split off
by the longest nested-stack path, so a logical ID that occurs in both a parent and its
child keeps its own path in each. It never imports aws-cdk-lib: ``best-lambda audit``,
the cdk-nag pack, the enforcing plugin, the testing helpers and ``scripts/synth_summary.py``
all read assemblies through it.

Acknowledgements made on the App or on a Stage (above every stack) are not written to the
assembly by CDK; the CDK fronts add them from the construct tree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from best_lambda.rules.assets import AssetCatalog
from best_lambda.rules.engine import TemplateInput

__all__ = [
    "ACK_METADATA",
    "LOGICAL_ID_METADATA",
    "TEMPLATE_FILE_METADATA",
    "Acknowledgement",
    "Acknowledgements",
    "AssemblyError",
    "CloudAssembly",
    "StackTemplate",
    "is_cloud_assembly",
    "normalize_ack_id",
    "read_assembly",
    "read_stacks",
]

ACK_METADATA = "aws:cdk:acknowledged-rules"
LOGICAL_ID_METADATA = "aws:cdk:logicalId"
TEMPLATE_FILE_METADATA = "aws:cdk:templateFile"
_STACK = "aws:cloudformation:stack"
_NESTED_ASSEMBLY = "cdk:cloud-assembly"
_ASSET_MANIFEST = "cdk:asset-manifest"
#: Namespaces an acknowledgement ID may carry: CDK stores an ID given without one under
#: ``Annotation::``; ``BestLambda::`` is the plugin's own (the form CDK prints).
_NAMESPACES = ("annotation::", "bestlambda::")


class AssemblyError(ValueError):
    """A cloud assembly that cannot be read: the path and the reason."""

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def normalize_ack_id(raw: str) -> str:
    """``Annotation::BestLambda-X`` / ``BestLambda::BestLambda-X`` -> ``BestLambda-X``.

    Examples
    --------
    >>> normalize_ack_id("BestLambda::BestLambda-Arm64")
    'BestLambda-Arm64'
    >>> normalize_ack_id("AwsSolutions-IAM5[Resource::*]")
    'AwsSolutions-IAM5[Resource::*]'
    """
    lowered = raw.lower()
    for prefix in _NAMESPACES:
        if lowered.startswith(prefix):
            return raw[len(prefix) :]
    return raw


@dataclass(frozen=True)
class Acknowledgement:
    """One acknowledgement as written: where, which ID (as given), and why."""

    path: str
    raw_id: str
    reason: str

    @property
    def finding_id(self) -> str:
        """The finding ID it accepts, without a namespace."""
        return normalize_ack_id(self.raw_id)


@dataclass
class Acknowledgements:
    """Construct path -> acknowledged finding ID -> reason.

    An acknowledgement applies to the construct it was made on and everything beneath
    it. Reasons that are empty or only whitespace are kept in :attr:`entries` (so that a
    front can say so) but accept nothing.

    Examples
    --------
    >>> acks = Acknowledgements()
    >>> acks.add("App/Api", {"BestLambda::BestLambda-Arm64": "x86-only library"})
    >>> acks.reason("BestLambda-Arm64", "App/Api/Fn/Resource")
    'x86-only library'
    """

    by_path: dict[str, dict[str, str]] = field(default_factory=dict)
    entries: list[Acknowledgement] = field(default_factory=list)

    def add(self, path: str, data: Mapping[str, Any]) -> None:
        """Record the acknowledgements of one metadata entry at ``path``."""
        path = path.strip("/")
        bucket = self.by_path.setdefault(path, {})
        for raw, reason in data.items():
            text = reason if isinstance(reason, str) else ""
            self.entries.append(Acknowledgement(path, str(raw), text))
            if text.strip():
                bucket[normalize_ack_id(str(raw))] = text

    def reason(self, finding_id: str, path: str) -> str | None:
        """The reason ``finding_id`` is acknowledged at ``path`` or an ancestor, if it is."""
        parts = path.strip("/").split("/")
        for end in range(len(parts), -1, -1):
            reason = self.by_path.get("/".join(parts[:end]), {}).get(finding_id)
            if reason is not None:
                return reason
        return None


@dataclass
class StackTemplate:
    """One template of an assembly, top-level stack or nested stack, ready for the engine.

    Attributes
    ----------
    name
        The stack's construct path (``Prod/Api``, ``Prod/Api/Inner`` for a nested stack):
        how reports name it, stable across synthesis folders.
    template_path
        The template file.
    template
        The parsed template.
    paths
        Logical ID -> construct path of every resource of this template.
    assets
        The stack's file assets (sizes for ``BestLambda-AssetSize``); nested stacks share
        their top-level stack's.
    parent
        The ``name`` of the parent template, for a nested stack.
    parameters
        For a nested stack, what its parent passes to each parameter (the parent's
        ``AWS::CloudFormation::Stack`` ``Parameters``, in the parent's terms).
    """

    name: str
    template_path: Path
    template: dict[str, Any]
    paths: dict[str, str] = field(default_factory=dict)
    assets: AssetCatalog | None = None
    parent: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def nested(self) -> bool:
        """Whether this is a nested stack's template."""
        return self.parent is not None

    def as_template_input(self) -> TemplateInput:
        """The engine's view of this template."""
        return TemplateInput(self.name, self.template, self.paths, self.assets)


@dataclass
class CloudAssembly:
    """Every template of an assembly (parents before their nested stacks) and its metadata.

    Attributes
    ----------
    directory
        The assembly's top folder.
    stacks
        Top-level and nested stack templates, Stages' included.
    acknowledgements
        Every acknowledgement recorded in the stacks' metadata.
    metadata
        Every metadata entry of every stack, by construct path (for summaries).
    """

    directory: Path
    stacks: list[StackTemplate] = field(default_factory=list)
    acknowledgements: Acknowledgements = field(default_factory=Acknowledgements)
    metadata: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def templates(self) -> list[TemplateInput]:
        """The engine's view of every template."""
        return [stack.as_template_input() for stack in self.stacks]


def is_cloud_assembly(path: Path) -> bool:
    """Whether ``path`` is a folder with a cloud assembly manifest."""
    return path.is_dir() and (path / "manifest.json").is_file()


def _json(path: Path, what: str) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AssemblyError(path, f"{what} is missing") from None
    except (OSError, UnicodeDecodeError) as error:
        raise AssemblyError(path, f"cannot read the {what}: {error}") from None
    except ValueError as error:
        raise AssemblyError(path, f"the {what} is not valid JSON: {error}") from None
    if not isinstance(loaded, dict):
        raise AssemblyError(path, f"the {what} must be a JSON object")
    return loaded


def read_assembly(directory: str | Path) -> CloudAssembly:
    """Read every stack of the assembly in ``directory``, Stages and nested stacks included.

    Raises
    ------
    AssemblyError
        When the manifest, a template or a metadata file cannot be read.

    Examples
    --------
    >>> assembly = read_assembly("cdk.out")  # doctest: +SKIP
    >>> [s.name for s in assembly.stacks]  # doctest: +SKIP
    ['Orders', 'Prod/Api', 'Prod/Api/Inner']
    """
    folder = Path(directory)
    assembly = CloudAssembly(folder)
    for manifest_folder, artifact_id, artifacts in _stack_artifacts(folder):
        _read_stack(assembly, manifest_folder, artifact_id, artifacts)
    return assembly


def read_stacks(template_paths: Iterable[str | Path]) -> CloudAssembly:
    """Read the given top-level stack templates and their nested stacks.

    What a CDK validation plugin receives is the list of top-level templates; each one's
    folder holds the manifest that describes it. A template no manifest describes is read
    on its own, with construct paths from its ``aws:cdk:path`` metadata.
    """
    paths = [Path(p) for p in template_paths]
    root = paths[0].parent if paths else Path()
    assembly = CloudAssembly(root)
    manifests: dict[Path, dict[str, Any]] = {}
    for path in paths:
        folder = path.parent
        if folder not in manifests:
            manifest_path = folder / "manifest.json"
            manifests[folder] = (
                _json(manifest_path, "assembly manifest") if manifest_path.is_file() else {}
            )
        artifacts: dict[str, Any] = manifests[folder].get("artifacts") or {}
        artifact_id = next(
            (
                key
                for key, artifact in artifacts.items()
                if (artifact.get("properties") or {}).get("templateFile") == path.name
            ),
            None,
        )
        if artifact_id is None:
            template = _json(path, "template")
            assembly.stacks.append(StackTemplate(path.stem, path, template))
            continue
        _read_stack(assembly, folder, artifact_id, artifacts)
    return assembly


def _stack_artifacts(folder: Path) -> Iterator[tuple[Path, str, dict[str, Any]]]:
    manifest = _json(folder / "manifest.json", "assembly manifest")
    artifacts: dict[str, Any] = manifest.get("artifacts") or {}
    for artifact_id, artifact in artifacts.items():
        kind = artifact.get("type")
        properties = artifact.get("properties") or {}
        if kind == _STACK and "templateFile" in properties:
            yield folder, artifact_id, artifacts
        elif kind == _NESTED_ASSEMBLY and "directoryName" in properties:
            yield from _stack_artifacts(folder / properties["directoryName"])


def _read_stack(
    assembly: CloudAssembly, folder: Path, artifact_id: str, artifacts: dict[str, Any]
) -> None:
    artifact = artifacts[artifact_id]
    template_path = folder / artifact["properties"]["templateFile"]
    metadata: dict[str, list[dict[str, Any]]] = dict(artifact.get("metadata") or {})
    extra = artifact.get("additionalMetadataFile")
    if extra:
        metadata.update(_json(folder / extra, "stack metadata file"))
    assembly.metadata.update(metadata)
    assets = None
    for dependency in artifact.get("dependencies") or []:
        dep = artifacts.get(dependency) or {}
        if dep.get("type") == _ASSET_MANIFEST:
            assets = AssetCatalog.from_manifest(folder / dep["properties"]["file"])

    stack_path = str(artifact.get("displayName") or artifact_id).strip("/")
    # Every template of this stack, by construct path: the stack and its nested stacks.
    template_files: dict[str, str] = {}
    logical_ids: list[tuple[str, str]] = []
    for construct_path, entries in metadata.items():
        path = construct_path.strip("/")
        for entry in entries:
            kind, data = entry.get("type"), entry.get("data")
            if kind == LOGICAL_ID_METADATA and isinstance(data, str):
                logical_ids.append((path, data))
            elif kind == TEMPLATE_FILE_METADATA and isinstance(data, str):
                template_files[path] = data
            elif kind == ACK_METADATA and isinstance(data, dict):
                assembly.acknowledgements.add(path, data)
    # The stack's own construct path is where its template file is recorded (the display
    # name can differ, e.g. with an explicit stack name).
    stack_path = next((p for p, f in template_files.items() if f == template_path.name), stack_path)
    template_files[stack_path] = template_path.name

    owners = sorted(template_files, key=len, reverse=True)
    paths_by_owner: dict[str, dict[str, str]] = {owner: {} for owner in template_files}
    for path, logical_id in logical_ids:
        owner = next((o for o in owners if path == o or path.startswith(o + "/")), stack_path)
        paths_by_owner[owner][logical_id] = path

    def parent_of(path: str) -> str | None:
        return next((o for o in owners if path.startswith(o + "/")), None)

    # Parents before children: sort by depth.
    for owner in sorted(template_files, key=lambda p: p.count("/")):
        parent = None if owner == stack_path else parent_of(owner)
        file = template_path if parent is None else folder / template_files[owner]
        parameters: dict[str, Any] = {}
        if parent is not None:
            parameters = _passed_parameters(assembly, parent, owner, paths_by_owner[parent])
        assembly.stacks.append(
            StackTemplate(
                name=owner,
                template_path=file,
                template=_json(file, "nested stack template" if parent else "stack template"),
                paths=paths_by_owner[owner],
                assets=assets,
                parent=parent,
                parameters=parameters,
            )
        )


def _passed_parameters(
    assembly: CloudAssembly, parent: str, nested: str, parent_paths: Mapping[str, str]
) -> dict[str, Any]:
    """The ``Parameters`` of the parent's ``AWS::CloudFormation::Stack`` for ``nested``.

    CDK places that resource at ``<nested>.NestedStack/<id>.NestedStackResource``.
    """
    stack_id = nested.rsplit("/", 1)[-1]
    resource_path = f"{nested}.NestedStack/{stack_id}.NestedStackResource"
    logical_id = next((lid for lid, p in parent_paths.items() if p == resource_path), None)
    parent_template = next((s.template for s in assembly.stacks if s.name == parent), {})
    resource = (parent_template.get("Resources") or {}).get(logical_id or "", {})
    properties = resource.get("Properties") if isinstance(resource, dict) else None
    passed = properties.get("Parameters") if isinstance(properties, dict) else None
    return dict(passed) if isinstance(passed, dict) else {}
