"""GFM's extended autolinks (bare ``http(s)://`` URLs and ``www.`` links) in a text node, for both
parsers. markdown-it-py has no GFM autolink rule and linkify-it's rules are not GFM's (fuzzy
domains, TLD lists, other trailing punctuation); markdown-it-pyrs' ``autolink_ext`` slices
non-ASCII text at byte offsets (text lost or repeated, and a Rust panic). This follows the GFM
spec's section 6.9 and cmark-gfm's autolink extension. Linear: one pass per candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# A candidate starts at the start of the text, after white space or after one of * _ ~ (.
_START = re.compile(r"(?:(?<=[\s*_~(])|^)(?:https?://|www\.)", re.IGNORECASE)
_RUN = re.compile(r"[^\s<]*")
_TRAILING = "?!.,:*_~'\""


def find(text: str) -> Iterator[str]:
    """Each autolink's URL, ``www.`` links with ``http://`` in front, as GFM renders them."""
    position = 0
    while True:
        match = _START.search(text, position)
        if match is None:
            return
        run = _RUN.match(text, match.start())
        assert run is not None  # [^\s<]* matches the empty string anywhere
        link = run.group()
        position = max(run.end(), match.end())
        prefix = match.group().lower()
        domain_start = len(prefix)
        if not _valid_domain(link, domain_start):
            continue
        end = _trim(link)
        if end <= domain_start:
            continue
        url = link[:end]
        yield "http://" + url if prefix == "www." else url


def _valid_domain(link: str, start: int) -> bool:
    """Whether a valid domain starts at ``start``: segments of letters, digits, ``-`` and ``_``, no
    ``_`` in the last two segments."""
    underscores_last = underscores_before = 0
    index = start
    while index < len(link):
        char = link[index]
        if char == "_":
            underscores_last += 1
        elif char == ".":
            underscores_before = underscores_last
            underscores_last = 0
        elif not (char.isalnum() or char == "-"):
            break
        index += 1
    return index > start and not underscores_before and not underscores_last


def _trim(link: str) -> int:
    """The link's end once trailing punctuation, unbalanced closing parentheses and a trailing
    entity-like ``&name;`` are dropped."""
    end = len(link)
    opening, closing = link.count("("), link.count(")")
    while end > 0:
        last = link[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last == ";":
            back = end - 2
            while back > 0 and link[back].isalnum():
                back -= 1
            end = back if back < end - 2 and link[back] == "&" else end - 1
        elif last == ")":
            if closing <= opening:
                break
            closing -= 1
            end -= 1
        else:
            break
    return end
