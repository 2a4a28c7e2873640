"""Checking that URLs answer: politely (pools, limits, backoff), safely (the address guard) and once.

This module imports requests; the rest of the package imports it only when links are checked.

One run: every URL given is screened (exclude patterns, scheme, a literal address the guard
refuses) and looked up in the cache; the rest are fetched, each page once however many fragments
of it are cited. Fetches are dispatched round-robin over hosts so that one big site cannot fill
the global limit while others wait, and every request (each redirect hop and retry) also takes a
slot from its host's gate, which a 429 slows for that host alone.

The URLs are read on a feeder thread while the calling thread dispatches, so a caller that is
still producing URLs (parsing documents) gets its first links checked meanwhile. A collection is
handed over whole, as it is already known in full; an iterator is handed over URL by URL.
"""

from __future__ import annotations

import codecs
import http
import json
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

import requests
from requests.cookies import RequestsCookieJar, extract_cookies_to_jar
from urllib3.exceptions import NameResolutionError, NewConnectionError
from urllib3.util import parse_url

from forgea_hooks import __version__
from forgea_hooks.links import github
from forgea_hooks.links.cache import LinkCache
from forgea_hooks.links.deadline import current as current_deadline
from forgea_hooks.links.deadline import deadline
from forgea_hooks.links.fragments import AnchorScanner, checkable
from forgea_hooks.links.guard import address_allowed, parse_host_literal
from forgea_hooks.links.model import FAILURES, Document, LinkResult, LinkRun, LinkSettings, Outcome
from forgea_hooks.links.transport import AddressBlocked, new_session

Progress = Callable[[int, int, int], None]

USER_AGENT = f"forgea-hooks/{__version__} (documentation link check)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
# Statuses by which servers refuse HEAD while serving GET.
_HEAD_REFUSED = frozenset({403, 405, 501})
# Bot walls answer with a page, not an error; these mark one (the body is read only for a 403).
_CHALLENGE_BODY = re.compile(rb"cf-chl|challenge-platform|captcha|_incapsula_|datadome|are you a robot", re.I)
_SNIFF_BYTES = 64 * 1024
_CHUNK = 16 * 1024
_API_HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


def check_urls(urls: Iterable[str], settings: LinkSettings, progress: Progress | None = None) -> LinkRun:
    """Check every URL in ``urls`` and return a :class:`LinkRun`: URL -> LinkResult in the order
    given (duplicates once), plus cache warnings for the caller to print.

    ``urls`` may be an iterator that blocks until its next URL is known: fetching starts with its
    first URL, and an exception it raises propagates from here once dispatch has stopped. A URL
    that differs only by its #fragment from a page already being fetched is answered by that fetch
    if it arrives before the fetch starts, else its page is fetched again for it.

    ``progress(done, total, failures)`` is called from the calling thread as URLs finish; ``total``
    is the number of unique URLs seen so far, so it grows while an iterator is still producing.
    """
    return _Run(settings).execute(urls, progress)


def fetch_documents(urls: Collection[str], settings: LinkSettings, *, api: bool = False) -> dict[str, Document]:
    """GET each URL (once, concurrently) and keep its body: the same guard on every hop, per-host
    limits, retries and Retry-After as :func:`check_urls`, but nothing is cached here (the caller
    caches what it makes of the bodies). ``api``: the URLs are GitHub API calls, which carry the
    token when they go to ``settings.github_api_url``'s origin.

    A body over ``settings.body_cap`` bytes is a failure, not a truncated success.
    """
    run = _Run(settings)
    unique = list(dict.fromkeys(urls))
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(len(unique), settings.max_in_flight))) as pool:
            futures = {url: pool.submit(run.fetch_document, url, api=api) for url in unique}
            return {url: future.result() for url, future in futures.items()}
    finally:
        run.close()


@dataclass(frozen=True, slots=True)
class _Verdict:
    """A result before it is attached to each URL that cites the fetched page."""

    outcome: Outcome
    status: int | None
    detail: str
    target: str | None = None

    def of(self, url: str) -> LinkResult:
        return LinkResult(url, self.outcome, self.status, self.detail, self.target)


@dataclass(frozen=True, slots=True)
class _Page:
    """The last response of a chain, with the anchors of its body when they were asked for."""

    verdict: _Verdict
    anchors: AnchorScanner | None = None
    complete: bool = True  # False: reading stopped at the byte cap or the deadline, anchors unseen
    body: bytes | None = None  # only when a document was asked for
    next_page: str | None = None


@dataclass(eq=False, slots=True)
class _Group:
    """The URLs that one fetch of ``page`` answers. ``urls`` grows only until it is dispatched."""

    page: str
    urls: list[str]


@dataclass(frozen=True, slots=True)
class _Arrivals:
    """What the feeder handed over since the dispatcher last looked."""

    groups: list[_Group]
    early: dict[str, LinkResult]  # screened out or cached: no fetch
    ended: bool  # the feeder has read its last URL (or failed): nothing more will come
    error: BaseException | None
    signal: Future[None]  # resolved when anything more arrives; waited on with the fetches


class _Inbox:
    """Where the feeder thread leaves URLs for the dispatcher, and how it wakes it up.

    One lock covers handing over, the wake-up signal and the pages still open to more fragments,
    so that a take() cannot miss an arrival (the signal it returns is the one the next arrival
    resolves) and a fragment never joins a page after that page was dispatched.
    """

    def __init__(self, *, hold: bool) -> None:
        self._lock = threading.Lock()
        self._hold = hold  # hand nothing over until the input is read in full
        self._signal: Future[None] = Future()
        self._order: list[str] = []
        self._open: dict[str, _Group] = {}  # page -> its group not yet dispatched
        self._incoming: list[_Group] = []
        self._early: dict[str, LinkResult] = {}
        self._ended = False
        self._error: BaseException | None = None
        self._stopping = threading.Event()
        self.groups: list[_Group] = []  # all of them in creation order: the cache is written in it

    @property
    def order(self) -> list[str]:
        """The unique URLs in the order given; complete once the feeder has finished."""
        with self._lock:
            return list(self._order)

    def total(self) -> int:
        with self._lock:
            return len(self._order)

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def answered(self, url: str, result: LinkResult) -> None:
        with self._lock:
            self._order.append(url)
            self._early[url] = result
            self._arrived()

    def to_fetch(self, url: str) -> None:
        page = urldefrag(url).url
        with self._lock:
            self._order.append(url)
            group = self._open.get(page)
            if group is None:
                group = self._open[page] = _Group(page, [])
                self.groups.append(group)
                self._incoming.append(group)
            group.urls.append(url)
            self._arrived()

    def finish(self, error: BaseException | None) -> None:
        with self._lock:
            self._ended = True
            self._error = error
            self._hold = False
            self._arrived()

    def stop(self) -> bool:
        """Ask the feeder to read no further; True when it has already finished."""
        self._stopping.set()
        with self._lock:
            return self._ended

    def take(self) -> _Arrivals:
        with self._lock:
            if self._signal.done():
                self._signal = Future()
            if self._hold:
                return _Arrivals([], {}, False, None, self._signal)
            groups, self._incoming = self._incoming, []
            early, self._early = self._early, {}
            return _Arrivals(groups, early, self._ended, self._error, self._signal)

    def dispatching(self, group: _Group) -> None:
        """Close ``group`` to later fragments: from now on its URL list is read by a fetch."""
        with self._lock:
            if self._open.get(group.page) is group:
                del self._open[group.page]

    def _arrived(self) -> None:
        if not self._hold and not self._signal.done():
            self._signal.set_result(None)


class _HostGate:
    """Concurrency and pacing for one host; a 429 pauses it and halves its concurrency."""

    def __init__(self, limit: int) -> None:
        self._cond = threading.Condition()
        self._limit = limit
        self._active = 0
        self._resume_at = 0.0

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._cond:
            while True:
                wait = self._resume_at - time.monotonic()
                if wait <= 0 and self._active < self._limit:
                    break
                self._cond.wait(wait if wait > 0 else None)
            self._active += 1
        try:
            yield
        finally:
            with self._cond:
                self._active -= 1
                self._cond.notify_all()

    def slow_down(self, delay: float) -> None:
        with self._cond:
            self._resume_at = max(self._resume_at, time.monotonic() + delay)
            self._limit = max(1, self._limit // 2)


class _Run:
    def __init__(self, settings: LinkSettings) -> None:
        self.settings = settings
        self.accept = settings.accept
        self.exclude = [re.compile(pattern) for pattern in settings.exclude]
        self.api_origin = _origin(settings.github_api_url)
        self._gates: dict[str, _HostGate] = {}
        self._gates_lock = threading.Lock()
        self._sessions: dict[bool, requests.Session] = {}
        self._ends_at = time.monotonic() + settings.budget

    # -- the run ---------------------------------------------------------------------------

    def close(self) -> None:
        for session in self._sessions.values():
            session.close()

    def fetch_document(self, url: str, *, api: bool) -> Document:
        screened = self._screen(url)
        if screened is not None:
            return Document(url, screened.outcome, screened.status, screened.detail)
        ends_at = min(time.monotonic() + self.settings.total_timeout, self._ends_at)
        with deadline(ends_at) as limit:
            page = self._follow(url, api=api, fragments=frozenset(), document=True)
        if limit.passed():
            return Document(url, "unverified", None, self._late(ends_at))
        verdict = page.verdict
        return Document(url, verdict.outcome, verdict.status, verdict.detail, page.body, page.next_page)

    def execute(self, urls: Iterable[str], progress: Progress | None) -> LinkRun:
        cache = LinkCache(self.settings.cache_path, self.settings.cache_ttl, root=self.settings.cache_root)
        # A collection is known in full already: screening all of it before the first request
        # keeps every fragment of a page on one fetch and the progress total fixed.
        inbox = _Inbox(hold=isinstance(urls, Collection))
        # Daemon: an iterator blocked on its next URL must not keep the process alive after an
        # error here; the feeder is told to stop, but cannot be interrupted inside next().
        feeder = threading.Thread(target=self._feed, args=(urls, cache, inbox), name="link-check-feeder", daemon=True)
        results: dict[str, LinkResult] = {}
        done = failures = 0

        def finished(batch: dict[str, LinkResult]) -> None:
            nonlocal done, failures
            results.update(batch)
            done += len(batch)
            failures += sum(result.outcome in FAILURES for result in batch.values())
            if progress is not None:
                progress(done, inbox.total(), failures)

        feeder.start()
        try:
            self._fetch_all(inbox, finished)
        except BaseException:
            if inbox.stop():
                feeder.join()  # it has finished (its own error, say): leave no thread behind
            raise
        finally:
            self.close()
        feeder.join()
        for group in inbox.groups:
            for url in group.urls:
                cache.put(self._cache_key(url), results[url])
        cache.save()
        return LinkRun({url: results[url] for url in inbox.order}, cache.warnings)

    def _feed(self, urls: Iterable[str], cache: LinkCache, inbox: _Inbox) -> None:
        """The feeder thread: per unique URL, what can be known without fetching it."""
        error: BaseException | None = None
        try:
            seen: set[str] = set()
            for url in urls:
                if inbox.stopping:
                    break
                if url in seen:
                    continue
                seen.add(url)
                early = self._screen(url)
                cached = cache.get(self._cache_key(url)) if early is None else None
                if early is not None:
                    inbox.answered(url, early.of(url))
                elif cached is not None:
                    inbox.answered(url, cached)
                else:
                    inbox.to_fetch(url)
        except BaseException as exc:  # whatever the input raises is the caller's to see
            error = exc
        finally:
            inbox.finish(error)

    def _screen(self, url: str) -> _Verdict | None:
        """The verdict for a URL that must not be requested at all, else None."""
        for pattern in self.exclude:
            if pattern.search(url):
                detail = f"matches the exclude pattern {pattern.pattern!r}; not checked"
                return _Verdict("excluded", None, detail)
        try:
            parsed = parse_url(url)
        except ValueError:
            return _Verdict("dead", None, "this is not a valid URL")
        if parsed.scheme not in ("http", "https"):
            return _Verdict("blocked", None, "only http and https links are checked")
        if not parsed.host:
            return _Verdict("dead", None, "the URL has no host")
        return self._literal_refusal(url)

    def _cache_key(self, url: str) -> str:
        # Anything that can change the verdict on the same URL is part of the key.
        method = "github-api" if self._api_paths(url) else "http"
        accept = ",".join(f"{low}-{high}" for low, high in self.accept)
        return f"{method} accept={accept} fragments={int(self.settings.check_fragments)} {url}"

    def _api_paths(self, url: str) -> list[str]:
        return github.api_paths(url) if self.settings.github_token else []

    def _fetch_all(self, inbox: _Inbox, finished: Callable[[dict[str, LinkResult]], None]) -> None:
        """Dispatch pages as the feeder hands them over, until it has finished and all are done."""
        queues: dict[str, deque[_Group]] = {}
        busy: dict[str, int] = {}
        running: dict[Future[dict[str, LinkResult]], str] = {}
        limit, per_host = self.settings.max_in_flight, self.settings.per_host
        with ThreadPoolExecutor(max_workers=limit, thread_name_prefix="link-check") as pool:
            while True:
                arrivals = inbox.take()
                if arrivals.error is not None:
                    raise arrivals.error  # the with-block lets running fetches end; none start
                if arrivals.early:
                    finished(arrivals.early)
                for group in arrivals.groups:
                    first_host = self.api_origin if self._api_paths(group.page) else _origin(group.page)
                    queues.setdefault(first_host, deque()).append(group)
                    busy.setdefault(first_host, 0)
                progressed = True
                while progressed and len(running) < limit:
                    progressed = False
                    for host in list(queues):
                        if len(running) >= limit:
                            break
                        if busy[host] >= per_host:
                            continue
                        group = queues[host].popleft()
                        if not queues[host]:
                            del queues[host]
                        busy[host] += 1
                        inbox.dispatching(group)
                        running[pool.submit(self._check_page, group.page, group.urls)] = host
                        progressed = True
                if arrivals.ended and not queues and not running:
                    return
                # Wake on a finished fetch or on anything new from the feeder, whichever is first.
                # A finished feeder never signals again: then only the fetches are waited on.
                waiting: set[Future[Any]] = set(running)
                if not arrivals.ended:
                    waiting.add(arrivals.signal)
                done, _ = wait(waiting, return_when=FIRST_COMPLETED)
                for future in done:
                    if future is not arrivals.signal:
                        busy[running.pop(future)] -= 1
                        finished(future.result())

    # -- one page --------------------------------------------------------------------------

    def _check_page(self, page: str, urls: list[str]) -> dict[str, LinkResult]:
        now = time.monotonic()
        if now >= self._ends_at:
            detail = f"the link check's budget of {self.settings.budget:g} s (links.timeout.budget) ran out first"
            return {url: LinkResult(url, "unverified", None, detail) for url in urls}
        ends_at = min(now + self.settings.total_timeout, self._ends_at)
        with deadline(ends_at) as limit:
            results = self._check_page_in_time(page, urls)
        if not limit.passed():
            return results
        return {url: LinkResult(url, "unverified", None, self._late(ends_at)) for url in urls}

    def _late(self, ends_at: float) -> str:
        if ends_at == self._ends_at:
            return f"the link check's budget of {self.settings.budget:g} s (links.timeout.budget) ran out"
        return f"it was not answered within {self.settings.total_timeout:g} s in all (links.timeout.total)"

    def _check_page_in_time(self, page: str, urls: list[str]) -> dict[str, LinkResult]:
        api_paths = self._api_paths(page)
        if api_paths:
            verdict = self._check_github(api_paths)
            return {url: verdict.of(url) for url in urls}
        host = parse_url(page).host or ""
        wanted: dict[str, str] = {}
        if self.settings.check_fragments:
            for url in urls:
                fragment = unquote(urldefrag(url).fragment)
                if checkable(fragment, host):
                    wanted[url] = fragment
        result = self._follow(page, api=False, fragments=frozenset(wanted.values()))
        return {url: self._with_fragment(result, wanted.get(url)).of(url) for url in urls}

    @staticmethod
    def _with_fragment(page: _Page, fragment: str | None) -> _Verdict:
        verdict = page.verdict
        if fragment is None or page.anchors is None or verdict.outcome not in ("ok", "redirect"):
            return verdict
        if page.anchors.has(fragment):
            return verdict
        if not page.complete:
            detail = f"the anchor #{fragment} is not in the part of the page that was read"
            return _Verdict("unverified", verdict.status, detail)
        return _Verdict("dead", verdict.status, f"the page has no anchor #{fragment}", verdict.target)

    def _check_github(self, api_paths: list[str]) -> _Verdict:
        base = self.settings.github_api_url.rstrip("/")
        for path in api_paths[:-1]:
            verdict = self._follow(base + path, api=True, fragments=frozenset()).verdict
            if verdict.status != 404:
                return verdict
        return self._follow(base + api_paths[-1], api=True, fragments=frozenset()).verdict

    def _follow(self, url: str, *, api: bool, fragments: frozenset[str], document: bool = False) -> _Page:
        """Request ``url``, following redirects by hand so that the guard sees every hop."""
        jar = RequestsCookieJar()  # one chain's cookies: some sites set one, then redirect
        seen = {url}
        current = url
        moved_to: str | None = None  # where the leading run of permanent redirects ends
        permanent_so_far = True
        for _ in range(self.settings.max_redirects + 1):
            answer = self._literal_refusal(current) or self._exchange(
                current, api=api, body=document or bool(fragments), jar=jar
            )
            if isinstance(answer, _Verdict):
                if answer.outcome == "blocked" and current != url:
                    return _Page(_Verdict("blocked", None, f"it redirects to {current}, but {answer.detail}"))
                return _Page(answer)
            with answer:
                location = answer.headers.get("location")
                if answer.status_code in _REDIRECTS and location:
                    following = urldefrag(urljoin(current, location)).url
                    try:
                        scheme = parse_url(following).scheme
                    except ValueError:
                        return _Page(_Verdict("dead", answer.status_code, "it redirects to an invalid URL"))
                    if scheme not in ("http", "https"):
                        detail = "it redirects to a non-web address"
                        return _Page(_Verdict("blocked", answer.status_code, detail))
                    if following in seen:
                        detail = f"it redirects in a loop (back to {following})"
                        return _Page(_Verdict("dead", answer.status_code, detail))
                    permanent_so_far = permanent_so_far and answer.status_code in _PERMANENT
                    if permanent_so_far:
                        moved_to = following
                    seen.add(following)
                    current = following
                    continue
                if document:
                    return self._document(answer, api=api)
                return self._judge(answer, api=api, moved_to=moved_to, fragments=fragments)
        return _Page(_Verdict("dead", None, f"it redirects more than {self.settings.max_redirects} times"))

    def _judge(self, answer: requests.Response, *, api: bool, moved_to: str | None, fragments: frozenset[str]) -> _Page:
        status = answer.status_code
        ok = 200 <= status <= 299 if api else any(low <= status <= high for low, high in self.accept)
        if not ok:
            return _Page(self._failure(answer, api=api))
        if moved_to is None:
            verdict = _Verdict("ok", status, f"the server answered {_status_text(status)}")
        else:
            target = _html_url(answer, self.settings.body_cap) if api else moved_to
            detail = f"it has moved permanently to {target}" if target else "GitHub reports that it has moved"
            verdict = _Verdict("redirect", status, detail, target)
        content_type = answer.headers.get("content-type", "text/html").lower()
        if not fragments or "html" not in content_type:
            return _Page(verdict)
        scanner, complete = self._scan(answer, fragments)
        return _Page(verdict, scanner, complete)

    def _document(self, answer: requests.Response, *, api: bool) -> _Page:
        """The body of a successful answer, read within body_cap bytes and read_timeout."""
        status = answer.status_code
        if not 200 <= status <= 299:
            return _Page(self._failure(answer, api=api))
        cap, read, chunks = self.settings.body_cap, 0, []
        deadline = time.monotonic() + self.settings.read_timeout
        try:
            for chunk in answer.iter_content(_CHUNK):
                chunks.append(chunk)
                read += len(chunk)
                if read > cap:
                    return _Page(_Verdict("dead", status, f"the answer is larger than {cap} bytes"))
                if time.monotonic() > deadline:
                    detail = f"the answer took longer than {self.settings.read_timeout:g} s to read"
                    return _Page(_Verdict("dead", status, detail))
        except requests.RequestException as exc:
            return _Page(_Verdict("dead", status, f"the answer broke off ({_root_cause(exc)})"))
        following = answer.links.get("next", {}).get("url")
        next_page = urljoin(answer.url, following) if following else None
        verdict = _Verdict("ok", status, f"the server answered {_status_text(status)}")
        return _Page(verdict, body=b"".join(chunks), next_page=next_page)

    def _failure(self, answer: requests.Response, *, api: bool) -> _Verdict:
        status = answer.status_code
        text = _status_text(status)
        if api and status in (401, 403):
            return _Verdict("unverified", status, f"GitHub refused the token's request ({text})")
        if api and status == 404:
            detail = "GitHub has no such repository, file, issue or pull request (or the token cannot see it)"
            return _Verdict("dead", status, detail)
        if 500 <= status <= 599 and status != 501 and self.settings.retries:
            return _Verdict("dead", status, f"the server answered {text}, also on every retry")
        return _Verdict("dead", status, f"the server answered {text}")

    def _scan(self, answer: requests.Response, fragments: frozenset[str]) -> tuple[AnchorScanner, bool]:
        """Feed the body to an anchor scanner until every fragment is found, reading at most
        body_cap bytes within read_timeout. The flag is False when reading stopped early with a
        fragment still unseen: its absence then proves nothing."""
        scanner = AnchorScanner()
        match = re.search(r"charset=[\"']?([\w.:-]+)", answer.headers.get("content-type", ""), re.I)
        try:
            decoder = codecs.getincrementaldecoder(match[1] if match else "utf-8")(errors="replace")
        except LookupError:
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        read, deadline = 0, time.monotonic() + self.settings.read_timeout
        try:
            for chunk in answer.iter_content(_CHUNK):
                kept = chunk[: self.settings.body_cap - read]
                read += len(kept)
                scanner.feed(decoder.decode(kept))
                if all(scanner.has(fragment) for fragment in fragments):
                    return scanner, True
                if read >= self.settings.body_cap or time.monotonic() > deadline:
                    return scanner, False
        except requests.RequestException:
            return scanner, False
        scanner.feed(decoder.decode(b"", final=True))
        scanner.close()
        return scanner, True

    # -- one request, with retries ---------------------------------------------------------

    def _exchange(self, url: str, *, api: bool, body: bool, jar: RequestsCookieJar) -> requests.Response | _Verdict:
        """One hop: the response (the caller closes it), or a verdict when none is worth judging."""
        gate = self._gate(url)
        headers = dict(_API_HEADERS) if api else {}
        if api and _origin(url) == self.api_origin:
            # Only the API's own origin sees the token; never a host that a redirect named.
            headers["Authorization"] = f"Bearer {self.settings.github_token}"
        session = self._session(url)
        retries = self.settings.retries
        problem = ""
        for attempt in range(retries + 1):
            limit = current_deadline()
            if limit is not None and limit.passed():
                break  # the caller reports the URL as unverified
            try:
                with gate.slot():
                    answer = self._send(session, url, headers, jar, get=api or body)
            except AddressBlocked as exc:
                return _Verdict("blocked", None, str(exc))
            except requests.exceptions.SSLError as exc:
                return _Verdict("dead", None, f"the TLS connection failed ({_root_cause(exc)})")
            except requests.ConnectTimeout:
                problem = f"it could not connect within {self.settings.connect_timeout:g} s"
            except requests.Timeout:
                problem = f"the server did not reply within {self.settings.read_timeout:g} s"
            except requests.ConnectionError as exc:
                problem = _connection_problem(exc)
            except requests.RequestException as exc:
                return _Verdict("dead", None, f"the request could not be made ({_root_cause(exc)})")
            else:
                status = answer.status_code
                if _bot_wall(answer):
                    answer.close()
                    detail = "the site answered with a bot challenge instead of the page"
                    return _Verdict("unverified", status, detail)
                delay = _rate_limit_delay(answer, api=api)
                if delay is not None:
                    answer.close()
                    if attempt == retries:
                        detail = f"the site is still rate limiting ({status}) after {retries} retries"
                        return _Verdict("unverified", status, detail)
                    # The gate holds every request to this host until then; no sleep here.
                    pause = min(delay, self.settings.retry_after_cap) if delay > 0 else self._backoff(attempt)
                    gate.slow_down(pause)
                    continue
                if 500 <= status <= 599 and status != 501 and attempt < retries:
                    answer.close()
                    time.sleep(self._backoff(attempt))
                    continue
                return answer
            if attempt < retries:
                time.sleep(self._backoff(attempt))
        suffix = f" ({retries + 1} attempts)" if retries else ""
        return _Verdict("dead", None, problem + suffix)

    def _send(
        self,
        session: requests.Session,
        url: str,
        headers: dict[str, str],
        jar: RequestsCookieJar,
        *,
        get: bool,
    ) -> requests.Response:
        options: dict[str, Any] = {
            "headers": headers,
            "cookies": jar,
            "timeout": (self.settings.connect_timeout, self.settings.read_timeout),
            "allow_redirects": False,
        }
        answer: requests.Response | None = None
        if not get:
            try:
                answer = session.head(url, **options)
            except (requests.Timeout, requests.exceptions.SSLError, ValueError):
                raise  # a GET would only wait as long again, or fail the same way
            except requests.RequestException as exc:
                if _caused_by(exc, NewConnectionError):
                    raise  # no connection at all (refused, unresolvable): nothing to do with HEAD
                answer = None  # some servers drop the connection on a HEAD; GET decides
            if answer is not None and answer.status_code in _HEAD_REFUSED:
                answer = None
        if answer is None:
            # Streamed: only the headers are read here; a body is read only when it is needed.
            answer = session.get(url, stream=True, **options)
        extract_cookies_to_jar(jar, answer.request, answer.raw)  # type: ignore[no-untyped-call]
        return answer

    def _literal_refusal(self, url: str) -> _Verdict | None:
        """Refuse a URL whose host is an IP literal the guard refuses, before any socket exists."""
        if self._unguarded(url):
            return None
        address = parse_host_literal(parse_url(url).host or "")
        if address is None:
            return None  # a name: the guarded connection resolves and checks it
        allowed, reason = address_allowed([str(address)])
        return None if allowed else _Verdict("blocked", None, reason)

    def _unguarded(self, url: str) -> bool:
        return self.settings.allow_private or _origin(url) in self.settings.trusted_origins

    def _session(self, url: str) -> requests.Session:
        guarded = not self._unguarded(url)
        with self._gates_lock:
            if guarded not in self._sessions:
                self._sessions[guarded] = new_session(
                    guarded=guarded,
                    hosts=self.settings.max_in_flight,
                    per_host=self.settings.per_host,
                    user_agent=USER_AGENT,
                )
            return self._sessions[guarded]

    def _gate(self, url: str) -> _HostGate:
        with self._gates_lock:
            return self._gates.setdefault(_origin(url), _HostGate(self.settings.per_host))

    def _backoff(self, attempt: int) -> float:
        ceiling = self.settings.backoff_base * 2**attempt
        return random.uniform(ceiling / 2, ceiling)  # jitter: retries of many links do not stampede


def _origin(url: str) -> str:
    """``host:port`` with the scheme's default port filled in: the unit of limits and trust."""
    parsed = parse_url(url)
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    return f"{(parsed.host or '').lower()}:{port}"


def _bot_wall(answer: requests.Response) -> bool:
    if answer.status_code == 999:  # LinkedIn and others: "request denied" for non-browsers
        return True
    if answer.headers.get("cf-mitigated", "").lower() == "challenge":
        return True
    if answer.status_code != 403 or answer.request.method == "HEAD":
        return False
    head = b""
    try:
        for chunk in answer.iter_content(_CHUNK):
            head += chunk
            if len(head) >= _SNIFF_BYTES:
                break
    except requests.RequestException:
        return False
    return bool(_CHALLENGE_BODY.search(head))


def _rate_limit_delay(answer: requests.Response, *, api: bool) -> float | None:
    """Seconds to wait before asking this host again (0: unknown, back off), or None: not limited."""
    headers = answer.headers
    limited = answer.status_code == 429 or (
        api and answer.status_code == 403 and headers.get("x-ratelimit-remaining") == "0"
    )
    if not limited:
        return None
    retry_after = headers.get("retry-after", "").strip()
    if retry_after.isdigit():
        return float(retry_after)
    if retry_after:
        try:
            return max(0.0, parsedate_to_datetime(retry_after).timestamp() - time.time())
        except (TypeError, ValueError):
            return 0.0
    reset = headers.get("x-ratelimit-reset", "")
    return max(0.0, float(reset) - time.time()) if reset.isdigit() else 0.0


def _html_url(answer: requests.Response, cap: int) -> str | None:
    """The github.com address in an API answer reached through a redirect (a renamed repository)."""
    if int(answer.headers.get("content-length") or 0) > cap:
        return None
    try:
        data = json.loads(answer.raw.read(cap, decode_content=True))
    except (ValueError, requests.RequestException):
        return None
    url = data.get("html_url") if isinstance(data, Mapping) else None
    return url if isinstance(url, str) else None


def _status_text(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _connection_problem(exc: requests.ConnectionError) -> str:
    cause = _root_cause(exc)
    if _caused_by(exc, NameResolutionError):
        return "the host name does not resolve"
    if _caused_by(exc, ConnectionRefusedError):
        return "the connection was refused"
    return f"the connection failed ({cause})"


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, kind):
            return True
        stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
        stack.extend(link for link in (current.__cause__, current.__context__) if link is not None)
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            stack.append(reason)
    return False


def _root_cause(exc: BaseException) -> str:
    current: BaseException = exc
    while True:
        reason = getattr(current, "reason", None)
        inner = reason if isinstance(reason, BaseException) else current.__cause__
        if inner is None and current.args and isinstance(current.args[0], BaseException):
            inner = current.args[0]
        if inner is None or inner is current:
            return str(current) or type(current).__name__
        current = inner
