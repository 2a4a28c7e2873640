"""The fix engine: a finding, the text of its file and what the tree knows -> a ``Fix`` (a range of
the file's text and its replacement), or nothing when the repair is not mechanical.

``forgea-hooks fix`` applies these fixes and the Action's review suggestions offer them; both get
them from here. A fix only replaces the value's own characters on the finding's line, and only when
that value occurs once on the line, so applying it never re-renders the Markdown around it. Each
repair is idempotent: the fixed text no longer holds the finding.

The repairs (each is skipped when its condition does not hold):

- ``path-absolute``: a machine-local path whose tail is a path of this repo
  (``/Users/<name>/…/<repo>/docs/x.md`` -> ``/docs/x.md``) when that file exists, or, in a field
  that must hold a repo path (``Path:``, ``Canonical path:``), from its ``docs`` segment on.
- ``pin-range``: a range (``^7.3.0``, ``~7.3``, ``7.3.x``, ``latest``) -> the version the lockfile
  or manifest installs for that technology, when exactly one version is installed (and, for a range
  with a major, of that major).
- ``pin-unknown``: a value with no version -> the registry's exact pin for that technology.
- ``pin-inconsistent``: a pin the registry disagrees with -> the registry's pin (``fix`` applies it
  only when ``--rule pin-inconsistent`` names it: the registry may be the stale one).
- ``source-insecure``: ``http://`` -> ``https://`` when the same host is cited over https elsewhere
  (in the files checked, or the registry).
- ``source-unpinned-url``: a moving segment (``/current/``, ``/latest/``) -> the pinned version's
  segment on hosts with a known pattern (:data:`VERSION_SEGMENTS`, extended by
  ``fix.version-segments`` in config), using the entry's exact pin, else the registry's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from forgea_hooks.findings import Finding, Fix
from forgea_hooks.model import Document
from forgea_hooks.pins import PinClass, classify
from forgea_hooks.views import PinRef, SourceRef, pin_refs, source_refs

if TYPE_CHECKING:
    from forgea_hooks.api import Checker
    from forgea_hooks.outcome import FileOutcome
    from forgea_hooks.tree import Tree

SAFE_RULES = ("path-absolute", "pin-range", "pin-unknown", "source-insecure", "source-unpinned-url")
# Fixed only when named: which side of a disagreement is right is a judgement.
EXPLICIT_RULES = ("pin-inconsistent",)
FIXABLE = (*SAFE_RULES, *EXPLICIT_RULES)

# Host -> the path segment of one version's pages. {major}, {minor}, {patch} and {version} are the
# pin's parts. Config's `fix.version-segments` adds hosts or replaces these.
VERSION_SEGMENTS: Mapping[str, str] = {
    "www.postgresql.org": "{major}",
    "postgresql.org": "{major}",
    "nodejs.org": "v{version}",
    "docs.python.org": "{major}.{minor}",
    "docs.djangoproject.com": "{major}.{minor}",
    "www.typescriptlang.org": "v{major}",
}

_MOVING = re.compile(r"/(current|latest|stable|master|main|dev)(?=/|$)", re.IGNORECASE)
_REPO_PATH_FIELD = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+[*_`]*(?:canonical\s+)?path[*_`]*\s*:", re.IGNORECASE)
_QUOTED = re.compile(r"'([^']*)'")
_TRAILING = ".,;:!?"


@dataclass
class FixContext:
    """What a fix may consult beyond the file's own text."""

    root: Path
    tree: Tree
    https_hosts: set[str] = field(default_factory=set)
    segments: Mapping[str, str] = field(default_factory=lambda: dict(VERSION_SEGMENTS))


def https_hosts(urls: Iterable[str]) -> set[str]:
    hosts = set()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme.casefold() == "https" and parts.hostname:
            hosts.add(parts.hostname.casefold())
    return hosts


def for_file(findings: Sequence[Finding], text: str, doc: Document, ctx: FixContext) -> list[Finding]:
    """``findings`` (of one file) with ``fix`` set where the engine can repair them from ``text``."""
    lines = text.split("\n")
    pins: dict[int, list[PinRef]] = {}
    for ref in pin_refs(doc):
        pins.setdefault(ref.line, []).append(ref)
    sources: dict[int, list[SourceRef]] = {}
    for source in source_refs(doc):
        sources.setdefault(source.line, []).append(source)
    fixed = []
    for finding in findings:
        fixer = _FIXERS.get(finding.rule)
        fix = None
        if fixer is not None and 1 <= finding.line <= len(lines):
            fix = fixer(
                _Site(finding, lines[finding.line - 1], pins.get(finding.line, []), sources.get(finding.line, [])), ctx
            )
        fixed.append(replace(finding, fix=fix) if fix is not None else finding)
    return fixed


def apply(text: str, fixes: Iterable[Fix]) -> tuple[str, list[Fix]]:
    """``text`` with the fixes applied, and the fixes applied; a fix overlapping one before it is
    left out (the next run takes it)."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(line: int, column: int) -> int:
        return starts[line - 1] + column - 1

    chosen: list[tuple[int, int, Fix]] = []
    for fix in sorted(fixes, key=lambda f: (f.line, f.column)):
        if not 1 <= fix.line <= fix.end_line <= len(lines):
            continue
        start, end = offset(fix.line, fix.column), offset(fix.end_line, fix.end_column)
        if chosen and start < chosen[-1][1]:
            continue
        chosen.append((start, end, fix))
    for start, end, fix in reversed(chosen):
        text = text[:start] + fix.replacement + text[end:]
    return text, [fix for _, _, fix in chosen]


@dataclass
class _Site:
    finding: Finding
    line_text: str
    pins: list[PinRef]
    sources: list[SourceRef]

    def span(self, needle: str, replacement: str, within: tuple[int, int] | None = None) -> Fix | None:
        """The fix replacing ``needle`` where it occurs exactly once on the line (or in ``within``)."""
        start, end = within if within is not None else (0, len(self.line_text))
        region = self.line_text[start:end]
        if not needle or region.count(needle) != 1 or needle == replacement:
            return None
        column = start + region.index(needle) + 1
        line = self.finding.line
        return Fix(line, column, line, column + len(needle), replacement)

    def url_span(self, url: str) -> tuple[int, int] | None:
        if self.line_text.count(url) != 1:
            return None
        start = self.line_text.index(url)
        return start, start + len(url)


def _registry_exact(technology: str, ctx: FixContext) -> str | None:
    """The registry's pin for the technology when it is one exact version."""
    found = ctx.tree.registry_rows.get(ctx.tree.catalog.canonical(technology))
    if found is None:
        return None
    value = found[1].cells.get("version", "").strip().strip("`").strip()
    parts = classify(value).parts
    if len(parts) != 1 or parts[0].cls is not PinClass.EXACT or not parts[0].version:
        return None
    # As the registry writes it (`v4.0`, `2024-06-20`), unless a note follows the version.
    return value if " " not in value else parts[0].version


def _single_install(technology: str, ctx: FixContext) -> str | None:
    versions = {i.version for i in ctx.tree.installs_for(ctx.tree.catalog.canonical(technology)) if i.version}
    return versions.pop() if len(versions) == 1 else None


def _fix_pin_unknown(site: _Site, ctx: FixContext) -> Fix | None:
    for ref in site.pins:
        if ref.role == "registry" or not ref.technology:
            continue
        parts = classify(ref.value).parts
        if len(parts) > 1 or any(part.cls is not PinClass.UNKNOWN for part in parts):
            continue
        pin = _registry_exact(ref.technology, ctx)
        if pin is not None and ref.value.strip():
            return site.span(ref.value.strip(), pin)
    return None


def _fix_pin_range(site: _Site, ctx: FixContext) -> Fix | None:
    for ref in site.pins:
        if not ref.technology:
            continue
        ranges = [part for part in classify(ref.value).parts if part.cls is PinClass.RANGE]
        installed = _single_install(ref.technology, ctx)
        if len(ranges) != 1 or installed is None:
            continue
        token = pin_token(ranges[0].text)
        if token is None:
            continue
        major = re.search(r"\d+", token)
        if major is not None and installed.split(".")[0] != major.group(0):
            continue
        return site.span(token, installed)
    return None


def pin_token(text: str) -> str | None:
    """The pin itself in a part: its first word that holds a digit or is a moving word."""
    for raw in text.strip("`").split():
        word = raw.strip("`").rstrip(_TRAILING)
        if any(char.isdigit() for char in word) or word.casefold() in ("latest", "current", "stable", "lts", "next"):
            return word
    return None


def _fix_pin_inconsistent(site: _Site, ctx: FixContext) -> Fix | None:
    for ref in site.pins:
        if ref.role == "registry" or not ref.technology:
            continue
        parts = [part for part in classify(ref.value).parts if part.cls is PinClass.EXACT and part.version]
        pin = _registry_exact(ref.technology, ctx)
        if len(parts) != 1 or pin is None:
            continue
        token = pin_token(parts[0].text)
        if token is not None and token.lstrip("v=") == parts[0].version:
            return site.span(token, pin)
    return None


def _fix_source_insecure(site: _Site, ctx: FixContext) -> Fix | None:
    for source in site.sources:
        parts = urlsplit(source.url)
        if parts.scheme.casefold() != "http" or (parts.hostname or "").casefold() not in ctx.https_hosts:
            continue
        within = site.url_span(source.url)
        if within is not None:
            scheme = source.url[: len("http://")]
            return site.span(scheme, "https://", (within[0], within[0] + len(scheme)))
    return None


def _fix_source_unpinned(site: _Site, ctx: FixContext) -> Fix | None:
    for source in site.sources:
        parts = urlsplit(source.url)
        template = ctx.segments.get((parts.hostname or "").casefold())
        moving = _MOVING.search(parts.path)
        within = site.url_span(source.url)
        if template is None or moving is None or within is None:
            continue
        version = _exact_version(source.pin) or (source.technology and _registry_exact(source.technology, ctx))
        if not version:
            continue
        numbers = [*version.lstrip("v").split("."), "0", "0"][:3]
        segment = template.format(major=numbers[0], minor=numbers[1], patch=numbers[2], version=version.lstrip("v"))
        start = within[0] + len(parts.scheme) + len("://") + len(parts.netloc) + moving.start()
        return site.span(moving.group(0), f"/{segment}", (start, start + len(moving.group(0))))
    return None


def _exact_version(pin: str | None) -> str | None:
    if pin is None:
        return None
    parts = [part for part in classify(pin).parts if part.cls is PinClass.EXACT and part.version]
    return parts[0].version if len(parts) == 1 else None


def _fix_path_absolute(site: _Site, ctx: FixContext) -> Fix | None:
    quoted = _QUOTED.search(site.finding.message)
    if quoted is None:
        return None
    path = quoted.group(1).rstrip(_TRAILING)
    segments = [segment for segment in re.split(r"[\\/]", path) if segment]
    if any(segment in (".", "..") for segment in segments):
        return None
    root = ctx.root.resolve()
    for index in range(1, len(segments)):
        tail = "/".join(segments[index:])
        candidate = root / tail
        if candidate.is_file() and candidate.resolve().is_relative_to(root):
            return site.span(path, "/" + tail)
    if _REPO_PATH_FIELD.match(site.line_text) and "docs" in segments[1:]:
        return site.span(path, "/" + "/".join(segments[segments.index("docs", 1) :]))
    return None


_FIXERS = {
    "path-absolute": _fix_path_absolute,
    "pin-range": _fix_pin_range,
    "pin-unknown": _fix_pin_unknown,
    "pin-inconsistent": _fix_pin_inconsistent,
    "source-insecure": _fix_source_insecure,
    "source-unpinned-url": _fix_source_unpinned,
}


def attach(findings: Sequence[Finding], checker: Checker, outcomes: Sequence[FileOutcome]) -> list[Finding]:
    """``findings`` with a fix on each one the engine can repair (``check --format json``, review
    suggestions). Computed after the result cache, from the files as they are now."""
    ctx = context(checker, outcomes)
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.rule in FIXABLE:
            by_path.setdefault(finding.path, []).append(finding)
    fixed: dict[int, Finding] = {}
    outcome_of = {outcome.path: outcome for outcome in outcomes}
    for path, group in by_path.items():
        outcome = outcome_of.get(path)
        loaded = load(checker, outcome) if outcome is not None else None
        if loaded is not None:
            for before, after in zip(group, for_file(group, loaded[0], loaded[1], ctx), strict=True):
                fixed[id(before)] = after
    return [fixed.get(id(finding), finding) for finding in findings]


def context(checker: Checker, outcomes: Sequence[FileOutcome]) -> FixContext:
    urls = [url for outcome in outcomes for url, _ in outcome.links]
    urls += [ref.url for doc in checker.tree.registries for ref in source_refs(doc)]
    segments = dict(VERSION_SEGMENTS)
    segments.update(
        {host.casefold(): template for host, template in checker.config.fix.get("version-segments", {}).items()}
    )
    return FixContext(checker.root, checker.tree, https_hosts(urls), segments)


def load(checker: Checker, outcome: FileOutcome) -> tuple[str, Document] | None:
    """The file's text (without a BOM, as the check read it) and its model; None when unreadable."""
    from forgea_hooks.documents.markdown import parse
    from forgea_hooks.documents.source import Unreadable, read_text

    text = read_text(outcome.path, checker.options.max_bytes)
    if isinstance(text, Unreadable):
        return None
    return text, parse(text, outcome.path, outcome.relpath, outcome.kind)[0]
