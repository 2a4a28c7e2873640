"""The GitHub client against the stand-in server: paging, rate limits, pacing, and the token's reach."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from forgea_hooks.action.client import (
    ATTEMPTS,
    DEFAULT_BACKOFF,
    ApiError,
    GitHubClient,
    PermissionDenied,
    RateLimited,
)
from tests.ghapi import FORBIDDEN, Canned, FakeGitHub, serve

TOKEN = "ghs_clientTestToken0123456789abcdef"


class FakeClock:
    """Time that moves only when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with serve(FakeGitHub(TOKEN)) as running:
        yield running


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _client(fake: FakeGitHub, clock: FakeClock, interval: float = 0.0) -> GitHubClient:
    return GitHubClient(fake.url, TOKEN, write_interval=interval, clock=clock, sleep=clock.sleep)


def test_paginate_follows_every_next_link(fake: FakeGitHub, clock: FakeClock) -> None:
    for n in range(250):
        fake.add_comment(1, "someone", f"comment {n}")
    bodies = [c["body"] for c in _client(fake, clock).paginate("repos/acme/docs/issues/1/comments")]
    assert bodies == [f"comment {n}" for n in range(250)]
    pages = [r for r in fake.requests if r.path.endswith("/comments")]
    assert [r.query.get("page", "1") for r in pages] == ["1", "2", "3"]
    assert all(r.query["per_page"] == "100" for r in pages)


def test_requests_carry_the_token_and_api_headers(fake: FakeGitHub, clock: FakeClock) -> None:
    assert _client(fake, clock).get("user") == {"login": "forgea-bot", "type": "User"}
    headers = fake.requests[0].headers
    assert headers["authorization"] == f"Bearer {TOKEN}"
    assert headers["accept"] == "application/vnd.github+json"
    assert headers["x-github-api-version"] == "2022-11-28"


def test_429_waits_for_retry_after_then_succeeds(fake: FakeGitHub, clock: FakeClock) -> None:
    fake.canned.append(Canned(429, {"Retry-After": "2"}, {"message": "Too many requests"}))
    assert _client(fake, clock).get("user")["login"] == "forgea-bot"
    assert clock.sleeps == [2.0]
    assert len(fake.requests) == 2


def test_primary_rate_limit_waits_until_the_reset_time(fake: FakeGitHub, clock: FakeClock) -> None:
    reset = str(int(clock.now) + 30)
    fake.canned.append(
        Canned(
            403,
            {"x-ratelimit-remaining": "0", "x-ratelimit-reset": reset},
            {"message": "API rate limit exceeded"},
        )
    )
    _client(fake, clock).get("user")
    assert clock.sleeps == [31.0]


def test_secondary_rate_limit_backs_off_and_gives_up_after_three_tries(fake: FakeGitHub, clock: FakeClock) -> None:
    for _ in range(ATTEMPTS):
        fake.canned.append(Canned(403, {}, {"message": "You have exceeded a secondary rate limit."}))
    with pytest.raises(RateLimited):
        _client(fake, clock).get("user")
    assert len(fake.requests) == ATTEMPTS
    assert clock.sleeps == [DEFAULT_BACKOFF, DEFAULT_BACKOFF * 2]


def test_a_wait_too_long_to_sit_out_is_given_up_at_once(fake: FakeGitHub, clock: FakeClock) -> None:
    fake.canned.append(Canned(429, {"Retry-After": "3600"}, {"message": "slow down"}))
    with pytest.raises(RateLimited):
        _client(fake, clock).get("user")
    assert clock.sleeps == []


def test_resource_not_accessible_is_a_permission_answer_not_retried(fake: FakeGitHub, clock: FakeClock) -> None:
    fake.read_only = True
    with pytest.raises(PermissionDenied) as caught:
        _client(fake, clock).request("POST", "repos/acme/docs/issues/1/comments", {"body": "hi"})
    assert caught.value.status == 403
    assert len(fake.requests) == 1
    assert clock.sleeps == []
    assert FORBIDDEN["message"] in str(caught.value)


def test_writes_are_spaced_by_the_write_interval(fake: FakeGitHub, clock: FakeClock) -> None:
    client = _client(fake, clock, interval=1.0)
    client.request("POST", "repos/acme/docs/issues/1/comments", {"body": "one"})
    client.get("user")  # reads are not paced
    client.request("POST", "repos/acme/docs/issues/1/comments", {"body": "two"})
    assert clock.sleeps == [1.0]


def test_a_body_over_githubs_limit_is_refused_with_422(fake: FakeGitHub, clock: FakeClock) -> None:
    with pytest.raises(ApiError) as caught:
        _client(fake, clock).request("POST", "repos/acme/docs/issues/1/comments", {"body": "x" * 65_537})
    assert caught.value.status == 422
    assert fake.comments.get(1, []) == []


def test_errors_name_the_status_and_never_the_token(fake: FakeGitHub, clock: FakeClock) -> None:
    with pytest.raises(ApiError) as caught:
        _client(fake, clock).get("repos/acme/docs/pulls/99")
    assert caught.value.status == 404
    assert TOKEN not in str(caught.value)
    bad = GitHubClient(fake.url, "wrong-token", write_interval=0, clock=clock, sleep=clock.sleep)
    with pytest.raises(ApiError) as denied:
        bad.get("user")
    assert denied.value.status == 401


def test_a_next_link_to_another_origin_is_not_followed(fake: FakeGitHub, clock: FakeClock) -> None:
    for n in range(150):
        fake.add_comment(1, "someone", f"c{n}")
    with serve(FakeGitHub(TOKEN)) as elsewhere:
        fake.link_origin = elsewhere.url
        with pytest.raises(ApiError, match="refusing to send the token"):
            list(_client(fake, clock).paginate("repos/acme/docs/issues/1/comments"))
        assert elsewhere.requests == []


def test_a_redirect_to_another_origin_is_not_followed(fake: FakeGitHub, clock: FakeClock) -> None:
    with serve(FakeGitHub(TOKEN)) as elsewhere:
        fake.redirects["/repos/acme/docs/pulls/1"] = f"{elsewhere.url}/repos/acme/docs/pulls/1"
        with pytest.raises(ApiError, match="refusing to send the token"):
            _client(fake, clock).get("repos/acme/docs/pulls/1")
        assert elsewhere.requests == []


def test_a_same_origin_redirect_is_followed(fake: FakeGitHub, clock: FakeClock) -> None:
    fake.heads[1] = "abc"
    fake.redirects["/repositories/42/pulls/1"] = f"{fake.url}/repos/acme/docs/pulls/1"
    assert _client(fake, clock).get("repositories/42/pulls/1")["head"]["sha"] == "abc"


@pytest.mark.parametrize("url", ["http://api.example.com", "ftp://127.0.0.1/"])
def test_the_token_is_only_sent_over_https_or_to_loopback(url: str) -> None:
    with pytest.raises(ApiError, match="https"):
        GitHubClient(url, TOKEN)


def test_a_connection_failure_is_an_api_error_without_the_token(clock: FakeClock) -> None:
    with serve(FakeGitHub(TOKEN)) as gone:
        url = gone.url
    client = GitHubClient(url, TOKEN, write_interval=0, clock=clock, sleep=clock.sleep)
    with pytest.raises(ApiError) as caught:
        client.get("user")
    assert caught.value.status == 0
    assert TOKEN not in str(caught.value)
