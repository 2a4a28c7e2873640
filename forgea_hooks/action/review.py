"""Inline review comments on the lines a PR added or changed, with ```suggestion blocks for fixes.

Optional (the ``review`` input). Only errors are commented, and only on lines the PR's diff adds
or changes, where GitHub can anchor a review comment. A finding with a ``fix`` (from the fix
engine, ``Finding.fix``) gets a suggestion the author can apply with one click; the suggestion
replaces the finding's whole lines, as GitHub applies it.

Re-runs do not repeat themselves: each comment carries a hidden key (the finding's fingerprint,
the same as SARIF's), and ours are found by that marker *and* by author. A comment whose finding
is gone is deleted; one whose finding remains is left as it is. All new comments go in one review
(one write), deletions are capped per run, and writes are spaced by the client, which also waits
out GitHub's secondary rate limits; what does not fit stays in the sticky comment, which lists
every error anyway. A read-only token (forks, Dependabot) raises PermissionDenied like the comment.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forgea_hooks.action.client import GitHubClient
from forgea_hooks.action.markdown import message as markdown_message
from forgea_hooks.baseline import fingerprints
from forgea_hooks.findings import Finding, Severity
from forgea_hooks.reporters.ruledocs import rule_url

REVIEW_MARKER = "<!-- forgea-hooks:review -->"
_KEY = re.compile(r"<!-- forgea-hooks:key ([0-9a-f]{32}:\d+) -->")
# GitHub reviews take many comments, but a wall of them buries the conversation; the rest is in
# the sticky comment.
MAX_NEW_COMMENTS = 30
MAX_DELETES = 30
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")
GIT_TIMEOUT = 120.0


@dataclass(frozen=True)
class ReviewOutcome:
    posted: int
    kept: int
    deleted: int
    left_out: int  # errors on changed lines that did not fit this run's bounds
    url: str = ""


def added_lines_from_patch(patch: str) -> set[int]:
    """The new-side line numbers of ``+`` lines in a unified diff of one file."""
    lines: set[int] = set()
    number = 0
    for text in patch.splitlines():
        hunk = _HUNK.match(text)
        if hunk:
            number = int(hunk.group(1))
            continue
        if text.startswith("+") and not text.startswith("+++"):
            lines.add(number)
            number += 1
        elif text.startswith("-") and not text.startswith("---"):
            continue
        elif not text.startswith("\\"):
            number += 1
    return lines


def changed_lines_from_git(base: str, head: str, cwd: Path) -> dict[str, set[int]] | None:
    """Path (relative to ``cwd``) -> lines the PR added or changed; None if git cannot say."""
    try:
        done = subprocess.run(
            ["git", "diff", "--no-color", "--no-renames", "--relative", "--unified=0", f"{base}...{head}"],
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    changed: dict[str, set[int]] = {}
    current: list[str] = []
    path = ""
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("diff --git "):
            if path:
                changed[path] = added_lines_from_patch("\n".join(current))
            path, current = "", []
        elif line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else ""
        else:
            current.append(line)
    if path:
        changed[path] = added_lines_from_patch("\n".join(current))
    return changed


def differing_files(checked: str, head: str, paths: Sequence[str], cwd: Path) -> set[str]:
    """Of ``paths``, those whose text at the checked commit is not the head's (the base changed
    them too): their finding lines are the merge's, and a review comment would land on the wrong
    head line. When git cannot compare (a shallow merge checkout lacks the head), none is assumed."""
    if not checked or checked == head or not paths:
        return set()
    try:
        done = subprocess.run(
            ["git", "diff", "--name-only", "-z", "--no-renames", "--relative", checked, head, "--", *paths],
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()
    if done.returncode != 0:
        return set()
    return {name.decode("utf-8", "replace") for name in done.stdout.split(b"\0") if name}


def changed_lines_from_api(client: GitHubClient, repository: str, number: int) -> dict[str, set[int]]:
    changed: dict[str, set[int]] = {}
    for item in client.paginate(f"repos/{repository}/pulls/{number}/files"):
        if isinstance(item, dict) and isinstance(item.get("filename"), str) and isinstance(item.get("patch"), str):
            changed[item["filename"]] = added_lines_from_patch(item["patch"])
    return changed


def _fence(text: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    return "`" * (longest + 1)


def suggestion(finding: Finding, root: Path) -> str | None:
    """The lines the finding's fix rewrites, rewritten: the body of a ```suggestion block."""
    fix = finding.fix
    if fix is None or fix.line < 1 or fix.end_line < fix.line:
        return None
    try:
        text = (root / finding.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.split("\n")
    if fix.end_line > len(lines):
        return None
    first, last = lines[fix.line - 1], lines[fix.end_line - 1]
    if fix.column - 1 > len(first) or fix.end_column - 1 > len(last):
        return None
    return first[: fix.column - 1] + fix.replacement + last[fix.end_column - 1 :]


def body_for(finding: Finding, key: str, fixed: str | None) -> str:
    said = f"**[{finding.rule}]({rule_url(finding.rule)})**: {markdown_message(finding.message)}"
    if finding.hint:
        said += f"\n\n↳ {markdown_message(finding.hint)}"
    if fixed is not None:
        fence = _fence(fixed)
        said += f"\n\n{fence}suggestion\n{fixed}\n{fence}"
    return f"{REVIEW_MARKER}\n<!-- forgea-hooks:key {key} -->\n{said}\n"


def comment_for(finding: Finding, key: str, root: Path, lines: set[int]) -> dict[str, Any]:
    """One review comment: on the finding's line, or on the fix's lines when it suggests one
    (a suggestion replaces exactly the lines it is anchored to, and all must be in the diff)."""
    fix = finding.fix
    fixed = suggestion(finding, root)
    if fix is not None and fixed is not None and all(n in lines for n in range(fix.line, fix.end_line + 1)):
        start, end = fix.line, fix.end_line
    else:
        start, end, fixed = finding.line, finding.line, None
    entry: dict[str, Any] = {"path": finding.path, "line": end, "side": "RIGHT", "body": body_for(finding, key, fixed)}
    if start != end:
        entry["start_line"] = start
        entry["start_side"] = "RIGHT"
    return entry


def _ours(comment: Any, login: str) -> str:
    """The key of one of our review comments, or "" for anyone else's."""
    if not isinstance(comment, dict):
        return ""
    author = comment.get("user") or {}
    body = comment.get("body") or ""
    if not (isinstance(author, dict) and str(author.get("login", "")).lower() == login.lower()):
        return ""
    if not isinstance(body, str) or REVIEW_MARKER not in body:
        return ""
    match = _KEY.search(body)
    return match.group(1) if match else ""


def sync(
    client: GitHubClient,
    repository: str,
    number: int,
    *,
    login: str,
    head_sha: str,
    findings: Sequence[Finding],
    changed: Mapping[str, set[int]],
    root: Path,
) -> ReviewOutcome:
    """Bring the PR's inline comments in line with the errors on its changed lines."""
    keys = fingerprints(findings)
    wanted: dict[str, Finding] = {}
    for finding, key in zip(findings, keys, strict=True):
        if finding.severity is Severity.ERROR and finding.line in changed.get(finding.path, ()):
            wanted[key] = finding
    existing: dict[str, list[int]] = {}
    for comment in client.paginate(f"repos/{repository}/pulls/{number}/comments"):
        key = _ours(comment, login)
        if key:
            existing.setdefault(key, []).append(int(comment["id"]))

    stale = [comment_id for key, ids in existing.items() if key not in wanted for comment_id in ids]
    # A key seen twice (two runs racing) keeps its oldest comment.
    stale += [comment_id for key, ids in existing.items() if key in wanted for comment_id in sorted(ids)[1:]]
    deleted = 0
    for comment_id in stale[:MAX_DELETES]:
        client.request("DELETE", f"repos/{repository}/pulls/comments/{comment_id}")
        deleted += 1

    new = [(key, finding) for key, finding in wanted.items() if key not in existing]
    new.sort(key=lambda item: item[1].sort_key())
    chosen = new[:MAX_NEW_COMMENTS]
    url = ""
    if chosen:
        comments = [comment_for(finding, key, root, set(changed.get(finding.path, ()))) for key, finding in chosen]
        posted = client.request(
            "POST",
            f"repos/{repository}/pulls/{number}/reviews",
            {
                "commit_id": head_sha,
                "event": "COMMENT",
                "body": f"{REVIEW_MARKER}\nforgea-hooks: {len(chosen)} error{'s' if len(chosen) != 1 else ''} "
                "on lines this PR changed.",
                "comments": comments,
            },
        )
        url = str(posted.data.get("html_url", "")) if isinstance(posted.data, dict) else ""
    return ReviewOutcome(
        posted=len(chosen),
        kept=sum(1 for key in wanted if key in existing),
        deleted=deleted,
        left_out=len(new) - len(chosen),
        url=url,
    )
