"""A real HTTP server on 127.0.0.1 for link-check tests, and a tripwire against leaving the machine.

    with LinkServer() as server:
        url = server.route("/moved", Reply(301, {"Location": "/new"}))
        server.route("/new", Reply(200))
        ...
        assert server.count("/new", "HEAD") == 1

A route answers with its replies in turn, then keeps answering with the last one. Every request
is recorded (method, path, headers, time), so tests count what the checker really sent.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from forgea_hooks.links.model import LinkSettings

_FILLER = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Seconds to wait before answering (cut short when the server stops).
    delay: float = 0.0
    # Bytes of filler HTML sent after ``body``, for pages far over a reader's cap.
    padding: int = 0
    # Close the connection without answering at all.
    drop: bool = False


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: Mapping[str, str]
    at: float


Responder = Reply | Callable[[Seen], Reply]


class LinkServer:
    """A ThreadingHTTPServer on an ephemeral loopback port, serving scripted replies."""

    def __init__(self) -> None:
        self.seen: list[Seen] = []
        self.bytes_sent = 0
        self._routes: dict[tuple[str, str], list[Responder]] = {}
        self._served: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})

    @property
    def origin(self) -> str:
        return f"127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str = "/") -> str:
        return f"http://{self.origin}{path}"

    def route(self, path: str, *replies: Responder, method: str = "*") -> str:
        """Script the answers to ``path`` (for one method, or any); returns the route's URL."""
        with self._lock:
            self._routes[(method, path)] = list(replies)
        return self.url(path)

    def count(self, path: str | None = None, method: str | None = None) -> int:
        with self._lock:
            return sum(
                1
                for seen in self.seen
                if (path is None or seen.path == path) and (method is None or seen.method == method)
            )

    def __enter__(self) -> LinkServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _answer(self, seen: Seen) -> Reply:
        with self._lock:
            self.seen.append(seen)
            key = (seen.method, seen.path) if (seen.method, seen.path) in self._routes else ("*", seen.path)
            replies = self._routes.get(key)
            if not replies:
                return Reply(404, body=b"no such route")
            index = self._served.get(key, 0)
            self._served[key] = index + 1
        responder = replies[min(index, len(replies) - 1)]
        return responder(seen) if callable(responder) else responder

    def _pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _sent(self, count: int) -> None:
        with self._lock:
            self.bytes_sent += count


def _handler_for(server: LinkServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._serve(body=True)

        def do_HEAD(self) -> None:
            self._serve(body=False)

        def _serve(self, *, body: bool) -> None:
            seen = Seen(self.command, self.path, dict(self.headers.items()), time.monotonic())
            reply = server._answer(seen)
            if reply.delay:
                server._pause(reply.delay)
            if reply.drop:
                self.close_connection = True
                return
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            if "content-type" not in {name.lower() for name in reply.headers}:
                self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(reply.body) + reply.padding))
            self.end_headers()
            if not body:
                return
            try:
                self.wfile.write(reply.body)
                server._sent(len(reply.body))
                left = reply.padding
                while left > 0 and not server._stopping.is_set():
                    chunk = _FILLER[: min(left, len(_FILLER))]
                    self.wfile.write(chunk)
                    server._sent(len(chunk))
                    left -= len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client stopped reading, as it should

    return Handler


def settings(**overrides: Any) -> LinkSettings:
    """Settings for tests: no cache, loopback allowed, and timeouts and backoff in milliseconds."""
    values: dict[str, Any] = {
        "cache_path": None,
        "allow_private": True,
        "connect_timeout": 1.0,
        "read_timeout": 2.0,
        "backoff_base": 0.01,
        "retry_after_cap": 2.0,
    }
    values.update(overrides)
    return LinkSettings(**values)


LOCAL_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass
class Tripwire:
    """Records name lookups of anything but loopback, and fails them as unknown names."""

    remote_lookups: list[str] = field(default_factory=list)
    lookups: list[str] = field(default_factory=list)


def forbid_remote(monkeypatch: pytest.MonkeyPatch) -> Tripwire:
    """Make every lookup of a non-loopback host fail, so no test can reach off this machine.

    urllib3 and the guard both resolve through socket.getaddrinfo before any connect, so a host
    that does not resolve is a host that is never contacted.
    """
    wire = Tripwire()
    real = socket.getaddrinfo

    def lookup(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        wire.lookups.append(name)
        if name not in LOCAL_NAMES:
            wire.remote_lookups.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "tests never leave this machine")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return wire


def serve() -> Iterator[LinkServer]:
    """Body of a pytest fixture: ``yield from serve()``."""
    with LinkServer() as server:
        yield server
