"""requests sessions whose connections go only where the address guard allows.

The guard runs inside the connection: the host is resolved once, every address is checked, and
the socket is opened to one of those same vetted addresses. Checking in one lookup and
connecting after a second would let a DNS answer with a short TTL change in between (DNS
rebinding). Only the socket's peer changes: the Host header, TLS SNI and certificate checks
still use the URL's host name, because urllib3 takes them from ``conn.host``, which we leave alone.
"""

from __future__ import annotations

import socket
from http.cookiejar import DefaultCookiePolicy
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError
from urllib3.util import connection

from forgea_hooks.links import deadline
from forgea_hooks.links.guard import address_allowed


class AddressBlocked(Exception):
    """The host resolves to an address the guard refuses; nothing was sent.

    Deliberately not an OSError: urllib3 and requests would wrap one into a retryable
    ConnectionError, while this must reach the checker as it is.
    """


def _vetted_socket(conn: HTTPConnection) -> socket.socket:
    try:
        infos = socket.getaddrinfo(conn.host, conn.port, 0, socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    allowed, reason = address_allowed(str(info[4][0]) for info in infos)
    if not allowed:
        raise AddressBlocked(reason)
    error: OSError | None = None
    for info in infos:
        try:
            return connection.create_connection(
                (str(info[4][0]), conn.port),
                conn.timeout,
                source_address=conn.source_address,
                socket_options=conn.socket_options,
            )
        except TimeoutError as exc:
            raise ConnectTimeoutError(
                conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
            ) from exc
        except OSError as exc:
            error = exc
    raise NewConnectionError(conn, f"Failed to establish a new connection: {error}")


class _GuardedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _vetted_socket(self)


class _GuardedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _vetted_socket(self)


class _TimedHTTPPool(HTTPConnectionPool):
    """Each request's connection is put under the sending thread's URL deadline."""

    def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        deadline.watch(conn)
        return super()._make_request(conn, *args, **kwargs)


class _TimedHTTPSPool(HTTPSConnectionPool):
    def _make_request(self, conn: Any, *args: Any, **kwargs: Any) -> Any:
        deadline.watch(conn)
        return super()._make_request(conn, *args, **kwargs)


class _GuardedHTTPPool(_TimedHTTPPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(_TimedHTTPSPool):
    ConnectionCls = _GuardedHTTPSConnection


class _TimedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _TimedHTTPPool, "https": _TimedHTTPSPool}


class _GuardedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


def new_session(*, guarded: bool, hosts: int, per_host: int, user_agent: str) -> requests.Session:
    """A session with one pool of up to ``per_host`` kept-alive connections per host.

    ``trust_env`` is off: a proxy would resolve the host itself, out of the guard's sight, and
    ~/.netrc credentials must never go to a host that a pull request chose. Cookies are never kept
    in the session, so nothing one site sets reaches another check.
    """
    session = requests.Session()
    session.trust_env = False
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    session.headers["User-Agent"] = user_agent
    adapter_type = _GuardedAdapter if guarded else _TimedAdapter
    adapter = adapter_type(pool_connections=hosts, pool_maxsize=per_host, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
