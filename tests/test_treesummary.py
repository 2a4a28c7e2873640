"""The tree summary: an unchanged tree's whole-tree run replayed from one record, byte for byte."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import forgea_hooks.api
from forgea_hooks import treesummary
from forgea_hooks.cli import main
from forgea_hooks.outcome import CheckOptions, CheckResult

RECORD = Path(".forgea-hooks-cache/tree.json")
# JSON output asks for fixes: its runs keep their own record.
JSON_RECORD = Path(".forgea-hooks-cache/tree-fixes.json")
HOUR_AGO = time.time() - 3600


def read_record(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A record's two lines: what it depends on, and its result."""
    head, result = path.read_text().split("\n")
    return json.loads(head), json.loads(result)


def write_record(path: Path, head: dict[str, Any], result: dict[str, Any]) -> None:
    path.write_text(f"{json.dumps(head)}\n{json.dumps(result)}")
    # The report printed from the record as it was would be shown without reading the result.
    path.with_name(path.name.replace(".json", "-printed.json")).unlink(missing_ok=True)


def age(root: Path) -> None:
    """Every file and folder an hour old, as a tree is between two commits: a record is not written
    while a file it depends on is younger than the racy window."""
    for path in [root, *root.rglob("*")]:
        os.utime(path, (HOUR_AGO, HOUR_AGO), follow_symlinks=False)


@pytest.fixture
def tree(corpus_copy: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = corpus_copy / "invalid"
    monkeypatch.chdir(root)
    for name in ("GITHUB_ACTIONS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    age(root)
    return root


def run(capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    code = main(["check", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def full_runs(monkeypatch: pytest.MonkeyPatch) -> list[CheckOptions]:
    """The runs that went the long way (the api's run_check), recorded."""
    calls: list[CheckOptions] = []
    real = forgea_hooks.api.run_check

    def spy(options: CheckOptions, snapshot: treesummary.Snapshot | None = None) -> CheckResult:
        calls.append(options)
        return real(options, snapshot)

    monkeypatch.setattr(forgea_hooks.api, "run_check", spy)
    return calls


VARIANTS = [
    [],
    ["--format", "json"],
    ["--format", "sarif"],
    ["--format", "github"],
    ["--statistics"],
    ["--select", "pin-unknown,path-missing"],
    ["--ignore", "pin-unknown"],
    ["--fail-on", "warning"],
    ["--fail-on", "never"],
    ["--color", "always"],
    ["--quiet"],
    ["--consistency", "docs/gatekeeper/C4-billing.md"],
]


@pytest.mark.parametrize("argv", VARIANTS, ids=lambda argv: " ".join(argv) or "text")
def test_a_replay_prints_what_the_full_run_printed(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    calls = full_runs(monkeypatch)
    cold = run(capsys, argv)
    assert len(calls) == 1
    assert (tree / ".forgea-hooks-cache" / treesummary.file_name(calls[0])).is_file()
    assert run(capsys, argv) == cold
    assert len(calls) == 1, "the second run was not replayed"
    # And a replay is what a run without any cache prints.
    assert run(capsys, [*argv, "--no-cache"]) == cold


def test_a_replay_keeps_the_baseline_work(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["baseline"]) == 0
    capsys.readouterr()
    registry = tree / "docs/official-docs-registry.md"
    registry.write_text(registry.read_text() + "\nA new paragraph.\n")
    age(tree)
    calls = full_runs(monkeypatch)
    cold = run(capsys, [])
    assert "baselined" in cold[2]
    assert run(capsys, []) == cold
    assert len(calls) == 1
    for baseline in tree.glob("*baseline*"):
        baseline.unlink()
    after = run(capsys, [])
    assert len(calls) == 2 and "baselined" not in after[2]


def edit(path: Path, text: str) -> None:
    path.write_text(text)


CHANGES: dict[str, Callable[[Path], object]] = {
    "a doc edited": lambda root: edit(root / "docs/gatekeeper/C4-billing.md", "# Gatekeeper report\n\nShorter.\n"),
    "a doc added": lambda root: edit(root / "docs/tasks/task-C3-new.md", "# Task\n"),
    "a doc deleted": lambda root: (root / "docs/gatekeeper/C9-sessions.md").unlink(),
    "the config": lambda root: edit(root / ".forgea-hooks.yaml", "rules:\n  pin-unknown: off\n"),
    "the registry": lambda root: edit(
        root / "docs/official-docs-registry.md",
        (root / "docs/official-docs-registry.md").read_text().replace("6.19.0", "6.18.0"),
    ),
    "a root manifest": lambda root: edit(
        root / "package.json", '{"dependencies": {"@prisma/client": "7.3.0"}, "devDependencies": {"prisma": "7.3.0"}}'
    ),
    "a new file in a folder": lambda root: edit(root / "docs/official-docs/EPIC-C/notes.txt", "x"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_to_what_the_run_read_is_not_replayed(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    calls = full_runs(monkeypatch)
    run(capsys, ["--format", "json"])
    CHANGES[change](tree)
    changed = run(capsys, ["--format", "json"])
    assert len(calls) == 2, "replayed after the change"
    assert run(capsys, ["--format", "json", "--no-cache"]) == changed


def test_a_probed_path_deleted_is_not_replayed(
    corpus_copy: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = corpus_copy / "valid"
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    age(root)
    calls = full_runs(monkeypatch)
    cold = run(capsys, ["--format", "json"])
    record, result = read_record(root / JSON_RECORD)
    assert record["probes"] == [["docs/official-docs/EPIC-B/prisma-migrations.md", True]]
    # Each probe is asked again: one that no longer holds (here, added by hand) stops the replay.
    record["probes"].append(["docs/official-docs/EPIC-B/schema.prisma", True])
    write_record(root / JSON_RECORD, record, result)
    assert run(capsys, ["--format", "json"]) == cold
    assert len(calls) == 2
    (root / record["probes"][0][0]).unlink()
    gone = run(capsys, ["--format", "json"])
    assert len(calls) == 3 and gone != cold
    assert gone == run(capsys, ["--format", "json", "--no-cache"])


def test_a_new_commit_is_not_replayed_when_reports_were_judged_by_git(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
            cwd=tree, check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "one")
    age(tree)
    calls = full_runs(monkeypatch)
    cold = run(capsys, [])
    assert run(capsys, []) == cold and len(calls) == 1
    git("commit", "-q", "--allow-empty", "-m", "two")
    run(capsys, [])
    assert len(calls) == 2


def test_no_record_while_a_file_is_inside_the_racy_window(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tree / "docs/gatekeeper/C4-billing.md").touch()
    run(capsys, [])
    assert not (tree / RECORD).exists()


def test_runs_that_are_not_whole_tree_and_offline_neither_read_nor_write_one(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run(capsys, ["docs/gatekeeper/C4-billing.md"])
    run(capsys, ["--no-cache"])
    assert not (tree / RECORD).exists()
    calls = full_runs(monkeypatch)
    run(capsys, [])
    run(capsys, ["docs/gatekeeper/C4-billing.md"])
    assert len(calls) == 2


HOSTILE = [
    "{ not json",
    "[]",
    '{"format": 2}',
    '{"format": 2, "key": 5, "dependencies": [], "probes": [], "git": null}\n{}',
    # A NUL makes os.stat raise ValueError, not OSError.
    '{"format": 2, "key": "k", "dependencies": ["a\\u0000b"], "probes": [["a\\u0000b", true]], "git": null}\n{}',
    "nested",
]


@pytest.mark.parametrize("content", HOSTILE)
def test_a_hostile_record_is_never_trusted_and_never_fails_a_run(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    cold = run(capsys, ["--format", "json"])
    record, result = read_record(tree / JSON_RECORD)
    if content == "nested":
        content = "[" * 100_000 + "]" * 100_000
    (tree / JSON_RECORD).write_text(content)
    calls = full_runs(monkeypatch)
    assert run(capsys, ["--format", "json"]) == cold
    assert len(calls) == 1
    # A record with its key intact but a finding's index outside the string table: refused too.
    result["findings"][0] = 10**9
    write_record(tree / JSON_RECORD, record, result)
    assert run(capsys, ["--format", "json"]) == cold
    assert len(calls) == 2


def test_a_record_is_not_read_through_a_link(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = run(capsys, [])
    outside = tmp_path / "elsewhere.json"
    (tree / RECORD).rename(outside)
    (tree / RECORD).symlink_to(outside)
    calls = full_runs(monkeypatch)
    assert run(capsys, []) == cold
    assert len(calls) == 1
    assert not (tree / RECORD).is_symlink(), "the write replaces the link, never writes through it"


PRINTED = Path(".forgea-hooks-cache/tree-printed.json")


def decodes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Each time a replay decoded the record's findings."""
    calls: list[int] = []
    real = treesummary._decode_result

    def spy(data: Any) -> CheckResult | None:
        calls.append(1)
        return real(data)

    monkeypatch.setattr(treesummary, "_decode_result", spy)
    return calls


def test_a_report_printed_the_same_way_is_shown_without_decoding_the_findings(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls, decoded = full_runs(monkeypatch), decodes(monkeypatch)
    cold = run(capsys, [])
    assert "error" in cold[1] and cold[0] == 1
    assert run(capsys, []) == cold
    assert (len(calls), len(decoded)) == (1, 0)
    # Printed another way, the findings are decoded and rendered; that way is then the one kept.
    github = run(capsys, ["--format", "github"])
    assert github == run(capsys, ["--format", "github", "--no-cache"])
    assert (len(calls), len(decoded)) == (2, 1)
    assert run(capsys, ["--format", "github"]) == github
    assert len(decoded) == 1
    assert run(capsys, []) == cold
    assert run(capsys, ["--fail-on", "never"])[0] == 0
    assert len(decoded) == 3


def test_a_report_printed_from_another_record_is_not_shown(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = run(capsys, [])
    stale = (tree / PRINTED).read_text()
    CHANGES["a doc edited"](tree)
    age(tree)
    after = run(capsys, [])
    assert after != before
    (tree / PRINTED).write_text(stale)
    assert run(capsys, []) == after


def test_a_report_with_lone_surrogates_is_printed_again_the_same(
    tree: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A file name that is not UTF-8 reaches Python as a lone surrogate, and the report quotes it.
    named = tree / os.fsdecode(b"docs/gatekeeper/C8-b\xff.md")
    named.write_text((tree / "docs/gatekeeper/C4-billing.md").read_text())
    age(tree)
    calls, decoded = full_runs(monkeypatch), decodes(monkeypatch)
    cold = run(capsys, [])
    assert "\ufffd" in cold[1]
    assert run(capsys, []) == cold
    assert (len(calls), len(decoded)) == (1, 0)


def read_printed(path: Path) -> tuple[dict[str, Any], str]:
    head, _, stdout = path.read_text().partition("\n")
    return json.loads(head), stdout


def hostile_printed(kept: dict[str, Any], outside: Path) -> dict[str, str]:
    forged = json.dumps({**kept, "stderr": ["forged"], "code": 0}) + "\nforged\n"
    return {
        "not json": "{ nope\nforged\n",
        "nested": "[" * 100_000 + "]" * 100_000,
        "a list": "[]\nforged\n",
        "no head": "forged\n",
        "stderr a string": json.dumps({**kept, "stderr": "forged"}) + "\nforged\n",
        "stderr of numbers": json.dumps({**kept, "stderr": [1, 2]}) + "\nforged\n",
        "code a string": json.dumps({**kept, "code": "0"}) + "\nforged\n",
        "code out of range": json.dumps({**kept, "code": 256}) + "\nforged\n",
        "another record": forged.replace(kept.get("record", "-"), "0" * 32),
        "printed another way": json.dumps({**kept, "printing": "('json',)"}) + "\nforged\n",
        "an older format": json.dumps({**kept, "format": 1}) + "\nforged\n",
        "a link to a forged one": str(outside),
    }


@pytest.mark.parametrize("case", list(hostile_printed({}, Path())))
def test_a_hostile_printed_report_is_never_shown(
    tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    cold = run(capsys, [])
    kept, _ = read_printed(tree / PRINTED)
    outside = tmp_path / "forged.json"
    outside.write_text(json.dumps({**kept, "stderr": ["forged"], "code": 0}) + "\nforged\n")
    content = hostile_printed(kept, outside)[case]
    (tree / PRINTED).unlink()
    if case.startswith("a link"):
        (tree / PRINTED).symlink_to(content)
    else:
        (tree / PRINTED).write_text(content)
    assert run(capsys, []) == cold
    # The forged copy is sound but for its story: the same bytes where they belong are shown,
    # so each case above was refused for what it changed.
    (tree / PRINTED).unlink()
    (tree / PRINTED).write_text(outside.read_text())
    assert run(capsys, []) == (0, "forged\n", "forged\n")


def test_the_walk_meets_what_os_walk_meets(tree: Path) -> None:
    (tree / "docs/tasks/folder.md").mkdir()
    (tree / "docs/tasks/folder.md/inner.md").write_text("# Task\n")
    (tree / "node_modules").mkdir()
    (tree / "node_modules/skipped.md").write_text("# x\n")
    (tree / "docs/link.md").symlink_to(tree / "docs/official-docs-registry.md")
    (tree / "docs/dangling.md").symlink_to(tree / "nowhere.md")
    (tree / "docs/folder-link").symlink_to(tree / "docs/tasks")
    expected = []
    for folder, folders, names in os.walk(tree):
        folders[:] = sorted(name for name in folders if name != "node_modules")
        base = os.path.relpath(folder, tree).replace(os.sep, "/")
        listed = [name for name in sorted(names) if name.endswith(".md")]
        for name in listed + [name for name in folders if name.endswith(".md")]:
            expected.append((os.path.join(folder, name), name if base == "." else f"{base}/{name}"))
    walked = [(path, relpath) for path, relpath, _ in treesummary.walk(str(tree)).files]
    assert walked == expected
    assert ("docs/folder-link" not in {relpath for _, relpath in walked}) and len(walked) > 10
    # Below a folder, each path is known from the root all the same.
    below = treesummary.walk(str(tree / "docs/tasks"), "docs/tasks/").files
    assert [(path, relpath) for path, relpath, _ in below] == [row for row in expected if "/tasks/" in row[0]]
