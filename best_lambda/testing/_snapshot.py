"""A syrupy extension that stores each template snapshot as one reviewable JSON file."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import aws_cdk as cdk
from syrupy.extensions.json import JSONSnapshotExtension

from best_lambda.testing._diff import template_diff
from best_lambda.testing._synth import normalized

__all__ = ["TemplateSnapshotExtension"]


class TemplateSnapshotExtension(JSONSnapshotExtension):
    """One ``.json`` file per snapshot, holding the template as sorted CloudFormation JSON.

    A ``cdk.Stack`` is normalized with :func:`~best_lambda.testing.normalized`'s defaults;
    a dict is stored as given (so ``normalized(stack, keep_hashes=True)`` is honoured).
    One value per line and sorted keys keep diffs small, and a failing test's diff names
    where each change is (``@@ Resources.ApiFunction7A3F24D0.Properties.MemorySize @@``,
    then ``-  "MemorySize": 512,`` / ``+  "MemorySize": 1024,``). syrupy's ``exclude``,
    ``include`` and ``matcher`` work as with its JSON extension.

    The ``template_snapshot`` fixture (installed with best-lambda) is syrupy's ``snapshot``
    with this extension.

    Examples
    --------
    >>> def test_stack(snapshot):  # doctest: +SKIP
    ...     snap = snapshot.use_extension(TemplateSnapshotExtension)
    ...     assert normalized(MyStack(cdk.App(), "My")) == snap
    """

    def serialize(
        self,
        data: Any,
        *,
        exclude: Any = None,
        include: Any = None,
        matcher: Any = None,
    ) -> str:
        """The snapshot text of a Stack (normalized here) or of a template dict."""
        if isinstance(data, cdk.Stack):
            data = normalized(data)
        if not isinstance(data, Mapping):
            raise TypeError(
                "a template snapshot compares a cdk.Stack or a template dict "
                f"(normalized(stack)), not {type(data).__name__}"
            )
        text = super().serialize(data, exclude=exclude, include=include, matcher=matcher)
        return str(text)

    def diff_lines(self, serialized_data: Any, snapshot_data: Any) -> Iterator[str]:
        """The diff syrupy shows for a failing assertion, each hunk under its JSON path."""
        yield from template_diff(str(snapshot_data), str(serialized_data))
