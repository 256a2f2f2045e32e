"""Load a CloudFormation or SAM template from a file: JSON, YAML, short-form intrinsics.

CloudFormation accepts YAML with short-form intrinsic functions (``!Ref Queue``,
``!GetAtt Fn.Arn``, ``!Sub ...``) that plain YAML loaders reject; this loader (PyYAML, the
standard) turns each into the long form the rule engine reads (``{"Ref": "Queue"}``,
``{"Fn::GetAtt": ["Fn", "Arn"]}``). It keeps dates as strings (``2010-09-09``), refuses
duplicate keys (CloudFormation does too), and records the line of each resource so reports
can point into the file.

A SAM template (``Transform: AWS::Serverless-2016-10-31``) is translated to plain
CloudFormation offline with ``aws-sam-translator`` (the optional extra
``best-lambda[sam]``), as SAM CLI and cfn-lint do: local ``CodeUri`` paths become
placeholder S3 locations first. Each resource it generates is traced back to the SAM
resource it came from (``FnRole`` -> ``Fn``), for lines and acknowledgements.

Every problem is a :class:`TemplateLoadError` naming the file and the reason: an empty
file, a binary file, a syntax error with its line and column, a document that is not a
template.
"""

from __future__ import annotations

import bisect
import copy
import json
import logging
import re
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "SAM_TRANSFORM",
    "LoadedTemplate",
    "NotATemplateError",
    "TemplateLoadError",
    "load_template",
    "looks_like_template",
    "parse_template",
]

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
_PLACEHOLDER_BUCKET = "placeholder-bucket"
#: Short-form tags CloudFormation understands, and the long form each stands for.
_SHORT_FORMS: dict[str, str] = {
    "Ref": "Ref",
    "Condition": "Condition",
    **{
        name: f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Contains",
            "EachMemberEquals",
            "EachMemberIn",
            "Equals",
            "FindInMap",
            "ForEach",
            "GetAZs",
            "GetAtt",
            "If",
            "ImportValue",
            "Join",
            "Length",
            "Not",
            "Or",
            "RefAll",
            "Select",
            "Split",
            "Sub",
            "ToJsonString",
            "Transform",
            "ValueOf",
            "ValueOfAll",
        )
    },
}


class TemplateLoadError(ValueError):
    """A file that cannot be checked: its path and why.

    Attributes
    ----------
    path
        The file (as given).
    reason
        What is wrong, for a person (line and column for syntax errors).
    """

    def __init__(self, path: Path | str, reason: str):
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class NotATemplateError(TemplateLoadError):
    """A document that parses but is not a template: not a mapping, or no ``Resources``.

    A folder search skips such files; named explicitly, one is an input error.
    """


@dataclass
class LoadedTemplate:
    """A template ready for the engine, and what is known about where it came from.

    Attributes
    ----------
    path
        The file.
    template
        Plain CloudFormation (SAM already translated).
    source
        The document as written (before any translation).
    format
        ``"json"`` or ``"yaml"``.
    sam
        Whether it was a SAM template.
    lines
        Logical ID of a resource as written -> the line of its key in the file.
    origin
        Logical ID in :attr:`template` -> the logical ID as written that it comes from
        (itself, or the SAM resource that generated it).
    """

    path: Path
    template: dict[str, Any]
    source: dict[str, Any]
    format: str
    sam: bool = False
    lines: dict[str, int] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)

    def line_of(self, logical_id: str) -> int | None:
        """The line where the resource ``logical_id`` (or the one it came from) starts."""
        return self.lines.get(self.origin.get(logical_id, logical_id))


# -- YAML -----------------------------------------------------------------------------------
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CloudFormationLoader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML with CloudFormation's short forms, dates as text, no duplicate keys."""

    resource_lines: dict[str, int]

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Hashable, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first on line {seen[key] + 1})",
                    key_node.start_mark,
                )
            if isinstance(key, Hashable):
                seen[key] = key_node.start_mark.line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping

    def get_single_data(self) -> Any:
        node = self.get_single_node()
        self.resource_lines = {}
        if node is None:
            return None
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if key_node.value == "Resources" and isinstance(value_node, yaml.MappingNode):
                    for resource_key, _ in value_node.value:
                        self.resource_lines[str(resource_key.value)] = (
                            resource_key.start_mark.line + 1
                        )
        return self.construct_document(node)


def _short_form(loader: _CloudFormationLoader, suffix: str, node: yaml.Node) -> Any:
    long = _SHORT_FORMS.get(suffix)
    if long is None:
        raise yaml.constructor.ConstructorError(
            None, None, f"unknown tag !{suffix} (not a CloudFormation intrinsic)", node.start_mark
        )
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if long == "Fn::GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        elif long == "Fn::GetAZs" and value is None:
            value = ""
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
    else:  # pragma: no cover - YAML has no other node kinds
        raise TypeError(type(node).__name__)
    return {long: value}


def _as_text(loader: _CloudFormationLoader, node: yaml.Node) -> str:
    return str(loader.construct_scalar(node))


_CloudFormationLoader.add_multi_constructor("!", _short_form)
_CloudFormationLoader.add_constructor("tag:yaml.org,2002:timestamp", _as_text)


# -- JSON lines -----------------------------------------------------------------------------
#: A JSON string (``"key":`` when group 2 matched) or a bracket; numbers and literals skipped.
_JSON_TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"(\s*:)?|[{}\[\]]')
_NEWLINE = re.compile("\n")


def _json_resource_lines(text: str, resources: Mapping[str, Any]) -> dict[str, int]:
    """Line of each key of the top-level ``Resources`` object.

    One pass over the tokens, keeping the key each open bracket belongs to, so that a
    property or output that shares a resource's name is never taken for it; then a binary
    search over line starts. (A regex per resource and a newline count from the top made
    this quadratic: 2.5 s on a 1.8 MB template.)
    """
    opened_by: list[str | None] = []  # the key each open bracket is the value of
    key: str | None = None
    positions: dict[str, int] = {}
    for match in _JSON_TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{", "["):
            opened_by.append(key)
            key = None
        elif token in ("}", "]"):
            if len(opened_by) == 2 and opened_by[1] == "Resources":
                break  # the end of Resources
            if opened_by:
                opened_by.pop()
            key = None
        elif match.group(2):
            key = match.group(1)
            if len(opened_by) == 2 and opened_by[1] == "Resources" and key in resources:
                positions.setdefault(key, match.start())
        else:
            key = None  # a string value
    end = max(positions.values(), default=0)
    newlines = [m.start() for m in _NEWLINE.finditer(text, 0, end)]
    return {name: bisect.bisect_right(newlines, at) + 1 for name, at in positions.items()}


# -- parsing --------------------------------------------------------------------------------
def _decode(data: bytes, path: Path) -> str:
    if b"\x00" in data[:8192]:
        raise TemplateLoadError(path, "binary file, not a template (it contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise TemplateLoadError(
            path, f"not UTF-8 text (byte {error.start}): a binary file, not a template"
        ) from None


def parse_template(text: str, path: Path | str) -> tuple[dict[str, Any], str, dict[str, int]]:
    r"""Parse template text: (document, ``"json"`` or ``"yaml"``, resource lines).

    JSON is tried first for ``.json`` files and text starting with ``{``; anything else is
    YAML. The document must be a mapping with a ``Resources`` mapping.

    Raises
    ------
    TemplateLoadError
        Empty, not parseable (with line and column), or not a template.

    Examples
    --------
    >>> doc, fmt, lines = parse_template("Resources:\n  Q:\n    Type: !Ref T\n", "t.yaml")
    >>> doc["Resources"]["Q"], fmt, lines
    ({'Type': {'Ref': 'T'}}, 'yaml', {'Q': 2})
    """
    path = Path(path)
    if not text.strip():
        raise TemplateLoadError(path, "the file is empty")
    document: Any
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise TemplateLoadError(
                path,
                f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            ) from None
        fmt = "json"
        lines: dict[str, int] = {}
        if isinstance(document, dict) and isinstance(document.get("Resources"), dict):
            lines = _json_resource_lines(text, document["Resources"])
    else:
        loader = _CloudFormationLoader(text)
        try:
            document = loader.get_single_data()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = error.problem or error.context or "syntax error"
            raise TemplateLoadError(path, f"invalid YAML{where}: {problem}") from None
        except yaml.YAMLError as error:
            raise TemplateLoadError(path, f"invalid YAML: {error}") from None
        finally:
            loader.dispose()
        fmt, lines = "yaml", loader.resource_lines
    if not isinstance(document, dict):
        kind = "nothing" if document is None else f"a {type(document).__name__}"
        raise NotATemplateError(
            path, f"not a CloudFormation template: the document is {kind}, not a mapping"
        )
    resources = document.get("Resources")
    if resources is None:
        raise NotATemplateError(
            path, "not a CloudFormation template: it has no 'Resources' section"
        )
    if not isinstance(resources, dict):
        raise TemplateLoadError(
            path, f"'Resources' must be a mapping of resources, not a {type(resources).__name__}"
        )
    return document, fmt, lines


def looks_like_template(path: Path) -> bool:
    """A cheap guess, for folder searches: a text file that mentions ``Resources``."""
    if path.suffix.lower() not in TEMPLATE_SUFFIXES:
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(1 << 20)
    except OSError:
        return False
    return b"Resources" in head and b"\x00" not in head[:8192]


def is_sam(document: Mapping[str, Any]) -> bool:
    """Whether the template declares the SAM transform."""
    transform = document.get("Transform")
    names = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in names


def load_template(path: str | Path) -> LoadedTemplate:
    """Read, parse and (for SAM) translate the template in ``path``.

    Raises
    ------
    TemplateLoadError
        Missing, unreadable, empty, binary, not parseable, not a template, a SAM template
        without ``aws-sam-translator`` installed, or one SAM rejects.

    Examples
    --------
    >>> loaded = load_template("template.yaml")  # doctest: +SKIP
    >>> loaded.sam, sorted(loaded.template["Resources"])  # doctest: +SKIP
    (True, ['Fn', 'FnRole'])
    """
    path = Path(path)
    if not path.exists():
        raise TemplateLoadError(path, "no such file or folder")
    if path.is_dir():
        raise TemplateLoadError(path, "is a folder, not a template file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TemplateLoadError(path, f"cannot read it: {error.strerror or error}") from None
    document, fmt, lines = parse_template(_decode(data, path), path)
    loaded = LoadedTemplate(path, document, document, fmt, lines=lines)
    if is_sam(document):
        loaded.template = translate_sam(document, path)
        loaded.sam = True
    loaded.origin = _origins(loaded.template, document)
    return loaded


def _origins(template: Mapping[str, Any], source: Mapping[str, Any]) -> dict[str, str]:
    """Translated logical ID -> the logical ID as written (itself, or its SAM resource).

    SAM names what it generates after the resource it comes from (``Fn`` -> ``FnRole``,
    ``FnSQSEvent``); the longest written logical ID that prefixes a generated one wins, so
    ``Fn`` and ``FnRole`` written side by side each keep their own.
    """
    written = sorted(source.get("Resources") or {}, key=len, reverse=True)
    origins: dict[str, str] = {}
    for logical_id in template.get("Resources") or {}:
        if logical_id in (source.get("Resources") or {}):
            origins[logical_id] = logical_id
            continue
        origin = next((w for w in written if logical_id.startswith(w)), None)
        if origin is not None:
            origins[logical_id] = origin
    return origins


# -- SAM ------------------------------------------------------------------------------------
class _Region:
    """What aws-sam-translator reads from a boto3 session: only the region (no AWS call)."""

    region_name = "us-east-1"


def _placeholder(uri: Any, fallback: str) -> Any:
    """A local path becomes a placeholder S3 location (SAM accepts only S3 at this stage)."""
    if uri is None:
        return {"Bucket": _PLACEHOLDER_BUCKET, "Key": f"CodeUri/{fallback}"}
    if isinstance(uri, str) and not uri.startswith("s3://"):
        return {"Bucket": _PLACEHOLDER_BUCKET, "Key": "CodeUri/" + (uri.strip("/") or "root")}
    return uri


def _prepare_sam(document: dict[str, Any]) -> dict[str, Any]:
    prepared = copy.deepcopy(document)
    globals_: dict[str, Any] = prepared.get("Globals") or {}
    global_fn: dict[str, Any] = {}
    if isinstance(globals_, dict) and isinstance(globals_.get("Function"), dict):
        global_fn = globals_["Function"]
    if "CodeUri" in global_fn:
        global_fn["CodeUri"] = _placeholder(global_fn["CodeUri"], "root")
    for resource in (prepared.get("Resources") or {}).values():
        if not isinstance(resource, dict) or not isinstance(resource.get("Properties"), dict):
            continue
        props = resource["Properties"]
        rtype = resource.get("Type")
        if rtype == "AWS::Serverless::Function":
            image = props.get("PackageType") == "Image" or "ImageUri" in props
            if "InlineCode" in props or image:
                continue
            if "CodeUri" in props or ("CodeUri" not in global_fn and "InlineCode" not in global_fn):
                props["CodeUri"] = _placeholder(props.get("CodeUri"), "root")
        elif rtype == "AWS::Serverless::LayerVersion" and "ContentUri" in props:
            props["ContentUri"] = _placeholder(props["ContentUri"], "root")
        elif rtype in ("AWS::Serverless::Api", "AWS::Serverless::HttpApi") and isinstance(
            props.get("DefinitionUri"), str
        ):
            props["DefinitionUri"] = _placeholder(props["DefinitionUri"], "root")
    return prepared


def translate_sam(document: dict[str, Any], path: Path | str) -> dict[str, Any]:
    """Translate a SAM template to CloudFormation, offline.

    Raises
    ------
    TemplateLoadError
        When ``aws-sam-translator`` is not installed (saying how to install it) or SAM
        rejects the template (with SAM's own reasons).
    """
    try:
        from samtranslator.model.exceptions import InvalidDocumentException
        from samtranslator.parser.parser import Parser
        from samtranslator.translator.translator import Translator
    except ImportError:
        raise TemplateLoadError(
            path,
            f"is a SAM template (Transform: {SAM_TRANSFORM}); translating it needs "
            "aws-sam-translator: pip install 'best-lambda[sam]'",
        ) from None
    translator = Translator({}, Parser(), boto_session=_Region())
    quiet = logging.getLogger("samtranslator")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # it logs metrics and feature-toggle notes as warnings
    try:
        translated: dict[str, Any] = translator.translate(
            _prepare_sam(document), parameter_values={}
        )
    except InvalidDocumentException as error:
        reasons = "; ".join(str(getattr(e, "message", e)) for e in error.causes)
        raise TemplateLoadError(path, f"SAM cannot translate it: {reasons}") from None
    except Exception as error:  # the translator's other failures are its own
        raise TemplateLoadError(
            path, f"SAM cannot translate it: {type(error).__name__}: {error}"
        ) from None
    finally:
        quiet.setLevel(level)
        translator.metrics.publish()  # else it warns about unpublished metrics at exit
    return translated
