"""``check --online``: the tree's concrete pins against release data, as findings at every place.

Runs after the documents are checked (the pins are known by then, and products are few): each
product is fetched once, whatever number of places pin it. Imports requests, through ``fetch``.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from forgea_hooks.config import Config
from forgea_hooks.findings import Finding
from forgea_hooks.links.model import LinkSettings
from forgea_hooks.links.model import settings_from_config as link_settings
from forgea_hooks.online.fetch import Answer, gather
from forgea_hooks.online.mapping import ReleaseMapping
from forgea_hooks.online.model import OnlineSettings, Source, settings_from_config
from forgea_hooks.online.versions import release_numbers
from forgea_hooks.outcome import CheckOptions, FileOutcome
from forgea_hooks.pins import PinClass, classify
from forgea_hooks.rules import Severities
from forgea_hooks.rules.online import Place, findings_for
from forgea_hooks.technologies import Catalog

_JUDGED = frozenset({PinClass.EXACT, PinClass.MAJOR})


@dataclass
class OnlineRun:
    findings: list[Finding]
    places: list[Place]
    answers: dict[Source, Answer]
    warnings: list[str] = field(default_factory=list)


def check_online(
    outcomes: Iterable[FileOutcome],
    *,
    catalog: Catalog,
    config: Config,
    options: CheckOptions,
    severity: Severities,
    today: datetime.date | None = None,
) -> OnlineRun:
    mapping = ReleaseMapping(catalog, config.technologies)
    places = list(pin_places(outcomes, mapping))
    settings = _settings(config, options)
    gathered = gather({place.source for place in places}, settings, _links(config, options))
    when = today or datetime.datetime.now(datetime.timezone.utc).date()
    found = findings_for(places, gathered.answers, severity, when)
    return OnlineRun(found, places, gathered.answers, gathered.warnings)


def pin_places(outcomes: Iterable[FileOutcome], mapping: ReleaseMapping) -> Iterable[Place]:
    """Every concrete pin part that release data can judge, with the technology it is a pin of.

    A part that names another technology before its version (``Postgres 16`` in a Prisma entry's
    ``7.3.0 and Postgres 16``) is that technology's pin. In a value of several parts, a part that
    names no technology is judged only when nothing precedes its version.
    """
    for outcome in outcomes:
        for ref in outcome.pins:
            if not ref.technology:
                continue
            parts = [part for part in classify(ref.value).parts if part.cls in _JUDGED and part.version]
            for part in parts:
                assert part.version is not None
                numbers = release_numbers(part.version)
                if numbers is None:
                    continue
                technology = _named(part.text, part.version, mapping)
                if technology is None:
                    if len(parts) > 1 and _lead(part.text, part.version):
                        continue
                    technology = ref.technology
                elif mapping.source(technology) == mapping.source(ref.technology):
                    technology = ref.technology  # `postgres:16.4` in PostgreSQL's row: say PostgreSQL
                source = mapping.source(technology)
                if source is None:
                    continue
                yield Place(
                    outcome.path,
                    ref.line,
                    outcome.kind,
                    technology.strip(),
                    part.version,
                    numbers,
                    source,
                    outcome.disabled.get(ref.line, frozenset()),
                )


def _lead(text: str, version: str) -> str:
    """What a part says before its version: ``"`prisma`/`@prisma/client`"`` of ``... 7.3.0``."""
    clean = text.replace("`", "")
    at = clean.find(version)
    if at < 0:
        at = clean.lower().find("v" + version)
    return clean[: max(at, 0)].strip()


def _named(text: str, version: str, mapping: ReleaseMapping) -> str | None:
    """The technology a part names right before its version: the whole lead (``Docker Compose``),
    else its last word or a piece of it (``postgres`` of ``Docker image postgres:``, ``prisma`` of
    ``prisma/@prisma/client``). Earlier words are prose (``Docker image``), not the pin's owner."""
    lead = _lead(text, version)
    if not lead:
        return None
    last = lead.split()[-1].rstrip(":@=")
    for candidate in (lead, last, *last.replace("@", "/").replace(":", "/").split("/")):
        if candidate.strip() and mapping.source(candidate) is not None:
            return candidate
    return None


def _settings(config: Config, options: CheckOptions) -> OnlineSettings:
    settings = settings_from_config(config.online, root=config.root)
    return replace(settings, cache_path=None) if options.no_cache else settings


def _links(config: Config, options: CheckOptions) -> LinkSettings:
    return link_settings(
        config.links,
        root=config.root,
        github_token=os.environ.get("GITHUB_TOKEN") or None,
        allow_private=bool(options.allow_private),
    )
