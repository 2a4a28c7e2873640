"""A stand-in for GitHub's REST API: a real HTTP server on 127.0.0.1, for the Action's tests.

It answers the endpoints the Action uses (GET /user, a PR's issue comments with create, update
and delete, GET pulls/N and pulls/N/files, compare/A...B, reviews with their comments and the
deletion of review comments), paginates with ``Link`` headers the way GitHub does,
and can be told to answer like GitHub does when things go wrong: 403 for a read-only token, 429
with Retry-After, 422 for a comment body over 65,536 characters. Every request is recorded.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

BODY_LIMIT = 65_536
FORBIDDEN = {"message": "Resource not accessible by integration", "status": "403"}


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


@dataclass
class Canned:
    """A response given instead of the normal one, to the next request matching ``method``."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    method: str = ""  # empty: any method


@dataclass
class FakeGitHub:
    token: str
    repository: str = "acme/docs"
    # None: GET /user answers 403, as it does for GITHUB_TOKEN and other installation tokens.
    login: str | None = "forgea-bot"
    read_only: bool = False  # writes get 403 "Resource not accessible by integration" (fork PRs)
    comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    heads: dict[int, str] = field(default_factory=dict)
    # commit -> its parent, for the compare endpoint (what "ahead" and "behind" mean is from it)
    parents: dict[str, str] = field(default_factory=dict)
    files: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    reviews: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    review_comments: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    canned: list[Canned] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)
    # Overrides the origin put in Link headers, to test that the client will not follow it away.
    link_origin: str = ""
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""
    _next_id: int = 1000
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- test set-up helpers ------------------------------------------------------------------
    def add_comment(self, number: int, login: str, body: str) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            comment = {
                "id": self._next_id,
                "body": body,
                "user": {"login": login, "type": "Bot" if login.endswith("[bot]") else "User"},
                "html_url": f"https://github.example/{self.repository}/pull/{number}#issuecomment-{self._next_id}",
            }
            self.comments.setdefault(number, []).append(comment)
            return comment

    def writes(self) -> list[Recorded]:
        return [r for r in self.requests if r.method in ("POST", "PATCH", "PUT", "DELETE")]

    def by(self, number: int, login: str) -> list[dict[str, Any]]:
        return [c for c in self.comments.get(number, []) if c["user"]["login"] == login]

    # -- request handling ---------------------------------------------------------------------
    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(target)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append(Recorded(method, parts.path, query, headers, body))
            for index, canned in enumerate(self.canned):
                if not canned.method or canned.method == method:
                    del self.canned[index]
                    return canned.status, canned.headers, canned.body
        if headers.get("authorization") != f"Bearer {self.token}":
            return 401, {}, {"message": "Bad credentials"}
        if parts.path in self.redirects:
            return 301, {"Location": self.redirects[parts.path]}, {"message": "Moved Permanently"}
        return self._route(method, parts.path, query, body)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, dict[str, str], Any]:
        repo = re.escape(self.repository)
        if path == "/user" and method == "GET":
            if self.login is None:
                return 403, {}, FORBIDDEN
            return 200, {}, {"login": self.login, "type": "User"}
        if m := re.fullmatch(rf"/repos/{repo}/issues/(\d+)/comments", path):
            number = int(m.group(1))
            if method == "GET":
                return self._page(path, query, self.comments.get(number, []))
            if method == "POST":
                return self._write(lambda: self._create(number, body), body)
        if m := re.fullmatch(rf"/repos/{repo}/issues/comments/(\d+)", path):
            comment = self._find(int(m.group(1)))
            if comment is None:
                return 404, {}, {"message": "Not Found"}
            if method == "PATCH":
                return self._write(lambda: self._update(comment, body), body)
            if method == "DELETE":
                return self._write(lambda: self._delete(comment), None)
        if m := re.fullmatch(rf"/repos/{repo}/pulls/(\d+)", path):
            number = int(m.group(1))
            if method == "GET" and number in self.heads:
                return 200, {}, {"number": number, "head": {"sha": self.heads[number]}}
        if (m := re.fullmatch(rf"/repos/{repo}/pulls/(\d+)/comments", path)) and method == "GET":
            return self._page(path, query, self.review_comments.get(int(m.group(1)), []))
        if (m := re.fullmatch(rf"/repos/{repo}/pulls/(\d+)/reviews", path)) and method == "POST":
            number = int(m.group(1))
            return self._write(lambda: self._review(number, body), None)
        if m := re.fullmatch(rf"/repos/{repo}/pulls/comments/(\d+)", path):
            found = next(
                (c for cs in self.review_comments.values() for c in cs if c["id"] == int(m.group(1))),
                None,
            )
            if found is None:
                return 404, {}, {"message": "Not Found"}
            if method == "DELETE":
                return self._write(lambda: self._delete_review_comment(found), None)
        if (m := re.fullmatch(rf"/repos/{repo}/compare/([0-9a-f]+)\.\.\.([0-9a-f]+)", path)) and method == "GET":
            return self._compare(m.group(1), m.group(2))
        if (m := re.fullmatch(rf"/repos/{repo}/pulls/(\d+)/files", path)) and method == "GET":
            return self._page(path, query, self.files.get(int(m.group(1)), []))
        return 404, {}, {"message": "Not Found"}

    def add_review_comment(self, number: int, login: str, path: str, line: int, body: str) -> dict[str, Any]:
        with self._lock:
            self._next_id += 1
            comment = {
                "id": self._next_id,
                "path": path,
                "line": line,
                "body": body,
                "user": {"login": login},
                "html_url": f"https://github.example/{self.repository}/pull/{number}#discussion_r{self._next_id}",
            }
            self.review_comments.setdefault(number, []).append(comment)
            return comment

    def _review(self, number: int, body: Any) -> tuple[int, Any]:
        # As GitHub does: a review on a commit other than the PR's head, or a comment without a
        # path and a line, is refused whole.
        if number in self.heads and body.get("commit_id") != self.heads[number]:
            return 422, {"message": "Validation Failed", "errors": ["commit_id is not part of the pull request"]}
        comments = body.get("comments") or []
        if any(not c.get("path") or not isinstance(c.get("line"), int) for c in comments):
            return 422, {"message": "Validation Failed"}
        self._next_id += 1
        review = {"id": self._next_id, "body": body.get("body", ""), "event": body.get("event")}
        review["html_url"] = f"https://github.example/{self.repository}/pull/{number}#pullrequestreview-{review['id']}"
        self.reviews.setdefault(number, []).append(review)
        for c in comments:
            author = self.login or "github-actions[bot]"
            added = self.add_review_comment(number, author, c["path"], c["line"], c["body"])
            added.update({k: v for k, v in c.items() if k in ("start_line", "side", "start_side")})
        return 200, review

    def _delete_review_comment(self, comment: dict[str, Any]) -> tuple[int, Any]:
        for cs in self.review_comments.values():
            if comment in cs:
                cs.remove(comment)
        return 204, None

    def _ancestors(self, sha: str) -> list[str]:
        chain = [sha]
        while chain[-1] in self.parents and len(chain) < 10_000:
            chain.append(self.parents[chain[-1]])
        return chain

    def _compare(self, base: str, head: str) -> tuple[int, dict[str, str], Any]:
        known = set(self.parents) | set(self.parents.values())
        if base not in known or head not in known:
            return 404, {}, {"message": "Not Found"}
        if base == head:
            status = "identical"
        elif base in self._ancestors(head):
            status = "ahead"
        elif head in self._ancestors(base):
            status = "behind"
        else:
            status = "diverged"
        return 200, {}, {"status": status}

    def _page(self, path: str, query: dict[str, str], items: list[dict[str, Any]]) -> tuple[int, dict[str, str], Any]:
        per_page = min(int(query.get("per_page", "30")), 100)
        page = int(query.get("page", "1"))
        last = max((len(items) + per_page - 1) // per_page, 1)
        headers = {}
        origin = self.link_origin or self.url
        if page < last:
            headers["Link"] = (
                f'<{origin}{path}?per_page={per_page}&page={page + 1}>; rel="next", '
                f'<{origin}{path}?per_page={per_page}&page={last}>; rel="last"'
            )
        return 200, headers, items[(page - 1) * per_page : page * per_page]

    def _write(self, action: Callable[[], tuple[int, Any]], body: Any) -> tuple[int, dict[str, str], Any]:
        if self.read_only:
            return 403, {}, FORBIDDEN
        if isinstance(body, dict) and len(str(body.get("body", ""))) > BODY_LIMIT:
            return (
                422,
                {},
                {
                    "message": "Validation Failed",
                    "errors": [
                        {
                            "resource": "IssueComment",
                            "code": "custom",
                            "field": "body",
                            "message": "body is too long (maximum is 65536 characters)",
                        }
                    ],
                },
            )
        status, data = action()
        return status, {}, data

    def _find(self, comment_id: int) -> dict[str, Any] | None:
        return next((c for cs in self.comments.values() for c in cs if c["id"] == comment_id), None)

    def _create(self, number: int, body: Any) -> tuple[int, Any]:
        return 201, self.add_comment(number, self.login or "github-actions[bot]", body["body"])

    def _update(self, comment: dict[str, Any], body: Any) -> tuple[int, Any]:
        comment["body"] = body["body"]
        return 200, comment

    def _delete(self, comment: dict[str, Any]) -> tuple[int, Any]:
        for cs in self.comments.values():
            if comment in cs:
                cs.remove(comment)
        return 204, None


def _handler_for(fake: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, data = fake.handle(self.command, self.path, headers, raw)
            payload = b"" if data is None else json.dumps(data).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the record of requests is in ``fake.requests``."""

    return Handler


@contextmanager
def serve(fake: FakeGitHub) -> Iterator[FakeGitHub]:
    """Run ``fake`` on 127.0.0.1 (a free port) for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
