"""Loopback stand-ins for endoflife.date and GitHub's releases API, serving the recorded answers
in tests/fixtures/online/ from a LinkServer (tests/linkserver.py)."""

from __future__ import annotations

from pathlib import Path

from tests.linkserver import LinkServer, Reply

FIXTURES = Path(__file__).parent / "fixtures" / "online"
JSON = {"Content-Type": "application/json"}
RELEASES = "/repos/docker/compose/releases?per_page=100"


def body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def endoflife(server: LinkServer, *, legacy_python: bool = True) -> None:
    """v1 answers for postgresql, redis and nodejs; python only in the older form."""
    for product in ("postgresql", "redis", "nodejs"):
        server.route(f"/api/v1/products/{product}/", Reply(200, JSON, body(f"endoflife-v1-{product}.json")))
    if legacy_python:
        server.route("/api/python.json", Reply(200, JSON, body("endoflife-legacy-python.json")))


def github(server: LinkServer) -> None:
    """docker/compose's releases over two pages, prisma/prisma's on one."""
    following = server.url("/repos/docker/compose/releases?per_page=100&page=2")
    server.route(
        RELEASES,
        Reply(200, {**JSON, "Link": f'<{following}>; rel="next"'}, body("github-releases-docker-compose-1.json")),
    )
    server.route(
        "/repos/docker/compose/releases?per_page=100&page=2",
        Reply(200, JSON, body("github-releases-docker-compose-2.json")),
    )
    server.route("/repos/prisma/prisma/releases?per_page=100", Reply(200, JSON, body("github-releases-prisma.json")))


def config(server: LinkServer, extra: str = "") -> str:
    """A .forgea-hooks.yaml that points both sources at the stand-in."""
    return f'online:\n  sources: {{endoflife: "{server.url("")}", github: "{server.url("")}"}}\n{extra}'
