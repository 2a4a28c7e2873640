"""github.com links through the REST API, against a stand-in API server on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from forgea_hooks.links.checker import check_urls
from forgea_hooks.links.github import api_paths
from forgea_hooks.links.model import LinkSettings
from tests.linkserver import LinkServer, Reply, Tripwire, serve, settings

TOKEN = "ghp_test_token_never_to_be_seen"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def api() -> Iterator[LinkServer]:
    yield from serve()


def with_token(api: LinkServer, **overrides: object) -> LinkSettings:
    return settings(github_token=TOKEN, github_api_url=api.url(""), **overrides)


def test_repository_via_the_api_with_the_token(api: LinkServer, wire: Tripwire) -> None:
    api.route("/repos/octo/repo", Reply(200, JSON, b"{}"))
    url = "https://github.com/octo/repo"
    result = check_urls([url], with_token(api))[url]
    assert (result.outcome, result.status) == ("ok", 200)
    (seen,) = api.seen
    assert seen.method == "GET"
    assert seen.headers["Authorization"] == f"Bearer {TOKEN}"
    assert seen.headers["Accept"] == "application/vnd.github+json"
    assert seen.headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert wire.remote_lookups == []  # github.com itself was never asked


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("https://github.com/octo/repo/blob/main/docs/a.md", "/repos/octo/repo/contents/docs/a.md?ref=main"),
        ("https://github.com/octo/repo/tree/v1.2.0", "/repos/octo/repo/contents/?ref=v1.2.0"),
        ("https://github.com/octo/repo/issues/12", "/repos/octo/repo/issues/12"),
        ("https://github.com/octo/repo/pull/34/files", "/repos/octo/repo/pulls/34"),
        ("https://www.github.com/octo/repo.git", "/repos/octo/repo"),
    ],
)
def test_forms_map_to_api_paths(api: LinkServer, url: str, path: str) -> None:
    api.route(path, Reply(200, JSON, b"{}"))
    assert check_urls([url], with_token(api))[url].outcome == "ok"
    assert [seen.path for seen in api.seen] == [path]


def test_a_ref_with_slashes_is_tried_at_each_cut(api: LinkServer) -> None:
    api.route("/repos/octo/repo/contents/docs/a.md?ref=feature/x", Reply(200, JSON, b"{}"))
    url = "https://github.com/octo/repo/blob/feature/x/docs/a.md"
    assert check_urls([url], with_token(api))[url].outcome == "ok"
    assert [seen.path for seen in api.seen] == [
        "/repos/octo/repo/contents/x/docs/a.md?ref=feature",
        "/repos/octo/repo/contents/docs/a.md?ref=feature/x",
    ]


def test_missing_repository_is_dead(api: LinkServer) -> None:
    url = "https://github.com/octo/gone"
    result = check_urls([url], with_token(api))[url]
    assert (result.outcome, result.status) == ("dead", 404)
    assert "GitHub has no such repository" in result.detail


def test_rejected_token_is_unverified(api: LinkServer) -> None:
    api.route("/repos/octo/repo", Reply(401, JSON, b'{"message": "Bad credentials"}'))
    url = "https://github.com/octo/repo"
    assert check_urls([url], with_token(api))[url].outcome == "unverified"


def test_exhausted_rate_limit_is_retried_then_unverified(api: LinkServer) -> None:
    api.route("/repos/octo/repo", Reply(403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "0"}))
    url = "https://github.com/octo/repo"
    result = check_urls([url], with_token(api, retries=1))[url]
    assert (result.outcome, result.status) == ("unverified", 403)
    assert api.count() == 2


def test_renamed_repository_is_a_redirect_and_the_token_stays_home(api: LinkServer) -> None:
    with LinkServer() as elsewhere:
        moved = elsewhere.route(
            "/repositories/42",
            Reply(200, JSON, json.dumps({"html_url": "https://github.com/new/name"}).encode()),
        )
        api.route("/repos/old/name", Reply(301, {"Location": moved}))
        url = "https://github.com/old/name"
        run = check_urls([url], with_token(api))
        result = run[url]
        assert (result.outcome, result.target) == ("redirect", "https://github.com/new/name")
        (seen,) = elsewhere.seen
        assert "Authorization" not in seen.headers
        assert api.seen[0].headers["Authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in repr(run)


def test_a_redirect_within_the_api_keeps_the_token(api: LinkServer) -> None:
    api.route("/repos/old/name", Reply(301, {"Location": "/repositories/42"}))
    api.route("/repositories/42", Reply(200, JSON, b'{"html_url": "https://github.com/new/name"}'))
    url = "https://github.com/old/name"
    assert check_urls([url], with_token(api))[url].target == "https://github.com/new/name"
    assert [seen.headers.get("Authorization") for seen in api.seen] == [f"Bearer {TOKEN}"] * 2


def test_without_a_token_github_links_are_plain_http(api: LinkServer, wire: Tripwire) -> None:
    url = "https://github.com/octo/repo"
    result = check_urls([url], settings(github_api_url=api.url(""), retries=0))[url]
    assert result.outcome == "dead"  # the tripwire makes github.com unresolvable
    assert wire.remote_lookups == ["github.com"]
    assert api.count() == 0


def test_other_github_pages_are_plain_http(api: LinkServer, wire: Tripwire) -> None:
    url = "https://github.com/octo/repo/wiki/Home"
    check_urls([url], with_token(api, retries=0))
    assert wire.remote_lookups == ["github.com"]
    assert api.count() == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/features/actions",
        "https://github.com/orgs/octo/people",
        "https://github.com/octo",
        "https://github.com/octo/repo/releases/tag/v1",
        "https://gist.github.com/octo/abc",
        "https://example.com/octo/repo",
    ],
)
def test_pages_without_an_api_form(url: str) -> None:
    assert api_paths(url) == []
