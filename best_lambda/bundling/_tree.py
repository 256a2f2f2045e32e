"""What the installer left in the target folder, and how it is trimmed for Lambda.

pip and uv install the same files from a wheel, but each adds its own bookkeeping
(RECORD, INSTALLER, REQUESTED, direct_url.json, uv_cache.json, ``.lock``) and console
scripts whose first line is the absolute path of the build machine's Python. All of that
is removed, so the folder depends only on the wheels installed. Pure Python.
"""

from __future__ import annotations

import csv
import os
import shutil
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.parser import HeaderParser
from pathlib import Path

from best_lambda.bundling._requirements import NAME as _NAME
from best_lambda.bundling._requirements import normalize
from best_lambda.defaults.bundling import LICENSE_FILE_PREFIXES

__all__ = ["Dist", "clean", "leave_out", "normalize_modes", "read_dists", "remove"]

#: Folders never shipped from installed packages: bytecode caches and test suites.
_JUNK_DIRS = frozenset({"__pycache__", "tests", "test"})
#: dist-info files kept with ``keep_metadata``: what importlib.metadata reads.
_METADATA_FILES = frozenset({"METADATA", "entry_points.txt"})


@dataclass
class Dist:
    """One installed distribution (from its ``*.dist-info``)."""

    name: str
    version: str
    info_dir: Path
    requires: frozenset[str]
    files: list[Path] = field(default_factory=list)
    requirements: tuple[str, ...] = ()


def read_dists(root: Path) -> dict[str, Dist]:
    """Installed distributions under ``root`` by normalized name."""
    dists: dict[str, Dist] = {}
    for info in sorted(root.glob("*.dist-info")):
        try:
            headers = HeaderParser().parsestr((info / "METADATA").read_text(errors="replace"))
        except OSError:
            continue
        name = headers.get("Name") or info.name.split("-")[0]
        requirements = tuple(headers.get_all("Requires-Dist") or [])
        requires = frozenset(
            normalize(match[1])
            for requirement in requirements
            if (match := _NAME.match(requirement))
        )
        dist = Dist(normalize(name), headers.get("Version") or "", info, requires)
        dist.requirements = requirements
        record = info / "RECORD"
        if record.is_file():
            with record.open(newline="") as handle:
                for row in csv.reader(handle):
                    if row and _inside(root, info.parent / row[0]):
                        dist.files.append(info.parent / row[0])
        dists[dist.name] = dist
    return dists


def _inside(root: Path, path: Path) -> bool:
    return os.path.normpath(path).startswith(os.path.normpath(root) + os.sep)


def leave_out(
    dists: Mapping[str, Dist], runtime_has: Iterable[str], declared: Iterable[str]
) -> tuple[set[str], set[str]]:
    """(distributions to leave out, runtime packages kept because they were declared).

    A runtime package (boto3, ...) is left out unless the user declared it, or a declared
    runtime package needs it. A distribution goes with it when nothing that stays needs it.
    Environment markers are ignored, which can only keep more, never break an import.
    """
    runtime = {normalize(n) for n in runtime_has} & dists.keys()
    declared_set = {normalize(n) for n in declared}
    pinned = runtime & declared_set
    needed_by_pinned = _closure(dists, pinned)
    dropped_runtime = runtime - needed_by_pinned
    dependents: dict[str, set[str]] = {name: set() for name in dists}
    for dist in dists.values():
        for requirement in dist.requires & dists.keys():
            dependents[requirement].add(dist.name)
    roots = {
        name
        for name in dists
        if name not in dropped_runtime
        and (name in declared_set or name in needed_by_pinned or not dependents[name])
    }
    kept: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in kept or name in dropped_runtime:
            continue
        kept.add(name)
        todo.extend(dists[name].requires & dists.keys())
    # Only what the left-out runtime packages pulled in can go: a package reached from
    # nothing we could name (a URL requirement, say) stays.
    return (set(dists) - kept) & (_closure(dists, dropped_runtime) | dropped_runtime), pinned


def _closure(dists: Mapping[str, Dist], start: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        name = todo.pop()
        if name not in seen and name in dists:
            seen.add(name)
            todo.extend(dists[name].requires)
    return seen


def remove(root: Path, dists: Iterable[Dist]) -> None:
    """Delete the installed files of ``dists`` (from their RECORD) and their dist-info."""
    parents: set[Path] = set()
    for dist in dists:
        for path in dist.files:
            if path.is_file() or path.is_symlink():
                path.unlink()
                parents.add(path.parent)
        shutil.rmtree(dist.info_dir, ignore_errors=True)
    for start in sorted(parents, key=lambda p: len(p.parts), reverse=True):
        folder = start
        while folder != root and _inside(root, folder) and folder.is_dir():
            if any(folder.iterdir()):
                break
            folder.rmdir()
            folder = folder.parent


def clean(root: Path, *, keep_metadata: bool) -> None:
    """Trim an installed tree to what runs on Lambda (see the module docstring)."""
    scripts = root / "bin"
    if scripts.is_dir() and not (scripts / "__init__.py").exists():
        shutil.rmtree(scripts)  # console scripts: shebang = this machine's Python
    for entry in root.iterdir():
        if entry.name.startswith(".") and entry.is_file():
            entry.unlink()  # uv's .lock
    for info in root.glob("*.dist-info"):
        _trim_dist_info(info, keep_metadata=keep_metadata)
    for directory, subdirs, _ in os.walk(root):
        for name in list(subdirs):
            if name in _JUNK_DIRS and not directory.endswith(".dist-info"):
                shutil.rmtree(Path(directory) / name)
                subdirs.remove(name)


def _is_licence(name: str) -> bool:
    return name.upper().startswith(LICENSE_FILE_PREFIXES)


def _trim_dist_info(info: Path, *, keep_metadata: bool) -> None:
    for entry in list(info.iterdir()):
        if entry.is_dir():
            if entry.name not in ("licenses", "licences"):
                shutil.rmtree(entry)
        elif not (_is_licence(entry.name) or (keep_metadata and entry.name in _METADATA_FILES)):
            entry.unlink()
    if not any(info.iterdir()):
        info.rmdir()


def normalize_modes(root: Path) -> dict[str, int]:
    """Make modes independent of umask and machine (dirs and executables 755, files 644).

    Returns the bytes of regular files under each top-level entry, measured as
    ``BestLambda-AssetSize`` measures a folder (sum of file sizes, symlinks not counted).
    """
    sizes: dict[str, int] = {}
    for directory, subdirs, files in os.walk(root):
        here = Path(directory)
        here.chmod(0o755)
        top = here.relative_to(root).parts[0] if here != root else None
        for name in files:
            path = here / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                continue
            path.chmod(0o755 if info.st_mode & 0o111 else 0o644)
            key = top or name
            sizes[key] = sizes.get(key, 0) + info.st_size
        subdirs.sort()
    return sizes
