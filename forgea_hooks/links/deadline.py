"""A total deadline for one URL, enforced on the sockets it uses.

requests' read timeout bounds each read, not the answer: a server that sends one byte every two
seconds (in its headers, or in a body read for anchors) keeps a read alive for ever. While a URL
is being checked, every connection that the thread sends a request on is watched; when the
deadline passes, a timer shuts those sockets down, which ends any blocking read at once (TLS
included: shutdown acts on the descriptor). The checker then reports the URL as unverified.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

_local = threading.local()


class Deadline:
    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self._connections: list[Any] = []
        self._lock = threading.Lock()

    def watch(self, connection: Any) -> None:
        """Shut ``connection`` at the deadline; past it, refuse to send on it at all (a request
        that failed at the deadline must not be retried, nor fall back from HEAD to GET)."""
        with self._lock:
            if self.passed():
                raise TimeoutError("the URL's total deadline has passed")
            self._connections.append(connection)

    def expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                _shut(connection)

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.at


def _shut(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def deadline(at: float) -> Iterator[Deadline]:
    """Within the block, connections this thread sends requests on are shut at ``at`` (monotonic)."""
    limit = Deadline(at)
    timer = threading.Timer(max(0.0, at - time.monotonic()), limit.expire)
    timer.daemon = True
    timer.start()
    _local.current = limit
    try:
        yield limit
    finally:
        timer.cancel()
        _local.current = None


def current() -> Deadline | None:
    found: Deadline | None = getattr(_local, "current", None)
    return found


def watch(connection: Any) -> None:
    """Put ``connection`` under the current thread's deadline, if it has one."""
    limit = current()
    if limit is not None:
        limit.watch(connection)
