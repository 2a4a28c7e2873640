"""A link's host in one form from both parsers: the ASCII form a URL library and DNS read.

markdown-it-py gives a link's host as markdown-it does: labels of other scripts in punycode
(``http://xn--n3h.net/``) and an IPv6 address in its brackets (``http://[::1]/``). markdown-it.rs
percent-encodes the host as it does the path (``http://%E2%98%83.net/``, ``http://%5B::1%5D/``),
as cmark-gfm does for HTML, but neither Python's URL parser nor requests decodes a host: such a
link would never be fetched, nor matched against a registry's domain. Both adapters pass each
link's URL through ``readable``, which also reads a host the author percent-encoded alike.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote

# Schemes whose host markdown-it puts in punycode; a URL that starts with // has none and is one.
_RECODED = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# What a host decoded from percent-escapes may hold: a domain's letters, digits, hyphens and dots,
# and any letter beyond ASCII; nothing that would end the host or move its bounds.
_ASCII_IN_DOMAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
# The label separators of IDNA (full stop, ideographic, fullwidth and halfwidth), as markdown-it.
_SEPARATORS = re.compile("[.\u3002\uff0e\uff61]")


def readable(url: str) -> str:
    """``url`` with a percent-encoded host decoded to its ASCII form; any other URL as it is."""
    if "%" not in url:
        return url
    start = _host_start(url)
    if start is None:
        return url
    end = len(url)
    for delimiter in "/?#":
        found = url.find(delimiter, start)
        if found != -1:
            end = min(end, found)
    # The host follows the last @ of the authority (a user's name and password come before it).
    start = url.rfind("@", start, end) + 1 or start
    host, port = _split_port(url[start:end])
    if "%" not in host:
        return url
    decoded = _decoded(host)
    if decoded is None:
        return url
    return url[:start] + decoded + port + url[end:]


def _host_start(url: str) -> int | None:
    """Where the authority starts in ``url``, for the schemes whose host markdown-it recodes."""
    if url.startswith("//"):
        return 2
    scheme = _SCHEME.match(url)
    name = scheme.group()[:-1].lower() if scheme else ""
    if scheme is None or name not in _RECODED:
        return None
    after = scheme.end()
    if url.startswith("//", after):
        return after + 2
    return after if name == "mailto" else None


def _split_port(hostport: str) -> tuple[str, str]:
    """The host and its ``:port`` (empty without one). The port is ASCII digits only."""
    colon = hostport.rfind(":")
    if colon != -1 and hostport[colon + 1 :].isascii() and hostport[colon + 1 :].isdigit():
        return hostport[:colon], hostport[colon:]
    return hostport, ""


def _decoded(host: str) -> str | None:
    """The host's ASCII form, or None where its escapes do not decode to a domain or an IPv6
    address in brackets."""
    try:
        text = unquote(host, errors="strict")
    except UnicodeDecodeError:
        return None
    if text.startswith("[") and text.endswith("]"):
        if "%" in text:  # a zone (fe80::1%25eth0) stays escaped, as RFC 6874 writes it
            return None
        try:
            ipaddress.IPv6Address(text[1:-1])
        except ValueError:
            return None
        return text
    if not text or any(char.isascii() and char not in _ASCII_IN_DOMAIN for char in text):
        return None
    return ".".join(_ascii_label(label) for label in _SEPARATORS.split(text))


def _ascii_label(label: str) -> str:
    # As punycode.js's toASCII, which markdown-it uses: a label with any letter beyond ASCII is
    # encoded whole (case kept, no IDNA mapping), any other label is left as it is.
    return label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
