#!/usr/bin/env python3
"""Check benchmark: forgea-hooks against markdownlint-cli2 on the shared workload.

    python bench/bench_check.py [--shared ../shared] [--docs 10000] [--python VENV_PYTHON | --forgea PATH]
                                [--no-peer] [--runs 7] [--parser native|pure] [--write-readme]

Writes the shared corpus (``gen_corpus.py OUT --docs N``), then prints, from one run:

* whole tree, cold (``OUT/.forgea-hooks-cache`` deleted first): wall time of ``forgea-hooks check``
  against ``markdownlint-cli2 "docs/**/*.md"`` (target ratio <= 0.15), and the peak memory of
  forgea-hooks' process tree (target <= 150 MiB);
* whole tree again with nothing changed, so with whatever result cache the cold run left
  (target <= 0.25 s);
* the pre-commit case, both tools on the same 5 docs, median of ``--runs`` runs (target ratio <= 0.35);
* the machine and tool versions (``forgea-hooks --version`` names the parser and validator that ran:
  ``--parser pure`` forces both pure-Python fallbacks, markdown-it-py and python-jsonschema alone, through
  ``FORGEA_HOOKS_PARSER`` and ``FORGEA_HOOKS_SCHEMA``: what a platform without the native wheels runs),
  and a Markdown block for the README's Benchmarks section, which ``--write-readme`` puts between
  ``<!-- bench-check:start -->`` and ``<!-- bench-check:end -->`` inside ``<!-- bench:start -->`` /
  ``<!-- bench:end -->`` (other bench scripts keep their own blocks).

forgea-hooks is timed from a non-editable install: by default a venv built under a temp dir from a
copy of this work tree, once per run; ``--python`` names the python of an existing venv instead and
``--forgea`` the ``forgea-hooks`` executable itself. markdownlint-cli2 is installed from the npm
registry into bench/node_modules, at the version pinned in bench/package.json and
bench/package-lock.json; without node/npm it is skipped with a message, and only forgea-hooks'
absolute numbers are printed. Every subprocess has a timeout.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "bench"
CACHE_DIR = ".forgea-hooks-cache"
STEP_TIMEOUT = 900  # seconds, for installs and whole-tree runs; markdownlint-cli2 takes ~1 min on 10k docs
SHORT_TIMEOUT = 120  # seconds, for version probes and pre-commit runs
POLL_MS = 10
PSS_EVERY = 10  # polls
MIB = 1024 * 1024

TARGET_COLD_RATIO = 0.15
TARGET_PEAK_MIB = 150.0
TARGET_WARM_SECONDS = 0.25
TARGET_PRECOMMIT_RATIO = 0.35

README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"
BLOCK_START, BLOCK_END = "<!-- bench-check:start -->", "<!-- bench-check:end -->"

MEMORY_METHOD = (
    "Peak memory: a thread finds every process of the tree through /proc/<pid>/task/*/children every "
    f"{POLL_MS} ms and reads its VmHWM (peak RSS) from /proc/<pid>/status; VmHWM only grows, so the last "
    f"reading before a process exits is its peak, missing at most its last {POLL_MS} ms. The workers are "
    "forked and their RSS counts the pages they still share with the parent, so RSS peaks added up over-count: "
    "the target is judged on the tree's PSS (shared pages split among their sharers) from "
    f"/proc/<pid>/smaps_rollup, added over the tree every {POLL_MS * PSS_EVERY} ms, the largest such sum. "
    "The kernel's ru_maxrss from wait4 (the largest single process) cross-checks the polling."
)


@dataclass
class Watched:
    """One run, with the memory of its process tree."""

    seconds: float
    returncode: int
    stderr: str
    parent_kib: int = 0  # the root process's VmHWM
    worker_kib: dict[int, int] = field(default_factory=dict)  # each descendant's VmHWM
    tree_pss_kib: int = 0  # the largest sum of the tree's PSS at one sampling instant
    kernel_max_kib: int = 0  # ru_maxrss of wait4: the largest single process, from the kernel
    cpu_seconds: float = 0.0  # user + system of the process and the children it waited for, from wait4

    @property
    def largest_worker_kib(self) -> int:
        return max(self.worker_kib.values(), default=0)

    @property
    def all_peaks_kib(self) -> int:
        return self.parent_kib + sum(self.worker_kib.values())


class TreeWatch(threading.Thread):
    """Polls the VmHWM of a process and all its descendants, and now and then their PSS, until stopped."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.hwm: dict[int, int] = {}
        self.tree_pss_kib = 0
        self._samples = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            self.sample()
            self._done.wait(POLL_MS / 1000)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def sample(self) -> None:
        tree = self._tree()
        for pid in tree:
            hwm = _status_kib(pid, "VmHWM")
            if hwm is not None:  # None: gone, or a zombie whose memory is released; the last reading stands
                # The last reading, not the largest: before exec the pid is still a copy of this bench
                # process, and exec starts a new VmHWM, which then only grows.
                self.hwm[pid] = hwm
        self._samples += 1
        # smaps_rollup costs about 1 ms of kernel time per 100 MiB walked, status 0.02 ms: PSS is read
        # less often, and not in the first interval, while the root may not have exec'd yet.
        if self._samples % PSS_EVERY == 0:
            pss = (_rollup_kib(pid, "Pss") for pid in tree)
            self.tree_pss_kib = max(self.tree_pss_kib, sum(value for value in pss if value is not None))

    def _tree(self) -> list[int]:
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                try:
                    with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as children:
                        todo.extend(int(child) for child in children.read().split())
                except OSError:
                    continue
        return found


def _status_kib(pid: int, key: str) -> int | None:
    return _proc_kib(f"/proc/{pid}/status", key)


def _rollup_kib(pid: int, key: str) -> int | None:
    return _proc_kib(f"/proc/{pid}/smaps_rollup", key)


def _proc_kib(path: str, key: str) -> int | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as status:
            text = status.read()
    except OSError:
        return None
    found = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) if found else None


def run_watched(command: Sequence[str], cwd: Path, *, env: dict[str, str] | None, capture_stderr: bool) -> Watched:
    """Wall time, exit status and per-process peak RSS of ``command``; stdout goes to /dev/null."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        # A session of its own, so that a timeout kills the workers too.
        process = subprocess.Popen(
            command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=err if capture_stderr else subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        watch = TreeWatch(process.pid)
        watch.start()
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(STEP_TIMEOUT, kill)
        timer.start()
        try:
            # wait4 rather than Popen.wait: it also hands back the kernel's rusage of the child.
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
        watch.stop()
        process.returncode = os.waitstatus_to_exitcode(status)
        if timed_out.is_set():
            raise SystemExit(f"{command[0]} did not finish within {STEP_TIMEOUT} s in {cwd}")
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    parent = watch.hwm.pop(process.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return Watched(seconds, process.returncode, stderr, parent, watch.hwm, watch.tree_pss_kib, usage.ru_maxrss, cpu)


class CpuMeter:
    """CPU time the rest of the machine used while this bench ran something: other people's builds and
    tests on a shared machine slow the timed tools, and the numbers should say so."""

    def __init__(self) -> None:
        self.busy, self.steal = _machine_cpu()
        self.ours = _own_cpu()
        self.started = time.perf_counter()

    def others(self) -> tuple[float, float, float]:
        """Seconds of CPU used by other processes, seconds stolen by the hypervisor, and wall seconds."""
        busy, steal = _machine_cpu()
        # /proc/stat counts clock ticks and rusage microseconds: on a quiet machine the difference
        # can come out a little below zero, which means nothing else ran.
        others = max(0.0, busy - self.busy - (_own_cpu() - self.ours))
        return others, steal - self.steal, time.perf_counter() - self.started


def _machine_cpu() -> tuple[float, float]:
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq) / tick, steal / tick


def _own_cpu() -> float:
    """This process's CPU and that of every child it has reaped: the timed tools and their workers."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def timed(command: Sequence[str], cwd: Path, env: dict[str, str] | None) -> tuple[float, int, str]:
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=env, check=False, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, timeout=SHORT_TIMEOUT,
    )  # fmt: skip
    return time.perf_counter() - started, done.returncode, done.stderr.decode("utf-8", "replace")


# --- the tools ---------------------------------------------------------------------------------------------------


@dataclass
class Forgea:
    command: list[str]
    python: str | None
    note: str = ""


def forgea_env() -> dict[str, str]:
    # The installed package, never the work tree: PYTHONPATH could put the latter first.
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return env


def build_venv(temp: Path) -> Forgea:
    """A venv with forgea-hooks installed (not editable) from a copy of this work tree."""
    source = temp / "src"
    # A copy, so that setuptools neither writes build/ into the work tree nor packs the stale modules
    # a previous build left in build/lib.
    shutil.copytree(
        REPO, source,
        ignore=shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", "node_modules",
                                      ".mypy_cache", ".ruff_cache", ".pytest_cache", ".venv", CACHE_DIR, "out"),
    )  # fmt: skip
    venv = temp / "venv"
    print(f"building a venv with forgea-hooks installed from a copy of {REPO} ...", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=STEP_TIMEOUT)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(source)],
        check=False, capture_output=True, text=True, timeout=STEP_TIMEOUT,
    )  # fmt: skip
    if install.returncode != 0:
        raise SystemExit(f"pip install of forgea-hooks failed ({install.returncode}): {install.stderr[-1500:]}")
    return Forgea([str(venv / "bin" / "forgea-hooks")], str(python))


def given_python(python: Path) -> Forgea:
    script = python.parent / "forgea-hooks"
    command = [str(script)] if script.exists() else [str(python), "-m", "forgea_hooks"]
    return Forgea(command, str(python), editable_note(str(python)))


def given_executable(executable: Path) -> Forgea:
    python = None
    try:
        with executable.open("rb") as script:
            first = script.readline(500)
        if first.startswith(b"#!"):
            python = first[2:].decode().strip().split()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        pass  # not a script: a frozen build, say; its Python stays unknown
    return Forgea([str(executable)], python, editable_note(python) if python else "")


def editable_note(python: str) -> str:
    """A warning when this python imports forgea_hooks from the work tree, as editable installs do."""
    probe = subprocess.run(
        [python, "-c", "import forgea_hooks; print(forgea_hooks.__file__)"],
        check=False, capture_output=True, text=True, timeout=SHORT_TIMEOUT, env=forgea_env(), cwd=tempfile.gettempdir(),
    )  # fmt: skip
    if probe.returncode != 0:
        raise SystemExit(f"{python} cannot import forgea_hooks: {probe.stderr[-500:]}")
    if Path(probe.stdout.strip()).resolve().is_relative_to(REPO):
        return "an editable install, imported from the work tree: import-hook overhead included"
    return ""


def markdownlint(skip: bool) -> Path | None:
    """The pinned markdownlint-cli2 in bench/node_modules, installed on first use; None to skip it."""
    if skip:
        print("markdownlint-cli2: skipped (--no-peer)")
        return None
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("markdownlint-cli2: skipped, node and npm are not installed: only forgea-hooks' own numbers follow")
        return None
    pinned = json.loads((BENCH / "package.json").read_text(encoding="utf-8"))["devDependencies"]["markdownlint-cli2"]
    binary = BENCH / "node_modules" / ".bin" / "markdownlint-cli2"
    installed = BENCH / "node_modules" / "markdownlint-cli2" / "package.json"
    if not (binary.exists() and installed.exists() and json.loads(installed.read_text("utf-8"))["version"] == pinned):
        print(f"installing markdownlint-cli2 {pinned} into {BENCH / 'node_modules'} (npm ci) ...", flush=True)
        install = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            check=False, cwd=BENCH, capture_output=True, text=True, timeout=STEP_TIMEOUT,
        )  # fmt: skip
        if install.returncode != 0 or not binary.exists():
            print(f"markdownlint-cli2: skipped, npm ci failed ({install.returncode}): {install.stderr[-800:]}")
            return None
    probe = subprocess.run([str(binary), "--help"], check=False, capture_output=True, text=True, timeout=SHORT_TIMEOUT)
    if not probe.stdout.startswith("markdownlint-cli2"):
        # 0.23 and later need node >= 22, for one: it then fails here, not in the middle of the timing.
        print(f"markdownlint-cli2: skipped, it does not run here ({probe.returncode}): {probe.stderr[-800:]}")
        return None
    return binary


# --- the workload ------------------------------------------------------------------------------------------------


def write_corpus(shared: Path, out: Path, docs: int) -> None:
    generator = shared / "bench" / "gen_corpus.py"
    if not generator.exists():
        raise SystemExit(f"no {generator}: pass --shared DIR, the folder holding bench/gen_corpus.py")
    print(f"writing the shared corpus: {docs} docs under {out} ...", flush=True)
    subprocess.run(
        [sys.executable, str(generator), str(out), "--docs", str(docs)],
        check=True, timeout=STEP_TIMEOUT, stdout=subprocess.DEVNULL,
    )  # fmt: skip


def precommit_files(out: Path) -> list[str]:
    """Five fixed docs of mixed kinds: the registry, a gatekeeper report, a task, two official docs."""
    docs = out / "docs"
    official = sorted(docs.glob("official-docs/*/*.md"))
    picked = [
        docs / "official-docs-registry.md",
        min(docs.glob("gatekeeper/*.md")),
        min(docs.glob("tasks/*.md")),
        official[0],
        official[len(official) // 2],  # most likely another epic and technology than the first
    ]
    return [path.relative_to(out).as_posix() for path in picked]


# --- reporting ---------------------------------------------------------------------------------------------------


def mib(kib: int) -> str:
    return f"{kib / 1024:.1f} MiB"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def version_of(command: Sequence[str]) -> str:
    try:
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=SHORT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if lines else "unknown"


def revision() -> str:
    try:
        head = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True,
            timeout=SHORT_TIMEOUT,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", "--", "forgea_hooks", "setup.cfg",
             "pyproject.toml"], check=True, capture_output=True, text=True, timeout=SHORT_TIMEOUT,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown revision"
    return f"{head} with uncommitted changes" if dirty else head


def machine(forgea: Forgea, peer: Path | None) -> dict[str, str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with open("/proc/meminfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    usable = len(os.sched_getaffinity(0))
    python = version_of([forgea.python, "--version"]) if forgea.python else "unknown"
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()) if usable == os.cpu_count() else f"{os.cpu_count()} ({usable} usable here)",
        "memory": memory,
        "OS": f"{platform.system()} {platform.release()}",
        "Python (forgea-hooks)": python,
        "node": version_of(["node", "--version"]) if shutil.which("node") else "not installed",
        "forgea-hooks": f"{version_of([*forgea.command, '--version'])} at {revision()}",
        "markdownlint-cli2": version_of([str(peer), "--help"]) if peer else "markdownlint-cli2 (skipped)",
    }


def check_run(label: str, returncode: int, stderr: str, problems: list[str]) -> None:
    """Exit 0 is clean and 1 is findings; anything else, or a traceback, is worth telling."""
    if returncode not in (0, 1):
        problems.append(f"{label}: exit status {returncode}: {stderr.strip()[-800:]}")
    elif "Traceback (most recent call last)" in stderr:
        problems.append(f"{label}: a traceback on stderr: {stderr.strip()[-800:]}")


def summary_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if "checked" in line]
    return lines[-1].strip() if lines else "(no summary line on stderr)"


def write_readme(readme: Path, block: str) -> None:
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise SystemExit(f"{readme} has no {README_START} ... {README_END} region to write into")
    region = text[start + len(README_START) : end]
    ours = f"{BLOCK_START}\n{block}\n{BLOCK_END}"
    inner_start, inner_end = region.find(BLOCK_START), region.find(BLOCK_END)
    if inner_start >= 0 and inner_end > inner_start:
        region = region[:inner_start] + ours + region[inner_end + len(BLOCK_END) :]
    else:
        # Added at the end of the region, leaving other scripts' blocks where they are.
        region = region.rstrip("\n") + "\n" + ours + "\n"
    readme.write_text(text[: start + len(README_START)] + region + text[end:], encoding="utf-8")
    print(f"wrote the block into {readme}")


# --- the run -----------------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared/ folder")
    ap.add_argument("--docs", type=int, default=10000, help="docs in the corpus")
    ap.add_argument("--out", type=Path, help="write the corpus here and keep it (default: a temp dir)")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--python", type=Path, help="python of a venv with forgea-hooks installed (not editable)")
    which.add_argument("--forgea", type=Path, help="the forgea-hooks executable to time")
    ap.add_argument("--no-peer", action="store_true", help="skip markdownlint-cli2")
    ap.add_argument("--runs", type=int, default=7, help="runs of the pre-commit case, of which the median counts")
    ap.add_argument(
        "--cold-runs", type=int, default=3, help="cold whole-tree runs of each tool, interleaved; the medians count"
    )
    ap.add_argument(
        "--parser",
        choices=("native", "pure"),
        default="native",
        help="native: the default (markdown-it-pyrs and jsonschema-rs where installed); pure: force the"
        " pure-Python fallbacks of both, as on a platform without their wheels",
    )
    ap.add_argument("--write-readme", action="store_true", help="put the Markdown block into the README")
    ap.add_argument("--readme", type=Path, default=REPO / "README.md", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.cold_runs < 1 or args.runs < 1:
        ap.error("--cold-runs and --runs take 1 or more")
    # Inherited by every forgea-hooks run, its --version included, so the report names what ran.
    for switch in ("FORGEA_HOOKS_PARSER", "FORGEA_HOOKS_SCHEMA"):
        if args.parser == "pure":
            os.environ[switch] = "pure"
        else:
            os.environ.pop(switch, None)
    if not sys.platform.startswith("linux"):
        raise SystemExit("this benchmark reads /proc: it runs on Linux only")

    with tempfile.TemporaryDirectory(prefix="bench-check-") as temp_name:
        temp = Path(temp_name)
        out = (args.out or temp / "corpus").resolve()
        if out.exists():
            if any(out.iterdir()) and not (out / "MANIFEST.json").exists():
                raise SystemExit(f"--out {out} holds something other than a corpus: not deleting it")
            shutil.rmtree(out)  # gen_corpus adds to a folder; a stale tree would change the workload
        write_corpus(args.shared, out, args.docs)
        if args.python:
            forgea = given_python(args.python)
        elif args.forgea:
            forgea = given_executable(args.forgea.resolve())
        else:
            forgea = build_venv(temp)
        peer = markdownlint(args.no_peer)
        facts = machine(forgea, peer)
        if forgea.note:
            print(f"NOTE: forgea-hooks is {forgea.note}")
        bench = Bench(out, temp, forgea, peer, args.docs, args.runs, cold_pairs=args.cold_runs)
        bench.run()
        print()
        print("machine:")
        for key, value in facts.items():
            print(f"   {key}: {value}")
        print()
        print(MEMORY_METHOD)
        print()
        if bench.problems:
            print("ANYTHING ODD:")
            for problem in bench.problems:
                print(f"   - {problem}")
        else:
            print("nothing odd: every run exited 0 or 1, with no traceback")
        block = bench.markdown(facts)
        print()
        print("Markdown for the README's Benchmarks section:")
        print()
        print(block)
        if args.write_readme:
            write_readme(args.readme, block)
    return 0


def _median_run(runs: list[Watched]) -> Watched:
    """The run of median wall time (the lower of the middle two for an even count)."""
    return sorted(runs, key=lambda run: run.seconds)[(len(runs) - 1) // 2]


@dataclass
class Bench:
    out: Path
    temp: Path
    forgea: Forgea
    peer: Path | None
    docs: int
    runs: int
    problems: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=forgea_env)
    cold_pairs: int = 3
    cold: Watched | None = None  # the median of ``colds``
    theirs_cold: Watched | None = None
    colds: list[Watched] = field(default_factory=list)
    theirs_colds: list[Watched] = field(default_factory=list)
    warm: Watched | None = None
    ours_fresh: list[float] = field(default_factory=list)  # pre-commit runs without a result cache
    ours_cached: list[float] = field(default_factory=list)  # pre-commit runs with the whole tree's cache
    theirs: list[float] = field(default_factory=list)
    load: dict[str, float] = field(default_factory=dict)  # per phase, the share of the machine others took

    def ours(self, *paths: str) -> list[str]:
        return [*self.forgea.command, "check", *paths]

    def run(self) -> None:
        # One untimed run of each on one doc first, so neither pays for loading its own files from disk.
        timed(self.ours("docs/official-docs-registry.md"), self.out, self.env)
        if self.peer:
            timed([str(self.peer), ":docs/official-docs-registry.md"], self.out, None)
        self.whole_tree_cold()
        self.whole_tree_warm()
        self.precommit()

    def whole_tree_cold(self) -> None:
        """``cold_pairs`` runs of each, interleaved (ours, theirs, ours, ...): the machine's speed
        drifts by a third over minutes on a shared host, and a pair run back to back sees the same
        drift. The medians are compared; the memory target is judged on the largest of our runs."""
        print()
        print(
            f"1. whole tree, cold ({CACHE_DIR} deleted first), {self.docs} docs,"
            f" {self.cold_pairs} interleaved run(s) of each"
        )
        for pair in range(self.cold_pairs):
            self.cold_run(pair)
            if self.peer:
                self.peer_cold_run(pair)
        self.cold = _median_run(self.colds)
        ours = [run.seconds for run in self.colds]
        print(f"   forgea-hooks: median {self.cold.seconds:.2f} s of {fmt_runs(ours)}")
        if self.theirs_colds:
            self.theirs_cold = _median_run(self.theirs_colds)
            theirs = [run.seconds for run in self.theirs_colds]
            pairs = ", ".join(f"{a / b:.3f}x" for a, b in zip(ours, theirs, strict=True))
            print(f"   markdownlint-cli2: median {self.theirs_cold.seconds:.2f} s of {fmt_runs(theirs)}")
            ratio = self.cold.seconds / self.theirs_cold.seconds
            print(
                f"   wall ratio of the medians {ratio:.3f}x (each pair: {pairs}; target <= {TARGET_COLD_RATIO}x):"
                f" {verdict(ratio <= TARGET_COLD_RATIO)}"
            )
        peak = max(tree_peak_kib(run) for run in self.colds)
        ok = peak / 1024 <= TARGET_PEAK_MIB
        print(
            f"   peak memory, the tree's PSS, largest of the runs {mib(peak)}"
            f" (target <= {TARGET_PEAK_MIB:.0f} MiB): {verdict(ok)}"
        )

    def cold_run(self, pair: int) -> None:
        shutil.rmtree(self.out / CACHE_DIR, ignore_errors=True)
        meter = CpuMeter()
        cold = run_watched(self.ours(), self.out, env=self.env, capture_stderr=True)
        self.colds.append(cold)
        busy = self.others("forgea-hooks check (cold)", meter)
        check_run("forgea-hooks check (cold)", cold.returncode, cold.stderr, self.problems)
        print(
            f"   [{pair + 1}] forgea-hooks check: {cold.seconds:.2f} s ({cold.cpu_seconds:.1f} CPU-s),"
            f" exit {cold.returncode}, {summary_line(cold.stderr)}"
        )
        workers = len(cold.worker_kib)
        print(
            f"   peak RSS: parent {mib(cold.parent_kib)}, largest of {workers} worker(s)"
            f" {mib(cold.largest_worker_kib)}, the two added {mib(cold.parent_kib + cold.largest_worker_kib)}"
        )
        print(
            f"   all {workers + 1} processes' RSS peaks added {mib(cold.all_peaks_kib)} (over-counts shared pages);"
            f" kernel ru_maxrss {mib(cold.kernel_max_kib)}; tree PSS at its largest {mib(tree_peak_kib(cold))}"
        )
        print(busy)
        polled_max = max(cold.parent_kib, cold.largest_worker_kib)
        if cold.kernel_max_kib > polled_max * 1.02 + 1024:
            self.problems.append(
                f"memory: the kernel's ru_maxrss {mib(cold.kernel_max_kib)} exceeds the largest polled peak"
                f" {mib(polled_max)}: a process grew in its last {POLL_MS} ms"
            )

    def peer_cold_run(self, pair: int) -> None:
        assert self.peer is not None
        meter = CpuMeter()
        theirs = run_watched([str(self.peer), "docs/**/*.md"], self.out, env=None, capture_stderr=False)
        self.theirs_colds.append(theirs)
        busy = self.others("markdownlint-cli2 (whole tree)", meter)
        check_run("markdownlint-cli2 (whole tree)", theirs.returncode, "", self.problems)
        print(
            f'   [{pair + 1}] markdownlint-cli2 "docs/**/*.md": {theirs.seconds:.2f} s'
            f" ({theirs.cpu_seconds:.1f} CPU-s), exit {theirs.returncode},"
            f" peak RSS {mib(theirs.parent_kib)}, tree PSS at its largest {mib(tree_peak_kib(theirs))}"
        )
        print(busy)

    def whole_tree_warm(self) -> None:
        assert self.cold is not None
        print()
        print("2. whole tree again, nothing changed (warm cache)")
        cached = self.out / CACHE_DIR
        size = sum(path.stat().st_size for path in cached.rglob("*") if path.is_file()) if cached.is_dir() else 0
        if size:
            print(f"   the cold run left a result cache: {cached} ({size / MIB:.1f} MiB)")
        else:
            print(f"   the cold run left no {CACHE_DIR}: this rerun does all the work again")
        meter = CpuMeter()
        # The median of several: the first rerun may still go the long way (a doc written within two
        # seconds of the cold run's start keeps the tree's record from being written), the rest replay it.
        runs = []
        for _ in range(self.runs):
            warm = run_watched(self.ours(), self.out, env=self.env, capture_stderr=True)
            check_run("forgea-hooks check (warm)", warm.returncode, warm.stderr, self.problems)
            if warm.returncode != self.cold.returncode or summary_line(warm.stderr) != summary_line(self.cold.stderr):
                self.problems.append(
                    f"the warm run disagrees with the cold one: exit {warm.returncode} vs {self.cold.returncode},"
                    f" '{summary_line(warm.stderr)}' vs '{summary_line(self.cold.stderr)}'"
                )
            runs.append(warm)
        busy = self.others("forgea-hooks check (warm)", meter)
        warm = self.warm = sorted(runs, key=lambda run: run.seconds)[len(runs) // 2]
        print(
            f"   forgea-hooks check: {warm.seconds:.2f} s median of {len(runs)} (runs"
            f" {fmt_runs([run.seconds for run in runs])}), exit {warm.returncode},"
            f" peak RSS: parent {mib(warm.parent_kib)}, {len(warm.worker_kib)} worker(s)"
        )
        print(busy)
        print(
            f"   wall {warm.seconds:.2f} s (target <= {TARGET_WARM_SECONDS} s):"
            f" {verdict(warm.seconds <= TARGET_WARM_SECONDS)}"
        )

    def precommit(self) -> None:
        print()
        files = precommit_files(self.out)
        print(f"3. pre-commit: 5 docs, median of {self.runs} runs each, runs interleaved: {' '.join(files)}")
        # forgea-hooks runs once with no result cache and once with the whole tree's cache in place;
        # the slower median is judged. A run with paths does not read the cache, so the two should
        # agree: a gap between them is the cache's cost showing where it should not.
        meter = CpuMeter()
        cache = self.out / CACHE_DIR
        saved = self.temp / "cache-saved"
        if cache.exists():
            shutil.copytree(cache, saved)
        for _ in range(self.runs):
            if saved.exists():
                # The whole tree's cache as the warm run left it, whatever the last run wrote.
                shutil.rmtree(cache, ignore_errors=True)
                shutil.copytree(saved, cache)
                seconds, code, err = timed(self.ours(*files), self.out, self.env)
                self.ours_cached.append(seconds)
                check_run("forgea-hooks check, 5 docs, cache present", code, err, self.problems)
            shutil.rmtree(cache, ignore_errors=True)
            seconds, code, err = timed(self.ours(*files), self.out, self.env)
            self.ours_fresh.append(seconds)
            check_run("forgea-hooks check, 5 docs, no cache", code, err, self.problems)
            if self.peer:
                # A leading ':' makes each a literal path, not a glob.
                seconds, code, _ = timed([str(self.peer), *(f":{name}" for name in files)], self.out, None)
                self.theirs.append(seconds)
                check_run("markdownlint-cli2, 5 docs", code, "", self.problems)
        busy = self.others("the pre-commit runs", meter)
        print(
            f"   forgea-hooks check, no result cache: {statistics.median(self.ours_fresh):.3f} s median"
            f" (runs {fmt_runs(self.ours_fresh)})"
        )
        if self.ours_cached:
            print(
                f"   forgea-hooks check, whole-tree cache present: {statistics.median(self.ours_cached):.3f} s median"
                f" (runs {fmt_runs(self.ours_cached)})"
            )
        print(busy)
        ratio = self.precommit_ratio()
        if ratio is not None:
            print(f"   markdownlint-cli2: {statistics.median(self.theirs):.3f} s median (runs {fmt_runs(self.theirs)})")
            print(
                f"   ratio {ratio:.3f}x, of the slower forgea-hooks median (target <= {TARGET_PRECOMMIT_RATIO}x):"
                f" {verdict(ratio <= TARGET_PRECOMMIT_RATIO)}"
            )

    def others(self, label: str, meter: CpuMeter) -> str:
        """A line on what else ran meanwhile; a problem noted when it was enough to slow the timing."""
        others, steal, wall = meter.others()
        # Steal is CPU the hypervisor gave other guests: it slows the timed tools as surely.
        share = self.load[label] = (others + steal) / (wall * (os.cpu_count() or 1))
        line = f"other processes used {others:.1f} CPU-s and steal took {steal:.1f} s in {wall:.1f} s"
        if share > 0.05:
            self.problems.append(f"{label}: {line}, {share:.0%} of the machine: the timing is likely slowed")
        return f"   meanwhile {line} ({share:.0%} of the machine)"

    def precommit_seconds(self) -> float:
        return max(statistics.median(runs) for runs in (self.ours_fresh, self.ours_cached) if runs)

    def precommit_ratio(self) -> float | None:
        return self.precommit_seconds() / statistics.median(self.theirs) if self.theirs else None

    def markdown(self, facts: dict[str, str]) -> str:
        assert self.cold is not None and self.warm is not None
        cold, theirs = self.cold, self.theirs_cold
        rows = [
            "| case | forgea-hooks | markdownlint-cli2 | ratio | target | result |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        label = f"whole tree, {self.docs} docs, cold" + (
            f", median of {len(self.colds)} interleaved" if len(self.colds) > 1 else ""
        )
        if theirs is not None:
            ratio = cold.seconds / theirs.seconds
            rows.append(
                f"| {label} | {cold.seconds:.2f} s ({cold.cpu_seconds:.1f} CPU-s)"
                f" | {theirs.seconds:.2f} s ({theirs.cpu_seconds:.1f} CPU-s) | {ratio:.2f}x"
                f" | <= {TARGET_COLD_RATIO}x | {verdict(ratio <= TARGET_COLD_RATIO)} |"
            )
        else:
            rows.append(f"| {label} | {cold.seconds:.2f} s ({cold.cpu_seconds:.1f} CPU-s) | skipped | | | |")
        peak = max(tree_peak_kib(run) for run in self.colds)
        rows.append(
            f"| peak memory, cold: the tree's PSS, largest of the runs | {mib(peak)}"
            f" | {mib(tree_peak_kib(theirs)) if theirs else 'skipped'}"
            f" | | <= {TARGET_PEAK_MIB:.0f} MiB | {verdict(peak / 1024 <= TARGET_PEAK_MIB)} |"
        )
        rows.append(
            f"| peak RSS, cold: parent + largest of {len(cold.worker_kib)} worker(s)"
            f" | {mib(cold.parent_kib)} + {mib(cold.largest_worker_kib)}"
            f" = {mib(cold.parent_kib + cold.largest_worker_kib)}"
            f" | {mib(theirs.parent_kib) if theirs else 'skipped'} | | | |"
        )
        rows.append(
            f"| whole tree, unchanged (warm cache) | {self.warm.seconds:.2f} s | | | <= {TARGET_WARM_SECONDS} s"
            f" | {verdict(self.warm.seconds <= TARGET_WARM_SECONDS)} |"
        )
        label = f"pre-commit, 5 docs, median of {self.runs}"
        ratio_pre = self.precommit_ratio()
        if ratio_pre is not None:
            rows.append(
                f"| {label} | {self.precommit_seconds():.3f} s | {statistics.median(self.theirs):.3f} s"
                f" | {ratio_pre:.2f}x | <= {TARGET_PRECOMMIT_RATIO}x | {verdict(ratio_pre <= TARGET_PRECOMMIT_RATIO)} |"
            )
        else:
            rows.append(f"| {label} | {self.precommit_seconds():.3f} s | skipped | | | |")
        today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
        return "\n".join(
            [
                f"`python bench/bench_check.py --docs {self.docs}`, {today}: {facts['forgea-hooks']}"
                f" ({self.forgea.note or 'a non-editable install'}) against {facts['markdownlint-cli2']},"
                f" on the shared corpus (`gen_corpus.py --docs {self.docs}`).",
                "",
                *rows,
                "",
                f"Machine: {facts['CPU']}, {facts['cores']} cores, {facts['memory']}, {facts['OS']},"
                f" {facts['Python (forgea-hooks)']}, node {facts['node']}.",
                "",
                "Share of the machine that other processes and hypervisor steal took meanwhile: "
                + ", ".join(f"{share:.0%} during {label}" for label, share in self.load.items())
                + ".",
                "",
                "Cold: the result cache deleted first. Pre-commit: the slower of forgea-hooks' medians with and"
                " without the whole tree's result cache present. " + MEMORY_METHOD,
            ]
        )


def tree_peak_kib(run: Watched) -> int:
    """The tree's PSS at its largest; a run too short for one PSS sample falls back to its RSS peaks added."""
    return run.tree_pss_kib or run.all_peaks_kib


def fmt_runs(values: list[float]) -> str:
    return ", ".join(f"{value:.3f}" for value in values)


if __name__ == "__main__":
    raise SystemExit(main())
