"""Inputs for the rule engine, read as plain data: cloud assemblies and template files.

:mod:`best_lambda.assembly.cloud` reads a synthesized ``cdk.out`` (stages, stacks, nested
stacks at any depth, construct paths, acknowledgements); :mod:`best_lambda.assembly.loader`
reads a CloudFormation template (JSON, YAML with short-form intrinsics) or a SAM template
(translated offline). Neither imports aws-cdk-lib: the CLI, the cdk-nag pack, the enforcing
plugin and the testing helpers all read through here.

Examples
--------
>>> from best_lambda.assembly import read_assembly, load_template
>>> assembly = read_assembly("cdk.out")  # doctest: +SKIP
>>> loaded = load_template("template.yaml")  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from best_lambda._lazy import lazy_attributes

if TYPE_CHECKING:
    from best_lambda.assembly.cloud import (
        Acknowledgement,
        Acknowledgements,
        AssemblyError,
        CloudAssembly,
        StackTemplate,
        is_cloud_assembly,
        normalize_ack_id,
        read_assembly,
        read_stacks,
    )
    from best_lambda.assembly.loader import (
        LoadedTemplate,
        NotATemplateError,
        TemplateLoadError,
        load_template,
        looks_like_template,
        parse_template,
    )

__all__ = [
    "Acknowledgement",
    "Acknowledgements",
    "AssemblyError",
    "CloudAssembly",
    "LoadedTemplate",
    "NotATemplateError",
    "StackTemplate",
    "TemplateLoadError",
    "is_cloud_assembly",
    "load_template",
    "looks_like_template",
    "normalize_ack_id",
    "parse_template",
    "read_assembly",
    "read_stacks",
]

_CLOUD = "best_lambda.assembly.cloud"
_LOADER = "best_lambda.assembly.loader"
#: Lazy, so that reading a cloud assembly does not import the YAML loader.
_LAZY = {
    **dict.fromkeys(
        [
            "Acknowledgement",
            "Acknowledgements",
            "AssemblyError",
            "CloudAssembly",
            "StackTemplate",
            "is_cloud_assembly",
            "normalize_ack_id",
            "read_assembly",
            "read_stacks",
        ],
        _CLOUD,
    ),
    **dict.fromkeys(
        [
            "LoadedTemplate",
            "NotATemplateError",
            "TemplateLoadError",
            "load_template",
            "looks_like_template",
            "parse_template",
        ],
        _LOADER,
    ),
}

__getattr__, __dir__ = lazy_attributes(globals(), _LAZY)
