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
# The project's own trees, which every test can rely on: the example the README checks (so the
# suite keeps it valid) and an invalid tree with its expected findings.
TREES = {"valid": REPO / "examples" / "docs-tree", "invalid": REPO / "tests" / "fixtures" / "trees" / "invalid"}
# The shared corpus and bench workload, beside the repository in CI; a plain clone has no ../shared.
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
NO_SHARED = "../shared is absent (a plain clone): the shared corpus is checked in CI, the project's own fixtures here"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz", action="store_true", help="fuzz the doc pipeline with thousands of examples")


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


def copy_tree(source: Path, target: Path) -> Path:
    """A writable copy (shared/ is read-only in CI)."""
    shutil.copytree(source, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """The project's own valid and invalid trees, copied somewhere writable, as ``valid/`` and ``invalid/``."""
    target = tmp_path / "corpus"
    for name, source in TREES.items():
        copy_tree(source, target / name)
    return target


@pytest.fixture
def shared_corpus_copy(tmp_path: Path) -> Path:
    """The shared corpus (``valid/``, ``invalid/``) copied somewhere writable; skipped without ../shared."""
    if not CORPUS.is_dir():
        pytest.skip(NO_SHARED)
    return copy_tree(CORPUS, tmp_path / "shared-corpus")


def run_json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, dict[str, Any]]:
    from forgea_hooks.cli import main

    code = main(argv)
    out = capsys.readouterr().out
    return code, json.loads(out)
