"""Release data through the link engine: the guard on every hop, the token's scope, one try per form."""

from __future__ import annotations

import socket
from pathlib import Path

from forgea_hooks.online.fetch import gather
from forgea_hooks.online.model import OnlineSettings, ReleaseData, Source, Unavailable
from tests.linkserver import LinkServer, Reply, settings
from tests.online_standin import JSON, body, endoflife, github

POSTGRES = Source("endoflife", "postgresql")
COMPOSE = Source("github", "docker/compose")


def online(server: LinkServer, **overrides: object) -> OnlineSettings:
    values: dict[str, object] = {"endoflife": server.url(""), "github": server.url(""), "cache_path": None}
    values.update(overrides)
    return OnlineSettings(**values)  # type: ignore[arg-type]


def test_a_redirect_to_a_private_address_is_refused_at_that_hop(server: LinkServer) -> None:
    server.route("/api/v1/products/postgresql/", Reply(302, {"Location": "http://169.254.169.254/latest/meta-data/"}))
    guarded = settings(allow_private=False, trusted_origins=frozenset({server.origin}))
    answer = gather([POSTGRES], online(server), guarded).answers[POSTGRES]
    assert isinstance(answer, Unavailable)
    assert "169.254.169.254" in answer.reason and "metadata" in answer.reason
    assert server.count("/api/postgresql.json") == 0  # refused: the older form is not tried either


def test_the_token_goes_to_the_github_source_only(server: LinkServer) -> None:
    endoflife(server)
    github(server)
    links = settings(github_token="t0ken")
    answers = gather([POSTGRES, COMPOSE], online(server), links).answers
    assert isinstance(answers[POSTGRES], ReleaseData) and isinstance(answers[COMPOSE], ReleaseData)
    for seen in server.seen:
        sent = seen.headers.get("Authorization")
        assert sent == ("Bearer t0ken" if seen.path.startswith("/repos/") else None), seen.path


def test_a_host_that_is_down_is_asked_once_not_in_both_forms(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = f"http://127.0.0.1:{port}"
    options = OnlineSettings(endoflife=down, github=down, cache_path=tmp_path / "release-data.json")
    answer = gather([POSTGRES], options, settings(retries=0)).answers[POSTGRES]
    assert isinstance(answer, Unavailable)
    assert "/api/v1/products/postgresql/" in answer.reason and "/api/postgresql.json" not in answer.reason
    assert not (tmp_path / "release-data.json").exists()


def test_a_product_over_many_pages_stops_at_the_page_limit(server: LinkServer) -> None:
    github(server)
    answer = gather([COMPOSE], online(server, github_pages=1), settings()).answers[COMPOSE]
    assert isinstance(answer, ReleaseData)
    assert not answer.complete  # a version older than the first page is then not called unreleased
    assert server.count("/repos/docker/compose/releases?per_page=100&page=2") == 0


def test_an_answer_that_is_not_release_data_is_unavailable(server: LinkServer) -> None:
    server.route("/api/v1/products/postgresql/", Reply(200, JSON, b"<html>maintenance</html>"))
    server.route("/api/postgresql.json", Reply(200, JSON, body("endoflife-v1-postgresql.json")))
    answer = gather([POSTGRES], online(server), settings()).answers[POSTGRES]
    assert isinstance(answer, Unavailable)
    assert "not release data" in answer.reason


def test_the_cache_keeps_release_data_for_its_ttl_and_survives_a_corrupt_file(tmp_path: Path) -> None:
    from forgea_hooks.online.cache import ReleaseCache
    from forgea_hooks.online.model import Cycle

    path = tmp_path / "release-data.json"
    now = [1000.0]
    data = ReleaseData(POSTGRES, (Cycle("16", "2028-11-09", "16.9"), Cycle("9.6", True, None)), url="u")
    cache = ReleaseCache(path, 60, clock=lambda: now[0])
    cache.put("k", data)
    cache.save()
    assert ReleaseCache(path, 60, clock=lambda: now[0]).get("k", POSTGRES) == data
    now[0] += 61
    assert ReleaseCache(path, 60, clock=lambda: now[0]).get("k", POSTGRES) is None
    path.write_text('{"format": "forgea-hooks release data", "version": 1, "entries": {"k": {"cycles": 5}}}')
    corrupt = ReleaseCache(path, 60, clock=lambda: now[0])
    assert corrupt.get("k", POSTGRES) is None
    assert "corrupt" in corrupt.warnings[0]
