"""check_urls against real HTTP servers on 127.0.0.1: statuses, redirects, retries, limits, bodies."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from forgea_hooks.links.checker import check_urls
from forgea_hooks.links.model import LinkSettings
from tests.linkserver import LinkServer, Reply, Seen, Tripwire, settings


def test_ok_takes_one_head(server: LinkServer) -> None:
    url = server.route("/docs/16/", Reply(200))
    result = check_urls([url], settings())[url]
    assert (result.outcome, result.status, result.target) == ("ok", 200, None)
    assert result.detail == "the server answered 200 OK"
    assert server.count("/docs/16/", "HEAD") == 1
    assert server.count() == 1


def test_permanent_redirect_chain_reports_the_final_target(server: LinkServer) -> None:
    url = server.route("/a", Reply(301, {"Location": "/b"}))
    server.route("/b", Reply(308, {"Location": server.url("/c")}))
    server.route("/c", Reply(200))
    result = check_urls([url], settings())[url]
    assert result.outcome == "redirect"
    assert result.target == server.url("/c")
    assert result.status == 200


def test_temporary_redirect_is_ok(server: LinkServer) -> None:
    url = server.route("/t", Reply(302, {"Location": "/there"}))
    server.route("/there", Reply(200))
    assert check_urls([url], settings())[url].outcome == "ok"


def test_permanent_then_temporary_points_at_the_permanent_home(server: LinkServer) -> None:
    url = server.route("/old", Reply(301, {"Location": "/new"}))
    server.route("/new", Reply(302, {"Location": "/new/today"}))
    server.route("/new/today", Reply(200))
    result = check_urls([url], settings())[url]
    assert (result.outcome, result.target) == ("redirect", server.url("/new"))


def test_redirect_to_a_dead_page_is_dead(server: LinkServer) -> None:
    url = server.route("/moved", Reply(301, {"Location": "/nowhere"}))
    result = check_urls([url], settings())[url]
    assert (result.outcome, result.status) == ("dead", 404)


def test_redirect_loop_is_dead(server: LinkServer) -> None:
    url = server.route("/x", Reply(302, {"Location": "/y"}))
    server.route("/y", Reply(301, {"Location": "/x"}))
    result = check_urls([url], settings())[url]
    assert result.outcome == "dead"
    assert "loop" in result.detail
    assert server.count() == 2


def test_too_many_redirects_is_dead(server: LinkServer) -> None:
    for hop in range(5):
        server.route(f"/hop{hop}", Reply(302, {"Location": f"/hop{hop + 1}"}))
    server.route("/hop5", Reply(200))
    url = server.url("/hop0")
    result = check_urls([url], settings(max_redirects=3))[url]
    assert result.outcome == "dead"
    assert "more than 3" in result.detail
    assert server.count() == 4


@pytest.mark.parametrize(("status", "phrase"), [(404, "Not Found"), (410, "Gone")])
def test_client_errors_are_dead_without_retry(server: LinkServer, status: int, phrase: str) -> None:
    url = server.route("/gone", Reply(status))
    result = check_urls([url], settings())[url]
    assert (result.outcome, result.status) == ("dead", status)
    assert result.detail == f"the server answered {status} {phrase}"
    assert server.count() == 1


def test_server_error_then_success_is_ok(server: LinkServer) -> None:
    url = server.route("/flaky", Reply(500), Reply(503), Reply(200))
    assert check_urls([url], settings(retries=2))[url].outcome == "ok"
    assert server.count() == 3


def test_server_error_that_persists_is_dead_after_retries(server: LinkServer) -> None:
    url = server.route("/down", Reply(502))
    result = check_urls([url], settings(retries=2))[url]
    assert (result.outcome, result.status) == ("dead", 502)
    assert "every retry" in result.detail
    assert server.count() == 3


def test_backoff_grows(server: LinkServer) -> None:
    url = server.route("/down", Reply(500))
    check_urls([url], settings(retries=2, backoff_base=0.1))
    times = [seen.at for seen in server.seen]
    # Jittered within [base*2^n / 2, base*2^n]: 0.05-0.1 s, then 0.1-0.2 s.
    assert 0.05 <= times[1] - times[0] < 1.0
    assert 0.1 <= times[2] - times[1] < 1.5


def test_429_honours_retry_after(server: LinkServer) -> None:
    url = server.route("/limited", Reply(429, {"Retry-After": "1"}), Reply(200))
    result = check_urls([url], settings(retries=2, retry_after_cap=5.0))[url]
    assert result.outcome == "ok"
    first, second = server.seen
    assert second.at - first.at >= 0.95


def test_429_with_http_date_and_the_cap(server: LinkServer) -> None:
    url = server.route("/limited", Reply(429, {"Retry-After": "Wed, 21 Oct 2099 07:28:00 GMT"}), Reply(200))
    started = time.monotonic()
    assert check_urls([url], settings(retry_after_cap=0.3))[url].outcome == "ok"
    assert 0.28 <= time.monotonic() - started < 2.0


def test_429_that_persists_is_unverified(server: LinkServer) -> None:
    url = server.route("/limited", Reply(429, {"Retry-After": "0"}))
    result = check_urls([url], settings(retries=2))[url]
    assert (result.outcome, result.status) == ("unverified", 429)
    assert server.count() == 3


def test_429_slows_that_host_alone(server: LinkServer) -> None:
    with LinkServer() as other:
        limited = server.route("/limited", Reply(429, {"Retry-After": "1"}), Reply(200))
        others = [other.route(f"/page{n}", Reply(200, delay=0.02)) for n in range(12)]
        run = check_urls([limited, *others], settings(per_host=2, retry_after_cap=5.0))
        assert {result.outcome for result in run.values()} == {"ok"}
        first, retry = server.seen
        assert retry.at - first.at >= 0.95
        # The other host was done long before the limited one was asked again.
        assert max(seen.at for seen in other.seen) < retry.at - 0.3


@pytest.mark.parametrize("refusal", [405, 403, 501])
def test_head_refused_falls_back_to_get(server: LinkServer, refusal: int) -> None:
    url = server.route("/nohead", Reply(refusal), method="HEAD")
    server.route("/nohead", Reply(200, body=b"<html>fine</html>"), method="GET")
    assert check_urls([url], settings())[url].outcome == "ok"
    assert (server.count("/nohead", "HEAD"), server.count("/nohead", "GET")) == (1, 1)


def test_head_dropped_falls_back_to_get(server: LinkServer) -> None:
    url = server.route("/nohead", Reply(drop=True), method="HEAD")
    server.route("/nohead", Reply(200), method="GET")
    assert check_urls([url], settings(retries=0))[url].outcome == "ok"
    assert (server.count("/nohead", "HEAD"), server.count("/nohead", "GET")) == (1, 1)


def test_cloudflare_challenge_is_unverified(server: LinkServer) -> None:
    url = server.route("/wall", Reply(403, {"cf-mitigated": "challenge"}, b"<title>Just a moment...</title>"))
    result = check_urls([url], settings())[url]
    assert (result.outcome, result.status) == ("unverified", 403)
    assert "bot challenge" in result.detail


def test_captcha_page_behind_403_is_unverified(server: LinkServer) -> None:
    url = server.route("/wall", Reply(403, body=b"<div class='g-recaptcha'>Please complete the CAPTCHA</div>"))
    assert check_urls([url], settings())[url].outcome == "unverified"


def test_status_999_is_unverified(server: LinkServer) -> None:
    url = server.route("/in", Reply(999))
    assert check_urls([url], settings())[url].outcome == "unverified"


def test_plain_403_is_dead(server: LinkServer) -> None:
    url = server.route("/private", Reply(403, body=b"<h1>Forbidden</h1>"))
    assert check_urls([url], settings())[url].outcome == "dead"


def test_server_slower_than_the_timeout_is_dead(server: LinkServer) -> None:
    url = server.route("/slow", Reply(200, delay=5.0))
    started = time.monotonic()
    result = check_urls([url], settings(read_timeout=0.2, retries=1))[url]
    assert result.outcome == "dead"
    assert "did not reply within 0.2 s" in result.detail
    assert time.monotonic() - started < 2.0
    assert server.count() == 2


def test_refused_connection_is_dead() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    result = check_urls([url], settings(retries=1))[url]
    assert result.outcome == "dead"
    assert "refused" in result.detail


def test_unresolvable_host_is_dead(wire: Tripwire) -> None:
    url = "https://docs.invalid/"
    result = check_urls([url], settings(retries=0))[url]
    assert (result.outcome, result.detail) == ("dead", "the host name does not resolve")
    assert wire.remote_lookups == ["docs.invalid"]


def test_accepted_codes_are_configurable(server: LinkServer) -> None:
    url = server.route("/teapot", Reply(418))
    assert check_urls([url], settings(accept=((200, 299), (418, 418))))[url].outcome == "ok"


def test_excluded_urls_are_not_requested(server: LinkServer) -> None:
    url = server.route("/skip/me", Reply(200))
    result = check_urls([url], settings(exclude=(r"/skip/",)))[url]
    assert result.outcome == "excluded"
    assert server.count() == 0


def test_each_unique_url_is_requested_once(server: LinkServer) -> None:
    url = server.route("/page", Reply(200))
    run = check_urls([url, url, url + "#intro", url, url + "#intro"], settings())
    assert list(run) == [url, url + "#intro"]
    assert server.count() == 1


def test_results_keep_the_order_given(server: LinkServer) -> None:
    urls = [server.route(f"/{name}", Reply(200)) for name in "dcba"]
    assert list(check_urls(urls, settings(per_host=1))) == urls


def test_fragments_present_and_absent(server: LinkServer) -> None:
    page = b"<html><h2 id='install'>Install</h2><a name='legacy'></a><h2 id='user-content-faq'>FAQ</h2></html>"
    url = server.route("/guide", Reply(200, body=page))
    urls = [f"{url}#install", f"{url}#legacy", f"{url}#faq", f"{url}#missing", url]
    run = check_urls(urls, settings(check_fragments=True))
    assert [run[u].outcome for u in urls] == ["ok", "ok", "ok", "dead", "ok"]
    assert run[f"{url}#missing"].detail == "the page has no anchor #missing"
    assert server.count("/guide", "GET") == 1
    assert server.count() == 1


def test_fragments_are_not_checked_unless_asked(server: LinkServer) -> None:
    url = server.route("/guide", Reply(200, body=b"<html></html>"))
    assert check_urls([f"{url}#missing"], settings())[f"{url}#missing"].outcome == "ok"
    assert server.count("/guide", "HEAD") == 1


def test_body_far_over_the_cap_is_not_read(server: LinkServer) -> None:
    url = server.route("/huge", Reply(200, body=b"<html><p id='early'>", padding=256 * 1024 * 1024))
    cap = 64 * 1024
    started = time.monotonic()
    run = check_urls([f"{url}#late", f"{url}#early"], settings(check_fragments=True, body_cap=cap))
    assert run[f"{url}#late"].outcome == "unverified"
    assert run[f"{url}#early"].outcome == "ok"
    assert time.monotonic() - started < 3.0
    # The client stopped at the cap; what the server got out is that plus socket buffers.
    assert server.bytes_sent < 32 * 1024 * 1024


def test_anchor_early_in_a_huge_page_stops_the_read(server: LinkServer) -> None:
    url = server.route("/huge", Reply(200, body=b"<html><p id='early'>", padding=256 * 1024 * 1024))
    assert check_urls([f"{url}#early"], settings(check_fragments=True))[f"{url}#early"].outcome == "ok"
    assert server.bytes_sent < 32 * 1024 * 1024


def test_progress_reports_done_total_failures(server: LinkServer) -> None:
    good = [server.route(f"/ok{n}", Reply(200)) for n in range(3)]
    bad = server.route("/bad", Reply(404))
    calls: list[tuple[int, int, int]] = []
    check_urls([*good, bad, "ftp://x/"], settings(), progress=lambda *args: calls.append(args))
    assert calls[0] == (1, 5, 1)  # the blocked ftp link, known before any request
    assert calls[-1] == (5, 5, 2)
    assert [done for done, _, _ in calls] == sorted(done for done, _, _ in calls)


def test_limits_in_flight_per_host_and_overall(server: LinkServer) -> None:
    lock = threading.Lock()
    active = {"now": 0, "peak": 0}

    def slow(seen: Seen) -> Reply:
        with lock:
            active["now"] += 1
            active["peak"] = max(active["peak"], active["now"])
        time.sleep(0.05)
        with lock:
            active["now"] -= 1
        return Reply(200)

    urls = [server.route(f"/p{n}", slow) for n in range(12)]
    check_urls(urls, settings(per_host=3, max_in_flight=10))
    assert 2 <= active["peak"] <= 3
    active["peak"] = 0
    with LinkServer() as other:
        urls += [other.route(f"/p{n}", slow) for n in range(12)]
        check_urls(urls, settings(per_host=4, max_in_flight=5))
    assert 4 <= active["peak"] <= 5


def test_settings_hide_the_token() -> None:
    assert "sekrit" not in repr(LinkSettings(github_token="sekrit"))
