"""Inline review comments with suggestions, against the GitHub stand-in on 127.0.0.1 (tests/ghapi.py).

The findings carry fixes built here (``Finding.fix``, the shape the fix engine fills in), so these
tests pin down how a fix becomes a ```suggestion block, whatever engine made it.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from forgea_hooks.action import review
from forgea_hooks.action.client import GitHubClient, PermissionDenied
from forgea_hooks.findings import Finding, Fix, Severity
from tests.ghapi import Canned, FakeGitHub, serve

TOKEN = "ghs_reviewTestToken_0b1c2d3e4f"
PR = 9
HEAD = "c" * 40
BOT = "forgea-bot"
TASK = "docs/tasks/task.md"
TEXT = "# Task\n\n## Required version pins\n\n- Prisma: ^7.3.0\n- Redis: TBD\n- Path: /Users/dana/repo/docs/x.md\n"


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with serve(FakeGitHub(TOKEN, login=BOT, heads={PR: HEAD})) as server:
        yield server


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "tasks").mkdir(parents=True)
    (tmp_path / TASK).write_text(TEXT, encoding="utf-8")
    return tmp_path


def _client(fake: FakeGitHub, sleeps: list[float] | None = None) -> GitHubClient:
    return GitHubClient(fake.url, TOKEN, write_interval=0.0, sleep=(sleeps if sleeps is not None else []).append)


def _pin_range() -> Finding:
    return Finding(
        TASK,
        5,
        11,
        "pin-range",
        Severity.ERROR,
        "the Prisma pin '^7.3.0' is a range or moving target, not a pin",
        "pin the exact version",
        fix=Fix(5, 11, 5, 17, "7.3.0"),
    )


def _path_absolute() -> Finding:
    return Finding(
        TASK,
        7,
        9,
        "path-absolute",
        Severity.ERROR,
        "machine-local path '/Users/dana/repo/docs/x.md' resolves on one machine only",
        fix=Fix(7, 9, 7, 35, "/docs/x.md"),
    )


def _unknown() -> Finding:
    return Finding(TASK, 6, 10, "pin-unknown", Severity.ERROR, "the Redis pin 'TBD' has no version")


def _sync(
    fake: FakeGitHub,
    root: Path,
    findings: list[Finding],
    changed: dict[str, set[int]],
    client: GitHubClient | None = None,
) -> review.ReviewOutcome:
    return review.sync(
        client or _client(fake),
        fake.repository,
        PR,
        login=BOT,
        head_sha=HEAD,
        findings=findings,
        changed=changed,
        root=root,
    )


def test_the_lines_a_patch_adds() -> None:
    patch = (
        "@@ -1,3 +1,4 @@\n # Task\n-old\n+new\n+added\n context\n@@ -10 +11,2 @@\n+x\n+y\n\\ No newline at end of file"
    )
    assert review.added_lines_from_patch(patch) == {2, 3, 11, 12}


def test_a_fix_becomes_the_rewritten_line(root: Path) -> None:
    assert review.suggestion(_pin_range(), root) == "- Prisma: 7.3.0"
    assert review.suggestion(_path_absolute(), root) == "- Path: /docs/x.md"
    assert review.suggestion(_unknown(), root) is None


def test_one_review_with_a_comment_per_error_on_changed_lines(fake: FakeGitHub, root: Path) -> None:
    warning = Finding(TASK, 5, 1, "source-missing", Severity.WARNING, "no official source")
    unchanged_line = Finding(TASK, 1, 1, "section-missing", Severity.ERROR, "missing section 'Rollback'")
    done = _sync(fake, root, [_pin_range(), _unknown(), warning, unchanged_line], {TASK: {5, 6, 7}})
    assert (done.posted, done.kept, done.deleted, done.left_out) == (2, 0, 0, 0)
    [post] = [r for r in fake.writes()]
    assert post.method == "POST" and post.path.endswith(f"/pulls/{PR}/reviews")
    assert post.body["commit_id"] == HEAD and post.body["event"] == "COMMENT"
    by_line = {c["line"]: c for c in post.body["comments"]}
    assert set(by_line) == {5, 6}
    assert by_line[5]["side"] == "RIGHT"
    assert "```suggestion\n- Prisma: 7.3.0\n```" in by_line[5]["body"]
    assert "suggestion" not in by_line[6]["body"]
    assert "`TBD`" in by_line[6]["body"]  # doc text quoted as code


def test_a_rerun_posts_nothing_new_and_removes_what_was_fixed(fake: FakeGitHub, root: Path) -> None:
    _sync(fake, root, [_pin_range(), _unknown()], {TASK: {5, 6, 7}})
    writes = len(fake.writes())
    again = _sync(fake, root, [_pin_range(), _unknown()], {TASK: {5, 6, 7}})
    assert (again.posted, again.kept, again.deleted) == (0, 2, 0)
    assert len(fake.writes()) == writes
    fixed = _sync(fake, root, [_unknown()], {TASK: {5, 6, 7}})
    assert (fixed.posted, fixed.kept, fixed.deleted) == (0, 1, 1)
    assert [c["line"] for c in fake.review_comments[PR]] == [6]
    assert fake.writes()[-1].method == "DELETE"


def test_someone_elses_comment_with_our_marker_is_left_alone(fake: FakeGitHub, root: Path) -> None:
    body = f"{review.REVIEW_MARKER}\n<!-- forgea-hooks:key {'a' * 32}:1 -->\nmine"
    theirs = fake.add_review_comment(PR, "mallory", TASK, 6, body)
    _sync(fake, root, [], {TASK: {5, 6}})
    assert theirs in fake.review_comments[PR]
    assert fake.writes() == []


def test_writes_are_bounded_and_the_rest_follow_on_later_runs(fake: FakeGitHub, root: Path) -> None:
    lines = set(range(1, 60))
    findings = [Finding(TASK, n, 1, "pin-unknown", Severity.ERROR, f"pin {n} has no version") for n in range(1, 46)]
    first = _sync(fake, root, findings, {TASK: lines})
    assert (first.posted, first.left_out) == (review.MAX_NEW_COMMENTS, 45 - review.MAX_NEW_COMMENTS)
    second = _sync(fake, root, findings, {TASK: lines})
    assert (second.posted, second.kept, second.left_out) == (45 - review.MAX_NEW_COMMENTS, review.MAX_NEW_COMMENTS, 0)
    assert len(fake.review_comments[PR]) == 45
    assert len([w for w in fake.writes() if w.method == "POST"]) == 2  # one review per run


def test_a_secondary_rate_limit_is_waited_out(fake: FakeGitHub, root: Path) -> None:
    fake.canned.append(
        Canned(
            403,
            {"Retry-After": "3"},
            {"message": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."},
            method="POST",
        )
    )
    sleeps: list[float] = []
    done = _sync(fake, root, [_unknown()], {TASK: {6}}, client=_client(fake, sleeps))
    assert done.posted == 1
    assert sleeps == [3.0]


def test_a_read_only_token_raises_permission_denied(fake: FakeGitHub, root: Path) -> None:
    fake.read_only = True
    with pytest.raises(PermissionDenied):
        _sync(fake, root, [_unknown()], {TASK: {6}})
    assert fake.review_comments.get(PR, []) == []


def _git(cwd: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(cwd),
        "PATH": os.environ.get("PATH", ""),
    }
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_files_the_base_also_changed_are_not_commented_on_in_a_merge_checkout(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("one\ntwo\nthree\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("bee\n", encoding="utf-8")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "base")
    _git(tmp_path, "checkout", "-q", "-b", "feature")
    (tmp_path / "a.md").write_text("one\ntwo\nthree\nfour: TBD\n", encoding="utf-8")
    (tmp_path / "b.md").write_text("bee\nsee: TBD\n", encoding="utf-8")
    _git(tmp_path, "commit", "-q", "-am", "feature")
    head = _git(tmp_path, "rev-parse", "HEAD")
    _git(tmp_path, "checkout", "-q", "main")
    (tmp_path / "a.md").write_text("zero\none\ntwo\nthree\n", encoding="utf-8")  # shifts a.md's lines
    _git(tmp_path, "commit", "-q", "-am", "main moves on")
    _git(tmp_path, "merge", "-q", "--no-ff", "-m", "merge", "feature")
    merged = _git(tmp_path, "rev-parse", "HEAD")
    assert review.differing_files(merged, head, ["a.md", "b.md"], tmp_path) == {"a.md"}
    assert review.differing_files(head, head, ["a.md"], tmp_path) == set()
    assert review.differing_files(merged, "f" * 40, ["a.md"], tmp_path) == set()  # cannot tell
