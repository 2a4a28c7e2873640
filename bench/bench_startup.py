#!/usr/bin/env python3
"""Start-up breakdown: where the time of a pre-commit run of 5 docs goes, by imported module.

    python bench/bench_startup.py --python VENV/bin/python [--shared ../shared] [--docs 300] [--runs 7]
                                  [--top 30] [--out DIR]

A pre-commit run of a few docs is mostly start-up: the interpreter, the imports, then little work.
This runs ``forgea-hooks check`` on the 5 docs ``bench_check.py`` times (``precommit_files``), on a
corpus written by ``gen_corpus.py``, ``--runs`` times under ``python -X importtime``, and prints
the median self time of each imported module grouped by package (``forgea_hooks`` by module), the
interpreter's own start (``python -c pass``), and the median wall and CPU time of the plain run.
No peer and no target: ``bench_check.py`` judges; this says where to look. Time an installed
(non-editable) package: an editable install adds its import finder to every import.
"""

from __future__ import annotations

import argparse
import collections
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_check import precommit_files

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 120  # seconds, for one run; generating the corpus gets ten times that
_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def group(module: str) -> str:
    """forgea_hooks modules one by one, anything else by its top-level package."""
    parts = module.split(".")
    return module if parts[0] == "forgea_hooks" else parts[0]


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds (user + system) and stderr of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr[-800:]}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--python", default=sys.executable, help="the python of a venv with forgea-hooks installed")
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the folder of bench/gen_corpus.py")
    ap.add_argument("--docs", type=int, default=300, help="docs in the corpus (the 5 checked are the same kinds)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--top", type=int, default=30, help="groups to list")
    ap.add_argument("--out", type=Path, help="write (and keep) the corpus here")
    args = ap.parse_args()
    generator = args.shared / "bench" / "gen_corpus.py"
    if not generator.is_file():
        raise SystemExit(f"no {generator}: pass --shared DIR, the folder holding bench/gen_corpus.py")
    temp = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        out = args.out or temp / "corpus"
        if out.exists():
            shutil.rmtree(out)  # gen_corpus adds to a folder; a stale tree would change the workload
        subprocess.run(
            [sys.executable, str(generator), str(out), "--docs", str(args.docs)],
            check=True, capture_output=True, timeout=TIMEOUT * 10,
        )  # fmt: skip
        files = precommit_files(out)
        check = [args.python, "-c", "import sys; from forgea_hooks.cli import main; sys.exit(main())", "check", *files]
        bare = [args.python, "-c", "pass"]
        timed(check, out)  # once untimed, so that no run pays for reading the files from disk first
        selves: dict[str, list[int]] = collections.defaultdict(list)
        walls, cpus, starts = [], [], []
        for _ in range(args.runs):
            wall, cpu, _ = timed(check, out)
            walls.append(wall)
            cpus.append(cpu)
            starts.append(timed(bare, out)[1])
            per_group: collections.Counter[str] = collections.Counter()
            for line in timed([args.python, "-X", "importtime", *check[1:]], out)[2].splitlines():
                match = _LINE.match(line)
                if match:
                    per_group[group(match[4])] += int(match[1])
            for name, micros in per_group.items():
                selves[name].append(micros)
        # A group missing from a run counts as 0 there.
        medians = {name: statistics.median(values + [0] * (args.runs - len(values))) for name, values in selves.items()}
        ours = sum(value for name, value in medians.items() if name.startswith("forgea_hooks"))
        print(f"pre-commit run of {' '.join(files)} ({args.docs}-doc corpus), median of {args.runs}:")
        print(f"  wall {statistics.median(walls):.3f} s, CPU {statistics.median(cpus):.3f} s")
        print(f"  interpreter start (python -c pass): CPU {statistics.median(starts):.3f} s")
        print(
            f"  imports under -X importtime (self times, which the flag inflates): {sum(medians.values()) / 1e6:.3f} s,"
            f" forgea_hooks' own modules {ours / 1e6:.3f} s"
        )
        print(f"  the {args.top} largest, ms:")
        for name, value in sorted(medians.items(), key=lambda item: -item[1])[: args.top]:
            print(f"    {value / 1000:7.1f}  {name}")
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
