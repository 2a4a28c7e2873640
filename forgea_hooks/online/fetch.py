"""Release data from its sources, through the link engine: the same address guard on every hop,
per-host limits, retries with Retry-After and body caps as ``--links``. Imports requests.

One request per product per run (GitHub: one per page of 100 releases, at most
``github_pages``), none for a product the cache holds. endoflife.date is asked in its v1 form
first and, when that does not give release data, in its older form.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import TypeVar

from forgea_hooks.links.checker import fetch_documents
from forgea_hooks.links.model import Document, LinkSettings
from forgea_hooks.online import endoflife, github
from forgea_hooks.online.cache import ReleaseCache
from forgea_hooks.online.model import OnlineSettings, ReleaseData, Source, Unavailable

Answer = ReleaseData | Unavailable
T = TypeVar("T")


@dataclass
class Gathered:
    answers: dict[Source, Answer]
    warnings: list[str] = field(default_factory=list)


def gather(sources: Collection[Source], settings: OnlineSettings, links: LinkSettings) -> Gathered:
    """Release data for each source, or why there is none."""
    # The token goes to the configured GitHub API host only (the engine sends it to that origin).
    links = replace(links, github_api_url=settings.github, cache_path=None)
    cache = ReleaseCache(settings.cache_path, settings.cache_ttl, root=settings.cache_root)
    answers: dict[Source, Answer] = {}
    missing: list[Source] = []
    for source in dict.fromkeys(sources):
        cached = cache.get(_key(source, settings), source)
        if cached is None:
            missing.append(source)
        else:
            answers[source] = cached
    answers.update(_endoflife([s for s in missing if s.kind == "endoflife"], settings, links))
    answers.update(_github([s for s in missing if s.kind == "github"], settings, links))
    for source in missing:
        answer = answers[source]
        if isinstance(answer, ReleaseData):
            cache.put(_key(source, settings), answer)
    cache.save()
    return Gathered({source: answers[source] for source in dict.fromkeys(sources)}, cache.warnings)


def _key(source: Source, settings: OnlineSettings) -> str:
    return f"{source.kind} {settings.base(source)} {source.name}"


def _endoflife(sources: list[Source], settings: OnlineSettings, links: LinkSettings) -> dict[Source, Answer]:
    if not sources:
        return {}
    base = settings.endoflife.rstrip("/")
    first = {source: base + endoflife.v1_path(source.name) for source in sources}
    answers: dict[Source, Answer] = {}
    retry: dict[Source, str] = {}
    fetched = fetch_documents(list(first.values()), links)
    problems: dict[Source, str] = {}
    for source, url in first.items():
        parsed = _parse(fetched[url], endoflife.parse_v1)
        if isinstance(parsed, str):
            problems[source] = f"{url}: {parsed}"
            # The older form only helps where the host answers but the v1 form is missing or other
            # (a mirror of the old API); a host that is down or refusing would only be waited on twice.
            status = fetched[url].status
            if status is not None and (200 <= status <= 299 or status in (404, 410)):
                retry[source] = base + endoflife.legacy_path(source.name)
        else:
            answers[source] = ReleaseData(source, cycles=parsed, url=url)
    again = fetch_documents(list(retry.values()), links) if retry else {}
    for source in sources:
        if source in answers:
            continue
        legacy = retry.get(source)
        if legacy is None:
            answers[source] = Unavailable(source, problems[source], first[source])
            continue
        older = _parse(again[legacy], endoflife.parse_legacy)
        if isinstance(older, str):
            if fetched[first[source]].status == 404 and again[legacy].status == 404:
                reason = f"endoflife.date has no product {source.name!r} (both API forms answered 404)"
            else:
                reason = f"{problems[source]}; {legacy}: {older}"
            answers[source] = Unavailable(source, reason, first[source])
        else:
            answers[source] = ReleaseData(source, cycles=older, url=legacy)
    return answers


def _github(sources: list[Source], settings: OnlineSettings, links: LinkSettings) -> dict[Source, Answer]:
    answers: dict[Source, Answer] = {}
    base = settings.github.rstrip("/")
    pending: dict[Source, str] = {}
    for source in sources:
        try:
            pending[source] = base + github.releases_path(source.name)
        except ValueError as exc:
            answers[source] = Unavailable(source, str(exc))
    first_url = dict(pending)
    releases: dict[Source, list[str]] = {source: [] for source in pending}
    for page in range(settings.github_pages):
        if not pending:
            break
        fetched = fetch_documents(list(pending.values()), links, api=True)
        following: dict[Source, str] = {}
        for source, url in pending.items():
            document = fetched[url]
            parsed = _parse(document, github.parse_releases)
            if isinstance(parsed, str):
                if page == 0:
                    answers[source] = Unavailable(source, f"{url}: {parsed}", url)
                else:  # what the first pages said stands; older releases stay unknown
                    answers[source] = _releases(source, releases[source], False, first_url[source])
                continue
            releases[source].extend(parsed)
            if document.next_page and page + 1 < settings.github_pages:
                following[source] = document.next_page
            else:
                complete = document.next_page is None
                answers[source] = _releases(source, releases[source], complete, first_url[source])
        pending = following
    return answers


def _releases(source: Source, versions: list[str], complete: bool, url: str) -> Answer:
    if not versions:
        return Unavailable(source, f"GitHub lists no final release of {source.name}", url)
    return ReleaseData(source, releases=tuple(dict.fromkeys(versions)), complete=complete, url=url)


def _parse(document: Document, parse: Callable[[bytes], T]) -> T | str:
    """The parsed body, or a clause saying why there is none."""
    if document.outcome != "ok" or document.body is None:
        return document.detail
    try:
        return parse(document.body)
    except ValueError as exc:
        return f"the answer is not release data ({exc})"
