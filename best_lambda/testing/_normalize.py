"""Turn a synthesized template into one that changes only when the infrastructure does.

Pure Python over the template dict (a :class:`~aws_cdk.Stack` is synthesized once, through
one jsii call, by :func:`~best_lambda.testing.template_of`).

What churns in a CDK template without any change a reviewer cares about:

* **asset hashes** — SHA-256 of the asset's bytes, in S3 keys (``<hash>.zip``), container
  image tags, nested-stack URLs and asset metadata: every edit of a handler changes them;
* **content-hashed logical IDs** — ``Fn.current_version`` (``FnCurrentVersion<8 hex><32
  hex>``) and API Gateway deployments (``ApiDeployment<8 hex><32 hex>``) carry a hash of
  their content in the ID, so every code change renames them and every reference to them;
* **CDK bookkeeping** — the ``BootstrapVersion`` parameter and ``CheckBootstrapVersion``
  rule (identical in every stack), the ``CDKMetadata`` resource (a compressed list of
  construct versions: changes on every aws-cdk-lib bump) and the ``aws:cdk:*`` /
  ``aws:asset:*`` resource metadata (construct paths, staged asset folders).

Each asset hash becomes ``<asset-N>``, numbered per template entry (resource, parameter,
output...) in key order, and within one entry in the order its hashes first appear: the
number depends only on where a hash is, never on its value. So the numbering does not move
when an asset's content changes, two different assets of one resource stay
distinguishable, and two resources whose assets happen to be identical keep their own
numbers (editing one of them does not renumber the other); the hash part of a
content-hashed logical ID becomes ``<hash>`` everywhere the ID is used. Everything else is
kept: a changed runtime, memory size, policy or alarm shows in the snapshot diff.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["normalize_template"]

#: A SHA-256 asset hash (CDK writes them lowercase), not part of a longer hex run.
_ASSET_HASH = re.compile(r"(?<![0-9A-Fa-f])[0-9a-f]{64}(?![0-9A-Fa-f])")
#: CDK's content-hashed logical IDs: <path-derived ID ending in 8 upper hex><32 lower hex>.
_HASHED_ID = re.compile(r"^(?P<stable>.*[0-9A-F]{8})(?P<hash>[0-9a-f]{32})$")
_CDK_METADATA_KEYS = ("aws:cdk:", "aws:asset:")
_BOOTSTRAP = (("Parameters", "BootstrapVersion"), ("Rules", "CheckBootstrapVersion"))


def normalize_template(
    template: Mapping[str, Any],
    *,
    keep_hashes: bool = False,
    keep_metadata: bool = False,
    keep_bootstrap: bool = False,
) -> dict[str, Any]:
    """A normalized, key-sorted copy of ``template`` (the input is not modified).

    Parameters
    ----------
    template
        A CloudFormation template as a dict (it must have ``Resources``).
    keep_hashes
        Keep asset hashes and content-hashed logical IDs as they are.
    keep_metadata
        Keep the ``CDKMetadata`` resource and condition and every resource's ``aws:cdk:*`` /
        ``aws:asset:*`` metadata (other metadata, such as cdk-nag's, is always kept).
    keep_bootstrap
        Keep the ``BootstrapVersion`` parameter and ``CheckBootstrapVersion`` rule.

    Raises
    ------
    TypeError
        When ``template`` is not a mapping with a ``Resources`` mapping.
    """
    if not isinstance(template, Mapping) or not isinstance(template.get("Resources"), Mapping):
        raise TypeError(
            "expected a CloudFormation template (a dict with a 'Resources' dict) or a "
            f"cdk.Stack, got {type(template).__name__}"
        )
    result: dict[str, Any] = dict(template)
    if not keep_bootstrap:
        for section, name in _BOOTSTRAP:
            _drop(result, section, name)
    if not keep_metadata:
        _drop(result, "Resources", "CDKMetadata")
        _drop(result, "Conditions", "CDKMetadataAvailable")
        result["Resources"] = {
            logical_id: _without_cdk_metadata(resource)
            for logical_id, resource in result["Resources"].items()
        }
    if keep_hashes:
        ordered: dict[str, Any] = _sorted(result)
        return ordered
    normalized: dict[str, Any] = _Placeholders(result["Resources"]).apply(result)
    return normalized


def _drop(template: dict[str, Any], section: str, name: str) -> None:
    entries = template.get(section)
    if not isinstance(entries, Mapping) or name not in entries:
        return
    rest = {key: value for key, value in entries.items() if key != name}
    if rest:
        template[section] = rest
    else:
        del template[section]


def _without_cdk_metadata(resource: Any) -> Any:
    if not isinstance(resource, Mapping) or not isinstance(resource.get("Metadata"), Mapping):
        return resource
    kept = {
        key: value
        for key, value in resource["Metadata"].items()
        if not str(key).startswith(_CDK_METADATA_KEYS)
    }
    rest = {key: value for key, value in resource.items() if key != "Metadata"}
    if kept:
        rest["Metadata"] = kept
    return rest


def _sorted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _sorted(value[key]) for key in sorted(value, key=str)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


class _Placeholders:
    """Replaces hashes in one pass over the template (linear in its size)."""

    def __init__(self, resources: Mapping[str, Any]) -> None:
        renames = {}
        for logical_id in resources:
            match = _HASHED_ID.match(str(logical_id))
            if match:
                renames[match.group(0)] = f"{match.group('stable')}<hash>"
        self._renames = renames
        # Longest first, so that no ID is replaced inside a longer one.
        self._rename_pattern = (
            re.compile("|".join(re.escape(i) for i in sorted(renames, key=len, reverse=True)))
            if renames
            else None
        )
        #: (template entry, hash) -> placeholder: a number per place, not per hash value.
        self._assets: dict[tuple[tuple[str, ...], str], str] = {}
        self._entry: tuple[str, ...] = ()

    def apply(self, value: Any, depth: int = 0) -> Any:
        if isinstance(value, Mapping):
            # Order by the renamed key with asset hashes masked, so that neither the order
            # nor the numbering of placeholders depends on a hash value.
            keys = sorted(value, key=self._order)
            out = {}
            for key in keys:
                if depth <= 1:  # a section ("Resources"), then an entry of it
                    self._entry = (*self._entry[:depth], self._order(key))
                out[self._string(str(key))] = self.apply(value[key], depth + 1)
            return out
        if isinstance(value, list):
            return [self.apply(item, depth + 1) for item in value]
        if isinstance(value, str):
            return self._string(value)
        return value

    def _order(self, key: Any) -> str:
        return _ASSET_HASH.sub("#", self._rename(str(key)))

    def _rename(self, text: str) -> str:
        if self._rename_pattern is None:
            return text
        return self._rename_pattern.sub(lambda m: self._renames[m.group(0)], text)

    def _string(self, text: str) -> str:
        return _ASSET_HASH.sub(self._asset, self._rename(text))

    def _asset(self, match: re.Match[str]) -> str:
        place = (self._entry, match.group(0))
        if place not in self._assets:
            self._assets[place] = f"<asset-{len(self._assets) + 1}>"
        return self._assets[place]
