"""What release data is, where it comes from, and how it is fetched. Plain data; no network here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from forgea_hooks.links.model import parse_duration
from forgea_hooks.options import CACHE_DIR

SourceKind = Literal["endoflife", "github"]

DEFAULT_ENDOFLIFE = "https://endoflife.date"
DEFAULT_GITHUB = "https://api.github.com"
DEFAULT_CACHE = Path(CACHE_DIR) / "release-data.json"


@dataclass(frozen=True, slots=True)
class Source:
    """One product at one source: ``endoflife`` with a product slug, or ``github`` with owner/repo."""

    kind: SourceKind
    name: str

    def describe(self) -> str:
        if self.kind == "endoflife":
            return f"endoflife.date product {self.name}"
        return f"GitHub releases of {self.name}"


@dataclass(frozen=True, slots=True)
class Cycle:
    """A release cycle (``16``, ``3.12``, ``7.4``). ``eol``: an ISO date, True (ended, no date) or
    False (no end announced). ``latest``: its newest release, when the source says."""

    name: str
    eol: str | bool
    latest: str | None = None


@dataclass(frozen=True, slots=True)
class ReleaseData:
    """What a source says about a product.

    endoflife.date gives ``cycles`` (with their end of life and latest patch); GitHub gives
    ``releases``, every final release's version, newest first. ``complete``
    is False when only the newest pages of a long release list were read: a version older than
    the oldest one read may still exist.
    """

    source: Source
    cycles: tuple[Cycle, ...] = ()
    releases: tuple[str, ...] = ()
    complete: bool = True
    url: str = ""


@dataclass(frozen=True, slots=True)
class Unavailable:
    """The source did not answer with release data; ``reason`` is a clause for a person."""

    source: Source
    reason: str
    url: str = ""


@dataclass(frozen=True, slots=True)
class OnlineSettings:
    """``online:`` in the config. The base URLs are data so that a company can point at a mirror."""

    endoflife: str = DEFAULT_ENDOFLIFE
    github: str = DEFAULT_GITHUB
    cache_path: Path | None = DEFAULT_CACHE
    cache_root: Path | None = None
    cache_ttl: float = 86400.0
    # GitHub lists releases 100 a page, newest first; a pin older than these pages is not judged.
    github_pages: int = 3

    def base(self, source: Source) -> str:
        return (self.endoflife if source.kind == "endoflife" else self.github).rstrip("/")


def settings_from_config(online: Mapping[str, Any], *, root: Path) -> OnlineSettings:
    """OnlineSettings from the ``online:`` config key, already validated by the config schema."""
    sources = online.get("sources", {})
    cache = online.get("cache", {})
    defaults = OnlineSettings()
    return OnlineSettings(
        endoflife=str(sources.get("endoflife", defaults.endoflife)),
        github=str(sources.get("github", defaults.github)),
        cache_path=root / DEFAULT_CACHE,
        cache_root=root,
        cache_ttl=parse_duration(cache.get("ttl", defaults.cache_ttl)),
    )
