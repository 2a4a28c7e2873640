"""Every lockfile format on a fixture its own tool wrote (tests/make_manifest_fixtures.py): a doc that
pins the installed version gets no finding, a doc that pins another version gets `pin-drift` with the
installed version and where it was read in the hint."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_json
from tests.test_consistency import REGISTRY, REGISTRY_FIRST_ROW, registry, write

FIXTURES = Path(__file__).parent / "fixtures" / "manifests"

# fixture -> (technology, the version its tool locked, where: path and line)
LOCKED: dict[str, tuple[str, str, str]] = {
    "npm": ("Prisma", "5.20.0", "package-lock.json:21"),
    "pnpm9": ("Prisma", "5.20.0", "pnpm-lock.yaml:15"),
    "pnpm8": ("Prisma", "5.20.0", "pnpm-lock.yaml:15"),
    # yarn re-resolves a descriptor whose range changed: its lock moved on to the newest 5.x.
    "yarn1": ("Prisma", "5.22.0", "yarn.lock:6"),
    "yarn4": ("Prisma", "5.22.0", "yarn.lock:9"),
    "bun": ("Prisma", "5.20.0", "bun.lock:17"),
    "uv": ("SQLAlchemy", "2.0.30", "uv.lock:96"),
    "poetry": ("SQLAlchemy", "2.0.30", "poetry.lock:99"),
    "pip-compile": ("SQLAlchemy", "2.0.30", "constraints.txt:7"),
    "pipenv": ("SQLAlchemy", "2.0.30", "Pipfile.lock:102"),
}
CONFIG = "technologies:\n  SQLAlchemy:\n    official-domains: [example.com]\n    packages: {pypi: [sqlalchemy]}\n"


@pytest.fixture(autouse=True)
def _in_tree(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.chdir(tmp_path)


def test_every_fixture_is_listed() -> None:
    assert sorted(path.name for path in FIXTURES.iterdir() if path.is_dir()) == sorted(LOCKED)


def test_no_registry_host_in_a_fixture() -> None:
    hosts = {
        match.group(1)
        for path in FIXTURES.rglob("*")
        if path.is_file()
        for match in re.finditer(r"https?://([^/\s\"'<>]+)", path.read_text(encoding="utf-8"))
    }
    assert hosts <= {"registry.invalid"}


@pytest.mark.parametrize("name", sorted(LOCKED))
@pytest.mark.parametrize("drift", [False, True])
def test_the_locked_version_against_a_pin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, drift: bool
) -> None:
    technology, version, where = LOCKED[name]
    shutil.copytree(FIXTURES / name, tmp_path, dirs_exist_ok=True)
    write(tmp_path, ".forgea-hooks.yaml", CONFIG)
    pin = "9.9.9" if drift else version
    write(tmp_path, REGISTRY, registry((technology, pin)))
    _, data = run_json(capsys, ["check", "--format", "json"])
    drifts = [f for f in data["findings"] if f["rule"] == "pin-drift"]
    if not drift:
        assert drifts == []
        return
    (finding,) = drifts
    assert (finding["line"], finding["severity"]) == (REGISTRY_FIRST_ROW, "error")
    assert f"installed: {where} " in finding["hint"] and f" {version}" in finding["hint"]
