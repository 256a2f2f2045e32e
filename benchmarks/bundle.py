"""Bundle size and time of PythonCode against a plain ``pip install -t``, in one run.

Usage (after ``bash scripts/setup.sh``; uses the network unless given a wheelhouse)::

    python benchmarks/bundle.py                       # requests, pydantic, powertools + SDK
    python benchmarks/bundle.py --requirements my/requirements.txt --runtime python3.13
    python benchmarks/bundle.py --wheelhouse wheels/  # offline: --no-index --find-links

Each approach runs first with an empty download cache of its own (``cold``), then
``--repeat`` times with that cache (``warm``, the usual next ``cdk synth``; the median is
shown; ``cpu s`` is the CPU time of those warm runs, steadier on a shared machine). The
baseline is what people write by hand: ``pip install -r requirements.txt -t build/``,
which installs wheels for *this* machine (not necessarily Lambda's CPU or glibc), the AWS
SDK, bytecode and console scripts. ``zipped`` is the folder zipped at deflate level 6,
roughly what is uploaded. Ratios are printed, never asserted: timings depend on the
machine and the network.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from best_lambda.bundling import BundleSettings, Target, build

DEFAULT_REQUIREMENTS = "requests\npydantic\naws-lambda-powertools[aws-sdk]\n"


def measure(folder: Path) -> tuple[int, int, int]:
    """(files, unzipped bytes, zipped bytes) of a bundle folder."""
    files = [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()]
    unzipped = sum(p.stat().st_size for p in files)
    with tempfile.TemporaryDirectory() as scratch:
        archive = Path(scratch) / "bundle.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out:
            for path in files:
                out.write(path, path.relative_to(folder).as_posix())
        zipped = archive.stat().st_size
    return len(files), unzipped, zipped


def cpu_seconds() -> float:
    """CPU time of this process and its finished children: steadier than wall time on a
    shared machine."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def plain_pip(project: Path, out: Path, sources: list[str]) -> None:
    command = [sys.executable, "-m", "pip", "install", "-q", "-r", "requirements.txt"]
    command += ["-t", str(out), "--disable-pip-version-check", *sources]
    subprocess.run(command, cwd=project, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requirements", type=Path, help="a requirements.txt to bundle")
    parser.add_argument("--wheelhouse", type=Path, help="install offline from this folder")
    parser.add_argument("--index-url", default=None, help="default: pip's configuration")
    parser.add_argument("--runtime", default="python3.12")
    parser.add_argument("--architecture", default="arm64")
    parser.add_argument("--repeat", type=int, default=3, help="warm runs (median shown)")
    args = parser.parse_args()

    target = Target.of(args.runtime, args.architecture)
    work = Path(tempfile.mkdtemp(prefix="bundle-bench-"))
    project = work / "project"
    project.mkdir()
    (project / "app.py").write_text("def handler(event, context):\n    return 'ok'\n")
    text = args.requirements.read_text() if args.requirements else DEFAULT_REQUIREMENTS
    (project / "requirements.txt").write_text(text)
    sources: list[str] = []
    options: dict[str, object] = {}
    if args.wheelhouse:
        sources = ["--no-index", "--find-links", str(args.wheelhouse.absolute())]
        options = {"no_index": True, "find_links": (str(args.wheelhouse.absolute()),)}
    if args.index_url:
        sources += ["--index-url", args.index_url]
        options["index_url"] = args.index_url

    reports: list[str] = []

    def bundler(installer: str) -> Callable[[Path], None]:
        def run(out: Path) -> None:
            settings = BundleSettings(project, installer=installer, **options)  # type: ignore[arg-type]
            reports.append(f"{installer}: {build(settings, target, out).summary()}")

        return run

    approaches: dict[str, Callable[[Path], None]] = {
        "pip install -t (this machine)": lambda out: plain_pip(project, out, sources),
        "PythonCode, pip": bundler("pip"),
    }
    if shutil.which("uv"):
        approaches["PythonCode, uv"] = bundler("uv")

    print(f"requirements: {', '.join(text.split())}; target {target.describe()}")
    rows = []
    for name, run in approaches.items():
        caches = work / f"cache-{len(rows)}"
        os.environ["PIP_CACHE_DIR"] = str(caches / "pip")
        os.environ["UV_CACHE_DIR"] = str(caches / "uv")
        times, cpu = [], []
        for attempt in range(1 + args.repeat):
            out = work / f"out-{len(rows)}-{attempt}"
            started, cpu_started = time.perf_counter(), cpu_seconds()
            run(out)
            times.append(time.perf_counter() - started)
            cpu.append(cpu_seconds() - cpu_started)
        warm = statistics.median(times[1:])
        rows.append((name, times[0], warm, statistics.median(cpu[1:]), *measure(out)))

    print("\n".join(dict.fromkeys(r.rsplit(" [", 1)[0] for r in reports)))
    base = rows[0]
    print(
        f"{'approach':<32} {'cold s':>7} {'warm s':>7} {'cpu s':>6} {'files':>6} "
        f"{'unzip MB':>9} {'zip MB':>7}"
    )
    for name, cold, warm, cpu_s, files, unzipped, zipped in rows:
        print(
            f"{name:<32} {cold:7.2f} {warm:7.2f} {cpu_s:6.2f} {files:6d} "
            f"{unzipped / 1e6:9.2f} {zipped / 1e6:7.2f}"
        )
    print("ratios to pip install -t (lower is better):")
    for name, cold, warm, cpu_s, files, unzipped, zipped in rows[1:]:
        print(
            f"  {name:<30} time cold {cold / base[1]:.2f}x, warm {warm / base[2]:.2f}x, "
            f"cpu {cpu_s / base[3]:.2f}x; unzipped {unzipped / base[5]:.2f}x, "
            f"zipped {zipped / base[6]:.2f}x, files {files / base[4]:.2f}x"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    import _env  # noqa: F401  (scripts/env.sh: private jsii cache, no Node banner)

    main()
