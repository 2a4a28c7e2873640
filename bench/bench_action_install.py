"""The Action's start: installing forgea-hooks into a fresh venv, against restoring a cached one.

    python bench/bench_action_install.py [--runs 3]

Times, the way action.yml does it, (1) the cold start: ``python -m venv`` and ``pip install`` of
a copy of this work tree with an empty pip cache, then ``forgea-hooks --version``; and (2) the
cached start: the venv packed as actions/cache packs it (tar with zstd), deleted, then unpacked
and ``forgea-hooks --version`` run. Each is the median of ``--runs``. Packages come from wherever
pip is configured to get them (a local index here, the network on a runner), so the cold figure
is a lower bound for a hosted runner. actions/cache's own download of the archive is not in the
cached figure; the archive's size is printed so it can be judged. Linux only.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(args: list[str], **kwargs: object) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - start


def _source_copy(into: Path) -> Path:
    """The package's files only: a build from the work tree would pick up caches and venvs."""
    target = into / "src"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in listed:
        name = os.fsdecode(raw)
        if not name or not (ROOT / name).is_file() or name.startswith(("tests/", "bench/", "docs/")):
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    return target


def cold(work: Path, source: Path) -> float:
    venv = work / "venv"
    shutil.rmtree(venv, ignore_errors=True)
    env = {**os.environ, "PIP_CACHE_DIR": str(work / "pip-cache")}
    shutil.rmtree(work / "pip-cache", ignore_errors=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-input", str(source)],
        check=True,
        capture_output=True,
        env=env,
    )
    subprocess.run([str(venv / "bin" / "forgea-hooks"), "--version"], check=True, capture_output=True)
    return time.perf_counter() - start


def cached(work: Path) -> tuple[float, int]:
    venv = work / "venv"
    archive = work / "venv.tzst"
    subprocess.run(["tar", "--zstd", "-cf", str(archive), "-C", str(work), "venv"], check=True)
    shutil.rmtree(venv)
    start = time.perf_counter()
    subprocess.run(["tar", "--zstd", "-xf", str(archive), "-C", str(work)], check=True)
    subprocess.run([str(venv / "bin" / "forgea-hooks"), "--version"], check=True, capture_output=True)
    return time.perf_counter() - start, archive.stat().st_size


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="forgea-action-install-") as tmp:
        work = Path(tmp)
        source = _source_copy(work)
        colds, warms, size = [], [], 0
        for _ in range(args.runs):
            colds.append(cold(work, source))
            seconds, size = cached(work)
            warms.append(seconds)
    load = os.getloadavg()[0]
    cold_s, warm_s = statistics.median(colds), statistics.median(warms)
    print(f"install into a fresh venv (no cache): {cold_s:.2f} s  (runs: {', '.join(f'{c:.2f}' for c in colds)})")
    print(f"restore the cached venv:              {warm_s:.2f} s  (runs: {', '.join(f'{w:.2f}' for w in warms)})")
    print(f"cache archive: {size / 1e6:.1f} MB (tar + zstd); speed-up {cold_s / warm_s:.1f}x; target: under 2 s")
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.1f} over the last minute")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
