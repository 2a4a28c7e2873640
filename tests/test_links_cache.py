"""The persistent link cache, through check_urls and a real server, and under concurrent writers."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from forgea_hooks import safefs
from forgea_hooks.links.cache import LinkCache
from forgea_hooks.links.checker import check_urls
from forgea_hooks.links.model import LinkResult
from tests.linkserver import LinkServer, Reply, settings


def test_warm_rerun_makes_no_request(server: LinkServer, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "links.json"
    urls = [server.route(f"/p{n}", Reply(200)) for n in range(5)]
    urls.append(server.route("/moved", Reply(301, {"Location": "/p0"})))
    cold = check_urls(urls, settings(cache_path=cache))
    before = server.count()
    warm = check_urls(urls, settings(cache_path=cache))
    assert server.count() == before == 7  # six URLs, one of them a redirect hop to /p0
    assert warm.results == cold.results
    assert warm.warnings == cold.warnings == []
    assert (cache.parent / ".gitignore").read_text() == safefs.GITIGNORE


def test_a_cache_hit_does_not_extend_the_entry(server: LinkServer, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    url = server.route("/p", Reply(200))
    check_urls([url], settings(cache_path=cache))
    written = cache.read_bytes()
    check_urls([url], settings(cache_path=cache))
    assert cache.read_bytes() == written  # same "checked" time: the TTL runs from the real check


def test_failures_are_never_cached(server: LinkServer, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    dead = server.route("/dead", Reply(404))
    limited = server.route("/limited", Reply(429, {"Retry-After": "0"}))
    check_urls([dead, limited], settings(cache_path=cache, retries=0))
    check_urls([dead, limited], settings(cache_path=cache, retries=0))
    assert server.count("/dead") == 2
    assert server.count("/limited") == 2
    assert not cache.exists()  # nothing worth writing


def test_entries_expire(server: LinkServer, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    url = server.route("/p", Reply(200))
    check_urls([url], settings(cache_path=cache, cache_ttl=0.0))
    check_urls([url], settings(cache_path=cache, cache_ttl=0.0))
    assert server.count() == 2


@pytest.mark.parametrize(
    "change",
    [
        {"accept": ((200, 299), (403, 403))},
        {"check_fragments": True},
        {"github_token": "t"},  # github.com links switch to the API, other links do not
    ],
)
def test_a_change_of_what_is_checked_invalidates(server: LinkServer, tmp_path: Path, change: dict[str, Any]) -> None:
    cache = tmp_path / "links.json"
    url = server.route("/p", Reply(200))
    check_urls([url], settings(cache_path=cache))
    check_urls([url], settings(cache_path=cache, **change))
    assert server.count() == (1 if "github_token" in change else 2)


def test_corrupt_cache_warns_once_and_is_rebuilt(server: LinkServer, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    cache.write_text('{"format": "forgea-hooks link cache", "version": 1, "entries": {"x": [', encoding="utf-8")
    url = server.route("/p", Reply(200))
    run = check_urls([url], settings(cache_path=cache))
    assert run[url].outcome == "ok"
    assert len(run.warnings) == 1
    assert "corrupt" in run.warnings[0]
    assert str(cache) in run.warnings[0]
    again = check_urls([url], settings(cache_path=cache))
    assert again.warnings == []
    assert server.count() == 1
    json.loads(cache.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "text",
    [
        "[]",
        '{"format": "something else", "version": 1, "entries": {}}',
        '{"format": "forgea-hooks link cache", "version": 1, "entries": {"k": {"url": 3}}}',
        "\x00\x01binary",
    ],
)
def test_wrong_shapes_are_corrupt(tmp_path: Path, text: str) -> None:
    cache = tmp_path / "links.json"
    cache.write_text(text, encoding="utf-8")
    assert "corrupt" in LinkCache(cache, 60.0).warnings[0]


def test_unwritable_cache_means_an_uncached_run(server: LinkServer, tmp_path: Path) -> None:
    # A file where the cache folder should be: no process, root included, can create the cache.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    url = server.route("/p", Reply(200))
    run = check_urls([url], settings(cache_path=blocker / "links.json"))
    assert run[url].outcome == "ok"
    assert len(run.warnings) == 1
    assert "not cached" in run.warnings[0]


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder whose mode says read-only: left alone even by root, whom modes do not stop."""
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    yield folder
    folder.chmod(0o700)


def test_read_only_cache_folder(server: LinkServer, read_only_dir: Path) -> None:
    url = server.route("/p", Reply(200))
    run = check_urls([url], settings(cache_path=read_only_dir / "forgea-hooks-links.json"))
    assert run[url].outcome == "ok"
    assert len(run.warnings) == 1
    assert "not cached" in run.warnings[0]
    assert list(read_only_dir.iterdir()) == []


def test_a_read_only_checkout_gets_no_cache_folder(server: LinkServer, read_only_dir: Path) -> None:
    url = server.route("/p", Reply(200))
    run = check_urls([url], settings(cache_path=read_only_dir / ".forgea-hooks-cache" / "links.json"))
    assert run[url].outcome == "ok" and "not cached" in run.warnings[0]
    assert list(read_only_dir.iterdir()) == []


def test_writes_merge_with_what_is_on_disk(server: LinkServer, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    first, second = server.route("/a", Reply(200)), server.route("/b", Reply(200))
    check_urls([first], settings(cache_path=cache))
    check_urls([second], settings(cache_path=cache))
    check_urls([first, second], settings(cache_path=cache))
    assert server.count() == 2
    assert not list(tmp_path.glob("*.tmp"))


def test_concurrent_writers_never_leave_a_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "links.json"
    stop = threading.Event()
    problems: list[str] = []

    def write(worker: int) -> None:
        for round_ in range(20):
            cache = LinkCache(path, 3600.0)
            for n in range(20):
                url = f"https://example.org/{worker}/{round_}/{n}"
                cache.put(url, LinkResult(url, "ok", 200, "the server answered 200 OK"))
            cache.save()
            problems.extend(cache.warnings)

    def read() -> None:
        while not stop.is_set():
            problems.extend(LinkCache(path, 3600.0).warnings)

    reader = threading.Thread(target=read)
    reader.start()
    writers = [threading.Thread(target=write, args=(worker,)) for worker in range(4)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=30)
    stop.set()
    reader.join(timeout=30)
    assert problems == []
    final = LinkCache(path, 3600.0)
    # Whoever saved last merged its own final round into the file.
    assert any(final.get(f"https://example.org/{worker}/19/19") for worker in range(4))
    assert not list(tmp_path.glob("*.tmp"))
