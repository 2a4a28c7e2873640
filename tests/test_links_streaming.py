"""check_urls fed by an iterator that is still producing URLs, against real servers on 127.0.0.1.

Every generator here waits on what the server has seen before yielding more, so each test proves
that fetching went on while the input was unfinished. Waits have timeouts and check_urls runs on
a thread joined with one, so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from forgea_hooks.links.checker import check_urls
from forgea_hooks.links.model import LinkRun, LinkSettings
from tests.linkserver import LinkServer, Reply, Seen, settings

T = TypeVar("T")
WAIT = 5.0  # seconds any one step may take before the test calls it a hang


def bounded(call: Callable[[], T], timeout: float = 15.0) -> T:
    """``call()`` on a daemon thread; fail if it has not returned (or raised) within ``timeout``."""
    outcome: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # handed to the test's thread below
            errors.append(exc)

    thread = threading.Thread(target=target, name="streaming-test", daemon=True)
    thread.start()
    thread.join(timeout)
    assert not thread.is_alive(), f"check_urls did not return within {timeout} s"
    if errors:
        raise errors[0]
    return outcome[0]


def check(
    urls: Iterator[str], link_settings: LinkSettings, progress: Callable[[int, int, int], None] | None = None
) -> LinkRun:
    return bounded(lambda: check_urls(urls, link_settings, progress))


def seen_once(server: LinkServer, path: str) -> threading.Event:
    """An Event set as soon as the server receives a request for ``path`` (any route's answer)."""
    event = threading.Event()

    def mark(seen: Seen) -> Reply:
        event.set()
        return Reply(200)

    server.route(path, mark)
    return event


def feeder_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "link-check-feeder"}


def test_fetching_starts_before_the_input_ends(server: LinkServer) -> None:
    first_seen = seen_once(server, "/first")
    later = [server.route(f"/later{n}", Reply(200)) for n in range(3)]
    waited: list[bool] = []

    def urls() -> Iterator[str]:
        yield server.url("/first")
        waited.append(first_seen.wait(WAIT))  # blocks like a parser with more documents to go
        yield from later

    run = check(urls(), settings())
    assert waited == [True], "the first URL was not requested until the input ended"
    assert list(run) == [server.url("/first"), *later]
    assert {result.outcome for result in run.values()} == {"ok"}
    assert server.count() == 4


def test_a_new_page_does_not_wait_for_a_slow_fetch(server: LinkServer) -> None:
    slow_seen = threading.Event()

    def slow(seen: Seen) -> Reply:
        slow_seen.set()
        return Reply(200, delay=1.5)

    slow_url = server.route("/slow", slow)
    fast_url = server.route("/fast", Reply(200))

    def urls() -> Iterator[str]:
        yield slow_url
        assert slow_seen.wait(WAIT)
        yield fast_url

    run = check(urls(), settings(read_timeout=5.0))
    assert [result.outcome for result in run.values()] == ["ok", "ok"]
    slow_at, fast_at = (seen.at for seen in server.seen)
    # The dispatcher woke for the arrival itself, not when the slow reply freed it.
    assert fast_at - slow_at < 0.75


def test_progress_total_grows_with_the_input(server: LinkServer) -> None:
    first_done = threading.Event()
    calls: list[tuple[int, int, int]] = []

    def progress(done: int, total: int, failures: int) -> None:
        calls.append((done, total, failures))
        first_done.set()

    first = server.route("/first", Reply(200))
    dead = server.route("/dead", Reply(404))

    def urls() -> Iterator[str]:
        yield first
        assert first_done.wait(WAIT)
        yield "ftp://example.invalid/"  # blocked without a request: reported as it arrives
        yield dead

    check(urls(), settings(retries=0), progress)
    assert calls[0] == (1, 1, 0)
    assert calls[-1] == (3, 3, 2)
    assert all(done <= total for done, total, _ in calls)
    assert [done for done, _, _ in calls] == [1, 2, 3]


def test_a_url_repeated_early_and_late_is_requested_once(server: LinkServer) -> None:
    page_seen = seen_once(server, "/page")
    page = server.url("/page")
    other = server.route("/other", Reply(200))

    def urls() -> Iterator[str]:
        yield page
        yield page
        assert page_seen.wait(WAIT)
        yield other
        yield page
        yield other

    run = check(urls(), settings())
    assert list(run) == [page, other]
    assert server.count("/page") == 1
    assert server.count("/other") == 1


def test_a_fragment_after_its_page_was_fetched_fetches_the_page_again(server: LinkServer) -> None:
    page_seen = threading.Event()

    def guide(seen: Seen) -> Reply:
        page_seen.set()
        return Reply(200, body=b"<html><h2 id='install'>Install</h2></html>")

    page = server.route("/guide", guide)

    def urls() -> Iterator[str]:
        yield page
        assert page_seen.wait(WAIT)  # its fetch is under way: too late to share it
        yield f"{page}#install"
        yield f"{page}#missing"
        yield page  # already known: not asked again

    run = check(urls(), settings(check_fragments=True))
    assert list(run) == [page, f"{page}#install", f"{page}#missing"]
    assert [result.outcome for result in run.values()] == ["ok", "ok", "dead"]
    # The page alone takes a HEAD; the late fragments get a GET of their own, read for anchors.
    assert (server.count("/guide", "HEAD"), server.count("/guide", "GET")) == (1, 1)


def test_a_fragment_before_its_page_is_dispatched_shares_the_fetch(server: LinkServer) -> None:
    slow_seen = threading.Event()

    def slow(seen: Seen) -> Reply:
        slow_seen.set()
        return Reply(200, delay=0.5)

    slow_url = server.route("/slow", slow)
    page = server.route("/guide", Reply(200, body=b"<html><h2 id='install'>Install</h2></html>"))

    def urls() -> Iterator[str]:
        yield slow_url
        assert slow_seen.wait(WAIT)
        # per_host=1 and /slow holds the host: /guide is still queued when its fragments arrive.
        yield page
        yield f"{page}#install"
        yield f"{page}#missing"

    run = check(urls(), settings(per_host=1, check_fragments=True, read_timeout=5.0))
    assert [run[url].outcome for url in (page, f"{page}#install", f"{page}#missing")] == ["ok", "ok", "dead"]
    assert server.count("/guide") == 1


def test_an_input_that_raises_at_once_propagates() -> None:
    def urls() -> Iterator[str]:
        raise RuntimeError("the parser died")
        yield "never"  # a generator, failing on its first next()

    before = feeder_threads()
    with pytest.raises(RuntimeError, match="the parser died"):
        check(urls(), settings())
    assert feeder_threads() <= before


def test_an_input_that_raises_mid_run_propagates_after_the_fetch_in_flight(server: LinkServer) -> None:
    first_seen = threading.Event()

    def slow(seen: Seen) -> Reply:
        first_seen.set()
        return Reply(200, delay=0.5)

    url = server.route("/first", slow)
    never = server.route("/never", Reply(200))

    def urls() -> Iterator[str]:
        yield url
        assert first_seen.wait(WAIT)
        raise OSError("a document could not be read")
        yield never

    before = feeder_threads()
    started = time.monotonic()
    with pytest.raises(OSError, match="could not be read"):
        check(urls(), settings(read_timeout=5.0))
    assert time.monotonic() - started < 3.0
    assert server.count("/never") == 0
    assert feeder_threads() <= before


def test_a_failing_caller_does_not_wait_for_a_blocked_input(server: LinkServer) -> None:
    release = threading.Event()
    url = server.route("/p", Reply(200))

    def urls() -> Iterator[str]:
        yield url
        release.wait(WAIT)  # a parser that takes its time: check_urls must not wait for it

    def progress(done: int, total: int, failures: int) -> None:
        raise KeyError("display failed")

    started = time.monotonic()
    try:
        with pytest.raises(KeyError, match="display failed"):
            check(urls(), settings(), progress)
        assert time.monotonic() - started < WAIT - 1.0
    finally:
        release.set()


def test_per_host_limit_holds_while_streaming(server: LinkServer) -> None:
    lock = threading.Lock()
    active: dict[str, int] = {}
    peaks: dict[str, int] = {}
    overall = {"now": 0, "peak": 0}

    def slow(seen: Seen) -> Reply:
        host = seen.headers.get("Host", "")
        with lock:
            active[host] = active.get(host, 0) + 1
            peaks[host] = max(peaks.get(host, 0), active[host])
            overall["now"] += 1
            overall["peak"] = max(overall["peak"], overall["now"])
        time.sleep(0.1)
        with lock:
            active[host] -= 1
            overall["now"] -= 1
        return Reply(200)

    with LinkServer() as other:
        pages = [site.route(f"/p{n}", slow) for n in range(8) for site in (server, other)]

        def urls() -> Iterator[str]:
            for url in pages:
                yield url
                time.sleep(0.01)  # arriving over time, while earlier ones are being fetched

        run = check(urls(), settings(per_host=2, max_in_flight=3))
    assert {result.outcome for result in run.values()} == {"ok"}
    assert len(peaks) == 2
    assert max(peaks.values()) == 2
    assert overall["peak"] == 3
