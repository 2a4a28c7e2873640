"""Official-source rules, checked offline. An official source is a registry row's ``Official
source`` cell, an official doc's ``official_source``/``Official source``, a gatekeeper entry's
``Official source`` and a registry status line's URL. A value may carry a label before or after its
URL (``OWASP Logging Cheat Sheet — https://…``); a value with several URLs (``https://a … and
https://b``) or a nested list of ``Name: URL`` items names several sources, each checked. A URL that
cannot be read as one (``http://[x]/``, an unclosed ``[``, a port that is not a number) is
``field-invalid``.

``source-missing``: an official source is ``missing``, empty or absent. Default: error in the
registry and official docs, warning in gatekeeper reports (which exist to name what is missing).

``source-insecure``: an official source over plain ``http://``. Default: error in the registry and
official docs, warning elsewhere.

``source-not-official``: an official source off the technology's official domains: the registry's
``Official domains`` column plus ``technologies.<name>.official-domains`` in config; a subdomain of
a listed host counts (``www.prisma.io`` is official for ``prisma.io``). Status lines and technologies
with no official domains are not checked. Default: error in the registry and official docs, warning
elsewhere.

``source-unpinned-url``: an official source URL with a moving version segment (``/current/``,
``/latest/``, ``/stable/``, ``/master/``, ``/main/``, ``/dev/``), or a version segment that the doc's
pin does not fall under (``/docs/15/`` under a 16.4 pin; ``/docs/16/`` and ``/v22.11.0/`` agree with
16.4 and 22.11.0). Sites that publish no per-version pages cannot be linked any other way, so their
moving segments are not findings: the built-in hosts ``docs.aws.amazon.com`` (and its subdomains),
plus every technology with ``unversioned-docs: true`` under ``technologies:`` in config. Default:
error in the registry and official docs, warning elsewhere.
"""

from __future__ import annotations

import re

from forgea_hooks.findings import Severity
from forgea_hooks.model import Document
from forgea_hooks.pins import PinClass, classify, version_falls_under
from forgea_hooks.rules import RuleContext
from forgea_hooks.urls import parse_url
from forgea_hooks.views import SourceRef, source_refs

_STRICT = {
    "registry": Severity.ERROR,
    "official-doc": Severity.ERROR,
    "task": Severity.WARNING,
    "gatekeeper-report": Severity.WARNING,
}
RULES = {
    "source-missing": {
        "registry": Severity.ERROR,
        "official-doc": Severity.ERROR,
        "gatekeeper-report": Severity.WARNING,
    },
    "source-insecure": _STRICT,
    "source-not-official": _STRICT,
    "source-unpinned-url": _STRICT,
}

MOVING_SEGMENTS = frozenset({"current", "latest", "stable", "master", "main", "dev"})
# Hosts whose docs have no per-version pages: `/latest/` is the only address there is.
UNVERSIONED_DOCS_HOSTS = ("docs.aws.amazon.com",)
# A version segment's numbers are short (a major, a year): `/9699919799/` is a document id.
_VERSION_SEGMENT = re.compile(r"^v?\d{1,4}(?:\.\d+)*$", re.IGNORECASE)
# Identifiers pinned as versions spell their parts with these (`2016/679`, `180-4`, `2022-11-28`).
_IDENTIFIER_SEPARATORS = re.compile(r"[/:-]")


def check(doc: Document, ctx: RuleContext) -> None:
    for ref in source_refs(doc):
        url = ref.url
        if not url or url.casefold() == "missing":
            ctx.report(
                "source-missing",
                ref.line,
                f"no official source for {ref.technology or 'this entry'}",
                "link the official documentation for the pinned version",
            )
            continue
        parsed = parse_url(url)
        if parsed is None:
            ctx.report(
                "field-invalid",
                ref.line,
                f"official source '{_excerpt(url)}' is not a well-formed URL",
                "write the address as https://host/path",
            )
            continue
        if parsed.scheme == "http":
            ctx.report("source-insecure", ref.line, f"official source '{url}' is plain http", "use https://")
        _official(ref, parsed.host, ctx)
        if not _unversioned(ref, parsed.host, ctx):
            _unpinned(ref, parsed.path, ctx)


def _agrees(segment: str, version: str) -> bool:
    """Whether a URL's version segment documents the pinned version: `/docs/16/` and `/16.4/` for 16.4."""
    return version_falls_under(segment, version) or version_falls_under(version, segment.lstrip("vV"))


def _identifier_segments(segments: list[str], versions: list[str]) -> set[int]:
    """The segments that spell a pinned identifier as consecutive parts: `/reg/2016/679/` for
    `2016/679`, `/fips/180/4` for `180-4`. Those agree with the pin whatever each looks like alone."""
    covered: set[int] = set()
    for version in versions:
        parts = _IDENTIFIER_SEPARATORS.split(version)
        if len(parts) < 2:
            continue
        for start in range(len(segments) - len(parts) + 1):
            if segments[start : start + len(parts)] == parts:
                covered.update(range(start, start + len(parts)))
    return covered


def _excerpt(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _unversioned(ref: SourceRef, host: str, ctx: RuleContext) -> bool:
    host = host.casefold()
    if any(host == known or host.endswith("." + known) for known in UNVERSIONED_DOCS_HOSTS):
        return True
    return bool(ref.technology) and ctx.tree.catalog.unversioned_docs(ref.technology)


def _official(ref: SourceRef, host: str, ctx: RuleContext) -> None:
    if ref.role == "status" or not ref.technology or not host:
        return
    domains = ctx.tree.official_domains(ref.technology)
    if not domains:
        return
    if any(host == domain or host.endswith("." + domain) for domain in domains):
        return
    ctx.report(
        "source-not-official",
        ref.line,
        f"official source host '{host}' is not an official domain of {ref.technology}",
        f"official domains: {', '.join(domains)}",
    )


def _unpinned(ref: SourceRef, path: str, ctx: RuleContext) -> None:
    segments = [segment for segment in path.split("/") if segment]
    moving = [segment for segment in segments if segment.casefold() in MOVING_SEGMENTS]
    if moving:
        ctx.report(
            "source-unpinned-url",
            ref.line,
            f"official source '{ref.url}' follows a moving version ('/{moving[0]}/')",
            "link the page for the pinned version",
        )
        return
    if ref.pin is None:
        return
    versions = [
        part.version
        for part in classify(ref.pin).parts
        if part.cls in (PinClass.EXACT, PinClass.MAJOR) and part.version
    ]
    if not versions:
        return
    covered = _identifier_segments(segments, versions)
    for index, segment in enumerate(segments):
        if index in covered:
            continue
        if _VERSION_SEGMENT.match(segment) and not any(_agrees(segment, version) for version in versions):
            ctx.report(
                "source-unpinned-url",
                ref.line,
                f"official source '{ref.url}' is for version {segment}, not the pinned {' / '.join(versions)}",
                "link the page for the pinned version",
            )
            return
