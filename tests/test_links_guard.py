"""The address guard: pure verdicts, and refusals that happen before any lookup or connection."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import pytest

from forgea_hooks.links import transport
from forgea_hooks.links.checker import check_urls
from forgea_hooks.links.guard import address_allowed, parse_host_literal
from tests.linkserver import LinkServer, Reply, Tripwire, settings


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("169.254.1.1", "link-local"),
        ("169.254.169.254", "metadata"),
        ("224.0.0.251", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "not a public"),  # carrier-grade NAT
        ("192.0.2.7", "private"),  # documentation range
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("fc00::5", "private"),
        ("fd00:ec2::254", "metadata"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "metadata"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:a9fe:a9fe::1", "metadata"),  # 6to4 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "metadata"),  # NAT64 of 169.254.169.254
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  # Teredo client 127.0.0.1
    ],
)
def test_refused(address: str, why: str) -> None:
    allowed, reason = address_allowed([address])
    assert not allowed
    assert why in reason


@pytest.mark.parametrize("address", ["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_allowed(address: str) -> None:
    assert address_allowed([address]) == (True, "every address is public")


def test_one_private_address_refuses_the_host() -> None:
    allowed, reason = address_allowed(["8.8.8.8", "2606:4700:4700::1111", "10.0.0.1"])
    assert not allowed
    assert "10.0.0.1" in reason


def test_no_address_or_garbage_is_refused() -> None:
    assert address_allowed([])[0] is False
    assert address_allowed(["not-an-ip"])[0] is False


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0X7F000001", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("\uff10x7f000001", "127.0.0.1"),  # full-width zero, folded as IDNA would
        ("169.254.169.254", "169.254.169.254"),
        ("0xa9fea9fe", "169.254.169.254"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[::1]", "::1"),
        ("::1", "::1"),
    ],
)
def test_host_literals(host: str, expected: str) -> None:
    assert parse_host_literal(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize("host", ["example.com", "1.2.3.4 junk", "999.1.1.1", "0x", "127.0.0.1.example.com", ""])
def test_names_are_not_literals(host: str) -> None:
    assert parse_host_literal(host) is None


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/",
        "http://0x7f000001:8080/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[::1]:9/",
        "https://10.0.0.1/admin",
        "http://0.0.0.0/",
    ],
)
def test_literal_hosts_refused_before_any_lookup(url: str, wire: Tripwire) -> None:
    run = check_urls([url], settings(allow_private=False))
    assert run[url].outcome == "blocked"
    assert run[url].status is None
    assert wire.lookups == []  # no name lookup, so certainly no connection


def test_names_are_checked_at_connect_time(server: LinkServer) -> None:
    url = server.route("/secret", Reply(200)).replace("127.0.0.1", "localhost")
    run = check_urls([url], settings(allow_private=False))
    assert run[url].outcome == "blocked"
    assert "loopback" in run[url].detail
    assert server.count() == 0


def test_the_connection_goes_to_the_address_that_was_vetted(
    server: LinkServer, wire: Tripwire, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Let loopback pass the guard for once, to watch what a passing check connects to.
    vetted: list[list[str]] = []

    def allow(addresses: Iterable[str]) -> tuple[bool, str]:
        vetted.append(list(addresses))
        return True, "allowed for this test"

    monkeypatch.setattr(transport, "address_allowed", allow)
    url = server.route("/page", Reply(200)).replace("127.0.0.1", "localhost")
    assert check_urls([url], settings(allow_private=False))[url].outcome == "ok"
    # The name was resolved once; the socket was opened to the vetted literal, which a DNS
    # answer changed in between (rebinding) could not redirect.
    assert wire.lookups.count("localhost") == 1
    assert vetted and all("127.0.0.1" in addresses for addresses in vetted)
    assert wire.lookups[1:] and set(wire.lookups[1:]) <= {"127.0.0.1", "::1"}


def test_other_schemes_are_blocked(wire: Tripwire) -> None:
    urls = ["file:///etc/passwd", "ftp://example.com/x", "gopher://127.0.0.1:70/"]
    run = check_urls(urls, settings(allow_private=False))
    assert {result.outcome for result in run.values()} == {"blocked"}
    assert wire.lookups == []


def test_redirect_to_metadata_is_refused_before_connecting(server: LinkServer, wire: Tripwire) -> None:
    url = server.route("/go", Reply(302, {"Location": "http://169.254.169.254/latest/meta-data/"}))
    run = check_urls([url], settings(allow_private=False, trusted_origins=frozenset({server.origin})))
    assert run[url].outcome == "blocked"
    assert "169.254.169.254" in run[url].detail
    assert server.count("/go") == 1
    assert wire.remote_lookups == []


def test_redirect_to_another_loopback_port_is_refused(server: LinkServer) -> None:
    with LinkServer() as inner:
        target = inner.route("/internal", Reply(200))
        literal = server.route("/a", Reply(301, {"Location": target}))
        named = server.route("/b", Reply(307, {"Location": target.replace("127.0.0.1", "localhost")}))
        run = check_urls([literal, named], settings(allow_private=False, trusted_origins=frozenset({server.origin})))
        assert [result.outcome for result in run.values()] == ["blocked", "blocked"]
        assert inner.count() == 0


def test_allow_private_lifts_the_guard(server: LinkServer) -> None:
    url = server.route("/ok", Reply(200)).replace("127.0.0.1", "localhost")
    assert check_urls([url], settings(allow_private=True))[url].outcome == "ok"
