"""Write small wheels by hand, so the bundling tests need no network and no build backend.

A wheel is a zip with the package's files plus ``<name>-<version>.dist-info/`` (METADATA,
WHEEL, RECORD); see the binary distribution format specification. Each wheel here is
deterministic: fixed order, fixed timestamps.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["write_wheel"]

_EPOCH = (2020, 1, 1, 0, 0, 0)


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def write_wheel(
    wheelhouse: Path,
    name: str,
    version: str = "1.0",
    *,
    files: Mapping[str, str | bytes] | None = None,
    requires: Iterable[str] = (),
    tag: str = "py3-none-any",
    console_scripts: Mapping[str, str] | None = None,
    license_text: str | None = None,
) -> Path:
    """Write ``<name>-<version>-<tag>.whl`` into ``wheelhouse`` and return its path.

    ``files`` maps paths inside the wheel (``"orders_lib/__init__.py"``) to contents; by
    default the wheel holds one module named after the distribution.
    """
    wheelhouse.mkdir(parents=True, exist_ok=True)
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    purelib = tag.endswith("-any")
    contents: dict[str, bytes] = {}
    for path, text in (files or {f"{dist}/__init__.py": f"VERSION = {version!r}\n"}).items():
        contents[path] = text.encode() if isinstance(text, str) else text
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {r}" for r in requires]
    if license_text is not None:
        metadata.append("License-File: LICENSE")
        contents[f"{info}/licenses/LICENSE"] = license_text.encode()
    contents[f"{info}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    wheel = ["Wheel-Version: 1.0", "Generator: best-lambda-tests", f"Root-Is-Purelib: {purelib}"]
    wheel += [f"Tag: {t}" for t in _expand(tag)]
    contents[f"{info}/WHEEL"] = ("\n".join(wheel) + "\n").encode()
    if console_scripts:
        lines = ["[console_scripts]"] + [f"{k} = {v}" for k, v in console_scripts.items()]
        contents[f"{info}/entry_points.txt"] = ("\n".join(lines) + "\n").encode()
    record = [f"{p},{_record_hash(d)},{len(d)}" for p, d in contents.items()]
    record.append(f"{info}/RECORD,,")
    contents[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = wheelhouse / f"{dist}-{version}-{tag}.whl"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name_in_zip, data in contents.items():
            entry = zipfile.ZipInfo(name_in_zip, date_time=_EPOCH)
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return path


def _expand(tag: str) -> list[str]:
    """``cp312-cp312-a.b`` -> the ``Tag:`` lines of a compressed tag set."""
    python, abi, platforms = tag.split("-")
    return [
        f"{p}-{a}-{plat}"
        for p in python.split(".")
        for a in abi.split(".")
        for plat in platforms.split(".")
    ]
