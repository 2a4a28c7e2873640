"""A small GitHub REST client: one request at a time, polite to rate limits, careful with the token.

The token goes only to the origin of GITHUB_API_URL: a pagination link or redirect to anywhere
else is refused before any connection is made, and the token never appears in an exception text.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from forgea_hooks import redact

USER_AGENT = "forgea-hooks-action"
API_VERSION = "2022-11-28"
# Pagination is bounded: 100 pages of 100 is beyond any PR GitHub will list (files stop at 3,000).
MAX_PAGES = 100
MAX_REDIRECTS = 3
ATTEMPTS = 3
# Without a retry-after or reset time GitHub asks for at least a minute before retrying.
DEFAULT_BACKOFF = 60.0
# A wait longer than this would hold the job hostage; the comment is given up instead.
MAX_WAIT = 300.0
TIMEOUT = (10.0, 30.0)
WRITE_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class ApiError(Exception):
    """GitHub answered with a failure, or could not be reached. ``status`` is 0 for no answer."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


class PermissionDenied(ApiError):
    """The token may not do this (a fork's or Dependabot's read-only token): not worth retrying."""


class RateLimited(ApiError):
    """Still rate limited after every attempt, or the wait asked for is too long to sit out."""


@dataclass(frozen=True)
class Response:
    status: int
    data: Any
    next_url: str | None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    port = parts.port or {"https": 443, "http": 80}.get(parts.scheme)
    return (parts.scheme, (parts.hostname or "").lower(), port)


def _message(response: requests.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.reason or ""
    if isinstance(data, dict):
        return str(data.get("message", ""))
    return ""


def _is_rate_limit(response: requests.Response, message: str) -> bool:
    if response.status_code == 429:
        return True
    return (
        "retry-after" in response.headers
        or response.headers.get("x-ratelimit-remaining") == "0"
        or "rate limit" in message.lower()
    )


class GitHubClient:
    """Talks to one GitHub API origin with one token.

    ``write_interval`` spaces out writes (GitHub's guidance against secondary rate limits is at
    least a second); ``clock`` and ``sleep`` are injectable so tests need not wait.
    """

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        write_interval: float = 1.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        scheme, host, _ = _origin(api_url)
        if scheme != "https" and not (scheme == "http" and host in LOOPBACK_HOSTS):
            raise ApiError(f"GITHUB_API_URL must be an https URL (got scheme {scheme!r}); the token is not sent")
        self.api_url = api_url.rstrip("/") + "/"
        self._origin = _origin(self.api_url)
        self._token = token
        self._write_interval = write_interval
        self._clock = clock
        self._sleep = sleep
        self._last_write: float | None = None
        self._session = session or requests.Session()

    def url(self, path: str) -> str:
        return urljoin(self.api_url, path.lstrip("/"))

    def _check_origin(self, url: str) -> None:
        if _origin(url) != self._origin:
            raise ApiError(f"refusing to send the token to {urlsplit(url).netloc}: not the GITHUB_API_URL host")

    def _pace_write(self) -> None:
        if self._last_write is not None:
            wait = self._write_interval - (self._clock() - self._last_write)
            if wait > 0:
                self._sleep(wait)
        self._last_write = self._clock()

    def _rate_limit_wait(self, response: requests.Response, attempt: int) -> float:
        retry_after = response.headers.get("retry-after", "").strip()
        if retry_after:
            try:
                return max(float(retry_after), 0.0)
            except ValueError:
                pass
        reset = response.headers.get("x-ratelimit-reset", "").strip()
        if reset and response.headers.get("x-ratelimit-remaining", "").strip() in ("0", ""):
            try:
                return max(float(reset) - self._clock(), 0.0) + 1.0
            except ValueError:
                pass
        return DEFAULT_BACKOFF * (1 << attempt)

    def _send(self, method: str, url: str, body: Mapping[str, Any] | None) -> requests.Response:
        for _ in range(MAX_REDIRECTS + 1):
            self._check_origin(url)
            headers = {
                "Accept": "application/vnd.github+json",
                "Authorization": f"Bearer {self._token}",
                "User-Agent": USER_AGENT,
                "X-GitHub-Api-Version": API_VERSION,
            }
            # The comment body quotes the PR's docs: scrubbed as the last step before it leaves.
            payload = None if body is None else redact.scrub_data(body)
            try:
                response = self._session.request(
                    method, url, headers=headers, json=payload, timeout=TIMEOUT, allow_redirects=False
                )
            except requests.RequestException as exc:
                # The exception text names the URL only; headers (and so the token) are not in it.
                raise ApiError(f"{method} {urlsplit(url).path} failed: {type(exc).__name__}") from None
            location = response.headers.get("location")
            if response.status_code in (301, 302, 307, 308) and location:
                url = urljoin(url, location)
                continue
            return response
        raise ApiError(f"{method} {urlsplit(url).path}: too many redirects")

    def request(self, method: str, path_or_url: str, body: Mapping[str, Any] | None = None) -> Response:
        """One call, retried only on rate limiting, up to ``ATTEMPTS`` tries."""
        method = method.upper()
        url = path_or_url if "://" in path_or_url else self.url(path_or_url)
        attempt = 0
        while True:
            if method in WRITE_METHODS:
                self._pace_write()
            response = self._send(method, url, body)
            status = response.status_code
            if status < 400:
                try:
                    data = response.json() if response.content else None
                except ValueError:
                    raise ApiError(f"{method} {urlsplit(url).path}: the answer is not JSON", status) from None
                next_link = response.links.get("next", {}).get("url")
                return Response(status, data, next_link)
            message = _message(response)
            what = f"{method} {urlsplit(url).path}: HTTP {status} {message}".rstrip()
            if status in (403, 429) and _is_rate_limit(response, message):
                wait = self._rate_limit_wait(response, attempt)
                attempt += 1
                if attempt >= ATTEMPTS or wait > MAX_WAIT:
                    raise RateLimited(f"{what} (rate limited)", status)
                self._sleep(wait)
                continue
            if status == 403 and "not accessible by integration" in message.lower():
                raise PermissionDenied(what, status)
            raise ApiError(what, status)

    def get(self, path: str) -> Any:
        return self.request("GET", path).data

    def paginate(self, path: str) -> Iterator[Any]:
        """Every item of a list endpoint, following ``Link: rel="next"`` for at most MAX_PAGES pages."""
        separator = "&" if "?" in path else "?"
        url: str | None = self.url(f"{path}{separator}per_page=100")
        for _ in range(MAX_PAGES):
            if url is None:
                return
            page = self.request("GET", url)
            if not isinstance(page.data, list):
                raise ApiError(f"GET {urlsplit(url).path}: expected a list")
            yield from page.data
            url = page.next_url
        if url is not None:
            raise ApiError(f"GET {path}: more than {MAX_PAGES} pages")
