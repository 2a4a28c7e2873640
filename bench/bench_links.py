#!/usr/bin/env python3
"""Link-check benchmark: forgea-hooks against linkinator on the shared workload.

    python bench/bench_links.py [--shared ../shared] [--engine-only] [--no-linkinator]

Starts ``latency_server.py --hosts 8 --latency-ms 50`` (8 loopback "hosts", 50 ms per answer,
every 25th page a 404), writes the shared corpus with 1000 docs citing 1000 unique URLs on it,
then prints from one run:

* wall time of ``forgea-hooks check --links --allow-private`` against linkinator's
  (``linkinator "docs/**/*.md" --markdown``), and their ratio (target <= 0.5);
* requests the server saw against the number of unique URLs (target 1.0);
* requests on a warm-cache rerun (target 0; failing links are rechecked by design).

``--engine-only`` times ``check_urls`` on the URLs found in the corpus instead of the CLI, and is
what runs when the CLI is not there yet. Only loopback URLs are ever requested: the corpus cites
one github.com URL, which both tools are told to skip. linkinator is installed from the npm
registry into ``--node-dir`` on first use; without node/npm it is skipped with a message.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
URL = re.compile(r"https?://[^\s<>()|`'\"\]]+")
STEP_TIMEOUT = 900  # seconds; every subprocess here is bounded


@dataclass
class Timing:
    seconds: float
    requests: int
    failures: int | None = None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="the shared/ folder")
    ap.add_argument("--engine-only", action="store_true", help="time check_urls, not the CLI")
    ap.add_argument("--no-linkinator", action="store_true")
    ap.add_argument("--node-dir", type=Path, default=Path(tempfile.gettempdir()) / "forgea-hooks-bench-node")
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--hosts", type=int, default=8)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--unique-urls", type=int, default=1000)
    args = ap.parse_args()
    bench = args.shared / "bench"
    with tempfile.TemporaryDirectory(prefix="bench-links-") as temp, latency_server(bench, args):
        corpus = Path(temp) / "corpus"
        base = f"http://127.0.0.1:{args.port}"
        subprocess.run(
            [sys.executable, str(bench / "gen_corpus.py"), str(corpus), "--docs", str(args.docs),
             "--url-base", base, "--hosts", str(args.hosts), "--unique-urls", str(args.unique_urls)],
            check=True, timeout=STEP_TIMEOUT, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        local, other = corpus_urls(corpus, args.port, args.hosts)
        print(f"corpus: {args.docs} docs citing {len(local)} unique URLs on the latency server", end="")
        print(f" ({len(other)} other URL{'s' * (len(other) != 1)}, never requested)")
        cache = Path(temp) / "cli-cache.json"
        engine = args.engine_only or not cli_available()
        if engine and not args.engine_only:
            print("the forgea-hooks CLI is not available yet: timing check_urls directly (--engine-only)")
        timed: dict[str, float] = {}
        if not engine:
            label = "forgea-hooks check --links"
            cold = run_cli(corpus, cache, args)
            report(label, len(local), cold, run_cli(corpus, cache, args))
            offline = run_cli(corpus, None, args)
            print(f"  of which checks without --links: {offline.seconds:.2f} s ({offline.requests} requests)")
            timed[label] = cold.seconds
        engine_cache = Path(temp) / "engine-cache.json"
        cold = run_engine(local, engine_cache, args)
        report("check_urls alone", len(local), cold, run_engine(local, engine_cache, args))
        timed["check_urls"] = cold.seconds
        if args.no_linkinator:
            return 0
        theirs = run_linkinator(corpus, args)
        if theirs is not None:
            print(f"linkinator: {theirs.seconds:.2f} s, {theirs.requests} requests")
            for label, seconds in timed.items():
                ratio = seconds / theirs.seconds
                verdict = "meets" if ratio <= 0.5 else "misses"
                print(f"wall time ratio {label} / linkinator: {ratio:.2f} ({verdict} the target <= 0.5)")
    return 0


def report(label: str, unique: int, cold: Timing, warm: Timing) -> None:
    print(f"{label}: {cold.seconds:.2f} s cold, {cold.requests} requests", end="")
    print(f" for {unique} unique URLs ({cold.requests / unique:.2f} requests per URL, target 1.00)")
    print(f"warm-cache rerun: {warm.seconds:.2f} s, {warm.requests} requests (target 0)", end="")
    if warm.failures is not None:
        print(f"; {warm.failures} URLs fail, and failures are never cached, so they are asked again")
    else:
        print()


@contextmanager
def latency_server(bench: Path, args: argparse.Namespace) -> Iterator[None]:
    command = [sys.executable, str(bench / "latency_server.py"), "--port", str(args.port),
               "--hosts", str(args.hosts), "--latency-ms", str(args.latency_ms)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while not all(listening(args.port + n) for n in range(args.hosts)):
            if process.poll() is not None or time.monotonic() > deadline:
                err = process.stderr.read().decode() if process.stderr else ""
                raise SystemExit(f"the latency server did not start on port {args.port}: {err[-500:]}")
            time.sleep(0.05)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


def listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def served(port: int) -> int:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=10) as answer:
        counts: dict[str, int] = json.load(answer)
    return sum(counts.values())


def corpus_urls(corpus: Path, port: int, hosts: int) -> tuple[list[str], list[str]]:
    origins = tuple(f"http://127.0.0.1:{port + n}/" for n in range(hosts))
    found: dict[str, None] = {}
    for doc in sorted((corpus / "docs").rglob("*.md")):
        for url in URL.findall(doc.read_text(encoding="utf-8")):
            found[url.rstrip(".,;:")] = None
    local = [url for url in found if url.startswith(origins)]
    return local, [url for url in found if not url.startswith(origins)]


def run_engine(urls: list[str], cache: Path, args: argparse.Namespace) -> Timing:
    sys.path.insert(0, str(REPO))
    from forgea_hooks.links.checker import check_urls
    from forgea_hooks.links.model import FAILURES, LinkSettings

    before = served(args.port)
    started = time.monotonic()
    run = check_urls(urls, LinkSettings(allow_private=True, cache_path=cache))
    seconds = time.monotonic() - started
    failures = sum(result.outcome in FAILURES for result in run.values())
    return Timing(seconds, served(args.port) - before, failures)


def cli_available() -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "forgea_hooks", "check", "--help"],
        check=False, cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return probe.returncode == 0 and "--links" in probe.stdout


def run_cli(corpus: Path, cache: Path | None, args: argparse.Namespace) -> Timing:
    """One ``forgea-hooks check`` run: with --links and this cache, or without links when None."""
    # Keep the CLI on the loopback server: the corpus also cites github.com.
    (corpus / ".forgea-hooks.yaml").write_text(
        "links:\n  exclude: ['^(?!http://127\\.0\\.0\\.1:)']\n", encoding="utf-8"
    )
    before = served(args.port)
    started = time.monotonic()
    links = [] if cache is None else ["--links", "--allow-private", "--cache", str(cache)]
    done = subprocess.run(
        [sys.executable, "-m", "forgea_hooks", "check", *links, "--format", "json"],
        check=False, cwd=corpus, capture_output=True, text=True, timeout=STEP_TIMEOUT, env=pythonpath(),
    )  # fmt: skip
    seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"forgea-hooks check failed ({done.returncode}): {done.stderr[-800:]}")
    findings = json.loads(done.stdout).get("findings", [])
    failures = len({f["message"] for f in findings if f["rule"] in ("link-dead", "link-unverified")})
    return Timing(seconds, served(args.port) - before, failures)


def pythonpath() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_linkinator(corpus: Path, args: argparse.Namespace) -> Timing | None:
    if shutil.which("node") is None or shutil.which("npm") is None:
        print("linkinator: skipped, node and npm are not installed")
        return None
    binary = args.node_dir / "node_modules" / ".bin" / "linkinator"
    if not binary.exists():
        print(f"installing linkinator into {args.node_dir} ...")
        args.node_dir.mkdir(parents=True, exist_ok=True)
        install = subprocess.run(
            ["npm", "install", "--prefix", str(args.node_dir), "--no-audit", "--no-fund", "linkinator"],
            check=False, capture_output=True, text=True, timeout=STEP_TIMEOUT,
        )  # fmt: skip
        if install.returncode != 0:
            print(f"linkinator: skipped, npm install failed: {install.stderr[-500:]}")
            return None
    before = served(args.port)
    started = time.monotonic()
    done = subprocess.run(
        [str(binary), "docs/**/*.md", "--markdown", "--skip", r"^https?://(?!127\.0\.0\.1|localhost)"],
        check=False, cwd=corpus, capture_output=True, text=True, timeout=STEP_TIMEOUT,
    )  # fmt: skip
    seconds = time.monotonic() - started
    if "scanned" not in done.stdout.lower() + done.stderr.lower():
        print(f"linkinator: unexpected output ({done.returncode}): {(done.stdout + done.stderr)[-500:]}")
    return Timing(seconds, served(args.port) - before)


if __name__ == "__main__":
    raise SystemExit(main())
