"""The one way doc text becomes a URL outside the link checker: found in a field's text, then split
without ever raising. A pull request chooses the text, so ``http://[x]/`` or ``http://[::1`` (which
make ``urllib.parse`` raise ``ValueError``) must become a finding, never a crash."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# A URL runs to the first blank, quote, backtick or angle bracket; what it may end with is trimmed
# after (`find_urls`). No nested or overlapping repetition: linear in the length of the text.
_URL = re.compile(r"https?://[^\s<>`\"']+", re.IGNORECASE)
_SENTENCE_END = ".,;:!?*_"
_PAIRS = {")": "(", "]": "["}


@dataclass(frozen=True, slots=True)
class Url:
    """The parts rules read of a well-formed URL: scheme and host in lower case, and the path."""

    text: str
    scheme: str
    host: str
    path: str


def parse_url(text: str) -> Url | None:
    """``text`` split into its parts, or None when it is not a well-formed URL (a bracketed host that
    is not an IPv6 address, an unclosed bracket, a port that is not a number in range)."""
    # The same official sources recur in doc after doc of a tree. Only short ones are kept, so
    # that the cache's memory stays small whatever a doc holds.
    return _parse_url_cached(text) if len(text) <= _CACHED_LENGTH else _parse_url(text)


_CACHED_LENGTH = 300


@functools.lru_cache(maxsize=4096)
def _parse_url_cached(text: str) -> Url | None:
    return _parse_url(text)


def _parse_url(text: str) -> Url | None:
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        parts.port  # noqa: B018  # raises for a port that is not a number in range: malformed
    except ValueError:
        return None
    return Url(text, parts.scheme.casefold(), host.rstrip("."), parts.path)


def find_urls(text: str) -> list[str]:
    """Every http(s) URL written in ``text``, bare, in ``<…>`` or as a Markdown link's target, with
    what surrounds it in a sentence trimmed: trailing punctuation, emphasis, and a closing bracket
    that the URL did not open (`(see https://a/b)` gives `https://a/b`, `wiki/Foo_(bar)` stays)."""
    return [_trim(match.group()) for match in _URL.finditer(text)]


def _trim(url: str) -> str:
    # Counted once, then kept up to date: a count per trimmed character would be quadratic.
    unmatched = {close: url.count(close) - url.count(opening) for close, opening in _PAIRS.items()}
    end = len(url)
    while end:
        last = url[end - 1]
        if last in _SENTENCE_END:
            end -= 1
        elif last in _PAIRS and unmatched[last] > 0:
            unmatched[last] -= 1
            end -= 1
        else:
            break
    return url[:end]
