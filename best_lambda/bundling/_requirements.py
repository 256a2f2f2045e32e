"""Find a project's dependency file, the names it declares, and the file to install from.

The declared names decide whether boto3 & co. were listed on purpose; everything else
(versions, markers, includes, hashes) is left to the installer. Pure Python.
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from best_lambda.defaults.bundling import REQUIREMENTS_FILES

__all__ = ["NAME", "DependencyFile", "find_dependency_file", "normalize"]

#: A distribution name at the start of a requirement (PEP 508).
NAME = re.compile(r"^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_EGG = re.compile(r"#egg=([A-Za-z0-9._-]+)")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=\S))(\S+)")
_EDITABLE = re.compile(r"^(?:-e|--editable)(?:\s*=\s*|\s+)(\S+)")


def normalize(name: str) -> str:
    """PEP 503 normalized name: ``Foo_Bar.baz`` -> ``foo-bar-baz``."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class DependencyFile:
    """Where a project's dependencies are declared.

    Parameters
    ----------
    kind
        ``"requirements"`` (pip's format), ``"uv.lock"`` or ``"pyproject"``.
    path
        The file (for ``uv.lock``, the lock file; its pyproject.toml is beside it).
    """

    kind: str
    path: Path

    def declared(self) -> frozenset[str]:
        """Normalized names the user listed directly (not what they pull in)."""
        if self.kind == "requirements":
            return frozenset(_requirement_names(self.path, set()))
        pyproject = self.path if self.kind == "pyproject" else self.path.parent / "pyproject.toml"
        return frozenset(
            normalize(m[1]) for d in _project_dependencies(pyproject) if (m := NAME.match(d))
        )

    def requirement_strings(self) -> list[str]:
        """The requirements as written (with their markers), includes followed."""
        if self.kind == "requirements":
            return list(_requirement_lines(self.path, set()))
        pyproject = self.path if self.kind == "pyproject" else self.path.parent / "pyproject.toml"
        return _project_dependencies(pyproject)

    def is_empty(self) -> bool:
        """True when nothing is to be installed (no requirement line, no dependency)."""
        if self.kind == "requirements":
            return not any(True for _ in _requirement_lines(self.path, set()))
        pyproject = self.path if self.kind == "pyproject" else self.path.parent / "pyproject.toml"
        return not _project_dependencies(pyproject)

    def requirements_file(self, workdir: Path, uv: str | None) -> Path:
        """A file in pip's requirements format to install from (written under ``workdir``)."""
        if self.kind == "requirements":
            return self.path
        out = workdir / "requirements.txt"
        if self.kind == "pyproject":
            out.write_text("\n".join(_project_dependencies(self.path)) + "\n")
            return out
        if uv is None:
            raise FileNotFoundError(
                f"{self.path} is a uv lock file and uv is not installed: install uv "
                "(pip install uv), or pass requirements='requirements.txt' exported with "
                "'uv export --no-dev --no-emit-project -o requirements.txt'"
            )
        command = [uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-header"]
        command += ["--format", "requirements-txt", "--project", str(self.path.parent)]
        command += ["--output-file", str(out), "--quiet"]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise FileNotFoundError(f"uv export failed for {self.path}: {done.stderr.strip()}")
        return out


def find_dependency_file(project: Path, requirements: Path | None) -> DependencyFile | None:
    """The dependency file given, or the first of ``REQUIREMENTS_FILES`` in the project."""
    if requirements is not None:
        return DependencyFile(_kind(requirements), requirements)
    for name in REQUIREMENTS_FILES:
        candidate = project / name
        if not candidate.is_file():
            continue
        if name == "uv.lock" and not (project / "pyproject.toml").is_file():
            continue
        return DependencyFile(_kind(candidate), candidate)
    return None


def _kind(path: Path) -> str:
    if path.name == "uv.lock":
        return "uv.lock"
    return "pyproject" if path.name == "pyproject.toml" else "requirements"


def _project_dependencies(pyproject: Path) -> list[str]:
    data = tomllib.loads(pyproject.read_text())
    project = data.get("project") or {}
    if "dependencies" in (project.get("dynamic") or []):
        raise ValueError(
            f"{pyproject}: [project].dependencies is dynamic; write them out, or pass "
            "requirements='requirements.txt'"
        )
    dependencies = project.get("dependencies") or []
    if not isinstance(dependencies, list) or not all(isinstance(d, str) for d in dependencies):
        raise ValueError(f"{pyproject}: [project].dependencies must be a list of strings")
    return dependencies


def _lines(path: Path) -> Iterator[str]:
    """Logical lines of a requirements file: continuations joined, comments dropped."""
    text = path.read_text().replace("\\\n", "")
    for raw in text.splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if line:
            yield line


def _requirement_lines(path: Path, seen: set[Path]) -> Iterator[str]:
    """Requirement lines (editables unwrapped), following ``-r`` includes once each."""
    real = path.resolve()
    if real in seen:
        return
    seen.add(real)
    for line in _lines(path):
        if include := _INCLUDE.match(line):
            yield from _requirement_lines(path.parent / include[1], seen)
        elif editable := _EDITABLE.match(line):
            yield editable[1]
        elif not line.startswith("-"):  # options (--index-url, -c file, ...) are not
            yield line


def _requirement_names(path: Path, seen: set[Path]) -> Iterator[str]:
    for line in _requirement_lines(path, seen):
        if "://" in line.split("@")[0] or line.startswith((".", "/")):
            if egg := _EGG.search(line):
                yield normalize(egg[1])
            continue
        if name := NAME.match(line):
            yield normalize(name[1])
