"""What a link check is asked and what it answers. No network code here, so no requests import."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Outcome = Literal["ok", "dead", "redirect", "unverified", "blocked", "excluded"]

# Outcomes that the progress callback counts as failures.
FAILURES: frozenset[str] = frozenset({"dead", "unverified", "blocked"})

DEFAULT_CACHE = Path(".forgea-hooks-cache/links.json")


@dataclass(frozen=True, slots=True)
class LinkSettings:
    """How links are checked. The defaults are the spec's; ``links:`` in the config sets them."""

    max_in_flight: int = 64
    per_host: int = 8
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    # Per URL, redirects and retries included: the read timeout bounds each read, not the answer.
    total_timeout: float = 30.0
    # The whole link phase: URLs not finished by then are unverified, with the reason.
    budget: float = 600.0
    retries: int = 2
    # Inclusive status ranges that count as success.
    accept: tuple[tuple[int, int], ...] = ((200, 299),)
    # Regexes searched in the URL; a match is never requested.
    exclude: tuple[str, ...] = ()
    cache_path: Path | None = DEFAULT_CACHE
    # The folder the cache must stay inside, through no symlink (the root, for a path from the
    # config a pull request can edit); None: the cache file's own folder, as for --cache.
    cache_root: Path | None = None
    cache_ttl: float = 86400.0
    allow_private: bool = False
    check_fragments: bool = False
    body_cap: int = 1024 * 1024
    max_redirects: int = 10
    # repr=False: settings get logged and printed in tracebacks; the token must not be.
    github_token: str | None = field(default=None, repr=False)
    github_api_url: str = "https://api.github.com"
    retry_after_cap: float = 60.0
    # First retry waits about this long, doubling after; tests make it tiny.
    backoff_base: float = 0.5
    # "host:port" origins exempt from the address guard. Not reachable from config: it exists so
    # that tests can keep the guard on while their own server listens on loopback.
    trusted_origins: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.max_in_flight < 1 or self.per_host < 1:
            raise ValueError("max_in_flight and per_host must be at least 1")
        if self.retries < 0 or self.max_redirects < 0:
            raise ValueError("retries and max_redirects cannot be negative")
        if any(low > high for low, high in self.accept):
            raise ValueError(f"accept ranges must be low-high: {self.accept}")


@dataclass(frozen=True, slots=True)
class LinkResult:
    """The verdict on one URL. ``detail`` is a clause for a person ("the server answered 404 Not
    Found"); ``target`` is where a permanent redirect leads."""

    url: str
    outcome: Outcome
    status: int | None
    detail: str
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A body fetched through the link engine (release data, say): ``body`` when ``outcome`` is
    "ok", else None and ``detail`` says why. ``next_page`` is the Link header's rel="next" target."""

    url: str
    outcome: Outcome
    status: int | None
    detail: str
    body: bytes | None = None
    next_page: str | None = None


@dataclass(frozen=True)
class LinkRun(Mapping[str, LinkResult]):
    """What :func:`forgea_hooks.links.checker.check_urls` returns: a mapping URL -> result, in the
    order the URLs were given, plus ``warnings`` for a person (a corrupt or unwritable cache). The
    warnings never fail a run; the caller prints them."""

    results: dict[str, LinkResult]
    warnings: list[str] = field(default_factory=list)

    def __getitem__(self, url: str) -> LinkResult:
        return self.results[url]

    def __iter__(self) -> Iterator[str]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)


_TTL_UNITS = {"": 1.0, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}


def settings_from_config(
    links: Mapping[str, Any], *, root: Path, github_token: str | None = None, allow_private: bool = False
) -> LinkSettings:
    """LinkSettings from the ``links:`` config key, already validated by the config schema.

    A relative cache path is taken from ``root``; ``allow_private`` (the CLI flag) can only widen
    what the config allows.
    """
    timeout = links.get("timeout", {})
    cache = links.get("cache", {})
    defaults = LinkSettings()
    cache_path = Path(cache.get("path", DEFAULT_CACHE))
    return LinkSettings(
        max_in_flight=int(links.get("max-in-flight", defaults.max_in_flight)),
        per_host=int(links.get("per-host", defaults.per_host)),
        connect_timeout=float(timeout.get("connect", defaults.connect_timeout)),
        read_timeout=float(timeout.get("read", defaults.read_timeout)),
        total_timeout=float(timeout.get("total", defaults.total_timeout)),
        budget=float(timeout.get("budget", defaults.budget)),
        retries=int(links.get("retries", defaults.retries)),
        accept=tuple(parse_status_range(str(item)) for item in links.get("accept", ["200-299"])),
        exclude=tuple(links.get("exclude", ())),
        cache_path=cache_path if cache_path.is_absolute() else root / cache_path,
        cache_root=root,
        cache_ttl=parse_duration(cache.get("ttl", defaults.cache_ttl)),
        allow_private=allow_private or bool(links.get("allow-private", False)),
        check_fragments=bool(links.get("check-fragments", False)),
        body_cap=int(links.get("max-body", defaults.body_cap)),
        github_token=github_token,
    )


def parse_status_range(text: str) -> tuple[int, int]:
    """``"200-299"`` -> (200, 299); ``"204"`` -> (204, 204)."""
    low, _, high = text.partition("-")
    return int(low), int(high or low)


def parse_duration(value: str | float) -> float:
    """Seconds from ``86400``, ``"90m"``, ``"1d"``, ``"2w"``."""
    if isinstance(value, (int, float)):
        return float(value)
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([smhdw]?)\s*", value)
    if match is None:
        raise ValueError(f"not a duration: {value!r} (use e.g. 3600, 90m, 12h, 1d)")
    return float(match[1]) * _TTL_UNITS[match[2]]
