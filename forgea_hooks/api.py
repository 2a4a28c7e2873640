"""The check, as a library call: paths in, findings out. The CLI and the Action are thin over this.

read -> parse -> validate (schemas, then rules) -> findings; then whole-tree rules and, when asked,
links. Nothing here formats output.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from forgea_hooks import resultcache, rules, treesummary
from forgea_hooks.config import BASELINE_FILE, Config, ConfigError, load
from forgea_hooks.documents import kinds
from forgea_hooks.documents.source import Unreadable, read_source, read_text
from forgea_hooks.findings import Finding
from forgea_hooks.model import REPORT_HEADING, Document
from forgea_hooks.options import CACHE_DIR
from forgea_hooks.outcome import CheckOptions, CheckResult, FileOutcome
from forgea_hooks.tree import Tree
from forgea_hooks.views import pin_refs, source_refs

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

    from forgea_hooks.linkcheck import LinkStream

__all__ = ["CheckOptions", "CheckResult", "ConfigError", "FileOutcome", "rule_catalog", "run_check"]

PARALLEL_THRESHOLD = 200
FORMAT = "docs/format.md"
MAX_WORKERS = 8


def rule_catalog() -> dict[str, str]:
    return rules.catalog()


@dataclass
class _Candidate:
    path: str  # a string, not a Path: whole-tree runs make ten thousand of these
    relpath: str
    display: str


class Checker:
    """One run's state: the config, the severity table and the lazily read registry."""

    def __init__(self, options: CheckOptions, snapshot: treesummary.Snapshot | None = None) -> None:
        self.options = options
        # Before the config is read: what the run read must not be older than its snapshot.
        self.started = time.time_ns()
        self.root = options.root.resolve()
        self.cwd = Path.cwd()
        table = rules.defaults()
        self.config: Config = load(self.root, options.config_file, set(table) - {k for k in table if ":" in k})
        self.severity = rules.Severities(self.config, table)
        self.modules = [module for module in rules.modules() if hasattr(module, "check")]
        self.tree = Tree(self.config, self._load_for_tree)
        self.warnings: list[str] = []
        self.errors: list[str] = []
        # Each path given on the command line: whether it is a folder, and the files it named.
        self.given: dict[str, tuple[bool, list[str]]] = {}
        self.excluded: set[str] = set()
        self.snapshot = snapshot
        self.stats: dict[str, os.stat_result | None] = {}

    def run(self) -> CheckResult:
        # Paused while this process takes in outcomes and judges them together (see the helper);
        # running again for the link check and release data, whose HTTP failures leave cycles.
        with _no_cycle_collection():
            # A whole-tree run that can be replayed keeps what it depended on, taken before it reads
            # anything; its walk gives the candidates, and their status for the result cache.
            if not treesummary.replayable(self.options):
                self.snapshot = None
            elif self.snapshot is None:
                self.snapshot = treesummary.Snapshot.take(self.options, self.started)
            if self.snapshot is not None:
                self.stats = {relpath: status for _, relpath, status in self.snapshot.walk.files}
            candidates = list(self._candidates())
            links = self._link_stream() if self.options.links else None
            outcomes: list[FileOutcome] = []
            pending: list[_Candidate] = []
            # Whole-tree runs reuse unchanged files' results; a pre-commit batch of a few changed
            # files would only pay for reading and rewriting the cache.
            cache = self._open_cache() if self._caching() else None
            for candidate in candidates:
                cached = self._from_cache(cache, candidate) if cache is not None else None
                if cached is None:
                    pending.append(candidate)
                else:
                    outcomes.append(cached)
                    if links is not None:
                        links.add(cached)
            for outcome, encoded in self._check_all(pending):
                if outcome is None:
                    continue
                outcomes.append(outcome)
                # Stored as results arrive: this process would otherwise wait on the workers, then
                # encode ten thousand entries after them.
                if cache is not None and outcome.digest:
                    cache.store_encoded(outcome.relpath, encoded if encoded is not None else _cache_entry(outcome))
                if links is not None:
                    links.add(outcome)
            if cache is not None:
                cache.save(keep_only={candidate.relpath for candidate in candidates})
                self.warnings.extend(cache.warnings)
            findings = [finding for outcome in outcomes for finding in outcome.findings]
            whole_tree: list[Finding] = []
            if not self.options.paths:
                from forgea_hooks.rules import pins
                from forgea_hooks.rules.consistency import check_tree

                whole_tree = check_tree(outcomes, self.tree.catalog, self.severity)
                whole_tree.extend(pins.check_tree(outcomes, self.tree.catalog, self.severity))
                findings.extend(whole_tree)
        if links is not None:
            findings.extend(links.finish(self.warnings))
        online = None
        if self.options.online:
            from forgea_hooks.online.check import check_online

            online = check_online(
                outcomes, catalog=self.tree.catalog, config=self.config, options=self.options, severity=self.severity
            )
            findings.extend(online.findings)
            self.warnings.extend(online.warnings)
        from forgea_hooks.rules import handoff

        # Reports are judged against git: a replay holds only while the base is the same commit.
        recording = self.snapshot is not None and self.snapshot.recordable()
        git = (
            treesummary.git_state(str(self.root), self.options.handoff_base)
            if recording and any(outcome.kind == "gatekeeper-report" for outcome in outcomes)
            else None
        )
        findings.extend(
            handoff.check_outcomes(outcomes, self.root, self.options.handoff_base, self.severity, self.warnings)
        )
        findings.sort(key=Finding.sort_key)
        baselined = 0
        if self.options.use_baseline:
            findings, baselined = self._apply_baseline(findings, outcomes)
        if self.options.fixes:
            from forgea_hooks.fixes import attach

            findings = attach(findings, self, outcomes)
        warnings = [*self.warnings, *(warning for outcome in outcomes for warning in outcome.warnings)]
        warnings.extend(self.tree.warnings)
        result = CheckResult(
            findings,
            len(outcomes),
            list(dict.fromkeys(warnings)),
            outcomes,
            self.errors,
            self._not_checked(outcomes),
            online,
            baselined=baselined,
            whole_tree=whole_tree,
        )
        if recording and self.snapshot is not None:
            probes = (probe for outcome in outcomes for probe in outcome.probes)
            self.snapshot.record(result, self._dependencies(), probes, git)
        return result

    def _dependencies(self) -> list[str]:
        """Every file besides docs that the result read: the context's, the baseline and the nested manifests."""
        files = [str(path) for path in self._judged_by()]
        if self.options.config_file is not None:
            files.append(os.path.abspath(self.options.config_file))
        if self.options.use_baseline:
            from forgea_hooks import baseline

            with contextlib.suppress(ConfigError):
                files.append(str(baseline.resolve(self.root, self.config.baseline)))
        files += [str(self.root / name) for name in self._nested]
        return files

    @functools.cached_property
    def _nested(self) -> list[str]:
        from forgea_hooks.manifests import nested_files

        return nested_files(self.root)

    def _not_checked(self, outcomes: list[FileOutcome]) -> list[str]:
        """Why each path given on the command line that led to no checked doc was left alone: nothing
        given is skipped without a word."""
        checked = {outcome.relpath for outcome in outcomes}
        said: list[str] = []
        for given, (folder, relpaths) in self.given.items():
            if any(relpath in checked for relpath in relpaths):
                continue
            if folder:
                said.append(f"{given}: no doc of any kind in this folder (see kinds in {FORMAT}); nothing checked")
            elif relpaths and relpaths[0] in self.excluded:
                said.append(f"{given}: excluded by the config's exclude; not checked")
            else:
                said.append(f"{given}: not a doc of any kind (see kinds in {FORMAT}); not checked")
        return said

    def _apply_baseline(self, findings: list[Finding], outcomes: list[FileOutcome]) -> tuple[list[Finding], int]:
        if self.config.baseline is None and not os.path.lexists(self.root / BASELINE_FILE):
            return findings, 0  # no baseline: the reader (and its hashing) is not imported at all
        from forgea_hooks import baseline

        recorded = baseline.read(baseline.resolve(self.root, self.config.baseline))
        if recorded is None:
            return findings, 0
        relpaths = {outcome.path: outcome.relpath for outcome in outcomes}
        kinds_of = {outcome.relpath: outcome.kind for outcome in outcomes}

        def relpath(display: str) -> str:
            return relpaths.get(display) or self.relpath(self.cwd / display)

        def judged(entry: baseline.Entry) -> bool:
            # Only what this run could have reproduced can be called gone.
            if entry.rule.startswith("link-"):
                return self.options.links
            if entry.rule in baseline.ONLINE_RULES:
                return self.options.online
            if entry.rule in baseline.RUN_DEPENDENT:
                return False
            if not self.options.paths:
                return True
            return entry.path in kinds_of and entry.rule not in baseline.TREE_RULES

        result = baseline.split(findings, recorded, relpath, judged)
        stale = []
        for entry in result.stale:
            severity = self.severity(baseline.STALE_RULE, kinds_of.get(entry.path, "gatekeeper-report"))
            if severity is not None:
                stale.append(baseline.stale_finding(entry, self.display(self.root / entry.path), severity))
        return sorted([*result.new, *stale], key=Finding.sort_key), result.baselined

    def _check_all(self, candidates: list[_Candidate]) -> Iterator[tuple[FileOutcome | None, str | None]]:
        """Each candidate's outcome, with its result-cache entry already encoded when a worker
        process made it."""
        # The CPUs this process may use, which in a container can be fewer than the machine has.
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        workers = min(usable, MAX_WORKERS)
        if len(candidates) < PARALLEL_THRESHOLD or workers < 2:
            yield from ((self.check_file(candidate), None) for candidate in candidates)
            return
        # The per-doc work around the native parser (model, schemas, rules) is Python and CPU-bound:
        # a whole-tree run pays for a second process (10,000 docs on 2 cores: 3.6 s against 5.6 s in
        # one), a pre-commit batch of a few files does not. Chunks keep the overhead per message small.
        from concurrent.futures import ProcessPoolExecutor

        chunks = list(_chunks(candidates, workers))
        with ProcessPoolExecutor(
            max_workers=workers, mp_context=_fork_context(), initializer=_start_worker, initargs=(self.options,)
        ) as pool:
            for chunk, encoded in zip(chunks, pool.map(_check_chunk, chunks), strict=True):
                for candidate, entry in zip(chunk, encoded, strict=True):
                    if entry is None:
                        yield None, None
                    else:
                        # What a warm run reads back from the cache file is all the run needs.
                        outcome = FileOutcome.from_cache(json.loads(entry), candidate.display, candidate.relpath)
                        yield outcome, entry

    def check_file(self, candidate: _Candidate) -> FileOutcome | None:
        """What one file says and what is wrong with it; None when it is not a doc of any kind."""
        display = candidate.display
        text, read_stat = read_source(candidate.path, self.options.max_bytes, self._root_of(candidate))
        # Found here, for the files checked: a warm run's cached files need no kind (theirs is kept).
        kind = self._kind_of(candidate.relpath)  # None: only content sniffing can give it a kind
        sniffed = kind is None
        if isinstance(text, Unreadable):
            if kind is None:
                return None
            severity = self.severity("file-invalid", kind)
            hint = rules.hints()["file-invalid"]
            found = (
                [Finding(display, 1, 1, "file-invalid", severity, f"the file {text.reason}", hint)] if severity else []
            )
            return FileOutcome(display, candidate.relpath, kind, found)
        # Only a whole-tree run keeps results, so only it pays for hashing each file.
        text_digest = resultcache.digest(text) if self._caching() else ""
        if kind is None:
            if not (self.config.sniffs() and kinds.looks_like_report(text)):
                return None
            kind = "gatekeeper-report"
        from forgea_hooks.documents.markdown import parse

        doc, problems = parse(text, display, candidate.relpath, kind)
        if sniffed and doc.section(REPORT_HEADING) is None:
            return None  # the words were only in a code block or in prose, not a heading
        ctx = rules.RuleContext(doc, self.config, self.severity, self.tree, text=text)
        for line, message in problems:
            ctx.report("file-invalid", line, message)
        for module in self.modules:
            module.check(doc, ctx)
        links = (
            [(link.url, link.line) for link in doc.links]
            if self.options.all_links
            else [(ref.url, ref.line) for ref in source_refs(doc) if ref.url.startswith(("http://", "https://"))]
        )
        return FileOutcome(
            display,
            candidate.relpath,
            kind,
            ctx.findings,
            pins=pin_refs(doc),
            links=links,
            disabled=doc.disabled,
            warnings=list(self.tree.warnings),
            digest=text_digest,
            stat=read_stat if text_digest else None,
            probes=ctx.probes,
        )

    def _root_of(self, candidate: _Candidate) -> Path | None:
        # A file named outside the root was chosen by whoever ran the tool: it is read from the
        # folder it was named in (read_source's default), still never through a link out of it.
        return None if candidate.relpath.startswith("/") else self.root

    def _caching(self) -> bool:
        return not (self.options.paths or self.options.no_cache)

    def _open_cache(self) -> resultcache.ResultCache:
        return resultcache.ResultCache(self.root / CACHE_DIR, resultcache.context_key(self._context()), self.root)

    def _context(self) -> Iterator[str]:
        """Everything besides a file's own text that its result depends on."""
        yield f"all-links={self.options.all_links} max-bytes={self.options.max_bytes}"
        yield f"root={self.root}"
        yield from code_fingerprint(PACKAGE_DIR)
        files = self._judged_by()
        for path in files:
            try:
                yield f"{path}\0{path.read_bytes().decode('utf-8', 'replace')}"
            except OSError:
                yield f"{path}\0unreadable"
        # Manifests and anything else at the root, by size and time: a lockfile can be megabytes.
        # Files already hashed above are left out, so rewriting one unchanged costs no cache.
        hashed = {path.resolve() for path in files}
        try:
            entries = sorted(os.scandir(self.root), key=lambda entry: entry.name)
        except OSError:
            return
        for entry in entries:
            with contextlib.suppress(OSError):
                if entry.is_file() and Path(entry.path).resolve() not in hashed:
                    status = entry.stat()
                    yield f"{entry.name}\0{status.st_size}\0{status.st_mtime_ns}"
        # And the manifests below it that readers read: workspace members, included files.
        for name in self._nested:
            with contextlib.suppress(OSError):
                status = (self.root / name).stat()
                yield f"{name}\0{status.st_size}\0{status.st_mtime_ns}"

    def _judged_by(self) -> list[Path]:
        """The files a doc is judged against, by their text: the config, user schemas, the registry."""
        files = [Path(self.config.origin.split(" [", 1)[0])] if self.config.origin else []
        files += [settings.schema for settings in self.config.kinds.values() if settings.schema is not None]
        files += self.tree.registry_paths()
        return files

    def _from_cache(self, cache: resultcache.ResultCache, candidate: _Candidate) -> FileOutcome | None:
        if candidate.relpath not in cache.entries:
            return None  # nothing to compare with: the worker reads the file, not this process too
        # As git's index does: a file whose size and mtime are those recorded with its digest is
        # not read again; any other file is read and hashed.
        status = self.stats.get(candidate.relpath)
        if status is None:
            try:
                status = os.stat(candidate.path)
            except OSError:
                return None
        entry = cache.lookup_unchanged(candidate.relpath, status, self.root)
        if entry is None:
            text, read_stat = read_source(candidate.path, self.options.max_bytes, self._root_of(candidate))
            if isinstance(text, Unreadable):
                return None
            entry = cache.lookup(candidate.relpath, resultcache.digest(text), self.root)
            if entry is None:
                return None
            cache.store(candidate.relpath, resultcache.with_stat(entry, read_stat))
        try:
            return FileOutcome.from_cache(entry, candidate.display, candidate.relpath)
        except (KeyError, TypeError, ValueError):
            return None  # an entry of another shape: check the file afresh

    def display(self, path: Path) -> str:
        try:
            return Path(os.path.relpath(path, self.cwd)).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()

    def relpath(self, path: Path) -> str:
        """The path relative to the root; an absolute path (starting with /) when outside it."""
        try:
            # Resolve the folder only: the file itself may be a dangling link or a link loop.
            return (path.absolute().parent.resolve() / path.name).relative_to(self.root).as_posix()
        except ValueError:
            return path.absolute().as_posix()

    @functools.cached_property
    def _kind_of(self) -> Callable[[str], str | None]:
        return kinds.kind_finder(self.config.kind_globs())

    def _candidates(self) -> Iterator[_Candidate]:
        seen: set[str] = set()
        # Whole-tree runs meet thousands of paths: relative paths are cut from strings, not resolved.
        prefix = os.path.relpath(self.root, self.cwd).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for path, relpath, given in self._paths():
            if given is not None:
                self.given[given][1].append(relpath)
            if relpath in seen:
                continue
            seen.add(relpath)
            if kinds.matches(relpath, self.config.exclude):
                self.excluded.add(relpath)
                continue
            display = prefix + relpath if not relpath.startswith("/") else self.display(Path(path))
            yield _Candidate(path, relpath, display)

    def _paths(self) -> Iterator[tuple[str, str, str | None]]:
        """Each file to consider, its path relative to the root, and the command-line path that named
        it (None in a whole-tree run)."""
        if not self.options.paths:
            if self.snapshot is not None:
                yield from ((found, relpath, None) for found, relpath, _ in self.snapshot.walk.files)
                return
            for found, relpath, _ in treesummary.walk(str(self.root)).files:
                yield found, relpath, None
            return
        for given in self.options.paths:
            path = Path(given)
            if not path.is_absolute():
                path = self.cwd / path
            if path.is_dir() and not path.name.endswith(".md"):
                self.given.setdefault(given, (True, []))
                top = path.resolve()
                prefix = self.relpath(top) if top != self.root else ""
                for found, relpath, _ in treesummary.walk(str(top), prefix and f"{prefix}/").files:
                    # Files below a folder outside the root are known by their absolute paths,
                    # but those the root holds (the folder holds the root: `--root site .`) by
                    # their paths from it, which give them their kinds.
                    yield found, self.relpath(Path(found)) if relpath.startswith("/") else relpath, given
            elif path.exists() or path.is_symlink():
                self.given.setdefault(given, (False, []))
                yield str(path), self.relpath(path), given
            else:
                self.errors.append(f"{given}: no such file or directory")

    def _load_for_tree(self, path: Path) -> Document | None:
        text = read_text(path, self.options.max_bytes, self.root)
        if isinstance(text, Unreadable):
            return None
        relpath = self.relpath(path)
        kind = kinds.kind_by_path(relpath, self.config.kind_globs()) or "registry"
        from forgea_hooks.documents.markdown import parse

        return parse(text, self.display(path), relpath, kind)[0]

    def _link_stream(self) -> LinkStream:
        from forgea_hooks.linkcheck import LinkStream

        return LinkStream(self.options, self.config, self.severity)


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Reading the result cache and decoding its entries, or taking the workers' outcomes, makes
    hundreds of thousands of objects that live until the run ends (entries, findings, pins,
    outcomes) and no reference cycle: the cycle collector would only scan them again and again, a
    sixth of a warm run's time and a tenth of a second of a cold run's serial end. Workers, which
    parse, turn it back on (:func:`_start_worker`). Docs checked in this process (a pre-commit
    batch, or a whole tree on one CPU) leave about one object in a cycle per two docs: a few
    thousand for ten thousand docs, freed when the pause ends."""
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            # Straight into the oldest generation, unscanned: left in the youngest, the first
            # collection after this would scan them all once more.
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


_worker: Checker | None = None


def _start_worker(options: CheckOptions) -> None:
    global _worker  # noqa: PLW0603 - one Checker per worker process, built once
    import gc

    gc.enable()  # forked while the parent paused it: a worker's objects die with each doc
    from forgea_hooks.documents.markdown import mute_rule_debug_logging

    mute_rule_debug_logging()
    _worker = Checker(options)


def _check_chunk(chunk: list[_Candidate]) -> list[str | None]:
    """Each file's outcome as its result-cache entry's JSON: the worker encodes it once, a string
    is pickled at the cost of a copy, and the cache file is then written without encoding ten
    thousand entries in this process after the workers are done."""
    assert _worker is not None
    outcomes = (_worker.check_file(candidate) for candidate in chunk)
    return [None if outcome is None else _cache_entry(outcome) for outcome in outcomes]


def _cache_entry(outcome: FileOutcome) -> str:
    """The outcome's result-cache entry, encoded, with the size and mtime of what was read."""
    return resultcache.encode_entry(resultcache.with_stat(outcome.to_cache(), outcome.stat))


PACKAGE_DIR = Path(__file__).parent


def code_fingerprint(package: Path) -> list[str]:
    """Each source file and bundled schema of the package, by size and mtime: a hook repository
    moved to another commit keeps its version number, and must not be served the old code's results."""
    return treesummary.code_fingerprint(str(package))


def _chunks(candidates: list[_Candidate], workers: int) -> Iterator[list[_Candidate]]:
    """Up to 100 files a chunk, fewer as the end nears, so that no worker is left with a long last
    chunk while the others have finished; big enough that pickling stays a small share."""
    start = 0
    while start < len(candidates):
        size = max(16, min(100, (len(candidates) - start) // (workers * 4)))
        yield candidates[start : start + size]
        start += size


def _fork_context() -> BaseContext | None:
    # fork shares the imported modules with the workers; elsewhere the platform default is safer.
    import multiprocessing

    return multiprocessing.get_context("fork") if sys.platform == "linux" else None


def run_check(options: CheckOptions, snapshot: treesummary.Snapshot | None = None) -> CheckResult:
    """``snapshot``: taken for a replay that did not hold, so the run does not walk the tree again."""
    return Checker(options, snapshot).run()


def dump_document(path: Path, *, root: Path, config_file: Path | None, kind: str | None) -> dict[str, object]:
    """The model of one doc as JSON-able data: what the kind's schema validates."""
    checker = Checker(CheckOptions(root=root, config_file=config_file))
    text = read_text(path, checker.options.max_bytes)
    if isinstance(text, Unreadable):
        raise ConfigError(f"{path}: the file {text.reason}")
    relpath = checker.relpath(path)
    kind = kind or kinds.kind_by_path(relpath, checker.config.kind_globs())
    if kind is None:
        kind = "gatekeeper-report" if kinds.looks_like_report(text) else "official-doc"
    from forgea_hooks.documents.markdown import parse

    return parse(text, checker.display(path), relpath, kind)[0].to_json()
