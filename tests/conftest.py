from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.linkserver import LinkServer, Tripwire, forbid_remote, serve

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture(autouse=True)
def wire(monkeypatch: pytest.MonkeyPatch) -> Tripwire:
    """Every test stays on this machine: a lookup of any host but loopback fails (so nothing
    resolves elsewhere), and a connection to any address but loopback is an assertion error."""
    connect = socket.socket.connect

    def guarded(self: socket.socket, address: Any) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            assert address[0] in ("127.0.0.1", "::1"), f"connection to {address[0]} attempted"
        connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
    return forbid_remote(monkeypatch)


@pytest.fixture
def server() -> Iterator[LinkServer]:
    """A real HTTP server on 127.0.0.1 with scripted replies (tests/linkserver.py)."""
    yield from serve()


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Iterator[Path]:
    """Both corpus trees copied somewhere writable (shared/ is read-only in CI)."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    yield target


def run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict[str, Any]]:
    from forgea_hooks.cli import main

    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)
