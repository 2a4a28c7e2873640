"""`forgea-hooks new` then `check`, and `forgea-hooks pin` across the tree, in real git repos."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from forgea_hooks.cli import main
from tests.messy import build, run_git

REPORT = "docs/gatekeeper/D1-payments-ledger.md"


def check(root: Path, capsys: pytest.CaptureFixture[str], *paths: str) -> list[tuple[str, str]]:
    main(["check", "--root", str(root), "--format", "json", "--no-cache", *paths])
    return [(str(f["rule"]), str(f["message"])) for f in json.loads(capsys.readouterr().out)["findings"]]


def test_a_fresh_report_skeleton_reports_only_the_pins_the_registry_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path)
    argv = ["new", "gatekeeper-report", "E1 search", "--root", str(tmp_path), "--tech", "Prisma", "--tech", "Kafka"]
    assert main(argv) == 0
    assert "wrote" in capsys.readouterr().out
    path = tmp_path / "docs" / "gatekeeper" / "e1-search.md"
    text = path.read_text(encoding="utf-8")
    assert "Exact version requirement: 7.3.1" in text and "⚠️ DOCUMENTATION PARTIAL" in text
    assert check(tmp_path, capsys, str(path)) == [
        ("pin-unknown", "the Kafka pin 'VERSION UNKNOWN — MUST BE PINNED' has no version"),
        ("pin-unknown", "the version pin 'VERSION UNKNOWN — MUST BE PINNED' has no version"),
    ]
    assert main(argv) == 2  # never overwrites
    assert "never overwrites" in capsys.readouterr().err
    assert path.read_text(encoding="utf-8") == text


def test_a_task_skeleton_is_named_with_today_and_complete_when_the_registry_knows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path)
    assert main(["new", "task", "D7", "--root", str(tmp_path), "--tech", "PostgreSQL", "--tech", "Zod"]) == 0
    path = tmp_path / "docs" / "tasks" / f"task-D7-{datetime.date.today().isoformat()}.md"
    assert "- PostgreSQL: 16.4\n- Zod: 3.23.8\n" in path.read_text(encoding="utf-8")
    capsys.readouterr()
    assert check(tmp_path, capsys, str(path)) == []
    assert main(["new", "task", "--root", str(tmp_path), "--tech", "Zod"]) == 2
    assert main(["new", "official-doc", "Zod", "--root", str(tmp_path)]) == 0
    capsys.readouterr()
    assert check(tmp_path, capsys, str(tmp_path / "docs" / "official-docs" / "zod.md")) == []


def test_pin_moves_the_registry_and_every_concrete_restatement(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build(tmp_path)
    task = tmp_path / "docs" / "tasks" / "task-D1-2026-11-02.md"
    main(["new", "task", "D1", "--root", str(tmp_path), "--tech", "Prisma"])
    (tmp_path / "docs" / "tasks").joinpath(f"task-D1-{datetime.date.today().isoformat()}.md").rename(task)
    run_git(tmp_path, "add", "-A")
    run_git(tmp_path, "commit", "-qm", "task")
    capsys.readouterr()
    assert main(["pin", "Prisma", "7.3.2", "--dry-run", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "-| Prisma | https://www.prisma.io/docs/orm | 7.3.1 | approved | prisma.io |" in out
    assert "+| Prisma | https://www.prisma.io/docs/orm | 7.3.2 | approved | prisma.io |" in out
    assert run_git(tmp_path, "status", "--porcelain") == ""
    assert main(["pin", "Prisma", "7.3.2", "--root", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "docs/official-docs/EPIC-D/prisma.md:3:10: Prisma: '7.3.1' -> '7.3.2'" in out
    assert "- Prisma: 7.3.2\n" in task.read_text(encoding="utf-8")
    # The draft report's 7.2.0 moves too; its ranges and unknowns are left to `fix`.
    assert [m for r, m in check(tmp_path, capsys) if r == "pin-inconsistent" and "Prisma" in m] == []
    assert "Exact version requirement: ^7.3.0" in (tmp_path / REPORT).read_text(encoding="utf-8")
    assert main(["pin", "Prisma", "^7", "--root", str(tmp_path)]) == 2
    assert main(["pin", "Cobol", "1.0", "--root", str(tmp_path)]) == 2


def test_pin_leaves_a_handed_off_report_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    build(tmp_path, git=False)
    report = tmp_path / REPORT
    report.write_text(report.read_text(encoding="utf-8") + "\nHandoff complete. Provide this report verbatim.\n")
    run_git(tmp_path, "init", "-q", "-b", "main")
    run_git(tmp_path, "add", "-A")
    run_git(tmp_path, "commit", "-qm", "handed off")
    before = report.read_bytes()
    assert main(["pin", "Prisma", "7.3.2", "--root", str(tmp_path)]) == 0
    assert "left alone: a handed-off report is a record" in capsys.readouterr().err
    assert report.read_bytes() == before
