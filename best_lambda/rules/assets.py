"""Sizes of local CDK assets, for ``BestLambda-AssetSize``.

A cloud assembly lists each stack's file assets in ``<stack>.assets.json``; a function's
``Code.S3Key`` (and a layer's ``Content.S3Key``) names the object an asset is published
as. :class:`AssetCatalog` maps that key back to the staged directory or zip file and
measures it, once per asset. Pure Python (``os``, ``zipfile``), no aws-cdk-lib.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["AssetCatalog", "AssetInfo"]

_SDK_MARKERS = ("boto3/__init__.py", "botocore/__init__.py")


@dataclass(frozen=True)
class AssetInfo:
    """What was measured of one asset."""

    path: Path
    unzipped_bytes: int
    bundles_boto3: bool


class AssetCatalog:
    """S3 object keys of one stack's file assets -> their local source, measured lazily.

    Examples
    --------
    >>> AssetCatalog({}).lookup("0123.zip") is None
    True
    """

    def __init__(self, sources: Mapping[str, Path]):
        self._sources = dict(sources)
        self._measured: dict[str, AssetInfo | None] = {}

    @classmethod
    def from_manifest(cls, manifest_path: Path) -> AssetCatalog:
        """Read a ``<stack>.assets.json``; an unreadable manifest yields an empty catalog."""
        try:
            manifest = json.loads(manifest_path.read_text())
        except (OSError, ValueError):
            return cls({})
        sources: dict[str, Path] = {}
        for entry in (manifest.get("files") or {}).values():
            source = (entry.get("source") or {}).get("path")
            if not isinstance(source, str):
                continue
            for destination in (entry.get("destinations") or {}).values():
                key = destination.get("objectKey")
                if isinstance(key, str):
                    sources[key] = manifest_path.parent / source
        return cls(sources)

    def lookup(self, object_key: str) -> AssetInfo | None:
        """The measured asset published as ``object_key``, or ``None`` if unknown here."""
        if object_key not in self._measured:
            path = self._sources.get(object_key)
            self._measured[object_key] = _measure(path) if path is not None else None
        return self._measured[object_key]


def _measure(path: Path) -> AssetInfo | None:
    if path.is_dir():
        total, boto3 = 0, False
        for directory, _, files in os.walk(path):
            for name in files:
                full = Path(directory) / name
                if not full.is_symlink():
                    total += full.stat().st_size
                if name == "__init__.py" and Path(directory).name in ("boto3", "botocore"):
                    boto3 = True
        return AssetInfo(path, total, boto3)
    if path.is_file() and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
        names = [i.filename for i in infos]
        bundled = any(n == m or n.endswith("/" + m) for n in names for m in _SDK_MARKERS)
        return AssetInfo(path, sum(i.file_size for i in infos), bundled)
    if path.is_file():
        return AssetInfo(path, path.stat().st_size, False)
    return None
