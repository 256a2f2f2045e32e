"""A diff of two template snapshots that says where each change is.

A line diff of pretty-printed JSON shows ``-  "MemorySize": 512,`` but not which of the
stack's functions it belongs to. Each hunk here is headed by the JSON path of its first
changed line (``Resources.ApiFunction7A3F24D0.Properties.MemorySize``), so a failing
snapshot test reads like a change set. Pure Python, linear in the snapshot size.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from difflib import SequenceMatcher

__all__ = ["json_line_paths", "template_diff"]

_KEY = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


def _join(segments: Sequence[str]) -> str:
    path = ""
    for segment in segments:
        path += segment if segment.startswith("[") or not path else f".{segment}"
    return path or "(template)"


def json_line_paths(lines: Sequence[str]) -> list[str]:
    """The JSON path of the value on each line of indented JSON (``json.dumps(indent=...)``).

    Closing lines get the path of the container they close.
    """
    # One entry per open container: its path segment (None for the root), whether it is an
    # array, and the index of its next element.
    stack: list[tuple[str | None, bool, list[int]]] = []
    paths = []

    def names() -> list[str]:
        return [segment for segment, _, _ in stack if segment is not None]

    for line in lines:
        text = line.strip()
        if text.startswith(("}", "]")):
            paths.append(_join(names()))
            if stack:
                stack.pop()
            continue
        segment: str | None = None
        if stack and stack[-1][1]:
            counter = stack[-1][2]
            segment = f"[{counter[0]}]"
            counter[0] += 1
        else:
            match = _KEY.match(text)
            if match:
                segment = json.loads(f'"{match.group(1)}"')
        here = names() + ([segment] if segment is not None else [])
        paths.append(_join(here))
        if text.endswith(("{", "[")):
            stack.append((segment, text.endswith("["), [0]))
    return paths


def template_diff(snapshot: str, received: str, *, context: int = 0) -> Iterator[str]:
    """Diff lines (``-`` snapshot, ``+`` received), each hunk under its JSON path.

    The first line sums up where the template changed: it survives pytest's truncation of
    long assertion messages.
    """
    old, new = snapshot.splitlines(), received.splitlines()
    old_paths, new_paths = json_line_paths(old), json_line_paths(new)
    groups = list(SequenceMatcher(None, old, new, autojunk=False).get_grouped_opcodes(context))
    wheres = []
    for group in groups:
        _, i1, i2, j1, _ = next(op for op in group if op[0] != "equal")
        wheres.append(old_paths[i1] if i1 < i2 else new_paths[j1])
    if not groups:
        return
    count = f"{len(groups)} change{'s' * (len(groups) != 1)}"
    yield f"{count} at: {', '.join(dict.fromkeys(wheres))}"
    for where, group in zip(wheres, groups, strict=True):
        yield f"@@ {where} @@"
        for tag, a1, a2, b1, b2 in group:
            if tag == "equal":
                yield from (f" {line}" for line in old[a1:a2])
                continue
            yield from (f"-{line}" for line in old[a1:a2])
            yield from (f"+{line}" for line in new[b1:b2])
