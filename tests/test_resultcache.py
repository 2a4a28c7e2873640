"""The per-file result cache of whole-tree runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from forgea_hooks.documents import markdown
from tests.conftest import REPO, run_json

CACHE = Path(".forgea-hooks-cache/check.json")


@pytest.fixture
def tree(corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(corpus_copy / "invalid")
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return corpus_copy / "invalid"


def count_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    real = markdown.parse

    def counting(text: str, path: str, relpath: str, kind: str) -> Any:
        parsed.append(relpath)
        return real(text, path, relpath, kind)

    monkeypatch.setattr(markdown, "parse", counting)
    return parsed


def test_warm_rerun_parses_nothing_and_reports_the_same(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = run_json(capsys, ["check", "--format", "json"])
    assert (tree / CACHE).is_file()
    assert (tree / ".forgea-hooks-cache/.gitignore").read_text().strip().endswith("*")
    parsed = count_parses(monkeypatch)
    warm = run_json(capsys, ["check", "--format", "json"])
    assert warm == cold
    assert parsed == []


def test_a_changed_file_is_checked_again_alone(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_json(capsys, ["check", "--format", "json"])
    task = tree / "docs/tasks/task-C2-<YYYY-MM-DD>.md"
    task.write_text(task.read_text().replace("e.g., 15.x (to be confirmed by infra)", "16.4"))
    parsed = count_parses(monkeypatch)
    _, report = run_json(capsys, ["check", "--format", "json"])
    # The registry is read as the reference the task is judged against, not checked again.
    assert sorted(parsed) == ["docs/official-docs-registry.md", "docs/tasks/task-C2-<YYYY-MM-DD>.md"]
    assert not any(f["rule"] == "pin-unconfirmed" for f in report["findings"])


def test_a_registry_change_invalidates_every_entry(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_json(capsys, ["check", "--format", "json"])
    registry = tree / "docs/official-docs-registry.md"
    registry.write_text(registry.read_text().replace("| 7.3.0 |", "| 6.19.0 |"))
    _, report = run_json(capsys, ["check", "--format", "json"])
    assert not any(f["rule"] == "pin-inconsistent" and "prisma" in f["path"] for f in report["findings"])


def test_other_code_under_the_same_version_invalidates_every_entry(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hook repository moved to another commit keeps its version number: the code is keyed too."""
    import shutil

    from forgea_hooks import api, treesummary

    package = tmp_path / "package"
    shutil.copytree(api.PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(api, "PACKAGE_DIR", package)
    monkeypatch.setattr(treesummary, "PACKAGE_DIR", str(package))  # and the whole-tree record's
    run_json(capsys, ["check", "--format", "json"])
    parsed = count_parses(monkeypatch)
    run_json(capsys, ["check", "--format", "json"])
    assert parsed == []
    rule = package / "rules" / "paths.py"
    rule.write_text(rule.read_text() + "\n# another commit\n")
    run_json(capsys, ["check", "--format", "json"])
    assert "docs/tasks/task-C2-<YYYY-MM-DD>.md" in parsed
    assert list(api.code_fingerprint(package)) != [] and all(
        ".py" in line or ".json" in line for line in api.code_fingerprint(package)
    )


def test_a_manifest_change_invalidates_every_entry(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run_json(capsys, ["check", "--format", "json"])
    (tree / "package.json").write_text('{"dependencies": {"prisma": "7.3.0", "@prisma/client": "7.3.0"}}')
    _, report = run_json(capsys, ["check", "--format", "json"])
    assert not any(
        f["rule"] == "pin-drift" and f["path"] == "docs/official-docs-registry.md" for f in report["findings"]
    )


def test_a_path_a_rule_looked_for_is_looked_for_again(
    corpus_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus_copy / "valid"
    monkeypatch.chdir(root)
    target = root / "docs/official-docs/EPIC-B/prisma-migrations.md"
    moved = target.read_text()
    target.unlink()
    _, before = run_json(capsys, ["check", "--format", "json"])
    assert [f["rule"] for f in before["findings"] if f["path"].endswith("B3-auth-identity.md")] == ["path-missing"]
    target.write_text(moved)
    _, after = run_json(capsys, ["check", "--format", "json"])
    assert [f["rule"] for f in after["findings"] if f["path"].endswith("B3-auth-identity.md")] == []


def test_a_corrupt_cache_is_rebuilt(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cold = run_json(capsys, ["check", "--format", "json"])
    (tree / CACHE).write_text("{ not json")
    # The whole-tree record would answer without reading the per-file cache at all.
    for record in (tree / CACHE).parent.glob("tree*.json"):
        record.unlink()
    assert run_json(capsys, ["check", "--format", "json"]) == cold
    assert json.loads((tree / CACHE).read_text())["entries"]


def test_no_cache_neither_reads_nor_writes(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_json(capsys, ["check", "--format", "json", "--no-cache"])
    assert not (tree / CACHE).exists()


def test_parallel_runs_leave_a_whole_cache_file(tree: Path) -> None:
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "forgea_hooks", "check", "--format", "json"],
            cwd=tree,
            env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(6)
    ]
    assert [run.wait(timeout=120) for run in runs] == [1] * 6
    entries = json.loads((tree / CACHE).read_text())["entries"]
    assert "docs/gatekeeper/C4-billing.md" in entries


def test_rewriting_the_config_unchanged_keeps_the_cache(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tree / ".forgea-hooks.yaml"
    config.write_text("exclude: ['archive/**']\n")
    cold = run_json(capsys, ["check", "--format", "json"])
    config.write_text("exclude: ['archive/**']\n")  # a new mtime, the same content
    parsed = count_parses(monkeypatch)
    assert run_json(capsys, ["check", "--format", "json"]) == cold
    assert parsed == []
    config.write_text("exclude: ['docs/gatekeeper/**']\n")
    _, report = run_json(capsys, ["check", "--format", "json"])
    assert not any(f["path"].startswith("docs/gatekeeper/") for f in report["findings"])


def test_files_with_their_recorded_size_and_mtime_are_not_read_again(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import os
    import time

    from forgea_hooks import api

    an_hour_ago = time.time() - 3600
    for path in tree.rglob("*.md"):
        os.utime(path, (an_hour_ago, an_hour_ago))
    cold = run_json(capsys, ["check", "--format", "json"])
    read: list[str] = []
    real = api.read_source  # type: ignore[attr-defined]  # the name the checker calls

    def counting(path: str | Path, max_bytes: int, root: Path | None = None) -> Any:
        read.append(Path(path).name)
        return real(path, max_bytes, root)

    monkeypatch.setattr(api, "read_source", counting)
    for record in (tree / CACHE).parent.glob("tree*.json"):
        record.unlink()  # else the whole-tree record answers, and nothing at all is read
    assert run_json(capsys, ["check", "--format", "json"]) == cold
    assert set(read) == {"C7-not-utf8.md"}  # unreadable files have no result to keep
    task = tree / "docs/tasks/task-C2-<YYYY-MM-DD>.md"
    task.write_text(task.read_text().replace("Prisma: 7.3.0", "Prisma: 7.3.1"))  # a new mtime
    _, report = run_json(capsys, ["check", "--format", "json"])
    assert task.name in read
    assert any(f["rule"] == "pin-inconsistent" and f["path"].endswith(task.name) for f in report["findings"])


def test_a_file_written_just_now_is_always_hashed(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its mtime could be the same clock tick as a later edit, so it gets no size-and-mtime key."""
    import os

    for path in tree.rglob("*.md"):
        os.utime(path)  # now (the corpus copy kept the shared tree's old times)
    run_json(capsys, ["check", "--format", "json"])
    entries = json.loads((tree / CACHE).read_text())["entries"]
    assert all("stat" not in entry for entry in entries.values())


def test_a_read_only_tree_gets_no_cache_folder(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Its mode says read-only: honoured even by root, whom os.access lets write anywhere."""
    tree.chmod(0o555)
    try:
        first = run_json(capsys, ["check", "--format", "json"])
        assert not (tree / ".forgea-hooks-cache").exists()
        assert run_json(capsys, ["check", "--format", "json"]) == first
    finally:
        tree.chmod(0o755)
