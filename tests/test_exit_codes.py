"""Exit codes that never lie: a run that checked nothing because of what it was given says so."""

from __future__ import annotations

from pathlib import Path

import pytest

from forgea_hooks.cli import main
from tests.conftest import TREES, copy_tree

NOT_A_DOC = "README.md: not a doc of any kind (see kinds in docs/format.md); not checked"


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = copy_tree(TREES["valid"], tmp_path / "repo")
    (root / "README.md").write_text("# A project\n\nNot a doc of any kind.\n", encoding="utf-8")
    (root / "notes").mkdir()
    (root / "notes" / "ideas.md").write_text("# Ideas\n", encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return root


@pytest.mark.parametrize("command", [["check"], ["pins"], ["dump", "README.md"]])
@pytest.mark.parametrize(("root", "said"), [("nowhere", "no such folder"), ("README.md", "not a folder")])
def test_a_root_that_is_not_a_folder_is_exit_2(
    tree: Path, capsys: pytest.CaptureFixture[str], command: list[str], root: str, said: str
) -> None:
    assert main([*command, "--root", root]) == 2
    captured = capsys.readouterr()
    assert f"--root {root}: {said}" in captured.err
    assert "file(s) checked" not in captured.err


def test_a_given_file_that_is_not_a_doc_is_named_and_exit_2_when_nothing_was_checked(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "README.md"]) == 2
    assert NOT_A_DOC in capsys.readouterr().err


def test_with_a_doc_beside_it_the_findings_decide(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "README.md", "docs/official-docs-registry.md"]) == 0
    err = capsys.readouterr().err
    assert NOT_A_DOC in err and "1 file(s) checked" in err


def test_a_folder_with_no_doc_and_an_excluded_file_are_named(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tree / ".forgea-hooks.yaml").write_text("exclude: ['docs/tasks/**']\n", encoding="utf-8")
    assert main(["check", "notes", "docs/tasks/task-B3-2026-11-20.md"]) == 2
    err = capsys.readouterr().err
    assert "notes: no doc of any kind in this folder" in err
    assert "docs/tasks/task-B3-2026-11-20.md: excluded by the config's exclude; not checked" in err


def test_the_pre_commit_hook_skips_non_docs_without_a_word(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # pre-commit passes every Markdown file it sees; most of them are no doc of any kind.
    assert main(["check", "--skip-non-docs", "README.md", "notes/ideas.md"]) == 0
    assert "not a doc" not in capsys.readouterr().err


def test_a_missing_path_is_still_exit_2_and_the_others_are_checked(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", "nowhere.md", "docs/official-docs-registry.md"]) == 2
    err = capsys.readouterr().err
    assert "nowhere.md: no such file or directory" in err and "1 file(s) checked" in err
