"""report-handed-off, judged against real git repositories in tmp folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from forgea_hooks.api import CheckOptions, run_check
from forgea_hooks.cli import main
from forgea_hooks.gitprobe import maybe_in_git
from tests.messy import run_git

REPORT = "docs/gatekeeper/B3-auth.md"
HANDOFF = "Handoff complete. Provide this report verbatim to the next agent.\n"
BODY = """\
### REQUIRED OFFICIAL DOCUMENTATION

- Technology: PostgreSQL
  - Concept: Enum types
  - Official source: https://www.postgresql.org/docs/16/datatype-enum.html
  - Exact version requirement: 16.4
  - Why required: enum changes.
  - What decision it informs: migration split.
  - What breaks without it: a failed migration.

### DOCUMENTATION COVERAGE DECISION

✅ DOCUMENTATION COMPLETE

"""


def repo(root: Path, text: str) -> Path:
    (root / "docs" / "gatekeeper").mkdir(parents=True)
    (root / REPORT).write_text(text, encoding="utf-8")
    run_git(root, "init", "-q", "-b", "main")
    run_git(root, "add", "-A")
    run_git(root, "commit", "-qm", "report")
    return root


def rules_of(root: Path, capsys: pytest.CaptureFixture[str]) -> list[tuple[str, int]]:
    main(["check", "--root", str(root), "--format", "json", "--no-cache"])
    return [(f["rule"], f["line"]) for f in json.loads(capsys.readouterr().out)["findings"]]


def test_a_staged_change_to_a_handed_off_report_is_an_error_until_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = repo(tmp_path, BODY + HANDOFF)
    monkeypatch.chdir(root)
    assert rules_of(root, capsys) == []
    (root / REPORT).write_text(BODY.replace("16.4", "16.6") + HANDOFF, encoding="utf-8")
    run_git(root, "add", REPORT)
    assert main(["check", "--root", str(root), "--no-cache", REPORT]) == 1
    out = capsys.readouterr().out
    assert f"{REPORT}:6:1: error report-handed-off this report was handed off in HEAD" in out
    assert "supersedes" in out
    run_git(root, "checkout", "HEAD", "--", REPORT)
    assert rules_of(root, capsys) == []


def test_white_space_is_a_change_and_so_is_dropping_the_handoff_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo(tmp_path, BODY + HANDOFF)
    (root / REPORT).write_text(BODY + HANDOFF + "\n", encoding="utf-8")
    assert rules_of(root, capsys) == [("report-handed-off", 17)]
    (root / REPORT).write_text(BODY, encoding="utf-8")
    assert rules_of(root, capsys) == [("report-handed-off", 15)]


def test_adding_the_handoff_line_and_a_new_file_are_fine(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(tmp_path, BODY)
    (root / REPORT).write_text(BODY.replace("Enum types", "Enum types and ranges") + HANDOFF, encoding="utf-8")
    (root / "docs" / "gatekeeper" / "B4-new.md").write_text(BODY + HANDOFF, encoding="utf-8")
    assert rules_of(root, capsys) == []
    run_git(root, "add", "-A")
    run_git(root, "commit", "-qm", "handed off")
    assert rules_of(root, capsys) == []  # committed: HEAD is the record now


def test_the_rule_can_be_turned_off_and_outside_git_nothing_is_judged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = repo(tmp_path / "a", BODY + HANDOFF)
    (root / REPORT).write_text(BODY + HANDOFF + "more\n", encoding="utf-8")
    (root / ".forgea-hooks.yaml").write_text("rules:\n  report-handed-off: off\n", encoding="utf-8")
    assert rules_of(root, capsys) == []
    plain = tmp_path / "b"
    (plain / "docs" / "gatekeeper").mkdir(parents=True)
    (plain / REPORT).write_text(BODY + HANDOFF, encoding="utf-8")
    assert rules_of(plain, capsys) == []


def test_the_action_compares_head_with_the_pr_base(tmp_path: Path) -> None:
    root = repo(tmp_path, BODY + HANDOFF)
    base = run_git(root, "rev-parse", "HEAD").strip()
    (root / REPORT).write_text(BODY.replace("migration split", "one migration") + HANDOFF, encoding="utf-8")
    run_git(root, "commit", "-qam", "edit the record")
    # The PR's head is committed: against HEAD nothing changed, against the base the record did.
    assert run_check(CheckOptions(root=root, no_cache=True)).findings == []
    result = run_check(CheckOptions(root=root, no_cache=True, handoff_base=base))
    assert [(f.rule, f.line, f.severity.value) for f in result.findings] == [("report-handed-off", 8, "error")]
    missing = run_check(CheckOptions(root=root, no_cache=True, handoff_base="0" * 40))
    assert missing.findings == [] and any("not in the checkout" in w for w in missing.warnings)


def test_fix_leaves_a_handed_off_report_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = repo(tmp_path, BODY.replace("docs/16/", "docs/current/") + HANDOFF)
    (root / "docs" / "official-docs-registry.md").write_text(
        "| Technology | Official source | Version | Status |\n| --- | --- | --- | --- |\n"
        "| PostgreSQL | https://www.postgresql.org/docs/16/ | 16.4 | approved |\n",
        encoding="utf-8",
    )
    before = (root / REPORT).read_bytes()
    assert main(["fix", "--root", str(root)]) == 0
    assert "a handed-off report is a record" in capsys.readouterr().err
    assert (root / REPORT).read_bytes() == before


def test_outside_git_no_git_process_starts_and_in_a_repository_one_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forgea_hooks.rules import handoff

    calls: list[tuple[str, ...]] = []
    real = handoff._git

    def counted(root: Path, *args: str) -> object:
        calls.append(args)
        return real(root, *args)

    monkeypatch.setattr(handoff, "_git", counted)
    monkeypatch.delenv("GIT_DIR", raising=False)
    plain = tmp_path / "plain"
    (plain / "docs").mkdir(parents=True)
    if maybe_in_git(plain):
        pytest.skip("the temp folder is inside a git repository")
    assert handoff._changed(plain, "HEAD", []) == set()
    assert calls == []
    root = repo(tmp_path / "repo", BODY + HANDOFF)
    (root / REPORT).write_text(BODY + "changed\n", encoding="utf-8")
    assert handoff._changed(root, "HEAD", []) == {REPORT}
    assert [args[0] for args in calls] == ["diff"]
    # A bare repository is one too: git answers there (and the diff says it has no work tree).
    run_git(tmp_path, "init", "-q", "--bare", "bare.git")
    warnings: list[str] = []
    assert handoff._changed(tmp_path / "bare.git", "HEAD", warnings) == set()
    assert maybe_in_git(tmp_path / "bare.git")
