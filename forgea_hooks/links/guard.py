"""Which addresses a link check may connect to.

A pull request's author chooses the URLs, and the check runs on a CI runner that can reach a cloud
metadata service and the runner's own network. So a link is fetched only when every address its
host stands for is globally routable. Pure functions, no I/O: the connection layer
(:mod:`forgea_hooks.links.transport`) calls them on what it resolved, just before connecting.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from collections.abc import Callable, Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))

# Checked in this order so that the message names the most telling category (127.0.0.1 is also
# "private" to ipaddress, but "loopback" is what a person needs to hear).
_CATEGORIES: tuple[tuple[str, Callable[[IPAddress], bool]], ...] = (
    ("a loopback address", lambda ip: ip.is_loopback),
    ("a link-local address", lambda ip: ip.is_link_local),
    ("the unspecified address", lambda ip: ip.is_unspecified),
    ("a multicast address", lambda ip: ip.is_multicast),
    ("a reserved address", lambda ip: ip.is_reserved),
    ("a private address", lambda ip: ip.is_private),
    # Shared address space (100.64.0.0/10, carrier NAT) and the like are neither private nor public.
    ("not a public address", lambda ip: not ip.is_global),
)

# A dotted IPv4 literal in any spelling inet_aton accepts: 1 to 4 parts, each decimal, octal
# (leading 0) or hex (0x). Anything else is a name for the resolver, and inet_aton must not see
# it: glibc's inet_aton stops at white space and would read "1.2.3.4 junk" as 1.2.3.4.
_LEGACY_IPV4 = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+)){0,3}", re.IGNORECASE)


def parse_host_literal(host: str) -> IPAddress | None:
    """The address a URL host denotes when it is an IP literal, else None (it is a name).

    Reads a host the way a resolver does: ``[::ffff:127.0.0.1]`` and the legacy IPv4 spellings
    (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``) are all 127.0.0.1. A trailing dot
    and compatibility characters (full-width digits) are folded first, as IDNA would.
    """
    text = unicodedata.normalize("NFKC", host).strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    text = text.removesuffix(".")
    if not _LEGACY_IPV4.fullmatch(text):
        return None
    try:
        return ipaddress.IPv4Address(socket.inet_aton(text))
    except OSError:
        return None


def address_allowed(addresses: Iterable[str]) -> tuple[bool, str]:
    """Whether a host that resolved to ``addresses`` may be fetched, and why not.

    One refused address refuses the host: a resolver may hand out any of them, so checking only
    the first would let a name with one public and one private address through.
    """
    seen = False
    for text in addresses:
        seen = True
        try:
            ip = ipaddress.ip_address(text)
        except ValueError:
            return False, f"{text!r} is not an IP address"
        reason = refusal(ip)
        if reason is not None:
            return False, reason
    if not seen:
        return False, "the host resolved to no address"
    return True, "every address is public"


def refusal(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched, or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            # Connecting to ::ffff:a.b.c.d is connecting to a.b.c.d: only the IPv4 verdict counts.
            inner = refusal(ip.ipv4_mapped)
            return None if inner is None else f"{ip} (which is {ip.ipv4_mapped}) is {_strip(inner)}"
        for embedded in _embedded_ipv4(ip):
            inner = refusal(embedded)
            if inner is not None:
                return f"{ip} embeds {embedded}, which is {_strip(inner)}"
    if ip in _METADATA:
        return f"{ip} is the cloud metadata service"
    for name, test in _CATEGORIES:
        if test(ip):
            return f"{ip} is {name}"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses that 6to4, Teredo and NAT64 forms route to."""
    found: list[ipaddress.IPv4Address] = []
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    if any(ip in net for net in _NAT64):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _strip(reason: str) -> str:
    """``"10.0.0.1 is a private address"`` -> ``"a private address"``, to nest one reason in another."""
    return reason.split(" is ", 1)[1] if " is " in reason else reason
