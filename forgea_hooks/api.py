"""The check, as a library call: paths in, findings out. The CLI and the Action are thin over this.

read -> parse -> validate (schemas, then rules) -> findings; then whole-tree rules and, when asked,
links. Nothing here formats output.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from forgea_hooks import rules
from forgea_hooks.config import ALWAYS_SKIPPED, Config, ConfigError, load
from forgea_hooks.documents import kinds
from forgea_hooks.documents.markdown import REPORT_HEADING, parse
from forgea_hooks.documents.source import DEFAULT_MAX_BYTES, Unreadable, read_text
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.model import Document
from forgea_hooks.tree import Tree
from forgea_hooks.views import pin_refs

__all__ = ["CheckOptions", "CheckResult", "ConfigError", "rule_catalog", "run_check"]


@dataclass(frozen=True)
class CheckOptions:
    paths: tuple[str, ...] = ()
    root: Path = Path(".")
    config_file: Path | None = None
    links: bool = False
    all_links: bool = False
    allow_private: bool | None = None
    check_fragments: bool | None = None
    cache_path: Path | None = None
    no_cache: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES


@dataclass
class CheckResult:
    findings: list[Finding]
    files_checked: int
    warnings: list[str] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)
    # Paths that could not be checked at all (named but absent): the CLI exits 2 for them.
    errors: list[str] = field(default_factory=list)

    def worst(self) -> Severity | None:
        return max((finding.severity for finding in self.findings), key=lambda s: s.rank, default=None)


def rule_catalog() -> dict[str, str]:
    return rules.catalog()


@dataclass
class _Candidate:
    path: Path
    relpath: str
    kind: str | None  # None: only content sniffing can give it a kind


class Checker:
    """One run's state: the config, the severity table and the lazily read registry."""

    def __init__(self, options: CheckOptions) -> None:
        self.options = options
        self.root = options.root.resolve()
        self.cwd = Path.cwd()
        table = rules.defaults()
        self.config: Config = load(self.root, options.config_file, set(table) - {k for k in table if ":" in k})
        self.severity = rules.Severities(self.config, table)
        self.modules = [module for module in rules.modules() if hasattr(module, "check")]
        self.tree = Tree(self.config, self._load_for_tree)
        self.warnings: list[str] = []
        self.errors: list[str] = []

    def run(self) -> CheckResult:
        loose: list[Finding] = []
        contexts: list[rules.RuleContext] = []
        checked = 0
        for candidate in self._candidates():
            outcome = self.check_file(candidate)
            if outcome is None:
                continue
            checked += 1
            if isinstance(outcome, rules.RuleContext):
                contexts.append(outcome)
            else:
                loose.extend(outcome)
        if not self.options.paths:
            from forgea_hooks.rules.consistency import check_tree

            check_tree((ctx, ref) for ctx in contexts for ref in pin_refs(ctx.doc))
        findings = loose + [finding for ctx in contexts for finding in ctx.findings]
        if self.options.links:
            findings.extend(self._links([ctx.doc for ctx in contexts]))
        findings.sort(key=Finding.sort_key)
        self.warnings.extend(self.tree.warnings)
        return CheckResult(findings, checked, self.warnings, [ctx.doc for ctx in contexts], self.errors)

    def check_file(self, candidate: _Candidate) -> rules.RuleContext | list[Finding] | None:
        """The doc's context with its findings; a bare list when the file could not be read; None
        when the file is not a doc of any kind."""
        display = self.display(candidate.path)
        text = read_text(candidate.path, self.options.max_bytes)
        kind = candidate.kind
        if isinstance(text, Unreadable):
            if kind is None:
                return None
            severity = self.severity("file-invalid", kind)
            return [Finding(display, 1, 1, "file-invalid", severity, f"the file {text.reason}")] if severity else []
        if kind is None:
            if not (self.config.sniffs() and kinds.looks_like_report(text)):
                return None
            kind = "gatekeeper-report"
        doc, problems = parse(text, display, candidate.relpath, kind)
        if candidate.kind is None and doc.section(REPORT_HEADING) is None:
            return None  # the words were only in a code block or in prose, not a heading
        ctx = rules.RuleContext(doc, self.config, self.severity, self.tree)
        for line, message in problems:
            ctx.report("file-invalid", line, message)
        for module in self.modules:
            module.check(doc, ctx)
        return ctx

    def display(self, path: Path) -> str:
        try:
            return Path(os.path.relpath(path, self.cwd)).as_posix()
        except ValueError:  # another drive on Windows
            return path.as_posix()

    def relpath(self, path: Path) -> str:
        try:
            # Resolve the folder only: the file itself may be a dangling link or a link loop.
            return (path.absolute().parent.resolve() / path.name).relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def _candidates(self) -> Iterator[_Candidate]:
        globs = self.config.kind_globs()
        seen: set[Path] = set()
        for path in self._paths():
            key = path.absolute()
            if key in seen:
                continue
            seen.add(key)
            relpath = self.relpath(path)
            if kinds.matches(relpath, self.config.exclude):
                continue
            yield _Candidate(path, relpath, kinds.kind_by_path(relpath, globs))

    def _paths(self) -> Iterator[Path]:
        if not self.options.paths:
            yield from _walk(self.root)
            return
        for given in self.options.paths:
            path = Path(given)
            if not path.is_absolute():
                path = self.cwd / path
            if path.is_dir() and not path.name.endswith(".md"):
                yield from _walk(path)
            elif path.exists() or path.is_symlink():
                yield path
            else:
                self.errors.append(f"{given}: no such file or directory")

    def _load_for_tree(self, path: Path) -> Document | None:
        text = read_text(path, self.options.max_bytes)
        if isinstance(text, Unreadable):
            return None
        relpath = self.relpath(path)
        kind = kinds.kind_by_path(relpath, self.config.kind_globs()) or "registry"
        return parse(text, self.display(path), relpath, kind)[0]


    def _links(self, docs: list[Document]) -> list[Finding]:
        from forgea_hooks.linkcheck import check_links

        return check_links(docs, self.options, self.config, self.severity, self.warnings)


def _walk(top: Path) -> Iterator[Path]:
    """Every .md file below ``top``, skipping folders no doc lives in, without following links."""
    for folder, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(name for name in dirnames if name not in ALWAYS_SKIPPED)
        for name in sorted(filenames):
            if name.endswith(".md"):
                yield Path(folder) / name
        for name in dirnames:
            if name.endswith(".md"):
                yield Path(folder) / name


def run_check(options: CheckOptions) -> CheckResult:
    return Checker(options).run()


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
    return parse(text, checker.display(path), relpath, kind)[0].to_json()

