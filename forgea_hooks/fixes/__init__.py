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
  in the same doc or in the registry (never other files: a fix must not depend on which files one
  run checks).
- ``source-unpinned-url``: a moving segment (``/current/``, ``/latest/``) -> the pinned version's
  segment on hosts with a known pattern (:data:`VERSION_SEGMENTS`, extended by
  ``fix.version-segments`` in config), using the exact pin of the nearest pin whose technology has
  that host among its official domains, else that technology's registry pin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from forgea_hooks.findings import Finding, Fix
from forgea_hooks.pins import PinClass, classify
from forgea_hooks.views import UNPINNED_STATUSES, PinRef

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
# How far from its source an entry's pin may be: the fields of one entry.
_ENTRY_SPAN = 6
_HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+", re.IGNORECASE)
_TRAILING = ".,;:!?"


@dataclass
class FixContext:
    """What a fix may consult beyond the file's own text."""

    root: Path
    tree: Tree
    https_hosts: set[str] = field(default_factory=set)
    segments: Mapping[str, str] = field(default_factory=lambda: dict(VERSION_SEGMENTS))
    # Canonical technology -> the registry's version value, from the checked registry's (cached)
    # outcome: a warm run then parses no doc for its fixes. Without it, the tree's registry.
    registry_pins: Mapping[str, str] | None = None


def https_hosts(urls: Iterable[str]) -> set[str]:
    return {_host(url) for url in urls if url[:8].casefold() == "https://"} - {""}


def for_file(findings: Sequence[Finding], text: str, pins: Sequence[PinRef], ctx: FixContext) -> list[Finding]:
    """``findings`` (of one file) with ``fix`` set where the engine can repair them from ``text``
    and the file's pins (as the check recorded them, so the result cache serves them: no parse)."""
    lines = text.split("\n")
    by_line: dict[int, list[PinRef]] = {}
    for ref in pins:
        by_line.setdefault(ref.line, []).append(ref)
    # The file's own https hosts count with the registry's, never other files': a fix must not
    # depend on which files one run happens to check.
    local = replace(ctx, https_hosts=ctx.https_hosts | https_hosts(_HTTPS_URL.findall(text)))
    fixed = []
    for finding in findings:
        fixer = _FIXERS.get(finding.rule)
        fix = None
        if fixer is not None and 1 <= finding.line <= len(lines):
            site = _Site(finding, lines[finding.line - 1], by_line.get(finding.line, []), pins)
            fix = fixer(site, local)
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
    pins: list[PinRef]  # on the finding's line
    all_pins: Sequence[PinRef]  # of the file

    def url(self) -> str | None:
        """The official source the finding names (its message quotes it first)."""
        quoted = _QUOTED.search(self.finding.message)
        return quoted.group(1) if quoted else None

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
    key = ctx.tree.catalog.canonical(technology)
    if ctx.registry_pins is not None:
        if key not in ctx.registry_pins:
            return None
        value = ctx.registry_pins[key]
    else:
        found = ctx.tree.registry_rows.get(key)
        # A row whose status says the docs are missing or deprecated pins nothing (as pin_refs has it).
        if found is None or found[1].cells.get("status", "").strip("` ").casefold() in UNPINNED_STATUSES:
            return None
        value = found[1].cells.get("version", "")
    value = value.strip().strip("`").strip()
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


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").casefold()
    except ValueError:  # a malformed URL is field-invalid's business, never a crash here
        return ""


def _fix_source_insecure(site: _Site, ctx: FixContext) -> Fix | None:
    url = site.url()
    if url is None or url[:7].casefold() != "http://" or _host(url) not in ctx.https_hosts:
        return None
    within = site.url_span(url)
    return None if within is None else site.span(url[:7], "https://", (within[0], within[0] + 7))


def _fix_source_unpinned(site: _Site, ctx: FixContext) -> Fix | None:
    url = site.url()
    host = _host(url) if url else ""
    template = ctx.segments.get(host)
    within = site.url_span(url) if url else None
    if url is None or template is None or within is None:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    moving = _MOVING.search(parts.path)
    ref = _pin_for_source(site, host, ctx)
    if moving is None or ref is None:
        return None
    version = _exact_version(ref.value) or _registry_exact(ref.technology, ctx)
    if not version:
        return None
    numbers = [*version.lstrip("v").split("."), "0", "0"][:3]
    segment = template.format(major=numbers[0], minor=numbers[1], patch=numbers[2], version=version.lstrip("v"))
    start = within[0] + len(parts.scheme) + len("://") + len(parts.netloc) + moving.start()
    return site.span(moving.group(0), f"/{segment}", (start, start + len(moving.group(0))))


def _pin_for_source(site: _Site, host: str, ctx: FixContext) -> PinRef | None:
    """The pin a source documents: on its line (a registry row), else the entry's pin just below
    it, else the one just above (front matter puts ``version`` first). A technology whose built-in
    official domains do not hold the host is not the one the source documents."""
    line = site.finding.line
    near = sorted(
        (ref for ref in site.all_pins if ref.technology and abs(ref.line - line) <= _ENTRY_SPAN),
        key=lambda ref: (ref.line < line, abs(ref.line - line)),
    )
    if not near:
        return None
    ref = near[0]
    domains = ctx.tree.catalog.official_domains(ctx.tree.catalog.canonical(ref.technology))
    if domains and not any(host == domain or host.endswith("." + domain) for domain in domains):
        return None
    return ref


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
        text = load(checker, outcome) if outcome is not None else None
        if outcome is not None and text is not None:
            for before, after in zip(group, for_file(group, text, outcome.pins, ctx), strict=True):
                fixed[id(before)] = after
    return [fixed.get(id(finding), finding) for finding in findings]


def context(checker: Checker, outcomes: Sequence[FileOutcome] = ()) -> FixContext:
    """What fixes consult, read without parsing a doc where the check's outcomes already hold it."""
    from forgea_hooks.documents.source import Unreadable, read_text

    urls: list[str] = []
    for path in checker.tree.registry_paths():
        text = read_text(path, checker.options.max_bytes)
        if not isinstance(text, Unreadable):
            urls += _HTTPS_URL.findall(text)
    registry_pins: dict[str, str] | None = None
    checked = {outcome.relpath for outcome in outcomes if outcome.kind == "registry"}
    wanted = {path.relative_to(checker.root).as_posix() for path in checker.tree.registry_paths()}
    if wanted and wanted <= checked:
        registry_pins = {}
        for outcome in outcomes:
            if outcome.relpath in wanted:
                for ref in outcome.pins:
                    if ref.role == "registry" and ref.technology:
                        registry_pins.setdefault(checker.tree.catalog.canonical(ref.technology), ref.value)
    segments = dict(VERSION_SEGMENTS)
    segments.update(
        {host.casefold(): template for host, template in checker.config.fix.get("version-segments", {}).items()}
    )
    return FixContext(checker.root, checker.tree, https_hosts(urls), segments, registry_pins)


def load(checker: Checker, outcome: FileOutcome) -> str | None:
    """The file's text as the check read it (without a BOM); None when it cannot be read."""
    from forgea_hooks.documents.source import Unreadable, read_text

    text = read_text(outcome.path, checker.options.max_bytes)
    return None if isinstance(text, Unreadable) else text
